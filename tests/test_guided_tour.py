"""Guided tours: narration cues checked at their lines, published with the tour, and followed
by the viewer in real Chromium (scene and view per cue, captions, pause on drag, resume)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.audio import parse_stamp
from builder.build import SiteBuilder
from builder.cli import main
from builder.frontmatter import parse_document
from builder.tours import parse_at
from tests.conftest import REPO

BROKEN = Path(__file__).parent / "fixtures" / "broken"
TOUR = "tours/bao-tang/"
AUDIO = "window.disanTour.narration"
SCENE_AND_VIEW = """c => {
    const v = window.disanTour.getView();
    const dyaw = Math.abs(((v.yaw - c.yaw) % 360 + 540) % 360 - 180);
    return window.disanTour.currentScene() === c.scene && dyaw < 2 && Math.abs(v.pitch - c.pitch) < 2
        && Math.abs(v.fov - c.fov) < 2;
}"""


# ------------------------------------------------------------------------------ cue times


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("0:00", 0.0),
        ("0:12", 12.0),
        ("12:05", 725.0),
        ("1:02:03", 3723.0),
        ("0:12.5", 12.5),
        (30, 30.0),
        (7.25, 7.25),
        ("45", 45.0),
        (" 1:30 ", 90.0),
    ],
)
def test_cue_times(value, seconds: float) -> None:
    assert parse_at(value) == seconds


@pytest.mark.parametrize("value", ["1:75", "0:7x", "", "abc", -1, True, None, [1], "1:60:00", float("nan")])
def test_cue_times_that_are_not_times(value) -> None:
    assert parse_at(value) is None


def test_unquoted_times_in_front_matter_mean_the_same_seconds() -> None:
    """YAML reads 1:30 as 90 (base 60) and 0:30 as text: both are the time a curator means."""
    meta = parse_document("---\ncues:\n  - { at: 0:30 }\n  - { at: 1:30 }\n  - { at: 1:02:03 }\n---\n").meta
    assert [parse_at(cue["at"]) for cue in meta["cues"]] == [30.0, 90.0, 3723.0]


# ------------------------------------------------------------------------------ checks


def _site(tmp_path: Path, tour: str, en: str | None = None) -> Path:
    """The tour-cue-order fixture (scenes a and b, a 3.17 s MP3) with another tour.md."""
    site = tmp_path / "s"
    shutil.copytree(BROKEN / "tour-cue-order", site, ignore=shutil.ignore_patterns("EXPECT"))
    (site / "tours/t/tour.md").write_text(tour)
    if en is not None:
        (site / "tours/t/tour.en.md").write_text(en)
    return site


def _check(site: Path) -> tuple[int, list[dict]]:
    result = CliRunner().invoke(main, ["check", "--site", str(site), "--format", "json"])
    return result.exit_code, json.loads(result.stdout)


def test_every_cue_problem_is_reported_at_its_line(tmp_path: Path) -> None:
    site = _site(
        tmp_path,
        """---
title: Tour
start: a
narration:
  audio: assets/audio/a.mp3
  cue_list: []
  cues:
    - { at: "0:7x", scene: a }
    - { at: 1, view: { yaw: 10, pitch: 95, fov: 60 } }
    - { at: 1.5, view: { yaw: 10, pitch: 0, fov: 120 } }
    - { at: 2 }
    - { at: 2.5, view: { yaw: left } }
    - { at: 2.8, scene: b, zoom: 2 }
    - scene: b
    - just text
