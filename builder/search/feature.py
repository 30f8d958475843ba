"""Search as a feature: every entry of every kind, in each language, in a Pagefind index that the
phone downloads a piece at a time; a page at /search/ (and /en/search/) that reads `?q=`.

The index is built in the plan step, not in process, because a result's thumbnail is the
smallest derivative of the entry's first image, and which derivatives exist is known only once
the images are planned; process only names the cache folder.

Its page runs Pagefind's WebAssembly, so it takes the 3D models' rung of the CSP ladder (the
narrowest that allows 'wasm-unsafe-eval'; a rung of its own beside it would break the ladder's
rule that each rung allows everything the narrower ones do).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..csp import MODEL
from ..diagnostics import Problem
from ..feature import Feature, PageContext, ProcessContext, missing_bundle
from ..markup import make_markdown, render_markdown
from ..model import Entry, ImageRef
from ..outputs import CopyFile, Output, key_of
from ..urls import lang_prefix
from .index import PAGEFIND_VERSION, SearchRecord, cached_index, index_digests

if TYPE_CHECKING:
    from ..plan import Planner
    from ..render import Renderer
    from ..theme import Theme
    from ..validate import ValidatedSite

SEARCH_BUNDLE = "vendor/search.js"
INDEX_FOLDER = "pagefind/"


def search_url(lang_folder: str) -> str:
    return f"{lang_folder}search/"


def first_image(entry: Entry) -> ImageRef | None:
    """The first image an entry names, whatever its kind calls the field (`image`, `images`, …)."""
    for field in dataclasses.fields(entry):
        value = getattr(entry, field.name)
        if isinstance(value, tuple | list) and value and isinstance(value[0], ImageRef):
            return value[0]
        if isinstance(value, ImageRef):
            return value
    return None


class SearchFeature(Feature):
    name = "search"
    page_kinds = {"search": ""}

    def missing_viewer(self, site: ValidatedSite, theme: Theme) -> Problem | None:
        return missing_bundle(theme, SEARCH_BUNDLE, "search page's script")

    def policy(self, site: ValidatedSite, page_kind: str) -> int:
        return MODEL if page_kind == "search" else 0

    def process(self, site: ValidatedSite, context: ProcessContext) -> tuple[Path, list[Problem]]:
        folder = context.cache_dir / "search"
        folder.mkdir(parents=True, exist_ok=True)
        return folder, []

    def plan(self, planner: Planner) -> list[Output]:
        config = planner.model.config
        entries = sorted(planner.model.all_entries(), key=lambda e: (e.kind, e.slug, e.lang))
        shown = [(entry, "/" + planner.page_url(entry), self._thumbnail(planner, entry)) for entry in entries]
        key = key_of(
            PAGEFIND_VERSION,
            planner.base,
            [(url, entry.kind, entry.lang, planner.entry_digest(entry), image) for entry, url, image in shown],
        )
        cache: Path = planner.processed[self.name]
        files = cached_index(_records(shown, config.raw_html), key, cache)
        digests = index_digests(key, cache)
        outputs = [Output(INDEX_FOLDER + name, digests[name], CopyFile(path)) for name, path in sorted(files.items())]
        kinds = sorted(planner.model.entries)
        for lang in config.languages:
            url = search_url(lang_prefix(config, lang))
            outputs.append(planner.page("search.html", lang, "search", "", url, [kinds]))
        return outputs

    def page_context(self, renderer: Renderer, kind: str, slug: str, lang: str, url: str) -> PageContext | None:
        if kind != "search":
            return None
        strings = renderer.strings[lang]
        labels = {name: strings.get(f"kind_{name}", name) for name in sorted(renderer.model.entries)}
        messages = {key[7:]: text for key, text in strings.items() if key.startswith("search_")}
        return PageContext(
            None,
            {
                "csp": renderer.plan.policies[MODEL],
                "search": {"kinds": labels, "strings": messages, "index": INDEX_FOLDER + "pagefind.js"},
            },
        )

    @staticmethod
    def _thumbnail(planner: Planner, entry: Entry) -> str:
        ref = first_image(entry)
        image = planner.images.get((ref.src, ref.credit)) if ref else None
        return "/" + image.webp[0].site_path if image else ""


def _records(shown: list[tuple[Entry, str, str]], raw_html: bool) -> Iterator[SearchRecord]:
    """Made only when the index is built: rendering every body costs more than the key. An
    untranslated entry shows the original's body in every language: it is rendered once."""
    markdown = make_markdown(raw_html)
    bodies: dict[str, str] = {}
    for entry, url, image in shown:
        if entry.body not in bodies:
            bodies[entry.body] = render_markdown(markdown, entry.body, 1)
        yield SearchRecord(url, entry.lang, entry.kind, entry.title, image, entry.summary, bodies[entry.body])


SEARCH = SearchFeature()
