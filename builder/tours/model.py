"""The records of a tour (one `tour.md` per folder in tours/) and its scenes (one Markdown file
per panorama beside it), how their files become records, and typed access to them in the model."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, cast

from ..config import SiteConfig
from ..feature import ContentKind, Keys
from ..model import ContentModel, Entry, Origin
from ..records import merge_lists_by_position, number, text, whole_number
from ..urls import entry_url

HOTSPOT_KINDS = ("go", "exhibit", "audio", "image", "video", "text", "url")
HOTSPOT_TEXT_KEYS = ("label", "text")
VIEW_KEYS = ("yaw", "pitch", "fov")
# What the tour viewer can show; themes/default/viewer/util.js holds the same numbers.
MIN_FOV, MAX_FOV = 30.0, 100.0


@dataclass(frozen=True)
class View:
    """A viewing direction in degrees: yaw 0 is the image centre, + to the right; pitch + up."""

    yaw: float = 0.0
    pitch: float = 0.0
    fov: float = 80.0


@dataclass(frozen=True)
class Hotspot:
    yaw: float
    pitch: float
    kind: str
    target: str
    label: str
    view: View | None = None
    origin: Origin = Origin("", 0)


@dataclass(frozen=True, kw_only=True)
class Scene(Entry):
    """One panorama of a tour; `slug` is '<tour>/<scene>'."""

    tour: str
    name: str
    order: int = 0
    panorama: str | Mapping[str, str] = ""
    angles: tuple[float, float, float] | None = None
    view: View = View()
    north: float = 0.0
    plan_position: Mapping[str, float] | None = None
    hotspots: tuple[Hotspot, ...] = ()
    kind = "scene"


@dataclass(frozen=True, kw_only=True)
class Tour(Entry):
    start: str = ""
    plan: str = ""
    autorotate: float = 2.0
    narration: Mapping[str, Any] | None = None
    kind = "tour"


def tours_of(model: ContentModel) -> dict[str, dict[str, Tour]]:
    return cast(dict[str, dict[str, Tour]], model.of_kind("tour"))


def scenes_of(model: ContentModel) -> dict[str, dict[str, Scene]]:
    return cast(dict[str, dict[str, Scene]], model.of_kind("scene"))


def tour_scenes(model: ContentModel, tour: str, lang: str) -> list[Scene]:
    """The scenes of a tour in visiting order: `order`, then file name."""
    found = [by_lang[lang] for slug, by_lang in scenes_of(model).items() if slug.startswith(tour + "/")]
    return sorted(found, key=lambda s: (s.order, s.name))


def read_view(value: Any, default: View | None = None) -> View | None:
    """A view from front matter; missing angles keep the default's."""
    if not isinstance(value, dict):
        return default
    base = default or View()
    return View(
        yaw=number(value.get("yaw"), base.yaw),
        pitch=number(value.get("pitch"), base.pitch),
        fov=number(value.get("fov"), base.fov),
    )


def _hotspot(value: Any, file: str) -> Hotspot | None:
    """A hotspot as written; validation reports what is wrong with it."""
    if not isinstance(value, dict):
        return None
    kinds = [k for k in HOTSPOT_KINDS if k in value]
    kind = kinds[0] if len(kinds) == 1 else ""
    target = value.get(kind) if kind else ""
    return Hotspot(
        yaw=number(value.get("yaw"), float("nan")),
        pitch=number(value.get("pitch"), float("nan")),
        kind=kind,
        target=text(target).upper() if kind == "exhibit" else text(target),
        label=text(value.get("label")),
        view=read_view(value.get("view")),
        origin=Origin(file, getattr(value, "line", 0)),
    )


def _tour(common: dict[str, Any], meta: dict[str, Any]) -> Tour:
    autorotate = meta.get("autorotate", 2)
    return Tour(
        start=text(meta.get("start")),
        plan=text(meta.get("plan")),
        autorotate=0.0 if autorotate is False else number(autorotate, 2.0),
        narration=meta.get("narration") if isinstance(meta.get("narration"), dict) else None,
        **common,
    )