---
""",
    )
    code, problems = _check(site)
    assert code == 1
    found = sorted((p["line"], p["code"], p["level"]) for p in problems)
    assert found == [
        (6, "unknown-key", "warning"),
        (7, "tour-cue-format", "error"),  # a list item that is not a map has no line of its own: cues:
        (8, "tour-cue-time", "error"),
        (9, "pitch-range", "error"),
        (10, "fov-range", "error"),
        (11, "tour-cue-format", "error"),
        (12, "tour-cue-view", "error"),
        (13, "unknown-key", "warning"),
        (14, "tour-cue-time", "error"),
    ], problems
    assert all(p["file"] == "tours/t/tour.md" and p["hint"] for p in problems)
    by_line = {p["line"]: p for p in problems}
    assert "'0:7x' is not a time" in by_line[8]["message"]
    assert "30 (closest) to 100 (widest)" in by_line[10]["hint"]
    assert "did you mean 'cues'" in by_line[6]["hint"]


def test_narration_needs_audio_and_a_list_of_cues(tmp_path: Path) -> None:
    site = _site(tmp_path, "---\ntitle: Tour\nnarration:\n  transcript: x.txt\n---\n")
    assert [(p["code"], p["line"]) for p in _check(site)[1]] == [("tour-narration-format", 3)]
    site = _site(tmp_path / "2", "---\ntitle: Tour\nnarration:\n  audio: assets/audio/a.mp3\n  cues: 0:00\n---\n")
    assert [(p["code"], p["line"]) for p in _check(site)[1]] == [("tour-cue-format", 5)]
    site = _site(tmp_path / "3", "---\ntitle: Tour\nnarration:\n  audio: assets/audio/nope.mp3\n---\n")
    assert [(p["file"], p["line"], p["level"]) for p in _check(site)[1]] == [("tours/t/tour.md", 4, "error")]


def test_a_translation_with_its_own_audio_checks_the_shared_cues_against_it(tmp_path: Path, corpus: Path) -> None:
    """tour.en.md gives a shorter recording and keeps tour.md's cues: a cue past its end is
    reported once, at the cue's line in tour.md, naming the English audio."""
    tour = (
        "---\ntitle: Tour\nstart: a\nnarration:\n  audio: assets/audio/long.wav\n  cues:\n"
        '    - { at: 0, scene: a }\n    - { at: "0:05", scene: b }\n---\n'
    )
    site = _site(tmp_path, tour, "---\ntitle: Tour\nnarration:\n  audio: assets/audio/a.mp3\n---\n")
    shutil.copy(corpus / "audio/LJ001-0001.wav", site / "assets/audio/long.wav")
    code, problems = _check(site)
    errors = [p for p in problems if p["level"] == "error"]
    assert code == 1
    assert [(p["file"], p["line"], p["code"]) for p in errors] == [("tours/t/tour.md", 8, "tour-cue-past-end")]
    assert "assets/audio/a.mp3" in errors[0]["message"]


# ------------------------------------------------------------------------------ build


def _tour_config(page: Path) -> dict:
    html = page.read_text()
    data = re.search(r'<script type="application/json" id="tour-data">(.*?)</script>', html, re.S)
    assert data, page
    return json.loads(data.group(1))


GUIDE = """---
title: Tour
start: b
narration:
  audio: assets/audio/a.mp3
  transcript: assets/audio/a.txt
  cues:
    - { at: 0, view: { yaw: 200, fov: 50 } }
    - { at: "0:01", view: { pitch: 10 } }
    - { at: 1.5, scene: a }
    - { at: "0:02", scene: b, view: { yaw: -20 } }
    - { at: 2.5, scene: b }
---
"""


def test_build_publishes_the_guide_with_resolved_cues(tmp_path: Path) -> None:
    site = _site(tmp_path, GUIDE, "---\ntitle: Tour in English\n---\n")
    (site / "assets/audio/a.txt").write_text("[0:00] Xin chào.\n[0:02] Đây là sân trong.\n")
    (site / "tours/t/a.md").write_text(
        "---\ntitle: A\npanorama: assets/panoramas/p.jpg\nview: { yaw: 40, pitch: -5, fov: 70 }\n---\n"
    )
    out = SiteBuilder(site).build().out_dir
    guide = _tour_config(out / "tours/t/index.html")["narration"]
    assert [(c["t"], c["scene"], c["yaw"], c["pitch"], c["fov"]) for c in guide["cues"]] == [
        (0.0, "b", -160.0, 0.0, 50.0),  # no scene: the start scene; yaw 200 is -160; pitch from b's view
        (1.0, "b", -160.0, 10.0, 50.0),  # same scene: the angles it leaves out stay
        (1.5, "a", 40.0, -5.0, 70.0),  # a scene without a view: the scene's initial view
        (2.0, "b", -20.0, 0.0, 80.0),  # b's own view (fov 80 by default) under the cue's yaw
        (2.5, "b", 0.0, 0.0, 80.0),  # naming the scene again goes back to its initial view
    ]
    assert guide["lang"] == "vi" and guide["mime"] == "audio/mpeg" and abs(guide["duration"] - 3.168) < 0.05
    assert [c["text"] for c in guide["captions"]] == ["Xin chào.", "Đây là sân trong."]
    assert (out / "tours/t" / guide["src"]).resolve().is_file()
    assert (out / "tours/t" / guide["vtt"]).read_text().startswith("WEBVTT")
    html = (out / "tours/t/index.html").read_text()
    assert '<audio controls preload="none" data-narration>' in html
    assert '<details class="transcript"' in html and 'data-start="2.0"' in html
    embed = _tour_config(out / "tours/t/embed/index.html")["narration"]
    assert embed["cues"] == guide["cues"] and (out / "tours/t/embed" / embed["src"]).resolve().is_file()
    english = _tour_config(out / "en/tours/t/index.html")["narration"]
    assert english["lang"] == "vi", "a translation without narration borrows the Vietnamese one"
    assert (out / "en/tours/t" / english["src"]).resolve() == (out / "tours/t" / guide["src"]).resolve()


