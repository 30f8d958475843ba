"""What the map shows, in one language: the located items as markers with their protection
zones, the others as a list, and the page's data for the script (`viewer/map.js`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..catalogue import Listed, is_located, listed_in, zones_file
from ..catalogue.validate import zones_problem
from ..collation import in_title_order
from ..config import SiteConfig
from ..model import ContentModel
from ..urls import entry_url, lang_prefix
from .settings import tiles_url


def map_url(config: SiteConfig, lang: str) -> str:
    return f"{lang_prefix(config, lang)}map/"


def any_located(model: ContentModel) -> bool:
    return any(is_located(entry) for entry in listed_in(model, model.config.default_language))


def read_zones(root: Path, model: ContentModel) -> dict[str, dict[str, Any]]:
    """Each located item's protection zones by file, only their polygons and zone numbers: what
    the catalogue found wrong with a file it has already reported, so such a file is left out."""
    zones: dict[str, dict[str, Any]] = {}
    for entry in listed_in(model, model.config.default_language):
        name = zones_file(entry)
        path = root / name
        if not name or not is_located(entry) or name in zones or not path.is_file():
            continue
        raw = path.read_bytes()
        if zones_problem(raw):
            continue
        data = json.loads(raw)
        features = data["features"] if data.get("type") == "FeatureCollection" else [data]
        zones[name] = {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"zone": str((f.get("properties") or {}).get("zone", ""))},
                    "geometry": f.get("geometry", f),
                }
                for f in features
            ],
        }
    return zones


@dataclass(frozen=True)
class Places:
    located: list[Listed]
    unlocated: list[Listed]


def places(model: ContentModel, lang: str) -> Places:
    ordered = in_title_order(listed_in(model, lang))
    return Places([e for e in ordered if is_located(e)], [e for e in ordered if not is_located(e)])


def map_data(
    model: ContentModel, zones: dict[str, dict[str, Any]], strings: dict[str, str], lang: str, rel: Callable[[str], str]
) -> dict[str, Any]:
    """The script's data: markers with site-relative links (`rel` makes them relative to the page)."""
    config = model.config
    return {
        "items": [
            {
                "id": entry.id,
                "title": entry.title,
                "kind": strings.get(f"map_kind_{entry.kind}", entry.kind),
                "url": rel(entry_url(config, entry.kind, entry.slug, lang)),
                "lat": entry.latitude,
                "lon": entry.longitude,
                **({"zones": zones[zones_file(entry)]} if zones_file(entry) in zones else {}),
            }
            for entry in places(model, lang).located
        ],
        "strings": {"open": strings.get("map_open", "Open"), "zone": strings.get("map_zone", "Zone")},
        "attribution": strings.get("map_basemap_credit", "Natural Earth"),
        "tiles": tiles_url(config),
        "tilesAttribution": strings.get("map_tiles_credit", ""),
    }
