"""The built site as a bucket will hold it: each file's key, content hash and headers, and the
order in which a deploy must make it visible."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..hosting import IMMUTABLE, cache_control, content_type

# Read by Netlify and Cloudflare Pages, not by a bucket, which would only serve them as files.
HOST_FILES = ("_headers", "_redirects")
SHORT_CODE_FOLDERS = ("q", "Q")


@dataclass(frozen=True)
class Record:
    """What a deploy compares: a file counts as unchanged only if its bytes and headers are."""

    sha256: str
    content_type: str
    cache_control: str

    def to_json(self) -> list[str]:
        return [self.sha256, self.content_type, self.cache_control]

    @classmethod
    def from_json(cls, value: object) -> Record | None:
        if isinstance(value, list) and len(value) == 3 and all(isinstance(part, str) for part in value):
            return cls(*value)
        return None


@dataclass(frozen=True)
class LocalFile:
    key: str  # the path under the output folder, with '/'
    path: Path
    size: int
    record: Record


def local_files(out_dir: Path) -> dict[str, LocalFile]:
    """Every file to publish, by key; hidden files (the build's own manifest) and host files stay home."""
    files = {}
    for path in sorted(out_dir.rglob("*")):
        key = path.relative_to(out_dir).as_posix()
        if not path.is_file() or key in HOST_FILES or any(part.startswith(".") for part in key.split("/")):
            continue
        with path.open("rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
        record = Record(digest, content_type(key), cache_control(key))
        files[key] = LocalFile(key, path, path.stat().st_size, record)
    return files


def visibility_rank(key: str, home_pages: frozenset[str]) -> tuple[int, int]:
    """Upload order, lowest first, so that nothing visible ever points at what is not there yet:
    files named after their content, then other files (the search entry, data, QR images) that
    may name them, then pages deepest first (an index after the pages it lists), then the
    short-code stubs that lead to pages, and the home and 404 pages last."""
    if not key.endswith(".html"):
        return (0, 0) if cache_control(key) == IMMUTABLE else (1, 0)
    if key in home_pages:
        return (4, 0)
    if key.split("/", 1)[0] in SHORT_CODE_FOLDERS:
        return (3, 0)
    return (2, -key.count("/"))
