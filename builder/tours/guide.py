"""Guided tours: a tour's narration (audio and transcript, checked like an exhibit's) and the
cues that turn the viewer to a scene and a view while it plays.

```yaml
narration:
  audio: assets/audio/den.vi.mp3
  transcript: assets/audio/den.vi.txt
  cues:
    - { at: "0:00", scene: cong-den, view: { yaw: 10, pitch: 0, fov: 90 } }
    - { at: "0:12", view: { yaw: -40, pitch: 5, fov: 45 } }
```
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, TypeGuard

from ..assets import AssetStore
from ..audio import format_duration, parse_stamp
from ..diagnostics import Problems, did_you_mean
from ..model import ContentModel, Origin
from ..narration import Narration, check_narration
from .model import MAX_FOV, MIN_FOV, VIEW_KEYS, Scene, Tour, tour_scenes, tours_of

NARRATION_KEYS = ("audio", "transcript", "cues")
CUE_KEYS = ("at", "scene", "view")
FORMAT_HINT = (
    "write it like: narration: { audio: assets/audio/x.vi.mp3, transcript: assets/audio/x.vi.txt, "
    'cues: [ { at: "0:00", scene: cong-den } ] }'
)


def parse_at(value: Any) -> float | None:
    """Seconds from the start of the audio: "m:ss", "mm:ss", "h:mm:ss" or a number of seconds.

    YAML reads an unquoted 1:30 as the number 90 (base 60), which is the same time."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) and value >= 0 else None
    if isinstance(value, str):
        text = value.strip()
        try:
            number = float(text)
        except ValueError:
            return parse_stamp(text)
        return number if math.isfinite(number) and number >= 0 else None
    return None


def clock(seconds: float) -> str:
    """0:12, 1:02:03 or 0:12.5: a cue time as a curator writes it."""
    whole = int(seconds)
    h, m, s = whole // 3600, whole // 60 % 60, whole % 60
    text = f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
    fraction = round(seconds - whole, 3)
    return text + (f"{fraction:.3f}".rstrip("0")[1:] if fraction else "")


