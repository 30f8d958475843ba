"""Offline: the pack lists a visitor saves, the service worker's version, and in Chromium a saved
tour that works with the network cut, an unsaved page that shows the offline page, and a rebuild
that a returning visitor sees at once."""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from builder.build import SiteBuilder
from builder.diagnostics import ContentError
from builder.offline.kiosk import offsite_as_text, write_kiosk_zip
from builder.offline.packs import PAGE_BYTES, scene_tiles
from builder.tiling import TileSet
from builder.tours.panoramas import ScenePanorama
from tests.conftest import copy_demo

TOUR = "tours/bao-tang/"
TOUR_PACK = "offline/packs/tour-bao-tang.vi.json"
STORY = "stories/doc-mat-trong-dong/"
STORY_PACK = "offline/packs/story-doc-mat-trong-dong.vi.json"


def _pack(site: Path, path: str = TOUR_PACK) -> dict:
    return json.loads((site / path).read_text(encoding="utf-8"))


SIZED = r"\(~\d[\d,.]* MB\)"


def _save_button(page):
    """The save button, once save.js has read the pack list and written its size on it."""
    page.wait_for_function(
        "(sized) => new RegExp(sized).test(document.querySelector('.offline-save button')?.textContent || '')",
        arg=SIZED,
    )
    return page.locator(".offline-save button").first


def _version(site: Path) -> str:
    found = re.search(r'"version": "([0-9a-f]+)"', (site / "sw.js").read_text(encoding="utf-8"))
    assert found, "sw.js names its version"
    return found.group(1)


def test_a_tour_pack_lists_its_page_viewer_tiles_posters_and_narration(built_demo: Path) -> None:
    pack = _pack(built_demo)
    files = dict(pack["files"])
    assert pack["page"] == TOUR and TOUR in files
    assert any(url.startswith("static/vendor/tour.") and url.endswith("/tour.js") for url in files)
    assert sum(1 for url in files if "/poster-" in url) == 3, "one poster per scene"
    html = (built_demo / TOUR / "index.html").read_text(encoding="utf-8")
    models = set(re.findall(r"media/[0-9a-f]+\.glb", html))
    assert models and models <= set(files), "the 3D models its exhibit cards open"
    assert any(url.startswith("static/vendor/model-viewer.") for url in files)
    decoders = [url.rsplit("/", 1)[1] for url in files if "/decoders." in url]
    assert decoders == ["meshopt_decoder.js"], "model-viewer's first fetch; the demo's models need no other"
    assert any(re.fullmatch(r"tiles/\w+/tiles/0/front_0_0\.jpg", url) for url in files)
    narrations = set(re.findall(r"media/[0-9a-f]+\.mp3", html))
    assert narrations and narrations <= set(files), "the scenes' and the guide's narration"
    for url, size in files.items():
        expected = PAGE_BYTES if url.endswith("/") else (built_demo / url).stat().st_size
        assert size == expected, url
    assert pack["bytes"] == sum(files.values())
    assert pack["max_bytes"] == 150_000_000
    collection = dict(_pack(built_demo, "offline/packs/collection-dong-son.en.json")["files"])
    assert "en/collections/dong-son/" in collection and "en/exhibits/trong-dong-ngoc-lu/" in collection
    exhibit = (built_demo / "en/exhibits/trong-dong-ngoc-lu/index.html").read_text(encoding="utf-8")
    shown = re.findall(r'data-(?:model|viewer)="(?:\.\./)+([^"]+)"', exhibit)
    assert len(shown) == 2 and set(shown) <= set(collection), "its exhibits' 3D models open offline"


def test_a_story_pack_holds_what_its_steps_show(built_demo: Path) -> None:
    files = dict(_pack(built_demo, STORY_PACK)["files"])
    assert STORY in files and "tours/bao-tang/embed/" in files, "the story and its tour frame"
    assert any(url.startswith("static/vendor/story.") for url in files)
    assert any(url.endswith("/tour.js") for url in files)
    assert sum(1 for url in files if "/poster-" in url) >= 2, "the scenes its steps turn to"
    assert any(url.endswith(".glb") for url in files), "the 3D model of its model step"
    assert "map/" in files and any(url.endswith("basemap.json") for url in files), "the map step works offline"
    html = (built_demo / STORY / "index.html").read_text(encoding="utf-8")
    shown = set(re.findall(r"media/[\w.-]+\.(?:mp3|jpg)", html))
    assert shown and shown <= set(files), shown - set(files)


def test_a_saved_tour_keeps_the_first_levels_and_a_kiosk_every_level(tmp_path: Path) -> None:
    levels = ((512, 1), (1024, 2), (2048, 4), (4096, 8))
    panorama = ScenePanorama(TileSet("k", 4096, 512, levels), tmp_path, tmp_path / "p.jpg")
    found = (re.match(r"tiles/k/tiles/(\d+)/", url) for url in scene_tiles(panorama, everything=False))
    saved = {level.group(1) for level in found if level}
    assert saved == {"0", "1", "2"}, "the 4096 px level stays on the server"
    kiosk = scene_tiles(panorama, everything=True)
    assert "tiles/k/tiles/3/front_7_7.jpg" in kiosk and "tiles/k/fallback/front.jpg" in kiosk