def test_a_new_transcript_rebuilds_the_tour_page(tmp_path: Path) -> None:
    """The page names the caption file by content: it must be rewritten when the transcript changes."""
    site = _site(tmp_path, GUIDE)
    (site / "assets/audio/a.txt").write_text("[0:00] Xin chào.\n")
    builder = SiteBuilder(site)
    builder.build()
    (site / "assets/audio/a.txt").write_text("[0:00] Xin chào các bạn.\n")
    out = builder.build().out_dir
    for page in ("tours/t/index.html", "tours/t/embed/index.html"):
        guide = _tour_config(out / page)["narration"]
        vtt = (out / page).parent / guide["vtt"]
        assert "Xin chào các bạn." in vtt.read_text(), page
    assert "Xin chào các bạn." in (out / "tours/t/index.html").read_text()


def _demo_cues() -> list[dict]:
    """The cues as written in the demo's tour.md, resolved by hand (every cue gives its view)."""
    meta = parse_document((REPO / TOUR / "tour.md").read_text()).meta
    cues, scene = [], meta["start"]
    for cue in meta["narration"]["cues"]:
        scene = cue.get("scene", scene)
        cues.append({"t": parse_at(cue["at"]), "scene": scene, **{k: float(v) for k, v in cue["view"].items()}})
    return cues


def _demo_transcript(lang: str) -> list[tuple[float, str]]:
    lines = (REPO / f"assets/audio/bao-tang.{lang}.txt").read_text().splitlines()
    return [(parse_stamp(line[1 : line.index("]")]), line[line.index("]") + 1 :].strip()) for line in lines]


def test_demo_tour_has_a_guide_in_both_languages(built_demo: Path) -> None:
    cues = _demo_cues()
    assert 4 <= len(cues) <= 6
    assert {c["scene"] for c in cues} == {"san-truoc", "phong-dong-son", "phong-cung-dinh"}
    for lang, page in (("vi", TOUR), ("en", "en/" + TOUR)):
        guide = _tour_config(built_demo / page / "index.html")["narration"]
        assert guide["lang"] == lang
        assert [{k: c[k] for k in ("t", "scene", "yaw", "pitch", "fov")} for c in guide["cues"]] == [
            {**c, "yaw": pytest.approx(c["yaw"])} for c in cues
        ]
        assert 40 <= guide["duration"] <= 60 and cues[-1]["t"] < guide["duration"]
        assert [(c["start"], c["text"]) for c in guide["captions"]] == _demo_transcript(lang)
        audio = (built_demo / page / guide["src"]).resolve()
        assert audio.is_file() and audio.stat().st_size < 300_000


# ------------------------------------------------------------------------------ in the browser


def _open(browser, url: str, reduced: bool = True):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, reduced_motion="reduce" if reduced else "no-preference"
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.script_errors = errors
    page.goto(url)
    page.wait_for_function("() => window.disanTour !== undefined")
    page.evaluate("() => window.disanTour.complete")
    page.wait_for_timeout(500)
    return page


def _load_audio(page) -> None:
    page.evaluate(f"() => {{ const a = {AUDIO}; a.preload = 'auto'; a.load(); }}")
    page.wait_for_function(f"() => {AUDIO}.readyState >= 1 && {AUDIO}.seekable.length > 0")


