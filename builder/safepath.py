"""Inputs stay inside their folder: a link (symlink, `../`) that leads out of it is refused.

Every file disan reads for the site (content, tours, assets, theme files, a model's buffers
and textures) passes through `contained`, so a link to /etc/passwd or to the site's own
.git/config is never rendered, copied or packed into the published site.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .diagnostics import InputError


class OutsideFolderError(InputError):
    """A file that leads, through a link or `../`, out of the folder it must stay in."""

    def __init__(self, message: str, hint: str, shown: str):
        super().__init__(message, hint)
        self.shown = shown


def contained(path: Path, folder: Path, shown: str, folder_name: str = "the site folder") -> Path:
    """`path` with every link resolved; raises OutsideFolderError when that leaves `folder`.

    `shown` is how the curator wrote or sees the path; the error names it and where it leads.
    """
    plain = _inside_without_links(os.fspath(path), os.fspath(folder))
    if plain is not None:
        return Path(plain)
    target = path.resolve()
    if target.is_relative_to(folder.resolve()):
        return target
    link = _first_link(path, folder)
    via = f"'{link.relative_to(folder).as_posix()}' is a link to '{os.readlink(link)}', so " if link else ""
    raise OutsideFolderError(
        f"{via}'{shown}' leads outside {folder_name} (to {target})",
        "copy the file into the folder instead of linking to it; disan never publishes files from outside it",
        shown,
    )


def _inside_without_links(path: str, folder: str) -> str | None:
    """`path` resolved, when it is written inside `folder` and nothing below `folder` is a link.

    That is nearly every file a build reads; checking the names below the folder one lstat each
    costs a fraction of resolving the whole path and the folder again, per file, for tens of
    thousands of files. Anything else (a link, `..`, a path written outside) takes the full way."""
    prefix = folder.rstrip("/") + "/"
    if not path.startswith(prefix):
        return None
    rel = path[len(prefix) :]
    names = rel.split("/")
    if any(name in ("", ".", "..") for name in names):
        return None
    current = folder
    for name in names:
        current = f"{current}/{name}"
        try:
            if stat.S_ISLNK(os.lstat(current).st_mode):
                return None
        except OSError:
            break  # nothing below a missing name can be a link
    return f"{os.path.realpath(folder)}/{rel}"


def _first_link(path: Path, folder: Path) -> Path | None:
    """The first symbolic link on the way from `folder` to `path`."""
    try:
        parts = path.relative_to(folder).parts
    except ValueError:
        return None
    current = folder
    for part in parts:
        current = current / part
        if current.is_symlink():
            return current
    return None


def files_inside(folder: Path, bound: Path) -> tuple[list[Path], list[tuple[Path, OutsideFolderError]]]:
    """Every file under `folder` (sorted) that stays inside `bound`, and those that leave it, with the error."""
    inside: list[Path] = []
    outside: list[tuple[Path, OutsideFolderError]] = []
    for path in sorted(folder.rglob("*"), key=str):
        if not path.is_file():
            continue
        try:
            contained(path, bound, path.relative_to(bound).as_posix())
        except OutsideFolderError as exc:
            outside.append((path, exc))
            continue
        inside.append(path)
    return inside, outside
