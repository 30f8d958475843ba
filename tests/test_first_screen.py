"""The first screen on a 360×740 phone, as a visitor arriving from a QR code sees it: the header is
one short row, the page's title and its first picture, poster or viewer are in view, and the
header's menu opens by keyboard, by touch and without JavaScript."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

SCREEN = 740
HEADER_MOST = 64
SEEN_ENOUGH = 150  # px of a tall picture that must show above the fold
PAGES_PER_KIND = 2
FIRST_MEDIA = "main picture img, main .model-stage, main .viewer, main .map-canvas, main .collection-image img"
BOXES = """(media) => {
  const box = e => { if (!e) return null; const r = e.getBoundingClientRect(); return {top: r.top, bottom: r.bottom}; };
  return {header: box(document.querySelector('.site-header')), h1: box(document.querySelector('h1')),
          media: box(document.querySelector(media)), width: document.documentElement.scrollWidth};
}"""


def _pages_by_kind(site: Path) -> dict[str, list[str]]:
    """Site paths of every kind of page (the body's kind- class) in every language: every exhibit,
    since a QR code leads there, and the first few pages of each other kind."""
    found: dict[str, list[str]] = defaultdict(list)
    for page in sorted(site.rglob("*.html")):
        match = re.search(r'<body class="kind-([\w-]+)"', page.read_text(encoding="utf-8"))
        if not match:
            continue
        path = page.relative_to(site).as_posix().removesuffix("index.html")
        kind = match[1] + (" en" if path.startswith("en/") else "")
        if match[1] == "exhibit" or len(found[kind]) < PAGES_PER_KIND:
            found[kind].append(path)
    return found


def test_title_and_first_picture_fit_the_first_screen(built_demo: Path, serve_dir, phone) -> None:
    base = serve_dir(built_demo)
    pages = _pages_by_kind(built_demo)
    assert {"exhibit", "exhibit en", "relic", "tour", "tour-embed en", "map", "search", "open-data", "404"} <= set(
        pages
    )
    misses = []
    for kind, paths in sorted(pages.items()):
        for path in paths:
            phone.goto(base + path)
            boxes = phone.evaluate(BOXES, FIRST_MEDIA)
            misses += [f"/{path}: {miss}" for miss in _first_screen_misses(kind.split()[0], boxes)]
    assert misses == [], "\n".join(misses)


def _first_screen_misses(kind: str, boxes: dict) -> list[str]:
    """What a visitor would not see on the first screen of a page of this kind."""
    header, h1, media = boxes["header"], boxes["h1"], boxes["media"]
    if kind == "tour-embed":
        return ["an embedded tour shows the site's header"] if header else []
    misses = []
    if kind.endswith(("-embed", "-print")):  # an object in a lesson's iframe, a QR sheet: no site around them
        if header:
            misses.append("the site's header is shown")
    elif header is None or header["bottom"] > HEADER_MOST:
        misses.append(f"header ends at {header and round(header['bottom'])} px, not within {HEADER_MOST}")
    if h1["bottom"] > SCREEN:
        misses.append(f"the title ends at {round(h1['bottom'])} px")
    if media:
        shown = min(media["bottom"], SCREEN) - media["top"]
        if shown < min(media["bottom"] - media["top"], SEEN_ENOUGH):
            misses.append(f"the first picture shows {round(shown)} px of {round(media['bottom'] - media['top'])}")
    if boxes["width"] > 360:
        misses.append(f"the page is {boxes['width']} px wide")
    return misses


def _open_exhibit(built_demo: Path, serve_dir, page) -> str:
    base = serve_dir(built_demo)
    slug = sorted(p.name for p in (built_demo / "exhibits").iterdir() if p.is_dir())[0]
    page.goto(f"{base}exhibits/{slug}/")
    return base


def _menu_button(page) -> tuple[str, bool]:
    """The menu button's accessible name and expanded state, as Chromium gives them to a screen reader
    (a <summary> is a disclosure button there, with no ARIA role that Playwright's locators know)."""
    tree = page.context.new_cdp_session(page).send("Accessibility.getFullAXTree")
    for node in tree["nodes"]:
        if node.get("role", {}).get("value") == "DisclosureTriangle":
            states = {p["name"]: p["value"]["value"] for p in node.get("properties", [])}
            return node["name"]["value"], states["expanded"]
    pytest.fail("the page has no menu button")


def test_menu_opens_and_closes_by_keyboard(built_demo: Path, serve_dir, phone) -> None:
    _open_exhibit(built_demo, serve_dir, phone)
    menu = phone.locator(".site-menu")
    assert _menu_button(phone) == ("Trình đơn", False)
    for _ in range(3):  # skip link, site name, menu
        phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.tagName") == "SUMMARY"
    assert phone.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid", "focus is visible"
    phone.keyboard.press("Enter")
    assert menu.get_attribute("open") is not None and _menu_button(phone) == ("Trình đơn", True)
    names: list[str] = []
    while "Hiện vật" not in names and len(names) < 8:
        phone.keyboard.press("Tab")
        names.append(phone.evaluate("document.activeElement.textContent.trim()"))
    assert names[:2] == ["Tiếng Việt", "English"] and names[-1] == "Hiện vật", names
    phone.keyboard.press("Escape")
    assert menu.get_attribute("open") is None
    assert phone.evaluate("document.activeElement.tagName") == "SUMMARY", "Escape gives focus back to the button"
    phone.keyboard.press(" ")
    assert menu.get_attribute("open") is not None, "Space opens it too"


def test_menu_opens_by_touch_and_its_links_work(built_demo: Path, serve_dir, phone) -> None:
    base = serve_dir(built_demo)
    phone.goto(f"{base}map/")  # the map's panes sit high in the stacking order: the menu must still cover them
    phone.locator(".site-menu > summary").tap()
    nav = phone.get_by_role("navigation", name="Trình đơn")
    assert nav.is_visible()
    assert nav.get_by_role("link", name="Bản đồ").get_attribute("aria-current") == "page"
    tours = nav.get_by_role("link", name="Tham quan 360°")
    box = tours.bounding_box()
    assert box["height"] >= 44 and box["y"] + box["height"] <= SCREEN
    on_top = phone.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).textContent.trim()", [box["x"] + 10, box["y"] + 10]
    )
    assert on_top == "Tham quan 360°"
    phone.mouse.click(180, SCREEN - 20)  # outside the panel
    assert not nav.is_visible(), "a tap outside closes the menu"
    phone.locator(".site-menu > summary").tap()
    tours.tap()
    phone.wait_for_url(f"{base}tours/")


def test_menu_works_without_javascript(built_demo: Path, serve_dir, browser) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740}, has_touch=True)
    page = context.new_page()
    try:
        base = _open_exhibit(built_demo, serve_dir, page)
        page.locator(".site-menu > summary").tap()
        page.get_by_role("link", name="English").tap()
        page.wait_for_url(f"{base}en/exhibits/**")
        page.locator(".site-menu > summary").click()
        assert page.get_by_role("navigation", name="Menu").get_by_role("link", name="Objects").is_visible()
    finally:
        context.close()


def test_wide_screen_shows_the_links_without_the_button(built_demo: Path, serve_dir, browser) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        _open_exhibit(built_demo, serve_dir, page)
        assert not page.locator(".site-menu > summary").is_visible()
        link = page.get_by_role("navigation", name="Trình đơn").get_by_role("link", name="Hiện vật")
        assert link.is_visible()
        for _ in range(12):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.textContent.trim()") == "Hiện vật":
                break
        assert page.evaluate("document.activeElement.textContent.trim()") == "Hiện vật"
        assert page.locator(".site-header").bounding_box()["height"] <= 120
    finally:
        context.close()
