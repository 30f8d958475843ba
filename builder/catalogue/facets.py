"""Browsing a catalogue kind by its facets: the fields a visitor narrows a long list by (a relic's
types, ranking, period, province, commune; a heritage's type, community, province, commune; an
exhibit's collection, category, material, period).

Each value of a facet becomes a shelf: its entries, in the language's Vietnamese order, shown on
static pages (`relics/type/lich-su/`) that need no script, and listed with its count on every
index page. Which entries a shelf holds and its slug come from the default language, so every
language has the same shelves at the same URLs and the language switch keeps working.

A free-text facet (period, material, province, commune, community) is offered only when it groups
something, some value shared by two entries: a period written as a sentence per relic would
otherwise list every relic a second time. Closed lists (types, rankings) are always offered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, cast

from ..collation import in_title_order, sort_key
from ..model import ContentModel, Exhibit
from ..outputs import key_of
from ..urls import suggest_slug
from .kinds import Listed
from .vocabulary import HERITAGE_TYPES, RANKINGS, RELIC_TYPES, Vocabulary

KINDS = ("relic", "heritage")  # the catalogue's own kinds: it plans their every page
FACETED_KINDS = (*KINDS, "exhibit")  # the exhibit index is the museum's; the catalogue adds its facets

Shelved = Listed | Exhibit
Reader = Callable[[ContentModel, Shelved], tuple[str, ...]]


def _tidy(values: tuple[str, ...]) -> tuple[str, ...]:
    """Values as a facet groups them: spaces tidied, blanks and repeats left out."""
    return tuple(dict.fromkeys(" ".join(v.split()) for v in values if v.strip()))


def _values_of(field: str) -> Reader:
    """A field's values: a set as it is, one text as a set of one."""

    def read(model: ContentModel, entry: Shelved) -> tuple[str, ...]:
        value = getattr(entry, field)
        return _tidy(value if isinstance(value, tuple) else (value,))

    return read


def _fact(key: str) -> Reader:
    """An exhibit's fact (material, period…), as written in the entry's language."""

    def read(model: ContentModel, entry: Shelved) -> tuple[str, ...]:
        return _tidy(tuple(value for name, value in getattr(entry, "facts", ()) if name == key))

    return read


def _collection(model: ContentModel, entry: Shelved) -> tuple[str, ...]:
    """An exhibit's collection by its title in the entry's language, as its shelf shows it."""
    collection = model.collections.get(getattr(entry, "collection", ""), {}).get(entry.lang)
    return _tidy((collection.title,)) if collection else ()


@dataclass(frozen=True)
class Facet:
    name: str  # its URL folder and the filter's query parameter: relics/type/lich-su/, ?type=lich-su
    legend: str  # the i18n key of its heading
    read: Reader
    vocabulary: Vocabulary | None = None  # a closed list orders and labels the values


PLACE_FACETS = (
    Facet("province", "fact_province", _values_of("province")),
    Facet("commune", "fact_commune", _values_of("commune")),
)
FACETS: dict[str, tuple[Facet, ...]] = {
    "relic": (
        Facet("type", "fact_relic_type", _values_of("relic_types"), RELIC_TYPES),
        Facet("ranking", "fact_ranking", _values_of("ranking"), RANKINGS),
        Facet("period", "fact_period", _values_of("period")),
        *PLACE_FACETS,
    ),
    "heritage": (
        Facet("type", "fact_heritage_type", _values_of("heritage_type"), HERITAGE_TYPES),
        Facet("community", "fact_community", _values_of("community")),
        *PLACE_FACETS,
    ),
    "exhibit": (
        Facet("collection", "fact_collection", _collection),
        Facet("category", "fact_category", _fact("category")),
        Facet("material", "fact_material", _fact("material")),
        Facet("period", "fact_period", _fact("period")),
    ),
}


@dataclass(frozen=True)
class Shelf:
    """One value of a facet in one language: the entries that have it, in that language's order."""

    facet: Facet
    slug: str
    word: str  # the closed list's canonical word, or the text as this language writes it
    entries: tuple[Shelved, ...]

    def label(self, strings: dict[str, str]) -> str:
        vocabulary = self.facet.vocabulary
        return strings.get(vocabulary.key(self.word), self.word) if vocabulary else self.word


