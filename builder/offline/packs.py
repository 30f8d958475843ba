"""Offline packs: for each page a visitor may save (a tour, a collection), the list of files
saving it stores, with their sizes, published as `offline/packs/<kind>-<slug>.<lang>.json`.

The list is made at build time because only the build knows what a saved tour needs beyond
what its page loaded: every scene's tiles of the first levels, posters, narration and the cards'
images. Its sizes are read when the list is written (the files exist by then: tiles and posters
since the process step, image derivatives since the plan); a page's own bytes are rendered in
the same write, so a page counts as `PAGE_BYTES`, a little above the demo's largest (its tour
page, 34 kB).

A new saveable kind adds one function to `PACKERS`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..map.places import map_url
from ..model import Entry, ImageRef
from ..models3d import DECODERS, MODEL_BUNDLE, models_of
from ..narration import narration_paths, narrations_of
from ..outputs import Action, CachedMedia, CopyFile, Output, RenderPage, TextFile, key_of
from ..stories.feature import CROPS, checked_of
from ..stories.model import stories_of
from ..stories.views import View
from ..tours import tour_files
from ..tours.model import scenes_of, tour_scenes, tours_of
from ..tours.panoramas import ScenePanorama
from ..tours.plan import poster_path
from ..urls import entry_url, output_file
from .settings import is_kiosk

if TYPE_CHECKING:
    from ..plan import Planner

FOLDER = "offline/packs/"
PAGE_BYTES = 40_000
DEFAULT_MAX_PACK_MB = 150
# The deepest level a saved tour keeps: faces of 2048 px fill a phone's or a laptop's screen at
# the tour's first zoom; the 4096 px level of a big panorama is four times the bytes of all others.
SAVED_FACE_SIZE = 2048
# Theme files every page loads: a saved page must find them offline.
PAGE_STATIC = ("style.css", "site.js", "favicon.svg")
STORY_STATIC = ("vendor/story.js",)
# What shows a 3D model on an exhibit's page (a tour card's or a story's is in its own bundle).
MODEL_PAGE_SCRIPT = "vendor/model.js"
# The files of the theme's decoders folder that each decoder a model may need (ExhibitModel.decoders) begins with.
DECODER_FILES = {"draco": "draco_", "ktx2": "basis_transcoder", "meshopt": "meshopt_decoder"}
# model-viewer fetches this one before any model it loads (CachingGLTFLoader.preload); the others when asked.
EAGER_DECODER = "meshopt"


@dataclass(frozen=True)
class PackList:
    """The JSON list of one pack: URLs relative to the site root, each with its size."""

    name: str
    page: str
    max_bytes: int
    files: tuple[tuple[str, Action], ...]

    def produce(self, cache_dir: Path) -> bytes:
        sizes = [(url, size_of(action, cache_dir)) for url, action in self.files]
        listing = {
            "name": self.name,
            "page": self.page,
            "bytes": sum(size for _, size in sizes),
            "max_bytes": self.max_bytes,
            "files": sizes,
        }
        return (json.dumps(listing, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def size_of(action: Action, cache_dir: Path) -> int:
    if isinstance(action, CopyFile):
        return action.source.stat().st_size
    if isinstance(action, CachedMedia):
        return (cache_dir / "media" / action.derivative.cache_name).stat().st_size
    if isinstance(action, TextFile):
        return len(action.text.encode())
    if isinstance(action, RenderPage):
        return PAGE_BYTES
    return len(action.produce(cache_dir))  # type: ignore[union-attr]  # a feature's MadeFile, cached


@dataclass(frozen=True)
class Saveable:
    """A page a visitor may save: what kind of page, which entry, in which language."""

    kind: str
    slug: str
    lang: str

    @property
    def name(self) -> str:
        return f"{self.kind}-{self.slug.replace('/', '-')}.{self.lang}"

    @property
    def list_path(self) -> str:
        return f"{FOLDER}{self.name}.json"


def max_pack_bytes(offline: Mapping[str, Any]) -> int:
    return round(float(offline.get("max_pack_mb", DEFAULT_MAX_PACK_MB)) * 1_000_000)


def tour_pack(planner: Planner, slug: str, lang: str) -> list[str]:
    """The tour page, its viewer, each scene's poster, preview and first levels (every level and
    the no-WebGL faces in a kiosk), the media its hotspots play, narrations, the cards' images
    and 3D models."""
    model = planner.model
    config = model.config
    made = tour_files(planner.processed)
    everything = is_kiosk(config)
    tour = tours_of(model)[slug][lang]
    urls = [entry_url(config, "tour", slug, lang), *page_static(planner)]
    urls += _tour_bundle(planner)
    narrations = narrations_of(planner.site.results)
    refs = [tour.ref]
    if tour.plan:
        urls.append(made.media_urls[tour.plan])
    exhibits = model.exhibit_by_id()
    for scene in tour_scenes(model, slug, lang):
        refs.append(scene.ref)
        panorama = made.panoramas.get(scene.slug)
        if panorama is not None:
            urls += scene_tiles(panorama, everything)
        for hotspot in scene.hotspots:
            if hotspot.kind in ("audio", "video"):
                urls.append(made.media_urls[hotspot.target])
            elif hotspot.kind == "exhibit" and hotspot.target in exhibits:
                exhibit = model.exhibits[exhibits[hotspot.target].slug][lang]
                refs.append(exhibit.ref)
                urls += image_files(planner, exhibit.images[:1], webp=False)
                urls += model_files(planner, exhibit, webp=False)
    return urls + narration_files(narrations, refs)


def scene_tiles(panorama: ScenePanorama, everything: bool) -> list[str]:
    """The preview, the poster and the levels up to `SAVED_FACE_SIZE` (level 0 at least); in a
    kiosk every level, the no-WebGL faces and the flat panorama."""
    tileset = panorama.tileset
    kept = {str(level) for level, (size, _) in enumerate(tileset.levels) if everything or size <= SAVED_FACE_SIZE}
    rels = [rel for rel in tileset.tile_paths() if rel.split("/")[1] in (kept or {"0"})]
    rels.append(tileset.preview)
    if everything:
        rels += [*tileset.fallback_faces.values(), tileset.equirect]
    return [f"tiles/{tileset.key}/{rel}" for rel in rels] + [poster_path(panorama)]


def collection_pack(planner: Planner, slug: str, lang: str) -> list[str]:
    """The collection's page, its image, and each of its exhibits' pages, images, 3D models and narration."""
    model = planner.model
    config = model.config
    collection = model.collections[slug][lang]
    urls = [entry_url(config, "collection", slug, lang), *page_static(planner)]
    urls += image_files(planner, [collection.image] if collection.image else [])
    refs = []
    for by_lang in model.exhibits.values():
        exhibit = by_lang[lang]
        if exhibit.collection == slug:
            urls.append(entry_url(config, "exhibit", exhibit.slug, lang))
            models = model_files(planner, exhibit)
            urls += image_files(planner, exhibit.images) + models
            urls += _statics(planner, [MODEL_PAGE_SCRIPT] if models else [])
            refs.append(exhibit.ref)
    return urls + narration_files(narrations_of(planner.site.results), refs)


def story_pack(planner: Planner, slug: str, lang: str) -> list[str]:
    """The story page and what its steps show: each scene's tour frame with that scene's first
    levels, each image region and picture, each 3D model, the map page with the basemap that
    ships with the site, and every narration it plays."""
    model = planner.model
    story = stories_of(model)[slug][lang]
    urls = [entry_url(model.config, "story", slug, lang), *page_static(planner), *_statics(planner, STORY_STATIC)]
    urls += image_files(planner, [story.image] if story.image else [])
    refs: list[tuple[str, str, str]] = []
    for step in checked_of(planner.site.results)[story.ref].steps:
        for view in step.views:
            urls += _view_files(planner, view, lang, refs)
    narrations = narrations_of(planner.site.results)
    default = model.config.default_language
    refs = [ref if ref in narrations else (ref[0], ref[1], default) for ref in refs]
    return list(dict.fromkeys(urls + narration_files(narrations, refs)))


def _view_files(planner: Planner, view: View, lang: str, refs: list[tuple[str, str, str]]) -> list[str]:
    """What one view of a story needs offline; a narration it plays goes into `refs`."""
    model = planner.model
    kind, slug = view.target
    if view.kind == "audio":
        refs.append((kind, slug, lang))
        return []
    if view.kind == "map":
        folder = planner.static_urls.get("vendor/map/", "")
        return [map_url(model.config, lang), *(folder + name for name in _bundle_names(planner, "vendor/map/"))]
    if view.kind == "scene":
        scene = scenes_of(model)[slug][lang]
        panorama = tour_files(planner.processed).panoramas.get(scene.slug)
        urls = [entry_url(model.config, "tour", scene.tour, lang) + "embed/", *_tour_bundle(planner)]
        return urls + (scene_tiles(panorama, is_kiosk(model.config)) if panorama else [])
    exhibit = model.exhibits[slug][lang]
    if view.kind == "model":
        posters = [] if models_of(planner.site.results)[exhibit.ref].poster else exhibit.images[:1]
        return model_files(planner, exhibit) + image_files(planner, posters)
    crop = planner.site.results[CROPS].get(view)
    return ([crop.site_path] if crop else []) + image_files(planner, exhibit.images[view.image : view.image + 1])


def model_files(planner: Planner, exhibit: Entry, webp: bool = True) -> list[str]:
    """An exhibit's 3D model as its page or card opens it offline: the packed .glb, its poster,
    model-viewer and the decoders its compression needs, not all three (1.4 MB)."""
    found = models_of(planner.site.results).get(exhibit.ref)
    if found is None:
        return []
    needed = tuple(DECODER_FILES[decoder] for decoder in (EAGER_DECODER, *found.decoders))
    folder = planner.static_urls.get(DECODERS, "")
    decoders = [folder + name for name in _bundle_names(planner, DECODERS) if name.startswith(needed)]
    posters = image_files(planner, [found.poster] if found.poster else [], webp)
    return [found.site_path, *posters, *_statics(planner, [MODEL_BUNDLE]), *decoders]


def _statics(planner: Planner, names: Iterable[str]) -> list[str]:
    return [planner.static_urls[name] for name in names if name in planner.static_urls]


def _tour_bundle(planner: Planner) -> list[str]:
    folder = planner.static_urls.get("vendor/tour/", "")
    return [f"{folder}{name}" for name in _bundle_names(planner, "vendor/tour/") if name.endswith((".js", ".css"))]


def page_static(planner: Planner) -> list[str]:
    return [planner.static_urls[name] for name in PAGE_STATIC if name in planner.static_urls]


def image_files(planner: Planner, refs: Iterable[ImageRef], webp: bool = True) -> list[str]:
    """Every width of each image: the browser picks one by the screen it is on when offline."""
    urls = []
    for ref in refs:
        image = planner.images.get((ref.src, ref.credit))
        if image is not None:
            urls += [d.site_path for d in [*(image.webp if webp else ()), *image.jpeg]]
    return urls


def narration_files(narrations: Mapping[tuple[str, str, str], Any], refs: Iterable[tuple[str, str, str]]) -> list[str]:
    urls = []
    for ref in refs:
        narration = narrations.get(ref)
        if narration is not None:
            urls += [path for path in narration_paths(narration) if path]
    return urls


def _bundle_names(planner: Planner, folder: str) -> list[str]:
    """The files of a theme folder versioned as a whole, as the theme ships them."""
    return sorted(name[len(folder) :] for name in planner.static_urls if name.startswith(folder) and name != folder)


Packer = Callable[["Planner", str, str], list[str]]
# page kind → the entries of that kind a visitor may save, and what saving one stores
PACKERS: dict[str, tuple[Callable[[Planner], Iterable[str]], Packer]] = {
    "tour": (lambda planner: tours_of(planner.model), tour_pack),
    "collection": (lambda planner: planner.model.collections, collection_pack),
    "story": (lambda planner: stories_of(planner.model), story_pack),
}


def plan_packs(planner: Planner, outputs: Sequence[Output], max_bytes: int) -> list[Output]:
    """One list per saveable page and language; files no output publishes are left out."""
    published = {output.path: output for output in outputs}
    lists = []
    for kind, (entries, packer) in PACKERS.items():
        for slug in sorted(entries(planner)):
            for lang in planner.model.config.languages:
                saveable = Saveable(kind, slug, lang)
                page = entry_url(planner.model.config, kind, slug, lang)
                urls = packer(planner, slug, lang)
                lists.append(_listed(saveable.name, saveable.list_path, page, urls, published, max_bytes))
    return lists


def _listed(
    name: str, path: str, page: str, urls: list[str], published: Mapping[str, Output], max_bytes: int
) -> Output:
    files: dict[str, Output] = {}
    for url in urls:
        output = published.get(output_file(url) if url == "" or url.endswith("/") else url)
        if output is not None:
            files.setdefault(url, output)
    action = PackList(name, page, max_bytes, tuple((url, output.action) for url, output in files.items()))
    return Output(path, key_of("offline-pack", name, page, max_bytes, [(u, o.key) for u, o in files.items()]), action)


def kiosk_pack(outputs: Sequence[Output]) -> Output:
    """Every published file a visitor may open, for a device with no network: the service
    worker stores it all when it installs. Short codes are left out: they are for phones that
    scanned a label, which reach the site through the network."""
    skipped = ("_headers", "robots.txt", "sitemap.xml", "sw.js")
    urls = [
        output.path.removesuffix("index.html")
        for output in outputs
        if output.path not in skipped and not output.path.startswith(("q/", "Q/", FOLDER))
    ]
    return _listed("kiosk", f"{FOLDER}kiosk.json", "", urls, {o.path: o for o in outputs}, 0)
