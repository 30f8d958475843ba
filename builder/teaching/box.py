"""What the teacher box says: where an entry's embeddable page and its printable QR sheet are, the
iframe that embeds it and the link to its single view.

A published page gives absolute addresses from `base_url`, as a snippet pasted into a lesson on
another site must; `disan serve` gives addresses relative to the page, so a teacher trying the
snippet out embeds the preview, not a site that may not be published yet (the page's script makes
them absolute from the address bar).
"""

from __future__ import annotations

from html import escape

from ..config import SiteConfig
from ..feature import OBJECT_KINDS
from ..model import Entry
from ..tours import tour_embed_url
from ..urls import entry_url, kind_folder, lang_prefix, relative_url, short_url

EMBED_FOLDER = "embed"  # pages other sites may frame: teaching declares their kinds `framed_kinds`
PRINT_FOLDER = "print"
TAUGHT_KINDS = ("tour", "story", *OBJECT_KINDS)
SELF_EMBEDDED = ("tour", "story")  # kinds whose own page is what a lesson frames (a tour's embed page)
IFRAME_HEIGHT = {"tour": 480, "story": 720}  # a panorama wants a wide frame; an object's page reads as a column
OBJECT_IFRAME_HEIGHT = 640


def embed_path(config: SiteConfig, entry: Entry) -> str:
    """Site-relative URL of an entry's embeddable page: a tour's own, or `embed/exhibits/<slug>/`."""
    if entry.kind == "tour":
        return tour_embed_url(config, entry)
    if entry.kind == "story":
        return entry_url(config, entry.kind, entry.slug, entry.lang)
    return f"{lang_prefix(config, entry.lang)}{EMBED_FOLDER}/{kind_folder(entry.kind)}/{entry.slug}/"


def print_path(config: SiteConfig, entry: Entry) -> str:
    """The QR sheet in the entry's language: its cards carry every title, its words and its way
    back are the teacher's."""
    return f"{lang_prefix(config, entry.lang)}{PRINT_FOLDER}/{kind_folder(entry.kind)}/{entry.slug}/"


def iframe_snippet(src: str, title: str, height: int) -> str:
    """The HTML a teacher pastes into a lesson page; every value escaped for an attribute."""
    return (
        f'<iframe src="{escape(src)}" title="{escape(title)}" width="100%" height="{height}" '
        'allow="fullscreen; gyroscope; accelerometer; xr-spatial-tracking" allowfullscreen loading="lazy"></iframe>'
    )


def teacher_box(config: SiteConfig, entry: Entry, authoring: bool) -> dict[str, str]:
    """The box's context: the snippet, the single view's address (shown) and link (followed), and
    the QR sheet (site-relative, for the template's `url`). A tour's single view is its page at
    the current view, which the page's script keeps up to date; an object's is its short URL."""
    page = entry_url(config, entry.kind, entry.slug, entry.lang)
    embed = embed_path(config, entry)
    src = relative_url(embed, page) if authoring else config.base_url + embed
    height = IFRAME_HEIGHT.get(entry.kind, OBJECT_IFRAME_HEIGHT)
    if entry.kind == "tour" or not entry.id:
        view_url, view_path = config.base_url + page, page
    else:
        view_url, view_path = short_url(config, entry.id), f"q/{entry.id}/"
    return {
        "kind": entry.kind,
        "embed_url": src,
        "snippet": iframe_snippet(src, f"{entry.title} · {config.text('title', entry.lang)}", height),
        "view_url": view_url,
        "view_path": view_path,
        "print_path": print_path(config, entry),
    }
