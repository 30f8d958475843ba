"""For teachers as a feature: the teacher box on every tour, exhibit, relic and heritage page
(`entry_context`), and the pages it points to: each object's embeddable page, per language, and
each entry's printable QR sheet, one for all languages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from ..feature import OBJECT_KINDS, Feature, PageContext
from ..outputs import Output
from ..qr import qr_svg
from ..urls import entry_url, short_url
from .box import SELF_EMBEDDED, TAUGHT_KINDS, embed_path, print_path, teacher_box

if TYPE_CHECKING:
    from ..config import SiteConfig
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

    def plan(self, planner: Planner) -> list[Output]:
        model, config = planner.model, planner.model.config
        outputs: list[Output] = []
        for kind in TAUGHT_KINDS:
            for slug, by_lang in sorted(model.of_kind(kind).items()):
                titles = [planner.entry_digest(entry) for entry in by_lang.values()]
                for entry in by_lang.values():
                    sheet = print_path(config, entry)
                    outputs.append(
                        planner.page("teacher_print.html", entry.lang, _print_kind(kind), slug, sheet, titles)
                    )
                if kind in SELF_EMBEDDED:
                    continue
                for entry in by_lang.values():
                    deps = [planner.entry_key(entry)]
                    outputs.append(
                        planner.page(
                            "object_embed.html", entry.lang, _embed_kind(kind), slug, embed_path(config, entry), deps
                        )
                    )
        return outputs

    def entry_context(self, renderer: Renderer, entry: Entry) -> dict[str, Any]:
        if entry.kind not in TAUGHT_KINDS:
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
