"""The demo museum in real Chromium at phone size: what a visitor sees and can do."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import zxingcpp
from PIL import Image

from tests.conftest import REPO

pytestmark = pytest.mark.browser
NODE_TOOLS = REPO / "tests" / "node" / "node_modules"


def _exhibit_with_images(site: Path) -> tuple[str, str]:
    """(slug, short code) of the first exhibit with images and an English translation."""
    for page in sorted((site / "exhibits").iterdir()):
        html = (page / "index.html").read_text() if (page / "index.html").is_file() else ""
        if "<picture>" in html and (site / "en/exhibits" / page.name).is_dir():
            code = re.search(r'<span class="code">([A-Z0-9]+)</span>', html).group(1)
            return page.name, code
    pytest.fail("the demo has no exhibit with images")


def test_exhibit_page_on_a_phone(built_demo: Path, serve_dir, phone) -> None:
    base = serve_dir(built_demo)
    slug, code = _exhibit_with_images(built_demo)
    phone.goto(f"{base}exhibits/{slug}/")
    title = phone.locator("h1")
    assert title.is_visible() and title.inner_text().strip()
    image = phone.locator("figure.exhibit-image img").first
    image.scroll_into_view_if_needed()
    assert image.get_attribute("alt").strip()
    phone.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    box = image.bounding_box()
    assert 300 <= box["width"] <= 360, "the image fills the phone width"
    rows = phone.locator(".facts tr")
    assert rows.count() >= 3 and rows.first.is_visible()
    assert phone.locator(".facts th").first.inner_text().strip() == "Mã QR"
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a 360 px phone ({width} px)"


def test_language_switch_goes_to_english_and_back(built_demo: Path, serve_dir, phone) -> None:
    base = serve_dir(built_demo)
    slug, _ = _exhibit_with_images(built_demo)
    phone.goto(f"{base}exhibits/{slug}/")
    vietnamese = phone.locator("h1").inner_text()
    phone.locator(".site-menu > summary").tap()
    phone.get_by_role("link", name="English").tap()
    phone.wait_for_url(f"{base}en/exhibits/{slug}/")
    assert phone.locator("html").get_attribute("lang") == "en"
    assert phone.locator("h1").inner_text() != vietnamese
    assert phone.locator(".facts th").first.inner_text().strip() == "QR code"
    phone.locator(".site-menu > summary").tap()
    phone.get_by_role("link", name="Tiếng Việt").tap()
    phone.wait_for_url(f"{base}exhibits/{slug}/")
    assert phone.locator("h1").inner_text() == vietnamese


def test_untranslated_page_is_marked_as_fallback(built_demo: Path, serve_dir, phone) -> None:
    base = serve_dir(built_demo)
    fallbacks = [p for p in (built_demo / "en").rglob("index.html") if "fallback-note" in p.read_text()]
    assert fallbacks, "the demo keeps one page untranslated to show the fallback"
    phone.goto(base + fallbacks[0].relative_to(built_demo).parent.as_posix() + "/")
    note = phone.locator(".fallback-note")
    assert note.is_visible() and "Tiếng Việt" in note.inner_text()


def test_qr_code_decodes_to_a_short_url_that_opens_the_exhibit(built_demo: Path, serve_dir, phone) -> None:
    base = serve_dir(built_demo)
    slug, code = _exhibit_with_images(built_demo)
    decoded = zxingcpp.read_barcodes(Image.open(built_demo / f"q/{code}/qr.png"))
    assert len(decoded) == 1
    short = decoded[0].text
    assert short == f"HTTPS://MUSEUM.EXAMPLE.VN/Q/{code}/"
    phone.goto(base + urlsplit(short).path.lstrip("/"))
    phone.wait_for_url(f"{base}exhibits/{slug}/")
    assert phone.locator(".facts .code").inner_text() == code
    phone.goto(f"{base}q/{code}/")
    phone.wait_for_url(f"{base}exhibits/{slug}/")


def test_keyboard_reaches_the_content_and_the_language_switch(built_demo: Path, serve_dir, phone) -> None:
    base = serve_dir(built_demo)
    slug, _ = _exhibit_with_images(built_demo)
    phone.goto(f"{base}exhibits/{slug}/")
    phone.keyboard.press("Tab")
    skip = phone.evaluate("document.activeElement.className")
    assert skip == "skip-link"
    phone.keyboard.press("Enter")
    assert phone.evaluate("location.hash") == "#main"
    phone.keyboard.press("Shift+Tab")  # back from the content to the menu button
    assert phone.evaluate("document.activeElement.tagName") == "SUMMARY"
    phone.keyboard.press("Enter")
    names = []
    for _ in range(20):  # through the open menu to the language switch, its first item
        phone.keyboard.press("Tab")
        names.append(phone.evaluate("document.activeElement.textContent.trim()"))
        if names[-1] == "English":
            break
    assert names == ["Tiếng Việt", "English"], names


@pytest.mark.skipif(not (NODE_TOOLS / "axe-core").is_dir(), reason="tests/node packages missing: run ./run test")
def test_pages_have_no_serious_accessibility_violations(built_demo: Path, serve_dir, browser) -> None:
    base = serve_dir(built_demo)
    slug, _ = _exhibit_with_images(built_demo)
    axe = (NODE_TOOLS / "axe-core/axe.min.js").read_text()
    context = browser.new_context(viewport={"width": 360, "height": 740}, bypass_csp=True)
    phone = context.new_page()
    for path in (
        "",
        f"exhibits/{slug}/",
        f"en/exhibits/{slug}/",
        "exhibits/",
        "collections/",
        "404.html",
        "tours/",
        "tours/bao-tang/",
        "en/tours/bao-tang/embed/",
        "en/about/",
    ):
        phone.goto(base + path)
        if "bao-tang" in path:
            phone.wait_for_function("() => window.disanTour !== undefined")
            phone.evaluate("() => window.disanTour.complete")
        phone.add_script_tag(content=axe)
        result = phone.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".filter(v => ['serious', 'critical'].includes(v.impact))"
            ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
        )
        assert result == [], f"/{path}: {result}"
    context.close()


@pytest.mark.skipif(not (NODE_TOOLS / "html-validate").is_dir(), reason="tests/node packages missing: run ./run test")
def test_every_page_is_valid_html(built_demo: Path) -> None:
    pages = sorted(str(p) for p in built_demo.rglob("*.html"))
    config = REPO / "tests" / "node" / "htmlvalidate.json"
    run = subprocess.run(
        [str(NODE_TOOLS / ".bin/html-validate"), "--config", str(config), "--formatter", "json", *pages],
        capture_output=True,
        text=True,
    )
    report = json.loads(run.stdout or "[]")
    messages = [f"{r['filePath']}:{m['line']}: {m['ruleId']}: {m['message']}" for r in report for m in r["messages"]]
    assert messages == [] and run.returncode == 0, "\n".join(messages[:30]) or run.stderr
