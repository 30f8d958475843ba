"""Search: Vietnamese queries with and without marks find the right pages in Chromium at phone
size, exact matches first; the header form works without JavaScript; the index is built once
per content state and is the same bytes for the same content."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from builder.build import SiteBuilder
from builder.search import folded_words

PAGES = {
    # Đền Hùng and Hưng Yên: once tone marks are folded both are "hung"
    "den-hung": ("Đền Hùng", "Khu di tích thờ các vua Hùng trên núi Nghĩa Lĩnh, Phú Thọ."),
    "hung-yen": ("Phố Hiến, Hưng Yên", "Thương cảng cổ bên sông Hồng, tỉnh Hưng Yên."),
    "dinh-lang": ("Đình làng Đình Bảng", "Ngôi đình gỗ thờ thành hoàng ở Bắc Ninh."),
}


def _small_site(root: Path) -> Path:
    """A museum with a handful of pages and exhibits: no images or tours, so it builds in a second."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "site.toml").write_text(
        'title = "Bảo tàng"\nbase_url = "https://museum.example.vn/"\nlanguages = ["vi", "en"]\n', encoding="utf-8"
    )
    for slug, (title, summary) in PAGES.items():
        page = root / "content" / f"{slug}.md"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(f"---\ntitle: {title}\nsummary: {summary}\n---\n{summary}\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def small_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = _small_site(tmp_path_factory.mktemp("search") / "site")
    return SiteBuilder(root).build().out_dir


def test_words_with_stroked_d_are_folded_once() -> None:
    assert folded_words("Đền Hùng, đền Đông Sơn và đền") == "dền dông"
    assert folded_words("Hùng Vương") == ""


def test_unchanged_rebuild_does_not_index_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from builder.search import index

    root = _small_site(tmp_path / "site")
    builder = SiteBuilder(root)
    builder.build()
    first = sorted((root / "_site" / "pagefind").rglob("*"))
    runs: list[int] = []
    real = index._write_index

    def counted(pages: Path, out: Path) -> None:
        runs.append(len(list(pages.iterdir())))
        real(pages, out)

    monkeypatch.setattr(index, "_write_index", counted)
    builder.build()
    assert runs == [], "an unchanged site ran Pagefind again"
    assert sorted((root / "_site" / "pagefind").rglob("*")) == first
    (root / "content" / "den-hung.md").write_text("---\ntitle: Đền Hùng\n---\nĐổi nội dung.\n", encoding="utf-8")
    builder.build()
    assert len(runs) == 1, "an edited page is indexed again"


def test_same_content_gives_the_same_index_bytes(tmp_path: Path) -> None:
    outs = []
    for name in ("a", "b"):
        root = _small_site(tmp_path / name)
        folder = SiteBuilder(root).build().out_dir / "pagefind"
        outs.append({p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()})
    assert outs[0] == outs[1]


def _search(phone, base: str, query: str, lang: str = "") -> list[dict[str, str]]:
    phone.goto(f"{base}{lang}search/?q={query}")
    phone.wait_for_function(
        "() => { const s = document.getElementById('search-status').textContent; return s && !s.endsWith('…'); }"
    )
    return phone.eval_on_selector_all(
        "#search-results a",
        "links => links.map(a => ({href: a.getAttribute('href'),"
        " title: a.querySelector('.search-title').textContent, kind: a.querySelector('.search-kind').textContent,"
        " image: a.querySelector('img') ? a.querySelector('img').getAttribute('src') : ''}))",
    )


@pytest.mark.browser
@pytest.mark.parametrize("query", ["Den Hung", "den hung", "Đền Hùng", "đền hùng"])
def test_den_hung_found_with_or_without_marks(small_site: Path, serve_dir, phone, query: str) -> None:
    results = _search(phone, serve_dir(small_site), query)
    assert results and results[0]["title"] == "Đền Hùng", results
    assert results[0]["kind"] == "Trang"


@pytest.mark.browser
def test_exact_marks_rank_first(small_site: Path, serve_dir, phone) -> None:
    base = serve_dir(small_site)
    assert _search(phone, base, "Hưng")[0]["title"] == "Phố Hiến, Hưng Yên"
    assert _search(phone, base, "Hùng")[0]["title"] == "Đền Hùng"
    status = phone.get_by_role("status")
    assert status.get_attribute("aria-live") == "polite" and "Hùng" in status.inner_text()


@pytest.mark.browser
def test_dong_son_finds_the_bronzes_with_thumbnails(built_demo: Path, serve_dir, phone) -> None:
    base = serve_dir(built_demo)
    results = _search(phone, base, "Dong Son")
    titles = [r["title"] for r in results]
    assert any("Ngọc Lũ" in t for t in titles) and any("Đào Thịnh" in t for t in titles), titles
    assert "Đông Sơn" in titles[0], "a title holding the query's words comes first"
    drum = next(r for r in results if r["title"] == "Trống đồng Ngọc Lũ")  # not the story about it
    assert drum["kind"] == "Hiện vật" and drum["image"].endswith(".webp")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.locator("#search-results a").first.focus()
    phone.keyboard.press("Enter")
    phone.wait_for_url(f"{base}**")
    assert phone.locator("h1").inner_text() in titles
    english = _search(phone, base, "dong son", "en/")
    assert english and all(urlsplit(r["href"]).path.startswith("/en/") for r in english)


@pytest.mark.browser
def test_header_form_reaches_the_search_page_without_javascript(built_demo: Path, serve_dir, browser) -> None:
    base = serve_dir(built_demo)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        page.goto(f"{base}exhibits/")
        page.locator(".site-menu > summary").click()
        page.locator("#site-search-q").fill("Đông Sơn")
        page.locator(".site-search button").click()
        page.wait_for_url(f"{base}search/**")
        assert parse_qs(urlsplit(page.url).query) == {"q": ["Đông Sơn"]}
        assert page.locator("noscript").count() == 1
    finally:
        context.close()


def test_serve_publishes_a_row_edit_first_and_settles_to_a_full_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A one-row edit in `disan serve` is published without running Pagefind; the previous index
    is served until the deferred indexing is swapped in, and the settled folder is the bytes a
    clean full build gives."""
    from builder.search import index
    from builder.serve import DevServer
    from tests.helpers import tree_digest

    root = Path(shutil.copytree(Path(__file__).parent / "fixtures" / "catalogue", tmp_path / "site"))
    server = DevServer(root, "127.0.0.1", 0)
    try:
        server.rebuild()
        served_index = tree_digest(server.out_dir / "pagefind")
        runs: list[Path] = []
        real = index._write_index

        def counted(pages: Path, out: Path) -> None:
            runs.append(out)
            real(pages, out)

        monkeypatch.setattr(index, "_write_index", counted)
        sheet = root / "data" / "di-tich.csv"
        sheet.write_text(sheet.read_text(encoding="utf-8").replace("Đình Bảng,", "Đình Bảng,Đình làng ", 1), "utf-8")
        server.rebuild()
        assert not server.state.problems
        assert runs == [], "the edit waited for Pagefind"
        assert "Đình làng Dinh Bang" in (server.out_dir / "en/relics/dinh-bang/index.html").read_text("utf-8")
        assert tree_digest(server.out_dir / "pagefind") == served_index, "the previous index is served meanwhile"
        assert server.settle() and len(runs) == 1
        assert not server.settle(), "a settled site has nothing left to do"
        clean = Path(shutil.copytree(root, tmp_path / "clean", ignore=shutil.ignore_patterns(".disan-cache")))
        full = SiteBuilder(clean, authoring=True).build(tmp_path / "full").out_dir
        assert tree_digest(server.out_dir) == tree_digest(full)
        assert tree_digest(server.out_dir / "pagefind") != served_index
    finally:
        server.httpd.server_close()