def test_the_pack_cap_comes_from_site_toml_and_a_bad_one_is_an_error(tmp_path: Path) -> None:
    site = copy_demo(tmp_path / "site")
    with (site / "site.toml").open("a", encoding="utf-8") as toml:
        toml.write("\n[offline]\nmax_pack_mb = 2\n")
    out = SiteBuilder(site).build().out_dir
    pack = _pack(out)
    assert pack["max_bytes"] == 2_000_000 < pack["bytes"], "the client refuses this pack, saying why"
    text = (site / "site.toml").read_text(encoding="utf-8").replace("max_pack_mb = 2", 'max_pack_mb = "lots"')
    (site / "site.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as failed:
        SiteBuilder(site).build()
    problem = failed.value.problems[0]
    assert (problem.file, problem.line, problem.code) == (
        "site.toml",
        text.splitlines().index('max_pack_mb = "lots"') + 1,
        "offline-max-pack",
    )


def test_the_worker_version_changes_with_the_content_only(tmp_path: Path) -> None:
    site = copy_demo(tmp_path / "site")
    out = SiteBuilder(site).build().out_dir
    first = (out / "sw.js").read_bytes()
    SiteBuilder(site).build()
    assert (out / "sw.js").read_bytes() == first, "a rebuild of the same site gives the same worker"
    about = site / "content/about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nMột câu mới.\n", encoding="utf-8")
    before = re.search(rb'"version": "(\w+)"', first)
    SiteBuilder(site).build()
    assert before and _version(out) != before.group(1).decode()


@pytest.mark.browser
def test_a_saved_tour_works_offline_and_a_rebuild_is_seen_at_once(tmp_path: Path, serve_dir, browser) -> None:
    site = copy_demo(tmp_path / "site")
    out = SiteBuilder(site).build().out_dir
    base = serve_dir(out)
    context = browser.new_context(viewport={"width": 800, "height": 600}, reduced_motion="reduce")
    page = context.new_page()
    page.goto(base + TOUR)
    page.evaluate("() => navigator.serviceWorker.ready")
    save = _save_button(page)
    assert re.search(SIZED, save.inner_text()), "the size is shown before saving"
    save.click()
    page.locator(".offline-save[data-state=saved]").wait_for(timeout=60_000)
    assert "Đã lưu" in page.locator(".offline-status").inner_text()

    context.set_offline(True)
    page.reload()
    page.wait_for_function("() => window.disanTour !== undefined")
    page.evaluate("() => window.disanTour.complete")
    page.wait_for_timeout(1500)
    shot = Image.open(io.BytesIO(page.locator("#viewer canvas").first.screenshot())).convert("L")
    assert ImageStat.Stat(shot).stddev[0] > 10, "the panorama is drawn from the saved tiles"
    page.goto(base + TOUR + "#scene=phong-dong-son")
    page.wait_for_function("() => window.disanTour && window.disanTour.currentScene() === 'phong-dong-son'")
    audio = page.locator("audio[data-scene-audio]")
    audio.evaluate("a => { a.preload = 'auto'; a.load(); }")
    page.wait_for_function("() => document.querySelector('audio[data-scene-audio]').readyState >= 2", timeout=15_000)
    page.locator("#tour-index a[href='../../exhibits/trong-dong-ngoc-lu/']").focus()
    page.keyboard.press("Enter")
    card = page.get_by_role("dialog")
    card.wait_for(state="visible")
    assert "Trống đồng Ngọc Lũ" in card.inner_text()
    card.get_by_role("button", name="Xem mô hình 3D").click()
    page.wait_for_function("() => document.querySelector('dialog model-viewer')?.loaded === true", timeout=60_000)
    page.keyboard.press("Escape")
    page.goto(base + "about/")
    assert "ngoại tuyến" in page.locator("h1").inner_text(), "an unsaved page shows the offline page"
    page.goto(base + "en/about/")
    assert page.locator("h1").inner_text() == "You are offline"

    context.set_offline(False)
    about = site / "content/about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nDòng mới sau khi dựng lại.\n", encoding="utf-8")
    old = _version(out)
    SiteBuilder(site).build()
    page.goto(base + "about/")
    assert "Dòng mới sau khi dựng lại." in page.content(), "a returning visitor gets the new page"
    page.wait_for_function(
        "async ([old, now]) => { const names = await caches.keys();"
        " return names.includes(`disan-pages-${now}`) && !names.includes(`disan-pages-${old}`); }",
        arg=[old, _version(out)],
    )
    saved = page.evaluate("caches.keys()")
    assert "disan-pack:tour-bao-tang.vi" in saved, f"the new build's worker kept what the visitor saved: {saved}"
    context.close()
    shutil.rmtree(out, ignore_errors=True)


