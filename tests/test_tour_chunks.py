"""The tour's first view runs on its own chunks: Photo Sphere Viewer and three.js come in chunks
fetched once the glance shows, the plan, compass, sensors and guide in a chunk fetched after PSV,
a card's 3D model in another one fetched when the card opens, all from the site itself (the
`phone` fixture fails on any request leaving 127.0.0.1)."""

from __future__ import annotations

import gzip
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


def test_the_first_view_is_at_most_120_kb_gzipped(built_demo: Path) -> None:
    """The issue's budget: the page's scripts (the site's, the offline registration, the tour's
    entry) and what the entry imports statically."""
    html = (built_demo / TOUR / "index.html").read_text(encoding="utf-8")
    sources = re.findall(r'<script (?:type="module" )?src="([^"]+)"', html)
    sources += re.findall(r'<link rel="modulepreload" href="([^"]+)"', html)
    assert any(src.endswith("/tour.js") for src in sources) and any("/site." in src for src in sources)
    size = sum(len(gzip.compress((built_demo / TOUR / src).resolve().read_bytes(), 9)) for src in sources)
    assert size <= 120 * 1024, f"first view {size} bytes gzip -9"


def test_the_first_view_loads_only_its_chunks_and_the_rest_comes_after(
    built_demo: Path, serve_dir, phone_without_worker
) -> None:
    phone = phone_without_worker  # the later chunk is held by a route, which a worker's fetch would pass
    html = (built_demo / TOUR / "index.html").read_text(encoding="utf-8")
    preloaded = re.findall(r'<link rel="modulepreload" href="[^"]*/([\w-]+\.js)">', html)
    assert all(name.startswith("chunk-") for name in preloaded), "only the entry's shared modules come beside it"
    scripts = _tour_scripts(phone)
    held = []
    phone.route(re.compile(r"/extras-\w+\.js$"), lambda route: held.append(route))  # the later chunk waits

    phone.goto(serve_dir(built_demo) + TOUR)
    phone.wait_for_function("() => window.disanTour !== undefined")
    assert phone.evaluate("() => window.disanTour.ready") is True, "the first view needs nothing more"
    later = [n for n in scripts if n not in ("tour.js", *preloaded)]
    assert later and all(n.startswith(("scenes-", "chunk-", "extras-")) for n in later), later
    assert any(n.startswith("scenes-") for n in later), "PSV's chunk, after the first view"
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
