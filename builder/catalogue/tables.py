"""The `[[catalogue]]` tables of site.toml: which spreadsheet, which kind, how a row's id and
slug are made, and which column holds each field. Problems point at the table's line."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from ..diagnostics import InputError, Problems, did_you_mean
from ..model import FACT_KEYS
from ..outputs import key_of
from .coordinates import Grid, read_grid
from .kinds import HERITAGE_KEYS, RELIC_KEYS, TEXT_KEYS

TABLE_KEYS = {"source", "sheet", "kind", "id", "slug", "fields", "crs", "central_meridian"}
KIND_FIELDS: Mapping[str, frozenset[str]] = {
    "relic": frozenset({"title", "summary", "image", *RELIC_KEYS}),
    "heritage": frozenset({"title", "summary", "image", *HERITAGE_KEYS}),
    "exhibit": frozenset({"title", "summary", "image", *FACT_KEYS, "collection", "tags", "related"}),
}


@dataclass(frozen=True)
class Table:
    """One [[catalogue]] table, checked: `fields` maps a disan field (title, title_en…) to a column."""

    source: str
    sheet: str
    kind: str
    id: str
    slug: str
    fields: Mapping[str, str]
    grid: Grid
    line: int  # in site.toml

    @cached_property
    def digest(self) -> str:
        """What every row's key includes: the table's settings as written."""
        return key_of(self)

    def columns_of(self, template: str) -> list[str]:
        return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def read_tables(
    root: Path, tables: tuple[dict[str, Any], ...], languages: tuple[str, ...], problems: Problems
) -> list[Table]:
    lines = _table_lines(root / "site.toml")
    checked = []
    for index, table in enumerate(tables):
        line = lines[index] if index < len(lines) else 0
        try:
            checked.append(_read_table(table, languages, line, problems))
        except InputError as exc:
            problems.error("site.toml", line, "catalogue-table", exc.message, exc.hint)
    return checked


def _read_table(table: dict[str, Any], languages: tuple[str, ...], line: int, problems: Problems) -> Table:
    for key in table:
        if key not in TABLE_KEYS:
            problems.warning(
                "site.toml",
                line,
                "catalogue-unknown-key",
                f"unknown setting '{key}' in [[catalogue]]",
                did_you_mean(key, TABLE_KEYS) or f"[[catalogue]] takes: {', '.join(sorted(TABLE_KEYS))}",
            )
    source, kind, code, slug = (str(table.get(key, "")).strip() for key in ("source", "kind", "id", "slug"))
    if not source:
        raise InputError("[[catalogue]] needs a source", 'add for example: source = "data/di-tich.xlsx"')
    if kind not in KIND_FIELDS:
        raise InputError(
            f"[[catalogue]] kind '{kind}' is not one disan knows",
            did_you_mean(kind, KIND_FIELDS) or "kind is relic, heritage or exhibit",
        )
    if not code:
        raise InputError("[[catalogue]] needs an id template", 'add for example: id = "DT{row_id}" (the QR short code)')
    fields = table.get("fields", {})
    if not isinstance(fields, dict) or not all(isinstance(v, str) for v in fields.values()):
        raise InputError("[catalogue.fields] maps disan fields to column names", 'for example: title = "name_vi"')
    allowed = KIND_FIELDS[kind] | {f"{key}_{lang}" for key in TEXT_KEYS for lang in languages[1:]}
    for field in fields:
        if field not in allowed:
            problems.error(
                "site.toml",
                line,
                "catalogue-unknown-field",
                f"a {kind} has no field '{field}'",
                did_you_mean(field, allowed) or f"a {kind} takes: {', '.join(sorted(allowed))}",
            )
    return Table(
        source,
        str(table.get("sheet", "")),
        kind,
        code,
        slug or code,
        {k: v.strip() for k, v in fields.items() if k in allowed},
        read_grid(table),
        line,
    )


def _table_lines(path: Path) -> list[int]:
    """The line of each [[catalogue]] header, in order (tomllib gives none)."""
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    return [n for n, row in enumerate(text.splitlines(), 1) if re.match(r"\s*\[\[?\s*catalogue\s*\]\]?\s*(#.*)?$", row)]