def _caption_at(lines: list[tuple[float, str]], time: float) -> str:
    return [text for start, text in lines if start <= time][-1]


@pytest.mark.browser
def test_seeking_to_each_cue_shows_its_scene_view_and_caption(built_demo: Path, serve_dir, browser) -> None:
    page = _open(browser, serve_dir(built_demo) + TOUR)
    assert page.evaluate(f"() => {AUDIO}.getAttribute('preload')") == "none"
    assert page.evaluate(f"() => {AUDIO}.readyState") == 0, "nothing is downloaded before the visitor asks"
    _load_audio(page)
    cues = _demo_cues()
    lines = _demo_transcript("vi")
    for cue in cues + [cues[1], cues[0]]:  # forwards, then back across a scene change
        page.evaluate(f"t => {{ {AUDIO}.currentTime = t; }}", cue["t"] + 0.1)
        page.wait_for_function(SCENE_AND_VIEW, arg=cue, timeout=10_000)
        page.wait_for_timeout(400)
        assert page.evaluate(SCENE_AND_VIEW, cue), f"{cue} is not where the view settled"
        caption = page.locator(".tour-caption")
        assert caption.inner_text() == _caption_at(lines, cue["t"] + 0.1)
        assert caption.get_attribute("aria-live") == "polite"
    assert page.evaluate(f"() => {AUDIO}.paused"), "seeking alone does not start the audio"
    assert page.script_errors == []
    page.context.close()


@pytest.mark.browser
def test_the_guide_plays_and_moves_the_view_itself(built_demo: Path, serve_dir, browser) -> None:
    """Played, not seeked: from just before the roof cue, the view turns to the roof (animated)."""
    page = _open(browser, serve_dir(built_demo) + TOUR, reduced=False)
    cues = _demo_cues()
    play = page.get_by_role("button", name="Nghe hướng dẫn tham quan")
    play.click()
    page.wait_for_function(f"() => !{AUDIO}.paused && {AUDIO}.currentTime > 0.2")
    page.wait_for_function(SCENE_AND_VIEW, arg=cues[0], timeout=5_000)
    assert page.get_by_role("button", name="Tạm dừng hướng dẫn").is_visible()
    scrolled = page.evaluate("() => scrollY")
    autorotate = "() => window.disanTour.viewer.getPlugin('autorotate')"
    assert page.evaluate(f"{autorotate}.config.autostartOnIdle") is False, "no autorotation under the guide"
    page.evaluate(f"t => {{ {AUDIO}.currentTime = t; }}", cues[1]["t"] - 0.8)
    page.wait_for_function(SCENE_AND_VIEW, arg=cues[0], timeout=5_000)
    page.wait_for_function(SCENE_AND_VIEW, arg=cues[1], timeout=8_000)
    assert not page.evaluate(f"() => {AUDIO}.paused"), "the guide's own moves do not pause it"
    assert page.locator(".transcript-lines .is-current").inner_text().endswith(_demo_transcript("vi")[2][1])
    assert page.evaluate("() => scrollY") == scrolled, "the transcript follows the audio without moving the page"
    assert not page.evaluate(f"{autorotate}.isEnabled()")
    # pausing in the middle of the turn to the roof stops the view where it is
    page.evaluate(f"t => {{ {AUDIO}.currentTime = t; }}", cues[1]["t"] - 0.5)
    page.wait_for_function(SCENE_AND_VIEW, arg=cues[0], timeout=5_000)
    paused_at = page.evaluate("""() => new Promise(done => window.disanTour.viewer.addEventListener('before-animate',
        () => setTimeout(() => {
            document.querySelector('[data-action=guide]').click();
            setTimeout(() => done(window.disanTour.getView()), 50);
        }, 120), { once: true }))""")
    assert page.evaluate(f"() => {AUDIO}.paused")
    assert page.get_by_role("button", name="Nghe hướng dẫn tham quan").is_visible()
    page.wait_for_timeout(1500)
    view = page.evaluate("() => window.disanTour.getView()")
    assert abs(view["yaw"] - paused_at["yaw"]) < 1 and abs(view["pitch"] - paused_at["pitch"]) < 1, (
        "the view stopped with the audio"
    )
    assert not page.evaluate(SCENE_AND_VIEW, cues[1]), "paused before it reached the roof"
    page.wait_for_function(f"() => {autorotate}.config.autostartOnIdle === true")
    assert page.script_errors == []
    page.context.close()


