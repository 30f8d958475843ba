"""Open data: the datasets as files a portal and a spreadsheet can read, their DCAT-AP
description, and Schema.org JSON-LD with Open Graph cards on the pages."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from builder.build import SiteBuilder
from builder.config import load_config
from builder.diagnostics import Problems
from builder.load import load_site
from builder.opendata.datasets import datasets
from builder.opendata.dcat import license_node
from tests.conftest import REPO, copy_site

DEMO_SHEET = REPO / "data" / "di-tich-ninh-binh.csv"
BOM = b"\xef\xbb\xbf"
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def _located_rows() -> dict[str, tuple[float, float]]:
    """The demo spreadsheet's rows with both coordinates, by permanent id: (longitude, latitude)."""
    with DEMO_SHEET.open(encoding="utf-8-sig", newline="") as sheet:
        return {
            f"DT{row['row_id']}": (float(row["longitude"]), float(row["latitude"]))
            for row in csv.DictReader(sheet)
            if row["latitude"].strip() and row["longitude"].strip()
        }


def _rfc7946_problems(data: Any) -> list[str]:
    """Structural RFC 7946 checks: a FeatureCollection of Features with geometries whose
    positions are [longitude, latitude] in WGS84 ranges, and no `crs` member (§4)."""
    problems = []
    if data.get("type") != "FeatureCollection" or not isinstance(data.get("features"), list):
        return ["not a FeatureCollection with a features list"]
    if "crs" in data:
        problems.append("a crs member (RFC 7946 positions are always WGS84)")
    for number, feature in enumerate(data["features"], 1):
        if feature.get("type") != "Feature" or not isinstance(feature.get("properties"), dict):
            problems.append(f"feature {number} is not a Feature with properties")
            continue
        geometry = feature.get("geometry") or {}
        for position in _positions(geometry.get("coordinates")):
            longitude, latitude = position[0], position[1]
            if not (-180 <= longitude <= 180 and -90 <= latitude <= 90):
                problems.append(f"feature {number}: position {position} out of range")
    return problems


def _positions(coordinates: Any) -> list[list[float]]:
    if isinstance(coordinates, list) and coordinates and all(isinstance(c, int | float) for c in coordinates):
        return [coordinates]
    if isinstance(coordinates, list):
        return [p for part in coordinates for p in _positions(part)]
    return []


def _head_json_ld(page: Path) -> list[dict[str, Any]]:
    head = page.read_text(encoding="utf-8").split("</head>", 1)[0]
    return [json.loads(block) for block in JSON_LD.findall(head)]


def test_relic_geojson_has_one_feature_per_located_row(built_demo: Path) -> None:
    data = json.loads((built_demo / "open-data" / "relic.geojson").read_bytes())
    assert _rfc7946_problems(data) == []
    located = _located_rows()
    features = {f["id"]: f for f in data["features"]}
    assert set(features) == set(located)
    for code, (longitude, latitude) in located.items():
        feature = features[code]
        assert feature["geometry"] == {"type": "Point", "coordinates": [round(longitude, 6), round(latitude, 6)]}
        properties = feature["properties"]
        assert properties["id"] == code
        assert properties["url"].startswith("https://museum.example.vn/relics/")
        assert properties["title_vi"] and properties["title_en"]
        # Vietnam lies east of Greenwich and north of the equator: swapped order would show here
        assert 102 <= feature["geometry"]["coordinates"][0] <= 117.5


def test_protection_zones_are_a_polygon_layer_naming_their_relic(built_demo: Path) -> None:
    data = json.loads((built_demo / "open-data" / "relic-zones.geojson").read_bytes())
    assert _rfc7946_problems(data) == []
    assert {f["geometry"]["type"] for f in data["features"]} <= {"Polygon", "MultiPolygon"}
    zoned = {"DT10", "DT21", "DT22"}  # the relics whose Markdown gives zones I and II
    assert sorted(f["id"] for f in data["features"]) == sorted(f"{code}-{n}" for code in zoned for n in (1, 2))
    assert {f["properties"]["id"] for f in data["features"]} == zoned
    assert all(f["properties"]["url"].startswith("https://museum.example.vn/relics/") for f in data["features"])


