"""The map as a feature: a page per language with every located item, its link in the menu and
on each located item's page, the bundle it needs, and the policy its online tiles need."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..catalogue import Listed, is_located
from ..csp import LADDER
from ..feature import Feature, PageContext, SiteCheck, missing_bundle
from ..markup import inline_json
from ..model import ContentModel, Entry
from ..outputs import Output
from ..urls import entry_url, relative_url
from .places import any_located, map_data, map_url, places, read_zones
from .settings import TABLE, read_map_settings, tiles_url

if TYPE_CHECKING:
    from ..config import TableSettings
    from ..diagnostics import Problem
    from ..plan import Planner
    from ..render import Renderer
    from ..theme import Theme
    from ..validate import ValidatedSite

BUNDLE_FOLDER = "vendor/map/"
BUNDLE = BUNDLE_FOLDER + "map.js"


class MapFeature(Feature):
    name = "map"
    page_kinds = {"map": ""}
    framed_kinds = frozenset(page_kinds)  # a story's map step, itself framed by a lesson, frames it
    static_folders = (BUNDLE_FOLDER,)  # the script finds its images and basemap beside itself
    settings_table = TABLE

    def settings(self, table: TableSettings) -> str:
        return read_map_settings(table)

    def validate(self, check: SiteCheck) -> None:
        check.results[self.name] = read_zones(check.model.config.root, check.model)

    def missing_viewer(self, site: ValidatedSite, theme: Theme) -> Problem | None:
        return missing_bundle(theme, BUNDLE, "map") if any_located(site.model) else None

    def unused_static(self, site: ValidatedSite, name: str) -> bool:
        return name.startswith(BUNDLE_FOLDER) and not any_located(site.model)

    def policies(self, site: ValidatedSite, theme: Theme, ladder: tuple[str, ...]) -> tuple[str, ...]:
        """With online tiles, a rung above the widest that also lets the map page load them."""
        tiles = tiles_url(site.model.config)
        if not tiles or not any_located(site.model):
            return ladder
        host = "{0.scheme}://{0.netloc}".format(urlsplit(tiles.replace("{", "").replace("}", "")))
        return (*ladder, ladder[-1].replace("img-src 'self'", f"img-src 'self' {host}"))

    def policy(self, site: ValidatedSite, page_kind: str) -> int:
        return self._rung(site.model) if page_kind == "map" else 0

    def _rung(self, model: ContentModel) -> int:
        """The rung `policies` added for online tiles, else the plain page's."""
        return len(LADDER) if tiles_url(model.config) else 0

    def shared_deps(self, model: ContentModel) -> object:
        return any_located(model)

    def plan(self, planner: Planner) -> list[Output]:
        model = planner.model
        if not any_located(model):
            return []
        outputs = []
        for lang in model.config.languages:
            url = map_url(model.config, lang)
            data = self._data(planner.site.results, model, {}, lang, url)  # strings are in the theme's digest
            listed = [(e.slug, e.title, e.translated) for e in places(model, lang).unlocated]
            outputs.append(planner.page("map.html", lang, "map", "", url, [data, listed]))
        return outputs

    def nav(self, renderer: Renderer, lang: str) -> list[dict[str, str]]:
        if not any_located(renderer.model):
            return []
        title = renderer.strings[lang].get("nav_map", "Map")
        return [{"title": title, "lang": lang, "url": map_url(renderer.model.config, lang)}]

    def page_context(self, renderer: Renderer, kind: str, slug: str, lang: str, url: str) -> PageContext | None:
        if kind != "map":
            return None
        model = renderer.model
        found = places(model, lang)
        data = self._data(renderer.site.results, model, renderer.strings[lang], lang, url)
        return PageContext(
            None,
            {
                "map_json": inline_json(data),
                "located": [card(renderer, e) for e in found.located],
                "unlocated": [card(renderer, e) for e in found.unlocated],
                "csp": renderer.plan.policies[self._rung(model)],
            },
        )

    def entry_context(self, renderer: Renderer, entry: Entry) -> dict[str, Any]:
        if not isinstance(entry, Listed) or not is_located(entry):
            return {}
        return {"map_url": map_url(renderer.model.config, entry.lang)}

    def _data(
        self, results: dict[str, Any], model: ContentModel, strings: dict[str, str], lang: str, url: str
    ) -> dict[str, Any]:
        return map_data(model, results.get(self.name, {}), strings, lang, lambda target: relative_url(target, url))


def card(renderer: Renderer, entry: Listed) -> dict[str, str]:
    return {
        "id": entry.id,
        "title": entry.title,
        "kind": renderer.strings[entry.lang].get(f"map_kind_{entry.kind}", entry.kind),
        "url": entry_url(renderer.model.config, entry.kind, entry.slug, entry.lang),
    }


MAP = MapFeature()