def test_a_kiosk_build_stores_every_file_and_zips_the_same_bytes_twice(tmp_path: Path) -> None:
    site = copy_demo(tmp_path / "site")
    out = SiteBuilder(site, flags=frozenset({"kiosk"})).build().out_dir
    kiosk = dict(_pack(out, "offline/packs/kiosk.json")["files"])
    assert "" in kiosk and TOUR in kiosk and "sw.js" not in kiosk and "_headers" not in kiosk
    published = {path.relative_to(out).as_posix() for path in (out / "tiles").rglob("*.jpg")}
    assert published <= set(kiosk), "every level, the no-WebGL faces and the flat panorama"
    assert '"kiosk": "offline/packs/kiosk.json"' in (out / "sw.js").read_text(encoding="utf-8")
    pages = {path.relative_to(out).as_posix(): path.read_text(encoding="utf-8") for path in out.rglob("*.html")}
    leaving = {path for path, html in pages.items() if re.search(r"""href\s*=\s*["']?(https?:)?//""", html)}
    assert not leaving, f"no link leads off the kiosk: {sorted(leaving)[:5]}"
    wikipedia = "vi.wikipedia.org/wiki/Văn_hóa_Đông_Sơn"
    assert wikipedia in pages[TOUR + "index.html"], "the tour's link to Wikipedia is an address a visitor may note"
    archive = write_kiosk_zip(out)
    first = archive.read_bytes()
    assert write_kiosk_zip(out).read_bytes() == first
    with zipfile.ZipFile(archive) as opened:
        names = opened.namelist()
    assert names[0] == "README-KIOSK.txt" and "site/index.html" in names and "site/sw.js" in names


def test_a_kiosk_page_shows_links_to_other_sites_as_text_and_address() -> None:
    page = (
        '<link rel="canonical" href="https://museum.example.vn/about/">\n'
        '<p><a href="https://creativecommons.org/licenses/by/4.0/" rel="external noopener">CC <em>BY</em></a>, '
        "<a href='//osm.org/copyright'>osm.org/copyright</a>, <a href=\"../map/\">bản đồ</a>, "
        '<a href="https://vi.wikipedia.org/wiki/V%C4%83n_h%C3%B3a">Wiki</a></p>'
    )
    assert offsite_as_text(page) == (
        "<p>CC <em>BY</em> (creativecommons.org/licenses/by/4.0), osm.org/copyright, "
        '<a href="../map/">bản đồ</a>, Wiki (vi.wikipedia.org/wiki/Văn_hóa)</p>'
    )


@pytest.mark.browser
def test_a_saved_story_turns_its_tour_with_the_network_cut(built_demo: Path, serve_dir, browser) -> None:
    base = serve_dir(built_demo)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, reduced_motion="reduce")
    page = context.new_page()
    page.goto(base + STORY)
    page.evaluate("() => navigator.serviceWorker.ready")
    _save_button(page).click()
    page.locator(".offline-save[data-state=saved]").wait_for(timeout=60_000)

    context.set_offline(True)
    page.reload()
    page.wait_for_selector(".story-stage iframe")
    frame = next(f for f in page.frames if "/tours/bao-tang/embed/" in f.url)
    frame.wait_for_function("() => window.disanTour !== undefined")
    frame.evaluate("() => window.disanTour.complete")
    page.wait_for_timeout(1500)
    shot = Image.open(io.BytesIO(page.locator(".story-stage iframe").screenshot())).convert("L")
    assert ImageStat.Stat(shot).stddev[0] > 10, "the step's scene is drawn from the saved tiles"
    context.close()


@pytest.mark.browser
def test_a_kiosk_opens_pages_it_never_showed_with_the_network_cut(tmp_path: Path, serve_dir, browser) -> None:
    out = SiteBuilder(copy_demo(tmp_path / "site"), flags=frozenset({"kiosk"})).build().out_dir
    base = serve_dir(out)
    context = browser.new_context(viewport={"width": 800, "height": 600}, reduced_motion="reduce")
    page = context.new_page()
    page.goto(base)
    # the worker controls the page once installed, and it installs once the whole site is stored
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=120_000)
    context.set_offline(True)
    page.goto(base + "en/about/")
    assert page.locator("h1").inner_text() != "You are offline"
    page.goto(base + TOUR)
    page.wait_for_function("() => window.disanTour !== undefined")
    page.evaluate("() => window.disanTour.complete")
    page.wait_for_timeout(1500)
    shot = Image.open(io.BytesIO(page.locator("#viewer canvas").first.screenshot())).convert("L")
    assert ImageStat.Stat(shot).stddev[0] > 10, "the tour draws from the stored tiles"
    context.close()
