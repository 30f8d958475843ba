"""The map page in Chromium at phone size: markers, zones, the basemap, popups, the list of
places without coordinates, and no request leaving 127.0.0.1."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from PIL import Image


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
    located = (built_demo / "relics/den-tran-chua-pho-minh/index.html").read_text(encoding="utf-8")
    assert 'href="../../map/#DT10"' in located, "a located relic links to its marker"
    first_unlocated = re.search(r'<a href="\.\./(relics/[^"]+)"', unlocated)[1]
    assert "on-the-map" not in (built_demo / first_unlocated / "index.html").read_text(encoding="utf-8")


@pytest.mark.browser
def test_map_shows_markers_basemap_and_opens_a_relic(built_demo: Path, serve_dir, phone) -> None:
    base = serve_dir(built_demo)
    errors: list[str] = []
    phone.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    phone.goto(f"{base}map/")
    phone.wait_for_selector("#map.map-ready")
    phone.wait_for_selector(".map-basemap-pane path")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360, "no sideways scrolling at 360 px"
    icons = phone.locator(".leaflet-marker-icon")
    clusters = phone.locator(".marker-cluster")
    assert icons.count() >= 2, "markers or clusters are drawn"
    counted = sum(int(clusters.nth(i).inner_text()) for i in range(clusters.count()))
    assert counted + icons.count() - clusters.count() == 15, "every located relic is a marker or in a cluster"
    assert phone.locator(".leaflet-overlay-pane path.leaflet-interactive").count() >= 6, "3 relics × zones I and II"

    shot = Image.open(io.BytesIO(phone.locator("#map").screenshot())).convert("RGB")
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


@pytest.mark.browser
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


def _small_catalogue(root: Path, map_table: str) -> Path:
    (root / "content/relics").mkdir(parents=True)
    (root / "site.toml").write_text(
        f'title = "Thử"\nbase_url = "https://t.example.vn/"\nlanguages = ["vi", "en"]\n{map_table}', encoding="utf-8"
    )
    (root / "content/relics/den.md").write_text(
        "---\nid: DT1\ntitle: Đền Thử\nlatitude: 20.25\nlongitude: 105.97\n---\n", encoding="utf-8"
    )
    (root / "content/relics/chua.md").write_text("---\nid: DT2\ntitle: Chùa Thử\n---\n", encoding="utf-8")
    return root


def _map_policy(site: Path) -> tuple[str, str]:
    """The _headers policy of the map page and of a relic page."""
    rules = (site / "_headers").read_text(encoding="utf-8").split("\n/")
    of = {rule.split("\n", 1)[0].lstrip("/"): rule for rule in rules}
    return of["map/*"], of["relics/*"]


def test_online_tiles_widen_only_the_map_pages_policy(tmp_path: Path) -> None:
    from builder.build import SiteBuilder

    plain = SiteBuilder(_small_catalogue(tmp_path / "plain", "")).build().out_dir
    tiled = _small_catalogue(tmp_path / "tiled", '[map]\ntiles_url = "https://tile.example.org/{z}/{x}/{y}.png"\n')
    out = SiteBuilder(tiled).build().out_dir
    map_policy, relic_policy = _map_policy(out)
    assert "img-src 'self' https://tile.example.org" in map_policy
    assert "tile.example.org" not in relic_policy
    assert "unsafe-inline" not in map_policy
    assert "tile.example.org" not in _map_policy(plain)[0]
    assert "tile.example.org" in (out / "map/index.html").read_text(encoding="utf-8")
    assert "Đền Thử" in (out / "map/index.html").read_text(encoding="utf-8")
    assert "Chùa Thử" in (out / "map/index.html").read_text(encoding="utf-8")


def test_a_site_with_no_located_item_has_no_map(tmp_path: Path) -> None:
    from builder.build import SiteBuilder

    root = _small_catalogue(tmp_path / "site", "")
    (root / "content/relics/den.md").write_text("---\nid: DT1\ntitle: Đền Thử\n---\n", encoding="utf-8")
    out = SiteBuilder(root).build().out_dir
    assert not (out / "map").exists()
    assert not any("map" in p.name for p in (out / "static/vendor").iterdir())
    assert "/map/" not in (out / "index.html").read_text(encoding="utf-8")


@pytest.mark.browser
def test_map_page_has_no_serious_accessibility_violations(built_demo: Path, serve_dir, phone) -> None:
    from tests.test_site_in_browser import NODE_TOOLS

    phone.goto(f"{serve_dir(built_demo)}map/")
    phone.wait_for_selector("#map.map-ready")
    phone.evaluate((NODE_TOOLS / "axe-core/axe.min.js").read_text())
    result = phone.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
    )
    assert result == []
