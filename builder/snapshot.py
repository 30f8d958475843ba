"""An unchanged rebuild: when no file a build reads has changed since the last build into the
same output folder, say so without loading, planning and keying the whole site again.

At 10,000 exhibits and 200 panoramas the full pipeline takes 15 to 20 s of CPU only to find
that every key is the same; listing the files it would read takes well under a second. The
record of a build is the size, modification and change times (ns) and inode of every file under the site
folder and the theme's folders, with disan's code, the installed packages' versions and the
build's options, hashed into one digest, kept in the build cache with the stamp of the output
folder's manifest (so another build into that folder, or a file deleted from it by hand, makes
a full build). It is written only after a successful build, from a listing taken before that build started, so a
file saved during a build makes the next one a full build. As in git's index, a file modified
within `RACY_NS` of the listing is not trusted to be told apart by its time, and its build
keeps no record. Any doubt means a full build, which is always correct.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

from .diagnostics import Problem
from .write import MANIFEST, all_present, read_manifest

# Folders no build reads, where editors, tools and version control keep their files.
IGNORED_PARTS = frozenset({".git", ".disan-cache", "node_modules", "__pycache__", ".venv", ".pytest_cache"})
RACY_NS = 2_000_000_000  # file systems that keep times to the second (or two, FAT) cannot tell two saves apart


@dataclass(frozen=True)
class Listing:
    """What the inputs were when a build started."""

    digest: str
    newest_ns: int
    taken_ns: int

    @property
    def trustworthy(self) -> bool:
        return self.newest_ns < self.taken_ns - RACY_NS


@dataclass(frozen=True)
class LastBuild:
    """What an unchanged build reports: the last build's counts, warnings and codes."""

    pages: int
    files: int
    warnings: list[Problem]
    unrecorded_codes: list[str]


def list_inputs(roots: Sequence[Path], skip: Iterable[Path], options: object) -> Listing:
    """The digest of every file under `roots` (but `skip` and the ignored folders) with its
    size, time and inode, and of what else decides the output: code, packages, options."""
    skipped = {os.fspath(path) for path in skip}
    digest = hashlib.sha256(_environment(options).encode())
    newest = 0
    for root in roots:
        for path, stamp in _walk(os.fspath(root), skipped):
            digest.update(f"{path}\0{stamp}\n".encode())
            newest = max((newest, *stamp[1:3], *stamp[5:7]))
    return Listing(digest.hexdigest(), newest, time.time_ns())


def _walk(folder: str, skipped: set[str]) -> Iterable[tuple[str, tuple[int, ...]]]:
    """Each file and link with its stamp. A link is not followed into a folder (a link to a
    folder above would never end; one inside the site is listed where it points), but a link
    to a file adds that file's stamp, so saving the file it names is seen."""
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return
    for entry in entries:
        if entry.name in IGNORED_PARTS or entry.path in skipped:
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                yield from _walk(entry.path, skipped)
                continue
            stamp = _stamp_of(entry.stat(follow_symlinks=False))
            if entry.is_symlink():
                stamp += _stamp_of(os.stat(entry.path))
        except OSError:  # gone since the folder was read, or a link to nothing: the build reports it
            stamp = (-1,)
        yield entry.path, stamp


def _stamp_of(status: os.stat_result) -> tuple[int, ...]:
    return (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)


def _environment(options: object) -> str:
    from .plan import CODE_DIGEST

    packages = sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions())
    return repr((CODE_DIGEST, sys.version, packages, options))


def unchanged_build(record: Path, out_dir: Path, listing: Listing) -> LastBuild | None:
    """The last build's report if it was made from exactly these inputs into `out_dir`, which
    still holds every file it wrote."""
    try:
        kept = json.loads(record.read_text(encoding="utf-8"))
        same = kept.get("inputs") == listing.digest and kept.get("manifest") == _stamp(out_dir / MANIFEST)
        if not (listing.trustworthy and same):
            return None
    except (OSError, ValueError):
        return None
    if not all_present(out_dir, read_manifest(out_dir)):
        return None
    return LastBuild(
        kept["pages"], kept["files"], [Problem(**problem) for problem in kept["warnings"]], kept["unrecorded_codes"]
    )


def record_build(record: Path, out_dir: Path, listing: Listing, last: LastBuild) -> None:
    """Kept for the next build; none when a file changed too near the listing to be told apart."""
    if not listing.trustworthy:
        record.unlink(missing_ok=True)
        return
    kept = {"inputs": listing.digest, "manifest": _stamp(out_dir / MANIFEST), **asdict(last)}
    record.parent.mkdir(parents=True, exist_ok=True)
    staging = record.with_name(f"{record.name}.tmp{os.getpid()}")
    staging.write_text(json.dumps(kept, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    os.replace(staging, record)


def _stamp(path: Path) -> list[int]:
    status = path.stat()
    return [status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino]