def test_csv_round_trips_and_opens_in_excel(built_demo: Path) -> None:
    raw = (built_demo / "open-data" / "relic.csv").read_bytes()
    assert raw.startswith(BOM), "without a BOM Excel reads Vietnamese letters in the legacy code page"
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    records = json.loads((built_demo / "open-data" / "relic.json").read_bytes())
    assert len(rows) == len(records) == 34
    for row, record in zip(rows, records, strict=True):
        assert row["id"] == record["id"] and row["url"] == record["url"]
        assert row["title_vi"] == record["title_vi"]
        assert row["summary_vi"] == record["summary_vi"]  # commas, quotes and line breaks survive
        assert row["relic_type"] == "; ".join(record["relic_type"])
    hoa_lu = next(row for row in rows if row["id"] == "DT1")
    assert hoa_lu["title_vi"] == "Cố đô Hoa Lư"
    assert hoa_lu["latitude"] == "20.287000"
    assert [row["id"] for row in rows] == sorted(row["id"] for row in rows)


def test_every_record_carries_its_permanent_id_and_absolute_url(built_demo: Path) -> None:
    for kind, folder in (("exhibit", "exhibits"), ("relic", "relics")):
        for record in json.loads((built_demo / "open-data" / f"{kind}.json").read_bytes()):
            assert record["id"], record
            path = record["url"].removeprefix("https://museum.example.vn/")
            assert path.startswith(f"{folder}/") and (built_demo / path / "index.html").is_file()


def test_dcat_lists_every_dataset_and_distribution_with_existing_files(built_demo: Path) -> None:
    catalog = json.loads((built_demo / "open-data" / "catalog.jsonld").read_bytes())
    assert catalog["@type"] == "dcat:Catalog"
    assert catalog["dct:modified"] == {"@value": "2026-12-01", "@type": "xsd:date"}
    assert {t["@language"] for t in catalog["dct:title"]} == {"vi", "en"}
    published = {p.name for p in (built_demo / "open-data").iterdir()} - {"index.html", "catalog.jsonld"}
    listed = set()
    identifiers = set()
    for dataset in catalog["dcat:dataset"]:
        assert dataset["@type"] == "dcat:Dataset"
        identifiers.add(dataset["dct:identifier"])
        assert {t["@language"] for t in dataset["dct:title"]} == {"vi", "en"}
        for distribution in dataset["dcat:distribution"]:
            assert distribution["@type"] == "dcat:Distribution"
            url = distribution["dcat:downloadURL"]["@id"]
            file = built_demo / url.removeprefix("https://museum.example.vn/")
            assert file.is_file(), url
            assert int(distribution["dcat:byteSize"]["@value"]) == file.stat().st_size
            assert distribution["dct:license"] == {"@id": "https://creativecommons.org/licenses/by-sa/4.0/"}
            assert distribution["dcat:mediaType"]["@id"].startswith("http://www.iana.org/assignments/media-types/")
            listed.add(file.name)
    assert listed == published
    assert identifiers == {"exhibit", "relic", "relic-zones"}