@pytest.mark.browser
def test_dragging_pauses_the_guide_and_resume_returns_to_the_cue(built_demo: Path, serve_dir, browser) -> None:
    page = _open(browser, serve_dir(built_demo) + TOUR, reduced=False)
    drum = _demo_cues()[3]
    page.get_by_role("button", name="Nghe hướng dẫn tham quan").click()
    page.evaluate(f"t => {{ {AUDIO}.currentTime = t; }}", drum["t"] + 0.1)
    page.wait_for_function(SCENE_AND_VIEW, arg=drum, timeout=10_000)
    page.wait_for_timeout(800)
    assert not page.evaluate(f"() => {AUDIO}.paused")
    resume = page.get_by_role("button", name="Tiếp tục hướng dẫn")
    assert not resume.is_visible()
    page.evaluate("() => document.getElementById('viewer').scrollIntoView({ block: 'start' })")
    box = page.locator("#viewer").bounding_box()
    x, y = box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.2  # the cue centres a hotspot: not there
    assert page.evaluate("([x, y]) => document.elementFromPoint(x, y).className", [x, y]) == "psv-canvas"
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 120, y + 30, steps=10)
    page.mouse.up()
    page.wait_for_function(f"() => {AUDIO}.paused", timeout=3_000)
    resume.wait_for(state="visible")
    page.wait_for_timeout(500)
    assert not page.evaluate(SCENE_AND_VIEW, drum), "the drag moved the view away from the cue"
    stopped_at = page.evaluate(f"() => {AUDIO}.currentTime")
    resume.click()
    page.wait_for_function(f"() => !{AUDIO}.paused")
    page.wait_for_function(SCENE_AND_VIEW, arg=drum, timeout=5_000)
    assert not resume.is_visible()
    assert page.evaluate(f"() => {AUDIO}.currentTime") >= stopped_at, "it goes on from where it stopped"
    assert page.evaluate("() => document.activeElement.dataset.action") == "guide", "the focus is not lost"
    page.context.close()


@pytest.mark.browser
def test_embed_page_has_a_keyboard_play_button(built_demo: Path, serve_dir, browser) -> None:
    page = _open(browser, serve_dir(built_demo) + "en/" + TOUR + "embed/")
    play = page.get_by_role("button", name="Play guided tour")
    play.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => !{AUDIO}.paused && {AUDIO}.currentTime > 0.2")
    assert page.evaluate(f"() => {AUDIO}.currentSrc").endswith(".mp3")
    caption = page.locator(".tour-caption")
    assert caption.inner_text() == _demo_transcript("en")[0][1]
    assert caption.is_visible()
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => {AUDIO}.paused")
    page.get_by_role("button", name="Play guided tour").wait_for()
    page.context.close()


@pytest.mark.browser
def test_a_scene_narration_stops_when_the_visitor_leaves_and_holds_the_guide(
    built_demo: Path, serve_dir, browser
) -> None:
    page = _open(browser, serve_dir(built_demo) + TOUR + "#scene=phong-dong-son")
    scene_audio = page.locator("li[data-scene='phong-dong-son'] audio[data-scene-audio]")
    assert scene_audio.get_attribute("preload") == "none"
    assert scene_audio.evaluate("a => a.textTracks.length") == 1
    assert not scene_audio.evaluate("a => { a.muted = true; return a.play().then(() => a.paused); }")
    page.evaluate("() => window.disanTour.goto('san-truoc')")
    page.wait_for_function("() => window.disanTour.currentScene() === 'san-truoc'")
    assert scene_audio.evaluate("a => a.paused"), "a scene's narration stops when the visitor leaves the scene"

    page.evaluate(f"() => {{ const a = {AUDIO}; a.muted = true; return a.play(); }}")
    scene_audio.evaluate("a => a.play()")
    page.wait_for_function(f"() => {AUDIO}.paused")
    assert page.locator(".tour-guide-resume").is_visible(), "the guide waits with 'Resume guide'"
    assert page.script_errors == []
    page.context.close()
