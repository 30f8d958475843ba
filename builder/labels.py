"""`disan qr`: one printable A4 sheet with a label for every short code, grouped by kind.

Every holder of a code gets a label: exhibits, tour scenes, and any kind added later (relics
of the catalogue): a kind this module does not know yet still gets its group, titled by its
slug, so no printed code is ever missing from the sheet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup

from .feature import all_kinds
from .features import FEATURES
from .load import CORE_KINDS
from .qr import qr_svg
from .registry import Holder
from .theme import Theme
from .urls import short_url
from .validate import ValidatedSite

KINDS = {kind.name: kind for kind in all_kinds(FEATURES, CORE_KINDS)}
KIND_ORDER = ("exhibit", "scene", "relic", "heritage")
GROUP_HEADINGS = {
    "exhibit": ("nav_exhibits", "Exhibits"),
    "scene": ("tour_scenes", "Tour scenes"),
    "relic": ("nav_relic", "Relics"),
    "heritage": ("nav_heritage", "Intangible heritage"),
}


@dataclass(frozen=True)
class Label:
    code: str
    title: str
    context: str
    url: str
    svg: Markup
    retired: bool


@dataclass(frozen=True)
class LabelGroup:
    kind: str
    heading: str
    labels: tuple[Label, ...]


def label_groups(site: ValidatedSite, strings: Mapping[str, str]) -> list[LabelGroup]:
    """Labels by kind (exhibits, then scenes, then later kinds), each group in code order."""
    by_kind: dict[str, list[Label]] = {}
    for code, holder in sorted(site.holders.items()):
        by_kind.setdefault(holder.kind, []).append(_label(site, code, holder))
    kinds = sorted(by_kind, key=lambda kind: (KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER), kind))
    return [LabelGroup(kind, _heading(kind, strings), tuple(by_kind[kind])) for kind in kinds]


def _heading(kind: str, strings: Mapping[str, str]) -> str:
    key, fallback = GROUP_HEADINGS.get(kind, ("", kind.capitalize()))
    return strings.get(key) or fallback


def _label(site: ValidatedSite, code: str, holder: Holder) -> Label:
    model = site.model
    lang = model.config.default_language
    entry = model.of_kind(holder.kind).get(holder.slug, {}).get(lang)
    title = entry.title if entry is not None else holder.slug
    kind = KINDS.get(holder.kind)
    context = kind.label_context(model, entry) if entry is not None and kind and kind.label_context else ""
    url = short_url(model.config, code)
    return Label(
        code=code,
        title=title,
        context=context,
        url=url,
        svg=Markup(qr_svg(url, title=title).decode()),
        retired=bool(getattr(entry, "retired", False)),
    )


def write_label_sheet(site: ValidatedSite, theme: Theme, out: Path) -> int:
    config = site.model.config
    lang = config.default_language
    strings = theme.strings(lang, lang)
    groups = label_groups(site, strings)
    env = jinja2.Environment(loader=theme.loader(), autoescape=True, undefined=jinja2.StrictUndefined)
    html = env.get_template("labels.html").render(
        lang=lang, title=config.text("title", lang), groups=groups, strings=strings
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return sum(len(group.labels) for group in groups)
