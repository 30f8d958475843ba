"""360° tours in a Chromium without WebGL: the scene's six fallback faces as a CSS 3D cube.

The cube must show what the WebGL viewer shows at the same view, turn by keys and drag,
keep the HTML index working, and cost nothing (not one request) where WebGL works.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.test_tour_in_browser import TOUR, _centre_colour, _close, _open_tour

pytestmark = pytest.mark.browser
NO_WEBGL_ARGS = [arg for arg in CHROMIUM_ARGS if "swiftshader" not in arg] + [
    "--disable-webgl",
    "--disable-3d-apis",
    "--disable-gpu",
]
# what is drawn over the panorama: it differs between the two viewers and is not the view
OVERLAYS = ".psv-marker, .psv-virtual-tour-link, .tour-compass, .psv-map, .tour-fallback-message"


@pytest.fixture(scope="module")
def no_webgl(browser) -> Iterator:
    """A second Chromium, from the same Playwright, that has no WebGL at all."""
    without = browser.browser_type.launch(executable_path=str(CHROMIUM), args=NO_WEBGL_ARGS)
    yield without
    without.close()


def _face_requests(page) -> list[str]:
    """Every fallback face the page asks for, from now on."""
    faces: list[str] = []
    page.on("request", lambda request: faces.append(request.url) if "/fallback/" in request.url else None)
    return faces


def _open_cube(browser, url: str):
    page = browser.new_context(viewport={"width": 360, "height": 740}, reduced_motion="reduce").new_page()
    page.faces = _face_requests(page)
    page.goto(url)
    page.wait_for_function("() => window.disanTour !== undefined")
    page.locator(".tour-cube").wait_for(state="visible")
    return page


def test_with_webgl_no_fallback_face_is_requested(built_demo: Path, serve_dir, browser) -> None:
    page = browser.new_context(viewport={"width": 360, "height": 740}, reduced_motion="reduce").new_page()
    faces = _face_requests(page)
    page.goto(serve_dir(built_demo) + TOUR)
    assert page.evaluate("() => window.disanTour.ready") is True, "WebGL works in this browser"
    page.evaluate("() => window.disanTour.goto('phong-dong-son')")
    page.wait_for_timeout(1500)
    assert page.locator(".tour-fallback").count() == 0
    assert faces == []
    page.context.close()


def _view_shot(page) -> Image.Image:
    """The view as a small picture, without what is drawn over it."""
    page.evaluate(f"() => document.querySelectorAll('{OVERLAYS}').forEach(m => {{ m.style.visibility = 'hidden'; }})")
    return Image.open(io.BytesIO(page.locator("#viewer").screenshot())).convert("RGB").resize((36, 48))


@pytest.mark.parametrize(
    "view", ["", "&yaw=90&pitch=0&fov=75", "&yaw=180&pitch=0&fov=60", "&yaw=0&pitch=60", "&yaw=-120&pitch=-60"]
)
def test_the_cube_shows_what_the_webgl_viewer_shows(view: str, built_demo: Path, serve_dir, browser, no_webgl) -> None:
    url = serve_dir(built_demo) + TOUR + "#scene=phong-cung-dinh" + view
    cube = _open_cube(no_webgl, url)
    sphere = _open_tour(browser, url)
    assert cube.evaluate("() => window.disanTour.getView()") == pytest.approx(
        sphere.evaluate("() => window.disanTour.getView()"), abs=0.5
    ), "the cube starts at the scene's initial view, or at the view of the link"
    centre = _centre_colour(cube)
    assert _close(centre, _centre_colour(sphere)), f"centre {centre} ≠ WebGL {_centre_colour(sphere)}"
    difference = ImageStat.Stat(ImageChops.difference(_view_shot(cube), _view_shot(sphere))).mean
    assert max(difference) < 12, f"the whole view differs from WebGL's by {difference} (field of view, orientation)"
    assert sorted(url.rsplit("/", 1)[1] for url in cube.faces) == sorted(
        f"{face}.jpg" for face in ("front", "right", "back", "left", "top", "bottom")
    ), "the six faces of this scene, once each"
    cube.context.close()
    sphere.context.close()


def test_the_cube_turns_by_keys_and_drag_and_keeps_the_index(built_demo: Path, serve_dir, no_webgl) -> None:
    page = _open_cube(no_webgl, serve_dir(built_demo) + TOUR)
    viewer = page.locator("#viewer")
    assert viewer.get_attribute("aria-label") and viewer.get_attribute("aria-describedby") == "scene-desc-san-truoc"
    before = _centre_colour(page)
    message = page.locator(".tour-fallback-message")
    assert "arrow keys" in message.inner_text() or "phím mũi tên" in message.inner_text()
    viewer.focus()
    page.keyboard.press("ArrowRight")
    assert message.is_hidden(), "once the visitor turns the view, the hint leaves it all to the view"
    page.keyboard.press("ArrowRight")
    view = page.evaluate("() => window.disanTour.getView()")
    assert view["yaw"] == pytest.approx(20) and view["pitch"] == 0
    assert not _close(_centre_colour(page), before, 8), "the view moved"
    page.wait_for_function("() => location.hash.includes('yaw=20')")
    box = viewer.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 80, y + 40, steps=4)
    page.mouse.up()
    view = page.evaluate("() => window.disanTour.getView()")
    assert view["yaw"] > 25 and view["pitch"] > 0, "dragging left and down looks right and up"
    page.locator("#tour-index a[data-scene='san-truoc'][data-hotspot='0']").click()
    page.wait_for_function("() => window.disanTour.currentScene() === 'phong-dong-son'")
    page.wait_for_function("() => [...document.querySelectorAll('.tour-cube-face')].length === 6")
    assert page.locator(".tour-fallback-scroll").is_hidden(), "the flat image stays the last resort"
    assert len(page.faces) == 12, "the next scene's six faces, fetched on the way there"
    page.context.close()


def test_the_flat_panorama_is_the_last_resort(built_demo: Path, serve_dir, no_webgl) -> None:
    context = no_webgl.new_context(
        viewport={"width": 360, "height": 740}, service_workers="block"
    )  # see `phone_without_worker`
    context.route("**/fallback/top.jpg", lambda route: route.fulfill(status=404))
    page = context.new_page()
    page.goto(serve_dir(built_demo) + TOUR)
    flat = page.locator(".tour-fallback-image")
    flat.wait_for(state="visible")
    assert "equirect.jpg" in flat.get_attribute("src")
    assert page.locator(".tour-cube").is_hidden()
    context.close()
