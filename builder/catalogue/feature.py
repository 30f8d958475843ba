"""The province catalogue as a feature: relics and intangible heritage as content kinds, and
spreadsheets ([[catalogue]] in site.toml) whose rows become relics, heritage or exhibits."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..diagnostics import Problem
from ..feature import Feature, PageContext, SiteCheck, SiteLoad, missing_bundle
from ..model import ContentModel, ImageRef
from ..outputs import Output
from ..urls import index_url
from .facets import FACETED_KINDS, all_shelves, shelves_of
from .kinds import CATALOGUE_KINDS, listed_of
from .plan import KINDS, plan_catalogue
from .render import entry_context, index_context, panel_context
from .rows import load_catalogue
from .validate import check_catalogue, check_facet_folders

if TYPE_CHECKING:
    from ..plan import Planner
    from ..render import Renderer
    from ..theme import Theme
    from ..validate import ValidatedSite

FILTER_BUNDLE = "vendor/facets.js"


class CatalogueFeature(Feature):
    name = "catalogue"
    kinds = CATALOGUE_KINDS
    page_kinds = {
        "relic": "relic",
        "heritage": "heritage",
        "relic-index": "",
        "heritage-index": "",
        "relic-facet": "",
        "heritage-facet": "",
        "exhibit-facet": "",
    }

    def load(self, loading: SiteLoad) -> None:
        if loading.config.catalogue:
            load_catalogue(loading, loading.kinds)

    def validate(self, check: SiteCheck) -> None:
        check_catalogue(check)
        check.results[self.name] = all_shelves(check.model)
        check_facet_folders(check, check.results[self.name])

    def missing_viewer(self, site: ValidatedSite, theme: Theme) -> Problem | None:
        return missing_bundle(theme, FILTER_BUNDLE, "catalogue's filter") if _any_faceted(site) else None

    def unused_static(self, site: ValidatedSite, name: str) -> bool:
        return name == FILTER_BUNDLE and not _any_faceted(site)

    def image_refs(self, site: ValidatedSite) -> Iterable[ImageRef]:
        return [
            ref
            for kind in KINDS
            for by_lang in listed_of(site.model, kind).values()
            for entry in by_lang.values()
            for ref in entry.images
        ]

    def shared_deps(self, model: ContentModel) -> object:
        return [kind for kind in KINDS if listed_of(model, kind)]

    def plan(self, planner: Planner) -> list[Output]:
        return plan_catalogue(planner)

    def index_deps(self, planner: Planner, kind: str, lang: str) -> object:
        return shelves_of(planner.site.results, kind, lang).summary if kind in FACETED_KINDS else ""

    def index_context(self, renderer: Renderer, kind: str, lang: str) -> dict[str, Any]:
        return panel_context(renderer, kind, lang) if kind in FACETED_KINDS else {}

    def nav(self, renderer: Renderer, lang: str) -> list[dict[str, str]]:
        config = renderer.model.config
        return [
            {
                "title": renderer.strings[lang].get(f"nav_{kind}", kind),
                "lang": lang,
                "url": index_url(config, kind, lang),
            }
            for kind in KINDS
            if listed_of(renderer.model, kind)
        ]

    def page_context(self, renderer: Renderer, kind: str, slug: str, lang: str, url: str) -> PageContext | None:
        if kind in KINDS:
            entry = listed_of(renderer.model, kind)[slug][lang]
            return PageContext(entry, entry_context(renderer, entry))
        listed_kind, _, page = kind.rpartition("-")
        if (page == "index" and listed_kind in KINDS) or (page == "facet" and listed_kind in FACETED_KINDS):
            number = int(url.rstrip("/").rsplit("/", 1)[-1]) if "/page/" in url else 1
            facet, _, value = slug.partition("/")
            return PageContext(None, index_context(renderer, listed_kind, lang, number, facet, value))
        return None


def _any_faceted(site: ValidatedSite) -> bool:
    """Whether some index has a facet panel, whose filter needs the script."""
    return any(shelves.facets for shelves in site.results[CATALOGUE.name].values())


CATALOGUE = CatalogueFeature()
