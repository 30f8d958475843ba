"""Deep zoom: large images tiled into IIIF Image API 3 level-0 tiles, cached by content, and
opened on the exhibit page in OpenSeadragon only when a visitor asks, from the site itself."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import pyvips
from PIL import Image

from builder.assets import probe_image
from builder.build import SiteBuilder
from builder.deepzoom import cached_tiles, tiler
from builder.diagnostics import ContentError
from builder.jobs import MEMORY_BUDGET
from builder.media import Derivative, render_derivative
from builder.scaffold import scaffold

IMAGE = "assets/images/toan-canh.jpg"
EXHIBIT = """---
id: HV02
title: Toàn cảnh
images:
  - src: {src}
    alt: Toàn cảnh một phòng trưng bày{zoom}
---
Mô tả.
"""


def _synthetic(path: Path, width: int, height: int) -> Path:
    """Gradients with noise: tiles that differ from each other, as a real scan's do."""
    ramp = pyvips.Image.xyz(width, height)
    image = (ramp[0] * (255 / width)).bandjoin([ramp[1] * (255 / height), pyvips.Image.gaussnoise(width, height)])
    path.parent.mkdir(parents=True, exist_ok=True)
    image.cast("uchar").jpegsave(str(path), Q=85)
    return path


def _site(root: Path, image: Path, zoom: str = "\n    zoom: true", toml: str = "") -> Path:
    scaffold(root)
    shutil.copy(image, root / IMAGE)
    (root / "content/exhibits/toan-canh.md").write_text(EXHIBIT.format(src=IMAGE, zoom=zoom), encoding="utf-8")
    if toml:
        with (root / "site.toml").open("a", encoding="utf-8") as config:
            config.write(toml)
    return root


def test_info_json_is_a_level0_image_service_with_sizes(tmp_path: Path) -> None:
    source = _synthetic(tmp_path / "scan.jpg", 3000, 2000)
    tiles = cached_tiles(source, "digest", tmp_path / "cache")
    info = json.loads((tiles.folder / "info.json").read_text(encoding="utf-8"))
    assert info["@context"] == "http://iiif.io/api/image/3/context.json"
    assert (info["type"], info["profile"], info["protocol"]) == ("ImageService3", "level0", "http://iiif.io/api/image")
    assert (info["width"], info["height"]) == (3000, 2000) == (tiles.width, tiles.height)
    assert info["tiles"] == [{"width": 512, "scaleFactors": [1, 2, 4, 8]}]
    assert info["sizes"] == [{"width": 375, "height": 250}]
    assert "full/375,250/0/default.jpg" in tiles.files
    assert "0,0,512,512/512,512/0/default.jpg" in tiles.files  # full resolution
    assert "2048,0,952,2000/238,500/0/default.jpg" in tiles.files  # scale factor 4
    assert not any(name.endswith(".xml") for name in tiles.files)
    tile = pyvips.Image.new_from_file(str(tiles.folder / "0,0,512,512/512,512/0/default.jpg"))
    assert (tile.width, tile.height, tile.bands) == (512, 512, 3)
    assert not tile.get_fields().count("exif-data")


def test_a_photograph_turned_by_its_exif_orientation_is_tiled_upright(tmp_path: Path) -> None:
    source = _synthetic(tmp_path / "scan.jpg", 1200, 800)
    turned = pyvips.Image.new_from_file(str(source)).copy()
    turned.set_type(pyvips.GValue.gint_type, "orientation", 6)
    turned.jpegsave(str(tmp_path / "turned.jpg"))
    tiles = cached_tiles(tmp_path / "turned.jpg", "turned", tmp_path / "cache")
    assert (tiles.width, tiles.height) == (800, 1200)


