"""Which entries have a manifest and where it is: what the entry's page, its Schema.org JSON-LD
and the plan ask. Apart from the rest, as the open-data JSON-LD imports it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..catalogue.kinds import Listed
from ..feature import OBJECT_KINDS
from ..model import ContentModel, Entry, Exhibit
from .manifest import MANIFEST_TYPE, manifest_path

Illustrated = Exhibit | Listed


def publishes_manifests(base_url: str) -> bool:
    """IIIF ids are absolute URIs: without a `base_url` in site.toml there is nothing to name them by."""
    return base_url.startswith(("http://", "https://"))


def illustrated(by_lang: Mapping[str, Entry], default_language: str) -> Illustrated | None:
    """The entry in its default language, if it has a manifest: a short code and a photograph."""
    entry = by_lang[default_language]
    return entry if isinstance(entry, Illustrated) and entry.id and entry.images else None


def manifest_of(model: ContentModel, entry: Entry) -> str:
    """The site path of the manifest of `entry` (in any language), or '' if it has none."""
    config = model.config
    if entry.kind not in OBJECT_KINDS or not publishes_manifests(config.base_url):
        return ""
    found = illustrated(model.of_kind(entry.kind)[entry.slug], config.default_language)
    return manifest_path(found.id) if found else ""


def schema_subject(model: ContentModel, entry: Entry) -> dict[str, Any]:
    """The manifest as Schema.org `subjectOf` of the entry's JSON-LD, or nothing."""
    path = manifest_of(model, entry)
    if not path:
        return {}
    return {
        "subjectOf": {
            "@type": "MediaObject",
            "contentUrl": model.config.base_url + path,
            "encodingFormat": MANIFEST_TYPE,
            "name": "IIIF manifest",
        }
    }
