"""The command line as a curator uses it: new, build, check, qr."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import zxingcpp
from click.testing import CliRunner
from PIL import Image

from builder.cli import main


def test_new_museum_builds_and_checks_clean(tmp_path: Path) -> None:
    runner = CliRunner()
    site = tmp_path / "bao-tang"
    assert runner.invoke(main, ["new", str(site)]).exit_code == 0
    check = runner.invoke(main, ["check", "--site", str(site)])
    assert check.exit_code == 0 and "0 error(s), 0 warning(s)" in check.stderr
    build = runner.invoke(main, ["build", "--site", str(site)])
    assert build.exit_code == 0, build.stderr
    assert (site / "_site/exhibits/hien-vat-mau/index.html").is_file()
    assert "1 short code(s) not yet permanent (HV01)" in build.stderr, "said once, as a note"
    assert build.stderr.count("not yet permanent") == 1 and not (site / "shortcodes.toml").exists()


def test_new_refuses_a_folder_with_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    result = CliRunner().invoke(main, ["new", str(tmp_path)])
    assert result.exit_code == 2 and "not empty" in result.stderr
    assert (tmp_path / "notes.txt").read_text() == "x"


def test_build_out_option_and_rebuild_reuses_files(tmp_path: Path) -> None:
    runner = CliRunner()
    site, out = tmp_path / "s", tmp_path / "public"
    runner.invoke(main, ["new", str(site)])
    first = runner.invoke(main, ["build", "--site", str(site), "--out", str(out)])
    second = runner.invoke(main, ["build", "--site", str(site), "--out", str(out)])
    assert first.exit_code == second.exit_code == 0
    assert "0 written" in second.stderr and (out / "index.html").is_file()


def test_kiosk_flag_saves_every_file_and_zips_the_site_only_when_given(tmp_path: Path) -> None:
    """`--kiosk` is the offline feature's own build flag: it reaches its settings and its after-build zip."""
    runner = CliRunner()
    site = tmp_path / "s"
    runner.invoke(main, ["new", str(site)])
    plain = runner.invoke(main, ["build", "--site", str(site)])
    assert plain.exit_code == 0 and "kiosk archive" not in plain.stderr and not (site / "_site-kiosk.zip").exists()
    kiosk = runner.invoke(main, ["build", "--site", str(site), "--kiosk"])
    assert kiosk.exit_code == 0, kiosk.stderr
    assert f"kiosk archive, with a README to run it: {(site / '_site-kiosk.zip').resolve()}" in kiosk.stderr
    assert (site / "_site/offline/packs/kiosk.json").is_file() and (site / "_site-kiosk.zip").is_file()
    assert "--kiosk" in runner.invoke(main, ["build", "--help"]).output


@pytest.mark.browser
def test_label_sheet_prints_scannable_codes_at_least_3_cm(tmp_path: Path, browser) -> None:
    runner = CliRunner()
    site = tmp_path / "s"
    runner.invoke(main, ["new", str(site)])
    sheet = tmp_path / "labels.html"
    result = runner.invoke(main, ["qr", "--site", str(site), "--out", str(sheet)])
    assert result.exit_code == 0 and "1 labels" in result.stderr
    page = browser.new_page(viewport={"width": 900, "height": 1200})
    page.goto(sheet.as_uri())
    label = page.locator(".label").first
    assert "Hiện vật mẫu" in label.inner_text() and "HTTPS://MUSEUM.EXAMPLE.VN/Q/HV01/" in label.inner_text()
    code = page.locator(".label svg").first
    width_mm = code.bounding_box()["width"] * 25.4 / 96
    assert width_mm >= 30, f"the printed code is only {width_mm:.0f} mm wide"
    shot = Image.open(io.BytesIO(code.screenshot()))
    assert [r.text for r in zxingcpp.read_barcodes(shot)] == ["HTTPS://MUSEUM.EXAMPLE.VN/Q/HV01/"]
    page.close()
