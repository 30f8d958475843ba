"""The published datasets: per kind a CSV, a JSON and, when some entries have a place, a
GeoJSON file, plus the relics' protection zones; with their titles in every language."""

from __future__ import annotations

import datetime
import hashlib
import os
import pickle
from dataclasses import dataclass, replace
from pathlib import Path

from ..catalogue.kinds import Relic
from ..model import ContentModel
from ..outputs import key_of
from .formats import csv_bytes, geojson_bytes, json_lines, zones_geojson_bytes
from .records import is_located, published_kinds, records
from .settings import open_data_settings

FOLDER = "open-data/"
# Dataset titles are data about the data, read by portals in any theme: they live here, not in the theme.
TITLES = {
    "exhibit": {"vi": "Hiện vật", "en": "Museum objects"},
    "relic": {"vi": "Di tích", "en": "Relics and historic sites"},
    "heritage": {"vi": "Di sản văn hóa phi vật thể", "en": "Intangible cultural heritage"},
    "zones": {"vi": "Khu vực bảo vệ di tích", "en": "Protection zones of the relics"},
}
MEDIA_TYPES = {"csv": "text/csv", "json": "application/json", "geojson": "application/geo+json"}
FORMAT_NAMES = {"csv": "CSV", "json": "JSON", "geojson": "GeoJSON"}


@dataclass(frozen=True)
class Distribution:
    path: str  # inside the output, e.g. open-data/relic.csv
    fmt: str  # csv, json, geojson
    content: bytes

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.fmt]

    @property
    def format_name(self) -> str:
        return FORMAT_NAMES[self.fmt]

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True)
class Dataset:
    name: str  # a kind, or "relic-zones"
    title_key: str  # the key of TITLES
    count: int  # records, or zone features
    distributions: tuple[Distribution, ...]


def title(key: str, lang: str) -> str:
    return TITLES[key].get(lang) or TITLES[key]["en"]


def datasets(model: ContentModel, cache: Path | None = None, code: str = "") -> list[Dataset]:
    """Every published dataset. With a `cache` folder, a kind whose entries, settings and builder
    `code` did not change is read back instead of written again: in `serve`, a one-row edit of
    the relics leaves 20,000 objects' files as they were."""
    made = [
        _cached(model, kind, cache, code) if cache else _kind_dataset(model, kind) for kind in published_kinds(model)
    ]
    zoned = [e for by_lang in model.of_kind("relic").values() for e in by_lang.values() if isinstance(e, Relic)]
    zoned = [e for e in zoned if e.zones and e.lang == model.config.default_language]
    if zoned:
        zones = Distribution(f"{FOLDER}relic-zones.geojson", "geojson", zones_geojson_bytes(model, zoned))
        made.append(Dataset("relic-zones", "zones", len(zoned), (zones,)))
    return made


def _kind_dataset(model: ContentModel, kind: str) -> Dataset:
    rows = records(model, kind)
    files = [Distribution(f"{FOLDER}{kind}.csv", "csv", csv_bytes(rows))]
    files.append(Distribution(f"{FOLDER}{kind}.json", "json", json_lines(rows)))
    if any(is_located(row) for row in rows):
        files.append(Distribution(f"{FOLDER}{kind}.geojson", "geojson", geojson_bytes(rows)))
    return Dataset(kind, kind, len(rows), tuple(files))


def _cached(model: ContentModel, kind: str, cache: Path, code: str) -> Dataset:
    entries = sorted(
        (entry.slug, entry.lang, [model.source_digests.get(source, "") for source in entry.sources])
        for by_lang in model.of_kind(kind).values()
        for entry in by_lang.values()
    )
    key = key_of(code, kind, repr(replace(model.config, root=Path())), entries)
    path = cache / "opendata" / f"{key}.pickle"
    if path.is_file():
        found: Dataset = pickle.loads(path.read_bytes())
        return found
    dataset = _kind_dataset(model, kind)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.tmp{os.getpid()}")
    partial.write_bytes(pickle.dumps(dataset))
    os.replace(partial, path)
    return dataset


def modified(model: ContentModel) -> str:
    """The date the data last changed, never the clock, so that a rebuild gives the same bytes:
    `[open_data] modified` in site.toml when the curator sets it (the date of the inventory they
    publish), otherwise the newest listing decision among the records, which at least never
    predates the data. Empty when neither is known."""
    setting = open_data_settings(model.config).get("modified")
    if setting is not None and valid_date(setting):
        return str(setting)
    dates = [getattr(e, "decision_date", "") for e in model.all_entries()]
    return max((d for d in dates if d), default="")


def valid_date(value: object) -> bool:
    """A TOML date (modified = 2026-12-01) or the same in quotes."""
    if isinstance(value, datetime.date):
        return not isinstance(value, datetime.datetime)
    try:
        datetime.date.fromisoformat(str(value))
    except ValueError:
        return False
    return isinstance(value, str)
