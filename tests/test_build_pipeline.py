"""Plan, render and write stages end to end on small generated sites."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from builder.build import SiteBuilder
from builder.diagnostics import ContentError
from builder.iiif.manifest import PRESENTATION_CONTEXT
from builder.scaffold import scaffold
from builder.write import MANIFEST, _remove_leftovers
from tests.helpers import tree_digest, write_exhibits


@pytest.fixture
def site(tmp_path: Path) -> Path:
    scaffold(tmp_path / "site")
    return tmp_path / "site"


def test_same_input_gives_byte_identical_output(site: Path, tmp_path: Path) -> None:
    first = SiteBuilder(site).build(tmp_path / "a").out_dir
    second = SiteBuilder(site, jobs=2).build(tmp_path / "b").out_dir
    assert tree_digest(first) == tree_digest(second)


def test_parallel_rendering_gives_the_same_bytes(site: Path, tmp_path: Path) -> None:
    write_exhibits(site, 120)
    serial = SiteBuilder(site, jobs=1).build(tmp_path / "serial")
    parallel = SiteBuilder(site, jobs=2).build(tmp_path / "parallel")
    assert serial.write.written > 400, "enough outputs to take the parallel path"
    assert tree_digest(serial.out_dir) == tree_digest(parallel.out_dir)


def test_incremental_rebuild_equals_clean_build(site: Path, tmp_path: Path) -> None:
    write_exhibits(site, 30)
    builder = SiteBuilder(site)
    out = tmp_path / "out"
    builder.build(out)
    page = site / "content/exhibits/vat-0007.md"
    # the title keeps its place in the alphabetical order, so the home page's featured list stays the same
    page.write_text(page.read_text().replace("Hiện vật số 7", "Hiện vật số 7 đã sửa"), encoding="utf-8")
    result = builder.build(out)
    # its pages, embeds and QR sheet (teaching/), and the pages listing it
    assert 0 < result.write.written < 25, "only the edited exhibit and the pages listing it are rendered"
    assert result.write.reused > 100
    clean_cache = tmp_path / "clean"
    clean = SiteBuilder(site).build(clean_cache).out_dir
    assert tree_digest(out) == tree_digest(clean)
    assert "Hiện vật số 7 đã sửa" in (out / "exhibits/vat-0007/index.html").read_text()


def test_an_unchanged_rebuild_leaves_the_output_alone_but_puts_back_a_deleted_file(site: Path, tmp_path: Path) -> None:
    builder = SiteBuilder(site)
    out = builder.build(tmp_path / "out").out_dir
    folder = out.stat().st_ino
    unchanged = builder.build(out)
    assert unchanged.write.written == 0 and out.stat().st_ino == folder, "no new tree staged and swapped in"
    (out / "q/HV01/qr.png").unlink()
    restored = builder.build(out)
    assert restored.write.written == 1
    assert tree_digest(out) == tree_digest(SiteBuilder(site).build(tmp_path / "clean").out_dir)


def test_outputs_with_one_key_are_made_once(site: Path, tmp_path: Path) -> None:
    """The /Q/ stub a phone reaches has the /q/ stub's key and bytes: one file, two names."""
    out = SiteBuilder(site).build(tmp_path / "out").out_dir
    assert (out / "Q/HV01/index.html").samefile(out / "q/HV01/index.html")


def test_theme_override_replaces_one_file(site: Path, tmp_path: Path) -> None:
    override = site / "themes/default/templates/404.html"
    override.parent.mkdir(parents=True)
    override.write_text('{% extends "base.html" %}{% block main %}<h1>Lạc đường rồi</h1>{% endblock %}')
    out = SiteBuilder(site).build(tmp_path / "out").out_dir
    assert "Lạc đường rồi" in (out / "404.html").read_text()
    assert "Hiện vật mẫu" in (out / "exhibits/hien-vat-mau/index.html").read_text()


def test_text_is_escaped_and_pages_carry_a_strict_csp(site: Path, tmp_path: Path) -> None:
    page = site / "content/exhibits/hien-vat-mau.md"
    text = page.read_text().replace("summary: Một hiện vật để bắt đầu.", 'summary: "Tom & Jerry \\"quote\\""')
    page.write_text(text + "\n<script>alert(1)</script>\n[x](javascript:alert(1))\n")
    out = SiteBuilder(site).build(tmp_path / "out").out_dir
    html = (out / "exhibits/hien-vat-mau/index.html").read_text()
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "javascript:" not in html
    assert "Tom &amp; Jerry &#34;quote&#34;" in html
    assert "default-src &#39;none&#39;; script-src &#39;self&#39;" in html
    # names that are http: by their specifications and never fetched (the SVG namespace, the IIIF context)
    assert "http://" not in html.replace("http://www.w3.org", "").replace(PRESENTATION_CONTEXT, "")


def test_raw_html_can_be_allowed_in_site_toml(site: Path, tmp_path: Path) -> None:
    toml = site / "site.toml"
    toml.write_text(toml.read_text().replace('theme = "default"', 'theme = "default"\n[markdown]\nraw_html = true'))
    (site / "content/about.md").write_text("---\ntitle: Giới thiệu\n---\n<kbd>Ctrl</kbd>\n")
    out = SiteBuilder(site).build(tmp_path / "out").out_dir
    assert "<kbd>Ctrl</kbd>" in (out / "about/index.html").read_text()


