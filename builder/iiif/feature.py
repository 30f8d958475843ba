"""IIIF as a feature: a Presentation 3 manifest for every exhibit, relic and intangible heritage
with photographs, at /iiif/<short code>/manifest.json, linked from the entry's page (a visible
link and a `<link rel="alternate">`) and from its Schema.org JSON-LD (`subjectOf`).

An entry without a photograph has no manifest: Presentation 3 requires at least one canvas.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from ..feature import OBJECT_KINDS, Feature
from ..model import Entry, ImageRef
from ..outputs import Output, key_of
from .describe import describe, open_data_links
from .links import Illustrated, illustrated, manifest_of, publishes_manifests
from .manifest import MANIFEST_TYPE, manifest_path

if TYPE_CHECKING:
    from ..plan import Planner
    from ..render import Renderer


def image_service(ref: ImageRef) -> str:
    """The deep-zoom IIIF Image API service of an image, as an absolute id: none are published yet."""
    return ""


class IiifFeature(Feature):
    name = "iiif"

    def plan(self, planner: Planner) -> list[Output]:
        model = planner.model
        config = model.config
        if not publishes_manifests(config.base_url):
            return []
        outputs = []
        for kind in OBJECT_KINDS:
            see_also = open_data_links(planner, kind)
            for by_lang in model.of_kind(kind).values():
                default = illustrated(by_lang, config.default_language)
                if default is None:
                    continue
                entries = {lang: entry for lang, entry in by_lang.items() if isinstance(entry, Illustrated)}
                manifest = describe(planner, entries, image_service, see_also)
                outputs.append(Output(manifest_path(default.id), key_of(planner.base, manifest), manifest))
        return sorted(outputs, key=lambda output: output.path)

    def entry_deps(self, planner: Planner, entry: Entry) -> object:
        return manifest_of(planner.model, entry)

    def entry_context(self, renderer: Renderer, entry: Entry) -> dict[str, Any]:
        path = manifest_of(renderer.model, entry)
        return {"iiif_manifest": path} if path else {}

    def head(self, renderer: Renderer, context: dict[str, Any]) -> str:
        path = context.get("iiif_manifest")
        if not path:
            return ""
        url = escape(renderer.model.config.base_url + path)
        return f'<link rel="alternate" type="{escape(MANIFEST_TYPE)}" href="{url}">\n'


IIIF = IiifFeature()
