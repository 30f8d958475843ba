"""Where an object or place is seen in a 360° tour, for the "see it in the tour" links of its page:
the scenes whose hotspot opens an exhibit's card, and the tour (or `tour/scene`) that the file of
an exhibit, relic or heritage names with `tour:` (a relic's own tour has no hotspot pointing at it)."""

from __future__ import annotations

from typing import Any

from ..diagnostics import did_you_mean
from ..feature import Keys, SiteCheck
from ..model import ContentModel, Entry
from ..urls import entry_url
from .model import tour_scenes, tours_of

SEEN_KEYS = Keys(frozenset({"tour"}), inherited=frozenset({"tour"}))
TOUR_HINT = "name a folder of tours/, like `tour: bao-tang`, or one of its scenes: `tour: bao-tang/san-truoc`"
Sightings = dict[tuple[str, str], tuple[tuple[str, str], ...]]  # (kind, slug) → (tour, scene name or "")


def find_sightings(check: SiteCheck, kinds: tuple[str, ...]) -> Sightings:
    """Every tour place of every entry of `kinds`, hotspots first; a `tour:` naming no tour or
    scene is an error at its line."""
    model, default = check.model, check.model.config.default_language
    found: dict[tuple[str, str], list[tuple[str, str]]] = {}
    exhibits = model.exhibit_by_id()
    for name in sorted(tours_of(model)):
        for scene in tour_scenes(model, name, default):
            for hotspot in scene.hotspots:
                if hotspot.kind == "exhibit" and hotspot.target in exhibits:
                    found.setdefault(("exhibit", exhibits[hotspot.target].slug), []).append((name, scene.name))
    for kind in kinds:
        for slug, by_lang in model.of_kind(kind).items():
            entry = by_lang[default]
            place = _named_place(check, entry)
            if place is not None:
                found.setdefault((kind, slug), []).append(place)
    return {key: tuple(dict.fromkeys(places)) for key, places in found.items()}


def _named_place(check: SiteCheck, entry: Entry) -> tuple[str, str] | None:
    value = entry.meta.get("tour")
    if value is None:
        return None
    model, problems = check.model, check.problems
    tour, _, scene = str(value).strip().strip("/").partition("/")
    tours = tours_of(model)
    where = entry.origin_of("tour")
    if tour not in tours:
        hint = did_you_mean(tour, tours) or TOUR_HINT
        problems.error(where.file, where.line, "unknown-tour", f"tour '{value}' names no tour in tours/", hint)
        return None
    names = [s.name for s in tour_scenes(model, tour, model.config.default_language)]
    if scene and scene not in names:
        hint = did_you_mean(scene, names) or f"the scenes of {tour} are: {', '.join(names)}"
        problems.error(where.file, where.line, "unknown-scene", f"tour '{tour}' has no scene '{scene}'", hint)
        return None
    return (tour, scene)


def seen_links(model: ContentModel, sightings: Sightings, entry: Entry) -> list[dict[str, Any]]:
    """The page's links into the tours that show it, in its language: the tour's title, and the
    scene's when the link opens at one."""
    links = []
    for tour, scene in sightings.get((entry.kind, entry.slug), ()):
        shown = tours_of(model)[tour][entry.lang]
        scenes = {s.name: s for s in tour_scenes(model, tour, entry.lang)}
        url = entry_url(model.config, "tour", tour, entry.lang) + (f"#scene={scene}" if scene else "")
        links.append({"url": url, "tour": shown.title, "scene": scenes[scene].title if scene else ""})
    return links
