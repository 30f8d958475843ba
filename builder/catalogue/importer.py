"""`disan import FILE`: a spreadsheet's rows written once as Markdown files, for curators who
prefer to keep each relic or object in a file of its own. A file that exists is never
overwritten; nothing is written when one would be."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..config import SiteConfig
from ..diagnostics import Problems, relative
from .coordinates import Grid
from .kinds import TEXT_KEYS, parse_number
from .rows import RowEntry, table_rows, unique
from .tables import KIND_FIELDS, Table, read_tables
from .vocabulary import split_words

FOLDERS = {"relic": "relics", "heritage": "heritage", "exhibit": "exhibits"}


@dataclass(frozen=True)
class Imported:
    written: list[str]
    existing: list[str]  # files that exist already: nothing was written


def import_rows(config: SiteConfig, file: Path, kind: str | None, problems: Problems) -> Imported:
    source = relative(file if file.is_absolute() else config.root / file, config.root)
    table = _table(config, source, kind, problems)
    if table is None:
        return Imported([], [])
    rows = unique(table_rows(config.root, table, config.languages, {}, problems) or [], problems)
    if problems.errors:
        return Imported([], [])
    files = {path: text for row in rows for path, text in _files(config, row).items()}
    existing = [relative(path, config.root) for path in files if path.exists()]
    if existing:
        return Imported([], existing)
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return Imported([relative(path, config.root) for path in files], [])


def _table(config: SiteConfig, source: str, kind: str | None, problems: Problems) -> Table | None:
    """The [[catalogue]] table of this spreadsheet in site.toml, or one whose columns are named like the fields."""
    tables = [t for t in read_tables(config.root, config.catalogue, config.languages, problems) if t.source == source]
    tables = [t for t in tables if kind in (None, t.kind)]
    if tables:
        return tables[0]
    if kind is None:
        problems.error(
            "site.toml",
            0,
            "import-kind",
            f"no [[catalogue]] table in site.toml reads '{source}'",
            "say what its rows are with --kind relic, --kind heritage or --kind exhibit",
        )
        return None
    fields = KIND_FIELDS[kind] | {f"{key}_{lang}" for key in TEXT_KEYS for lang in config.languages[1:]}
    from .sheets import read_sheet  # the columns name the fields: title, relic_type, latitude…

    columns = read_sheet(config.root / source, source).columns
    return Table(source, "", kind, "{id}", "{title}", {c: c for c in columns if c in fields}, Grid(), 0)


def _files(config: SiteConfig, row: RowEntry) -> dict[Path, str]:
    folder = config.root / "content" / FOLDERS[row.table.kind]
    files = {}
    for lang, meta in row.meta.items():
        if lang != config.default_language and not row.own_text[lang]:
            continue
        keys = meta if lang == config.default_language else {k: meta[k] for k in row.own_text[lang]}
        name = f"{row.slug}.md" if lang == config.default_language else f"{row.slug}.{lang}.md"
        ordered = {"id": keys["id"]} if "id" in keys else {}
        files[folder / name] = _document({**ordered, **{k: _plain(k, v) for k, v in keys.items() if k != "id"}})
    return files


def _plain(key: str, value: Any) -> Any:
    """As a curator would write it: numbers as numbers, a set of types as a list, images as mappings."""
    if isinstance(value, list):
        return [dict(item) if isinstance(item, dict) else item for item in value]
    if key in ("latitude", "longitude"):
        return parse_number(value)
    if key == "relic_type":
        return split_words(str(value))
    return value if isinstance(value, (int, float)) else str(value)


def _document(meta: dict[str, Any]) -> str:
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{front}---\n"
