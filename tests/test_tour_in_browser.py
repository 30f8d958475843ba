"""360° tours in real Chromium (WebGL through SwiftShader): what a visitor sees and does."""

from __future__ import annotations

import io
import shutil
import statistics
from pathlib import Path

import pytest
from PIL import Image

from builder.build import SiteBuilder
from builder.scaffold import scaffold
from tests.conftest import REPO

pytestmark = pytest.mark.browser
TOUR = "tours/bao-tang/"


def _source_colour(panorama: Path, yaw: float, pitch: float, angles=(360.0, 180.0, 0.0)) -> tuple[int, ...]:
    """The colour the panorama file has in a direction (yaw 0 = image centre, + right; pitch + up)."""
    haov, vaov, voffset = angles
    with Image.open(panorama) as image:
        x = round((yaw / haov + 0.5) * image.width)
        y = round((0.5 - (pitch - voffset) / vaov) * image.height)
        return _mean(image.convert("RGB").crop((x - 4, y - 4, x + 5, y + 5)))


def _mean(patch: Image.Image) -> tuple[int, ...]:
    return patch.resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))


def _centre_colour(page, selector: str = "#viewer") -> tuple[int, ...]:
    """The colour at the middle of the view, with hotspot markers out of the way."""
    page.evaluate("""() => document.querySelectorAll('.psv-marker, .psv-virtual-tour-link')
        .forEach(m => { m.style.visibility = 'hidden'; })""")
    shot = Image.open(io.BytesIO(page.locator(selector).screenshot())).convert("RGB")
    x, y = shot.width // 2, shot.height // 2
    return _mean(shot.crop((x - 4, y - 4, x + 5, y + 5)))


def _close(a: tuple[int, ...], b: tuple[int, ...], tolerance: int = 28) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


def _open_tour(browser, url: str, **context):
    page = browser.new_context(viewport={"width": 360, "height": 740}, reduced_motion="reduce", **context).new_page()
    page.goto(url)
    page.wait_for_function("() => window.disanTour !== undefined")
    page.evaluate("() => window.disanTour.complete")
    page.wait_for_timeout(1500)
    return page


def test_poster_and_index_work_before_any_script(built_demo: Path, serve_dir, browser) -> None:
    base = serve_dir(built_demo)
    page = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740}).new_page()
    page.goto(base + TOUR)
    poster = page.locator("img.tour-poster")
    assert poster.is_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=poster.element_handle())
    assert poster.bounding_box()["y"] < 740, "the first view is on the first screen"
    expected = _source_colour(REPO / "assets/panoramas/san-truoc.jpg", 0, 0)
    assert _close(_centre_colour(page, "img.tour-poster"), expected)
    links = page.locator("#tour-index a[data-hotspot]")
    assert links.count() >= 10
    assert page.locator("#tour-index a[href='../../exhibits/trong-dong-ngoc-lu/']").count() == 1
    page.context.close()


def test_tour_shows_the_panorama_at_the_initial_view(built_demo: Path, serve_dir, browser) -> None:
    page = _open_tour(browser, serve_dir(built_demo) + TOUR)
    assert page.evaluate("() => window.disanTour.currentScene()") == "san-truoc"
    view = page.evaluate("() => window.disanTour.getView()")
    assert abs(view["yaw"]) < 1 and abs(view["pitch"]) < 1
    expected = _source_colour(REPO / "assets/panoramas/san-truoc.jpg", 0, 0)
    assert _close(_centre_colour(page), expected), f"centre {_centre_colour(page)} ≠ panorama {expected}"
    assert not page.locator("img.tour-poster").is_visible(), "the poster gives way to the live view"
    page.context.close()


def test_go_hotspot_by_click_switches_scene(built_demo: Path, serve_dir, browser) -> None:
    page = _open_tour(browser, serve_dir(built_demo) + TOUR)
    page.locator("#viewer .tour-hotspot[data-scene='san-truoc'][data-hotspot='0']").click()
    page.wait_for_function("() => window.disanTour.currentScene() === 'phong-dong-son'")
    page.wait_for_timeout(1500)
    expected = _source_colour(REPO / "assets/panoramas/phong-dong-son.jpg", 0, 0)
    assert _close(_centre_colour(page), expected)
    page.context.close()


PLAN_HOTSPOT_BORDER = (0x8A, 0x3B, 0x12)


