"""Spreadsheet rows → entries: every row becomes an entry of its table's kind, in every language;
a Markdown file of the same kind with the same id enriches its row (its body and images; an
exhibit's 3D model and narration too), and where both give a field the Markdown wins.

Each row is a source of its own, `data/x.csv#DT01`, whose digest is a hash of the row: an edited
spreadsheet changes the keys of the edited rows' pages only, so only they are rendered again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..diagnostics import InputError, Problems
from ..feature import ContentKind, SiteLoad
from ..frontmatter import LineDict
from ..model import Entry, Origin
from ..outputs import key_of
from ..records import text
from ..safepath import OutsideFolderError, contained
from ..urls import suggest_slug
from .coordinates import outside_vietnam, to_wgs84
from .kinds import TEXT_KEYS, parse_number
from .sheets import Cell, Row, Sheet, read_sheet
from .tables import Table, read_tables

CACHE = "catalogue"


class CellMeta(LineDict):
    """A row's fields as front matter, with the cell each came from (`Entry.origin_of` reads it)."""

    origins: dict[str, Origin]


@dataclass(frozen=True)
class RowEntry:
    """One row read: its kind, id, slug, per-language fields, and the keys given per language."""

    table: Table
    row: Row
    id: str
    slug: str
    meta: Mapping[str, CellMeta]  # by language
    own_text: Mapping[str, frozenset[str]]  # by language: text keys the row gives in that language
    digest: str

    @property
    def source(self) -> str:
        return f"{self.table.source}#{self.id}"

    @property
    def id_origin(self) -> Origin:
        """The cell the row's id is made from: where problems with the whole row are reported."""
        return next(iter(self.meta.values())).origins.get("id", self.row.origin(""))


def load_catalogue(loading: SiteLoad, kinds: Mapping[str, ContentKind]) -> None:
    config, problems = loading.config, loading.problems
    cache: dict[Any, Any] = loading.cache.setdefault(CACHE, {})
    rows: list[RowEntry] = []
    for table in read_tables(config.root, config.catalogue, config.languages, problems):
        found = table_rows(config.root, table, config.languages, cache, problems)
        if found is None:
            loading.unreadable.append(table.source)
        rows += found or []
    default = config.default_language
    written = {
        kind: {by_lang[default].id: slug for slug, by_lang in loading.entries.get(kind, {}).items()}
        for kind in {row.table.kind for row in rows}
    }
    for entry in unique(rows, problems):
        _add(loading, kinds[entry.table.kind], entry, written[entry.table.kind].get(entry.id), cache)


def table_rows(
    root: Path, table: Table, languages: tuple[str, ...], cache: dict[Any, Any], problems: Problems
) -> list[RowEntry] | None:
    """A table's rows read, or None when its spreadsheet cannot be read or lacks a column."""
    sheet = _sheet(root, table, cache, problems)
    if sheet is None or _missing_columns(table, sheet, problems):
        return None
    key = ("rows", table.digest, languages)
    if key not in cache or cache[key].sheet is not sheet:  # an unchanged spreadsheet's rows and problems are kept
        cache[key] = _read_rows(table, sheet, languages, cache.get(key))
    read: ReadRows = cache[key]
    problems.extend(read.problems.items)
    return read.entries


@dataclass(frozen=True)
class ReadRows:
    """A version of a table's spreadsheet read, and its rows that read without a problem, by
    their line and cells: an edited spreadsheet's other rows are not read again."""

    sheet: Sheet
    entries: list[RowEntry]
    problems: Problems
    clean: dict[tuple[int, tuple[tuple[str, Cell], ...]], RowEntry]


def _read_rows(table: Table, sheet: Sheet, languages: tuple[str, ...], previous: ReadRows | None) -> ReadRows:
    known = previous.clean if previous is not None and previous.sheet.columns == sheet.columns else {}
    read = ReadRows(sheet, [], Problems(), {})
    for row in sheet.rows:
        cells = (row.number, tuple(row.values.items()))
        entry = known.get(cells)
        if entry is not None:  # the same cells at the same line: the same entry
            entry = read.clean[cells] = replace(entry, row=row)
        else:
            reported = len(read.problems.items)
            entry = _row_entry(table, row, languages, read.problems)
            if entry is not None and len(read.problems.items) == reported:  # a row with problems is read again
                read.clean[cells] = entry
        if entry is not None:
            read.entries.append(entry)
    return read


