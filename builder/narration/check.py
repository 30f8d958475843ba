"""Narration of an exhibit: its audio file and transcript, checked once and turned into the
records the page needs (WebVTT captions and a transcript whose lines follow the audio)."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..assets import AssetStore, check_asset
from ..audio import (
    AUDIO_SUFFIXES,
    TRANSCRIPT_SUFFIXES,
    AudioError,
    AudioInfo,
    check_transcript,
    probe_audio,
    read_transcript,
    to_webvtt,
    transcript_data,
)
from ..diagnostics import Problems
from ..model import Origin


@dataclass(frozen=True, eq=False)
class Narration:
    lang: str  # the language it is spoken in: a page without its own narration borrows another's
    audio: Path
    digest: str
    mime: str
    duration: float
    vtt: str | None
    cues: tuple[dict[str, Any], ...]

    @property
    def encoded(self) -> bool:
        """WAV is published as MP3 (see audio.wav_to_mp3); every other format as it is."""
        return self.mime == "audio/wav"

    @property
    def published_suffix(self) -> str:
        return ".mp3" if self.encoded else self.audio.suffix.lower()

    @property
    def published_mime(self) -> str:
        return "audio/mpeg" if self.encoded else self.mime

    @property
    def key(self) -> str:
        """Names the audio and caption files in the site; changes when either input changes."""
        return hashlib.sha256(f"{self.digest}:{self.vtt}".encode()).hexdigest()[:16]


def check_narration(
    audio: Any, lang: str, where: Origin, root: Path, assets: AssetStore, problems: Problems
) -> Narration | None:
    """The narration an `audio:` block describes, or None after reporting what is wrong."""
    if isinstance(audio, str):
        audio = {"src": audio}
    if not isinstance(audio, dict) or not audio.get("src"):
        problems.error(
            where.file,
            where.line,
            "audio-format",
            "audio needs a 'src' file",
            "write it like: audio: { src: assets/audio/x.vi.mp3, transcript: assets/audio/x.vi.txt }",
        )
        return None
    path = check_asset(str(audio["src"]), where.file, where.line, root, set(AUDIO_SUFFIXES), "audio", problems)
    if path is None:
        return None
    probed = assets.probe(path, "audio", _probe)
    if "error" in probed:
        problems.error(
            where.file, where.line, "audio-unreadable", f"'{audio['src']}': {probed['error']}", probed["hint"]
        )
        return None
    info = AudioInfo(**probed)
    vtt: str | None = None
    cues: tuple[dict[str, Any], ...] = ()
    if audio.get("transcript"):
        transcript_path = check_asset(
            str(audio["transcript"]), where.file, where.line, root, set(TRANSCRIPT_SUFFIXES), "transcript", problems
        )
        if transcript_path is None:
            return None
        transcript = read_transcript(transcript_path)
        found = check_transcript(transcript, info.duration_s)
        rel = transcript_path.relative_to(root).as_posix()
        for problem in found:
            problems.error(rel, problem.line, problem.code, problem.message, problem.hint)
        if found:
            return None
        vtt = to_webvtt(transcript, info.duration_s)
        cues = tuple(transcript_data(transcript, info.duration_s))
    return Narration(lang, path, assets.digest(path), info.mime, info.duration_s, vtt, cues)


def _probe(path: Path) -> dict:
    try:
        return asdict(probe_audio(path))
    except AudioError as exc:
        return {"error": exc.message, "hint": exc.hint}
