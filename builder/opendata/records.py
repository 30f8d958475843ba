"""One flat record per entry of a published kind: its permanent id, its absolute URL, its titles
and summaries in every language, and a small per-kind list of fields. Every format is made from
these records, so the CSV, JSON and GeoJSON files always say the same thing."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..catalogue.kinds import Heritage, Listed, Relic
from ..config import SiteConfig
from ..model import FACT_KEYS, ContentModel, Entry, Exhibit
from ..urls import entry_url

Value = str | float | bool | list[str] | None
Record = dict[str, Value]


def _exhibit(entry: Entry) -> Record:
    assert isinstance(entry, Exhibit)
    facts = dict(entry.facts)
    return {"collection": entry.collection, **{key: facts.get(key, "") for key in FACT_KEYS}, "retired": entry.retired}


def _place(entry: Listed) -> Record:
    return {
        "decision": entry.decision,
        "decision_date": entry.decision_date,
        "address": entry.address,
        "commune": entry.commune,
        "province": entry.province,
        "latitude": None if entry.latitude is None else round(entry.latitude, 6),
        "longitude": None if entry.longitude is None else round(entry.longitude, 6),
    }


def _relic(entry: Entry) -> Record:
    assert isinstance(entry, Relic)
    return {"relic_type": list(entry.relic_types), "ranking": entry.ranking, "period": entry.period, **_place(entry)}


def _heritage(entry: Entry) -> Record:
    assert isinstance(entry, Heritage)
    return {"heritage_type": entry.heritage_type, "community": entry.community, **_place(entry)}


# The kinds published as datasets, in the order the open-data page lists them, and their fields.
KIND_FIELDS: Mapping[str, Callable[[Entry], Record]] = {"exhibit": _exhibit, "relic": _relic, "heritage": _heritage}


def published_kinds(model: ContentModel) -> list[str]:
    return [kind for kind in KIND_FIELDS if model.of_kind(kind)]


def absolute_url(config: SiteConfig, entry: Entry) -> str:
    return config.base_url + entry_url(config, entry.kind, entry.slug, config.default_language)


def records(model: ContentModel, kind: str) -> list[Record]:
    """A kind's records sorted by permanent id (then slug); a text not translated into a language
    is left empty there, so no Vietnamese text is ever labelled English."""
    config = model.config
    made = []
    for by_lang in model.of_kind(kind).values():
        entry = by_lang[config.default_language]
        record: Record = {"id": entry.id, "url": absolute_url(config, entry)}
        for lang in config.languages:
            translation = by_lang.get(lang)
            record[f"title_{lang}"] = translation.title if translation and translation.translated else ""
        for lang in config.languages:
            translation = by_lang.get(lang)
            record[f"summary_{lang}"] = translation.summary if translation and translation.translated else ""
        record.update(KIND_FIELDS[kind](entry))
        made.append((entry.id, entry.slug, record))
    return [record for _, _, record in sorted(made, key=lambda item: (item[0], item[1]))]


def is_located(record: Mapping[str, Any]) -> bool:
    return isinstance(record.get("latitude"), float) and isinstance(record.get("longitude"), float)