def _sheet(root: Path, table: Table, cache: dict[Any, Any], problems: Problems) -> Sheet | None:
    path = root / table.source
    try:
        contained(path, root, table.source)
        if not path.is_file():
            raise InputError(f"the spreadsheet '{table.source}' does not exist", "check the source path in site.toml")
        stat = path.stat()
        stamp = (stat.st_size, stat.st_mtime_ns)
        key = ("sheet", table.source, table.sheet)
        if key not in cache or cache[key][0] != stamp:  # one version of each spreadsheet is kept
            cache[key] = (stamp, read_sheet(path, table.source, table.sheet))
        found: Sheet = cache[key][1]
        return found
    except OutsideFolderError as exc:
        problems.error("site.toml", table.line, "path-outside", exc.message, exc.hint)
    except InputError as exc:
        where = (table.source, 0) if path.is_file() else ("site.toml", table.line)
        problems.error(*where, "catalogue-source", exc.message, exc.hint)
    return None


def _missing_columns(table: Table, sheet: Sheet, problems: Problems) -> bool:
    wanted = [*table.fields.values(), *table.columns_of(table.id), *table.columns_of(table.slug)]
    missing = [column for column in dict.fromkeys(wanted) if column not in sheet.columns]
    for column in missing:
        problems.error(
            "site.toml",
            table.line,
            "catalogue-column",
            f"'{table.source}' has no column '{column}'",
            f"its columns are: {', '.join(c for c in sheet.columns if c)}",
        )
    return bool(missing)


def _row_entry(table: Table, row: Row, languages: tuple[str, ...], problems: Problems) -> RowEntry | None:
    values = {column: row.values.get(column, "") for column in row.sheet.columns}
    id_column = (table.columns_of(table.id) or [""])[0]
    try:
        code = _fill(table.id, values).upper().strip()
        slug = suggest_slug(_fill(table.slug, values))
    except (ValueError, IndexError, KeyError) as exc:
        where = row.origin(id_column)
        problems.error(
            where.file,
            where.line,
            "catalogue-template",
            f"the id or slug template cannot use this row: {exc}",
            "a format like {row_id:03d} needs a number in that column",
        )
        return None
    given = {field: values[column] for field, column in table.fields.items() if values[column] != ""}
    origins = {field: row.origin(column) for field, column in table.fields.items()}
    origins["id"] = row.origin(id_column)
    if not _coordinates(table, row, given, origins, problems):
        given.pop("latitude", None)
        given.pop("longitude", None)
    meta: dict[str, CellMeta] = {}
    own_text: dict[str, frozenset[str]] = {}
    for lang in languages:
        fields: dict[str, Any] = {k: v for k, v in given.items() if k.rpartition("_")[2] not in languages[1:]}
        own = {key for key in TEXT_KEYS if f"{key}_{lang}" in given}
        fields.update({key: given[f"{key}_{lang}"] for key in own})
        if lang == languages[0]:
            own = {key for key in TEXT_KEYS if key in given}
        fields["id"] = code
        if "image" in fields:
            fields["images"] = [_image(row, text(fields.pop("image")), text(fields.get("title")))]
            origins["images"] = origins["image"]
        cell = CellMeta(fields)
        cell.line, cell.lines = row.origin("").line, {}
        cell.origins = {key: origins[key] for key in fields if key in origins}
        cell.origins.update({key: origins[f"{key}_{lang}"] for key in own if f"{key}_{lang}" in origins})
        meta[lang], own_text[lang] = cell, frozenset(own)
    digest = key_of(table.digest, sorted((k, repr(v)) for k, v in given.items()), code, slug)
    return RowEntry(table, row, code, slug, meta, own_text, digest)


def _image(row: Row, src: str, alt: str) -> LineDict:
    """A row's image, shown like an exhibit's first image; its alt text is the row's title."""
    item = LineDict({"src": src, "alt": alt})
    item.line, item.lines = row.origin("").line, {}
    return item


def _fill(template: str, values: Mapping[str, Cell]) -> str:
    """A template over the row's columns (cells are read stripped and NFC-normalised already)."""
    return template.format_map(values)


