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


def _heading_id(text: str, separator: str) -> str:
    return suggest_slug(text).replace("-", separator)


def make_markdown(raw_html: bool) -> markdown.Markdown:
    md = markdown.Markdown(extensions=EXTENSIONS, output_format="html",
                           extension_configs={"toc": {"slugify": _heading_id}})
    if not raw_html:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
    md.treeprocessors.register(_SafeLinks(md), "disan_safe_links", 0)
    return md


def render_markdown(md: markdown.Markdown, text: str) -> str:
    md.reset()
    return md.convert(text)
