"""Narration: an exhibit's or a scene's audio and transcript, checked once and published with
WebVTT captions and a transcript whose lines follow the audio."""

from .check import Narration, check_narration
from .feature import (
    AUDIO_KEYS,
    NARRATION,
    EncodedAudio,
    Narrations,
    narration_paths,
    narration_view,
    narrations_of,
)

__all__ = [
    "AUDIO_KEYS",
    "NARRATION",
    "EncodedAudio",
    "Narration",
    "Narrations",
    "check_narration",
    "narration_paths",
    "narration_view",
    "narrations_of",
]
