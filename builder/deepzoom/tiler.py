"""One large image into IIIF Image API 3 level-0 static tiles and their info.json, cached by content.

libvips' `dzsave(layout="iiif3")` writes exactly the files a level-0 viewer asks for (each
region at each scale factor, and the whole image at the smallest one under `full/`); the
source is read sequentially, so a 600-megapixel scan is tiled strip by strip instead of being
decoded whole. What the tiler adds: upright sRGB 8-bit pixels without metadata, the `sizes`
IIIF asks a level-0 service to list, and an `id` left empty, since where the tiles are served
from is the plan's business (`info_json`), not the cache's.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pyvips

from ..jobs import sweep_stale_temp, temp_name
from ..tiling.source import _normalise, streamed, vips_reason

TILER_VERSION = 1
TILE_SIZE = 512
JPEG_QUALITY = 82
INFO = "info.json"
IIIF_CONTEXT = "http://iiif.io/api/image/3/context.json"
ROTATED = (5, 6, 7, 8)  # EXIF orientations that swap width and height
UPRIGHT = (0, 1)
BYTES_PER_COLUMN = 7_800  # bench/deep_zoom/whole_build.py: (185 - 30) MB over 20,000 columns


class ZoomError(Exception):
    """An image libvips cannot read or tile: what went wrong, for the curator's error."""


@dataclass(frozen=True)
class ZoomTiles:
    """A finished tile set: its cache key (also its published folder name), size and files."""

    key: str
    folder: Path
    width: int
    height: int
    files: tuple[str, ...]  # every file under `folder`, info.json included, as POSIX paths


def tiles_key(digest: str) -> str:
    """The cache folder of an image: its content hash and everything that shapes the tiles."""
    settings = f"{TILER_VERSION}:{TILE_SIZE}:{JPEG_QUALITY}:{pyvips.version(0)}.{pyvips.version(1)}"
    return hashlib.sha256(f"{settings}:{digest}".encode()).hexdigest()[:32]


def tiling_memory(width: int) -> int:
    """The peak memory, in bytes, that tiling an image this wide is expected to take (for the
    executor's budget): dzsave keeps a strip of tiles per level of the pyramid, so it grows
    with the width, not the height (185 MB measured for a 20,000×30,000 scan, with ~30 MB of
    Python and libvips)."""
    return 30 * 2**20 + width * BYTES_PER_COLUMN


def cached_tiles(source: Path, digest: str, cache_dir: Path) -> ZoomTiles:
    """The tiles of `source` from `cache_dir/<key>/`, tiled first if they are not there.

    They are made in a temporary sibling and renamed into place, so a killed build never
    leaves half a tile set under the final name.
    """
    key = tiles_key(digest)
    final = cache_dir / key
    if not (final / INFO).is_file():
        cache_dir.mkdir(parents=True, exist_ok=True)
        sweep_stale_temp(cache_dir)
        temp = cache_dir / temp_name(key)
        try:
            tile_image(source, temp)
            os.rename(temp, final)
        except OSError:
            if not (final / INFO).is_file():  # not a concurrent twin's rename: a real failure
                raise
        finally:
            shutil.rmtree(temp, ignore_errors=True)
    return _read_tiles(key, final)


def found_tiles(source: str, digest: str, cache_dir: str) -> ZoomTiles | None:
    """The tiles already in the cache, looked up in the build process (`jobs.run_missing`)."""
    folder = Path(cache_dir) / tiles_key(digest)
    return _read_tiles(folder.name, folder) if (folder / INFO).is_file() else None


def made_tiles(source: str, digest: str, cache_dir: str) -> ZoomTiles | ZoomError:
    """`cached_tiles` as a job for a worker process or a cluster node: plain arguments, and a
    failure returned as a value, which the build process turns into the curator's error."""
    try:
        return cached_tiles(Path(source), digest, Path(cache_dir))
    except ZoomError as exc:
        return exc
    except OSError as exc:
        return ZoomError(str(exc))


def tile_image(source: Path, out: Path) -> None:
    """Tile `source` into the new folder `out` (libvips creates it)."""
    pyvips.cache_set_max(0)  # the operation cache would keep decoded strips alive
    try:
        with streamed(source) as stream:
            image = _upright(source, stream)
            if image.get_typeof("icc-profile-data"):
                image = image.icc_transform("srgb", embedded=True, intent="perceptual")
            image = _normalise(image)
            image.dzsave(
                os.fspath(out), layout="iiif3", tile_size=TILE_SIZE, suffix=f".jpg[Q={JPEG_QUALITY}]", keep="none"
            )
    except pyvips.Error as exc:
        raise ZoomError(vips_reason(exc)) from exc
    _finish_info(out)


def _upright(source: Path, stream: pyvips.Source) -> pyvips.Image:
    """The image read top to bottom once, through reads of our own (`streamed`). A rotated
    image (EXIF orientation) needs random access, which libvips gives large images from a
    temporary file on disk, not from memory."""
    image = pyvips.Image.new_from_source(stream, "", access="sequential", fail_on="truncated")
    orientation = image.get("orientation") if image.get_typeof("orientation") else 1
    if orientation in UPRIGHT:
        return image
    return pyvips.Image.new_from_file(os.fspath(source), access="random", fail_on="truncated").autorot()


def _finish_info(out: Path) -> None:
    """libvips' info.json, with the `sizes` of the whole image it wrote under full/ and no `id`."""
    info = json.loads((out / INFO).read_text(encoding="utf-8"))
    sizes = sorted(tuple(int(n) for n in folder.name.split(",")) for folder in (out / "full").iterdir())
    info["id"] = ""
    info["sizes"] = [{"width": width, "height": height} for width, height in sizes]
    (out / INFO).write_text(json.dumps(info, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    for leftover in out.glob("vips-properties.xml"):
        leftover.unlink()


def _read_tiles(key: str, folder: Path) -> ZoomTiles:
    info = json.loads((folder / INFO).read_text(encoding="utf-8"))
    files = sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file())
    return ZoomTiles(key, folder, int(info["width"]), int(info["height"]), tuple(files))


def info_json(tiles: ZoomTiles, service_id: str) -> str:
    """The published info.json: the cached one with the service's `id`, where its tiles are served."""
    info = json.loads((tiles.folder / INFO).read_text(encoding="utf-8"))
    info["id"] = service_id
    return json.dumps(info, indent=2, sort_keys=True) + "\n"
