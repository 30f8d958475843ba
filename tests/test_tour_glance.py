"""The tour's first live view (viewer/glance.js): the start scene's preview drawn with plain WebGL
before Photo Sphere Viewer's chunk arrives, turned by the visitor, and handed over to PSV at the
view the visitor turned to."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image

pytestmark = pytest.mark.browser
TOUR = "tours/bao-tang/"
PSV_CHUNK = re.compile(r"/scenes-\w+\.js$")  # PSV's chunk imports three.js's: holding it holds both


def _hold_psv(page) -> list:
    """Holds the request for PSV's chunk; returns the held routes."""
    held: list = []
    page.route(PSV_CHUNK, lambda route: held.append(route))
    return held


def _glance_shows(page) -> Image.Image:
    page.wait_for_function("() => window.disanTour !== undefined")
    assert page.evaluate("() => window.disanTour.firstFrame") is True
    return Image.open(io.BytesIO(page.locator(".tour-glance-canvas").screenshot())).convert("RGB")


def _difference(a: Image.Image, b: Image.Image) -> float:
    """Mean absolute difference per channel, 0..255, of two images scaled to 64 × 48."""
    small = [image.convert("L").resize((64, 48), Image.Resampling.BOX) for image in (a, b)]
    pixels = list(zip(small[0].tobytes(), small[1].tobytes(), strict=True))
    return sum(abs(x - y) for x, y in pixels) / len(pixels)


def test_the_glance_draws_the_start_view_before_psv_arrives(built_demo: Path, serve_dir, phone_without_worker) -> None:
    phone = phone_without_worker
    held = _hold_psv(phone)
    phone.goto(serve_dir(built_demo) + TOUR)
    shot = _glance_shows(phone)
    assert held, "PSV is asked for once the glance shows"
    assert phone.evaluate("() => window.disanTour.viewer") is None
    colours = shot.resize((8, 8), Image.Resampling.BOX).getcolors(64) or []
    assert len(colours) > 8, "the canvas holds a picture, not one flat colour"
    poster = Image.open(_poster(built_demo)).convert("RGB")
    assert _difference(shot, poster.resize(shot.size)) < 25, "the glance shows what the poster shows"
    phone.locator(".tour-glance .tour-hotspot--text").first.click()
    card = phone.get_by_role("dialog")
    card.wait_for(state="visible")
    assert card.locator(".tour-card-title").inner_text() == "Mái ngói", "a hotspot opens its card before PSV is there"
    phone.keyboard.press("Escape")
    card.wait_for(state="hidden")
    for route in held:
        route.continue_()
    assert phone.evaluate("() => window.disanTour.ready") is True
    assert phone.locator(".tour-glance").count() == 0, "PSV took over"


def _poster(site: Path) -> Path:
    html = (site / TOUR / "index.html").read_text(encoding="utf-8")
    src = re.search(r'<img class="tour-poster" src="([^"]+)"', html)
    assert src
    return (site / TOUR / src.group(1)).resolve()


def test_psv_takes_over_at_the_view_the_visitor_turned_to(built_demo: Path, serve_dir, phone_without_worker) -> None:
    phone = phone_without_worker
    held = _hold_psv(phone)
    phone.goto(serve_dir(built_demo) + TOUR)
    _glance_shows(phone)
    before = phone.evaluate("() => window.disanTour.getView()")
    box = phone.locator(".tour-glance-canvas").bounding_box()
    assert box
    x, y = box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.8  # clear of the hotspots
    assert phone.evaluate("([x, y]) => document.elementFromPoint(x, y).className", [x, y]) == "tour-glance-canvas"
    phone.mouse.move(x, y)
    phone.mouse.down()
    phone.mouse.move(x - 80, y + 40, steps=4)
    phone.mouse.up()
    turned = phone.evaluate("() => window.disanTour.getView()")
    assert turned["yaw"] > before["yaw"] + 5, "dragging left turns right"
    assert turned["pitch"] > before["pitch"] + 2, "dragging down looks up"
    phone.keyboard.down("Control")
    phone.mouse.wheel(0, 200)  # ctrl + wheel, as a touchpad's pinch arrives: zooms out
    phone.keyboard.up("Control")
    zoomed = phone.evaluate("() => window.disanTour.getView()")
    assert zoomed["fov"] > turned["fov"] + 2, "ctrl + wheel widens the view"
    phone.locator("#viewer").focus()
    phone.keyboard.press("ArrowLeft")
    turned = phone.evaluate("() => window.disanTour.getView()")
    assert abs(turned["yaw"] - (zoomed["yaw"] - 10)) < 0.1, "an arrow key turns by 10°"
    for route in held:
        route.continue_()
    assert phone.evaluate("() => window.disanTour.ready") is True
    taken = phone.evaluate("() => window.disanTour.getView()")
    for key in ("yaw", "pitch", "fov"):
        assert abs(taken[key] - turned[key]) <= 2, f"PSV's {key} {taken[key]} is the glance's {turned[key]}"
    assert phone.locator(".tour-glance").count() == 0
    assert phone.evaluate("() => window.disanTour.viewer.renderer.renderer.domElement.isConnected")
