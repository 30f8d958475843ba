"""Browsing the catalogue by facets: static pages per facet value that need no script, and the
index page's filter, which narrows the whole list in place and keeps the view in its address."""

from __future__ import annotations

import csv
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.catalogue.facets import shelve
from builder.catalogue.kinds import Relic
from builder.cli import main
from builder.config import load_config
from builder.diagnostics import Problems
from builder.load import load_site
from builder.model import ContentModel, Entry, Exhibit
from tests.conftest import REPO, copy_demo

FIXTURE = Path(__file__).parent / "fixtures" / "catalogue"


@pytest.fixture(scope="module")
def model() -> ContentModel:
    problems = Problems()
    config = load_config(FIXTURE, problems)
    assert config is not None
    found = load_site(config, problems)
    assert not problems.errors, problems.errors
    return found


def _values(model: ContentModel, kind: str, lang: str = "vi") -> dict[str, dict[str, list[str]]]:
    """facet → value slug → the entries' titles, as the shelves hold them."""
    return {
        facet.name: {shelf.slug: [e.title for e in shelf.entries] for shelf in shelves}
        for facet, shelves in shelve(model, kind)[lang].facets
    }


def test_a_relic_is_shelved_under_each_of_its_types_in_vietnamese_order(model: ContentModel) -> None:
    facets = _values(model, "relic")
    assert list(facets["type"]) == ["lich-su", "kien-truc-nghe-thuat", "khao-co"], "the closed list's order"
    assert facets["type"]["lich-su"] == ["Chùa Ăn", "Khu di tích lịch sử Đền Hùng"]
    assert facets["type"]["kien-truc-nghe-thuat"] == ["Đình Bảng", "Khu di tích lịch sử Đền Hùng"]
    assert "hon-hop" not in facets["type"], "a value no relic has is not listed"
    assert list(facets["province"]) == ["bac-ninh", "lao-cai", "phu-tho"]
    assert "commune" not in facets, "no commune is shared by two relics: the facet would only repeat the list"
    heritage = _values(model, "heritage")
    assert heritage["type"]["bieu-dat-va-truyen-thong-truyen-khau"] == ["Chữ Nôm Dao"], "old labels are mapped"
    assert heritage["community"]["nguoi-viet"] == ["Hát Xoan", "Tín ngưỡng thờ Hùng Vương"]


def test_every_language_has_the_same_shelves_in_its_own_order(model: ContentModel) -> None:
    shelves = shelve(model, "relic")
    vi, en = shelves["vi"], shelves["en"]
    assert [(f.name, [s.slug for s in v]) for f, v in vi.facets] == [
        (f.name, [s.slug for s in v]) for f, v in en.facets
    ]
    assert [e.title for e in en.shelf("type", "lich-su").entries] == ["Chùa Ăn", "Hung Kings Temple historic site"]
    assert en.shelf("ranking", "quoc-gia").label({"ranking_quoc_gia": "National relic"}) == "National relic"


def test_values_that_fold_to_one_slug_get_their_own_pages(model: ContentModel) -> None:
    relics = model.entries["relic"]
    communes = {"den-hung": "Hà Lộc", "dinh-bang": "Hạ Lộc", "chua-an": "Hà Lộc", "bai-da-co": "Hạ Lộc"}
    edited = {
        slug: {lang: replace(entry, commune=communes[slug]) for lang, entry in by_lang.items()}
        for slug, by_lang in relics.items()
    }
    facets = _values(replace(model, entries={**model.entries, "relic": edited}), "relic")
    assert facets["commune"] == {
        "ha-loc": ["Chùa Ăn", "Khu di tích lịch sử Đền Hùng"],
        "ha-loc-2": ["Bãi đá cổ", "Đình Bảng"],
    }


def test_free_text_period_is_a_facet_once_two_relics_share_it(model: ContentModel) -> None:
    relics = model.entries["relic"]
    periods = {"den-hung": "Thời Hùng Vương", "chua-an": "Thời Lê", "dinh-bang": "Thời  Lê"}

    def with_period(entry: Relic) -> Relic:
        return replace(entry, period=periods.get(entry.slug, ""))

    edited = {slug: {lang: with_period(e) for lang, e in by_lang.items()} for slug, by_lang in relics.items()}
    facets = _values(replace(model, entries={**model.entries, "relic": edited}), "relic")
    assert facets["period"] == {
        "thoi-hung-vuong": ["Khu di tích lịch sử Đền Hùng"],
        "thoi-le": ["Chùa Ăn", "Đình Bảng"],
    }


@pytest.fixture(scope="module")
def demo_model() -> ContentModel:
    problems = Problems()
    config = load_config(REPO, problems)
    assert config is not None
    return load_site(config, problems)


BRONZE = ["Thạp đồng Đào Thịnh", "Trống đồng Hoàng Hạ", "Trống đồng Ngọc Lũ"]


