"""Panorama tiler: equirectangular image (or six cube faces) -> multi-resolution cube tiles.

Why this exists: a museum tour must open instantly on a phone yet stay sharp when zoomed,
so the viewer (Photo Sphere Viewer 5, ``CubemapTilesAdapter``) loads a tiny preview first
and then only the 512 px tiles in view.  Everything is done with libvips (pyvips): no
external tool (nona, Pannellum's generate.py) is needed, memory stays low because the
source is decoded once, top to bottom, in row chunks, and every face is reprojected in
strips with ``mapim`` from an index map that is computed on a coarse grid (every 8 px)
and interpolated bilinearly by vips (the error is below 0.1 px; the pole neighbourhood of
the top and bottom faces, where the map is singular, is computed exactly).

On-disk layout of one tile set (all paths relative to its folder)::

    tileset.json                      manifest, see ``TileSet`` / ``load_tileset``
    tiles/{level}/{face}_{row}_{col}.jpg
                                      level 0 = smallest (one tile per face),
                                      face size of level k = tile_size * 2**k,
                                      row/col 0-based from the top-left of the face
    preview.jpg                       6 faces of ``preview_face_size`` side by side in
                                      PSV stripe order: left, front, right, back, top, bottom
    fallback/{face}.jpg               whole faces of ``fallback_size`` (no-tiles fallback)
    equirect.jpg                      2:1 equirectangular derivative, at most
                                      ``equirect_max_width`` wide (social cards, no WebGL)

Face names are PSV's: ``front back left right top bottom``.

Orientation convention (the one of nona / Pannellum / Marzipano, which is PSV's with
``flipTopBottom: true``; checked against ``CubemapAdapter.textureCoordsToSphericalCoords``
in PSV 5).  Yaw 0 is the centre of the equirectangular image, yaw grows to the right,
pitch grows upwards.  With forward F (yaw 0), right R (yaw 90) and up U, a face pixel
(i, j) of an N px face has a = (2i+1)/N - 1 (rightwards) and b = (2j+1)/N - 1 (downwards)
and looks along::

    front  F + aR - bU          right  R - aF - bU
    back  -F - aR - bU          left  -R + aF - bU
    top    U + aR + bF          (its bottom edge touches the front face)
    bottom -U + aR - bF         (its top edge touches the front face)

Six-face input (``{"front":…, "back":…, "left":…, "right":…, "up":…, "down":…}``) must
use this same convention.

Partial panoramas are placed on the full sphere (yaw centred on 0, pitch centred on
``voffset``) and everything outside them is filled with a neutral dark grey.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import uuid
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from multiprocessing import get_context
from pathlib import Path

import pyvips

from .diagnostics import InputError

#: Bump when the output for the same input and settings changes: it is part of the cache key.
TILER_VERSION = 2

FACES = ("front", "right", "back", "left", "top", "bottom")
#: PSV's default order of a cubemap stripe (``baseUrl`` of type ``stripe``).
STRIPE_ORDER = ("left", "front", "right", "back", "top", "bottom")
#: Keys of a six-face source and the PSV face each one becomes.
SIX_FACE_KEYS = {"front": "front", "back": "back", "left": "left", "right": "right",
                 "up": "top", "down": "bottom"}
#: PSV's CubemapTilesAdapter accepts at most 16 tiles per face side.
MAX_TILES_PER_SIDE = 16
#: Neutral dark grey painted where a partial panorama has no pixels.
FILL = (32, 32, 32)
TILE_PATTERN = "tiles/{level}/{face}_{row}_{col}.jpg"
FALLBACK_PATTERN = "fallback/{face}.jpg"
PREVIEW_PATH = "preview.jpg"
EQUIRECT_PATH = "equirect.jpg"
MANIFEST = "tileset.json"

_GRID = 8  # spacing of the coarse index-map grid, in face pixels
_POLE = 128  # half-width of the exactly computed block around the pole, in face pixels
_CHUNK_ROWS = 64  # rows decoded per step from the source (rounded up to the shrink factor)

Source = str | os.PathLike | Mapping[str, str | os.PathLike]


class TilingError(InputError):
    """Bad input for the tiler; the caller turns it into a Problem with file and line."""


@dataclass(frozen=True)
class TileSettings:
    """How tile sets are made.  Part of the cache key: changing any field re-tiles."""

    tile_size: int = 512  # the common default of PSV, Pannellum, krpano and Marzipano
    jpeg_quality: int = 80  # visually clean on photos, ~20% smaller than 90
    fallback_size: int = 1024  # whole faces for viewers that cannot use tiles
    preview_face_size: int = 256  # 6 x 256 px stripe: ~60 KB, shown blurred at once
    equirect_max_width: int = 4096  # fits every GPU's texture limit; social cards
    max_pixels: int = 300_000_000  # decompression-bomb guard (site.toml max_panorama_pixels)

    def __post_init__(self) -> None:
        if self.tile_size < 64 or self.tile_size & (self.tile_size - 1):
            raise ValueError("tile_size must be a power of two >= 64")
        if not 1 <= self.jpeg_quality <= 100:
            raise ValueError("jpeg_quality must be within 1..100")


@dataclass(frozen=True)
class PanoramaAngles:
    """Field of view of a (possibly partial) equirectangular panorama, in degrees.

    ``haov`` is the horizontal angle of view (360 = full turn), ``vaov`` the vertical one
    (180 = pole to pole), ``voffset`` the pitch of the image centre (positive = up).
    """

    haov: float = 360.0
    vaov: float = 180.0
    voffset: float = 0.0

    def __post_init__(self) -> None:
        if not (0 < self.haov <= 360 and 0 < self.vaov <= 180):
            raise TilingError(
                f"panorama angles out of range: haov={self.haov}, vaov={self.vaov}",
                "haov must be within (0, 360] and vaov within (0, 180] degrees",
            )
        if abs(self.voffset) + self.vaov / 2 > 90.0001:
            raise TilingError(
                f"panorama reaches beyond a pole: voffset={self.voffset}, vaov={self.vaov}",
                "voffset ± vaov/2 must stay within -90..90 degrees",
            )

    @property
    def is_full(self) -> bool:
        return self.haov >= 359.999 and self.vaov >= 179.999


@dataclass(frozen=True)
class TileSet:
    """A finished tile set: what the page generator needs to configure the viewer."""

    key: str  # content hash of the input bytes + settings: the cache folder name
    face_size: int
    tile_size: int
    levels: tuple[tuple[int, int], ...]  # (face_size, nb_tiles), smallest first
    tile_pattern: str = TILE_PATTERN
    preview: str = PREVIEW_PATH
    preview_face_size: int = 256
    fallback_pattern: str = FALLBACK_PATTERN
    fallback_size: int = 1024
    equirect: str = EQUIRECT_PATH
    equirect_size: tuple[int, int] = (0, 0)
    warnings: tuple[str, ...] = ()

    @property
    def fallback_faces(self) -> dict[str, str]:
        return {face: self.fallback_pattern.format(face=face) for face in FACES}

    def tile_paths(self) -> list[str]:
        """Every tile file, relative to the tile set folder (for checks and copying)."""
        paths = []
        for level, (_, nb) in enumerate(self.levels):
            for face in FACES:
                for row in range(nb):
                    for col in range(nb):
                        paths.append(self.tile_pattern.format(level=level, face=face, row=row, col=col))
        return paths

    def psv_config(self) -> dict:
        """The ``panorama`` object for PSV 5's CubemapTilesAdapter.

        ``tileUrl`` is a template: the page's JS turns it into
        ``(face, col, row, level) => base + template.replace(...)``.  Paths are relative
        to the tile set folder.  ``flipTopBottom`` is needed because our top/bottom faces
        follow the nona/Pannellum convention (see the module docstring); it must be given
        for the tiles and for the preview stripe.
        """
        return {
            "levels": [{"faceSize": size, "nbTiles": nb} for size, nb in self.levels],
            "tileUrl": self.tile_pattern,
            "baseUrl": {"type": "stripe", "path": self.preview, "flipTopBottom": True},
            "flipTopBottom": True,
        }

    def to_json(self) -> dict:
        data = asdict(self)
        data["levels"] = [list(level) for level in self.levels]
        data["equirect_size"] = list(self.equirect_size)
        data["warnings"] = list(self.warnings)
        data["tiler_version"] = TILER_VERSION
        return data

    @classmethod
    def from_json(cls, data: dict) -> TileSet:
        data = dict(data)
        data.pop("tiler_version", None)
        data["levels"] = tuple(tuple(level) for level in data["levels"])
        data["equirect_size"] = tuple(data["equirect_size"])
        data["warnings"] = tuple(data["warnings"])
        return cls(**data)


# --------------------------------------------------------------------------- input checks


def _open(path: str | os.PathLike, **kwargs) -> pyvips.Image:
    try:
        return pyvips.Image.new_from_file(os.fspath(path), **kwargs)
    except pyvips.Error as exc:
        if not Path(path).exists():
            raise TilingError(f"panorama file not found: {path}", "check the file name and folder") from exc
        raise TilingError(
            f"cannot read {Path(path).name} as an image: {_vips_reason(exc)}",
            "export the panorama again as JPEG, PNG or TIFF",
        ) from exc


def _vips_reason(exc: pyvips.Error) -> str:
    text = (getattr(exc, "detail", "") or str(exc)).strip().splitlines()
    return text[-1] if text else "unknown error"


_XMP_FIELDS = ("CroppedAreaImageWidthPixels", "CroppedAreaImageHeightPixels", "FullPanoWidthPixels",
               "FullPanoHeightPixels", "CroppedAreaLeftPixels", "CroppedAreaTopPixels")


def _gpano(image: pyvips.Image) -> dict[str, float]:
    if "xmp-data" not in image.get_fields():
        return {}
    xmp = image.get("xmp-data")
    text = xmp.decode("utf-8", "replace") if isinstance(xmp, (bytes, bytearray)) else str(xmp)
    found = {}
    for name in _XMP_FIELDS:
        # both serialisations: GPano:Name="123" and <GPano:Name>123</GPano:Name>
        match = re.search(rf"GPano:{name}\s*=\s*[\"']([-\d.]+)[\"']", text) or re.search(
            rf"<GPano:{name}>\s*([-\d.]+)\s*</GPano:{name}>", text)
        if match:
            found[name] = float(match.group(1))
    return found


def read_panorama_info(path: str | os.PathLike) -> tuple[int, int, PanoramaAngles | None, list[str]]:
    """Width, height, angles from GPano XMP (or None) and warnings; reads the header only.

    When the XMP describes a different pixel size than the file (a resized image with
    stale metadata), its angles are still used if the aspect ratios agree, with a warning;
    if they do not agree the XMP is ignored, with a warning.
    """
    image = _open(path)
    width, height = image.width, image.height
    warnings: list[str] = []
    xmp = _gpano(image)
    needed = {"CroppedAreaImageWidthPixels", "CroppedAreaImageHeightPixels",
              "FullPanoWidthPixels", "FullPanoHeightPixels"}
    if not needed <= xmp.keys():
        return width, height, None, warnings
    cw, ch = xmp["CroppedAreaImageWidthPixels"], xmp["CroppedAreaImageHeightPixels"]
    fw, fh = xmp["FullPanoWidthPixels"], xmp["FullPanoHeightPixels"]
    top = xmp.get("CroppedAreaTopPixels", (fh - ch) / 2)
    name = Path(path).name
    if min(cw, ch, fw, fh) <= 0 or cw > fw or ch > fh:
        warnings.append(f"{name}: its GPano XMP is inconsistent ({int(cw)}×{int(ch)} cropped from "
                        f"{int(fw)}×{int(fh)}); ignoring it")
        return width, height, None, warnings
    if (int(cw), int(ch)) != (width, height):
        if abs((cw / ch) / (width / height) - 1) > 0.01:
            warnings.append(
                f"{name}: its GPano XMP describes a {int(cw)}×{int(ch)} image but the file is "
                f"{width}×{height} with another shape; ignoring the XMP")
            return width, height, None, warnings
        warnings.append(
            f"{name}: its GPano XMP describes a {int(cw)}×{int(ch)} image but the file is "
            f"{width}×{height} (resized after the metadata was written?); using the XMP angles "
            f"scaled to the pixels")
    haov = 360.0 * cw / fw
    vaov = 180.0 * ch / fh
    voffset = 90.0 - (top + ch / 2) / fh * 180.0
    try:
        angles = PanoramaAngles(haov, vaov, voffset)
    except TilingError:
        warnings.append(f"{name}: its GPano XMP gives impossible angles; ignoring it")
        return width, height, None, warnings
    return width, height, angles, warnings


def _resolve_angles(path, width: int, height: int, angles: PanoramaAngles | None,
                    xmp_angles: PanoramaAngles | None) -> PanoramaAngles:
    if angles is not None:
        return angles
    if xmp_angles is not None:
        return xmp_angles
    if abs(width / height - 2.0) > 0.01:
        raise TilingError(
            f"{Path(path).name} is {width}×{height} ({width / height:.2f}:1), not a 2:1 "
            f"full-sphere panorama, and it has no GPano XMP saying which part of the sphere it covers",
            "give the panorama's horizontal and vertical angle of view (haov, vaov in degrees, "
            "and voffset if it is not centred on the horizon), or export it as a full 2:1 "
            "equirectangular image",
        )
    return PanoramaAngles()


def _check_pixels(width: int, height: int, settings: TileSettings, name: str) -> None:
    if width * height > settings.max_pixels:
        raise TilingError(
            f"{name} is {width}×{height} = {width * height:,} pixels, over the limit of "
            f"{settings.max_pixels:,} pixels",
            "downscale the image, or raise max_panorama_pixels in site.toml if you trust this "
            "file (the limit protects the build from decompression bombs)",
        )


def check_panorama(source: Source, settings: TileSettings = TileSettings(),
                   angles: PanoramaAngles | None = None) -> tuple[PanoramaAngles | None, list[str]]:
    """All cheap (header-only) checks of a source: raises TilingError, returns (angles, warnings).

    The angles are None for six-face input.  Use ``verify_image`` for a full decode check.
    """
    if isinstance(source, Mapping):
        _six_face_paths(source)
        total = 0
        for key, path in source.items():
            image = _open(path)
            if image.width != image.height:
                raise TilingError(f"cube face '{key}' ({Path(path).name}) is {image.width}×{image.height}, "
                                  f"not square", "export the six cube faces as square images")
            total += image.width * image.height
        _check_pixels(total, 1, settings, "the six cube faces")
        return None, []
    width, height, xmp_angles, warnings = read_panorama_info(source)
    _check_pixels(width, height, settings, Path(source).name)
    return _resolve_angles(source, width, height, angles, xmp_angles), warnings


def verify_image(path: str | os.PathLike) -> None:
    """Decode the whole image: raises TilingError if it is truncated or corrupt."""
    image = _open(path, access="sequential", fail_on="error")
    try:
        image.avg()
    except pyvips.Error as exc:
        raise TilingError(
            f"{Path(path).name} is truncated or corrupt: {_vips_reason(exc)}",
            "copy or export the file again; an interrupted upload or download often cuts images short",
        ) from exc


def _six_face_paths(source: Mapping) -> dict[str, Path]:
    keys = set(source)
    if keys != set(SIX_FACE_KEYS):
        missing = sorted(set(SIX_FACE_KEYS) - keys)
        extra = sorted(keys - set(SIX_FACE_KEYS))
        raise TilingError(
            "six-face panorama needs exactly the faces front, back, left, right, up, down"
            + (f"; missing: {', '.join(missing)}" if missing else "")
            + (f"; unknown: {', '.join(extra)}" if extra else ""),
            "name the six cube faces front, back, left, right, up and down",
        )
    return {key: Path(source[key]) for key in SIX_FACE_KEYS}


# --------------------------------------------------------------------------- geometry


def choose_face_size(full_width: float, tile_size: int = 512) -> int:
    """Cube face of tile_size·2ⁿ px nearest in log₂ to full_width/π (equal centre density).

    Capped at 16 tiles per side, PSV's limit.
    """
    ideal = max(full_width / math.pi, 1.0)
    n = round(math.log2(ideal / tile_size))
    n = max(0, min(n, int(math.log2(MAX_TILES_PER_SIDE))))
    return tile_size * 2 ** n


def _levels(face_size: int, tile_size: int) -> tuple[tuple[int, int], ...]:
    levels = []
    size = tile_size
    while size <= face_size:
        levels.append((size, size // tile_size))
        size *= 2
    return tuple(levels)


def _face_vectors(face: str, a, b):
    """(F, R, U) direction components of face coordinates a (right) and b (down)."""
    if face == "front":
        return 1.0, a, b * -1.0
    if face == "right":
        return a * -1.0, 1.0, b * -1.0
    if face == "back":
        return -1.0, a * -1.0, b * -1.0
    if face == "left":
        return a, -1.0, b * -1.0
    if face == "top":
        return b, a, 1.0
    if face == "bottom":
        return b * -1.0, a, -1.0
    raise ValueError(face)


def _const_like(image: pyvips.Image, value: float) -> pyvips.Image:
    return (image * 0.0) + value


def _yaw_reference(face: str, j0: int, n: int) -> float:
    """Yaw (degrees) around which a strip's yaw is unwrapped, so the map has no jump.

    Side faces are continuous around their centre.  On the top/bottom faces yaw turns
    around the pole; the half that looks backwards is unwrapped around 180, the half
    that looks forwards around 0, so the only discontinuity is the pole itself.
    """
    if face in ("front", "right", "back", "left"):
        return {"front": 0.0, "right": 90.0, "back": 180.0, "left": -90.0}[face]
    upper = j0 < n // 2
    looks_back = upper if face == "top" else not upper
    return 180.0 if looks_back else 0.0


def _face_map(face: str, n: int, i0: int, j0: int, cols: int, rows: int, step: int,
              geo: _Canvas, yaw_ref: float) -> pyvips.Image:
    """Two-band float (x, y) canvas coordinates of face pixels i0+k·step, j0+m·step."""
    xy = pyvips.Image.xyz(cols, rows)
    a = xy[0] * (2.0 * step / n) + ((2.0 * i0 + 1.0) / n - 1.0)
    b = xy[1] * (2.0 * step / n) + ((2.0 * j0 + 1.0) / n - 1.0)
    f, r, u = _face_vectors(face, a, b)
    f = f if isinstance(f, pyvips.Image) else _const_like(a, f)
    r = r if isinstance(r, pyvips.Image) else _const_like(a, r)
    u = u if isinstance(u, pyvips.Image) else _const_like(a, u)
    yaw = r.math2(f, "atan2")  # libvips: degrees in [0, 360)
    yaw = yaw + ((yaw * -1.0 + yaw_ref) / 360.0).rint() * 360.0  # within yaw_ref ± 180
    pitch = u.math2((f * f + r * r) ** 0.5, "atan2")
    pitch = pitch + (pitch * (-1.0 / 360.0)).rint() * 360.0  # within ± 180
    x = yaw * geo.x_scale + geo.x_offset
    y = pitch * -geo.y_scale + geo.y_offset
    return x.bandjoin(y).cast("float")


@dataclass
class _Canvas:
    """Where the source sits on the full sphere, in canvas (full equirect) pixels."""

    width: int  # full-sphere canvas width
    height: int
    left: int  # source position on the canvas
    top: int
    src_width: int
    src_height: int

    @property
    def x_scale(self) -> float:
        return self.width / 360.0

    @property
    def x_offset(self) -> float:
        return self.width / 2.0 - 0.5

    @property
    def y_scale(self) -> float:
        return self.height / 180.0

    @property
    def y_offset(self) -> float:
        return self.height / 2.0 - 0.5

    @classmethod
    def place(cls, width: int, height: int, angles: PanoramaAngles) -> _Canvas:
        if angles.is_full:
            return cls(width, height, 0, 0, width, height)
        cw = max(width, round(width * 360.0 / angles.haov))
        ch = max(height, round(height * 180.0 / angles.vaov))
        left = round((cw - width) / 2)
        top = round((90.0 - (angles.voffset + angles.vaov / 2)) / 180.0 * ch)
        top = max(0, min(top, ch - height))
        return cls(cw, ch, left, top, width, height)


# --------------------------------------------------------------------------- source rows


def _normalise(image: pyvips.Image) -> pyvips.Image:
    """8-bit sRGB, 3 bands, alpha flattened onto the fill colour."""
    if image.hasalpha():
        image = image.flatten(background=list(FILL) if image.bands > 2 else [FILL[0]])
    if image.interpretation not in ("srgb",) or image.bands != 3 or image.format != "uchar":
        try:
            image = image.colourspace("srgb")
        except pyvips.Error:
            pass
        if image.bands == 1:
            image = image.bandjoin([image, image])
        elif image.bands > 3:
            image = image.extract_band(0, n=3)
        if image.format != "uchar":
            image = image.cast("uchar")
    return image


class _RowStore:
    """Decodes the source once, top to bottom, keeping only the row chunks still needed."""

    def __init__(self, image: pyvips.Image, canvas: _Canvas, chunk_rows: int, name: str,
                 on_chunk: Callable[[pyvips.Image], None] | None = None):
        self.image = image
        self.canvas = canvas
        self.region = pyvips.Region.new(image)
        self.chunk_rows = chunk_rows
        self.chunks: dict[int, pyvips.Image] = {}
        self.decoded = 0  # source rows decoded so far
        self.name = name
        self.on_chunk = on_chunk

    def _decode_to(self, rows: int) -> None:
        h, w = self.image.height, self.image.width
        while self.decoded < min(rows, h):
            n = min(self.chunk_rows, h - self.decoded)
            try:
                data = self.region.fetch(0, self.decoded, w, n)
            except pyvips.Error as exc:
                raise TilingError(
                    f"{self.name} is truncated or corrupt: {_vips_reason(exc)}",
                    "copy or export the file again; an interrupted upload or download often cuts "
                    "images short",
                ) from exc
            chunk = pyvips.Image.new_from_memory(data, w, n, 3, "uchar")
            self.chunks[self.decoded // self.chunk_rows] = chunk
            if self.on_chunk:
                self.on_chunk(chunk)
            self.decoded += n

    def finish(self) -> None:
        self._decode_to(self.image.height)

    def discard_below(self, canvas_row: int) -> None:
        src_row = canvas_row - self.canvas.top
        for index in [i for i in self.chunks if (i + 1) * self.chunk_rows <= src_row]:
            del self.chunks[index]

    def band(self, y0: int, y1: int, pad: int) -> pyvips.Image:
        """Canvas rows [y0, y1), full width plus ``pad`` wrapped columns on the right."""
        c = self.canvas
        s0, s1 = max(y0 - c.top, 0), min(y1 - c.top, c.src_height)
        parts = []
        if s1 > s0:
            self._decode_to(s1)
            first, last = s0 // self.chunk_rows, (s1 - 1) // self.chunk_rows
            pieces = [self.chunks[i] for i in range(first, last + 1)]
            src = _stack(pieces)
            src = src.crop(0, s0 - first * self.chunk_rows, c.src_width, s1 - s0)
            if c.src_width != c.width:
                src = src.embed(c.left, 0, c.width, s1 - s0, background=list(FILL))
            above = min(c.top, y1) - y0
            below = y1 - max(c.top + c.src_height, y0)
            if above > 0:
                parts.append(_flat(c.width, above))
            parts.append(src)
            if below > 0:
                parts.append(_flat(c.width, below))
        else:
            parts.append(_flat(c.width, y1 - y0))
        band = _stack(parts)
        if pad:
            wrap = band.crop(0, 0, min(pad, c.width), band.height)
            while wrap.width < pad:
                wrap = wrap.join(band.crop(0, 0, min(pad - wrap.width, c.width), band.height), "horizontal")
            band = band.join(wrap, "horizontal")
        return band


def _stack(images: Sequence[pyvips.Image]) -> pyvips.Image:
    """Images one above the other (arrayjoin would pad every cell to the tallest one)."""
    if len(images) == 1:
        return images[0]
    heights = [image.height for image in images]
    if len(set(heights[:-1])) == 1 and heights[-1] <= heights[0]:
        joined = pyvips.Image.arrayjoin(images, across=1)
        return joined if heights[-1] == heights[0] else joined.crop(0, 0, joined.width, sum(heights))
    out = images[0]
    for image in images[1:]:
        out = out.join(image, "vertical")
    return out


def _flat(width: int, height: int) -> pyvips.Image:
    return (pyvips.Image.black(width, height, bands=3) + list(FILL)).cast("uchar")


# --------------------------------------------------------------------------- output


class _Writer:
    """Writes JPEGs deterministically: no metadata, fixed settings."""

    def __init__(self, out_dir: Path, settings: TileSettings):
        self.out_dir = out_dir
        self.quality = settings.jpeg_quality

    def save(self, image: pyvips.Image, rel: str) -> None:
        path = self.out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        image.jpegsave(str(path), Q=self.quality, keep="none", optimize_coding=False,
                       interlace=False)


class _Level:
    """Collects rows of one face at one level, writes tile rows, feeds the level below."""

    def __init__(self, face: str, level: int, size: int, tile: int, writer: _Writer,
                 below: _Level | None, keep_face: bool, on_face: Callable | None):
        self.face, self.level, self.size, self.tile = face, level, size, tile
        self.writer, self.below = writer, below
        self.pending: list[pyvips.Image] = []
        self.pending_rows = 0
        self.row = 0
        self.keep_face = keep_face
        self.kept: list[pyvips.Image] = []
        self.on_face = on_face

    def add(self, rows: pyvips.Image) -> None:
        """Add rows (a memory image); every full tile row is written at once."""
        self.pending.append(rows)
        self.pending_rows += rows.height
        while self.pending_rows >= self.tile:
            if len(self.pending) == 1 and self.pending_rows == self.tile:
                head, self.pending = self.pending[0], []
            else:
                strip = _stack(self.pending)
                head = strip.crop(0, 0, self.size, self.tile).copy_memory()
                rest = self.pending_rows - self.tile
                self.pending = [strip.crop(0, self.tile, self.size, rest).copy_memory()] if rest else []
            self.pending_rows -= self.tile
            self._emit(head)

    def _emit(self, strip: pyvips.Image) -> None:
        for col in range(self.size // self.tile):
            self.writer.save(strip.crop(col * self.tile, 0, self.tile, self.tile),
                             TILE_PATTERN.format(level=self.level, face=self.face, row=self.row, col=col))
        self.row += 1
        if self.keep_face:
            self.kept.append(strip)
        if self.below is not None:
            self.below.add(strip.shrink(2, 2).copy_memory())
        if self.row * self.tile == self.size:
            if self.keep_face and self.on_face:
                face = _stack(self.kept)
                self.on_face(self.face, self.size, face.copy_memory())
            self.kept = []


class _FaceOutputs:
    """The pyramid of one face plus its fallback and preview faces."""

    def __init__(self, face: str, face_size: int, settings: TileSettings, writer: _Writer,
                 previews: dict[str, pyvips.Image]):
        self.face = face
        tile = settings.tile_size
        levels = _levels(face_size, tile)
        self.fallback = min(settings.fallback_size, face_size)
        fallback_level = max((s for s, _ in levels if s <= self.fallback), default=tile)
        self.writer, self.settings, self.previews = writer, settings, previews
        below = None
        for index, (size, _) in enumerate(levels):
            keep = size in (fallback_level, tile)
            below = _Level(face, index, size, tile, writer, below, keep, self._on_face)
        self.top = below
        self.fallback_level = fallback_level

    def _on_face(self, face: str, size: int, image: pyvips.Image) -> None:
        if size == self.fallback_level:
            out = image if size == self.fallback else image.resize(self.fallback / size)
            self.writer.save(out, FALLBACK_PATTERN.format(face=face))
        if size == self.settings.tile_size:
            p = self.settings.preview_face_size
            self.previews[face] = image if p == size else image.resize(p / size).copy_memory()

    def add(self, rows: pyvips.Image) -> None:
        self.top.add(rows)


def _save_preview(previews: dict[str, pyvips.Image], writer: _Writer, size: int) -> None:
    faces = [previews[name] for name in STRIPE_ORDER]
    stripe = pyvips.Image.arrayjoin(faces, across=6)
    if stripe.height != size:
        stripe = stripe.resize(size / stripe.height)
    writer.save(stripe, PREVIEW_PATH)


# --------------------------------------------------------------------------- reprojection


def _strip_plan(face_size: int, tile: int) -> int:
    """Strip height: a tile row, but never straddling the middle row of a face."""
    return min(tile, face_size // 2)


def _pole_block(face: str, n: int, j0: int, rows: int) -> tuple[int, int, int, int] | None:
    """(i0, r0, width, height) of the exactly computed block around the pole in this strip."""
    if face not in ("top", "bottom"):
        return None
    c = min(_POLE, n // 2)
    lo, hi = (n // 2 - c, n // 2) if j0 < n // 2 else (n // 2, n // 2 + c)
    r0, r1 = max(lo, j0), min(hi, j0 + rows)
    return (n // 2 - c, r0, 2 * c, r1 - r0) if r1 > r0 else None


def _plan_strip(face: str, n: int, j0: int, rows: int, canvas: _Canvas):
    """Coarse map, exact pole block and (xmin, xmax, ymin, ymax) of one strip of a face.

    Bilinear upsampling never leaves the range of the grid values, so the ranges of the
    coarse map and of the exact block bound the whole strip's map.
    """
    ref = _yaw_reference(face, j0, n)
    coarse = _face_map(face, n, 0, j0, n // _GRID + 1, rows // _GRID + 1, _GRID, canvas, ref).copy_memory()
    parts = [coarse]
    block = _pole_block(face, n, j0, rows)
    exact = None
    if block:
        i0, r0, bw, bh = block
        exact = _face_map(face, n, i0, r0, bw, bh, 1, canvas, ref).copy_memory()
        parts.append(exact)
    xr = [(p[0].min(), p[0].max()) for p in parts]
    yr = [(p[1].min(), p[1].max()) for p in parts]
    ranges = (min(a for a, _ in xr), max(b for _, b in xr), min(a for a, _ in yr), max(b for _, b in yr))
    return coarse, block, exact, ranges


def _strip_map(n: int, j0: int, rows: int, coarse: pyvips.Image, block, exact) -> pyvips.Image:
    """Full-resolution index map of a strip: coarse grid upsampled by vips, pole block inserted."""
    fine = coarse.affine([_GRID, 0, 0, _GRID], interpolate=pyvips.Interpolate.new("bilinear"),
                         oarea=[0, 0, n, rows], extend="copy")
    if block:
        fine = fine.insert(exact, block[0], block[1] - j0)
    return fine


def _reproject(image: pyvips.Image, canvas: _Canvas, face_size: int, settings: TileSettings,
               writer: _Writer, name: str, on_chunk) -> dict[str, pyvips.Image]:
    n = face_size
    rows = _strip_plan(n, settings.tile_size)
    strips = range(0, n, rows)
    # order follows the source from top to bottom, so decoded rows can be dropped early
    stages = [("top", j0) for j0 in strips]
    stages += [(face, j0) for j0 in strips for face in ("front", "right", "back", "left")]
    stages += [("bottom", j0) for j0 in strips]
    plans = []
    for face, j0 in stages:
        coarse, block, exact, (xmin, xmax, ymin, ymax) = _plan_strip(face, n, j0, rows, canvas)
        y0 = max(0, math.floor(ymin) - 1)
        y1 = min(canvas.height, math.floor(ymax) + 3)
        plans.append((face, j0, coarse, block, exact, y0, max(y1, y0 + 1), xmin, xmax))
    need_from = [0] * (len(plans) + 1)
    need_from[-1] = canvas.height
    for k in range(len(plans) - 1, -1, -1):
        need_from[k] = min(plans[k][5], need_from[k + 1])
    x_hi = max(p[8] for p in plans)
    if min(p[7] for p in plans) < -1.0:
        raise AssertionError("index map left of the canvas")  # cannot happen: see _yaw_reference
    pad = max(0, math.ceil(x_hi) + 3 - canvas.width)

    k = _derivative_shrink(canvas, settings)
    store = _RowStore(image, canvas, k * math.ceil(_CHUNK_ROWS / k), name, on_chunk)
    previews: dict[str, pyvips.Image] = {}
    outputs = {face: _FaceOutputs(face, n, settings, writer, previews) for face in FACES}
    bil = pyvips.Interpolate.new("bilinear")
    for k, (face, j0, coarse, block, exact, y0, y1, _, _) in enumerate(plans):
        band = store.band(y0, y1, pad)
        fine = _strip_map(n, j0, rows, coarse, block, exact)
        if y0:
            fine = fine - [0.0, float(y0)]
        strip = band.mapim(fine, interpolate=bil, extend="copy", background=list(FILL))
        outputs[face].add(strip.copy_memory())
        store.discard_below(need_from[k + 1])
    store.finish()
    return previews


# --------------------------------------------------------------------------- equirect derivative


def _derivative_shrink(canvas: _Canvas, settings: TileSettings) -> int:
    return max(1, math.ceil(canvas.width / settings.equirect_max_width))


def _reusable_equirect(source: Path, image: pyvips.Image, canvas: _Canvas, settings: TileSettings) -> bool:
    """A plain 8-bit sRGB JPEG of the whole sphere, no wider than the derivative may be, is
    already the derivative: copying it (metadata stripped) saves an 8-megapixel JPEG encode."""
    return (image.get("vips-loader").startswith("jpeg") and image.bands == 3 and image.format == "uchar"
            and image.get_typeof("icc-profile-data") == 0 and image.width == canvas.width
            and image.height == canvas.height and canvas.width == 2 * canvas.height
            and _derivative_shrink(canvas, settings) == 1)


def strip_jpeg_metadata(data: bytes) -> bytes:
    """The same JPEG without EXIF, XMP, ICC or comments (camera, GPS and editing history)."""
    kept = bytearray(data[:2])
    position = 2
    while position + 4 <= len(data) and data[position] == 0xFF:
        marker = data[position + 1]
        if marker == 0xDA:  # start of scan: the image data follows, keep the rest as it is
            break
        length = int.from_bytes(data[position + 2:position + 4], "big")
        if not (0xE1 <= marker <= 0xEF or marker == 0xFE):
            kept += data[position:position + 2 + length]
        position += 2 + length
    return bytes(kept + data[position:])


class _Derivative:
    """Box-shrinks the source chunk by chunk while it streams past: no second decode.

    The shrunk rows go to a temporary raw file, not to memory: at 16k they are 24 MB
    that would otherwise sit on top of the bottom face's row band at the peak.
    """

    def __init__(self, canvas: _Canvas, settings: TileSettings, folder: Path):
        self.k = _derivative_shrink(canvas, settings)
        self.canvas = canvas
        self.path = folder / f".equirect-{uuid.uuid4().hex[:8]}.raw"
        self.handle = open(self.path, "wb")
        self.width = 0
        self.rows = 0

    def add(self, chunk: pyvips.Image) -> None:
        k = self.k
        if k > 1:
            h = chunk.height
            if h % k:
                chunk = chunk.embed(0, 0, chunk.width, h + k - h % k, extend="copy")
            chunk = chunk.shrink(k, k)
        self.handle.write(chunk.write_to_memory())
        self.width, self.rows = chunk.width, self.rows + chunk.height

    def save(self, writer: _Writer) -> tuple[int, int]:
        c, k = self.canvas, self.k
        self.handle.close()
        try:
            src = pyvips.Image.rawload(str(self.path), self.width, self.rows, 3)
            w, h = c.width // k, c.height // k
            sw, sh = max(1, c.src_width // k), max(1, c.src_height // k)
            src = src.crop(0, 0, min(sw, src.width), min(sh, src.height))
            if (w, h) != (src.width, src.height):
                src = src.embed(round(c.left / k), round(c.top / k), w, h, background=list(FILL))
            writer.save(src, EQUIRECT_PATH)
            del src
        finally:
            self.path.unlink(missing_ok=True)
        return w, h


# --------------------------------------------------------------------------- six faces


def _tile_six_faces(paths: dict[str, Path], face_size: int | None, settings: TileSettings,
                    writer: _Writer) -> tuple[int, tuple[int, int]]:
    sizes = [_open(p).width for p in paths.values()]
    n = face_size or choose_face_size(max(sizes) * math.pi, settings.tile_size)
    previews: dict[str, pyvips.Image] = {}
    faces: dict[str, pyvips.Image] = {}
    for key, path in paths.items():
        face = SIX_FACE_KEYS[key]
        try:
            image = _normalise(_open(path, fail_on="error"))
            if image.width != n:
                image = image.resize(n / image.width, vscale=n / image.height)
            image = image.copy_memory()
        except pyvips.Error as exc:
            raise TilingError(f"cube face '{key}' ({path.name}) is truncated or corrupt: "
                              f"{_vips_reason(exc)}", "export the cube face again") from exc
        out = _FaceOutputs(face, n, settings, writer, previews)
        for j0 in range(0, n, settings.tile_size):
            out.add(image.crop(0, j0, n, settings.tile_size))
        # keep a small copy for the equirect derivative
        small = min(n, 2048)
        faces[face] = image if small == n else image.resize(small / n).copy_memory()
    _save_preview(previews, writer, settings.preview_face_size)
    width = min(settings.equirect_max_width, 4 * n)
    equirect = _cube_to_equirect(faces, width)
    writer.save(equirect, EQUIRECT_PATH)
    return n, (equirect.width, equirect.height)


def _cube_to_equirect(faces: dict[str, pyvips.Image], width: int) -> pyvips.Image:
    """Equirectangular image from six faces (one mapim over an atlas with 1 px borders)."""
    n = faces["front"].width
    height = width // 2
    order = list(FACES)
    atlas = pyvips.Image.arrayjoin(
        [faces[f].embed(1, 1, n + 2, n + 2, extend="copy") for f in order], across=6)
    xy = pyvips.Image.xyz(width, height)
    yaw = (xy[0] + 0.5) * (360.0 / width) - 180.0
    pitch = 90.0 - (xy[1] + 0.5) * (180.0 / height)
    cp = pitch.cos()
    f, r, u = cp * yaw.cos(), cp * yaw.sin(), pitch.sin()
    af, ar, au = f.abs(), r.abs(), u.abs()
    # face index and (a, b) per the convention in the module docstring
    choices = {
        "front": (r / f, (u / f) * -1.0),
        "back": (r / f, u / f),
        "right": ((f / r) * -1.0, (u / r) * -1.0),
        "left": ((f / r) * -1.0, u / r),
        "top": (r / u, f / u),
        "bottom": ((r / u) * -1.0, f / u),
    }
    is_f = (af >= ar) & (af >= au)
    is_r = (ar > af) & (ar >= au)

    def pick(index: int):
        a_side = is_r.ifthenelse((r > 0).ifthenelse(choices["right"][index], choices["left"][index]),
                                 (f > 0).ifthenelse(choices["front"][index], choices["back"][index]))
        a_pole = (u > 0).ifthenelse(choices["top"][index], choices["bottom"][index])
        return (is_f | is_r).ifthenelse(a_side, a_pole)

    def slot(name: str) -> pyvips.Image:
        # an image, not a number: ifthenelse would cast a constant to the uchar condition
        return _const_like(f, order.index(name) * (n + 2) + 1.0)

    offset = is_r.ifthenelse((r > 0).ifthenelse(slot("right"), slot("left")),
                             (f > 0).ifthenelse(slot("front"), slot("back")))
    offset = (is_f | is_r).ifthenelse(offset, (u > 0).ifthenelse(slot("top"), slot("bottom")))
    a, b = pick(0), pick(1)
    x = (a + 1.0) * (n / 2.0) - 0.5 + offset
    y = (b + 1.0) * (n / 2.0) - 0.5 + 1.0
    index = x.bandjoin(y).cast("float")
    return atlas.mapim(index, interpolate=pyvips.Interpolate.new("bilinear"), extend="copy").copy_memory()


# --------------------------------------------------------------------------- public entry points


def _source_key(source: Source, settings: TileSettings, angles: PanoramaAngles | None) -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps({"v": TILER_VERSION, "settings": asdict(settings),
                              "angles": asdict(angles) if angles else None}, sort_keys=True).encode())
    paths = ([_six_face_paths(source)[k] for k in sorted(SIX_FACE_KEYS)]
             if isinstance(source, Mapping) else [Path(source)])
    for path in paths:
        try:
            with open(path, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
        except OSError as exc:
            raise TilingError(f"cannot read panorama file {path}: {exc.strerror}",
                              "check the file name and folder") from exc
        digest.update(b"\0")
    return digest.hexdigest()[:32]


def tile_panorama(source: Source, out_dir: str | os.PathLike, settings: TileSettings = TileSettings(),
                  angles: PanoramaAngles | None = None, *, key: str | None = None) -> TileSet:
    """Tile one panorama into ``out_dir`` (created; must be new or empty) and return its TileSet.

    ``source`` is an equirectangular JPEG/PNG/TIFF path or a dict of six cube faces.
    ``angles`` override the GPano XMP for partial panoramas.  Raises TilingError for bad input.
    """
    # libvips' operation cache would keep every decoded chunk and strip alive: off
    pyvips.cache_set_max(0)
    _tame_malloc()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if any(out.iterdir()):
        raise ValueError(f"tile_panorama needs an empty folder, {out} is not")
    key = key or _source_key(source, settings, angles)
    writer = _Writer(out, settings)
    if isinstance(source, Mapping):
        check_panorama(source, settings)
        n, eq_size = _tile_six_faces(_six_face_paths(source), None, settings, writer)
        warnings: list[str] = []
    else:
        resolved, warnings = check_panorama(source, settings, angles)
        image = _open(source, access="sequential", fail_on="error")
        canvas = _Canvas.place(image.width, image.height, resolved)
        n = choose_face_size(canvas.width, settings.tile_size)
        try:
            image = _normalise(image)
        except pyvips.Error as exc:
            raise TilingError(f"cannot convert {Path(source).name} to RGB: {_vips_reason(exc)}",
                              "export the panorama as an 8-bit RGB JPEG") from exc
        reusable = _reusable_equirect(Path(source), image, canvas, settings)
        derivative = _Derivative(canvas, settings, out)
        try:
            collect = (lambda _rows: None) if reusable else derivative.add
            previews = _reproject(image, canvas, n, settings, writer, Path(source).name, collect)
        except BaseException:
            derivative.handle.close()
            derivative.path.unlink(missing_ok=True)
            raise
        _save_preview(previews, writer, settings.preview_face_size)
        if reusable:
            derivative.handle.close()
            derivative.path.unlink(missing_ok=True)
            (out / EQUIRECT_PATH).write_bytes(strip_jpeg_metadata(Path(source).read_bytes()))
            eq_size = (canvas.width, canvas.height)
        else:
            eq_size = derivative.save(writer)
    fallback = min(settings.fallback_size, n)
    tileset = TileSet(key=key, face_size=n, tile_size=settings.tile_size,
                      levels=_levels(n, settings.tile_size), preview_face_size=settings.preview_face_size,
                      fallback_size=fallback, equirect_size=eq_size, warnings=tuple(warnings))
    (out / MANIFEST).write_text(json.dumps(tileset.to_json(), indent=2, sort_keys=True) + "\n",
                                encoding="utf-8")
    return tileset


def load_tileset(directory: str | os.PathLike) -> TileSet:
    """Reload the TileSet written by ``tile_panorama`` (e.g. from the cache)."""
    data = json.loads((Path(directory) / MANIFEST).read_text(encoding="utf-8"))
    if data.get("tiler_version") != TILER_VERSION:
        raise ValueError(f"{directory} was made by another tiler version")
    return TileSet.from_json(data)


def cached_tile_panorama(source: Source, cache_dir: str | os.PathLike,
                         settings: TileSettings = TileSettings(),
                         angles: PanoramaAngles | None = None) -> tuple[TileSet, Path]:
    """Tile into ``cache_dir/<key>/`` unless it is already there (then nothing is done).

    The tile set is built in a temporary sibling folder and renamed into place, so an
    interrupted build never leaves a half tile set under the final name.
    """
    cache = Path(cache_dir)
    cache.mkdir(parents=True, exist_ok=True)
    key = _source_key(source, settings, angles)
    final = cache / key
    if (final / MANIFEST).is_file():
        try:
            return load_tileset(final), final
        except (ValueError, KeyError, TypeError, json.JSONDecodeError):
            shutil.rmtree(final, ignore_errors=True)
    temp = cache / f".tmp-{key}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        tileset = tile_panorama(source, temp, settings, angles, key=key)
        try:
            os.rename(temp, final)
        except OSError:
            if not (final / MANIFEST).is_file():  # not a concurrent twin: a real failure
                raise
            shutil.rmtree(temp, ignore_errors=True)
            return load_tileset(final), final
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return tileset, final


Job = Source | tuple


def _run_job(job: Job, cache_dir: str, settings: TileSettings):
    source, angles = (job if isinstance(job, tuple) else (job, None))
    try:
        return cached_tile_panorama(source, cache_dir, settings, angles)
    except TilingError as exc:
        return exc


def tile_panoramas(jobs: Sequence[Job], cache_dir: str | os.PathLike,
                   settings: TileSettings = TileSettings(), workers: int = 1,
                   progress: Callable[[int, int, Job], None] | None = None,
                   ) -> list[tuple[TileSet, Path] | TilingError]:
    """Tile many panoramas in ``workers`` processes (each job: source or (source, angles)).

    Results come back in job order; a job with bad input gives its TilingError instead of
    stopping the others.  ``progress(done, total, job)`` is called after each job.
    Processes, not threads: tiling is CPU-bound and libvips is then free of the GIL; one
    vips thread per worker keeps CPU time low and the total predictable.
    """
    results: list = [None] * len(jobs)
    if workers <= 1 or len(jobs) <= 1:
        for index, job in enumerate(jobs):
            results[index] = _run_job(job, os.fspath(cache_dir), settings)
            if progress:
                progress(index + 1, len(jobs), job)
        return results
    context = get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                             initializer=_init_worker) as pool:
        futures = {pool.submit(_run_job, job, os.fspath(cache_dir), settings): index
                   for index, job in enumerate(jobs)}
        done = 0
        for future in as_completed(futures):
            index = futures[future]
            results[index] = future.result()
            done += 1
            if progress:
                progress(done, len(jobs), jobs[index])
    return results


def _tame_malloc() -> None:
    """Make glibc hand large freed blocks back to the kernel at once.

    The tiler allocates and frees many multi-megabyte row chunks and strips; glibc's
    default raises its mmap threshold after the first such free and then carves them from
    a heap that fragments, which measured +100-150 MB of peak RSS on a 16k panorama.
    """
    global _MALLOC_TAMED
    if _MALLOC_TAMED:
        return
    _MALLOC_TAMED = True
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 2 * 1024 * 1024)  # M_MMAP_THRESHOLD: fixed, so no dynamic raise
        libc.mallopt(-8, 2)  # M_ARENA_MAX: vips worker threads share two arenas
    except (OSError, AttributeError):
        pass  # not glibc: nothing to tune


_MALLOC_TAMED = False


def _init_worker() -> None:
    pyvips.concurrency_set(1)
