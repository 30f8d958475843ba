"""The demo story in Chromium: the live panel follows the steps, and every step stands without script."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
STORY = "stories/doc-mat-trong-dong/"
SCENE_STEP = 2  # the step in the Đông Sơn room: yaw -34.8, pitch -7.2, fov 45
DECREE_STEP = 6  # a region of the sắc phong, whose scan has deep-zoom tiles
DECREE_REGION = (600, 300, 1200, 750)


def _open(browser, url: str, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height}, reduced_motion="reduce")
    page = context.new_page()
    page.outside_requests = []
    page.on(
        "request",
        lambda r: (
            None
            if r.url.startswith(("http://127.0.0.1", "data:", "blob:", "about:"))
            else page.outside_requests.append(r.url)
        ),
    )
    page.goto(url)
    return page


def _tour_view(page) -> dict:
    frame = next(f for f in page.frames if "/tours/bao-tang/embed/" in f.url)
    frame.wait_for_function("() => window.disanTour !== undefined")
    frame.evaluate("() => window.disanTour.ready")
    return frame.evaluate("() => ({ scene: window.disanTour.currentScene(), ...window.disanTour.getView() })")


@pytest.mark.parametrize(("width", "height", "move"), [(360, 740, "next"), (1280, 800, "scroll")])
def test_the_tour_view_moves_to_the_steps_view(
    built_demo: Path, serve_dir, browser, width: int, height: int, move: str
) -> None:
    page = _open(browser, serve_dir(built_demo) + STORY, width, height)
    page.wait_for_selector(".story-stage iframe")
    first = page.locator(".story-stage iframe")
    assert first.count() == 1
    if move == "next":
        page.locator("#step-1 [data-go]").click()
    else:
        page.locator(f"#step-{SCENE_STEP}").scroll_into_view_if_needed()
        page.mouse.wheel(0, 200)
    page.wait_for_function(f"() => document.querySelector('#step-{SCENE_STEP}').classList.contains('is-current')")
    view: dict = {}
    for _ in range(40):  # the viewer turns there; the frame is the same one
        view = _tour_view(page)
        if view["scene"] == "phong-dong-son" and abs(view["yaw"] + 34.8) <= 2 and abs(view["pitch"] + 7.2) <= 2:
            break
        page.wait_for_timeout(250)
    assert view["scene"] == "phong-dong-son"
    assert abs(view["yaw"] + 34.8) <= 2 and abs(view["pitch"] + 7.2) <= 2, view
    assert page.locator(".story-stage iframe").count() == 1, "one tour frame is reused across steps"
    stage = page.locator(".story-stage").bounding_box()
    text = page.locator(f"#step-{SCENE_STEP} h2").bounding_box()
    assert stage and text
    if width >= 1000:
        assert stage["x"] > text["x"] + text["width"] / 2, "the live view is beside the text"
    else:
        assert stage["width"] <= width and stage["y"] <= text["y"], "the live view is above the text"
    page.keyboard.press("ArrowRight")  # the 3D model, seen from 30° right and 40° above
    page.wait_for_function(f"() => document.querySelector('#step-{SCENE_STEP + 1}').classList.contains('is-current')")
    assert page.locator(".story-stage model-viewer").get_attribute("camera-orbit") == "30deg 50deg auto"
    page.keyboard.press("ArrowRight")  # the region of the drum's face, ready for a zoom viewer
    still = page.locator(".story-stage img.story-image")
    still.wait_for(state="visible")
    assert still.get_attribute("data-region") == "480,480,640,640" and still.get_attribute("data-zoom-image")
    page.keyboard.press("ArrowRight")  # the relic on the site's own map
    page.wait_for_selector(".story-stage iframe[src*='map/#DT22']")
    assert page.locator(".story-stage iframe").count() == 2, "one frame for the tour, one for the map"
    assert page.outside_requests == []
    page.context.close()


def test_every_step_shows_its_text_and_picture_without_script(built_demo: Path, serve_dir, browser) -> None:
    for story in (STORY, "en/" + STORY):
        context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
        page = context.new_page()
        page.goto(serve_dir(built_demo) + story)
        steps = page.locator(".story-step")
        assert steps.count() == 6
        for index in range(steps.count()):
            step = steps.nth(index)
            assert step.locator(".story-text").inner_text().strip()
            view = step.locator(".story-view").first
            view.scroll_into_view_if_needed()
            view.wait_for(state="visible")
            for picture in view.locator("img").all():  # the map's step is a link to the map
                picture.wait_for(state="visible")
                assert picture.evaluate("img => img.complete && img.naturalWidth > 0")
            assert view.locator("a").first.get_attribute("href")
        assert page.locator(".story-stage").is_hidden()
        region = page.locator("img.story-region").first
        assert region.get_attribute("data-region") == "480,480,640,640"
        assert region.get_attribute("data-zoom-image")
        context.close()


def test_a_region_of_a_tiled_scan_opens_in_the_deep_zoom_viewer_there(built_demo: Path, serve_dir, browser) -> None:
    """The sắc phong's step: "Phóng to" on the live panel opens OpenSeadragon framed on the region;
    the drum's region (a plain image, no tiles) has no such button."""
    page = _open(browser, serve_dir(built_demo) + STORY + f"#step-{DECREE_STEP - 3}", 1280, 800)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.evaluate(
        "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP ' + e.violatedDirective))"
    )
    page.locator(f"#step-{DECREE_STEP - 3} [data-go][rel=next]").click()
    page.locator(".story-stage img.story-image").wait_for(state="visible")
    assert page.locator(".story-stage .zoom-open").count() == 0, "the drum's photograph has no tiles"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => document.querySelector('#step-{DECREE_STEP}').classList.contains('is-current')")
    page.locator(".story-stage .zoom-open").click()
    page.wait_for_selector(".story-stage .zoom-drawn", timeout=30_000)
    page.wait_for_function("() => !document.querySelector('.story-image-frame').zoomViewer.isAnimating()")
    bounds = page.evaluate(
        """() => { const v = document.querySelector('.story-image-frame').zoomViewer;
          const r = v.viewport.viewportToImageRectangle(v.viewport.getBounds(true));
          const w = v.world.getItemAt(0).source.dimensions.x;
          return { x: r.x, y: r.y, width: r.width, height: r.height, scale: w / 2400 }; }"""
    )
    x, y, width, height = (n * bounds["scale"] for n in DECREE_REGION)
    # the viewport keeps its own aspect: the region fills it one way and is centred the other
    fits_width = abs(bounds["width"] - width) <= 0.05 * width
    fits_height = abs(bounds["height"] - height) <= 0.05 * height
    assert fits_width or fits_height, bounds
    assert abs(bounds["x"] + bounds["width"] / 2 - (x + width / 2)) <= 0.05 * width, bounds
    assert abs(bounds["y"] + bounds["height"] / 2 - (y + height / 2)) <= 0.05 * height, bounds
    assert page.outside_requests == []
    assert errors == []
    page.context.close()


