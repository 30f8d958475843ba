"""Text that reaches a page: links a browser would run, inline JSON, Windows line endings.

Issue 13 items 5, 6 and 7, with Hypothesis properties: no input gives a traceback, a
script-running href, or a JSON block that changes the HTML parser's state.
"""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.cli import main
from builder.frontmatter import FrontMatterError, parse_document
from builder.markup import inline_json, is_safe_url, make_markdown, render_markdown

BROKEN = Path(__file__).parent / "fixtures" / "broken"
RUNNABLE = re.compile(r"^(?:javascript|vbscript|data|file):", re.IGNORECASE)


class _Hrefs(HTMLParser):
    """Collect href/src values exactly as a browser decodes them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value or "" for name, value in attrs if name in ("href", "src")]


def _browser_url(value: str) -> str:
    """What the URL parser sees: tabs and newlines removed, C0 controls and spaces trimmed."""
    return re.sub(r"[\t\n\r]", "", value).strip("".join(map(chr, range(0x21))))


def _hrefs(markdown_text: str) -> list[str]:
    parser = _Hrefs()
    parser.feed(render_markdown(make_markdown(raw_html=False), markdown_text))
    return [_browser_url(url) for url in parser.urls]


@pytest.mark.parametrize(
    "link",
    [
        "&#106;avascript:alert(1)",
        "javascript&colon;alert(1)",
        "java&#x09;script:alert(1)",
        "&#x6A;avascript&#58;alert(1)",
        "&#0000106avascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "&#32;javascript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>",
        "java&NewLine;script:alert(1)",
        "javascript&Tab;:alert(1)",
    ],
)
def test_script_links_are_refused_after_entity_decoding(link: str) -> None:
    assert _hrefs(f"[a]({link}) ![i]({link})") == ["#", "#"]
    assert not is_safe_url(link)


@pytest.mark.parametrize(
    "link",
    [
        "https://dsvh.gov.vn/a?b=1&c=2",
        "http://x.vn",
        "mailto:bao-tang@x.vn",
        "tel:+842439360000",
        "/exhibits/trong-dong/",
        "../tours/",
        "anh.jpg",
        "#chu-thich",
        "?lang=en",
    ],
)
def test_ordinary_links_are_kept(link: str) -> None:
    assert _hrefs(f"[a]({link})") == [link]


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("javscriptJAVS:&#;x0169 \t\n()<>[]/\\.%colonTab")) | st.characters(), max_size=40
    )
)
def test_no_markdown_link_yields_a_script_running_href(target: str) -> None:
    for url in _hrefs(f"[a]({target}) <{target}> ![b]({target})"):
        assert not RUNNABLE.match(url), url


@settings(max_examples=300, deadline=None)
@given(
    st.recursive(
        st.text() | st.integers() | st.booleans() | st.none(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
        max_leaves=12,
    )
)
def test_inline_json_round_trips_and_never_opens_markup(value: object) -> None:
    text = str(inline_json(value))
    assert json.loads(text) == value
    assert not set(text) & {"<", ">", "&", "\u2028", "\u2029"}


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_front_matter_never_gives_a_traceback(text: str) -> None:
    try:
        parse_document("---\n" + text + "\n---\nbody")
        parse_document(text)
    except FrontMatterError as problem:
        assert problem.line >= 0 and problem.message and problem.hint


def test_crlf_and_bom_front_matter_is_read() -> None:
    parsed = parse_document("\ufeff---\r\nid: AB01\r\ntitle: Trống đồng\r\n---\r\nThân bài\r\n")
    assert parsed.meta["title"] == "Trống đồng"
    assert parsed.meta.lines["title"] == 3
    assert parsed.body == "Thân bài\n"
    assert parsed.body_line == 5


def test_check_reads_a_notepad_site(tmp_path: Path) -> None:
    """A CRLF + BOM exhibit gives the same problem at the same line as the LF original."""
    site = tmp_path / "site"
    shutil.copytree(BROKEN / "unknown-key", site)
    exhibit = site / "content" / "exhibits" / "binh.md"
    exhibit.write_bytes(b"\xef\xbb\xbf" + exhibit.read_bytes().replace(b"\n", b"\r\n"))
    result = CliRunner().invoke(main, ["check", "--site", str(site), "--format", "json"])
    problems = json.loads(result.stdout)
    assert [(p["code"], p["file"], p["line"]) for p in problems] == [("unknown-key", "content/exhibits/binh.md", 3)]
    assert result.exit_code == 0


class _ScriptBlocks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open: str | None = None
        self.blocks: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.open = dict(attrs).get("id") or ""
            self.blocks[self.open] = ""

    def handle_data(self, data: str) -> None:
        if self.open is not None:
            self.blocks[self.open] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.open = None


def test_a_tour_label_cannot_break_out_of_the_viewer_data(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(BROKEN / "tour-unknown-scene", site)
    (site / "EXPECT").unlink()
    label = "<!--<script> </script><b>x</b> \u2028 & >"
    scene = site / "tours" / "t" / "a.md"
    scene.write_text(
        scene.read_text(encoding="utf-8").replace(
            "go: sanh, label: Vào", f"go: sanh-trong, label: {json.dumps(label)}"
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 0, result.output
    page = (site / "_site" / "tours" / "t" / "index.html").read_text(encoding="utf-8")
    blocks = _ScriptBlocks()
    blocks.feed(page)
    data = json.loads(blocks.blocks["tour-data"])
    labels = [h.get("label") for s in data["scenes"] for h in s["hotspots"]]
    assert label in labels
    raw = blocks.blocks["tour-data"]
    assert "<!--" not in raw and "<script" not in raw.lower() and "\u2028" not in raw
    assert "<b>x</b>" not in page, "the label must be escaped wherever the page shows it"
