"""A relic or heritage Markdown file enriching a spreadsheet row with a 3D model, a narration and
its 360° tour, as an exhibit's file does: the page shows them, its policy allows exactly what it
loads, and a broken model or audio is an error at the Markdown file's line.

The demo has no model or recording of a Ninh Bình relic, so the relic's media here are corpus
files copied into a copy of the catalogue fixture at test time."""

from __future__ import annotations

import shutil
from html import unescape
from pathlib import Path

import pytest

from builder.build import SiteBuilder
from builder.csp import PAGE_CSP
from builder.diagnostics import Problem
from builder.tours.seen import seen_links
from tests.conftest import copy_demo
from tests.helpers import HostHeaders

FIXTURE = Path(__file__).parent / "fixtures" / "catalogue"
TRANSCRIPT = (
    "[0:00] For although the Chinese took impressions from wood blocks engraved in relief\n"
    "[0:04] for centuries before the woodcutters of the Netherlands\n"
)
MEDIA = (
    "model:\n  src: assets/models/barrel.glb\n  alt: Mô hình 3D cổng đền\n"
    "audio:\n  src: assets/audio/lj.mp3\n  transcript: assets/audio/lj.txt\n"
)
HERITAGE = (
    "---\nid: PVT01\ntitle: Hát Xoan\naudio: { src: assets/audio/lj.mp3, transcript: assets/audio/lj.txt }\n---\nHát.\n"
)


