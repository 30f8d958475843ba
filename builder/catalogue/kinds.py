"""The catalogue's content kinds: relics (di tích, content/relics/) and intangible heritage (di
sản phi vật thể, content/heritage/), their records, and how front matter or a spreadsheet row
becomes one. Reading is lenient; `validate.py` reports what is wrong, at its line or cell."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, cast

from ..config import SiteConfig
from ..feature import ContentKind, Keys
from ..model import ContentModel, Entry, ImageRef
from ..records import image, strings, text
from ..urls import entry_url
from .vocabulary import HERITAGE_TYPES, RANKINGS, RELIC_TYPES, canonical_set, split_words

ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
IMAGE_KEYS = {"src", "alt", "caption", "credit", "zoom"}
PLACE_KEYS = ("decision", "decision_date", "province", "commune", "address", "latitude", "longitude")
RELIC_KEYS = ("relic_type", "ranking", "period", *PLACE_KEYS, "zones")
HERITAGE_KEYS = ("heritage_type", "community", *PLACE_KEYS)
TEXT_KEYS = ("title", "summary", "address", "period", "community")  # what a row may give per language: title_en


@dataclass(frozen=True, kw_only=True)
class Listed(Entry):
    """What relics and intangible heritage share: a decision that listed them, a place, images."""

    decision: str = ""
    decision_date: str = ""  # ISO 8601
    province: str = ""
    commune: str = ""
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    images: tuple[ImageRef, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Relic(Listed):
    relic_types: tuple[str, ...] = ()
    ranking: str = ""
    period: str = ""
    zones: str = ""  # a GeoJSON file of protection zones I and II
    kind = "relic"


@dataclass(frozen=True, kw_only=True)
class Heritage(Listed):
    heritage_type: str = ""
    community: str = ""
    kind = "heritage"


def listed_of(model: ContentModel, kind: str) -> dict[str, dict[str, Listed]]:
    return cast(dict[str, dict[str, Listed]], model.of_kind(kind))


def parse_date(value: Any) -> str | None:
    """A decision date as ISO 8601 from a YAML or spreadsheet date, '2012-05-03', '3/5/2012' or '03.05.2012'."""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    found = ISO_DATE.fullmatch(text(value))
    day_first = None if found else DAY_FIRST.fullmatch(text(value))
    if found:
        year, month, day = found.groups()
    elif day_first:
        day, month, year = day_first.groups()
    else:
        return None
    try:
        return datetime.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def parse_number(value: Any) -> float | None:
    """A number as written in YAML or a cell, with a decimal comma accepted: '21,0285'."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    raw = text(value).replace(" ", "")
    if raw.count(",") == 1 and "." not in raw:
        raw = raw.replace(",", ".")
    try:
        number = float(raw)
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


def _listed(common: dict[str, Any], meta: dict[str, Any]) -> dict[str, Any]:
    images = meta.get("images") or []
    file = common["origin"].file
    raw_id = meta.get("id")
    return dict(
        id=text(raw_id).upper(),
        decision=text(meta.get("decision")),
        decision_date=parse_date(meta.get("decision_date")) or "",
        province=text(meta.get("province")),
        commune=text(meta.get("commune")),
        address=text(meta.get("address")),
        latitude=parse_number(meta.get("latitude")),
        longitude=parse_number(meta.get("longitude")),
        images=tuple(ref for ref in (image(i, file) for i in (images if isinstance(images, list) else [])) if ref),
        **common,
    )


def _relic(common: dict[str, Any], meta: dict[str, Any]) -> Relic:
    types = meta.get("relic_type")
    return Relic(
        relic_types=canonical_set(RELIC_TYPES, _words(types)),
        ranking=RANKINGS.canonical(text(meta.get("ranking"))) or "",
        period=text(meta.get("period")),
        zones=text(meta.get("zones")),
        **_listed(common, meta),
    )


def _heritage(common: dict[str, Any], meta: dict[str, Any]) -> Heritage:
    return Heritage(
        heritage_type=HERITAGE_TYPES.canonical(text(meta.get("heritage_type"))) or "",
        community=text(meta.get("community")),
        **_listed(common, meta),
    )


def _words(value: Any) -> list[str]:
    """A set as a YAML list or as one cell: 'lịch sử; kiến trúc nghệ thuật'."""
    return list(strings(value)) if isinstance(value, list) else split_words(text(value))


def _in_folder(folder: str) -> Callable[[PurePosixPath, str], str | None]:
    def place(rel: PurePosixPath, stem: str) -> str | None:
        return stem if rel.parts[:-1] == ("content", folder) else None

    return place


def page_url(config: SiteConfig, entry: Entry) -> str:
    """Where a relic's or a heritage's short code leads: its page in the default language."""
    return entry_url(config, entry.kind, entry.slug, config.default_language)


def _kind(
    name: str, folder: str, keys: tuple[str, ...], read: Callable[[dict[str, Any], dict[str, Any]], Entry]
) -> ContentKind:
    return ContentKind(
        name,
        Keys(
            frozenset({"id", "images", *keys}),
            {"images": [IMAGE_KEYS]},
            frozenset({"id", *(k for k in keys if k not in TEXT_KEYS)}),
        ),
        _in_folder(folder),
        read,
        folder="content",
        where=f"{name} pages in content/{folder}/",
        short_code="required",
        code_target=page_url,
    )


RELIC_KIND = _kind("relic", "relics", RELIC_KEYS, _relic)
HERITAGE_KIND = _kind("heritage", "heritage", HERITAGE_KEYS, _heritage)
CATALOGUE_KINDS = (RELIC_KIND, HERITAGE_KIND)


def listed_in(model: ContentModel, lang: str) -> list[Listed]:
    """Every relic and intangible heritage in one language: what a map or a list of places shows."""
    return [by_lang[lang] for kind in CATALOGUE_KINDS for by_lang in listed_of(model, kind.name).values()]


def is_located(entry: Listed) -> bool:
    return entry.latitude is not None and entry.longitude is not None


def zones_file(entry: Listed) -> str:
    """The entry's protection-zones GeoJSON file, if its kind has zones."""
    return entry.zones if isinstance(entry, Relic) else ""