def test_open_data_page_lists_files_and_licence_and_is_in_the_sitemap(built_demo: Path) -> None:
    for page, words in (("open-data/index.html", "Số bản ghi"), ("en/open-data/index.html", "Records")):
        html = (built_demo / page).read_text(encoding="utf-8")
        assert words in html and "CC BY-SA 4.0" in html and "catalog.jsonld" in html
        assert "relic.geojson" in html and "exhibit.csv" in html and ">34<" in html
    sitemap = (built_demo / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://museum.example.vn/open-data/</loc>" in sitemap
    assert "<loc>https://museum.example.vn/en/open-data/</loc>" in sitemap


def test_json_ld_has_the_type_of_each_page_kind(built_demo: Path) -> None:
    (home,) = _head_json_ld(built_demo / "index.html")
    assert home["@type"] == "Museum" and home["@context"] == "https://schema.org"
    (relic,) = _head_json_ld(built_demo / "relics" / "den-tran-thuong" / "index.html")
    assert relic["@type"] == ["LandmarksOrHistoricalBuildings", "TouristAttraction"]
    assert relic["identifier"] == "DT22" and relic["geo"]["@type"] == "GeoCoordinates"
    assert relic["address"]["addressCountry"] == "VN"
    exhibit_pages = sorted((built_demo / "exhibits").glob("*/index.html"))
    for page in exhibit_pages:
        (exhibit,) = _head_json_ld(page)
        assert exhibit["@type"] == "VisualArtwork" and exhibit["identifier"]
    (english,) = _head_json_ld(built_demo / "en" / "relics" / "den-tran-thuong" / "index.html")
    assert english["inLanguage"] == "en"
    (index,) = _head_json_ld(built_demo / "relics" / "index.html")
    assert index["@type"] == "WebPage" and index["isPartOf"]["@type"] == "Museum"


def test_open_graph_card_on_an_exhibit_page(built_demo: Path) -> None:
    page = next(p for p in sorted((built_demo / "exhibits").glob("*/index.html")) if 'og:image"' in p.read_text())
    head = page.read_text(encoding="utf-8").split("</head>", 1)[0]
    meta = dict(re.findall(r'<meta (?:property|name)="((?:og|twitter):[a-z:]+)" content="([^"]*)"', head))
    assert meta["og:title"] and meta["og:description"]
    assert meta["og:url"] == "https://museum.example.vn/" + page.parent.relative_to(built_demo).as_posix() + "/"
    assert meta["og:locale"] == "vi_VN"
    assert re.fullmatch(r"https://museum\.example\.vn/media/[^/]+-1600\.jpg", meta["og:image"])
    assert (built_demo / meta["og:image"].removeprefix("https://museum.example.vn/")).is_file()
    assert meta["twitter:card"] == "summary_large_image"


def test_licence_names_become_licence_uris() -> None:
    assert license_node("CC BY 4.0") == {"@id": "https://creativecommons.org/licenses/by/4.0/"}
    assert license_node("CC-BY-NC-SA 4.0") == {"@id": "https://creativecommons.org/licenses/by-nc-sa/4.0/"}
    assert license_node("CC0") == {"@id": "https://creativecommons.org/publicdomain/zero/1.0/"}
    assert license_node("Bản quyền thuộc Bảo tàng")["rdfs:label"] == "Bản quyền thuộc Bảo tàng"


@pytest.mark.browser
def test_json_ld_raises_no_csp_violation_on_a_relic_page(built_demo: Path, serve_dir, phone) -> None:
    """A JSON-LD block is data, never executed, so `script-src 'self'` does not refuse it."""
    violations: list[str] = []
    phone.on("console", lambda message: violations.append(message.text) if "Content Security" in message.text else None)
    phone.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective));"
    )
    base = serve_dir(built_demo)
    phone.goto(f"{base}relics/den-tran-thuong/")
    phone.wait_for_load_state("load")
    data = phone.evaluate("JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent)")
    assert data["identifier"] == "DT22"
    assert phone.evaluate("window.__violations") == []
    assert violations == []
    # the control: an executable inline script on the same page is refused and reported
    phone.evaluate("document.head.append(Object.assign(document.createElement('script'), {textContent: '1'}))")
    phone.wait_for_function("() => window.__violations.length > 0")


def test_heritage_dataset_and_a_catalogue_without_settings(tmp_path: Path) -> None:
    """The catalogue fixture publishes intangible heritage too; with no licence and no
    `[open_data] modified`, the DCAT claims no licence and dates the data by its newest decision."""
    site = copy_site(REPO / "tests" / "fixtures" / "catalogue", tmp_path / "site")
    out = SiteBuilder(site).build().out_dir
    heritage = json.loads((out / "open-data" / "heritage.json").read_bytes())
    assert [r["id"] for r in heritage] == ["PVT01", "PVT02", "PVT03"]
    (work,) = _head_json_ld(out / "heritage" / "hat-xoan" / "index.html")
    assert work["@type"] == "CreativeWork" and work["spatialCoverage"]["address"]["addressRegion"] == "Phú Thọ"
    catalog = json.loads((out / "open-data" / "catalog.jsonld").read_bytes())
    assert "dct:license" not in catalog
    assert catalog["dct:modified"]["@value"] == max(
        r["decision_date"] for r in json.loads((out / "open-data" / "relic.json").read_bytes()) if r["decision_date"]
    )
    assert {d["dct:identifier"] for d in catalog["dcat:dataset"]} == {"exhibit", "relic", "heritage", "relic-zones"}


@pytest.mark.browser
def test_open_data_page_fits_a_phone(built_demo: Path, serve_dir, phone) -> None:
    base = serve_dir(built_demo)
    for page in ("open-data/", "en/open-data/"):
        phone.goto(base + page)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{page} scrolls sideways on a 360 px phone ({width} px)"
        assert phone.locator("table.open-data tbody tr").count() == 3


def test_cached_datasets_are_the_same_bytes(tmp_path: Path) -> None:
    problems = Problems()
    config = load_config(REPO, problems)
    assert config is not None
    model = load_site(config, problems)
    fresh = datasets(model)
    assert datasets(model, tmp_path, "code") == fresh  # written to the cache
    assert len(list((tmp_path / "opendata").iterdir())) == 2  # exhibits and relics
    assert datasets(model, tmp_path, "code") == fresh  # read back
    assert datasets(model, tmp_path, "other code") == fresh
    assert len(list((tmp_path / "opendata").iterdir())) == 4  # new builder code, new entries
