"""Narration as a feature: the `audio:` of exhibits, relics, heritage and scenes, checked once per file and
published once (WAV as MP3), with captions and a transcript on every page that plays it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..audio import MP3_KBPS, wav_to_mp3
from ..feature import OBJECT_KINDS, Feature, Keys, SiteCheck
from ..model import Entry
from ..outputs import CopyFile, Output, TextFile, key_of
from .check import Narration, check_narration

if TYPE_CHECKING:
    from ..plan import Planner
    from ..render import Renderer

AUDIO_KEYS = {"src", "transcript"}
Narrations = dict[tuple[str, str, str], Narration]  # the `ref` of the entry it narrates → narration


@dataclass(frozen=True)
class EncodedAudio:
    """A WAV narration, published as MP3; the encoding is cached by the source's digest."""

    source: Path
    digest: str

    @property
    def cache_name(self) -> str:
        return f"{self.digest[:16]}-{MP3_KBPS}k.mp3"

    def produce(self, cache_dir: Path) -> bytes:
        cached = cache_dir / "audio" / self.cache_name
        if not cached.is_file():
            wav_to_mp3(self.source, cached)
        return cached.read_bytes()


def narrations_of(results: dict[str, Any]) -> Narrations:
    """Every checked narration (the validate stage's `results`); guided tours add theirs under their own keys."""
    narrations: Narrations = results.setdefault(NarrationFeature.name, {})
    return narrations


def narration_paths(narration: Narration) -> tuple[str, str | None]:
    """Where a narration's audio and captions are published."""
    return (
        f"media/{narration.key}{narration.published_suffix}",
        f"media/{narration.key}.vtt" if narration.vtt else None,
    )


def narration_view(narration: Narration | None) -> dict[str, Any] | None:
    """partials/narration.html's context: exhibits, scenes and guided tours."""
    if narration is None:
        return None
    audio, vtt = narration_paths(narration)
    minutes, seconds = divmod(round(narration.duration), 60)
    return {
        "src": audio,
        "vtt": vtt,
        "mime": narration.published_mime,
        "duration": f"{minutes}:{seconds:02d}",
        "lang": narration.lang,
        "cues": [dict(cue, start_label=_clock(cue["start"])) for cue in narration.cues],
    }


class NarrationFeature(Feature):
    name = "narration"
    extends = {kind: Keys(frozenset({"audio"}), {"audio": AUDIO_KEYS}) for kind in (*OBJECT_KINDS, "scene")}

    def validate(self, check: SiteCheck) -> None:
        """Languages that share one narration check it once."""
        narrations = narrations_of(check.results)
        checked: dict[str, Narration | None] = {}
        config = check.model.config
        for kind in self.extends:
            for by_lang in check.model.of_kind(kind).values():
                for entry in by_lang.values():
                    audio = entry.meta.get("audio")
                    if audio is None:
                        continue
                    same = repr(sorted(audio.items()) if isinstance(audio, dict) else audio)
                    if same not in checked:
                        checked[same] = check_narration(
                            audio, entry.lang, entry.origin_of("audio"), config.root, check.assets, check.problems
                        )
                    narration = checked[same]
                    if narration is not None:
                        narrations[entry.ref] = narration

    def entry_deps(self, planner: Planner, entry: Entry) -> object:
        narration = narrations_of(planner.site.results).get(entry.ref)
        return narration.key if narration else ""

    def entry_facts(self, planner: Planner) -> object:
        return sorted((ref, narration.key) for ref, narration in narrations_of(planner.site.results).items())

    def plan(self, planner: Planner) -> list[Output]:
        outputs = []
        for narration in sorted(set(narrations_of(planner.site.results).values()), key=lambda n: n.key):
            audio, vtt = narration_paths(narration)
            if narration.encoded:
                outputs.append(
                    Output(audio, key_of(narration.digest, MP3_KBPS), EncodedAudio(narration.audio, narration.digest))
                )
            else:
                outputs.append(Output(audio, narration.digest, CopyFile(narration.audio)))
            if vtt and narration.vtt:
                outputs.append(Output(vtt, key_of(narration.vtt), TextFile(narration.vtt)))
        return outputs

    def entry_context(self, renderer: Renderer, entry: Entry) -> dict[str, Any]:
        if entry.kind not in self.extends:
            return {}
        return {"narration": narration_view(narrations_of(renderer.site.results).get(entry.ref))}

    def card_media(self, renderer: Renderer, entry: Entry, rel: Callable[[str], str]) -> dict[str, Any]:
        view = narration_view(narrations_of(renderer.site.results).get(entry.ref))
        if view is None:
            return {}
        return {
            "audio": {
                "src": rel(view["src"]),
                "mime": view["mime"],
                "lang": view["lang"],
                "vtt": rel(view["vtt"]) if view["vtt"] else None,
            }
        }


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return ""
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}:{rest:02d}"


NARRATION = NarrationFeature()
