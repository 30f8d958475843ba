"""The content model: typed records that the load stage produces and later stages read.

Every record is per language. A record in a language that has no translation carries the
default-language text with `translated=False`, so themes can mark the fallback.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .config import SiteConfig

FACT_KEYS = ("inventory_number", "category", "period", "material", "dimensions", "origin", "ranking", "location")


@dataclass(frozen=True)
class Origin:
    """Where a value was written: shown in every error about it."""

    file: str
    line: int


@dataclass(frozen=True)
class ImageRef:
    src: str
    alt: str
    caption: str = ""
    credit: str = ""
    zoom: bool = False
    origin: Origin = Origin("", 0)


@dataclass(frozen=True, kw_only=True)
class Entry:
    """What exhibits, collections and pages share."""

    slug: str
    lang: str
    title: str
    summary: str
    body: str
    origin: Origin
    body_origin: Origin
    sources: tuple[str, ...]
    translated: bool = True
    meta: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    kind = "entry"

    def origin_of(self, key: str) -> Origin:
        """The file and line where `key` was written, for error messages."""
        lines = getattr(self.meta, "lines", {})
        return Origin(self.origin.file, lines.get(key, self.origin.line))


@dataclass(frozen=True, kw_only=True)
class Page(Entry):
    order: int = 0
    kind = "page"


@dataclass(frozen=True, kw_only=True)
class Collection(Entry):
    image: ImageRef | None = None
    order: int = 0
    kind = "collection"


@dataclass(frozen=True, kw_only=True)
class Exhibit(Entry):
    id: str
    facts: tuple[tuple[str, str], ...] = ()
    collection: str = ""
    images: tuple[ImageRef, ...] = ()
    related: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    retired: bool = False
    model: Mapping[str, Any] | None = None
    audio: Mapping[str, Any] | None = None
    kind = "exhibit"


HOTSPOT_KINDS = ("go", "exhibit", "audio", "image", "video", "text", "url")
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
    id: str = ""
    order: int = 0
    panorama: str | Mapping[str, str] = ""
    angles: tuple[float, float, float] | None = None
    view: View = View()
    north: float = 0.0
    plan_position: Mapping[str, float] | None = None
    hotspots: tuple[Hotspot, ...] = ()
    audio: Mapping[str, Any] | None = None  # narration for this spot, like an exhibit's
    kind = "scene"


@dataclass(frozen=True, kw_only=True)
class Tour(Entry):
    start: str = ""
    plan: str = ""
    autorotate: float = 2.0
    narration: Mapping[str, Any] | None = None
    kind = "tour"


@dataclass(frozen=True)
class ContentModel:
    """Everything the site says, keyed by slug then language."""

    config: SiteConfig
    pages: dict[str, dict[str, Page]]
    exhibits: dict[str, dict[str, Exhibit]]
    collections: dict[str, dict[str, Collection]]
    source_digests: dict[str, str]
    unreadable: tuple[str, ...] = ()
    tours: dict[str, dict[str, Tour]] = field(default_factory=dict)
    scenes: dict[str, dict[str, Scene]] = field(default_factory=dict)

    def tour_scenes(self, tour: str, lang: str) -> list[Scene]:
        """The scenes of a tour in visiting order: `order`, then file name."""
        found = [by_lang[lang] for slug, by_lang in self.scenes.items() if slug.startswith(tour + "/")]
        return sorted(found, key=lambda s: (s.order, s.name))

    def all_entries(self) -> Iterator[Entry]:
        for group in (self.pages, self.collections, self.exhibits, self.tours, self.scenes):
            for by_lang in group.values():
                yield from by_lang.values()

    def exhibit_by_id(self) -> dict[str, Exhibit]:
        """Exhibits in the default language, by short code."""
        lang = self.config.default_language
        return {e[lang].id: e[lang] for e in self.exhibits.values() if e[lang].id}

    def default(self, entries: Mapping[str, Mapping[str, Entry]]) -> list[Entry]:
        lang = self.config.default_language
        return [by_lang[lang] for by_lang in entries.values()]
