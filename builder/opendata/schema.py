"""Schema.org JSON-LD for a page's <head>: the museum on its home page, a landmark and tourist
attraction for a relic (with its coordinates and address), a visual artwork for an exhibit, a
creative work for an intangible heritage, a learning resource for a story, a web page of the
museum for every other page; an object's or a place's IIIF manifest as what it is the subject of."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..catalogue.kinds import Heritage, Listed, Relic
from ..config import SiteConfig
from ..iiif.links import schema_subject
from ..model import ContentModel, Entry, Exhibit
from ..stories.model import Story
from ..urls import entry_url

SCHEMA = "https://schema.org"


def museum(config: SiteConfig, lang: str) -> dict[str, Any]:
    return {
        "@type": "Museum",
        "name": config.text("title", lang),
        "url": config.base_url + entry_url(config, "page", "index", lang),
    }


def structured_data(model: ContentModel, context: Mapping[str, Any]) -> dict[str, Any] | None:
    """The JSON-LD of one page, from its template context (kind, entry, canonical URL, pictures);
    none for the 404 page, which search engines do not index."""
    config = model.config
    lang, entry = context["lang"], context["entry"]
    if context["kind"] == "404":
        return None
    if context["kind"] == "home":
        return {
            "@context": SCHEMA,
            **museum(config, lang),
            "description": config.text("description", lang),
            "inLanguage": lang,
            **({"license": config.license} if config.license else {}),
        }
    if isinstance(entry, Exhibit | Listed):
        return {"@context": SCHEMA, **_entry(config, entry, context), **schema_subject(model, entry)}
    if isinstance(entry, Story):
        return {"@context": SCHEMA, **_story(config, entry, context)}
    return {
        "@context": SCHEMA,
        "@type": "WebPage",
        "url": context["canonical"],
        "inLanguage": lang,
        "isPartOf": museum(config, lang),
    }


def _entry(config: SiteConfig, entry: Entry, context: Mapping[str, Any]) -> dict[str, Any]:
    pictures = context.get("pictures") or []
    common = {
        "name": entry.title,
        "url": context["canonical"],
        "identifier": entry.id,
        "inLanguage": entry.lang if entry.translated else config.default_language,  # a fallback shows the original
        **({"description": entry.summary} if entry.summary else {}),
        **({"image": config.base_url + pictures[0]["jpeg_items"][-1][0]} if pictures else {}),
    }
    if isinstance(entry, Relic):
        return {"@type": ["LandmarksOrHistoricalBuildings", "TouristAttraction"], **common, **_place(entry)}
    if isinstance(entry, Heritage):
        genre = {"genre": entry.heritage_type} if entry.heritage_type else {}
        place = _place(entry)
        where = {"spatialCoverage": {"@type": "Place", **place}} if place else {}
        return {"@type": "CreativeWork", **common, **genre, **where}
    assert isinstance(entry, Exhibit)
    material = dict(entry.facts).get("material")
    return {
        "@type": "VisualArtwork",
        **common,
        **({"artMedium": material} if material else {}),
        "isPartOf": museum(config, entry.lang),
    }


def _story(config: SiteConfig, story: Story, context: Mapping[str, Any]) -> dict[str, Any]:
    """A lesson or a themed walk, made of the museum's own objects and places."""
    image = context.get("image")
    return {
        "@type": "LearningResource",
        "name": story.title,
        "url": context["canonical"],
        "inLanguage": story.lang if story.translated else config.default_language,
        "learningResourceType": "lesson",
        **({"description": story.summary} if story.summary else {}),
        **({"image": config.base_url + image["jpeg_items"][-1][0]} if image else {}),
        "isPartOf": museum(config, story.lang),
    }


def _place(entry: Listed) -> dict[str, Any]:
    place: dict[str, Any] = {}
    if entry.latitude is not None and entry.longitude is not None:
        place["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": round(entry.latitude, 6),
            "longitude": round(entry.longitude, 6),
        }
    address = {
        "streetAddress": entry.address,
        "addressLocality": entry.commune,
        "addressRegion": entry.province,
    }
    if any(address.values()):
        place["address"] = {
            "@type": "PostalAddress",
            **{k: v for k, v in address.items() if v},
            "addressCountry": "VN",
        }
    return place
