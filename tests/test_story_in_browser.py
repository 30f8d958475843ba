"""The demo story in Chromium: the live panel follows the steps, and every step stands without script."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
STORY = "stories/doc-mat-trong-dong/"
SCENE_STEP = 2  # the step in the Đông Sơn room: yaw -34.8, pitch -7.2, fov 45


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
        assert steps.count() == 5
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
        region = page.locator("img.story-region")
        assert region.get_attribute("data-region") == "480,480,640,640"
        assert region.get_attribute("data-zoom-image")
        context.close()
