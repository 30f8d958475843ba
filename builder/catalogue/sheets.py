"""Reading a spreadsheet: a header row of column names, then one row per entry, each value with
the place a curator finds it at (`data/x.csv:37`, `data/x.xlsx:Sheet1!O37`).

CSV is read with the standard library (UTF-8, with or without a byte-order mark, ';' or ','
sniffed from the header); .xlsx with python-calamine, which reads 10,000 rows in well under a
second, where openpyxl needs several.
"""

from __future__ import annotations

import csv
import datetime
import io
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..diagnostics import InputError
from ..model import Origin

Cell = str | float | int | datetime.date


@dataclass(frozen=True)
class Row:
    """One row: its values by column name, and where each column's cell is."""

    values: dict[str, Cell]
    sheet: Sheet
    number: int  # the row in the file (CSV: its line; xlsx: the row number Excel shows)

    def origin(self, column: str) -> Origin:
        return self.sheet.origin(column, self.number)


@dataclass
class Sheet:
    name: str  # the file as the curator sees it: data/x.xlsx
    tab: str  # the sheet of a workbook; '' for CSV
    columns: tuple[str, ...]
    rows: list[Row] = field(default_factory=list)

    def origin(self, column: str, number: int) -> Origin:
        """A CSV cell is a file and a line; a workbook's is a cell reference, with no line."""
        if not self.tab:
            return Origin(self.name, number)
        index = self.columns.index(column) if column in self.columns else 0
        return Origin(f"{self.name}:{self.tab}!{column_letters(index)}{number}", 0)


def column_letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_sheet(path: Path, name: str, tab: str = "") -> Sheet:
    """The spreadsheet at `path`; raises InputError when it cannot be read."""
    if path.suffix.lower() == ".csv":
        return _read_csv(path, name)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".ods", ".xls"):
        return _read_workbook(path, name, tab)
    raise InputError(
        f"'{name}' is not a spreadsheet disan reads", "save it as .xlsx, or as CSV (UTF-8) with a header row"
    )


def _read_csv(path: Path, name: str) -> Sheet:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"'{name}' is not UTF-8 text", "in Excel choose Save As → CSV UTF-8 (Comma delimited)"
        ) from exc
    text = unicodedata.normalize("NFC", text)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise InputError(f"'{name}' is empty", "the first line names the columns, each row after it is one entry")
    sheet = Sheet(name, "", tuple(column.strip() for column in header))
    while True:
        line = reader.line_num + 1  # where the record starts; a quoted value may span lines
        record = next(reader, None)
        if record is None:
            return sheet
        if any(value.strip() for value in record):
            values: dict[str, Cell] = dict(zip(sheet.columns, (value.strip() for value in record), strict=False))
            sheet.rows.append(Row(values, sheet, line))


def _read_workbook(path: Path, name: str, tab: str) -> Sheet:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own errors for every kind of damage
        raise InputError(
            f"'{name}' cannot be read: {exc}", "open it in a spreadsheet program and save it again"
        ) from exc
    names = workbook.sheet_names
    if tab and tab not in names:
        raise InputError(f"'{name}' has no sheet '{tab}'", f"its sheets are: {', '.join(names)}")
    tab = tab or names[0]
    data: list[list[Any]] = workbook.get_sheet_by_name(tab).to_python(skip_empty_area=False)
    if not data:
        raise InputError(f"sheet '{tab}' of '{name}' is empty", "the first row names the columns")
    sheet = Sheet(name, tab, tuple(_cell_text(value) for value in data[0]))
    sheet.rows = [
        Row({column: _cell(value) for column, value in zip(sheet.columns, values, strict=False)}, sheet, number)
        for number, values in enumerate(data[1:], 2)
        if any(_cell_text(value) for value in values)
    ]
    return sheet


def _cell(value: Any) -> Cell:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value.strip())
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, (int, float, datetime.date)):
        return value
    return _cell_text(value)


def _cell_text(value: Any) -> str:
    return "" if value is None else unicodedata.normalize("NFC", str(value).strip())
