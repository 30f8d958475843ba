"""Where every page lives in the output, in one place, so links and files always agree."""

from __future__ import annotations

import posixpath
import re
import unicodedata
from urllib.parse import unquote

from .config import SiteConfig


def lang_prefix(config: SiteConfig, lang: str) -> str:
    return "" if lang == config.default_language else f"{lang}/"


# The folder of a kind's pages is its English plural; uncountable nouns keep their form.
UNCOUNTABLE = {"heritage"}
IRREGULAR = {"story": "stories"}


def kind_folder(kind: str) -> str:
    return kind if kind in UNCOUNTABLE else IRREGULAR.get(kind, f"{kind}s")


def entry_url(config: SiteConfig, kind: str, slug: str, lang: str) -> str:
    """Site-relative URL of a page, always ending in '/' ('' is the home page)."""
    prefix = lang_prefix(config, lang)
    if kind == "page":
        return prefix if slug == "index" else f"{prefix}{slug}/"
    return f"{prefix}{kind_folder(kind)}/{slug}/"


def index_url(config: SiteConfig, kind: str, lang: str, number: int = 1) -> str:
    base = f"{lang_prefix(config, lang)}{kind_folder(kind)}/"
    return base if number == 1 else f"{base}page/{number}/"


def facet_url(config: SiteConfig, kind: str, lang: str, facet: str, value: str, number: int = 1) -> str:
    """A static page of the entries with one value of a facet: relics/type/lich-su/, then page/2/."""
    base = f"{index_url(config, kind, lang)}{facet}/{value}/"
    return base if number == 1 else f"{base}page/{number}/"


def short_url(config: SiteConfig, code: str) -> str:
    """The URL printed in a QR code: all capitals, so the code uses the compact alphanumeric mode."""
    return f"{config.short_url_base}Q/{code}/"


def output_file(url: str) -> str:
    """The file a directory URL is served from on any static host."""
    return url + "index.html" if url == "" or url.endswith("/") else url


def readable_url(url: str) -> str:
    """An address as a visitor would copy it down: no scheme, letters instead of %-escapes."""
    return unquote(re.sub(r"^(?:https?:)?//", "", url)).removesuffix("/")


def relative_url(target: str, from_page: str) -> str:
    """A link from one page's URL to another that works on any host and under any sub-path."""
    from_dir = from_page if from_page.endswith("/") or from_page == "" else posixpath.dirname(from_page) + "/"
    if target == from_dir:
        return "./"
    rel = _relative_path(target, from_dir)
    if rel == ".":
        return "./"
    if (target == "" or target.endswith("/")) and not rel.endswith("/"):
        rel += "/"
    return rel


def _relative_path(target: str, from_dir: str) -> str:
    """`posixpath.relpath` of two site paths, without its normalising when neither needs it: an
    index page links to 60 entries and a facet panel of values, 40,000 links per one-row edit."""
    if "//" in target + from_dir or "/." in f"/{target}/{from_dir}":
        return posixpath.relpath("/" + target, "/" + from_dir)
    start, path = [p for p in from_dir.split("/") if p], [p for p in target.split("/") if p]
    common = 0
    for a, b in zip(start, path, strict=False):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(start) - common) + path[common:]) or "."


def suggest_slug(text: str) -> str:
    """Vietnamese-aware slug: 'Trống đồng Ngọc Lũ' → 'trong-dong-ngoc-lu'."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "trang"