def _coordinates(table: Table, row: Row, given: dict[str, Any], origins: dict[str, Origin], problems: Problems) -> bool:
    """Parse the row's coordinates and convert them to WGS84 in `given`; False if they are wrong."""
    if "latitude" not in given and "longitude" not in given:
        return True
    numbers = {}
    for key in ("latitude", "longitude"):
        where = origins.get(key, row.origin(""))
        number = parse_number(given.get(key, ""))
        if number is None:
            problems.error(
                where.file,
                where.line,
                "catalogue-number",
                f"{key} '{text(given.get(key, ''))}' is not a number",
                "write a number like 21.0285 (degrees) or leave both coordinates empty",
            )
            return False
        numbers[key] = number
    if not table.grid.projected:
        return True
    latitude, longitude = to_wgs84(table.grid, numbers["latitude"], numbers["longitude"])
    if outside_vietnam(latitude, longitude):
        where = origins["latitude"]
        problems.error(
            where.file,
            where.line,
            "catalogue-outside",
            f"the {table.grid.crs} point x={numbers['latitude']:.2f}, y={numbers['longitude']:.2f} falls outside "
            f"Vietnam ({latitude:.4f}, {longitude:.4f})",
            "check the numbers, that x (northing) and y (easting) are not swapped, and the central meridian",
        )
        return False
    given["latitude"], given["longitude"] = round(latitude, 7), round(longitude, 7)
    return True


def unique(rows: list[RowEntry], problems: Problems) -> list[RowEntry]:
    """One row per id and per page name: a second row with the same is an error at its cell."""
    by_id: dict[str, RowEntry] = {}
    by_slug: dict[tuple[str, str], RowEntry] = {}
    kept = []
    for entry in rows:
        first = by_id.get(entry.id) if entry.id else None
        twin = by_slug.get((entry.table.kind, entry.slug))
        other = first or twin
        if other is not None:
            key, value = ("id", entry.id) if first is not None else ("slug", entry.slug)
            where, there = entry.id_origin, other.id_origin
            problems.error(
                where.file,
                where.line,
                f"catalogue-duplicate-{key}",
                f"the {key} {value} is also made by the row at {there.file}" + (f":{there.line}" if there.line else ""),
                "every row needs its own id and page name; change one of the rows"
                if key == "id"
                else "two rows give the same page name; change the slug template or one of the rows",
            )
            continue
        by_id[entry.id] = entry
        by_slug[(entry.table.kind, entry.slug)] = entry
        kept.append(entry)
    return kept


def _add(loading: SiteLoad, kind: ContentKind, row: RowEntry, file: str | None, cache: dict[Any, Any]) -> None:
    """The row's entries, or those of `file`, the Markdown file with the row's id, enriched by the row."""
    entries = loading.entries.setdefault(kind.name, {})
    default = loading.config.default_language
    loading.digests[row.source] = row.digest
    if file is not None:
        entries[file] = {lang: _enriched(kind, row, entry) for lang, entry in entries[file].items()}
        return
    if row.slug in entries:
        where = row.id_origin
        loading.problems.error(
            where.file,
            where.line,
            "catalogue-slug-taken",
            f"the page name '{row.slug}' is also used by {entries[row.slug][default].origin.file}",
            "give the Markdown file the row's id to enrich the row, or rename one of them",
        )
        return
    for lang in loading.config.languages:  # an unchanged row's records are kept between rebuilds
        if (kind.name, row.digest, lang) not in cache:
            cache[(kind.name, row.digest, lang)] = _row_record(kind, row, lang)
    entries[row.slug] = {lang: cache[(kind.name, row.digest, lang)] for lang in loading.config.languages}


def _row_record(kind: ContentKind, row: RowEntry, lang: str) -> Entry:
    meta = row.meta[lang]
    origin = meta.origins.get("title", row.row.origin(""))
    common = dict(
        slug=row.slug,
        lang=lang,
        title=text(meta.get("title")),
        summary=text(meta.get("summary")),
        body="",
        origin=origin,
        body_origin=origin,
        sources=(row.source,),
        translated=lang == next(iter(row.meta)) or bool(row.own_text[lang]),
        meta=meta,
    )
    return kind.read(common, meta)


def _enriched(kind: ContentKind, row: RowEntry, page: Entry) -> Entry:
    """The Markdown file's fields over the row's; a file not translated keeps the row's own words."""
    cells = row.meta[page.lang]
    written = dict(page.meta)
    if not page.translated:
        written = {k: v for k, v in written.items() if k not in row.own_text[page.lang]}
    merged = CellMeta({**cells, **written})
    merged.line, merged.lines = getattr(page.meta, "line", 0), dict(getattr(page.meta, "lines", {}))
    merged.origins = {key: origin for key, origin in cells.origins.items() if key not in written}
    common = dict(
        slug=page.slug,
        lang=page.lang,
        title=text(merged.get("title")),
        summary=text(merged.get("summary")),
        body=page.body,
        origin=page.origin,
        body_origin=page.body_origin,
        sources=(*page.sources, row.source),
        translated=page.translated or bool(row.own_text[page.lang]),
        meta=merged,
    )
    return kind.read(common, merged)
