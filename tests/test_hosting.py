"""`_headers`: each page type gets the policy it needs, and only tour embeds may be framed.

The browser tests in this suite are served with these headers applied (see conftest), so a
policy too narrow for a page breaks that page's own tests; here, what is left: coverage,
framing, and that no header is wider than the page asked for.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.helpers import HostHeaders

META_CSP = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)"')


def _policy(text: str) -> dict[str, set[str]]:
    directives = (part.split() for part in text.split(";") if part.strip())
    return {name: set(values) for name, *values in directives}


def _pages(site: Path) -> dict[str, Path]:
    """Every HTML page by the URL paths a visitor may use for it."""
    urls = {}
    for page in site.rglob("*.html"):
        path = "/" + page.relative_to(site).as_posix()
        urls[path] = page
        if path.endswith("/index.html"):
            urls[path.removesuffix("index.html")] = page
    return urls


def test_every_page_gets_exactly_one_policy_that_covers_its_own(built_demo: Path) -> None:
    headers = HostHeaders((built_demo / "_headers").read_text(encoding="utf-8"))
    embeds = 0
    for url, page in sorted(_pages(built_demo).items()):
        policies = headers.matching(url, "Content-Security-Policy")
        assert len(policies) == 1, f"{url} is matched by {len(policies)} policies: {policies}"
        header = _policy(policies[0])
        framing = header.pop("frame-ancestors")
        # a lesson frames a story whole, and with it the map its steps show
        if "/embed/" in url or url.startswith(("/stories/", "/en/stories/", "/map/", "/en/map/")):
            embeds += 1
            assert framing == {"*"}, url
        else:
            assert framing == {"'self'"}, f"{url} may be framed by {framing}"
        meta = META_CSP.search(page.read_text(encoding="utf-8"))
        if meta is None:
            continue
        asked = _policy(meta.group(1).replace("&#39;", "'"))
        for directive, sources in asked.items():
            assert sources <= header.get(directive, header["default-src"]), (url, directive)
    assert embeds >= 2, "the demo's tour embeds (vi and en) were not checked"


def test_a_plain_page_is_not_given_the_3d_policy(built_demo: Path) -> None:
    headers = HostHeaders((built_demo / "_headers").read_text(encoding="utf-8"))
    about = _policy(headers.matching("/about/", "Content-Security-Policy")[0])
    exhibit = next(p for p in _pages(built_demo) if p.startswith("/exhibits/") and p.count("/") == 3)
    model_page = _policy(headers.matching(exhibit, "Content-Security-Policy")[0])
    assert "'wasm-unsafe-eval'" not in about["script-src"] and "blob:" not in about["img-src"]
    assert "'wasm-unsafe-eval'" in model_page["script-src"]


def test_a_lesson_on_another_site_can_frame_the_tour_embed_but_not_other_pages(
    built_demo: Path, serve_dir, browser, tmp_path: Path
) -> None:
    """A teacher's lesson page on another origin (localhost, not 127.0.0.1) frames the museum."""
    base = serve_dir(built_demo)
    tour = next(p.parent.parent.name for p in (built_demo / "tours").glob("*/embed/index.html"))
    (tmp_path / "lesson.html").write_text(
        f"<!doctype html><title>Bài học</title>"
        f'<iframe name="embed" src="{base}tours/{tour}/embed/"></iframe>'
        f'<iframe name="tour" src="{base}tours/{tour}/"></iframe>'
        f'<iframe name="about" src="{base}about/"></iframe>',
        encoding="utf-8",
    )
    lesson = serve_dir(tmp_path).replace("127.0.0.1", "localhost") + "lesson.html"
    page = browser.new_page()
    try:
        page.goto(lesson)
        page.wait_for_load_state("load")
        frames = {frame.name: frame for frame in page.frames if frame.name}
        frames["embed"].wait_for_selector("#tour-data", state="attached", timeout=15000)
        assert frames["embed"].url.startswith(base)
        for blocked in ("tour", "about"):
            assert not frames[blocked].url.startswith(base) or not frames[blocked].query_selector("main"), (
                f"the {blocked} page loaded inside another site's frame"
            )
    finally:
        page.close()


def test_open_data_files_get_their_registered_content_types(built_demo: Path) -> None:
    """Hosts that do not know .geojson or .jsonld would send them as octet-stream; `_headers` names them."""
    headers = HostHeaders((built_demo / "_headers").read_text(encoding="utf-8"))
    expected = {".geojson": "application/geo+json; charset=utf-8", ".jsonld": "application/ld+json; charset=utf-8"}
    typed = sorted(p for p in built_demo.rglob("*") if p.suffix in expected)
    assert {p.name for p in typed} >= {"relic.geojson", "relic-zones.geojson", "catalog.jsonld"}
    for path in typed:
        url = "/" + path.relative_to(built_demo).as_posix()
        assert headers.matching(url, "Content-Type") == [expected[path.suffix]], url
    assert headers.matching("/open-data/relic.csv", "Content-Type") == []
