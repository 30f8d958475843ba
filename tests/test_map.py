"""The map page in Chromium at phone size: markers, zones, the basemap, popups, the list of
places without coordinates, and no request leaving 127.0.0.1."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from PIL import Image

pytestmark = pytest.mark.browser


def _map_data(site: Path, lang_prefix: str = "") -> dict:
    html = (site / lang_prefix / "map/index.html").read_text(encoding="utf-8")
    return json.loads(re.search(r'<script type="application/json" id="map-data">(.*?)</script>', html, re.S)[1])


def test_map_page_lists_every_place_and_its_data(built_demo: Path) -> None:
    data = _map_data(built_demo)
    assert len(data["items"]) == 15, "the demo has 15 relics with coordinates"
    assert sum("zones" in item for item in data["items"]) == 3
    html = (built_demo / "map/index.html").read_text(encoding="utf-8")
    unlocated = re.search(r'<ul class="map-list map-unlocated">(.*?)</ul>', html, re.S)[1]
    assert unlocated.count("<li>") == 34 - 15
    assert 'href="../relics/' in unlocated
    assert (built_demo / "en/map/index.html").is_file()
    assert _map_data(built_demo, "en")["items"][0]["url"].startswith("../relics/")


def test_map_shows_markers_basemap_and_opens_a_relic(built_demo: Path, serve_dir, phone) -> None:
    base = serve_dir(built_demo)
    errors: list[str] = []
    phone.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    phone.goto(f"{base}map/")
    phone.wait_for_selector("#map.map-ready")
    phone.wait_for_selector(".map-basemap-pane path")
    icons = phone.locator(".leaflet-marker-icon")
    clusters = phone.locator(".marker-cluster")
    assert icons.count() >= 2, "markers or clusters are drawn"
    counted = sum(int(clusters.nth(i).inner_text()) for i in range(clusters.count()))
    assert counted + icons.count() - clusters.count() == 15, "every located relic is a marker or in a cluster"
    assert phone.locator(".leaflet-overlay-pane path.leaflet-interactive").count() >= 6, "3 relics × zones I and II"

    box = phone.locator("#map").bounding_box()
    shot = Image.open(io.BytesIO(phone.screenshot(clip=box))).convert("RGB")
    colours = {shot.getpixel((x, y)) for x in range(0, shot.width, 7) for y in range(0, shot.height, 7)}
    land, sea = (243, 239, 228), (207, 227, 238)
    assert land in colours and sea in colours, "the basemap draws land against the sea"

    phone.goto(f"{base}map/#DT10")
    phone.wait_for_selector(".leaflet-popup-content a")
    link = phone.locator(".leaflet-popup-content a")
    assert "Đền Trần" in phone.locator(".leaflet-popup-content strong").inner_text()
    link.click()
    phone.wait_for_url(re.compile(r"/relics/[^/]+/$"))
    assert "Đền Trần" in phone.locator("h1").inner_text()
    assert errors == []


def test_clicking_a_marker_opens_its_popup(built_demo: Path, serve_dir, phone) -> None:
    base = serve_dir(built_demo)
    phone.goto(f"{base}en/map/")
    phone.wait_for_selector("#map.map-ready")
    while phone.locator(".leaflet-marker-icon:not(.marker-cluster)").count() == 0:
        phone.locator(".marker-cluster").first.click()
        phone.wait_for_timeout(400)
    marker = phone.locator(".leaflet-marker-icon:not(.marker-cluster)").first
    marker.focus()
    phone.keyboard.press("Enter")
    popup = phone.locator(".leaflet-popup-content")
    popup.wait_for()
    href = popup.locator("a").get_attribute("href")
    assert href.startswith("../relics/")
    phone.locator(".leaflet-popup-content a").click()
    phone.wait_for_url(re.compile(r"/en/relics/[^/]+/$"))
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
