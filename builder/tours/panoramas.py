"""Process stage for tours: tile every panorama (cached by content hash) and render the
poster of each scene's initial view, which the page shows before any JavaScript runs."""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyvips

from ..diagnostics import Problem
from ..jobs import Executor, run_missing
from ..model import ContentModel
from ..tiling import EQUIRECT_PATH, TileSet, TileSettings, TilingError, tile_panoramas
from .model import View, scenes_of
from .validate import panorama_angles, panorama_source

POSTER_SIZE = (800, 600)
POSTER_QUALITY = 68


@dataclass(frozen=True)
class ScenePanorama:
    """A scene's tiles in the cache, and its poster."""

    tileset: TileSet
    folder: Path
    poster: Path


def make_panoramas(
    model: ContentModel,
    cache_dir: Path,
    executor: Executor,
    progress: Callable[[str, int, int], None] | None = None,
) -> tuple[dict[str, ScenePanorama], list[Problem]]:
    """Tiles and posters for every scene, keyed by scene slug, both made through `executor`;
    bad panoramas become problems."""
    lang = model.config.default_language
    scenes = [by_lang[lang] for _, by_lang in sorted(scenes_of(model).items())]
    settings = TileSettings(max_pixels=model.config.max_panorama_pixels)
    sources = [(panorama_source(scene, model.config.root), panorama_angles(scene)) for scene in scenes]

    def report(done: int, total: int, _job: object) -> None:
        if progress:
            progress("panoramas", done, total)

    results = tile_panoramas(sources, cache_dir / "tiles", settings, progress=report, executor=executor)
    tiled: dict[str, tuple[TileSet, Path]] = {}
    problems: list[Problem] = []
    for scene, result in zip(scenes, results, strict=True):
        if isinstance(result, TilingError):
            where = scene.origin_of("panorama")
            problems.append(Problem(where.file, where.line, "error", "panorama", result.message, result.hint))
        else:
            tiled[scene.slug] = result
    shown = [scene for scene in scenes if scene.slug in tiled]
    calls = [(tiled[scene.slug][1], scene.view, cache_dir / "posters") for scene in shown]
    posters = dict(run_missing(executor, _poster_in_cache, _poster, calls))
    made = {scene.slug: ScenePanorama(*tiled[scene.slug], posters[index]) for index, scene in enumerate(shown)}
    return made, problems


def _poster_path(folder: Path, view: View, poster_dir: Path) -> Path:
    name = hashlib.sha256(f"{folder.name}:{view}:{POSTER_SIZE}:{POSTER_QUALITY}".encode()).hexdigest()[:24]
    return poster_dir / f"{name}.jpg"


def _poster_in_cache(folder: Path, view: View, poster_dir: Path) -> Path | None:
    target = _poster_path(folder, view, poster_dir)
    return target if target.is_file() else None


def _poster(folder: Path, view: View, poster_dir: Path) -> Path:
    target = _poster_path(folder, view, poster_dir)
    if not target.is_file():
        poster_dir.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp{os.getpid()}-{os.urandom(4).hex()}")
        render_view(folder / EQUIRECT_PATH, view, *POSTER_SIZE).jpegsave(
            str(tmp), Q=POSTER_QUALITY, strip=True, optimize_coding=True, interlace=True
        )
        os.replace(tmp, target)
    return target


def render_view(equirect: Path, view: View, width: int, height: int) -> pyvips.Image:
    """A rectilinear view of a full-sphere equirectangular image, as the viewer shows it.

    `view.fov` is the vertical field of view, as in Photo Sphere Viewer; yaw 0 is the
    image centre and grows to the right, pitch grows upwards.
    """
    source = pyvips.Image.new_from_file(str(equirect), access="sequential")
    index, top, rows = _view_sampling(view, width, height, source.width, source.height)
    return (
        source.crop(0, top, source.width, rows)
        .copy_memory()
        .mapim(index, interpolate=pyvips.Interpolate.new("bilinear"), extend="copy")
    )


@lru_cache(maxsize=8)
def _view_sampling(
    view: View, width: int, height: int, source_width: int, source_height: int
) -> tuple[pyvips.Image, int, int]:
    """Where each pixel of the view samples the equirect (u, v, relative to the first row it
    reads), that first row and how many rows it reads. The same for every scene with this view
    of a source this size (most scenes keep the default view): a build computes it once
    (~0.04 s; 4 MB kept each)."""
    yaw, pitch = math.radians(view.yaw), math.radians(view.pitch)
    focal = (height / 2) / math.tan(math.radians(view.fov) / 2)
    forward = (math.sin(yaw) * math.cos(pitch), math.sin(pitch), math.cos(yaw) * math.cos(pitch))
    right = (math.cos(yaw), 0.0, -math.sin(yaw))
    up = (-math.sin(yaw) * math.sin(pitch), math.cos(pitch), -math.cos(yaw) * math.sin(pitch))
    grid = pyvips.Image.xyz(width, height).cast("float")
    x = grid[0] - (width / 2 - 0.5)
    y = (height / 2 - 0.5) - grid[1]
    ray = [x * right[i] + y * up[i] + focal * forward[i] for i in range(3)]
    horizontal = (ray[0] * ray[0] + ray[2] * ray[2]) ** 0.5
    longitude = ray[0].math2(ray[2], "atan2")  # degrees, 0..360
    latitude = ray[1].math2(horizontal, "atan2")  # degrees, 0..360 with negatives wrapped
    latitude = (latitude > 180).ifthenelse(latitude - 360, latitude)
    longitude = (longitude > 180).ifthenelse(longitude - 360, longitude)
    u = (longitude / 360 + 0.5) * source_width
    v = (0.5 - latitude / 180) * source_height
    u = (u >= source_width).ifthenelse(u - source_width, u)
    index = u.bandjoin(v).copy_memory()
    top, rows = _rows_seen(index[1], source_height)
    return (index - [0, top]).copy_memory(), top, rows


def _rows_seen(v: pyvips.Image, height: int) -> tuple[int, int]:
    """The first row and the number of rows of the source a view samples (with the bilinear
    window's neighbours): a JPEG is decoded only down to the last, and only these are kept."""
    top = max(0, math.floor(v.min()) - 2)
    bottom = min(height, math.floor(v.max()) + 3)
    return top, bottom - top
