"""Make tests/fixtures/catalogue/data/di-tich.xlsx from di-tich.csv beside it: the same rows as a
workbook, numbers stored as numbers the way Excel keeps them, so the test that builds the CSV
and the workbook can compare the pages.

    PYTHONPATH=. .venv/bin/python scripts/make_catalogue_fixture.py
"""

from __future__ import annotations

import csv
from pathlib import Path

from builder.catalogue.workbook import write_workbook

DATA = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "catalogue" / "data"


def as_cell(value: str) -> str | int | float:
    try:
        return int(value)
    except ValueError:
        pass
    try:
        return float(value)
    except ValueError:
        return value


def main() -> None:
    with open(DATA / "di-tich.csv", encoding="utf-8", newline="") as source:
        header, *rows = list(csv.reader(source))
    write_workbook(DATA / "di-tich.xlsx", "Di tích", [header, *([as_cell(v) for v in row] for row in rows)])


if __name__ == "__main__":
    main()