def test_a_lesson_on_another_origin_shows_the_storys_map_step(built_demo: Path, serve_dir, browser, tmp_path) -> None:
    """A teacher pastes the story's iframe snippet into a lesson on another site: the story's map
    frame is then framed by the lesson too, and every frame-ancestors rule on the way must allow it."""
    story = serve_dir(built_demo) + STORY
    lesson = tmp_path / "lesson"
    lesson.mkdir()
    (lesson / "index.html").write_text(
        f'<!doctype html><meta charset="utf-8"><title>Bài học</title><h1>Bài học lịch sử</h1>'
        f'<iframe src="{story}" title="Câu chuyện" width="100%" height="720"></iframe>',
        encoding="utf-8",
    )
    port = serve_dir(lesson).rsplit(":", 1)[1]
    page = _open(browser, f"http://localhost:{port}", 1280, 900)
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text) if "frame-ancestors" in message.text else None)
    frame = page.frame_locator("iframe")
    map_step = frame.locator(".story-step:has(.view-map)")
    map_step.scroll_into_view_if_needed()
    page.mouse.move(640, 500)
    page.mouse.wheel(0, 200)
    stage_map = frame.locator(".story-stage iframe[src*='map/#DT22']")
    stage_map.wait_for(state="visible")
    markers = stage_map.content_frame.locator(".leaflet-marker-icon")
    markers.first.wait_for(state="visible")
    assert markers.count() >= 1, "the map frame shows the relics' markers"
    assert refused == [], refused
    page.context.close()
