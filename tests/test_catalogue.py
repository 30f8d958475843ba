"""The province catalogue: spreadsheets as a content source, relics and intangible heritage."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.build import SiteBuilder
from builder.catalogue.coordinates import Grid, read_grid, to_wgs84
from builder.catalogue.sheets import read_sheet
from builder.catalogue.vocabulary import HERITAGE_TYPES, RANKINGS, RELIC_TYPES
from builder.cli import main
from builder.collation import sort_key
from builder.config import load_config
from builder.diagnostics import Problems
from builder.load import load_site
from builder.model import Origin
from tests.helpers import tree_digest

FIXTURE = Path(__file__).parent / "fixtures" / "catalogue"
MANIFEST = ".disan-manifest.json"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "site"))


def _build(site: Path, out: Path | None = None) -> Path:
    result = CliRunner().invoke(main, ["build", "--site", str(site), *(["--out", str(out)] if out else [])])
    assert result.exit_code == 0, result.output
    return out or site / "_site"


def _pages(folder: Path) -> dict[str, str]:
    return {path: digest for path, digest in tree_digest(folder).items() if path != MANIFEST}


def test_csv_and_xlsx_build_the_same_pages(site: Path, tmp_path: Path) -> None:
    from_csv = _pages(_build(site, tmp_path / "csv"))
    toml = site / "site.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("di-tich.csv", "di-tich.xlsx"), encoding="utf-8")
    from_xlsx = _pages(_build(site, tmp_path / "xlsx"))
    assert "relics/dinh-bang/index.html" in from_csv
    del from_csv["sw.js"], from_xlsx["sw.js"]  # the service worker's version is a digest of the source files
    assert from_csv == from_xlsx


def test_every_row_is_a_page_with_facts_in_both_languages(site: Path) -> None:
    out = _build(site)
    vi = (out / "relics/dinh-bang/index.html").read_text(encoding="utf-8")
    en = (out / "en/relics/dinh-bang/index.html").read_text(encoding="utf-8")
    assert '<h1 id="entry-title">Đình Bảng</h1>' in vi and "Di tích quốc gia" in vi and "28/04/1962" in vi
    assert "Dinh Bang communal house" in en and "National relic" in en and "Architectural and artistic" in en
    assert "Traditional craftsmanship" not in en
    heritage = (out / "en/heritage/chu-nom-dao/index.html").read_text(encoding="utf-8")
    assert "Oral traditions and expressions" in heritage, "the pre-2025 label 'tiếng nói, chữ viết' is mapped"
    assert (out / "exhibits/trong-dong-dong-son/index.html").is_file(), "rows of kind exhibit are exhibits"
    for code in ("DT2", "PVT01", "HV01"):
        assert (out / f"q/{code}/index.html").is_file() and (out / f"q/{code}/qr.svg").is_file()


def test_markdown_file_with_the_rows_id_enriches_it_and_wins(site: Path) -> None:
    out = _build(site)
    vi = (out / "relics/den-hung/index.html").read_text(encoding="utf-8")
    en = (out / "en/relics/den-hung/index.html").read_text(encoding="utf-8")
    assert "Khu di tích lịch sử Đền Hùng" in vi, "the Markdown title wins over the row's"
    assert "quần thể đền chùa" in vi and "<picture>" in vi, "body and images come from the Markdown file"
    assert "1272/QĐ-TTg" in vi and "Di tích quốc gia đặc biệt" in vi, "fields only the row gives are kept"
    assert "Hung Kings Temple historic site" in en
    assert not (out / "relics/den-hung-1").exists()


def test_index_is_in_vietnamese_order(site: Path) -> None:
    out = _build(site)
    html = (out / "relics/index.html").read_text(encoding="utf-8")
    titles = ["Bãi đá cổ", "Chùa Ăn", "Đình Bảng", "Khu di tích lịch sử Đền Hùng"]
    assert [html.index(title) for title in titles] == sorted(html.index(title) for title in titles)


def test_csv_with_bom_semicolons_and_a_quoted_line_break_names_the_right_lines(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes('\ufeffno;name;note\n1;Đền Hùng;"hai\ndòng"\n2;Đình Bảng;một\n'.encode())
    sheet = read_sheet(path, "data/x.csv")
    assert sheet.columns == ("no", "name", "note")
    assert [row.number for row in sheet.rows] == [2, 4]
    assert sheet.rows[1].origin("name") == Origin("data/x.csv", 4)


def test_vietnamese_sort_key() -> None:
    words = ["Đình", "Dinh", "Ăn", "Ân", "An", "Bà", "Ba", "Bá", "Bả", "Bạ", "Bã", "Ơn", "Ôn", "On", "Ưng", "Ung", "Zô"]
    assert sorted(words, key=sort_key) == [
        "An", "Ăn", "Ân", "Ba", "Bà", "Bả", "Bã", "Bá", "Bạ", "Dinh", "Đình", "On", "Ôn", "Ơn", "Ung", "Ưng", "Zô"
    ]  # fmt: skip


def test_vocabularies_accept_unaccented_and_english_spellings() -> None:
    assert RELIC_TYPES.canonical("Kien truc - nghe thuat") == "kiến trúc nghệ thuật"
    assert RELIC_TYPES.canonical("Di tích khảo cổ") == "khảo cổ"
    assert RELIC_TYPES.canonical("scenic landscape") == "danh lam thắng cảnh"
    assert RANKINGS.canonical("Quoc gia dac biet") == "quốc gia đặc biệt"
    assert RANKINGS.canonical("provincial") == "cấp tỉnh"
    assert HERITAGE_TYPES.canonical("Ngữ văn dân gian") == "biểu đạt và truyền thống truyền khẩu"
    assert HERITAGE_TYPES.canonical("Tập quán xã hội") == "tập quán xã hội và tín ngưỡng"
    assert RANKINGS.canonical("national treasure") is None
    assert "did you mean 'quốc gia đặc biệt'" in RANKINGS.hint("quoc gia dac biett")


def test_vn2000_point_converts_to_wgs84_within_a_metre() -> None:
    """No published worked example with full figures was found (searched for one in Vietnamese and
    English); the expected point is derived from PROJ's own EPSG definitions instead: EPSG:9210
    (VN-2000 / TM-3 105-45) to EPSG:4326 through the operation PROJ lists as "Inverse of Vietnam
    TM-3 105-45 + VN-2000 to WGS 84 (2)", i.e. EPSG:6960 with the parameters of Decision
    05/2007/QĐ-BTNMT (dX −191.90441429 m, dY −39.30318279 m, dZ −111.45032835 m, rX −0.00928836″,
    rY 0.01975479″, rZ −0.00427372″, scale 0.252906278 ppm). Computed once with pyproj 3.7.2."""
    north, east = 2353285.0, 587690.0
    expected = (21.27184957735987, 106.5969037532853)
    for grid in (Grid("VN-2000", 105.75), read_grid({"crs": "EPSG:9210"})):
        latitude, longitude = to_wgs84(grid, north, east)
        metres = ((latitude - expected[0]) * 110_574) ** 2 + ((longitude - expected[1]) * 103_800) ** 2
        assert metres**0.5 < 1.0, grid
    latitude, longitude = to_wgs84(Grid("VN-2000", 105.75), north, east)
    shift = ((latitude - 21.2718) ** 2 + (longitude - 106.5969) ** 2) ** 0.5
    assert shift < 0.001


def test_import_writes_markdown_once(site: Path) -> None:
    shutil.rmtree(site / "content/relics")
    runner = CliRunner()
    result = runner.invoke(main, ["import", "data/di-tich.csv", "--site", str(site)])
    assert result.exit_code == 0, result.output
    text = (site / "content/relics/dinh-bang.md").read_text(encoding="utf-8")
    assert text.startswith("---\nid: DT2\ntitle: Đình Bảng\n") and "latitude: 21.1069" in text
    assert (site / "content/relics/dinh-bang.en.md").read_text(encoding="utf-8") == (
        "---\ntitle: Dinh Bang communal house\n---\n"
    )
    again = runner.invoke(main, ["import", "data/di-tich.csv", "--site", str(site)])
    assert again.exit_code == 1 and "nothing was written" in again.stderr
    toml = site / "site.toml"
    toml.write_text(toml.read_text(encoding="utf-8").split("[[catalogue]]")[0], encoding="utf-8")
    check = runner.invoke(main, ["check", "--site", str(site), "--format", "json"])
    assert check.exit_code == 0 and json.loads(check.stdout) == []


def test_edited_row_rebuilds_only_its_pages(site: Path) -> None:
    builder = SiteBuilder(site)
    builder.build()
    before = json.loads((site / "_site" / MANIFEST).read_text())
    data = site / "data/di-tich.csv"
    data.write_text(data.read_text(encoding="utf-8").replace("Lào Cai,Sa Pa", "Lào Cai,Sa Pả"), encoding="utf-8")
    builder.build()
    after = json.loads((site / "_site" / MANIFEST).read_text())
    changed = {path for path in after if before.get(path) != after[path]}
    row_pages = {"relics/bai-da-co/index.html", "en/relics/bai-da-co/index.html"}
    redirects = {"q/DT4/index.html", "Q/DT4/index.html"}  # a stub's key covers its entry's sources
    # the relics' open-data files hold the row; their description and page give the files' sizes
    open_data = {f"open-data/relic.{fmt}" for fmt in ("csv", "json", "geojson")} | {
        "open-data/catalog.jsonld",
        "open-data/index.html",
        "en/open-data/index.html",
    }
    # the index and the facet pages that list the row; its commune is no facet (no other relic shares it)
    listing = {
        f"{lang}relics/{page}index.html"
        for lang in ("", "en/")
        for page in ("", "type/khao-co/", "ranking/cap-tinh/", "province/lao-cai/")
    }
    teaching = {
        "embed/relics/bai-da-co/index.html",
        "en/embed/relics/bai-da-co/index.html",
        "print/relics/bai-da-co/index.html",
        "en/print/relics/bai-da-co/index.html",
    }
    worker = {"sw.js"}  # its version changes with the content: the next visit drops the old caches
    assert changed == row_pages | redirects | open_data | listing | teaching | worker


def test_ten_thousand_rows_load_in_seconds(tmp_path: Path) -> None:
    site = tmp_path / "big"
    (site / "data").mkdir(parents=True)
    (site / "site.toml").write_text(
        (FIXTURE / "site.toml").read_text(encoding="utf-8").split('[[catalogue]]\nsource = "data/di-san')[0],
        encoding="utf-8",
    )
    header = "row_id,name_vi,name_en,type,ranking,decision_no,decision_date,province_2025,commune_2025,"
    header += "location_as_listed,latitude,longitude,zones\n"
    rows = (
        f"{n},Di tích số {n},Relic {n},lịch sử,cấp tỉnh,{n}/QĐ-UBND,01/02/2015,Phú Thọ,Xã {n % 90},"
        f"Thôn {n % 7},{21 + n % 100 / 1000},{105 + n % 100 / 1000},\n"
        for n in range(10_000)
    )
    (site / "data/di-tich.csv").write_text(header + "".join(rows), encoding="utf-8")
    problems = Problems()
    config = load_config(site, problems)
    assert config is not None
    started = time.process_time()  # CPU time: other processes on a shared machine do not count
    model = load_site(config, problems)
    seconds = time.process_time() - started
    assert not problems.errors, problems.errors[:3]
    assert len(model.of_kind("relic")) == 10_000
    print(f"10,000 rows loaded in {seconds:.2f} s of CPU time")
    assert seconds < 10


@pytest.mark.browser
def test_relic_page_on_a_phone(site: Path, serve_dir, phone) -> None:
    base = serve_dir(_build(site))
    phone.goto(f"{base}relics/dinh-bang/")
    assert phone.locator("h1").inner_text().strip() == "Đình Bảng"
    facts = phone.locator(".facts tr")
    assert facts.count() >= 6 and facts.first.is_visible()
    assert phone.locator(".facts th").nth(2).inner_text().strip() == "Xếp hạng"
    assert phone.locator(".facts td").nth(2).inner_text().strip() == "Di tích quốc gia"
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a 360 px phone ({width} px)"
    phone.goto(f"{base}q/DT2/")
    phone.wait_for_url(f"{base}relics/dinh-bang/")


def test_index_pages_are_paginated_in_order(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from builder.catalogue import plan, render

    monkeypatch.setattr(plan, "PER_INDEX_PAGE", 3)
    monkeypatch.setattr(render, "PER_INDEX_PAGE", 3)
    out = _build(site)
    first = (out / "relics/index.html").read_text(encoding="utf-8")
    second = (out / "relics/page/2/index.html").read_text(encoding="utf-8")
    assert "Bãi đá cổ" in first and "Đình Bảng" in first and "Khu di tích" not in first
    assert "Khu di tích lịch sử Đền Hùng" in second and 'rel="prev"' in second
    assert (out / "en/relics/page/2/index.html").is_file()
