"""Load and validate stages: front matter, languages, fallbacks and the rules between files."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.assets import AssetPathError, resolve_asset
from builder.config import load_config
from builder.diagnostics import Problems
from builder.frontmatter import FrontMatterError, parse_document
from builder.load import load_site
from builder.scaffold import scaffold
from builder.urls import suggest_slug


@pytest.fixture
def site(tmp_path: Path) -> Path:
    scaffold(tmp_path / "site")
    return tmp_path / "site"


def test_front_matter_lines_point_at_keys() -> None:
    doc = parse_document("---\nid: TD01\ntitle: No\nimages:\n  - src: a.jpg\n    alt: x\n---\nBody\n")
    assert doc.meta.lines == {"id": 2, "title": 3, "images": 4}
    assert doc.meta["images"][0].lines == {"src": 5, "alt": 6}
    assert doc.body == "Body\n" and doc.body_line == 8


def test_yaml_1_1_surprises_stay_text() -> None:
    doc = parse_document("---\ntitle: No\norigin: on\ndate: 2024-01-02\nretired: true\n---\n")
    assert doc.meta["title"] == "No" and doc.meta["origin"] == "on" and doc.meta["date"] == "2024-01-02"
    assert doc.meta["retired"] is True


@pytest.mark.parametrize(
    "text,line,words",
    [
        ("---\ntitle: a: b\n---\n", 2, "not valid YAML"),
        ("---\ntitle: x\ntitle: y\n---\n", 3, "appears twice"),
        ("---\ntitle: x\n", 1, "no closing"),
        ("---\n- a\n---\n", 2, "key: value"),
    ],
)
def test_front_matter_errors_have_lines(text: str, line: int, words: str) -> None:
    with pytest.raises(FrontMatterError) as error:
        parse_document(text)
    assert error.value.line == line and words in error.value.message and error.value.hint


def test_translation_inherits_ids_and_replaces_text(site: Path) -> None:
    problems = Problems()
    model = load_site(load_config(site, problems), problems)
    vi, en = model.exhibits["hien-vat-mau"]["vi"], model.exhibits["hien-vat-mau"]["en"]
    assert en.id == vi.id == "HV01" and en.collection == "chinh"
    assert en.title == "Sample object" and vi.title == "Hiện vật mẫu"
    assert en.images[0].src == vi.images[0].src and en.images[0].alt.startswith("Drawing")
    assert en.translated and vi.translated
    about_en = model.pages["about"]["en"]
    assert not about_en.translated and about_en.title == "Giới thiệu"


def test_text_is_nfc_normalised(site: Path) -> None:
    decomposed = "Tro\u0302\u0301ng đồng"
    (site / "content/exhibits/hien-vat-mau.md").write_text(f"---\nid: HV01\ntitle: {decomposed}\n---\n")
    problems = Problems()
    model = load_site(load_config(site, problems), problems)
    assert model.exhibits["hien-vat-mau"]["vi"].title == "Trống đồng"


def test_slug_suggestion_handles_vietnamese() -> None:
    assert suggest_slug("Trống đồng Ngọc Lũ") == "trong-dong-ngoc-lu"
    assert suggest_slug("Đền Hùng") == "den-hung"


@pytest.mark.parametrize(
    "src,words",
    [
        ("../x.jpg", "outside"),
        ("/etc/passwd", "absolute"),
        ("assets\\x.jpg", "backslashes"),
        ("assets/images/nope.jpg", "does not exist"),
        ("", "empty"),
    ],
)
def test_asset_paths_stay_inside_the_site(site: Path, src: str, words: str) -> None:
    with pytest.raises(AssetPathError) as error:
        resolve_asset(site, src)
    assert words in error.value.message


def test_symlink_out_of_the_site_is_refused(site: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.jpg"
    secret.write_bytes(b"x")
    (site / "assets/images/link.jpg").symlink_to(secret)
    with pytest.raises(AssetPathError, match="link"):
        resolve_asset(site, "assets/images/link.jpg")


def test_unknown_site_setting_suggests_the_right_one(site: Path) -> None:
    toml = site / "site.toml"
    toml.write_text('lisence = "CC0"\n' + toml.read_text())
    problems = Problems()
    load_config(site, problems)
    assert [(p.code, p.line, p.hint) for p in problems.items] == [("config-unknown-key", 1, "did you mean 'license'?")]


@pytest.mark.parametrize(
    ("table", "hint"),
    [
        ("[offline]\nmax_pak_mb = 20\n", "did you mean 'max_pack_mb'?"),
        ("[offline]\nshort_nam = 'Bảo tàng'\n", "did you mean 'short_name'?"),
        ("[deep_zoom]\nmin_pixel = 100\n", "did you mean 'min_pixels'?"),
    ],
)
def test_a_misspelt_key_in_a_feature_table_is_a_warning_not_silence(site: Path, table: str, hint: str) -> None:
    toml = site / "site.toml"
    toml.write_text(toml.read_text() + "\n" + table)
    problems = Problems()
    load_config(site, problems)
    assert [(p.code, p.hint) for p in problems.items] == [("config-unknown-key", hint)]