def _blobs(shot: Image.Image, colour: tuple[int, int, int], tolerance: int = 30) -> list[tuple[float, float, int]]:
    """Centres and sizes of the connected patches of one colour in a screenshot."""
    pixels = shot.load()
    todo = {(x, y) for x in range(shot.width) for y in range(shot.height) if _close(pixels[x, y], colour, tolerance)}
    blobs = []
    while todo:
        stack = [todo.pop()]
        patch = []
        while stack:
            x, y = stack.pop()
            patch.append((x, y))
            for neighbour in ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)):
                if neighbour in todo:
                    todo.remove(neighbour)
                    stack.append(neighbour)
        blobs.append((statistics.mean(p[0] for p in patch), statistics.mean(p[1] for p in patch), len(patch)))
    return blobs


def test_floor_plan_shows_the_rooms_and_a_click_on_one_goes_there(built_demo: Path, serve_dir, browser) -> None:
    page = _open_tour(browser, serve_dir(built_demo) + TOUR)
    plan = page.locator(".psv-map")
    assert plan.is_visible()
    maximize = plan.locator(".psv-map__button[title='Phóng to sơ đồ']")
    maximize.click()
    # redrawn at its new size: this waits forever if reduced motion swallows the transition's end
    page.wait_for_function("""() => { const c = document.querySelector('.psv-map canvas');
        return c.width > 300 && c.width === Math.round(c.getBoundingClientRect().width * devicePixelRatio); }""")
    canvas = plan.locator("canvas")
    box = canvas.bounding_box()
    shot = Image.open(io.BytesIO(canvas.screenshot())).convert("RGB")
    rooms = [(x, y) for x, y, size in _blobs(shot, PLAN_HOTSPOT_BORDER) if 40 <= size <= 400]
    # the plan is centred on the courtyard; the Đông Sơn room is straight ahead (north) of it
    ahead = [(x, y) for x, y in rooms if abs(x - shot.width / 2) < 8 and y < shot.height / 2]
    assert len(ahead) == 1, f"the Đông Sơn room is marked on the plan ({shot.width}×{shot.height}): {rooms}"
    x, y = ahead[0]
    # relative to the canvas, which Playwright scrolls into view first: the maximised plan is taller
    # than a phone's screen, and the plan must follow the page's scroll to know where its rooms are
    canvas.click(position={"x": x * box["width"] / shot.width, "y": y * box["height"] / shot.height})
    page.wait_for_function("() => window.disanTour.currentScene() === 'phong-dong-son'")
    page.context.close()


@pytest.mark.parametrize("downlink, preloaded", [(1.6, 0), (10, 2)])
def test_linked_scenes_preload_their_previews_only_on_a_fast_link(
    downlink: float, preloaded: int, built_demo: Path, serve_dir, browser
) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    context.add_init_script(f"""Object.defineProperty(navigator, 'connection',
        {{ value: {{ effectiveType: '4g', downlink: {downlink}, saveData: false }} }});""")
    page = context.new_page()
    previews = []
    page.on("request", lambda request: previews.append(request.url) if request.url.endswith("/preview.jpg") else None)
    page.goto(serve_dir(built_demo) + TOUR)
    page.evaluate("() => window.disanTour.ready")
    page.wait_for_timeout(1500)
    assert len(set(previews)) == 1 + preloaded, previews
    context.close()


def test_go_hotspot_by_keyboard_through_the_index(built_demo: Path, serve_dir, browser) -> None:
    page = _open_tour(browser, serve_dir(built_demo) + TOUR)
    link = page.locator("#tour-index a[data-scene='san-truoc'][data-hotspot='1']")
    assert link.inner_text().strip()
    link.focus()
    assert page.evaluate("() => document.activeElement.dataset.hotspot") == "1"
    page.keyboard.press("Enter")
    page.wait_for_function("() => window.disanTour.currentScene() === 'phong-cung-dinh'")
    page.context.close()


def test_exhibit_hotspot_opens_a_card_with_a_link(built_demo: Path, serve_dir, browser) -> None:
    page = _open_tour(browser, serve_dir(built_demo) + TOUR + "#scene=phong-dong-son")
    page.locator("#tour-index a[href='../../exhibits/trong-dong-ngoc-lu/']").focus()
    page.keyboard.press("Enter")
    card = page.get_by_role("dialog")
    card.wait_for(state="visible")
    assert "Trống đồng Ngọc Lũ" in card.inner_text()
    assert card.locator("a[href='../../exhibits/trong-dong-ngoc-lu/']").count() >= 1
    page.keyboard.press("Escape")
    card.wait_for(state="hidden")
    page.context.close()


