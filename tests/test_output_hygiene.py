"""What the published folder holds: every language's images, and nothing it should not (no
machine paths either)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from builder.build import SiteBuilder
from builder.scaffold import scaffold
from builder.write import MANIFEST
from tests.helpers import tree_digest

IMG_SRC = re.compile(r'<img [^>]*src="([^"]+)"')


@pytest.fixture
def site(tmp_path: Path) -> Path:
    scaffold(tmp_path / "site")
    return tmp_path / "site"


def _credit(page: Path, caption: str, credit: str) -> None:
    text = page.read_text(encoding="utf-8")
    page.write_text(
        text.replace(f"caption: {caption}", f'caption: {caption}\n    credit: "{credit}"'), encoding="utf-8"
    )


def _shown_images(page: Path) -> list[str]:
    return IMG_SRC.findall(page.read_text(encoding="utf-8"))


def test_a_translation_with_its_own_credit_shows_its_images(site: Path, tmp_path: Path) -> None:
    exhibits = site / "content/exhibits"
    _credit(exhibits / "hien-vat-mau.md", "Hình minh hoạ", "Ảnh: Bảo tàng A")
    _credit(exhibits / "hien-vat-mau.en.md", "Illustration", "Photo: Museum A")
    out = SiteBuilder(site).build(tmp_path / "out").out_dir
    vietnamese = _shown_images(out / "exhibits/hien-vat-mau/index.html")
    english = _shown_images(out / "en/exhibits/hien-vat-mau/index.html")
    assert vietnamese and len(english) == len(vietnamese), "the English page shows the same photos"
    for page, sources in (("exhibits/hien-vat-mau", vietnamese), ("en/exhibits/hien-vat-mau", english)):
        for src in sources:
            assert (out / page / src).resolve().is_file(), f"{src} on {page} is published"
    assert set(english).isdisjoint(vietnamese), "each language's file carries its own credit"


def test_the_same_credit_in_two_languages_is_made_once(site: Path, tmp_path: Path) -> None:
    exhibits = site / "content/exhibits"
    _credit(exhibits / "hien-vat-mau.md", "Hình minh hoạ", "Bảo tàng A")
    _credit(exhibits / "hien-vat-mau.en.md", "Illustration", "Bảo tàng A")
    out = SiteBuilder(site).build(tmp_path / "out").out_dir
    vietnamese = _shown_images(out / "exhibits/hien-vat-mau/index.html")
    english = _shown_images(out / "en/exhibits/hien-vat-mau/index.html")
    assert [Path(src).name for src in english] == [Path(src).name for src in vietnamese]


def test_the_published_folder_does_not_depend_on_where_the_site_lies(site: Path, tmp_path: Path) -> None:
    """The build manifest is published with the site, so it must hold no path of the machine."""
    moved = tmp_path / "elsewhere" / "bao-tang"
    shutil.copytree(site, moved)
    first = SiteBuilder(site).build(site / "_site").out_dir
    second = SiteBuilder(moved).build(moved / "_site").out_dir
    assert tree_digest(first) == tree_digest(second)
    manifest = (first / MANIFEST).read_text(encoding="utf-8")
    assert str(tmp_path) not in manifest and "pytest" not in manifest
