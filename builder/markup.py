"""Markdown to HTML the safe way: raw HTML is shown as text unless the site allows it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

import markdown
from markdown.treeprocessors import Treeprocessor

from .load import suggest_slug

SAFE_SCHEME = re.compile(r"^(?:https?:|mailto:|tel:|#|/|\.|[^:/?#]*(?:[/?#]|$))", re.IGNORECASE)
EXTENSIONS = ["tables", "fenced_code", "footnotes", "def_list", "abbr", "sane_lists", "toc"]


class _SafeLinks(Treeprocessor):
    """Drop javascript: and data: links, and mark off-site links, which open in the same tab."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is not None and not SAFE_SCHEME.match(value.strip()):
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
    md = markdown.Markdown(extensions=EXTENSIONS, output_format="html",
                           extension_configs={"toc": {"slugify": _heading_id}})
    if not raw_html:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
    md.treeprocessors.register(_SafeLinks(md), "disan_safe_links", 0)
    md.treeprocessors.register(_ShiftHeadings(md), "disan_shift_headings", 1)
    return md


def render_markdown(md: markdown.Markdown, text: str, heading_offset: int = 0) -> str:
    md.reset()
    md.treeprocessors["disan_shift_headings"].offset = heading_offset
    return md.convert(text)