def test_deep_link_opens_the_scene_and_view(built_demo: Path, serve_dir, browser) -> None:
    page = _open_tour(browser, serve_dir(built_demo) + TOUR + "#scene=phong-cung-dinh&yaw=62.9&pitch=0&fov=60")
    assert page.evaluate("() => window.disanTour.currentScene()") == "phong-cung-dinh"
    view = page.evaluate("() => window.disanTour.getView()")
    assert abs(view["yaw"] - 62.9) < 2 and abs(view["pitch"]) < 2 and abs(view["fov"] - 60) < 2
    expected = _source_colour(REPO / "assets/panoramas/phong-cung-dinh.jpg", 62.9, 0)
    assert _close(_centre_colour(page), expected)
    page.context.close()


def test_scene_short_code_opens_the_tour_at_that_scene(built_demo: Path, serve_dir, browser) -> None:
    page = _open_tour(browser, serve_dir(built_demo) + "q/P2/")
    assert page.evaluate("() => window.disanTour.currentScene()") == "phong-dong-son"
    page.context.close()


CORPUS_SCENES = {
    "examplepano": ("examplepano.jpg", None),
    "alma": ("alma-correlator-facility.jpg", None),
    "bma": ("bma-0.jpg", None),
    "cerro-toco": ("cerro-toco-1.jpg", None),
    "charles-street": ("charles-street.jpg", (149.87, 54.15, 1.17)),
}