def test_exhibits_are_shelved_by_collection_category_material_and_period(demo_model: ContentModel) -> None:
    facets = _values(demo_model, "exhibit")
    assert list(facets) == ["collection", "category", "material", "period"]
    assert facets["material"]["dong"] == BRONZE
    assert facets["period"]["van-hoa-dong-son-khoang-2-5002-000-nam-truoc"] == BRONZE
    assert facets["collection"]["van-hoa-dong-son"] == BRONZE, "a collection is shelved under its title"
    en = shelve(demo_model, "exhibit")["en"]
    assert en.shelf("material", "dong").word == "Bronze", "same shelf, the value as the language writes it"
    assert en.shelf("collection", "van-hoa-dong-son").word == "The Đông Sơn Culture"


def test_an_exhibit_fact_no_two_exhibits_share_is_no_facet(demo_model: ContentModel) -> None:
    def unique_material(exhibit: Exhibit) -> Exhibit:
        facts = tuple((k, f"{v} {exhibit.slug}" if k == "material" else v) for k, v in exhibit.facts)
        return replace(exhibit, facts=facts)

    edited: dict[str, dict[str, Entry]] = {
        slug: {lang: unique_material(e) for lang, e in by_lang.items()} for slug, by_lang in demo_model.exhibits.items()
    }
    facets = _values(replace(demo_model, entries={**demo_model.entries, "exhibit": edited}), "exhibit")
    assert "material" not in facets and "period" in facets


def _build(site: Path) -> Path:
    result = CliRunner().invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 0, result.output
    return site / "_site"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(Path(shutil.copytree(FIXTURE, tmp_path_factory.mktemp("facets") / "site")))


def test_facet_pages_list_their_entries_with_the_panel_and_counts(built: Path) -> None:
    page = (built / "relics/type/lich-su/index.html").read_text(encoding="utf-8")
    assert "<h1>Loại hình di tích: Lịch sử</h1>" in page
    assert "Chùa Ăn" in page and "Khu di tích lịch sử Đền Hùng" in page and "Đình Bảng</h2>" not in page
    assert '<a href="./" aria-current="page">Lịch sử <span class="facet-n">(2)</span></a>' in page
    assert "vendor/facets." not in page, "a facet page is the no-script view"
    en = (built / "en/relics/ranking/quoc-gia-dac-biet/index.html").read_text(encoding="utf-8")
    assert "<h1>Designation: Special national relic</h1>" in en and "Hung Kings Temple historic site" in en
    index = (built / "relics/index.html").read_text(encoding="utf-8")
    assert '<a href="type/khao-co/">Khảo cổ <span class="facet-n">(1)</span></a>' in index
    assert '<input type="checkbox" name="ranking" value="cap-tinh">' in index and "vendor/facets." in index
    assert (built / "heritage/community/nguoi-dao/index.html").is_file()


def test_the_filter_list_holds_every_entry_with_its_facet_values(built: Path) -> None:
    data = json.loads((built / "en/relics/facets.json").read_text(encoding="utf-8"))
    assert [name for name, _ in data["facets"]] == ["type", "ranking", "province"]
    hung = next(item for item in data["items"] if item["c"] == "DT1")
    assert hung["t"] == "Hung Kings Temple historic site" and hung["u"] == "en/relics/den-hung/"
    types = dict(data["facets"])["type"]
    assert sorted(types[i] for i in hung["f"][0]) == ["kien-truc-nghe-thuat", "lich-su"]
    assert hung["i"].startswith("media/") and hung["i"].endswith(".webp")


def test_facet_pages_are_paginated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from builder.catalogue import plan, render

    monkeypatch.setattr(plan, "PER_INDEX_PAGE", 1)
    monkeypatch.setattr(render, "PER_INDEX_PAGE", 1)
    out = _build(Path(shutil.copytree(FIXTURE, tmp_path / "site")))
    second = (out / "en/relics/type/lich-su/page/2/index.html").read_text(encoding="utf-8")
    assert "Hung Kings Temple historic site" in second and 'rel="prev"' in second
    assert not (out / "en/relics/type/lich-su/page/3").exists()


def test_the_exhibit_index_has_the_panel_and_the_filter_and_each_value_its_pages(built_demo: Path) -> None:
    index = (built_demo / "exhibits/index.html").read_text(encoding="utf-8")
    assert '<a href="material/dong/">Đồng <span class="facet-n">(3)</span></a>' in index
    assert '<input type="checkbox" name="period"' in index and "vendor/facets." in index
    assert 'id="catalogue-list"' in index
    page = (built_demo / "en/exhibits/material/dong/index.html").read_text(encoding="utf-8")
    assert "<h1>Material: Bronze</h1>" in page and "3 of 6" in page
    assert all(title in page for title in ("Ngọc Lũ Bronze Drum", "Đào Thịnh Bronze Jar"))
    data = json.loads((built_demo / "en/exhibits/facets.json").read_text(encoding="utf-8"))
    assert [name for name, _ in data["facets"]] == ["collection", "category", "material", "period"]
    assert len(data["items"]) == 6


