"""Which narration a page in one language plays."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def pick_language(available: Iterable[str], page_lang: str, fallbacks: Sequence[str] = ()) -> str | None:
    """The narration language to use on a page in ``page_lang``, or None.

    Exact tag first (case-insensitive), then the same primary language (``vi-VN`` page,
    ``vi`` audio and the other way round), then each fallback the same way.  No
    fallbacks means a page never plays a narration in another language.
    """
    tags = list(available)
    for wanted in (page_lang, *fallbacks):
        low = wanted.lower()
        for tag in tags:
            if tag.lower() == low:
                return tag
        primary = low.split("-")[0]
        for tag in tags:
            if tag.lower().split("-")[0] == primary:
                return tag
    return None
