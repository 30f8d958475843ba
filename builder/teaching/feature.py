"""For teachers as a feature: the teacher box on every tour, exhibit, relic and heritage page
(`entry_context`), and the pages it points to: each object's embeddable page, per language, and
each entry's printable QR sheet, one for all languages."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from ..feature import OBJECT_KINDS, Feature, PageContext
from ..outputs import Output
from ..qr import qr_svg
from ..urls import entry_url, short_url
from .box import SELF_EMBEDDED, TAUGHT_KINDS, embed_path, print_path, teacher_box
from .settings import TABLE, read_teaching_settings, teaching_pages

if TYPE_CHECKING:
    from ..config import SiteConfig, TableSettings
    from ..model import Entry
    from ..plan import Planner
    from ..render import Renderer

COPIES_PER_SHEET = 8  # two columns of four on A4: a QR code of 42 mm, scanned from a desk


def _embed_kind(kind: str) -> str:
    return f"{kind}-embed"


def _print_kind(kind: str) -> str:
    return f"{kind}-print"


class TeachingFeature(Feature):
    name = "teaching"
    page_kinds = {
        **{_embed_kind(kind): kind for kind in OBJECT_KINDS},
        **{_print_kind(kind): kind for kind in TAUGHT_KINDS},
    }
    unlisted_kinds = tuple(page_kinds)  # embeds and QR sheets repeat a page that is listed
    framed_kinds = frozenset(_embed_kind(kind) for kind in OBJECT_KINDS)  # what a lesson frames
    settings_table = TABLE

    def settings(self, table: TableSettings) -> bool:
        return read_teaching_settings(table)

    def plan(self, planner: Planner) -> list[Output]:
        """An entry's sheets and embeds are the previous plan's while the digests of its languages
        (every title is on each sheet), what its embeds show and its language switch are the same."""
        outputs: list[Output] = []
        if not teaching_pages(planner.model.config):
            return outputs
        for kind in TAUGHT_KINDS:
            embedded = kind not in SELF_EMBEDDED
            for slug, by_lang in sorted(planner.model.of_kind(kind).items()):
                titles = [planner.entry_digest(entry) for entry in by_lang.values()]
                shown = tuple(planner.entry_key(entry) for entry in by_lang.values()) if embedded else ()
                translated = tuple(entry.translated for entry in by_lang.values())
                inputs = (self.name, kind, slug, planner.shared, tuple(titles), shown, translated)
                outputs += planner.kept.outputs(inputs, partial(_entry_pages, planner, by_lang, titles, embedded))
        return outputs

    def entry_context(self, renderer: Renderer, entry: Entry) -> dict[str, Any]:
        if entry.kind not in TAUGHT_KINDS or not teaching_pages(renderer.model.config):
            return {}
        return {"teacher": teacher_box(renderer.model.config, entry, renderer.authoring)}

    def page_context(self, renderer: Renderer, kind: str, slug: str, lang: str, url: str) -> PageContext | None:
        shown = self.page_kinds.get(kind)
        if shown is None:
            return None
        entries = renderer.model.of_kind(shown)
        entry = entries[slug][lang]
        if kind == _print_kind(shown):
            return PageContext(entry, _sheet(renderer.model.config, entries[slug], lang))
        return PageContext(entry, _embedded(renderer, entry))


def _entry_pages(planner: Planner, by_lang: dict[str, Entry], titles: list[str], embedded: bool) -> list[Output]:
    """An entry's QR sheet in each language and, for an object, its embeddable page in each."""
    config = planner.model.config
    outputs = [
        planner.page("teacher_print.html", e.lang, _print_kind(e.kind), e.slug, print_path(config, e), titles)
        for e in by_lang.values()
    ]
    if embedded:
        outputs += [
            planner.page(
                "object_embed.html", e.lang, _embed_kind(e.kind), e.slug, embed_path(config, e), [planner.entry_key(e)]
            )
            for e in by_lang.values()
        ]
    return outputs


def _embedded(renderer: Renderer, entry: Entry) -> dict[str, Any]:
    """An object without the site around it: its title, its first picture or 3D model, its narration."""
    pictures = [p for p in (renderer.picture(ref) for ref in getattr(entry, "images", ())[:1]) if p]
    return {
        "item": entry,
        "pictures": pictures,
        "page": entry_url(renderer.model.config, entry.kind, entry.slug, entry.lang),
        **renderer.entry_context(entry),
    }


def _sheet(config: SiteConfig, by_lang: dict[str, Entry], lang: str) -> dict[str, Any]:
    """The QR sheet: copies of one card with the code, the title in every language and the address."""
    entry = by_lang[lang]
    titles: list[tuple[str, str]] = []  # (title, language), each title once
    for each in config.languages:
        other = by_lang[each]
        if other.translated and other.title not in (title for title, _ in titles):
            titles.append((other.title, each))
    page = entry_url(config, entry.kind, entry.slug, entry.lang)
    coded = bool(entry.id) and entry.kind != "tour"
    address = short_url(config, entry.id) if coded else config.base_url + page
    return {
        "item": entry,
        "titles": titles,
        "address": address,
        # a short code's QR image is already published: eight <img> of it weigh less than one inline SVG
        "qr_image": f"q/{entry.id}/qr.svg" if coded else None,
        "qr": None if coded else Markup(qr_svg(address, title=entry.title).decode()),
        "copies": COPIES_PER_SHEET,
        "page": page,
    }


TEACHING = TeachingFeature()
