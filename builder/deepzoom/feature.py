"""Deep zoom as a feature: a large image of an exhibit, relic or heritage item (or one marked
`zoom: true`) is tiled into IIIF Image API 3 level-0 static tiles, cached by content, published
under `iiif/img/<key>/`, and opened on its page in a viewer (OpenSeadragon) that loads only
when a visitor asks; the poster and a link to the largest image are there without script."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from ..diagnostics import Problem
from ..feature import OBJECT_KINDS, Feature, ProcessContext, SiteCheck, missing_bundle
from ..jobs import run_missing
from ..model import Entry
from ..outputs import CopyFile, Output, TextFile, key_of
from .check import DeepZooms, ZoomImage, find_zooms
from .settings import TABLE, read_zoom_settings
from .tiler import INFO, ZoomError, ZoomTiles, found_tiles, info_json, made_tiles, tiling_memory

if TYPE_CHECKING:
    from ..config import TableSettings
    from ..plan import Plan, Planner
    from ..render import Renderer
    from ..theme import Theme
    from ..validate import ValidatedSite

VIEWER_BUNDLE = "vendor/deepzoom.js"
LOADER = ("vendor/zoom.js", "vendor/zoom.css")  # on the pages with a zoomable image
Tiled = dict[str, ZoomTiles]  # an image's `src` → its tiles


def deep_zooms_of(results: dict[str, Any]) -> DeepZooms:
    zooms: DeepZooms = results.setdefault(DeepZoomFeature.name, DeepZooms())
    return zooms


def tiled_images(planner: Planner | Plan) -> Tiled:
    """The images tiled by this build, by `src`: what another feature (IIIF manifests, stories) may point to."""
    tiled: Tiled = planner.processed.get(DeepZoomFeature.name, {})
    return tiled


def service_path(tiles: ZoomTiles) -> str:
    """The site-relative folder of an image's IIIF service: its info.json and tiles."""
    return f"iiif/img/{tiles.key}"


def info_path(tiles: ZoomTiles) -> str:
    """The site-relative path of an image's info.json, which the viewer opens."""
    return f"{service_path(tiles)}/{INFO}"


class DeepZoomFeature(Feature):
    name = "deepzoom"
    settings_table = TABLE
    cross_origin_folders = ("iiif",)  # its Image API services (under iiif/img/), which other sites' viewers open

    def settings(self, table: TableSettings) -> int:
        return read_zoom_settings(table)

    def validate(self, check: SiteCheck) -> None:
        find_zooms(check, deep_zooms_of(check.results))

    def missing_viewer(self, site: ValidatedSite, theme: Theme) -> Problem | None:
        return missing_bundle(theme, VIEWER_BUNDLE, "deep-zoom viewer") if self._images(site) else None

    def unused_static(self, site: ValidatedSite, name: str) -> bool:
        """The viewer (OpenSeadragon) is published only by sites that have an image to zoom into."""
        return name in (*LOADER, VIEWER_BUNDLE) and not self._images(site)

    def process(self, site: ValidatedSite, context: ProcessContext) -> tuple[Tiled, list[Problem]]:
        """Each image once, through the build's executor (local processes or a Dask cluster):
        libvips streams it, so each job keeps a 600-megapixel scan near 200 MB, and two such jobs
        do not run at once (`tiling_memory`); cached by content across builds, and what the
        cache holds is found without starting a worker."""
        images = sorted(self._images(site).items())
        cache = os.fspath(context.cache_dir / "deepzoom")
        calls = [(os.fspath(image.path), image.digest, cache) for _, image in images]
        memory = [tiling_memory(image.width) for _, image in images]
        made = run_missing(context.executor, found_tiles, made_tiles, calls, memory=memory)
        results: dict[int, ZoomTiles | ZoomError] = {}
        for done, (index, result) in enumerate(made, 1):
            results[index] = result
            if context.progress:
                context.progress("deep zoom", done, len(images))
        tiled: Tiled = {}
        problems: list[Problem] = []
        for index, (src, image) in enumerate(images):
            result = results[index]
            if isinstance(result, ZoomError):
                hint = "open the image and save or export it again (8-bit JPEG, PNG or TIFF)"
                message = f"'{src}' cannot be tiled for deep zoom: {result}"
                problems.append(Problem(image.file, image.line, "error", "zoom-unreadable", message, hint))
            else:
                tiled[src] = result
        return tiled, problems

    def entry_deps(self, planner: Planner, entry: Entry) -> object:
        tiled: Tiled = planner.processed[self.name]
        return [tiled[src].key for src in self._shown(planner.site, entry) if src in tiled]

    def entry_facts(self, planner: Planner) -> object:
        tiled: Tiled = planner.processed[self.name]
        shown = deep_zooms_of(planner.site.results).shown
        return sorted(shown.items()), sorted((src, tiles.key) for src, tiles in tiled.items())

    def plan(self, planner: Planner) -> list[Output]:
        tiled: Tiled = planner.processed[self.name]
        base_url = planner.model.config.base_url
        outputs = []
        for tiles in sorted({t.key: t for t in tiled.values()}.values(), key=lambda t: t.key):
            folder = service_path(tiles)
            outputs += [
                Output(f"{folder}/{rel}", f"{tiles.key}:{rel}", CopyFile(tiles.folder / rel))
                for rel in tiles.files
                if rel != INFO
            ]
            service_id = base_url + folder  # valid IIIF where the site is published; the viewer uses where it is served
            info = info_json(tiles, service_id)
            outputs.append(Output(f"{folder}/{INFO}", key_of(tiles.key, service_id), TextFile(info)))
        return outputs

    def entry_context(self, renderer: Renderer, entry: Entry) -> dict[str, Any]:
        """`deep_zoom`: for each zoomable image of the page, by `src`, its info.json and size."""
        if entry.kind not in OBJECT_KINDS:
            return {}
        tiled: Tiled = renderer.plan.processed[self.name]
        shown = [src for src in self._shown(renderer.site, entry) if src in tiled]
        return {"deep_zoom": {src: _viewer_context(tiled[src]) for src in shown}}

    def _images(self, site: ValidatedSite) -> dict[str, ZoomImage]:
        return deep_zooms_of(site.results).images

    def _shown(self, site: ValidatedSite, entry: Entry) -> tuple[str, ...]:
        return deep_zooms_of(site.results).shown.get(entry.ref, ())


def _viewer_context(tiles: ZoomTiles) -> dict[str, Any]:
    return {"info": info_path(tiles), "width": tiles.width, "height": tiles.height}


DEEP_ZOOM = DeepZoomFeature()
