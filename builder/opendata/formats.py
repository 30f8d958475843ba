"""The records as files, byte for byte the same on every build: keys and rows in a fixed
order, coordinates rounded to 6 decimals (about 0.1 m), newline-terminated."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from ..catalogue.kinds import Relic
from ..config import SiteConfig
from ..model import ContentModel
from .records import Record, absolute_url, is_located

# Excel opens a CSV without a byte-order mark in the machine's legacy code page (Windows-1258 on
# Vietnamese Windows) and mangles every accented letter; with the UTF-8 BOM it reads UTF-8.
BOM = "\ufeff"
LIST_SEPARATOR = "; "  # a set in one cell, as the catalogue spreadsheets write it


def csv_bytes(records: list[Record]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    columns = list(records[0]) if records else ["id", "url"]
    writer.writerow(columns)
    for record in records:
        writer.writerow([_cell(record[column]) for column in columns])
    return (BOM + out.getvalue()).encode("utf-8")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.6f}"
    if isinstance(value, list):
        return LIST_SEPARATOR.join(value)
    return str(value)


def json_lines(items: list[Any], before: str = "[", after: str = "]") -> bytes:
    """A JSON array with one item a line: a diff of two releases shows the records that changed,
    and each item goes through the C encoder (an indented dump is four times slower)."""
    lines = ",\n".join(json.dumps(item, ensure_ascii=False) for item in items)
    return f"{before}\n{lines}\n{after}\n".encode() if items else f"{before}{after}\n".encode()


def geojson_bytes(records: list[Record]) -> bytes:
    """RFC 7946: a FeatureCollection in WGS84 with [longitude, latitude] positions and no `crs`
    member; one Point feature per located record, its id the permanent id."""
    features = [
        {
            "type": "Feature",
            "id": record["id"],
            "geometry": {"type": "Point", "coordinates": [record["longitude"], record["latitude"]]},
            "properties": {k: v for k, v in record.items() if k not in ("latitude", "longitude")},
        }
        for record in records
        if is_located(record)
    ]
    return json_lines(features, '{"type": "FeatureCollection", "features": [', "]}")


def zones_geojson_bytes(model: ContentModel, relics: Iterable[Relic]) -> bytes:
    """Protection zones I and II of every relic that has them, each zone a feature that names
    its relic's id and URL. They are a file of their own: GIS tools and portals load one layer
    per geometry type, and points mixed with polygons would not import as one layer."""
    config = model.config
    features = []
    for relic in sorted(relics, key=lambda r: (r.id, r.slug)):
        for number, zone in enumerate(_zone_features(config, relic), 1):
            properties = dict(zone.get("properties") or {})
            properties.update({"id": relic.id, "url": absolute_url(config, relic), "title": relic.title})
            geometry = zone.get("geometry", zone)
            features.append(
                {"type": "Feature", "id": f"{relic.id}-{number}", "geometry": geometry, "properties": properties}
            )
    return json_lines(features, '{"type": "FeatureCollection", "features": [', "]}")


def _zone_features(config: SiteConfig, relic: Relic) -> list[dict[str, Any]]:
    """The zones file was checked in the validate stage: WGS84 polygons, as one feature, a
    collection or a bare geometry."""
    data = json.loads((config.root / relic.zones).read_bytes())
    features = data.get("features") if data.get("type") == "FeatureCollection" else [data]
    return [f if f.get("type") == "Feature" else {"geometry": f} for f in features]
