"""`disan qr`: the printable label sheet holds a scannable label for every short code."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pyvips
import zxingcpp
from click.testing import CliRunner
from PIL import Image

from builder.cli import main

from .conftest import copy_demo

SVG = re.compile(r"<svg.*?</svg>", re.DOTALL)
LABEL = re.compile(r'<section class="label" aria-label="(\w+)">(.*?)</section>', re.DOTALL)


def _decode(svg: str) -> list[str]:
    image = pyvips.Image.svgload_buffer(svg.encode(), scale=8).flatten(background=255)
    return [found.text for found in zxingcpp.read_barcodes(Image.open(io.BytesIO(image.write_to_buffer(".png"))))]


def _demo(tmp_path: Path) -> Path:
    return copy_demo(tmp_path / "demo")


def test_demo_label_sheet_has_every_exhibit_and_scene_code(tmp_path: Path) -> None:
    site, sheet = _demo(tmp_path), tmp_path / "labels.html"
    result = CliRunner().invoke(main, ["qr", "--site", str(site), "--out", str(sheet)])
    assert result.exit_code == 0, result.output
    assert "wrote 43 labels" in result.stderr
    html = sheet.read_text(encoding="utf-8")
    labels = {code: body for code, body in LABEL.findall(html)}
    relics = {f"DT{number}" for number in range(1, 35)}
    assert set(labels) == {"AN01", "GM01", "SP01", "TD01", "TD02", "TD03", "P1", "P2", "P3"} | relics
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", html)
    assert headings == ["Hiện vật (6)", "Các cảnh và điểm tham quan (3)", "Di tích (34)"]
    assert "Chùa Long Đọi Sơn" in labels["DT21"]
    assert html.index('aria-label="TD03"') < html.index("group-scene") < html.index('aria-label="P1"')
    assert "Sân trước" in labels["P1"] and "HTTPS://" in labels["P1"] and "/Q/P1/" in labels["P1"]
    assert "Trống đồng Ngọc Lũ" in labels["TD01"]
    for code in ("TD01", "P2"):
        url = re.search(r'<p class="url">(.*?)</p>', labels[code]).group(1)
        assert url.endswith(f"/Q/{code}/")
        assert _decode(SVG.search(labels[code]).group(0)) == [url]
