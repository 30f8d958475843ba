"""`disan qr`: one printable A4 sheet with a label for every short code."""

from __future__ import annotations

from pathlib import Path

import jinja2
from markupsafe import Markup

from .qr import qr_svg
from .theme import Theme
from .urls import short_url
from .validate import ValidatedSite


def write_label_sheet(site: ValidatedSite, theme: Theme, out: Path) -> int:
    config = site.model.config
    lang = config.default_language
    labels = []
    for code, holder in sorted(site.holders.items()):
        exhibit = site.model.exhibits[holder.slug][lang]
        url = short_url(config, code)
        svg = qr_svg(url, title=exhibit.title).decode()
        labels.append({"code": code, "title": exhibit.title, "url": url, "svg": Markup(svg),
                       "retired": exhibit.retired})
    env = jinja2.Environment(loader=theme.loader(), autoescape=True, undefined=jinja2.StrictUndefined)
    html = env.get_template("labels.html").render(
        lang=lang, title=config.text("title", lang), labels=labels, strings=theme.strings(lang, lang))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return len(labels)
