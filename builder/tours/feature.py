"""360° tours as a feature: tours/<tour>/tour.md and one Markdown file per scene become tour
pages (full and embeddable) with tiled panoramas, posters of the first view, hotspots, a floor
plan and a guided narration."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..csp import VIEWER
from ..diagnostics import Problem
from ..feature import OBJECT_KINDS, Feature, PageContext, ProcessContext, SiteCheck, missing_bundle
from ..model import ContentModel, Entry, ImageRef
from ..narration import narrations_of
from ..outputs import Output
from ..urls import index_url
from .guide import check_tour_narrations
from .model import SCENE_KIND, TOUR_KIND, scenes_of, tours_of
from .panoramas import make_panoramas
from .plan import Panoramas, TourMedia, plan_tours, tour_media
from .render import TourPages
from .seen import SEEN_KEYS, Sightings, find_sightings, seen_links
from .validate import check_tours

if TYPE_CHECKING:
    from ..plan import Planner
    from ..render import Renderer
    from ..theme import Theme
    from ..validate import ValidatedSite

BUNDLE_FOLDER = "vendor/tour/"  # the entry imports its chunks by relative paths: versioned as a whole
TOUR_BUNDLE = BUNDLE_FOLDER + "tour.js"
FIRST_VIEW = BUNDLE_FOLDER + "first-view.json"  # the bundler's list of what the entry imports statically


@dataclass(frozen=True)
class TourFiles:
    """What the process step made for tours: tiles and posters, and the media files they use."""

    panoramas: Panoramas
    media: TourMedia

    @property
    def media_urls(self) -> dict[str, str]:
        return {source: path for path, (_, source) in self.media.items()}


class ToursFeature(Feature):
    name = "tours"
    kinds = (TOUR_KIND, SCENE_KIND)
    page_kinds = {"tour": "tour", "tour-embed": "tour", "tour-index": ""}
    unlisted_kinds = ("tour-embed",)  # the tour page is the one to find
    extends = dict.fromkeys(OBJECT_KINDS, SEEN_KEYS)  # `tour:` where the object or place is seen
    static_folders = (BUNDLE_FOLDER,)

    def validate(self, check: SiteCheck) -> None:
        check_tours(check)
        narrations_of(check.results).update(check_tour_narrations(check.model, check.assets, check.problems))
        check.results[self.name] = find_sightings(check, tuple(self.extends))

    def missing_viewer(self, site: ValidatedSite, theme: Theme) -> Problem | None:
        return missing_bundle(theme, TOUR_BUNDLE, "360° viewer") if tours_of(site.model) else None

    def unused_static(self, site: ValidatedSite, name: str) -> bool:
        return name == FIRST_VIEW  # read by the build, never by a browser

    def process(self, site: ValidatedSite, context: ProcessContext) -> tuple[TourFiles, list[Problem]]:
        panoramas, problems = make_panoramas(site.model, context.cache_dir, context.executor, context.progress)
        return TourFiles(panoramas, tour_media(site.model, context.assets) if not problems else {}), problems

    def image_refs(self, site: ValidatedSite) -> Iterable[ImageRef]:
        return [
            ImageRef(h.target, h.label)
            for by_lang in scenes_of(site.model).values()
            for scene in by_lang.values()
            for h in scene.hotspots
            if h.kind == "image"
        ]

    def policy(self, site: ValidatedSite, page_kind: str) -> int:
        return VIEWER if page_kind in ("tour", "tour-embed") else 0

    def shared_deps(self, model: ContentModel) -> object:
        return sorted(tours_of(model))

    def plan(self, planner: Planner) -> list[Output]:
        made: TourFiles = planner.processed[self.name]
        return plan_tours(planner, made.panoramas, made.media)

    def entry_deps(self, planner: Planner, entry: Entry) -> object:
        return seen_links(planner.model, _sightings(planner.site), entry)

    def entry_facts(self, planner: Planner) -> object:
        """Where each entry is seen, and the tours' and scenes' titles the links show."""
        model = planner.model
        kinds = (TOUR_KIND.name, SCENE_KIND.name)
        titled = [
            planner.entry_digest(e)
            for kind in kinds
            for by_lang in model.of_kind(kind).values()
            for e in by_lang.values()
        ]
        return sorted(_sightings(planner.site).items()), titled

    def entry_context(self, renderer: Renderer, entry: Entry) -> dict[str, Any]:
        if entry.kind not in self.extends:
            return {}
        return {"seen_in": seen_links(renderer.model, _sightings(renderer.site), entry)}

    def nav(self, renderer: Renderer, lang: str) -> list[dict[str, str]]:
        if not tours_of(renderer.model):
            return []
        title = renderer.strings[lang].get("nav_tours", "Tours")
        return [{"title": title, "lang": lang, "url": index_url(renderer.model.config, "tour", lang)}]

    def page_context(self, renderer: Renderer, kind: str, slug: str, lang: str, url: str) -> PageContext | None:
        if kind not in self.page_kinds:
            return None
        made: TourFiles = renderer.plan.processed[self.name]
        pages = TourPages(renderer, made.panoramas, made.media_urls, first_view_modules(renderer.theme))
        tours = tours_of(renderer.model)
        if kind == "tour-index":
            return PageContext(None, {"tours": [pages.card(tours[name][lang]) for name in sorted(tours)]})
        tour = tours[slug][lang]
        return PageContext(tour, pages.context(tour, url))


def tour_files(processed: dict[str, Any]) -> TourFiles:
    """What the process step made for tours (`Plan.processed`, `Planner.processed`)."""
    made: TourFiles = processed[ToursFeature.name]
    return made


def _sightings(site: ValidatedSite) -> Sightings:
    sightings: Sightings = site.results.get(ToursFeature.name, {})
    return sightings


def first_view_modules(theme: Theme) -> list[str]:
    """The chunks the tour's entry imports before its first view, for the page to preload beside it
    (none from a theme built before the viewer was split: the browser then finds them itself)."""
    listing = theme.static_files().get(FIRST_VIEW)
    if listing is None:
        return []
    names: list[str] = json.loads(listing.read_text(encoding="utf-8"))
    return [BUNDLE_FOLDER + name for name in names if BUNDLE_FOLDER + name != TOUR_BUNDLE]


TOURS = ToursFeature()