def test_qr_png_decodes_to_the_short_url(site: Path, tmp_path: Path) -> None:
    out = SiteBuilder(site).build(tmp_path / "out").out_dir
    found = zxingcpp.read_barcodes(Image.open(out / "q/HV01/qr.png"))
    assert [(r.text, r.ec_level) for r in found] == [("HTTPS://MUSEUM.EXAMPLE.VN/Q/HV01/", "M")]
    svg = (out / "q/HV01/qr.svg").read_text()
    assert svg.startswith("<svg") and 'viewBox="0 0 33 33"' in svg, "version 2 + 4-module quiet zone"
    for prefix in ("q", "Q"):
        stub = (out / prefix / "HV01/index.html").read_text()
        assert 'http-equiv="refresh" content="0; url=../../exhibits/hien-vat-mau/"' in stub


def test_new_codes_are_recorded_and_a_vanished_code_fails(site: Path, tmp_path: Path) -> None:
    SiteBuilder(site).build(tmp_path / "out", release=True)
    registry = (site / "shortcodes.toml").read_text()
    assert '[HV01]\nkind = "exhibit"\nslug = "hien-vat-mau"' in registry
    (site / "content/exhibits/hien-vat-mau.en.md").unlink()
    (site / "content/exhibits/hien-vat-mau.md").unlink()
    with pytest.raises(ContentError) as error:
        SiteBuilder(site).build(tmp_path / "out")
    assert [p.code for p in error.value.problems] == ["shortcode-vanished"]


def test_retired_exhibit_keeps_its_page_and_code(site: Path, tmp_path: Path) -> None:
    page = site / "content/exhibits/hien-vat-mau.md"
    page.write_text(page.read_text().replace("category:", "retired: true\ncategory:"))
    out = SiteBuilder(site).build(tmp_path / "out").out_dir
    assert "không còn trưng bày" in (out / "exhibits/hien-vat-mau/index.html").read_text()
    assert (out / "q/HV01/index.html").is_file()


def test_images_are_upright_sized_and_stripped_but_credited(site: Path, tmp_path: Path) -> None:
    sideways = Image.new("RGB", (300, 1000), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x8825] = {2: (10.0, 20.0, 30.0)}
    sideways.save(site / "assets/images/hien-vat-mau.jpg", exif=exif.tobytes())
    page = site / "content/exhibits/hien-vat-mau.md"
    credit = '\n    credit: "Ảnh: Bảo tàng A"'
    page.write_text(page.read_text().replace("caption: Hình minh hoạ", "caption: Hình minh hoạ" + credit))
    out = SiteBuilder(site).build(tmp_path / "out").out_dir
    derivatives = sorted((out / "media").iterdir())
    assert {p.suffix for p in derivatives} == {".jpg", ".webp"}
    for path in derivatives:
        with Image.open(path) as image:
            assert image.width > image.height, f"{path.name} is not upright"
            assert image.width <= 1000, "never larger than the source"
            exif = image.getexif()
            assert exif.get(0x0112) is None and not exif.get_ifd(0x8825), "GPS and orientation are stripped"
            assert exif.get(0x8298) == "Anh: Bao tang A"
            assert '<rdf:li xml:lang="x-default">Ảnh: Bảo tàng A</rdf:li>' in image.info["xmp"].decode()
    html = (out / "exhibits/hien-vat-mau/index.html").read_text()
    assert 'width="1000" height="300"' in html and "480w" in html and 'type="image/webp"' in html


def test_build_refuses_a_folder_it_did_not_make(site: Path, tmp_path: Path) -> None:
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.docx").write_text("x")
    with pytest.raises(ContentError) as error:
        SiteBuilder(site).build(precious)
    assert error.value.problems[0].code == "output-folder"
    assert (precious / "thesis.docx").is_file()


def test_sigkill_mid_build_leaves_previous_output_intact(site: Path) -> None:
    write_exhibits(site, 600)
    out = site / "_site"
    SiteBuilder(site).build(out)
    before = tree_digest(out)
    (site / "assets/images/hien-vat-mau.jpg").write_bytes(_jpeg((9, 9, 200)))
    for page in (site / "content/exhibits").glob("vat-*.md"):
        page.write_text(page.read_text() + "\nThêm một câu.\n", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-c", "from builder.cli import run; run()", "build", "--site", str(site), "--jobs", "1"],
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    staging = site / f"_site.tmp-{process.pid}"
    while time.monotonic() < deadline:
        if staging.is_dir() and sum(1 for _ in staging.rglob("*.html")) > 100:
            break
        time.sleep(0.01)
    else:
        pytest.fail("the build never got half-way")
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert tree_digest(out) == before
    SiteBuilder(site).build(out)
    assert not list(site.glob("_site.*")), "the next build tidies what the killed one left"
    assert "Thêm một câu" in (out / "exhibits/vat-0001/index.html").read_text()


def test_a_site_caught_mid_swap_is_put_back(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    dead = tmp_path / "_site.old-999999"
    dead.mkdir()
    (dead / MANIFEST).write_text("{}")
    _remove_leftovers(out)
    assert (out / MANIFEST).is_file() and not dead.exists()


def _jpeg(color: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), color).save(buffer, "JPEG")
    return buffer.getvalue()


def test_build_cache_setting_moves_the_cache(tmp_path: Path) -> None:
    """`[build] cache` (a folder a cluster's workers share) holds the derivatives; `--cache-dir` wins over it."""
    root = tmp_path / "site"
    scaffold(root)
    with (root / "site.toml").open("a", encoding="utf-8") as config:
        config.write('\n[build]\ncache = "../shared-cache"\n')
    SiteBuilder(root).build()
    assert any((tmp_path / "shared-cache/media").iterdir()) and not (root / ".disan-cache").exists()
    SiteBuilder(root, cache=tmp_path / "given").build(tmp_path / "out")
    assert any((tmp_path / "given/media").iterdir())
