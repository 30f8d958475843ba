"""The plan's records: one `Output` per published file, with the action that makes its bytes.

They live apart from plan.py so that features can plan their own outputs without importing the
plan stage that loops over them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from .media import Derivative

if TYPE_CHECKING:
    from .model import ContentModel, Entry


@dataclass(frozen=True)
class RenderPage:
    """A page made from a template. `slug` names the entry; `number` pages through indexes."""

    template: str
    lang: str
    kind: str
    slug: str = ""
    number: int = 1
    url: str = ""


@dataclass(frozen=True)
class CopyFile:
    source: Path


@dataclass(frozen=True)
class CachedMedia:
    derivative: Derivative


@dataclass(frozen=True)
class QrImage:
    code: str
    url: str
    fmt: str


@dataclass(frozen=True)
class TextFile:
    text: str


@dataclass(frozen=True)
class Redirect:
    target: str
    code: str


class MadeFile(Protocol):
    """A feature's own action: bytes made from a source and cached under the build's cache folder."""

    def produce(self, cache_dir: Path) -> bytes: ...


Action = RenderPage | CopyFile | CachedMedia | QrImage | Redirect | TextFile | MadeFile


@dataclass(frozen=True)
class Output:
    path: str
    key: str
    action: Action


def key_of(*parts: object) -> str:
    """A key over everything an output shows: two outputs with the same key have the same bytes."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(repr(part).encode())
        digest.update(b"\0")
    return digest.hexdigest()


def entry_digest(model: ContentModel, entry: Entry) -> str:
    return _entry_digest(
        entry.kind, entry.slug, entry.lang, tuple(model.source_digests.get(s, "") for s in entry.sources)
    )


@lru_cache(maxsize=1 << 17)
def _entry_digest(kind: str, slug: str, lang: str, digests: tuple[str, ...]) -> str:
    """Kept between the rebuilds of `disan serve`: a one-row edit changes one entry's sources,
    and hashing the other 50,000 again was a second of every rebuild."""
    return key_of(kind, slug, lang, list(digests))
