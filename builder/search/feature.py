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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from ..csp import MODEL
from ..diagnostics import Problem
from ..feature import Feature, PageContext, ProcessContext, missing_bundle
from ..markup import make_markdown, render_markdown
from ..model import Entry, ImageRef
from ..outputs import CopyFile, Output, key_of
from ..stories.steps import without_shortcodes
from ..urls import lang_prefix
from .index import PAGEFIND_VERSION, SearchRecord, build_index, index_files, latest_index, prune_indexes, ready_index

if TYPE_CHECKING:
    from ..plan import Planner
    from ..render import Renderer
    from ..theme import Theme
    from ..validate import ValidatedSite

SEARCH_BUNDLE = "vendor/search.js"
INDEX_FOLDER = "pagefind/"


@dataclass(frozen=True)
class SearchCache:
    """Where the indexes are kept, and where `disan serve` takes the indexing it leaves for later."""

    folder: Path
    settle_later: list[Callable[[], object]] | None


def search_url(lang_folder: str) -> str:
    return f"{lang_folder}search/"


def first_image(entry: Entry) -> ImageRef | None:
    """The first image an entry names, whatever its kind calls the field (`image`, `images`, …)."""
    for name in _image_fields(type(entry)):
        value = getattr(entry, name)
        if isinstance(value, tuple | list) and value and isinstance(value[0], ImageRef):
            return value[0]
        if isinstance(value, ImageRef):
            return value
    return None


_IMAGE_FIELDS: dict[type, tuple[str, ...]] = {}


def _image_fields(kind: type) -> tuple[str, ...]:
    """The fields of an entry class declared to hold images (`image: ImageRef | None`,
    `images: tuple[ImageRef, ...]`), in order. Asked once per class, not per entry: over 50,000
    entries, `dataclasses.fields` and then every field's value were a cost of each rebuild."""
    if kind not in _IMAGE_FIELDS:
        fields = dataclasses.fields(kind)
        _IMAGE_FIELDS[kind] = tuple(field.name for field in fields if ImageRef.__name__ in str(field.type))
    return _IMAGE_FIELDS[kind]


class SearchFeature(Feature):
    name = "search"
    page_kinds = {"search": ""}

    def missing_viewer(self, site: ValidatedSite, theme: Theme) -> Problem | None:
        return missing_bundle(theme, SEARCH_BUNDLE, "search page's script")

    def policy(self, site: ValidatedSite, page_kind: str) -> int:
        return MODEL if page_kind == "search" else 0

    def process(self, site: ValidatedSite, context: ProcessContext) -> tuple[SearchCache, list[Problem]]:
        folder = context.cache_dir / "search"
        folder.mkdir(parents=True, exist_ok=True)
        return SearchCache(folder, context.settle_later), []

    def plan(self, planner: Planner) -> list[Output]:
        config = planner.model.config
        entries = sorted(planner.model.all_entries(), key=lambda e: (e.kind, e.slug, e.lang))
        shown = [(entry, "/" + planner.page_url(entry), self._thumbnail(planner, entry)) for entry in entries]
        key = key_of(
            PAGEFIND_VERSION,
            planner.base,
            [(url, entry.kind, entry.lang, planner.entry_digest(entry), image) for entry, url, image in shown],
        )
        folder = _index_folder(planner.processed[self.name], key, partial(_records, shown, config.raw_html))
        files = index_files(folder)
        outputs = [
            Output(INDEX_FOLDER + name, digest, CopyFile(path)) for name, (path, digest) in sorted(files.items())
        ]
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


def _index_folder(cache: SearchCache, key: str, records: Callable[[], Iterator[SearchRecord]]) -> Path:
    """The index for `key`, built now; or, in `disan serve` after an edit, the previous index while
    the new one is built after the pages are published.

    Why defer rather than split the index into shards that an edit re-indexes one at a time:
    Pagefind ranks and splits one index into chunks by term, so a phone's query fetches one
    chunk and a few fragments; over shards it would fetch a chunk of every shard, and a row's
    words would no longer be found by one lookup. With one index deferred, a one-row edit is
    published in the time its pages take, search shows the previous state for the seconds
    Pagefind needs (a removed page may be found until then), and once settled the output is the
    bytes a full build writes, as a full build never defers."""
    ready = ready_index(key, cache.folder)
    if ready is not None:
        prune_indexes(cache.folder, ready)
        return ready
    previous = latest_index(cache.folder) if cache.settle_later is not None else None
    if cache.settle_later is None or previous is None:
        return build_index(records(), key, cache.folder)
    cache.settle_later.append(lambda: build_index(records(), key, cache.folder))
    return previous


def _records(shown: list[tuple[Entry, str, str]], raw_html: bool) -> Iterator[SearchRecord]:
    """Made only when the index is built: rendering every body costs more than the key. An
    untranslated entry shows the original's body in every language: it is rendered once. A
    story's views (`{{< scene … >}}`) are settings, not words, and are left out."""
    markdown = make_markdown(raw_html)
    bodies: dict[str, str] = {}
    for entry, url, image in shown:
        if entry.body not in bodies:
            bodies[entry.body] = render_markdown(markdown, without_shortcodes(entry.body), 1)
        yield SearchRecord(url, entry.lang, entry.kind, entry.title, image, entry.summary, bodies[entry.body])


SEARCH = SearchFeature()