def test_a_damaged_scan_is_a_zoom_error_not_a_traceback(tmp_path: Path) -> None:
    source = _synthetic(tmp_path / "scan.jpg", 3000, 2000)
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(source.read_bytes()[: source.stat().st_size // 3])
    with pytest.raises(tiler.ZoomError):
        cached_tiles(cut, "cut", tmp_path / "cache")
    assert not any((tmp_path / "cache").iterdir()), "a failed tiling leaves nothing in the cache"


@pytest.fixture(scope="module")
def zoom_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("zoom")
    image = _synthetic(root / "scan.jpg", 2400, 1600)
    return _site(root / "site", image)


def test_tiles_are_published_under_a_stable_iiif_url_and_cached(zoom_site: Path, monkeypatch) -> None:
    SiteBuilder(zoom_site, jobs=1).build()
    out = zoom_site / "_site"
    [info_path] = list(out.glob("iiif/img/*/info.json"))
    info = json.loads(info_path.read_text(encoding="utf-8"))
    key = info_path.parent.name
    assert info["id"] == f"https://museum.example.vn/iiif/img/{key}"
    assert (info_path.parent / "full/300,200/0/default.jpg").is_file()
    cached = zoom_site / ".disan-cache/deepzoom" / key
    tile = "0,0,512,512/512,512/0/default.jpg"
    assert (out / "iiif/img" / key / tile).stat().st_ino == (cached / tile).stat().st_ino, "linked, not copied"

    def no_tiling(*args: object) -> None:
        raise AssertionError("the second build tiled again")

    monkeypatch.setattr(tiler, "tile_image", no_tiling)
    (zoom_site / "content/exhibits/toan-canh.md").write_text(
        EXHIBIT.format(src=IMAGE, zoom="\n    zoom: true\n    caption: Ảnh mới"), encoding="utf-8"
    )
    SiteBuilder(zoom_site, jobs=1).build()
    assert (out / "iiif/img" / key / "info.json").is_file()


def test_without_script_the_poster_and_a_link_to_the_largest_image_remain(zoom_site: Path) -> None:
    SiteBuilder(zoom_site, jobs=1).build()
    page = (zoom_site / "_site/exhibits/toan-canh/index.html").read_text(encoding="utf-8")
    assert '<a class="zoom-open" href="../../media/' in page and '-1600.jpg"' in page
    assert 'data-info="../../iiif/img/' in page and "<picture>" in page
    assert "vendor/deepzoom." not in page.split('class="zoom-open"')[0], "the viewer is not loaded with the page"
    plain = (zoom_site / "_site/exhibits/hien-vat-mau/index.html").read_text(encoding="utf-8")
    assert "zoom" not in plain


def test_large_images_zoom_without_being_marked_unless_marked_false(tmp_path: Path) -> None:
    image = _synthetic(tmp_path / "scan.jpg", 2400, 1600)
    toml = "\n[deep_zoom]\nmin_pixels = 3000000\n"
    auto = _site(tmp_path / "auto", image, zoom="", toml=toml)
    SiteBuilder(auto, jobs=1).build()
    assert list((auto / "_site").glob("iiif/img/*/info.json"))
    refused = _site(tmp_path / "refused", image, zoom="\n    zoom: false", toml=toml)
    SiteBuilder(refused, jobs=1).build()
    assert not (refused / "_site/iiif/img").exists()
    unused = [*(refused / "_site/static/vendor").glob("deepzoom.*"), *(refused / "_site/static/vendor").glob("zoom.*")]
    assert not unused, "no viewer for a site that needs none"


def test_zoom_viewer_in_chromium_loads_deeper_tiles_from_the_site_only(
    tmp_path: Path, corpus: Path, serve_dir, phone
) -> None:
    """The largest corpus photograph, marked `zoom: true`: the poster first, the viewer only on
    "Phóng to", keyboard zoom that draws the full-resolution tiles, every request to 127.0.0.1."""
    photo = max((corpus / "panoramas").glob("*.jpg"), key=lambda p: p.stat().st_size)
    site = _site(tmp_path / "site", photo)
    SiteBuilder(site, jobs=1).build()
    requested: list[str] = []
    errors: list[str] = []
    phone.on("request", lambda request: requested.append(request.url))
    phone.on("pageerror", lambda error: errors.append(str(error)))
    phone.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    base = serve_dir(site / "_site")
    phone.goto(f"{base}exhibits/toan-canh/", wait_until="load")
    phone.evaluate(
        "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP ' + e.violatedDirective))"
    )
    assert not [url for url in requested if "/iiif/" in url or "deepzoom" in url], "nothing before the click"
    phone.get_by_role("link", name="Phóng to").click()
    phone.wait_for_selector(".zoom-drawn", timeout=30_000)
    phone.evaluate(
        "window.drawn = []; document.querySelector('.zoom-frame').zoomViewer"
        ".addHandler('tile-drawn', (e) => window.drawn.push(e.tile.level))"
    )
    assert phone.evaluate("document.activeElement.classList.contains('openseadragon-canvas')")
    first_tiles = {url for url in requested if "/iiif/img/" in url}
    for _ in range(5):
        phone.keyboard.press("+")
        phone.wait_for_timeout(400)
    phone.wait_for_function(
        "() => { const v = document.querySelector('.zoom-frame').zoomViewer;"
        " return window.drawn.includes(v.world.getItemAt(0).source.maxLevel); }",
        timeout=30_000,
    )
    deeper = {url for url in requested if "/iiif/img/" in url} - first_tiles
    assert any("/512,512/0/default.jpg" in url and ",512,512/" in url for url in deeper), deeper
    spread = phone.evaluate(
        """() => {
          const canvas = document.querySelector('.zoom-stage canvas');
          const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
          let low = 255, high = 0;
          for (let i = 0; i < data.length; i += 4 * 97) {
            low = Math.min(low, data[i]);
            high = Math.max(high, data[i]);
          }
          return high - low;
        }"""
    )
    assert spread > 40, "the zoomed canvas is blank"
    phone.get_by_role("button", name="Toàn màn hình").click()
    phone.get_by_role("button", name="Đóng").click()
    assert phone.locator(".zoom-stage").count() == 0
    assert errors == []
    assert all(url.startswith(base) or url.startswith(("data:", "blob:")) for url in requested)


def test_a_relic_image_zooms_as_an_exhibit_image_does(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(Path(__file__).parent / "fixtures/catalogue", site)
    _synthetic(site / "assets/images/den.jpg", 2400, 1600)
    page = site / "content/relics/den-hung.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("alt: Cổng đền Hùng\n", "alt: Cổng đền Hùng\n    zoom: true\n"),
        encoding="utf-8",
    )
    SiteBuilder(site, jobs=1).build()
    pages = [p.read_text(encoding="utf-8") for p in (site / "_site/relics").rglob("index.html")]
    assert any('class="zoom-open"' in text for text in pages)
    assert list((site / "_site").glob("iiif/img/*/info.json"))


def test_a_scan_beyond_pillows_limit_is_published_when_the_curator_allows_it(tmp_path: Path) -> None:
    """A 192-megapixel scan (Pillow refuses above 179): libvips reads its header and makes its
    copies streaming, so the curator's max_image_pixels decides, and the page shows it zoomable."""
    scan = _synthetic(tmp_path / "scan.jpg", 16000, 12000)
    refused = _site(tmp_path / "refused", scan)
    with pytest.raises(ContentError) as refusal:
        SiteBuilder(refused, jobs=1).build()
    (problem,) = refusal.value.problems
    assert "16000×12000 = 192,000,000 pixels, over the limit" in problem.message
    allowed = _site(tmp_path / "allowed", scan)
    toml = allowed / "site.toml"
    toml.write_text("max_image_pixels = 200000000\n" + toml.read_text(encoding="utf-8"), encoding="utf-8")
    out = SiteBuilder(allowed, jobs=1).build().out_dir
    page = (out / "exhibits/toan-canh/index.html").read_text(encoding="utf-8")
    largest = re.search(r'<a class="zoom-open" href="\.\./\.\./(media/[^"]+-1600\.jpg)"', page).group(1)
    with Image.open(out / largest) as copy:
        assert copy.size == (1600, 1200) and copy.mode == "RGB"
    (info,) = (out / "iiif/img").glob("*/info.json")
    assert json.loads(info.read_text(encoding="utf-8"))["width"] == 16000


def test_a_scan_beyond_pillows_limit_is_streamed_never_opened_by_name(tmp_path: Path, monkeypatch) -> None:
    """libvips maps a file it is given by name whole: a 156 MB scan cost 156 MB more in every
    process that probed, copied or tiled it, and as much again for each copy its operation cache
    kept (a worker making the copies of a 20,000×30,000 scan reached 981 MB). The probe, the
    copies and the tiles of a scan too large for Pillow read it through a stream of disan's own."""
    scan = _synthetic(tmp_path / "scan.jpg", 600, 400)

    def by_name(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"libvips was given the file's name: {args[0]}")

    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # Pillow refuses it as it refuses a 180 MP scan
    monkeypatch.setattr(pyvips.Image, "new_from_file", by_name)
    monkeypatch.setattr(pyvips.Image, "thumbnail", by_name)
    info = probe_image(scan)
    assert (info.width, info.height, info.format, info.error) == (600, 400, "JPEG", "")
    copy = render_derivative(Derivative(scan, "0" * 64, 300, 200, "jpg", 80, ""))
    assert pyvips.Image.new_from_buffer(copy, "").width == 300
    tiler.tile_image(scan, tmp_path / "tiles")
    assert json.loads((tmp_path / "tiles/info.json").read_text(encoding="utf-8"))["width"] == 600


def test_two_600_megapixel_scans_are_not_tiled_side_by_side_but_smaller_ones_are() -> None:
    """The estimate the executor weighs against its budget: 185 MB measured for a 20,000-pixel-wide scan."""
    assert 2 * tiler.tiling_memory(20_000) > MEMORY_BUDGET >= 2 * tiler.tiling_memory(8_000)