def _number(value: Any) -> TypeGuard[float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def check_tour_narrations(
    model: ContentModel, assets: AssetStore, problems: Problems
) -> dict[tuple[str, str, str], Narration]:
    """Every tour's narration in every language, keyed by the tour's `ref`.

    A translation without its own `narration:` borrows the default one, like exhibits do;
    one that gives only `audio`/`transcript` keeps the default language's cues."""
    found: dict[tuple[str, str, str], Narration] = {}
    checked: dict[tuple[Any, Any], Narration | None] = {}
    structure_checked: set[int] = set()
    default = model.config.default_language
    for name, by_lang in tours_of(model).items():
        scenes = {scene.name: scene for scene in tour_scenes(model, name, default)}
        base = by_lang[default]
        for lang in model.config.languages:
            tour = by_lang.get(lang)
            if tour is None:
                continue
            raw = tour.meta.get("narration")
            if raw is None:
                continue
            if tour is not base and raw is base.meta.get("narration"):  # borrowed, already checked
                if base.ref in found:
                    found[tour.ref] = found[base.ref]
                continue
            where = tour.origin_of("narration")
            if not isinstance(raw, Mapping):
                problems.error(
                    where.file,
                    where.line,
                    "tour-narration-format",
                    "narration must be a map with 'audio', 'transcript' and 'cues'",
                    FORMAT_HINT,
                )
                continue
            lines = getattr(raw, "lines", {})  # a translation's narration merged over the default one has none
            for key in raw:
                if key not in NARRATION_KEYS:
                    problems.warning(
                        where.file,
                        lines.get(key, where.line),
                        "unknown-key",
                        f"unknown key '{key}' in narration",
                        did_you_mean(str(key), NARRATION_KEYS) or "narration takes audio, transcript and cues",
                    )
            audio, transcript = raw.get("audio"), raw.get("transcript")
            if not isinstance(audio, str) or not audio.strip():
                problems.error(
                    where.file,
                    lines.get("audio", where.line),
                    "tour-narration-format",
                    "the narration needs an 'audio' file",
                    FORMAT_HINT,
                )
                continue
            if transcript is not None and not isinstance(transcript, str):
                problems.error(
                    where.file,
                    lines.get("transcript", where.line),
                    "tour-narration-format",
                    "the narration's 'transcript' must be a file path",
                    FORMAT_HINT,
                )
                continue
            same = (audio, transcript)
            if same not in checked:
                audio_where = Origin(where.file, lines.get("audio", where.line))
                checked[same] = check_narration(
                    {"src": audio, "transcript": transcript}, lang, audio_where, model.config.root, assets, problems
                )
            narration = checked[same]
            cues = raw.get("cues")
            if scenes and cues is not None:
                structure = id(cues) not in structure_checked  # translations keep the default cues
                structure_checked.add(id(cues))
                _check_cues(
                    cues,
                    _cues_origin(tour, base, raw, cues),
                    scenes,
                    audio,
                    narration.duration if narration else None,
                    structure,
                    problems,
                )
            if narration is not None:
                found[tour.ref] = narration
    return found


def _cues_origin(tour: Tour, base: Tour, raw: Mapping, cues: Any) -> Origin:
    """The `cues:` line: in the default-language file when a translation keeps its cues."""
    base_raw = base.meta.get("narration")
    if tour is not base and isinstance(base_raw, Mapping) and cues is base_raw.get("cues"):
        tour, raw = base, base_raw
    where = tour.origin_of("narration")
    return Origin(where.file, getattr(raw, "lines", {}).get("cues", where.line))


def _check_cues(
    cues: Any,
    where: Origin,
    scenes: Mapping[str, Scene],
    audio: str,
    duration: float | None,
    structure: bool,
    problems: Problems,
) -> None:
    """Times that go forward and stay inside the audio, known scenes, views the viewer can show.
    `structure` is False when the same cues were already checked for another language's audio."""
    if not isinstance(cues, list):
        if structure:
            problems.error(
                where.file,
                where.line,
                "tour-cue-format",
                "narration cues must be a list",
                'write one cue per line: - { at: "0:12", scene: san-trong, view: { yaw: -40 } }',
            )
        return
    previous: tuple[float, int] | None = None
    for index, cue in enumerate(cues, 1):
        line = getattr(cue, "line", 0) or where.line
        label = f"cue {index}"
        if not isinstance(cue, Mapping):
            if structure:
                problems.error(
                    where.file,
                    line,
                    "tour-cue-format",
                    f"{label} must be a '{{ at: …, scene: … }}' map",
                    'write each cue like: - { at: "0:12", view: { yaw: -40, pitch: 5, fov: 45 } }',
                )
            continue
        at = parse_at(cue.get("at"))
        if structure:
            _check_cue_shape(cue, label, line, where.file, scenes, problems)
            if at is None:
                problems.error(
                    where.file,
                    line,
                    "tour-cue-time",
                    f"{label} has no 'at' time" if "at" not in cue else f"{label}: {cue.get('at')!r} is not a time",
                    'write when the cue starts in the audio: at: "1:05" (minutes:seconds), '
                    '"1:02:03" or a number of seconds',
                )
        if at is None:
            continue
        if structure and previous is not None and at <= previous[0]:
            problems.error(
                where.file,
                line,
                "tour-cue-order",
                f"{label} at {clock(at)} is not after the cue on line {previous[1]} ({clock(previous[0])})",
                "cues must go forward in time; fix the typo or reorder the cues",
            )
        if duration is not None and at >= duration:
            problems.error(
                where.file,
                line,
                "tour-cue-past-end",
                f"{label} at {clock(at)} is past the end of the narration '{audio}', which is "
                f"{format_duration(duration)} long",
                "check the time, or whether these cues belong to another recording",
            )
        previous = (at, line)


def _check_cue_shape(
    cue: Mapping, label: str, line: int, file: str, scenes: Mapping[str, Scene], problems: Problems
) -> None:
    for key in cue:
        if key not in CUE_KEYS:
            problems.warning(
                file,
                line,
                "unknown-key",
                f"unknown key '{key}' in {label}",
                did_you_mean(str(key), CUE_KEYS) or "a cue takes at, scene and view",
            )
    scene, view = cue.get("scene"), cue.get("view")
    if scene is None and view is None:
        problems.error(
            file,
            line,
            "tour-cue-format",
            f"{label} changes neither the scene nor the view",
            "add 'scene:' to go to another panorama, or 'view: { yaw: …, pitch: …, fov: … }' to look at something",
        )
    if scene is not None and (not isinstance(scene, str) or scene not in scenes):
        problems.error(
            file,
            line,
            "unknown-scene",
            f"{label} goes to '{scene}', which is not a scene of this tour",
            did_you_mean(str(scene), scenes) or f"scenes of this tour: {', '.join(scenes)}",
        )
    if view is None:
        return
    if not isinstance(view, Mapping):
        problems.error(
            file,
            line,
            "tour-cue-view",
            f"the view of {label} must be a map",
            "write it like: view: { yaw: -40, pitch: 5, fov: 45 } (degrees)",
        )
        return
    for key, value in view.items():
        if key not in VIEW_KEYS:
            problems.warning(
                file,
                line,
                "unknown-key",
                f"unknown key '{key}' in the view of {label}",
                did_you_mean(str(key), VIEW_KEYS) or "a view takes yaw, pitch and fov",
            )
        elif not _number(value):
            problems.error(
                file,
                line,
                "tour-cue-view",
                f"{label}: {key} must be a number of degrees, not {value!r}",
                "write it like: view: { yaw: -40, pitch: 5, fov: 45 }",
            )
    yaw, pitch, fov = (view.get(key) for key in VIEW_KEYS)
    if _number(yaw) and not -360 <= yaw <= 360:
        problems.error(
            file,
            line,
            "tour-cue-view",
            f"{label}: yaw {yaw:g} is outside -360…360 degrees",
            "yaw is the direction, 0 at the middle of the panorama and + to the right (-180…180)",
        )
    if _number(pitch) and not -90 <= pitch <= 90:
        problems.error(
            file,
            line,
            "pitch-range",
            f"{label}: pitch {pitch:g} is outside -90…90 degrees",
            "pitch is the angle above (+) or below (-) the horizon; 90 is straight up",
        )
    if _number(fov) and not MIN_FOV <= fov <= MAX_FOV:
        problems.error(
            file,
            line,
            "fov-range",
            f"{label}: fov {fov:g} is outside {MIN_FOV:g}…{MAX_FOV:g} degrees",
            f"the viewer zooms from {MIN_FOV:g} (closest) to {MAX_FOV:g} (widest); 45 frames one object",
        )


def _yaw(value: float) -> float:
    """Degrees in (-180, 180], like the viewer reports them."""
    if -180 < value <= 180:
        return value
    yaw = round((value + 180) % 360 - 180, 6)
    return 180.0 if yaw == -180 else yaw


def resolve_cues(tour: Tour, scenes: list[Scene]) -> list[dict[str, Any]]:
    """The cues for the viewer (call after validation): seconds, the scene, and a full view in
    degrees. A cue without `scene` stays in the previous cue's scene (the first one: the start
    scene); angles a cue leaves out are those of the previous cue in the same scene, or the
    scene's own initial view when the cue names a scene."""
    spec = tour.narration or {}
    listed = spec.get("cues")
    cues: list[Any] = listed if isinstance(listed, list) else []
    by_name = {scene.name: scene for scene in scenes}
    if not by_name:
        return []
    current = tour.start if tour.start in by_name else scenes[0].name
    resolved: list[dict[str, Any]] = []
    for cue in cues:
        at = parse_at(cue.get("at")) if isinstance(cue, Mapping) else None
        if at is None:
            continue
        scene = cue.get("scene")
        named = isinstance(scene, str) and scene in by_name
        if named or not resolved:
            current = scene if named else current
            own = by_name[current].view
            base = {"yaw": own.yaw, "pitch": own.pitch, "fov": own.fov}
        else:
            base = {key: resolved[-1][key] for key in VIEW_KEYS}
        view = cue.get("view") if isinstance(cue.get("view"), Mapping) else {}
        angles = {key: float(view[key]) if _number(view.get(key)) else float(base[key]) for key in VIEW_KEYS}
        angles["yaw"] = _yaw(angles["yaw"])
        resolved.append({"t": at, "scene": current, **angles})
    return resolved