@pytest.fixture(scope="module")
def corpus_tour(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tour of every corpus panorama, each scene linked to the next."""
    site = tmp_path_factory.mktemp("corpus") / "site"
    scaffold(site)
    shutil.copytree(REPO / "themes/default/static/vendor", site / "themes/default/static/vendor")
    (site / "tours/thu").mkdir(parents=True)
    (site / "tours/thu/tour.md").write_text("---\ntitle: Ảnh thật\nstart: examplepano\n---\n")
    names = list(CORPUS_SCENES)
    for order, (name, (file, angles)) in enumerate(CORPUS_SCENES.items(), 1):
        (site / "assets/panoramas").mkdir(parents=True, exist_ok=True)
        shutil.copy(corpus / "panoramas" / file, site / "assets/panoramas" / file)
        partial = f"haov: {angles[0]}\nvaov: {angles[1]}\nvoffset: {angles[2]}\n" if angles else ""
        following = names[order % len(names)]
        (site / f"tours/thu/{name}.md").write_text(
            f"---\ntitle: {name}\norder: {order}\npanorama: assets/panoramas/{file}\n{partial}"
            f"view: {{ yaw: 10, pitch: 0, fov: 70 }}\n"
            f"hotspots:\n  - {{ yaw: 10, pitch: -5, go: {following}, label: Tiếp }}\n---\n"
        )
    result = SiteBuilder(site, jobs=2).build()
    assert [w.code for w in result.warnings] == ["panorama-metadata"], "cerro-toco's stale XMP is reported"
    return result.out_dir


@pytest.mark.parametrize("name", list(CORPUS_SCENES))
def test_corpus_panoramas_build_and_display(name: str, corpus: Path, corpus_tour: Path, serve_dir, browser) -> None:
    file, angles = CORPUS_SCENES[name]
    page = _open_tour(browser, serve_dir(corpus_tour) + f"tours/thu/#scene={name}")
    assert page.evaluate("() => window.disanTour.currentScene()") == name
    shot = Image.open(io.BytesIO(page.locator("#viewer").screenshot())).convert("L")
    assert statistics.pstdev(shot.resize((64, 64)).tobytes()) > 10, "the canvas is not blank"
    view = page.evaluate("() => window.disanTour.getView()")
    expected = _source_colour(corpus / "panoramas" / file, view["yaw"], view["pitch"], angles or (360, 180, 0))
    assert _close(_centre_colour(page), expected, 40), f"{name}: {_centre_colour(page)} ≠ {expected}"
    page.context.close()


def test_authoring_click_gives_a_hotspot_line_in_serve_only(built_demo: Path, demo_copy: Path, browser) -> None:
    import threading

    from builder.serve import DevServer

    assert 'data-authoring="false"' in (built_demo / TOUR / "index.html").read_text()
    server = DevServer(demo_copy, "127.0.0.1", 0)
    server.rebuild()
    threading.Thread(target=server.httpd.serve_forever, daemon=True).start()
    try:
        page = _open_tour(browser, f"http://127.0.0.1:{server.httpd.server_address[1]}/{TOUR}")
        box = page.locator("#viewer").bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2 + 60)
        line = page.locator(".tour-authoring-yaml")
        line.wait_for(state="visible")
        text = line.inner_text()
        assert text.startswith("- { yaw: ") and "pitch: " in text
        yaw = float(text.split("yaw: ")[1].split(",")[0])
        pitch = float(text.split("pitch: ")[1].split(",")[0])
        assert abs(yaw) < 2 and -20 < pitch < -8, "60 px below the centre of the initial view (yaw 0, pitch 0)"
        page.context.close()
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


def test_lost_webgl_context_shows_the_cube_and_recovers(built_demo: Path, serve_dir, browser) -> None:
    """The fallback cube takes over at the viewer's view and hands back the view it was turned to."""
    page = _open_tour(browser, serve_dir(built_demo) + TOUR)
    page.evaluate("""() => {
        const gl = document.querySelector('#viewer canvas').getContext('webgl2');
        window.__lose = gl.getExtension('WEBGL_lose_context');
        window.__lose.loseContext();
    }""")
    page.locator(".tour-cube").wait_for(state="visible")
    assert page.locator("#tour-index a[data-hotspot]").first.is_visible(), "the index stays usable"
    page.locator("#viewer").focus()
    page.keyboard.press("ArrowRight")
    assert page.evaluate("() => window.disanTour.getView().yaw") == 10
    page.evaluate("() => window.__lose.restoreContext()")
    page.locator(".tour-fallback").wait_for(state="hidden")
    page.wait_for_timeout(500)
    assert abs(page.evaluate("() => window.disanTour.getView().yaw") - 10) < 1
    page.context.close()


NO_FULLSCREEN_API = """Object.defineProperty(Document.prototype, 'fullscreenEnabled', { get: () => false });
delete Element.prototype.requestFullscreen; delete Element.prototype.webkitRequestFullscreen;"""


def test_iphone_pseudo_fullscreen_exit_button_is_not_under_the_compass(built_demo: Path, serve_dir, browser) -> None:
    """An iPhone has no Fullscreen API for elements: the tour fills the page, and its exit button must be tappable."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, reduced_motion="reduce"
    )
    context.add_init_script(NO_FULLSCREEN_API)
    page = context.new_page()
    page.goto(serve_dir(built_demo) + TOUR)
    page.wait_for_function("() => window.disanTour !== undefined")
    page.evaluate("() => window.disanTour.complete")
    page.locator(".tour-tools [data-action=fullscreen]").click()
    page.wait_for_function("() => document.getElementById('tour').classList.contains('tour--pseudo-fullscreen')")
    page.wait_for_timeout(500)
    assert page.locator(".tour-compass").is_visible()
    hit = page.evaluate("""() => {
        const button = document.querySelector('.tour-tools [data-action=fullscreen]');
        const box = button.getBoundingClientRect();
        const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
        return hit === button || button.contains(hit) ? 'button' : hit && hit.className.toString();
    }""")
    assert hit == "button", f"the exit full screen button is covered by {hit}"
    page.locator(".tour-tools [data-action=fullscreen]").click()
    assert page.evaluate("() => document.getElementById('tour').classList.contains('tour--pseudo-fullscreen')") is False
    context.close()


def test_a_site_override_of_a_theme_string_shows_in_the_viewer(
    built_demo: Path, demo_copy: Path, serve_dir, browser, tmp_path: Path
) -> None:
    """The viewer's text comes from the theme's i18n files, so the site's own copy of one changes it."""
    site = tmp_path / "site"
    shutil.copytree(demo_copy, site, ignore=shutil.ignore_patterns("_site"))
    (site / "themes/default/i18n").mkdir(parents=True)
    (site / "themes/default/i18n/vi.toml").write_text(
        'tour_fullscreen = "Phóng to hết cỡ"\ntour_exit_fullscreen = "Thu nhỏ lại"\n', encoding="utf-8"
    )
    page = _open_tour(browser, serve_dir(SiteBuilder(site, jobs=2).build().out_dir) + TOUR)
    button = page.locator(".tour-tools [data-action=fullscreen]")
    assert button.inner_text().strip() == "Phóng to hết cỡ"
    page.evaluate("() => document.querySelector('.tour-tools [data-action=fullscreen]').click()")
    page.wait_for_function("() => document.getElementById('tour').classList.contains('tour--fullscreen')")
    assert page.locator(".tour-tools [data-action=fullscreen] .tour-tool-label").text_content() == "Thu nhỏ lại"
    page.context.close()