def test_an_exhibit_named_like_a_facet_is_an_error_at_its_file(tmp_path: Path) -> None:
    site = copy_demo(tmp_path / "site")
    exhibits = site / "content/exhibits"
    (exhibits / "trong-dong-hoang-ha.md").rename(exhibits / "material.md")
    result = CliRunner().invoke(main, ["build", "--site", str(site)])
    assert result.exit_code != 0
    assert "content/exhibits/material.md:1: error: the page 'material' has the address of the material" in result.output
    assert "Traceback" not in result.output


def _demo_rows() -> list[dict[str, str]]:
    with (REPO / "data/di-tich-ninh-binh.csv").open(encoding="utf-8") as file:
        return list(csv.DictReader(file))


def _titles(page) -> list[str]:
    return [t.strip() for t in page.locator("#catalogue-list .card-title").all_inner_texts()]


@pytest.mark.browser
def test_ticking_facets_narrows_the_list_as_the_static_page_does(built_demo: Path, serve_dir, phone, browser) -> None:
    base = serve_dir(built_demo)
    rows = _demo_rows()
    special = sorted(r["name_vi"] for r in rows if r["ranking"] == "quốc gia đặc biệt")
    phone.goto(f"{base}relics/")
    phone.get_by_text("Lọc theo").click()
    ranking = phone.get_by_role("group", name="Xếp hạng")
    ranking.get_by_label("Di tích quốc gia đặc biệt").check()
    phone.wait_for_function("() => document.querySelectorAll('#catalogue-list .card').length < 34")
    assert sorted(_titles(phone)) == special
    assert phone.locator("#facet-status").inner_text() == f"Hiện {len(special)} trên 34 mục"
    assert "ranking=quoc-gia-dac-biet" in phone.url
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    phone.get_by_role("group", name="Loại hình di tích").get_by_label("Danh lam thắng cảnh").check()
    scenic = sorted(
        r["name_vi"] for r in rows if r["ranking"] == "quốc gia đặc biệt" and "danh lam thắng cảnh" in r["type"]
    )
    phone.wait_for_function(f"() => document.querySelectorAll('#catalogue-list .card').length === {len(scenic)}")
    assert sorted(_titles(phone)) == scenic and 0 < len(scenic) < len(special)

    phone.goto(phone.url)  # the address reproduces the view, with the panel open
    phone.wait_for_function(f"() => document.querySelectorAll('#catalogue-list .card').length === {len(scenic)}")
    assert (
        phone.get_by_label("Danh lam thắng cảnh").is_checked()
        and phone.get_by_label("Danh lam thắng cảnh").is_visible()
    )

    static = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740}).new_page()
    static.goto(f"{base}relics/")
    static.get_by_text("Lọc theo").click()
    assert static.locator("div.facet-form").is_hidden() and static.locator("nav.facets").is_visible()
    static.get_by_role("link", name="Di tích quốc gia đặc biệt").click()
    assert static.url == f"{base}relics/ranking/quoc-gia-dac-biet/"
    assert sorted(_titles(static)) == special
    assert static.evaluate("document.documentElement.scrollWidth") <= 360
    static.context.close()


@pytest.mark.browser
def test_ticking_a_material_narrows_the_exhibit_index(built_demo: Path, serve_dir, phone) -> None:
    phone.goto(f"{serve_dir(built_demo)}exhibits/")
    phone.get_by_text("Lọc theo").click()
    phone.get_by_role("group", name="Chất liệu").get_by_label("Đồng").check()
    phone.wait_for_function("() => document.querySelectorAll('#catalogue-list .card').length === 3")
    assert _titles(phone) == BRONZE and "material=dong" in phone.url
    assert phone.locator("#facet-status").inner_text() == "Hiện 3 trên 6 mục"


def _serious_violations(page) -> list[str]:
    from tests.test_site_in_browser import NODE_TOOLS

    page.evaluate((NODE_TOOLS / "axe-core/axe.min.js").read_text())
    return page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
    )


@pytest.mark.browser
def test_filter_and_facet_pages_have_no_serious_accessibility_violations(built_demo: Path, serve_dir, phone) -> None:
    base = serve_dir(built_demo)
    phone.goto(f"{base}en/relics/?ranking=quoc-gia&type=lich-su")
    phone.wait_for_selector("div.facet-form:not([hidden])")  # the filter opens the panel
    assert _serious_violations(phone) == []
    phone.goto(f"{base}relics/ranking/quoc-gia/")
    phone.get_by_text("Lọc theo").click()
    assert _serious_violations(phone) == []
