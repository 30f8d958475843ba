"""A tour's outputs: its pages (full and embeddable, in every language), the tour index, the
tiles and posters of its panoramas and the media its hotspots play, each keyed by all it shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..assets import AssetStore, resolve_asset
from ..model import ContentModel
from ..narration import narrations_of
from ..outputs import CopyFile, Output
from ..urls import entry_url, index_url
from .model import scenes_of, tour_embed_url, tour_scenes, tours_of
from .panoramas import ScenePanorama

if TYPE_CHECKING:
    from ..plan import Planner

Panoramas = dict[str, ScenePanorama]  # scene slug → its tiles and poster
TourMedia = dict[str, tuple[str, str]]  # published path → (digest, source as written)


def tour_media(model: ContentModel, assets: AssetStore) -> TourMedia:
    """Audio, video and plan files used by tours, copied under a name that changes with their content."""
    lang = model.config.default_language
    sources = [by_lang[lang].plan for by_lang in tours_of(model).values() if by_lang[lang].plan]
    sources += [
        h.target
        for by_lang in scenes_of(model).values()
        for h in by_lang[lang].hotspots
        if h.kind in ("audio", "video")
    ]
    files: TourMedia = {}
    for src in sorted(set(sources)):
        path = resolve_asset(model.config.root, src)
        digest = assets.digest(path)
        files[f"media/{digest[:16]}{path.suffix.lower()}"] = (digest, src)
    return files


def poster_path(panorama: ScenePanorama) -> str:
    return f"tiles/{panorama.tileset.key}/poster-{panorama.poster.stem[:12]}.jpg"


def plan_tours(planner: Planner, panoramas: Panoramas, media: TourMedia) -> list[Output]:
    root = planner.model.config.root
    outputs = [
        Output(path, key, CopyFile(resolve_asset(root, source))) for path, (key, source) in sorted(media.items())
    ]
    outputs += _plan_tiles(panoramas)
    return outputs + _tour_pages(planner, panoramas, media)


def _plan_tiles(panoramas: Panoramas) -> list[Output]:
    outputs = []
    for panorama in sorted(panoramas.values(), key=lambda p: p.tileset.key):
        tileset = panorama.tileset
        for rel in [*tileset.tile_paths(), tileset.preview, *tileset.fallback_faces.values(), tileset.equirect]:
            outputs.append(
                Output(f"tiles/{tileset.key}/{rel}", f"{tileset.key}:{rel}", CopyFile(panorama.folder / rel))
            )
        outputs.append(Output(poster_path(panorama), panorama.poster.stem, CopyFile(panorama.poster)))
    return outputs


def _tour_pages(planner: Planner, panoramas: Panoramas, media: TourMedia) -> list[Output]:
    """Each tour in each language, full and embeddable; a key over its scenes, tiles and exhibits."""
    model = planner.model
    config = model.config
    tours = tours_of(model)
    exhibits = model.exhibit_by_id()
    narrations = narrations_of(planner.site.results)
    outputs: list[Output] = []
    media_keys = sorted(key for key, _ in media.values())
    for lang in config.languages:
        names = sorted(tours)
        if names:
            index_deps = [
                (planner.entry_digest(tours[t][lang]), _scene_keys(planner, t, lang, panoramas)) for t in names
            ]
            outputs.append(
                planner.page("tours.html", lang, "tour-index", "", index_url(config, "tour", lang), index_deps)
            )
        for name in names:
            scenes = tour_scenes(model, name, lang)
            cards = [
                planner.exhibit_key(model.exhibits[exhibits[h.target].slug][lang])
                for scene in scenes
                for h in scene.hotspots
                if h.kind == "exhibit" and h.target in exhibits
            ]
            guide = narrations.get(tours[name][lang].ref)  # the guided tour's audio and captions
            deps = [
                planner.entry_digest(tours[name][lang]),
                _scene_keys(planner, name, lang, panoramas),
                cards,
                media_keys,
                guide.key if guide else "",
            ]
            tour = tours[name][lang]
            url = entry_url(config, "tour", name, lang)
            outputs.append(planner.page("tour.html", lang, "tour", name, url, deps))
            outputs.append(
                planner.page("tour_embed.html", lang, "tour-embed", name, tour_embed_url(config, tour), deps)
            )
    return outputs


def _scene_keys(planner: Planner, tour: str, lang: str, panoramas: Panoramas) -> list[object]:
    """A tour's scenes as shown on its page and its card: text, tiles, poster and what features add."""
    keys: list[object] = []
    for scene in tour_scenes(planner.model, tour, lang):
        panorama = panoramas.get(scene.slug)
        keys.append(
            (
                planner.entry_digest(scene),
                panorama.tileset.key if panorama else "",
                panorama.poster.stem if panorama else "",
                planner.entry_deps(scene),
            )
        )
    return keys
