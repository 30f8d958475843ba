"""Markdown to HTML the safe way: raw HTML is shown as text unless the site allows it."""

from __future__ import annotations

import html
import json
import re
import threading
import xml.etree.ElementTree as etree
from functools import lru_cache

import markdown
from markdown.treeprocessors import Treeprocessor
from markdown.util import AMP_SUBSTITUTE
from markupsafe import Markup

from .urls import suggest_slug

SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_URL_INVISIBLES = re.compile(r"[\t\n\r]")
_C0_AND_SPACE = "".join(map(chr, range(0x21)))
_JSON_IN_HTML = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)
MAX_NESTING = 32
_FENCE_LINE = re.compile(r"^ {0,3}(```|~~~)")
_QUOTE_MARKERS = re.compile(r"^(?: {0,3}>)+")
_ESCAPED = re.compile(r"\\.")
_HEADING_TAG = re.compile(r"<(/?)h([1-6])(?=[\s>])")  # Markdown escapes every other "<"
_BRACKETS = re.compile(r"[\[\]()]")  # only these change the depth: the rest of a line is skipped in C
_MARKER_RUN = re.compile(r"\*{257,}|_{257,}")
EXTENSIONS = ["tables", "fenced_code", "footnotes", "def_list", "abbr", "sane_lists", "toc"]


def is_safe_url(value: str) -> bool:
    """Judge a link the way the browser will read it: entities decoded, tabs and newlines gone.

    Only http, https, mailto, tel and scheme-less (relative, `/…`, `#…`) links pass, so
    `&#106;avascript:`, `javascript&colon;` and `java&#x09;script:` are all refused.
    """
    decoded = html.unescape(value.replace(AMP_SUBSTITUTE, "&"))
    url = _URL_INVISIBLES.sub("", decoded).strip(_C0_AND_SPACE)
    scheme = _SCHEME.match(url)
    return scheme is None or scheme.group(1).lower() in SAFE_SCHEMES


def inline_json(value: object) -> Markup:
    """JSON safe inside a <script> block: no `<!--`, `<script` or `</script` can change the
    HTML parser's state, and U+2028/2029 stay escaped for older JavaScript parsers."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return Markup(text.translate(_JSON_IN_HTML))


@lru_cache(maxsize=1 << 16)
def nesting_problem(text: str) -> tuple[int, str] | None:
    """The first line (from 0) whose nesting is past MAX_NESTING, and what is nested there.
    Remembered by text: every entry's body is checked at every rebuild of `disan serve`.

    Python-Markdown recurses once per level of lists, quotes and brackets, and unclosed
    brackets make it quadratic: a 300-deep list ends in RecursionError and a page of `[a](`
    takes minutes. No real page nests 32 deep, so deeper text is refused before it is parsed.
    """
    in_fence = False
    depth = 0
    for number, line in enumerate(text.split("\n")):
        if _FENCE_LINE.match(line):
            in_fence = not in_fence
        if in_fence:
            continue
        if not line.strip():
            depth = 0
            continue
        quotes = _QUOTE_MARKERS.match(line)
        if quotes and quotes.group().count(">") > MAX_NESTING:
            return number, "block quotes (>)"
        rest = line[quotes.end() :] if quotes else line
        if len(rest.expandtabs(4)) - len(rest.expandtabs(4).lstrip(" ")) > 4 * MAX_NESTING:
            return number, "indented lists"
        if _MARKER_RUN.search(line) and len(set(line.strip())) > 1:
            return number, "emphasis markers (* or _)"
        for bracket in _BRACKETS.findall(_ESCAPED.sub("", line)):
            depth = depth + 1 if bracket in "[(" else max(0, depth - 1)
            if depth > MAX_NESTING:
                return number, "unclosed brackets [ or ("
    return None


class _SafeLinks(Treeprocessor):
    """Drop javascript: and data: links, and mark off-site links, which open in the same tab."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is not None and not is_safe_url(value):
                    element.set(attribute, "#")
            if element.tag == "a" and element.get("href", "").startswith(("http://", "https://")):
                element.set("rel", "external noopener")
            if element.tag == "img":
                element.set("loading", "lazy")
                element.set("decoding", "async")


class _ShiftHeadings(Treeprocessor):
    """Nest the body's headings under the section heading the theme puts above it."""

    offset = 0

    def run(self, root: etree.Element) -> None:
        if not self.offset:
            return
        for element in root.iter():
            if len(element.tag) == 2 and element.tag[0] == "h" and element.tag[1] in "123456":
                element.tag = f"h{min(6, int(element.tag[1]) + self.offset)}"


def _heading_id(text: str, separator: str) -> str:
    return suggest_slug(text).replace("-", separator)


def make_markdown(raw_html: bool) -> markdown.Markdown:
    md = markdown.Markdown(
        extensions=EXTENSIONS, output_format="html", extension_configs={"toc": {"slugify": _heading_id}}
    )
    if not raw_html:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
    md.treeprocessors.register(_SafeLinks(md), "disan_safe_links", 0)
    md.treeprocessors.register(_ShiftHeadings(md), "disan_shift_headings", 1)
    return md


def render_markdown(md: markdown.Markdown, text: str, heading_offset: int = 0) -> str:
    """The HTML of `text` by `md` (made by `make_markdown`), its headings `heading_offset` levels
    deeper. A build renders each body up to four times (the exhibit page, its print and embed
    pages, its search record) at two offsets: it is converted once, remembered, and the deeper
    headings are its tags renamed. Only raw HTML (allowed by the site, and present) may hold
    heading tags the tree never saw: such text is converted at each offset."""
    raw_html = "html" in md.inlinePatterns
    key = (raw_html, heading_offset, text)
    found = _RENDERED.get(key)
    if found is not None:
        return found
    if heading_offset and not (raw_html and "<" in text):
        html_text = _HEADING_TAG.sub(
            lambda m: f"<{m[1]}h{min(6, int(m[2]) + heading_offset)}", render_markdown(md, text)
        )
    else:
        md.reset()
        shift = md.treeprocessors["disan_shift_headings"]
        assert isinstance(shift, _ShiftHeadings)
        shift.offset = heading_offset
        html_text = md.convert(text)
    _remember(key, html_text)
    return html_text


_RENDERED: dict[tuple[bool, int, str], str] = {}
_RENDERED_BUDGET = 32_000_000  # characters of Markdown and HTML kept, oldest dropped first
_rendered_size = 0
_rendered_lock = threading.Lock()


def _remember(key: tuple[bool, int, str], html_text: str) -> None:
    """Keep a conversion within the budget (`disan serve` runs for hours and sees every edit)."""
    global _rendered_size
    size = len(key[2]) + len(html_text)
    with _rendered_lock:
        while _RENDERED and _rendered_size + size > _RENDERED_BUDGET:
            oldest = next(iter(_RENDERED))
            _rendered_size -= len(oldest[2]) + len(_RENDERED.pop(oldest))
        if key not in _RENDERED:
            _RENDERED[key] = html_text
            _rendered_size += size
