"""The template context of a relic's or a heritage's page and of the catalogue's index pages:
facts with labels in the page's language, pictures as on an exhibit page, the QR short code."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..urls import entry_url, index_url, short_url
from .kinds import Heritage, Listed, Relic
from .plan import PER_INDEX_PAGE, index_pages, listing
from .vocabulary import HERITAGE_TYPES, RANKINGS, RELIC_TYPES, Vocabulary

if TYPE_CHECKING:
    from ..render import Renderer


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


def index_context(renderer: Renderer, kind: str, lang: str, number: int) -> dict[str, Any]:
    config = renderer.model.config
    listed = listing(renderer.model, kind, lang)
    pages = index_pages(len(listed))
    chunk = listed[(number - 1) * PER_INDEX_PAGE : number * PER_INDEX_PAGE]
    return {
        "heading": renderer.strings[lang].get(f"all_{kind}", kind),
        "items": [card(renderer, entry) for entry in chunk],
        "number": number,
        "pages": pages,
        "page_urls": [index_url(config, kind, lang, n) for n in range(1, pages + 1)],
    }


def card(renderer: Renderer, entry: Listed) -> dict[str, Any]:
    return {
        "title": entry.title,
        "summary": entry.summary,
        "id": entry.id,
        "retired": False,
        "url": entry_url(renderer.model.config, entry.kind, entry.slug, entry.lang),
        "translated": entry.translated,
        "image": renderer.picture(entry.images[0]) if entry.images else None,
    }


def facts(strings: dict[str, str], entry: Listed) -> list[tuple[str, str]]:
    """(label, value) rows of the facts table; value words of closed lists are shown in the page's language."""

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
    return [(strings.get(f"fact_{key}", key), value) for key, value in rows if value]


def _date(iso: str, lang: str) -> str:
    """3 May 2012 is 03/05/2012 in Vietnamese; other languages get the unambiguous ISO form."""
    if not iso or lang != "vi":
        return iso
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"