def _media_site(root: Path, corpus: Path, media: str = MEDIA) -> Path:
    """The catalogue fixture, its Đền Hùng row enriched with `media` by content/relics/den-hung.md
    and its Hát Xoan row with a narration by content/heritage/hat-xoan.md."""
    shutil.copytree(FIXTURE, root)
    (root / "assets/models").mkdir()
    (root / "assets/audio").mkdir()
    shutil.copy(corpus / "models/barrel.glb", root / "assets/models/barrel.glb")
    shutil.copy(corpus / "audio/LJ001-0007.mp3", root / "assets/audio/lj.mp3")
    (root / "assets/audio/lj.txt").write_text(TRANSCRIPT, encoding="utf-8")
    page = root / "content/relics/den-hung.md"
    page.write_text(page.read_text(encoding="utf-8").replace("images:\n", media + "images:\n"), encoding="utf-8")
    (root / "content/heritage").mkdir()
    (root / "content/heritage/hat-xoan.md").write_text(HERITAGE, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def media_site(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Path:
    root = _media_site(tmp_path_factory.mktemp("relic-media") / "site", corpus)
    return SiteBuilder(root, jobs=2).build().out_dir


def _csp(page: str) -> str:
    return unescape(page.split('http-equiv="Content-Security-Policy" content="', 1)[1].split('"', 1)[0])


def test_relic_page_shows_its_model_and_narration(media_site: Path) -> None:
    html = (media_site / "relics/den-hung/index.html").read_text(encoding="utf-8")
    assert 'class="model-stage"' in html and "vendor/model." in html
    assert 'data-alt="Mô hình 3D cổng đền"' in html
    [glb] = (media_site / "media").glob("*.glb")
    assert f'data-model="../../media/{glb.name}"' in html
    assert '<audio controls preload="none" data-narration>' in html and '<track kind="captions"' in html
    assert "for centuries before the woodcutters of the Netherlands" in html
    english = (media_site / "en/relics/den-hung/index.html").read_text(encoding="utf-8")
    assert 'class="model-stage"' in english and "data-narration" in english, "an untranslated page shows the original's"


def test_each_page_gets_the_policy_it_needs(media_site: Path) -> None:
    """The relic with a model takes the 3D rung, the narrated heritage and the plain relic the plain one,
    in the page's meta tag and in _headers."""
    relic = _csp((media_site / "relics/den-hung/index.html").read_text(encoding="utf-8"))
    plain = _csp((media_site / "relics/dinh-bang/index.html").read_text(encoding="utf-8"))
    heritage = (media_site / "heritage/hat-xoan/index.html").read_text(encoding="utf-8")
    assert "'wasm-unsafe-eval'" in relic and "connect-src 'self' blob:" in relic
    assert plain == PAGE_CSP and _csp(heritage) == PAGE_CSP
    assert "data-narration" in heritage and "model-stage" not in heritage
    headers = HostHeaders((media_site / "_headers").read_text(encoding="utf-8"))
    assert "'wasm-unsafe-eval'" in headers.for_path("/relics/den-hung/")["Content-Security-Policy"]
    assert headers.for_path("/heritage/hat-xoan/")["Content-Security-Policy"].startswith(PAGE_CSP)


@pytest.mark.parametrize(
    ("media", "code", "line"),
    [
        ("model:\n  src: assets/models/missing.glb\n  alt: x\n", "model-path", 5),
        ("model:\n  src: assets/models/broken.glb\n  alt: x\n", None, 5),
        ("audio:\n  src: assets/audio/missing.mp3\n", "audio-path", 5),
    ],
    ids=["missing-model", "invalid-gltf", "missing-audio"],
)
def test_broken_media_is_an_error_at_the_markdown_line(
    media: str, code: str | None, line: int, tmp_path: Path, corpus: Path
) -> None:
    root = _media_site(tmp_path / "site", corpus, media)
    shutil.copy(corpus / "models/invalid/length_mismatch.glb", root / "assets/models/broken.glb")
    errors = [p for p in SiteBuilder(root).check().problems if p.level == "error"]
    assert errors, "the broken file is reported"
    assert {(p.file, p.line) for p in errors} == {("content/relics/den-hung.md", line)}, _listed(errors)
    if code:
        assert {p.code for p in errors} == {code}, _listed(errors)


def _listed(problems: list[Problem]) -> str:
    return "\n".join(p.as_text() for p in problems)


def test_a_relic_names_the_tour_it_is_seen_in(tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "demo")
    page = root / "content/relics/den-tran-thuong.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("zones:", "tour: bao-tang/san-truoc\nzones:", 1), encoding="utf-8")
    checked = SiteBuilder(root).check()
    assert not [p for p in checked.problems if p.level == "error"]
    assert checked.site is not None
    relic = checked.site.model.of_kind("relic")["den-tran-thuong"]["en"]
    [link] = seen_links(checked.site.model, checked.site.results["tours"], relic)
    assert link["url"] == "en/tours/bao-tang/#scene=san-truoc"
    assert link["tour"] == "A 360° Visit of the Museum" and link["scene"]
    exhibit = checked.site.model.of_kind("exhibit")["trong-dong-ngoc-lu"]["vi"]
    [link] = seen_links(checked.site.model, checked.site.results["tours"], exhibit)
    assert link["url"] == "tours/bao-tang/#scene=phong-dong-son", "an exhibit is seen where its hotspot is"

    page.write_text(text.replace("zones:", "tour: bao-tang/san-truc\nzones:", 1), encoding="utf-8")
    [error] = [p for p in SiteBuilder(root).check().problems if p.level == "error"]
    assert (error.file, error.line, error.code) == ("content/relics/den-tran-thuong.md", 4, "unknown-scene")
    assert "san-truoc" in error.hint


@pytest.mark.browser
def test_relic_page_plays_its_model_and_narration_in_chromium(media_site: Path, serve_dir, phone) -> None:
    requested: list[str] = []
    phone.on("request", lambda request: requested.append(request.url))
    errors: list[str] = []
    phone.on("pageerror", lambda error: errors.append(str(error)))
    phone.goto(serve_dir(media_site) + "relics/den-hung/", wait_until="load")
    transcript = phone.locator(".transcript-lines")
    assert transcript.is_visible() and "woodcutters of the Netherlands" in transcript.inner_text()
    audio = phone.locator("audio[data-narration]")
    audio.evaluate("a => { a.preload = 'auto'; a.load(); }")
    phone.wait_for_function("() => document.querySelector('audio').seekable.length > 0")
    assert audio.evaluate("a => a.duration") == pytest.approx(8.46, abs=0.1)
    button = phone.get_by_role("button", name="Xem mô hình 3D")
    button.click()
    phone.wait_for_function("() => document.querySelector('model-viewer')?.loaded === true", timeout=60_000)
    canvas = phone.evaluate("() => !!document.querySelector('model-viewer').shadowRoot.querySelector('canvas')")
    assert canvas, "model-viewer draws into its canvas"
    assert errors == []
    assert [url for url in requested if url.startswith("http") and not url.startswith("http://127.0.0.1")] == []
