"""The tour's first view runs on its own chunks: the plan, compass, sensors and guide come in a
chunk fetched after it, a card's 3D model in another one fetched when the card opens, all from
the site itself (the `phone` fixture fails on any request leaving 127.0.0.1)."""

from __future__ import annotations

import re
from pathlib import Path

TOUR = "tours/bao-tang/"


def _tour_scripts(page) -> list[str]:
    """File names of the tour's scripts the page asks for, from now on."""
    names: list[str] = []

    def record(request) -> None:
        match = re.search(r"/static/vendor/tour\.\w+/([\w-]+\.js)$", request.url)
        if match:
            names.append(match.group(1))

    page.on("request", record)
    return names


def test_the_first_view_loads_only_its_chunks_and_the_rest_comes_after(
    built_demo: Path, serve_dir, phone_without_worker
) -> None:
    phone = phone_without_worker  # the later chunk is held by a route, which a worker's fetch would pass
    html = (built_demo / TOUR / "index.html").read_text(encoding="utf-8")
    preloaded = re.findall(r'<link rel="modulepreload" href="[^"]*/([\w-]+\.js)">', html)
    assert preloaded and all(name.startswith("chunk-") for name in preloaded), "three.js and PSV come beside the entry"
    scripts = _tour_scripts(phone)
    held = []
    phone.route(re.compile(r"/extras-\w+\.js$"), lambda route: held.append(route))  # the later chunk waits

    phone.goto(serve_dir(built_demo) + TOUR)
    phone.wait_for_function("() => window.disanTour !== undefined")
    assert phone.evaluate("() => window.disanTour.ready") is True, "the first view needs nothing more"
    assert sorted(n for n in scripts if not n.startswith("extras-")) == sorted(["tour.js", *preloaded])
    for _ in range(200):
        if held:
            break
        phone.wait_for_timeout(50)
    assert len(held) == 1, "the rest is asked for once the first view shows"
    for missing in (".psv-map", ".tour-compass", "[data-action=guide]"):
        assert phone.locator(missing).count() == 0, f"{missing} belongs to the later chunk"

    held[0].continue_()
    phone.evaluate("() => window.disanTour.complete")
    assert phone.locator(".psv-map").is_visible(), "the floor plan"
    assert phone.locator(".tour-compass").is_visible()
    assert phone.locator("[data-action=guide]").is_visible(), "the guided tour's play button"
    phone.locator(".psv-map__button[title='Phóng to sơ đồ']").click()
    phone.wait_for_function("() => window.disanTour.viewer.getPlugin('map').component.maximized")
    assert not any(name.startswith("model3d-") for name in scripts), "no 3D code before a card asks for it"

    phone.evaluate("() => window.disanTour.goto('phong-dong-son')")
    phone.wait_for_function("() => window.disanTour.currentScene() === 'phong-dong-son'")
    phone.locator("#tour-index a[href='../../exhibits/trong-dong-ngoc-lu/']").focus()
    phone.keyboard.press("Enter")
    card = phone.get_by_role("dialog")
    card.get_by_role("button", name="Xem mô hình 3D").wait_for(state="visible")
    assert [name for name in scripts if name.startswith("model3d-")] != [], "the card's 3D chunk, on opening it"
