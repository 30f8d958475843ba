"""Exhibit narration: checked audio and transcript, WebVTT captions, a transcript that follows."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.build import SiteBuilder
from builder.cli import main
from builder.scaffold import scaffold

TRANSCRIPT = (
    "[0:00] Printing, in the only sense with which we are at present concerned,\n"
    "[0:04] differs from most if not from all the arts and crafts\n"
    "[0:07] represented in the Exhibition\n"
)


def _narrated_site(root: Path, corpus: Path, transcript: str = TRANSCRIPT, audio: str = "LJ001-0001.wav") -> Path:
    scaffold(root)
    (root / "assets/audio").mkdir()
    shutil.copy(corpus / "audio" / audio, root / "assets/audio" / audio)
    (root / "assets/audio/lj.txt").write_text(transcript)
    page = root / "content/exhibits/hien-vat-mau.md"
    narration = f"audio:\n  src: assets/audio/{audio}\n  transcript: assets/audio/lj.txt\n"
    page.write_text(page.read_text().replace("collection: chinh\n", "collection: chinh\n" + narration))
    return root


def test_narration_publishes_audio_captions_and_transcript(tmp_path: Path, corpus: Path) -> None:
    out = SiteBuilder(_narrated_site(tmp_path / "s", corpus)).build().out_dir
    html = (out / "exhibits/hien-vat-mau/index.html").read_text()
    assert 'preload="none"' in html and '<track kind="captions"' in html
    vtt = next((out / "media").glob("*.vtt")).read_text()
    assert vtt.startswith("WEBVTT\n") and "00:00:07.000 --> 00:00:09.655" in vtt
    wav = corpus / "audio" / "LJ001-0001.wav"
    [mp3] = (out / "media").glob("*.mp3")
    assert not list((out / "media").glob("*.wav")), "a WAV narration is published as MP3 only"
    assert f'src="../../media/{mp3.name}" type="audio/mpeg"' in html
    assert mp3.stat().st_size < wav.stat().st_size / 4


def test_stamp_past_the_end_is_reported_at_its_line(tmp_path: Path, corpus: Path) -> None:
    site = _narrated_site(tmp_path / "s", corpus, TRANSCRIPT + "[0:30] too late\n")
    result = CliRunner().invoke(main, ["check", "--site", str(site), "--format", "json"])
    problems = json.loads(result.stdout)
    assert result.exit_code == 1
    assert [(p["file"], p["line"]) for p in problems if p["level"] == "error"] == [("assets/audio/lj.txt", 4)]


def test_audio_that_is_not_audio_is_an_error(tmp_path: Path, corpus: Path) -> None:
    site = _narrated_site(tmp_path / "s", corpus)
    shutil.copy(site / "assets/images/hien-vat-mau.jpg", site / "assets/audio/LJ001-0001.wav")
    result = CliRunner().invoke(main, ["check", "--site", str(site), "--format", "json"])
    problems = json.loads(result.stdout)
    assert result.exit_code == 1
    assert problems[0]["code"] == "audio-unreadable" and problems[0]["file"] == "content/exhibits/hien-vat-mau.md"
    assert "JPEG" in problems[0]["message"]


@pytest.mark.browser
def test_setting_the_time_highlights_the_transcript_line(tmp_path: Path, corpus: Path, serve_dir, phone) -> None:
    out = SiteBuilder(_narrated_site(tmp_path / "s", corpus)).build().out_dir
    phone.goto(serve_dir(out) + "exhibits/hien-vat-mau/")
    audio = phone.locator("audio[data-narration]")
    audio.evaluate("a => { a.preload = 'auto'; a.load(); }")
    phone.wait_for_function("() => document.querySelector('audio').seekable.length > 0")
    assert audio.evaluate("a => a.duration") == pytest.approx(9.655, abs=0.1), "Chromium decodes the MP3"
    track_cues = phone.evaluate(
        "() => new Promise(done => { const t = document.querySelector('audio').textTracks[0];"
        " t.mode = 'hidden'; setTimeout(() => done(t.cues ? t.cues.length : -1), 500); })"
    )
    assert track_cues == 3, "Chromium parses the WebVTT captions"
    for time, line in ((1.0, "cue-0"), (5.5, "cue-1"), (8.0, "cue-2")):
        audio.evaluate(f"a => {{ a.currentTime = {time}; }}")
        phone.wait_for_function(f"() => document.querySelector('.transcript-lines .is-current')?.id === '{line}'")
        assert phone.locator(f"#{line}").get_attribute("aria-current") == "true"
    phone.locator("button[data-rate='1.5']").click()
    assert audio.evaluate("a => a.playbackRate") == 1.5


@pytest.mark.parametrize("case", ["audio-empty-mp3", "audio-text-as-mp3"])
def test_a_file_that_is_not_audio_stops_the_build_and_publishes_nothing(case: str, tmp_path: Path) -> None:
    site = tmp_path / case
    shutil.copytree(Path(__file__).parent / "fixtures" / "broken" / case, site)
    result = CliRunner().invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "content/exhibits/binh.md:7: error: 'assets/audio/binh.vi.mp3'" in result.stderr
    assert not (site / "_site").exists()
