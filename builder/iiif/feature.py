"""IIIF as a feature: a Presentation 3 manifest for every exhibit, relic and intangible heritage
with photographs, at /iiif/<short code>/manifest.json, linked from the entry's page (a visible
link and a `<link rel="alternate">`) and from its Schema.org JSON-LD (`subjectOf`).

An entry without a photograph has no manifest: Presentation 3 requires at least one canvas.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import TYPE_CHECKING, Any

from ..deepzoom import service_path, tiled_images
from ..feature import OBJECT_KINDS, Feature
from ..model import ContentModel, Entry, Exhibit, ImageRef
from ..outputs import Output, key_of
from .describe import ManifestSource, open_data_links, site_words
from .links import Illustrated, illustrated, manifest_of, publishes_manifests
from .manifest import MANIFEST_TYPE, manifest_path

if TYPE_CHECKING:
    from ..plan import Planner
    from ..render import Renderer


def image_service(planner: Planner, ref: ImageRef) -> str:
    """The absolute id of the deep-zoom IIIF Image API service (level 0, the folder of its
    info.json) published for an image, or '' for an image not tiled."""
    tiles = tiled_images(planner).get(ref.src)
    return planner.model.config.base_url + service_path(tiles) if tiles else ""


class IiifFeature(Feature):
    name = "iiif"
    cross_origin_folders = ("iiif",)  # Mirador and Universal Viewer load the manifests with scripts

    def plan(self, planner: Planner) -> list[Output]:
        """Each manifest keyed over all it shows, from digests the plan already has: the entry in
        every language (its sources), its images, its collection's titles, its pages and links;
        the site's words (config, theme strings) are in `planner.base`."""
        model = planner.model
        config = model.config
        if not publishes_manifests(config.base_url):
            return []
        words = site_words(planner)
        outputs = []
        for kind in OBJECT_KINDS:
            see_also = open_data_links(planner, kind)
            for by_lang in model.of_kind(kind).values():
                default = illustrated(by_lang, config.default_language)
                if default is None:
                    continue
                entries = {lang: entry for lang, entry in by_lang.items() if isinstance(entry, Illustrated)}
                source = ManifestSource(
                    words,
                    entries,
                    tuple(planner.images[(ref.src, ref.credit)] for ref in default.images),
                    tuple(image_service(planner, ref) for ref in default.images),
                    {lang: config.base_url + planner.page_url(entry) for lang, entry in entries.items()},
                    _collection_titles(model, entries),
                    see_also,
                )
                key = key_of(
                    planner.base,
                    [planner.entry_digest(entry) for entry in entries.values()],
                    planner.image_keys(default.images),
                    source.services,
                    source.pages,
                    source.collections,
                    see_also,
                )
                outputs.append(Output(manifest_path(default.id), key, source))
        return sorted(outputs, key=lambda output: output.path)

    def entry_deps(self, planner: Planner, entry: Entry) -> object:
        return manifest_of(planner.model, entry)

    def entry_facts(self, planner: Planner) -> object:
        return ()  # a manifest's path is read off the settings and the entry's default language

    def entry_context(self, renderer: Renderer, entry: Entry) -> dict[str, Any]:
        path = manifest_of(renderer.model, entry)
        return {"iiif_manifest": path} if path else {}

    def head(self, renderer: Renderer, context: dict[str, Any]) -> str:
        path = context.get("iiif_manifest")
        if not path:
            return ""
        url = escape(renderer.model.config.base_url + path)
        return f'<link rel="alternate" type="{escape(MANIFEST_TYPE)}" href="{url}">\n'


def _collection_titles(model: ContentModel, entries: Mapping[str, Illustrated]) -> dict[str, str]:
    """An exhibit's collection, by language, as its facts table names it."""
    return {
        lang: collection.title
        for lang, entry in entries.items()
        if isinstance(entry, Exhibit) and (collection := model.collections.get(entry.collection, {}).get(lang))
    }


IIIF = IiifFeature()
