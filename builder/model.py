"""The content model: typed records that the load stage produces and later stages read.

Every record is per language. A record in a language that has no translation carries the
default-language text with `translated=False`, so themes can mark the fallback.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, cast

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
    id: str = ""  # the QR short code, in kinds that take one
    translated: bool = True
    meta: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    kind = "entry"

    def origin_of(self, key: str) -> Origin:
        """The file and line where `key` was written, for error messages; a value from a
        spreadsheet carries its own (`meta.origins`: the file with its cell, like `x.xlsx:Sheet1!O37`)."""
        origins: Mapping[str, Origin] = getattr(self.meta, "origins", {})
        if key in origins:
            return origins[key]
        lines = getattr(self.meta, "lines", {})
        return Origin(self.origin.file, lines.get(key, self.origin.line))

    @property
    def ref(self) -> tuple[str, str, str]:
        """(kind, slug, language): names the entry among every kind, as an exhibit and a relic may
        share a slug; features key what they learn about an entry (its model, its narration) by it."""
        return (self.kind, self.slug, self.lang)


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
    facts: tuple[tuple[str, str], ...] = ()
    collection: str = ""
    images: tuple[ImageRef, ...] = ()
    related: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    retired: bool = False
    kind = "exhibit"


@dataclass(frozen=True)
class ContentModel:
    """Everything the site says: entries by kind, then slug, then language."""

    config: SiteConfig
    entries: Mapping[str, dict[str, dict[str, Entry]]]
    source_digests: dict[str, str]
    unreadable: tuple[str, ...] = ()

    def of_kind(self, kind: str) -> dict[str, dict[str, Entry]]:
        return self.entries.get(kind, {})

    @property
    def pages(self) -> dict[str, dict[str, Page]]:
        return cast(dict[str, dict[str, Page]], self.of_kind("page"))

    @property
    def exhibits(self) -> dict[str, dict[str, Exhibit]]:
        return cast(dict[str, dict[str, Exhibit]], self.of_kind("exhibit"))

    @property
    def collections(self) -> dict[str, dict[str, Collection]]:
        return cast(dict[str, dict[str, Collection]], self.of_kind("collection"))

    def all_entries(self) -> Iterator[Entry]:
        for group in self.entries.values():
            for by_lang in group.values():
                yield from by_lang.values()

    def exhibit_by_id(self) -> dict[str, Exhibit]:
        """Exhibits in the default language, by short code (made once: the stages ask per tour,
        scene and story, and the model does not change after loading)."""
        return self._exhibits_by_id

    @cached_property
    def _exhibits_by_id(self) -> dict[str, Exhibit]:
        lang = self.config.default_language
        return {e[lang].id: e[lang] for e in self.exhibits.values() if e[lang].id}

    def default(self, entries: Mapping[str, Mapping[str, Entry]]) -> list[Entry]:
        lang = self.config.default_language
        return [by_lang[lang] for by_lang in entries.values()]
