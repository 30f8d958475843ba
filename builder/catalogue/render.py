"""The template context of a relic's or a heritage's page and of the catalogue's index pages:
facts with labels in the page's language, pictures as on an exhibit page, the QR short code."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..config import SiteConfig
from ..model import Exhibit
from ..urls import entry_url, facet_url, index_url, short_url
from .facets import Shelved, Shelves, shelves_of
from .kinds import Heritage, Listed, Relic
from .plan import PER_INDEX_PAGE, filter_url, index_pages
from .vocabulary import HERITAGE_TYPES, RANKINGS, RELIC_TYPES, Vocabulary

if TYPE_CHECKING:
    from ..render import Renderer

OPEN_FACET_VALUES = 12  # a facet with more values starts folded, so a phone reaches the list


def entry_context(renderer: Renderer, entry: Listed) -> dict[str, Any]:
    code_url = f"q/{entry.id}/"
    return {
        "item": entry,
        "facts": facts(renderer.strings[entry.lang], entry),
        "pictures": [p for p in (renderer.picture(ref) for ref in entry.images) if p],
        "index_url": index_url(renderer.model.config, entry.kind, entry.lang),
        "short_url": short_url(renderer.model.config, entry.id),
        "qr_svg": code_url + "qr.svg",
        "qr_png": code_url + "qr.png",
        **renderer.entry_context(entry),
    }


def index_context(
    renderer: Renderer, kind: str, lang: str, number: int, facet: str = "", value: str = ""
) -> dict[str, Any]:
    """An index page: the kind's whole list, or one facet value's (`facet`, `value`: its slug)."""
    config, strings = renderer.model.config, renderer.strings[lang]
    shelves = shelves_of(renderer.site.results, kind, lang)
    everything = strings.get(f"all_{kind}", kind)
    if facet:
        shelf = shelves.shelf(facet, value)
        entries = shelf.entries
        heading = strings.get("facet_heading", "{facet}: {value}").format(
            facet=strings.get(shelf.facet.legend, facet), value=shelf.label(strings)
        )
    else:
        entries, heading = shelves.listing, everything
    page_urls = [
        facet_url(config, kind, lang, facet, value, n) if facet else index_url(config, kind, lang, n)
        for n in range(1, index_pages(len(entries)) + 1)
    ]
    chunk = entries[(number - 1) * PER_INDEX_PAGE : number * PER_INDEX_PAGE]
    index = index_url(config, kind, lang)
    return {
        "heading": heading,
        "items": [card(renderer, entry) for entry in chunk],
        "number": number,
        "pages": len(page_urls),
        "page_urls": page_urls,
        "count": len(entries),
        "total": len(shelves.listing),
        "everything": {"title": everything, "url": index, "current": not facet},
        **panel_context(renderer, kind, lang, facet, value),
    }


def panel_context(renderer: Renderer, kind: str, lang: str, facet: str = "", value: str = "") -> dict[str, Any]:
    """The facet panel of an index page, and on the kind's own index the filter's list."""
    config, shelves = renderer.model.config, shelves_of(renderer.site.results, kind, lang)
    return {
        "facets": _panel(config, shelves, renderer.strings[lang], facet, value),
        "filter": {"data": filter_url(index_url(config, kind, lang))} if not facet and shelves.facets else None,
    }


def _panel(
    config: SiteConfig, shelves: Shelves, strings: dict[str, str], current_facet: str, current_value: str
) -> list[dict[str, Any]]:
    """The facet panel: each facet's values with their counts and static pages; long lists start closed."""
    return [
        {
            "name": facet.name,
            "legend": strings.get(facet.legend, facet.name),
            "open": len(shelved) <= OPEN_FACET_VALUES or facet.name == current_facet,
            "choices": [
                {
                    "slug": shelf.slug,
                    "label": shelf.label(strings),
                    "count": len(shelf.entries),
                    "url": facet_url(config, shelves.kind, shelves.lang, facet.name, shelf.slug),
                    "current": facet.name == current_facet and shelf.slug == current_value,
                }
                for shelf in shelved
            ],
        }
        for facet, shelved in shelves.facets
    ]


def card(renderer: Renderer, entry: Shelved) -> dict[str, Any]:
    return {
        "title": entry.title,
        "summary": entry.summary,
        "id": entry.id,
        "retired": isinstance(entry, Exhibit) and entry.retired,
        "url": entry_url(renderer.model.config, entry.kind, entry.slug, entry.lang),
        "translated": entry.translated,
        "image": renderer.picture(entry.images[0]) if entry.images else None,
    }


def facts(strings: dict[str, str], entry: Listed) -> list[tuple[str, str]]:
    """(label, value) rows of the facts table; value words of closed lists are shown in the page's language."""
    return [(strings.get(f"fact_{key}", key), value) for key, value in fact_rows(strings, entry)]


def fact_rows(strings: Mapping[str, str], entry: Listed) -> list[tuple[str, str]]:
    """(key, value) rows of the facts table, the filled ones only, values in the strings' language:
    the page labels them, an IIIF manifest pairs each language's value by key."""

    def word(vocabulary: Vocabulary, value: str) -> str:
        return strings.get(vocabulary.key(value), value)

    rows: list[tuple[str, str]] = []
    if isinstance(entry, Relic):
        rows += [
            ("relic_type", ", ".join(word(RELIC_TYPES, t) for t in entry.relic_types)),
            ("ranking", word(RANKINGS, entry.ranking) if entry.ranking else ""),
            ("period", entry.period),
        ]
    if isinstance(entry, Heritage):
        rows += [
            ("heritage_type", word(HERITAGE_TYPES, entry.heritage_type) if entry.heritage_type else ""),
            ("community", entry.community),
        ]
    rows += [
        ("decision", entry.decision),
        ("decision_date", _date(entry.decision_date, entry.lang)),
        ("address", entry.address),
        ("commune", entry.commune),
        ("province", entry.province),
        (
            "coordinates",
            f"{entry.latitude:.6f}, {entry.longitude:.6f}"
            if entry.latitude is not None and entry.longitude is not None
            else "",
        ),
    ]
    return [(key, value) for key, value in rows if value]


def _date(iso: str, lang: str) -> str:
    """3 May 2012 is 03/05/2012 in Vietnamese; other languages get the unambiguous ISO form."""
    if not iso or lang != "vi":
        return iso
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"