@dataclass(frozen=True)
class Shelves:
    """A kind's entries in one language, in Vietnamese order, and its facets' shelves."""

    kind: str
    lang: str
    listing: tuple[Shelved, ...]
    facets: tuple[tuple[Facet, tuple[Shelf, ...]], ...]

    def shelf(self, facet: str, slug: str) -> Shelf:
        return self._by_slug[facet, slug]

    @cached_property
    def _by_slug(self) -> dict[tuple[str, str], Shelf]:
        return {(f.name, s.slug): s for f, shelves in self.facets for s in shelves}

    @cached_property
    def summary(self) -> str:
        """A key over what an index page's facet panel shows, each value and its count: made once,
        as every index and facet page of the kind (hundreds at 5,000 rows) holds it in its key."""
        return key_of([(f.name, s.slug, s.word, len(s.entries)) for f, shelves in self.facets for s in shelves])


def listing(model: ContentModel, kind: str, lang: str) -> tuple[Shelved, ...]:
    """A kind's entries in one language, in Vietnamese alphabetical order of their titles."""
    entries = (cast(Shelved, by_lang[lang]) for by_lang in model.of_kind(kind).values())
    return tuple(in_title_order(entries))


def _members(model: ContentModel, facet: Facet, entries: tuple[Shelved, ...]) -> dict[str, list[str]]:
    """Each value of the facet → the slugs of the entries that have it."""
    members: dict[str, list[str]] = {}
    for entry in entries:
        for word in facet.read(model, entry):
            members.setdefault(word, []).append(entry.slug)
    return members


def _slugs(words: list[str]) -> dict[str, str]:
    """A URL slug per value; values that fold to the same slug ('xã Hà', 'xã Hạ') are numbered."""
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for word in words:
        base = suggest_slug(word)
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        taken.add(slug)
        slugs[word] = slug
    return slugs


Groups = list[tuple[Facet, list[tuple[str, str, set[str]]]]]  # each facet's values: (slug, word, member slugs)


def shelve(model: ContentModel, kind: str) -> dict[str, Shelves]:
    """The kind's shelves in every language, grouped once from the default language."""
    config = model.config
    listings = {lang: listing(model, kind, lang) for lang in config.languages}
    groups = _group(model, kind, listings[config.default_language])
    return {lang: _in_language(model, kind, lang, listings[lang], groups) for lang in config.languages}


def _group(model: ContentModel, kind: str, entries: tuple[Shelved, ...]) -> Groups:
    groups: Groups = []
    for facet in FACETS[kind]:
        members = _members(model, facet, entries)
        if not members or (facet.vocabulary is None and all(len(slugs) < 2 for slugs in members.values())):
            continue
        if facet.vocabulary:
            words = [word for word in facet.vocabulary.words if word in members]
        else:
            words = sorted(members, key=sort_key)
        slugs = _slugs(words)
        groups.append((facet, [(slugs[word], word, set(members[word])) for word in words]))
    return groups


def _in_language(
    model: ContentModel,
    kind: str,
    lang: str,
    entries: tuple[Shelved, ...],
    groups: Groups,
) -> Shelves:
    position = {entry.slug: index for index, entry in enumerate(entries)}
    facets = []
    for facet, values in groups:
        shelves = []
        for slug, word, members in values:
            held = tuple(entries[index] for index in sorted(position[member] for member in members))
            shown = word if facet.vocabulary else next(iter(facet.read(model, held[0])), word)
            shelves.append(Shelf(facet, slug, shown, held))
        facets.append((facet, tuple(shelves)))
    return Shelves(kind, lang, entries, tuple(facets))


def shelves_of(results: dict[str, Any], kind: str, lang: str) -> Shelves:
    """The shelves the validate stage left for the plan and render stages."""
    found: dict[tuple[str, str], Shelves] = results["catalogue"]
    return found[kind, lang]


def all_shelves(model: ContentModel) -> dict[tuple[str, str], Shelves]:
    return {(kind, lang): shelves for kind in FACETED_KINDS for lang, shelves in shelve(model, kind).items()}
