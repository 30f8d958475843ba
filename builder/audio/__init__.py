"""The audio engine: narration files probed from their headers, transcripts turned into
captions, and WAV published as MP3.

Why it exists: an exhibit, scene or tour may carry a spoken narration per language, with a
transcript shown as text and as WebVTT captions. Curators record on phones, so the build
must catch what breaks on visitors' phones before publishing. One module per concern:
``probe`` (containers and durations), ``transcript`` (stamps, checks, WebVTT), ``encode``
(WAV to MP3) and ``language`` (which narration a page plays).
"""

from .encode import MP3_KBPS, wav_to_mp3
from .language import pick_language
from .probe import AUDIO_SUFFIXES, AudioError, AudioInfo, probe_audio
from .transcript import (
    TRANSCRIPT_SUFFIXES,
    Cue,
    Transcript,
    TranscriptKind,
    TranscriptProblem,
    check_transcript,
    cue_times,
    format_duration,
    parse_stamp,
    parse_transcript,
    read_transcript,
    to_webvtt,
    transcript_data,
)

__all__ = [
    "AUDIO_SUFFIXES",
    "MP3_KBPS",
    "TRANSCRIPT_SUFFIXES",
    "AudioError",
    "AudioInfo",
    "Cue",
    "Transcript",
    "TranscriptKind",
    "TranscriptProblem",
    "check_transcript",
    "cue_times",
    "format_duration",
    "parse_stamp",
    "parse_transcript",
    "pick_language",
    "probe_audio",
    "read_transcript",
    "to_webvtt",
    "transcript_data",
    "wav_to_mp3",
]
