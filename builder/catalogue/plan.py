"""The catalogue's pages: one per relic and per intangible heritage, in every language, an index
per kind, paginated and in Vietnamese alphabetical order, a static page per facet value, and the
compact list the index page's filter reads.

Keys stay linear in the catalogue's size: a page's key holds the keys of the entries it lists
and the facet panel's values and counts, so an edited title re-renders only the pages that list
its entry, while an edited ranking re-renders the kind's index and facet pages, whose counts change.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from ..outputs import Output, TextFile, key_of
from ..urls import entry_url, facet_url, index_url
from .facets import FACETED_KINDS, KINDS, Shelved, Shelves, shelves_of

if TYPE_CHECKING:
    from ..plan import Planner

__all__ = ["KINDS", "PER_INDEX_PAGE", "filter_url", "index_pages", "plan_catalogue"]

PER_INDEX_PAGE = 60
FILTER_FILE = "facets.json"
THUMBNAIL_WIDTH = 320

IndexPage = tuple[str, str, Callable[[int], str], str]  # page kind, slug, URL of page n, the value shown


def index_pages(count: int) -> int:
    return max(1, math.ceil(count / PER_INDEX_PAGE))


def filter_url(index: str) -> str:
    """The filter's list sits beside the kind's index: relics/facets.json, en/relics/facets.json."""
    return index + FILTER_FILE


def plan_catalogue(planner: Planner) -> list[Output]:
    """Relics' and heritage's every page; for exhibits, whose index is the museum's own, the facet
    pages and the filter's list."""
    outputs = []
    for kind in FACETED_KINDS:
        if not planner.model.of_kind(kind):
            continue
        for lang in planner.model.config.languages:
            shelves = shelves_of(planner.site.results, kind, lang)
            keys = {e.slug: planner.entry_key(e) for e in shelves.listing}
            outputs += _plan_facets(planner, shelves, keys)
            if kind in KINDS:
                outputs += _plan_listed(planner, shelves, keys)
    return outputs


def _paginated(
    planner: Planner, shelves: Shelves, keys: dict[str, str], entries: tuple[Shelved, ...], where: IndexPage
) -> list[Output]:
    """An index page or a facet value's page, split in pages of PER_INDEX_PAGE."""
    page_kind, slug, url_of, shown = where
    pages = index_pages(len(entries))
    return [
        planner.page(
            "catalogue_index.html",
            shelves.lang,
            page_kind,
            slug,
            url_of(number),
            [
                [keys[e.slug] for e in entries[(number - 1) * PER_INDEX_PAGE : number * PER_INDEX_PAGE]],
                pages,
                shelves.summary,
                shown,
            ],
            number,
        )
        for number in range(1, pages + 1)
    ]


def _plan_facets(planner: Planner, shelves: Shelves, keys: dict[str, str]) -> list[Output]:
    """Each facet value's static pages and the list the index page's filter reads."""
    config, kind, lang = planner.model.config, shelves.kind, shelves.lang
    outputs = []
    for facet, values in shelves.facets:
        for shelf in values:
            url_of = partial(facet_url, config, kind, lang, facet.name, shelf.slug)
            where = (f"{kind}-facet", f"{facet.name}/{shelf.slug}", url_of, shelf.word)
            outputs += _paginated(planner, shelves, keys, shelf.entries, where)
    if shelves.facets:
        text = _filter_list(planner, shelves)
        outputs.append(Output(filter_url(index_url(config, kind, lang)), key_of(text), TextFile(text)))
    return outputs


def _plan_listed(planner: Planner, shelves: Shelves, keys: dict[str, str]) -> list[Output]:
    """A catalogue kind's index pages and its entries' pages."""
    config, kind, lang = planner.model.config, shelves.kind, shelves.lang
    where = (f"{kind}-index", "", partial(index_url, config, kind, lang), "")
    outputs = _paginated(planner, shelves, keys, shelves.listing, where)
    entries = planner.model.of_kind(kind)
    for entry in shelves.listing:
        outputs += planner.entry_pages("catalogue_entry.html", entries[entry.slug][lang], keys[entry.slug])
    return outputs


def _filter_list(planner: Planner, shelves: Shelves) -> str:
    """Every entry with its title, page, thumbnail and facet values (as indexes into each facet's
    slugs), in the language's order: all the filter needs, with no text a theme would translate."""
    values: dict[str, list[list[int]]] = {e.slug: [[] for _ in shelves.facets] for e in shelves.listing}
    for position, (_, shelved) in enumerate(shelves.facets):
        for index, shelf in enumerate(shelved):
            for entry in shelf.entries:
                values[entry.slug][position].append(index)
    config = planner.model.config
    data = {
        "facets": [[facet.name, [shelf.slug for shelf in shelved]] for facet, shelved in shelves.facets],
        "items": [
            {
                "t": entry.title,
                "u": entry_url(config, entry.kind, entry.slug, entry.lang),
                "c": entry.id,
                "i": _thumbnail(planner, entry),
                "f": values[entry.slug],
            }
            for entry in shelves.listing
        ],
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _thumbnail(planner: Planner, entry: Shelved) -> str:
    """The smallest WebP that stays sharp in a card on a phone (about 160 CSS px at 2×)."""
    image = planner.images.get((entry.images[0].src, entry.images[0].credit)) if entry.images else None
    if image is None:
        return ""
    return next((d for d in image.webp if d.width >= THUMBNAIL_WIDTH), image.webp[-1]).site_path
