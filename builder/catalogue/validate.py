"""Checks of relics and intangible heritage, whether written in Markdown or read from a row:
every problem is reported where the value was written, a front-matter line or a cell."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ..assets import check_asset
from ..feature import SiteCheck
from ..model import Entry
from ..records import text
from ..urls import index_url
from .coordinates import outside_vietnam
from .facets import Shelves
from .kinds import Listed, Relic, listed_of, parse_date, parse_number
from .vocabulary import HERITAGE_TYPES, RANKINGS, RELIC_TYPES, Vocabulary, split_words

ZONE_TYPES = ("Polygon", "MultiPolygon")


def check_catalogue(check: SiteCheck) -> None:
    default = check.model.config.default_language
    seen_images: set[tuple[str, str]] = set()
    for kind in ("relic", "heritage"):
        for by_lang in listed_of(check.model, kind).values():
            entry = by_lang[default]
            _check_words(check, entry)
            _check_place(check, entry)
            if isinstance(entry, Relic) and entry.zones:
                _check_zones(check, entry)
            for shown in by_lang.values():
                for index, image in enumerate(shown.images):
                    if (image.src, image.alt) in seen_images:
                        continue
                    seen_images.add((image.src, image.alt))
                    check.check_image(image)
                    if not image.alt:
                        where = image.origin if image.origin.line else shown.origin_of("images")
                        check.problems.error(
                            where.file,
                            where.line,
                            "alt-missing",
                            f"image {index + 1} ({image.src or 'no src'}) has no alt text",
                            "add 'alt:' describing what the image shows, for visitors who cannot see it",
                        )


def check_facet_folders(check: SiteCheck, shelves: dict[tuple[str, str], Shelves]) -> None:
    """A facet's pages live in a folder of its kind's index (exhibits/material/): an entry whose
    slug is the facet's name would have the same address."""
    config = check.model.config
    for (kind, lang), shelved in shelves.items():
        for facet, _ in shelved.facets:
            entry = check.model.of_kind(kind).get(facet.name, {}).get(lang)
            if lang == config.default_language and entry:
                folder = index_url(config, kind, lang) + facet.name + "/"
                check.problems.error(
                    entry.origin.file,
                    entry.origin.line,
                    "slug-facet",
                    f"the page '{facet.name}' has the address of the {facet.name} filter's pages ({folder})",
                    f"rename the file (or give the row another slug), e.g. '{facet.name}-1'",
                )


def _check_words(check: SiteCheck, entry: Listed) -> None:
    vocabularies: list[tuple[str, Vocabulary, bool]] = (
        [("relic_type", RELIC_TYPES, True), ("ranking", RANKINGS, False)]
        if entry.kind == "relic"
        else [("heritage_type", HERITAGE_TYPES, False)]
    )
    for key, vocabulary, many in vocabularies:
        value = entry.meta.get(key)
        for word in _given(value, many):
            if vocabulary.canonical(word) is None:
                where = entry.origin_of(key)
                check.problems.error(
                    where.file,
                    where.line,
                    f"catalogue-{key.replace('_', '-')}",
                    f"unknown {vocabulary.name} '{word}'",
                    vocabulary.hint(word),
                )


def _given(value: Any, many: bool) -> Iterator[str]:
    if isinstance(value, list):
        yield from (text(v) for v in value if text(v))
    elif text(value):
        yield from split_words(text(value)) if many else [text(value)]


def _check_place(check: SiteCheck, entry: Entry) -> None:
    meta, problems = entry.meta, check.problems
    if text(meta.get("decision_date")) and parse_date(meta.get("decision_date")) is None:
        where = entry.origin_of("decision_date")
        problems.error(
            where.file,
            where.line,
            "catalogue-date",
            f"decision_date '{text(meta.get('decision_date'))}' is not a date",
            "write the date as 2012-05-03 or 03/05/2012 (day/month/year)",
        )
    given = [key for key in ("latitude", "longitude") if text(meta.get(key)) != ""]
    if not given:
        return
    if len(given) == 1:
        where = entry.origin_of(given[0])
        problems.error(
            where.file,
            where.line,
            "catalogue-coordinates",
            f"only the {given[0]} is given",
            "give both latitude and longitude, or neither",
        )
        return
    numbers = {key: parse_number(meta.get(key)) for key in given}
    for key, number in numbers.items():
        if number is None:
            where = entry.origin_of(key)
            problems.error(
                where.file,
                where.line,
                "catalogue-number",
                f"{key} '{text(meta.get(key))}' is not a number",
                "write decimal degrees in WGS84, like 21.0285 and 105.8048",
            )
            return
    latitude, longitude = numbers["latitude"], numbers["longitude"]
    assert latitude is not None and longitude is not None
    if outside_vietnam(latitude, longitude):
        where = entry.origin_of("latitude")
        problems.error(
            where.file,
            where.line,
            "catalogue-outside",
            f"the point {latitude}, {longitude} is outside Vietnam",
            "check the numbers and that latitude and longitude are not swapped "
            "(in Vietnam latitude is 8 to 23.5, longitude 102 to 117.5)",
        )


def _check_zones(check: SiteCheck, relic: Relic) -> None:
    where = relic.origin_of("zones")
    path = check_asset(
        relic.zones, where.file, where.line, check.model.config.root, {".geojson", ".json"}, "zones", check.problems
    )
    if path is None:
        return
    if not path.is_file():
        check.problems.error(
            where.file,
            where.line,
            "zones-missing",
            f"the file '{relic.zones}' does not exist",
            "put the GeoJSON file of the protection zones in assets/zones/",
        )
        return
    message = zones_problem(path.read_bytes())
    if message:
        check.problems.error(
            where.file,
            where.line,
            "zones-invalid",
            f"'{relic.zones}': {message}",
            "export the zones as GeoJSON in WGS84 (EPSG:4326): polygons of protection zones I and II",
        )


def zones_problem(raw: bytes) -> str:
    """What is wrong with a protection-zones file, or '' if it holds only WGS84 polygons."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return "it is not GeoJSON (JSON could not be read)"
    features = data.get("features") if isinstance(data, dict) and data.get("type") == "FeatureCollection" else [data]
    if not isinstance(features, list) or not features:
        return "it holds no zones"
    for number, feature in enumerate(features, 1):
        geometry = feature.get("geometry", feature) if isinstance(feature, dict) else None
        if not isinstance(geometry, dict) or geometry.get("type") not in ZONE_TYPES:
            return f"zone {number} is not a polygon"
        polygons = geometry.get("coordinates")
        polygons = [polygons] if geometry["type"] == "Polygon" else polygons
        message = _polygons_problem(polygons if isinstance(polygons, list) else [])
        if message:
            return f"zone {number}: {message}"
    return ""


def _polygons_problem(polygons: list[Any]) -> str:
    if not polygons:
        return "it has no coordinates"
    for rings in polygons:
        for ring in rings if isinstance(rings, list) else [None]:
            if not isinstance(ring, list) or len(ring) < 4 or ring[0] != ring[-1]:
                return "a ring needs at least 4 points, the last the same as the first"
            for point in ring:
                if not (
                    isinstance(point, list) and len(point) >= 2 and all(isinstance(v, (int, float)) for v in point[:2])
                ):
                    return f"the point {point!r} is not [longitude, latitude]"
                longitude, latitude = point[0], point[1]
                if outside_vietnam(latitude, longitude):
                    return (
                        f"the point [{longitude}, {latitude}] is not in Vietnam in WGS84 degrees "
                        "(a VN-2000 file in metres must be converted first)"
                    )
    return ""
