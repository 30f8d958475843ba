"""Themes: plain Jinja2 templates, static files and UI strings, overridable file by file.

A site overrides any theme file by putting its own copy at the same path under
`<site>/themes/<name>/`; everything else comes from the theme that ships with disan.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jinja2

from .diagnostics import Problems, did_you_mean
from .safepath import files_inside


def _builtin_themes() -> Path:
    """In a checkout the themes sit beside the package, where curators look; an installed wheel
    carries the same folder inside the package (pyproject maps themes/ to builder/themes/)."""
    package = Path(__file__).resolve().parent
    beside = package.parent / "themes"
    return beside if (beside / "default" / "templates").is_dir() else package / "themes"


BUILTIN_THEMES = _builtin_themes()
THEME_PARTS = ("templates", "static", "i18n")


@dataclass(frozen=True)
class Theme:
    name: str
    folders: tuple[Path, ...]
    digest: str
    refused: frozenset[Path] = frozenset()  # files that link out of the site (or of the built-in theme)

    def loader(self) -> jinja2.BaseLoader:
        return jinja2.FileSystemLoader([folder / "templates" for folder in self.folders])

    def static_files(self) -> dict[str, Path]:
        """Site-relative name → file; the site's copy wins over the theme's. Links out of the theme are left out."""
        files: dict[str, Path] = {}
        for folder in reversed(self.folders):
            static = folder / "static"
            if static.is_dir():
                files.update(
                    {
                        p.relative_to(static).as_posix(): p
                        for p in static.rglob("*")
                        if p.is_file() and p not in self.refused
                    }
                )
        return dict(sorted(files.items()))

    def strings(self, lang: str, fallback: str) -> dict[str, str]:
        """UI strings for `lang`; missing ones come from the default language's file."""
        merged: dict[str, str] = {}
        for code in (fallback, lang):
            for folder in reversed(self.folders):
                path = folder / "i18n" / f"{code}.toml"
                if path.is_file():
                    merged.update(tomllib.loads(path.read_text(encoding="utf-8")))
        return merged


def load_theme(root: Path, name: str, problems: Problems, file_digest: Callable[[Path], str]) -> Theme | None:
    """The site's theme folder may hold only files of the site; the built-in one only its own."""
    bounds = [
        (folder, bound)
        for folder, bound in ((root / "themes" / name, root), (BUILTIN_THEMES / name, None))
        if folder.is_dir()
    ]
    refused: set[Path] = set()
    for folder, bound in bounds:
        for part in THEME_PARTS:
            if (folder / part).is_dir():
                for path, error in files_inside(folder / part, bound or folder)[1]:
                    problems.error(error.shown, 0, "path-outside", error.message, error.hint)
                    refused.add(folder.resolve() / path.relative_to(folder))
    folders = tuple(dict.fromkeys(folder.resolve() for folder, _ in bounds))
    if not folders:
        known = sorted(
            {
                p.name
                for base in (root / "themes", BUILTIN_THEMES)
                if base.is_dir()
                for p in base.iterdir()
                if p.is_dir()
            }
        )
        problems.error(
            "site.toml",
            0,
            "theme-missing",
            f"there is no theme '{name}'",
            did_you_mean(name, known) or f"themes available: {', '.join(known) or 'none'}",
        )
        return None
    return Theme(name, folders, _digest_folders(folders, file_digest, refused), frozenset(refused))


def _digest_folders(folders: tuple[Path, ...], file_digest: Callable[[Path], str], refused: set[Path]) -> str:
    """Hash of every file a build reads from the theme, so a theme edit leaves nothing stale."""
    digest = hashlib.sha256()
    for folder in folders:
        for part in THEME_PARTS:
            for path in sorted((folder / part).rglob("*"), key=str):
                if path.is_file() and path not in refused:
                    digest.update(path.relative_to(folder).as_posix().encode())
                    digest.update(file_digest(path).encode())
    return digest.hexdigest()