def _scene(common: dict[str, Any], meta: dict[str, Any]) -> Scene:
    tour, name = common["slug"].split("/", 1)
    panorama = meta.get("panorama")
    angles = None
    if any(key in meta for key in ("haov", "vaov", "voffset")):
        angles = (number(meta.get("haov"), 360.0), number(meta.get("vaov"), 180.0), number(meta.get("voffset"), 0.0))
    listed = meta.get("hotspots")
    hotspots: list[Any] = listed if isinstance(listed, list) else []
    position = meta.get("plan_position")
    return Scene(
        tour=tour,
        name=name,
        id=text(meta.get("id")).upper(),
        order=whole_number(meta.get("order")),
        panorama={k: text(v) for k, v in panorama.items()} if isinstance(panorama, dict) else text(panorama),
        angles=angles,
        view=read_view(meta.get("view"), View()) or View(),
        north=number(meta.get("north"), 0.0),
        plan_position={k: number(position.get(k), 0.0) for k in ("x", "y", "heading")}
        if isinstance(position, dict)
        else None,
        hotspots=tuple(h for h in (_hotspot(item, common["origin"].file) for item in hotspots) if h is not None),
        **common,
    )


def _place_tour(rel: PurePosixPath, stem: str) -> str | None:
    return rel.parts[1] if len(rel.parts) == 3 and rel.parts[0] == "tours" and stem == "tour" else None


def _place_scene(rel: PurePosixPath, stem: str) -> str | None:
    return f"{rel.parts[1]}/{stem}" if len(rel.parts) == 3 and rel.parts[0] == "tours" and stem != "tour" else None


def tour_embed_url(config: SiteConfig, tour: Entry) -> str:
    """The tour without the site around it, for a lesson page's iframe."""
    return entry_url(config, "tour", tour.slug, tour.lang) + "embed/"


def scene_url(config: SiteConfig, scene: Entry) -> str:
    """Where a scene's short code leads: its tour, opened at the scene."""
    return _tour_at_scene(config, scene, config.default_language)


def scene_in_tour(config: SiteConfig, scene: Entry) -> str:
    """A scene has no page of its own: its tour's page, in the scene's language, opens at it."""
    return _tour_at_scene(config, scene, scene.lang)


def _tour_at_scene(config: SiteConfig, scene: Entry, lang: str) -> str:
    assert isinstance(scene, Scene)
    return f"{entry_url(config, 'tour', scene.tour, lang)}#scene={scene.name}"


def _scene_label_context(model: ContentModel, scene: Entry) -> str:
    """A scene's QR label names its tour."""
    tour = tours_of(model).get(scene.slug.split("/")[0], {}).get(model.config.default_language)
    return tour.title if tour is not None else ""


TOUR_KIND = ContentKind(
    "tour",
    Keys(
        frozenset({"start", "plan", "autorotate", "narration"}),
        inherited=frozenset({"start", "plan", "autorotate"}),
        numbers={"autorotate": ()},
    ),
    _place_tour,
    _tour,
    folder="tours",
    where="tours in tours/<tour>/",
)
SCENE_KIND = ContentKind(
    "scene",
    Keys(
        frozenset({"id", "order", "panorama", "haov", "vaov", "voffset", "view", "north", "plan_position", "hotspots"}),
        {
            "view": set(VIEW_KEYS),
            "plan_position": {"x", "y", "heading"},
            "hotspots": [{**dict.fromkeys(("yaw", "pitch", "label", *HOTSPOT_KINDS)), "view": set(VIEW_KEYS)}],
        },
        frozenset({"id", "order", "panorama", "haov", "vaov", "voffset", "view", "north", "plan_position"}),
        {
            "order": (),
            "haov": (),
            "vaov": (),
            "voffset": (),
            "north": (),
            "view": VIEW_KEYS,
            "plan_position": ("x", "y", "heading"),
        },
    ),
    _place_scene,
    _scene,
    folder="tours",
    short_code="optional",
    code_target=scene_url,
    shown_at=scene_in_tour,
    label_context=_scene_label_context,
    mergers={"hotspots": lambda base, translated: merge_lists_by_position(base, translated, HOTSPOT_TEXT_KEYS)},
)
