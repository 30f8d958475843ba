"""The catalogue's pages: one per relic and per intangible heritage, in every language, and an
index per kind, paginated and in Vietnamese alphabetical order."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..model import ContentModel
from ..outputs import Output, key_of
from ..urls import entry_url, index_url
from .collation import sort_key
from .kinds import Listed, listed_of

if TYPE_CHECKING:
    from ..plan import Planner

PER_INDEX_PAGE = 60
KINDS = ("relic", "heritage")


def listing(model: ContentModel, kind: str, lang: str) -> list[Listed]:
    """A kind's entries in one language, in Vietnamese alphabetical order of their titles."""
    return sorted(
        (by_lang[lang] for by_lang in listed_of(model, kind).values()), key=lambda e: (sort_key(e.title), e.slug)
    )


def index_pages(count: int) -> int:
    return max(1, math.ceil(count / PER_INDEX_PAGE))


def plan_catalogue(planner: Planner) -> list[Output]:
    config = planner.model.config
    outputs = []
    for kind in KINDS:
        if not listed_of(planner.model, kind):
            continue
        for lang in config.languages:
            listed = listing(planner.model, kind, lang)
            keys = [
                key_of(planner.entry_digest(e), planner.image_keys(e.images), planner.entry_deps(e)) for e in listed
            ]
            pages = index_pages(len(listed))
            for number in range(1, pages + 1):
                chunk = keys[(number - 1) * PER_INDEX_PAGE : number * PER_INDEX_PAGE]
                url = index_url(config, kind, lang, number)
                outputs.append(
                    planner.page("catalogue_index.html", lang, f"{kind}-index", "", url, [*chunk, pages], number)
                )
            for entry, key in zip(listed, keys, strict=True):
                url = entry_url(config, kind, entry.slug, lang)
                outputs.append(planner.page("catalogue_entry.html", lang, kind, entry.slug, url, [key]))
    return outputs
