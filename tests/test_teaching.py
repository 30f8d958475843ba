"""For teachers: the box on tour, exhibit and relic pages gives an iframe that embeds the page (a
tour at the view the teacher turned to), the link to its single view and a QR sheet to print."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest

from builder.build import SiteBuilder
from builder.config import SiteConfig, load_config
from builder.diagnostics import Problems
from builder.model import Exhibit, Origin
from builder.teaching import iframe_snippet, teacher_box
from builder.tours import Tour
from tests.helpers import HostHeaders
from tests.test_labels import SVG, _decode

CONFIG = SiteConfig(root=Path(), title="Bảo tàng", base_url="https://museum.example.vn/", languages=("vi", "en"))
NOWHERE = Origin("", 0)
SNIPPET = re.compile(r'<textarea class="teacher-snippet"[^>]*>(.*?)</textarea>', re.S)
TOUR = "tours/bao-tang/"
EXHIBIT = "exhibits/trong-dong-ngoc-lu/"
PHOTOGRAPHED = "exhibits/an-hoang-de-chi-bao/"  # pictures, no 3D model
CATALOGUE = Path(__file__).parent / "fixtures" / "catalogue"


def _entry(kind: type, slug: str, title: str, code: str = "", lang: str = "vi") -> Exhibit:
    common = {"body": "", "summary": "", "origin": NOWHERE, "body_origin": NOWHERE, "sources": ()}
    return kind(slug=slug, lang=lang, title=title, id=code, **common)


def test_the_snippet_escapes_every_value() -> None:
    snippet = iframe_snippet('https://a.example/x?a=1&b="2"', 'Đèn "Hoa" <sen> & lá', 480)
    assert snippet.startswith('<iframe src="https://a.example/x?a=1&amp;b=&quot;2&quot;" ')
    assert 'title="Đèn &quot;Hoa&quot; &lt;sen&gt; &amp; lá"' in snippet
    assert snippet.count('"') % 2 == 0 and "<sen>" not in snippet


def test_the_box_gives_absolute_urls_when_published_and_relative_ones_in_the_preview() -> None:
    drum = _entry(Exhibit, "trong-dong", "Trống đồng", "TD01", "en")
    published = teacher_box(CONFIG, drum, authoring=False)
    assert published["embed_url"] == "https://museum.example.vn/en/embed/exhibits/trong-dong/"
    assert 'src="https://museum.example.vn/en/embed/exhibits/trong-dong/"' in published["snippet"]
    assert published["view_url"] == "HTTPS://MUSEUM.EXAMPLE.VN/Q/TD01/" and published["view_path"] == "q/TD01/"
    assert published["print_path"] == "en/print/exhibits/trong-dong/", "the sheet in the teacher's language"
    preview = teacher_box(CONFIG, drum, authoring=True)
    assert preview["embed_url"] == "../../embed/exhibits/trong-dong/"  # from en/exhibits/trong-dong/
    assert 'src="../../embed/exhibits/trong-dong/"' in preview["snippet"]
    tour = teacher_box(CONFIG, _entry(Tour, "den", "Đền"), authoring=False)
    assert tour["embed_url"] == "https://museum.example.vn/tours/den/embed/"
    assert tour["view_url"] == "https://museum.example.vn/tours/den/" and 'height="480"' in tour["snippet"]
    assert teacher_box(CONFIG, _entry(Tour, "den", "Đền"), authoring=True)["embed_url"] == "embed/"


def test_pages_carry_the_folded_box_and_its_pages_exist(built_demo: Path) -> None:
    for page in (EXHIBIT, "en/" + EXHIBIT, TOUR, "relics/" + _a_relic(built_demo) + "/"):
        text = (built_demo / page / "index.html").read_text(encoding="utf-8")
        box = re.search(r'<details class="teacher" id="teacher"[^>]*>', text)
        assert box and " open" not in box.group(0), f"{page}: no folded teacher box"
        snippet = html.unescape(SNIPPET.search(text).group(1))
        src = re.search(r'src="([^"]+)"', snippet).group(1)
        assert src.startswith("https://museum.example.vn/") and "/embed/" in src, src
        assert (built_demo / src.removeprefix("https://museum.example.vn/") / "index.html").is_file(), src
        sheet = re.search(r'href="([^"]*print/[^"]+)"', text).group(1)
        assert (built_demo / page / sheet / "index.html").resolve().is_file(), sheet


def _a_relic(site: Path) -> str:
    return sorted(p.name for p in (site / "relics").iterdir() if (p / "index.html").is_file() and p.name != "page")[0]


def test_only_embed_pages_may_be_framed(built_demo: Path) -> None:
    headers = HostHeaders((built_demo / "_headers").read_text(encoding="utf-8"))

    def framing(url: str) -> str:
        (policy,) = headers.matching(url, "Content-Security-Policy")
        return next(part.strip() for part in policy.split(";") if part.strip().startswith("frame-ancestors"))

    assert framing("/embed/" + EXHIBIT) == "frame-ancestors *"
    assert framing("/en/embed/" + EXHIBIT) == "frame-ancestors *"
    for url in ("/" + EXHIBIT, "/en/" + EXHIBIT, "/print/" + EXHIBIT, "/" + TOUR):
        assert framing(url) == "frame-ancestors 'self'", url
    embed = (built_demo / "embed" / EXHIBIT / "index.html").read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex">' in embed and 'class="site-header"' not in embed
    sitemap = (built_demo / "sitemap.xml").read_text(encoding="utf-8")
    assert f"/{EXHIBIT}</loc>" in sitemap and "/embed/" not in sitemap and "/print/" not in sitemap


def test_the_print_sheet_holds_eight_cards_whose_code_opens_the_short_url(built_demo: Path) -> None:
    text = (built_demo / "print" / EXHIBIT / "index.html").read_text(encoding="utf-8")
    cards = re.findall(r'<li class="print-card".*?</li>', text, re.S)
    assert len(cards) == 8
    qr_image = re.search(r'<img class="print-qr" src="([^"]+)"', cards[0]).group(1)
    assert qr_image == "../../../q/TD01/qr.svg"
    assert _decode((built_demo / "q" / "TD01" / "qr.svg").read_text(encoding="utf-8")) == [
        "HTTPS://MUSEUM.EXAMPLE.VN/Q/TD01/"
    ]
    titles = re.findall(r'<p class="print-title" lang="(\w+)">([^<]+)</p>', cards[0])
    assert titles == [("vi", "Trống đồng Ngọc Lũ"), ("en", "Ngọc Lũ Bronze Drum")], titles
    assert "@media print" in next((built_demo / "static").glob("style.*.css")).read_text(encoding="utf-8")
    english = (built_demo / "en/print" / EXHIBIT / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in english and 'href="../../../exhibits/' in english, "its words and way back in English"
    tour_sheet = (built_demo / "print" / TOUR / "index.html").read_text(encoding="utf-8")
    assert _decode(SVG.search(tour_sheet).group(0)) == ["https://museum.example.vn/" + TOUR]


@pytest.mark.browser
def test_a_teacher_embeds_the_tour_at_the_view_they_turned_to(built_demo: Path, serve_dir, phone) -> None:
    base = serve_dir(built_demo)
    phone.goto(base + TOUR)
    phone.wait_for_function("() => window.disanTour !== undefined")
    phone.evaluate("() => window.disanTour.ready")
    phone.wait_for_function("() => location.hash.startsWith('#scene=')")
    assert 'embed/" title=' in phone.locator("#teacher-snippet").input_value(), "unmoved: the tour itself"
    phone.evaluate("() => window.disanTour.goto('phong-dong-son', {yaw: 47, pitch: -5, fov: 70})")
    phone.wait_for_function("() => Math.abs(window.disanTour.getView().yaw - 47) < 0.5")
    phone.locator("#teacher > summary").click()
    phone.wait_for_function("() => document.getElementById('teacher-snippet').value.includes('phong-dong-son')")
    snippet = phone.locator("#teacher-snippet").input_value()
    src = html.unescape(re.search(r'src="([^"]+)"', snippet).group(1))
    assert src.startswith("https://museum.example.vn/" + TOUR + "embed/#scene=phong-dong-son&"), src
    yaw = float(re.search(r"yaw=(-?[\d.]+)", src).group(1))
    assert abs(yaw - 47) <= 2, src
    assert phone.locator("#teacher-view").inner_text().endswith(src.partition("#")[2])
    phone.locator(".tour-tools [data-action=embed]").click()
    assert phone.evaluate("document.activeElement.id") == "teacher-snippet", "the tool bar's embed button leads here"

    phone.goto(src.replace("https://museum.example.vn/", base))
    phone.wait_for_function("() => window.disanTour !== undefined")
    phone.evaluate("() => window.disanTour.ready")
    assert phone.evaluate("() => window.disanTour.currentScene()") == "phong-dong-son"
    assert abs(phone.evaluate("() => window.disanTour.getView().yaw") - 47) <= 2


@pytest.mark.browser
def test_an_exhibit_snippet_frames_its_picture(built_demo: Path, serve_dir, phone, tmp_path: Path) -> None:
    base = serve_dir(built_demo)
    phone.goto(base + PHOTOGRAPHED)
    phone.keyboard.press("End")
    summary = phone.locator("#teacher > summary")
    summary.focus()
    phone.keyboard.press("Enter")
    assert phone.locator("#teacher-snippet").is_visible()
    snippet = phone.locator("#teacher-snippet").input_value().replace("https://museum.example.vn/", base)
    (tmp_path / "lesson.html").write_text(f"<!doctype html><title>Bài học</title>{snippet}", encoding="utf-8")
    phone.goto(serve_dir(tmp_path) + "lesson.html")
    frame = phone.frame_locator("iframe")
    picture = frame.locator(".exhibit-image img")
    picture.wait_for(state="visible", timeout=15000)
    assert picture.evaluate("img => img.complete && img.naturalWidth > 0")
    assert frame.locator("h1").inner_text() == "Ấn vàng “Hoàng đế chi bảo”"
    credit = frame.locator(".embed-credit a")
    assert credit.get_attribute("target") == "_blank" and credit.get_attribute("href").endswith(PHOTOGRAPHED)


@pytest.mark.browser
def test_the_print_sheet_prints_on_one_a4_page(built_demo: Path, serve_dir, browser) -> None:
    page = browser.new_page()
    try:
        page.goto(serve_dir(built_demo) + "print/" + EXHIBIT)
        assert page.locator("[data-action=print]").is_visible(), "the Print button shows with JavaScript"
        page.emulate_media(media="print")
        assert not page.locator(".print-head").is_visible()
        pdf = page.pdf(format="A4")
    finally:
        page.close()
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1


def test_a_site_may_leave_out_the_teaching_pages(tmp_path: Path) -> None:
    """`[teaching] pages = false`: no embed pages, QR sheets or teacher box (a province catalogue's
    four pages a row), while the short codes and their QR images stay; a value not a boolean is an
    error that says where."""
    site = Path(shutil.copytree(CATALOGUE, tmp_path / "site"))
    toml = site / "site.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "\n[teaching]\npages = false\n", encoding="utf-8")
    out = SiteBuilder(site).build(tmp_path / "out").out_dir
    assert not (out / "embed").exists() and not (out / "print").exists() and not (out / "en/print").exists()
    page = (out / "relics/bai-da-co/index.html").read_text(encoding="utf-8")
    assert 'class="teacher"' not in page and "print/" not in page
    assert (out / "q/DT4/qr.svg").is_file() and (out / "Q/DT4/index.html").is_file()
    toml.write_text(toml.read_text(encoding="utf-8").replace("pages = false", 'pages = "no"'), encoding="utf-8")
    problems = Problems()
    assert load_config(site, problems) is not None
    (problem,) = problems.items
    assert (problem.file, problem.code, problem.level) == ("site.toml", "config-teaching", "error")
    assert "true or false" in problem.message
