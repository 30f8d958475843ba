"""Panorama tiler: equirectangular image (or six cube faces) -> multi-resolution cube tiles.

Why this exists: a museum tour must open instantly on a phone yet stay sharp when zoomed,
so the viewer (Photo Sphere Viewer 5, ``CubemapTilesAdapter``) loads a tiny preview first
and then only the 512 px tiles in view.  Everything is done with libvips (pyvips): no
external tool (nona, Pannellum's generate.py) is needed, memory stays low because the
source is decoded once, top to bottom, in row chunks, and every face is reprojected in
strips with ``mapim`` from an index map that is computed on a coarse grid (every 8 px)
and interpolated bilinearly by vips (the error is below 0.1 px; the pole neighbourhood of
the top and bottom faces, where the map is singular, is computed exactly and reprojected
from its own small copy of the polar rows).

Where the CPU time goes, and what keeps it low (see bench/RESULTS.md, "Tiling"): the
bilinear ``mapim`` of the top level (about a third), JPEG decoding and encoding, Python
and libvips start-up, and a fixed cost per libvips call (~0.2 ms, ~1 ms for a pass over
pixels) that a 4k panorama pays some 170 times.  So work is never done twice and calls
are few: the four side faces share one index map (they differ by a quarter turn of yaw,
i.e. a shift of the source band), the top and bottom faces are mirror images of the lower
half of the top face (one map serves both, see ``_mirror``), every map is upsampled for
half a face and mirrored (faces are symmetric about their middle column), lower levels
are 2×2 box shrinks of the level above, tile rows are JPEG-encoded several at a time and
cut apart without decoding (``split_jpeg``), the fallback faces are the tiles of their
level joined the same way (``join_jpegs``), and a plain full-sphere JPEG no wider than
``equirect_max_width`` is copied as the equirect derivative.

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
from array import array
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import NamedTuple

import pyvips

from .diagnostics import InputError
from .jobs import Executor, LocalExecutor, sweep_stale_temp, temp_name

#: Bump when the output for the same input and settings changes: it is part of the cache key.
TILER_VERSION = 4

FACES = ("front", "right", "back", "left", "top", "bottom")
#: PSV's default order of a cubemap stripe (``baseUrl`` of type ``stripe``).
STRIPE_ORDER = ("left", "front", "right", "back", "top", "bottom")
#: Keys of a six-face source and the PSV face each one becomes.
SIX_FACE_KEYS = {"front": "front", "back": "back", "left": "left", "right": "right", "up": "top", "down": "bottom"}
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
_CHUNK_BYTES = 3 << 20  # decoded per step from a JPEG source: 64 rows at 16k, 256 at 4k
_BATCH_BYTES = 4 << 20  # tile rows encoded together (see _Writer.save_tiles)
_KEEP_MAP_BYTES = 4 << 20  # half-face maps this small serve the top and the bottom face (_keep_map)

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


_XMP_FIELDS = (
    "CroppedAreaImageWidthPixels",
    "CroppedAreaImageHeightPixels",
    "FullPanoWidthPixels",
    "FullPanoHeightPixels",
    "CroppedAreaLeftPixels",
    "CroppedAreaTopPixels",
)


def _gpano(image: pyvips.Image) -> dict[str, float]:
    if "xmp-data" not in image.get_fields():
        return {}
    xmp = image.get("xmp-data")
    text = xmp.decode("utf-8", "replace") if isinstance(xmp, (bytes, bytearray)) else str(xmp)
    found = {}
    for name in _XMP_FIELDS:
        # both serialisations: GPano:Name="123" and <GPano:Name>123</GPano:Name>
        match = re.search(rf"GPano:{name}\s*=\s*[\"']([-\d.]+)[\"']", text) or re.search(
            rf"<GPano:{name}>\s*([-\d.]+)\s*</GPano:{name}>", text
        )
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
    needed = {
        "CroppedAreaImageWidthPixels",
        "CroppedAreaImageHeightPixels",
        "FullPanoWidthPixels",
        "FullPanoHeightPixels",
    }
    if not needed <= xmp.keys():
        return width, height, None, warnings
    cw, ch = xmp["CroppedAreaImageWidthPixels"], xmp["CroppedAreaImageHeightPixels"]
    fw, fh = xmp["FullPanoWidthPixels"], xmp["FullPanoHeightPixels"]
    top = xmp.get("CroppedAreaTopPixels", (fh - ch) / 2)
    name = Path(path).name
    if min(cw, ch, fw, fh) <= 0 or cw > fw or ch > fh:
        warnings.append(
            f"{name}: its GPano XMP is inconsistent ({int(cw)}×{int(ch)} cropped from {int(fw)}×{int(fh)}); ignoring it"
        )
        return width, height, None, warnings
    if (int(cw), int(ch)) != (width, height):
        if abs((cw / ch) / (width / height) - 1) > 0.01:
            warnings.append(
                f"{name}: its GPano XMP describes a {int(cw)}×{int(ch)} image but the file is "
                f"{width}×{height} with another shape; ignoring the XMP"
            )
            return width, height, None, warnings
        warnings.append(
            f"{name}: its GPano XMP describes a {int(cw)}×{int(ch)} image but the file is "
            f"{width}×{height} (resized after the metadata was written?); using the XMP angles "
            f"scaled to the pixels"
        )
    haov = 360.0 * cw / fw
    vaov = 180.0 * ch / fh
    voffset = 90.0 - (top + ch / 2) / fh * 180.0
    try:
        angles = PanoramaAngles(haov, vaov, voffset)
    except TilingError:
        warnings.append(f"{name}: its GPano XMP gives impossible angles; ignoring it")
        return width, height, None, warnings
    return width, height, angles, warnings


def _resolve_angles(
    path, width: int, height: int, angles: PanoramaAngles | None, xmp_angles: PanoramaAngles | None
) -> PanoramaAngles:
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
            f"{name} is {width}×{height} = {width * height:,} pixels, over the limit of {settings.max_pixels:,} pixels",
            "downscale the image, or raise max_panorama_pixels in site.toml if you trust this "
            "file (the limit protects the build from decompression bombs)",
        )


def check_panorama(
    source: Source, settings: TileSettings = TileSettings(), angles: PanoramaAngles | None = None
) -> tuple[PanoramaAngles | None, list[str]]:
    """All cheap (header-only) checks of a source: raises TilingError, returns (angles, warnings).

    The angles are None for six-face input.  Use ``verify_image`` for a full decode check.
    """
    if isinstance(source, Mapping):
        _six_face_paths(source)
        total = 0
        for key, path in source.items():
            image = _open(path)
            if image.width != image.height:
                raise TilingError(
                    f"cube face '{key}' ({Path(path).name}) is {image.width}×{image.height}, not square",
                    "export the six cube faces as square images",
                )
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
    return tile_size * 2**n


def _levels(face_size: int, tile_size: int) -> tuple[tuple[int, int], ...]:
    levels = []
    size = tile_size
    while size <= face_size:
        levels.append((size, size // tile_size))
        size *= 2
    return tuple(levels)


def _const_like(image: pyvips.Image, value: float) -> pyvips.Image:
    return (image * 0.0) + value


def _exact_map(kind: str, n: int, i0: int, j0: int, cols: int, rows: int, step: int, geo: _Canvas) -> pyvips.Image:
    """Two-band float (x, y) canvas coordinates of face pixels i0+k·step, j0+m·step.

    Only two kinds are ever computed, the other faces are mirror images of them (see
    ``_mirror``): "side" is the front face (F = 1, R = a, U = -b), "top" the lower half
    of the top face (F = b > 0, R = a, U = 1), i.e. the half that looks forwards.  Both
    have yaw = atan(R / F) within ±90° (no wrap-around) and a colatitude atan(rho / U)
    that needs no atan2 either, so each map is a dozen vips calls.
    """
    xy = pyvips.Image.xyz(cols, rows)
    ab = xy.linear([2.0 * step / n] * 2, [(2.0 * i0 + 1.0) / n - 1.0, (2.0 * j0 + 1.0) / n - 1.0])
    a, b = ab[0], ab[1]
    if kind == "side":  # colatitude = 90° + atan(b / sqrt(1 + a²))
        angles = a.bandjoin(b * (a * a + 1.0) ** -0.5).math("atan")
        y_offset = geo.y_offset
    else:  # colatitude = atan(sqrt(a² + b²))
        angles = (a / b).bandjoin((ab * ab).bandmean().linear(2.0, 0.0) ** 0.5).math("atan")
        y_offset = geo.y_offset - 90.0 * geo.y_scale
    return angles.linear([geo.x_scale, geo.y_scale], [geo.x_offset, y_offset])  # float, as xyz.linear


class _Canvas(NamedTuple):
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
    """Decodes the source once, top to bottom, keeping only the row chunks still needed.

    A JPEG is decoded a chunk at a time by ``crop(...).copy_memory()``: one allocation per
    chunk.  ``Region.fetch`` allocates (and libvips zeroes) a buffer of the whole chunk at
    every stage of the loader's pipeline, five per chunk, and the heap they fragment made
    the process touch about twice the memory it holds (4k: +27 MB of peak RSS, +9k page
    faults).  But a crop must start on a row where the loader's own strips start, else
    the loader reports an out-of-order read: JPEG strips are at most 32 rows, TIFF strips
    can have any height, so other formats are fetched.
    """

    def __init__(
        self,
        image: pyvips.Image,
        canvas: _Canvas,
        multiple: int,
        name: str,
        on_chunk: Callable[[pyvips.Image], None] | None = None,
    ):
        """Chunks are a whole number of ``multiple`` rows (the derivative's shrink)."""
        self.image = image
        self.canvas = canvas
        if image.get("vips-loader").startswith("jpeg"):
            step = math.lcm(multiple, 64)
            self.chunk_rows = step * max(1, round(_CHUNK_BYTES / (3 * image.width * step)))
            self.region = None
        else:
            self.chunk_rows = multiple * math.ceil(64 / multiple)
            self.region = pyvips.Region.new(image)
        self.chunks: dict[int, pyvips.Image] = {}
        self.decoded = 0  # source rows decoded so far
        self.name = name
        self.on_chunk = on_chunk

    def _decode(self, top: int, rows: int) -> pyvips.Image:
        w = self.image.width
        if self.region is None:
            return self.image.crop(0, top, w, rows).copy_memory()
        return pyvips.Image.new_from_memory(self.region.fetch(0, top, w, rows), w, rows, 3, "uchar")

    def _decode_to(self, rows: int) -> None:
        h = self.image.height
        while self.decoded < min(rows, h):
            n = min(self.chunk_rows, h - self.decoded)
            try:
                chunk = self._decode(self.decoded, n)
            except pyvips.Error as exc:
                raise TilingError(
                    f"{self.name} is truncated or corrupt: {_vips_reason(exc)}",
                    "copy or export the file again; an interrupted upload or download often cuts images short",
                ) from exc
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

    def rows(self, y0: int, y1: int) -> tuple[pyvips.Image, int]:
        """(image, top): canvas rows [y0, y1), at full canvas width, are the image's rows
        [top, top + y1 - y0).  For a full panorama the image is the decoded chunks stacked,
        uncut: ``_cut`` takes each area from it in one libvips call."""
        c = self.canvas
        s0, s1 = max(y0 - c.top, 0), min(y1 - c.top, c.src_height)
        if s1 <= s0:
            return _flat(c.width, y1 - y0), 0
        self._decode_to(s1)
        first, last = s0 // self.chunk_rows, (s1 - 1) // self.chunk_rows
        src = _stack([self.chunks[i] for i in range(first, last + 1)])
        top = s0 - first * self.chunk_rows
        if (c.src_width, c.src_height) == (c.width, c.height):
            return src, top
        src = src.crop(0, top, c.src_width, s1 - s0)
        if c.src_width != c.width:
            src = src.embed(c.left, 0, c.width, s1 - s0, background=list(FILL))
        above = min(c.top, y1) - y0
        below = y1 - max(c.top + c.src_height, y0)
        parts = [_flat(c.width, above)] if above > 0 else []
        parts.append(src)
        if below > 0:
            parts.append(_flat(c.width, below))
        return _stack(parts), 0


def _cut(rows: pyvips.Image, top: int, x0: int, width: int, height: int) -> pyvips.Image:
    """Columns [x0, x0 + width) of full-width canvas rows [top, top + height), wrapping
    around the sphere past the right edge (yaw unwrapped beyond 180°)."""
    if 0 <= x0 and x0 + width <= rows.width:
        return rows.crop(x0, top, width, height)
    return rows.embed(-x0, -top, width, height, extend="repeat")


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


def _side_by_side(images: Sequence[pyvips.Image]) -> pyvips.Image:
    """Images left to right (arrayjoin pads every cell to the widest one: only if none is)."""
    if len({image.width for image in images}) == 1:
        return images[0] if len(images) == 1 else pyvips.Image.arrayjoin(images, across=len(images))
    out = images[0]
    for image in images[1:]:
        out = out.join(image, "horizontal")
    return out


def _box_shrink(image: pyvips.Image, k: int) -> pyvips.Image:
    """Mean of k×k blocks.  Horizontal then vertical: about 40% cheaper than ``shrink(k, k)``
    on wide strips (the vertical pass then runs on rows already k times narrower)."""
    return image.shrinkh(k).shrinkv(k)


def _flat(width: int, height: int) -> pyvips.Image:
    return (pyvips.Image.black(width, height, bands=3) + list(FILL)).cast("uchar")


# --------------------------------------------------------------------------- output


class _Writer:
    """Writes JPEGs deterministically: no metadata, fixed settings."""

    def __init__(self, out_dir: Path, settings: TileSettings):
        self.out_dir = out_dir
        self.quality = settings.jpeg_quality
        self.tile = settings.tile_size
        self.folders: set[str] = set()
        self.queue: list[tuple[pyvips.Image, Sequence[str], Callable[[list[bytes]], None]]] = []
        self.queued = 0  # bytes of pixels in the queue
        # libvips' "auto" rule made explicit: 4:2:0 below Q90.  It fixes the MCU size
        # that split_jpeg and join_jpegs rely on.
        self.subsample = "on" if self.quality < 90 else "off"
        self.mcu = 16 if self.quality < 90 else 8

    def _path(self, rel: str) -> str:
        folder, _, _ = rel.rpartition("/")
        if folder not in self.folders:
            (self.out_dir / folder).mkdir(parents=True, exist_ok=True)
            self.folders.add(folder)
        return os.path.join(self.out_dir, rel)

    def save(self, image: pyvips.Image, rel: str) -> None:
        # baseline, standard Huffman tables (optimize_coding and interlace are off by default)
        image.jpegsave(self._path(rel), Q=self.quality, keep="none", subsample_mode=self.subsample)

    def save_tiles(self, strip: pyvips.Image, rels: Sequence[str], done: Callable[[list[bytes]], None]) -> None:
        """Save a strip one tile high as its tiles (files ``rels``, left to right), then
        call ``done`` with their bytes: at once, or at a later ``flush``.

        Strips are queued (up to ``_BATCH_BYTES``) and encoded side by side, once, with a
        restart marker after each tile's share of every MCU row, then cut with
        ``split_jpeg``: the tiles are byte for byte what encoding each one would give,
        without a libvips call per tile or per strip (~1 ms of fixed cost each).
        """
        self.queue.append((strip, rels, done))
        self.queued += strip.width * strip.height * 3
        if self.queued >= _BATCH_BYTES:
            self.flush()

    def flush(self) -> None:
        """Encode and write every queued strip."""
        queue, self.queue, self.queued = self.queue, [], 0
        if not queue:
            return
        strips = [strip for strip, _, _ in queue]
        strip = _side_by_side(strips)
        data = strip.jpegsave_buffer(
            Q=self.quality, keep="none", subsample_mode=self.subsample, restart_interval=self.tile // self.mcu
        )
        tiles = split_jpeg(data, self.tile, self.mcu) if strip.width > self.tile else [data]
        for _, rels, done in queue:
            mine, tiles = tiles[: len(rels)], tiles[len(rels) :]
            for data, rel in zip(mine, rels, strict=True):
                self.write(data, rel)
            done(mine)

    def write(self, data: bytes, rel: str) -> None:
        with open(self._path(rel), "wb") as handle:
            handle.write(data)


# Tiles are cut from, and fallback faces joined of, baseline JPEGs whose restart interval
# is one tile wide.  The entropy-coded data of each restart interval is self-contained
# (the DC predictions restart) and byte-aligned, so such JPEGs can be cut along tile edges
# and put together again by moving intervals around and renumbering the restart markers,
# which cycle through RST0..RST7.  The result is exactly what the encoder makes of the
# whole (same tables, same blocks: tiles are multiples of the MCU).
_RST = re.compile(rb"\xff[\xd0-\xd7]")


def _jpeg_parts(data: bytes, tile: int, mcu: int) -> tuple[list[bytes], int, int, list[bytes]]:
    """(header segments, width, height, restart intervals) of a JPEG from ``_Writer``."""
    segments, position = [], 2
    while True:
        if data[position] != 0xFF:
            raise ValueError("not a baseline JPEG written by libvips")
        marker = data[position + 1]
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        segment = data[position : position + 2 + length]
        if marker not in (0xDB, 0xC0, 0xC4, 0xDD, 0xDA):
            raise ValueError(f"unexpected JPEG marker 0x{marker:02x}")
        if marker == 0xC0:  # frame header
            height, width = int.from_bytes(segment[5:7], "big"), int.from_bytes(segment[7:9], "big")
        if marker == 0xDD and int.from_bytes(segment[4:6], "big") != tile // mcu:
            raise ValueError("JPEG whose restart interval is not one tile wide")
        segments.append(segment)
        position += 2 + length
        if marker == 0xDA:  # start of scan: the entropy-coded data follows, up to EOI
            break
    if not data.endswith(b"\xff\xd9") or width % tile or height % mcu:
        raise ValueError("JPEG that is not whole tiles")
    intervals = _RST.split(data[position:-2])
    if len(intervals) != width // tile * height // mcu:
        raise ValueError("JPEG whose restart interval is not one tile wide")
    return segments, width, height, intervals


def _assemble(segments: list[bytes], width: int, height: int, intervals: Sequence[bytes]) -> bytes:
    out = bytearray(b"\xff\xd8")
    for segment in segments:
        if segment[1] == 0xC0:
            segment = segment[:5] + height.to_bytes(2, "big") + width.to_bytes(2, "big") + segment[9:]
        out += segment
    for count, interval in enumerate(intervals):
        if count:
            out += bytes((0xFF, 0xD0 + (count - 1) % 8))
        out += interval
    out += b"\xff\xd9"
    return bytes(out)


def split_jpeg(data: bytes, tile: int, mcu: int) -> list[bytes]:
    """The tiles, left to right, of a strip JPEG from ``_Writer.save_tiles`` (no decoding)."""
    segments, width, height, intervals = _jpeg_parts(data, tile, mcu)
    cols = width // tile
    return [_assemble(segments, tile, height, intervals[col::cols]) for col in range(cols)]


def join_jpegs(grid: Sequence[Sequence[bytes]], tile: int, mcu: int) -> bytes:
    """One JPEG of ``grid`` (rows of square tiles of ``tile`` px from ``_Writer.save_tiles``)
    without decoding: byte for byte what encoding the whole image would give."""
    segments = _jpeg_parts(grid[0][0], tile, mcu)[0]
    intervals: list[bytes] = []
    for line in grid:
        parts = [_jpeg_parts(data, tile, mcu) for data in line]
        if any(p[:3] != (segments, tile, tile) for p in parts):
            raise ValueError("JPEG tiles of another size or made with other settings")
        for mcu_row in range(tile // mcu):
            intervals += [p[3][mcu_row] for p in parts]
    return _assemble(segments, len(grid[0]) * tile, len(grid) * tile, intervals)


class _Level:
    """One level of one face: writes each tile row once all its rows have arrived (strips
    may come in any order) and feeds the 2×2 box-shrunk tile row to the level below."""

    def __init__(
        self,
        face: str,
        level: int,
        size: int,
        tile: int,
        writer: _Writer,
        below: _Level | None,
        keep_pixels: bool,
        keep_jpegs: bool,
        on_face: Callable,
    ):
        self.face, self.level, self.size, self.tile = face, level, size, tile
        self.writer, self.below = writer, below
        self.pieces: dict[int, pyvips.Image] = {}  # first face row -> rows not yet written
        self.done = 0  # tile rows written
        self.keep_pixels, self.keep_jpegs = keep_pixels, keep_jpegs
        self.pixels: dict[int, pyvips.Image] = {}  # tile row -> its pixels
        self.jpegs: dict[int, list[bytes]] = {}  # tile row -> its tiles' JPEG files
        self.on_face = on_face

    def add(self, rows: pyvips.Image, top: int) -> None:
        """Add face rows [top, top + rows.height) (a memory image, within one tile row).
        The pieces of a tile row are stacked, not copied: it is read only twice (encoded
        and shrunk), where a copy costs a libvips pass of its own."""
        self.pieces[top] = rows
        start = top - top % self.tile
        have = sorted(k for k in self.pieces if start <= k < start + self.tile)
        if sum(self.pieces[k].height for k in have) < self.tile:
            return
        self._emit(_stack([self.pieces.pop(k) for k in have]), start // self.tile)

    def _emit(self, strip: pyvips.Image, row: int) -> None:
        rels = [
            TILE_PATTERN.format(level=self.level, face=self.face, row=row, col=col)
            for col in range(self.size // self.tile)
        ]
        if self.keep_pixels:
            self.pixels[row] = strip
        self.writer.save_tiles(strip, rels, lambda jpegs: self._written(row, jpegs))
        if self.below is not None:
            self.below.add(_box_shrink(strip, 2).copy_memory(), row * self.tile // 2)

    def _written(self, row: int, jpegs: list[bytes]) -> None:
        """Tile row ``row`` is on disk: once all are, the face is complete."""
        if self.keep_jpegs:
            self.jpegs[row] = jpegs
        self.done += 1
        if self.done * self.tile == self.size:
            pixels = _stack([self.pixels[r] for r in sorted(self.pixels)]) if self.pixels else None
            jpegs = [self.jpegs[r] for r in sorted(self.jpegs)]
            self.pixels, self.jpegs = {}, {}
            self.on_face(self.size, pixels, jpegs)


class _FaceOutputs:
    """The pyramid of one face plus its fallback and preview faces."""

    def __init__(
        self, face: str, face_size: int, settings: TileSettings, writer: _Writer, previews: dict[str, pyvips.Image]
    ):
        self.face = face
        tile = settings.tile_size
        levels = _levels(face_size, tile)
        self.fallback = min(settings.fallback_size, face_size)
        self.fallback_level = max((s for s, _ in levels if s <= self.fallback), default=tile)
        # a fallback face the size of a level is that level's tiles joined, not encoded again
        self.join = self.fallback_level == self.fallback
        self.writer, self.settings, self.previews = writer, settings, previews
        below = None
        for index, (size, _) in enumerate(levels):
            fallback = size == self.fallback_level
            below = _Level(
                face,
                index,
                size,
                tile,
                writer,
                below,
                size == tile or (fallback and not self.join),
                fallback and self.join,
                self._on_face,
            )
        self.top = below

    def _on_face(self, size: int, image: pyvips.Image | None, jpegs: list[list[bytes]]) -> None:
        rel = FALLBACK_PATTERN.format(face=self.face)
        if size == self.fallback_level:
            if self.join:
                tile = self.settings.tile_size
                self.writer.write(jpegs[0][0] if len(jpegs) == 1 else join_jpegs(jpegs, tile, self.writer.mcu), rel)
            else:
                self.writer.save(image.resize(self.fallback / size), rel)
        if size == self.settings.tile_size:
            self.previews[self.face] = image

    def add(self, rows: pyvips.Image, top: int) -> None:
        self.top.add(rows, top)


def _save_preview(previews: dict[str, pyvips.Image], writer: _Writer, size: int) -> None:
    """The six smallest-level faces side by side in PSV's order, ``size`` px high: one box
    shrink of the whole stripe when ``size`` divides the face size (no block straddles
    two faces), else each face resized on its own."""
    faces = [previews[name] for name in STRIPE_ORDER]
    face = faces[0].height
    if face % size:
        faces = [image.resize(size / face) for image in faces]
    stripe = pyvips.Image.arrayjoin(faces, across=6)
    if face % size == 0 and face != size:
        stripe = _box_shrink(stripe, face // size)
    writer.save(stripe, PREVIEW_PATH)


# --------------------------------------------------------------------------- reprojection


def _strip_plan(face_size: int, tile: int) -> int:
    """Strip height: a tile row, but never straddling the middle row of a face."""
    return min(tile, face_size // 2)


#: Side faces and the multiple of a quarter turn of yaw from the front to each of them.
_SIDE_TURNS = {"front": 0, "right": 1, "back": 2, "left": -1}


def _pole_block(face: str, n: int, j0: int, rows: int) -> tuple[int, int, int, int] | None:
    """(i0, r0, width, height) of the exactly computed block around the pole in this strip."""
    if face not in ("top", "bottom"):
        return None
    c = min(_POLE, n // 2)
    lo, hi = (n // 2 - c, n // 2) if j0 < n // 2 else (n // 2, n // 2 + c)
    r0, r1 = max(lo, j0), min(hi, j0 + rows)
    return (n // 2 - c, r0, 2 * c, r1 - r0) if r1 > r0 else None


Ranges = tuple[float, float, float, float]  # (xmin, xmax, ymin, ymax) of a map, canvas pixels
Mirror = tuple[bool, bool, bool]  # (flip the rows, x -> X - x, y -> H - 1 - y): see _mirror


def _mirror(face: str, j0: int, n: int) -> Mirror:
    """How the map of a top/bottom strip follows from that of the lower top-face strip
    whose rows mirror its own (or are its own): ``_Maps.source(n - j0 - rows)`` for an
    upper strip, ``_Maps.source(j0)`` for a lower one.

    Mirroring the rows of the top face (b -> -b) turns yaw into 180° - yaw at the same
    pitch, i.e. canvas column x into X - x, X being the column of yaw 0 plus that of yaw
    180 (so a map unwrapped around yaw 0 becomes one unwrapped around 180); the bottom
    face is the top face with its rows mirrored and its pitch negated (y -> H - 1 - y).
    """
    upper = j0 < n // 2
    return upper, (face == "top") == upper, face == "bottom"


def _mirror_linear(mirror: Mirror | None, canvas: _Canvas) -> tuple[list[float], list[float]]:
    """(scale, offset) per band of the value part of a mirror (libvips ``linear``)."""
    mx, my = (mirror[1], mirror[2]) if mirror else (False, False)
    return (
        [-1.0 if mx else 1.0, -1.0 if my else 1.0],
        [2.0 * canvas.x_offset + 180.0 * canvas.x_scale if mx else 0.0, canvas.height - 1.0 if my else 0.0],
    )


def _mirror_ranges(ranges: Ranges, mirror: Mirror | None, canvas: _Canvas) -> Ranges:
    """The ranges of a mirrored map, from its source's: no libvips pass of its own."""
    (sx, sy), (cx, cy) = _mirror_linear(mirror, canvas)
    x0, x1 = sorted((sx * ranges[0] + cx, sx * ranges[1] + cx))
    y0, y1 = sorted((sy * ranges[2] + cy, sy * ranges[3] + cy))
    return x0, x1, y0, y1


def _range(image: pyvips.Image) -> Ranges:
    """(xmin, xmax, ymin, ymax) of a two-band (x, y) map, in one pass (libvips ``stats``)."""
    values = array("d")
    values.frombytes(image.stats().write_to_memory())
    # one row of 10 statistics per band after the row for all bands; min and max come first
    return values[10], values[11], values[20], values[21]


class _Source:
    """The computed maps of one strip's rows: of the side faces, or of the lower half of
    the top face (which every top and bottom strip mirrors, see ``_mirror``)."""

    def __init__(self, coarse: pyvips.Image, exact: pyvips.Image | None, ranges: Ranges, pole_ranges: Ranges | None):
        self.coarse = coarse  # grid rows of the strip, in canvas coordinates
        self.exact = exact  # exactly computed pole block (see _pole_block), canvas coordinates
        self.nan = None if exact is None else exact.linear(0.0, math.nan)  # the block, skipped by mapim
        self.ranges = ranges  # of the coarse map (bilinear upsampling stays within them)
        self.pole_ranges = pole_ranges  # of the exact block
        self.fine: pyvips.Image | None = None  # the full-resolution map, while its strips run
        self.origin = (0.0, 0.0)  # canvas position that ``fine`` is relative to


class _Maps:
    """Coarse index maps (every ``_GRID`` px), computed once for the whole panorama.

    The four side faces share one map: they differ only by a quarter turn of yaw, i.e. by
    ``canvas.width / 4`` canvas columns, so the front face's map serves them all.  The top
    and bottom faces are mirror images of the lower half of the top face (see
    ``_mirror``): one map of that half serves both faces.
    """

    def __init__(self, n: int, rows: int, canvas: _Canvas):
        self.n, self.rows, self.canvas = n, rows, canvas
        self.cols = n // _GRID + 1
        self.top_row = n // 2 // _GRID  # the first grid row of the top kind is face row n/2
        self.grids = {
            kind: _exact_map(kind, n, 0, j0, self.cols, self.cols - j0 // _GRID, _GRID, canvas).copy_memory()
            for kind, j0 in (("side", 0), ("top", n // 2))
        }
        self.sources: dict[tuple[str, int], _Source] = {}

    def source(self, kind: str, j0: int) -> _Source:
        """The maps of rows [j0, j0 + rows) of the side faces or of the top face's lower half."""
        if (kind, j0) not in self.sources:
            self.sources[kind, j0] = self._source(kind, j0)
        return self.sources[kind, j0]

    def _source(self, kind: str, j0: int) -> _Source:
        first = self.top_row if kind == "top" else 0
        r0, r1 = j0 // _GRID - first, (j0 + self.rows) // _GRID + 1 - first
        coarse = self.grids[kind].crop(0, r0, self.cols, r1 - r0)
        exact = pole_ranges = None
        block = _pole_block("top", self.n, j0, self.rows) if kind == "top" else None
        if block:
            i0, b0, bw, bh = block
            exact = _exact_map("top", self.n, i0, b0, bw, bh, 1, self.canvas).copy_memory()
            pole_ranges = _range(exact)
        return _Source(coarse, exact, _range(coarse), pole_ranges)


class _Strip(NamedTuple):
    """One strip of rows [j0, j0 + rows) of one face, or of the four side faces at once."""

    faces: tuple[str, ...]
    j0: int
    source: _Source
    mirror: Mirror | None  # None: the source's own rows
    block: tuple[int, int, int, int] | None  # exactly computed pole block (see _pole_block)
    x0: int  # first canvas column the map reads (for the side faces: the front face's)
    x1: int  # one past the last one
    y0: int  # band rows [y0, y1) hold every canvas row the map reads
    y1: int
    pole: tuple[int, int, int, int] | None  # (x0, x1, y0, y1): the canvas area the block reads

    def columns(self, face: str, canvas: _Canvas) -> tuple[int, float]:
        """(first band column, sub-pixel remainder of the shift) of this face's map."""
        shift = _SIDE_TURNS.get(face, 0) * canvas.width / 4
        whole = math.floor(shift)
        return self.x0 + whole, shift - whole


def _area(ranges: Sequence[Ranges], canvas: _Canvas) -> tuple[int, int, int, int]:
    """Canvas columns [x0, x1) and rows [y0, y1) that bilinear sampling at these
    (xmin, xmax, ymin, ymax) ranges reads, with a pixel to spare."""
    xmin, xmax = min(r[0] for r in ranges), max(r[1] for r in ranges)
    ymin, ymax = min(r[2] for r in ranges), max(r[3] for r in ranges)
    y0 = max(0, math.floor(ymin) - 1)
    y1 = max(min(canvas.height, math.floor(ymax) + 3), y0 + 1)
    return math.floor(xmin) - 1, math.floor(xmax) + 3, y0, y1


def _plan_strip(face: str, n: int, j0: int, rows: int, maps: _Maps) -> _Strip:
    """The maps and the canvas area read by one strip (``face`` "front": the four side
    faces).  Bilinear upsampling never leaves the range of the grid values, so the ranges
    of the coarse map and of the exact block bound the whole strip's map."""
    canvas = maps.canvas
    if face == "front":
        source, mirror = maps.source("side", j0), None
    else:
        mirror = _mirror(face, j0, n)
        source = maps.source("top", n - j0 - rows if mirror[0] else j0)
        mirror = mirror if any(mirror) else None
    ranges = [_mirror_ranges(source.ranges, mirror, canvas)]
    pole = None
    if source.pole_ranges:
        ranges.append(_mirror_ranges(source.pole_ranges, mirror, canvas))
        pole = _area(ranges[1:], canvas)
    faces = tuple(_SIDE_TURNS) if face == "front" else (face,)
    return _Strip(faces, j0, source, mirror, _pole_block(face, n, j0, rows), *_area(ranges, canvas), pole)


def _mirrored(
    image: pyvips.Image, plan: _Strip, canvas: _Canvas, origin: Sequence[float], to: Sequence[float]
) -> pyvips.Image:
    """A map of the plan's source, relative to canvas position ``origin``, turned into
    the plan's own map relative to ``to`` (rows flipped, then one ``linear``)."""
    if plan.mirror and plan.mirror[0]:
        image = image.flip("vertical")
    (sx, sy), (cx, cy) = _mirror_linear(plan.mirror, canvas)
    offset = [sx * origin[0] + cx - to[0], sy * origin[1] + cy - to[1]]
    return image if offset == [0.0, 0.0] and sx == sy == 1.0 else image.linear([sx, sy], offset)


def _strip_map(n: int, rows: int, plan: _Strip, canvas: _Canvas, with_pole: bool = True) -> pyvips.Image:
    """Full-resolution index map of a strip, relative to band column x0 and row y0: the
    coarse grid upsampled by vips (once for the strips that share a source), the pole
    block inserted.

    Without ``with_pole`` the block is NaN (mapim skips it): a mapim tile there would
    read a full-width area of the band, see ``_pole_pixels``.
    """
    source = plan.source
    if source.fine is None:
        source.origin = ox, oy = float(plan.x0), float(plan.y0)
        half = (
            (source.coarse - [ox, oy])
            .affine(
                [_GRID, 0, 0, _GRID],
                interpolate=pyvips.Interpolate.new("bilinear"),
                oarea=[0, 0, n // 2, rows],
                extend="copy",
            )
            .copy_memory()
        )
        # Every face is symmetric about its middle column: column n-1-i looks at the yaw
        # mirrored about the face's yaw reference (yaw 0 for both kinds of source), at the
        # same pitch.  Upsample half (once: in memory, as it is read twice), mirror it: in
        # memory too when the four side faces read it (mapim tiles never straddle the join).
        mirrored = half.flip("horizontal").linear([-1.0, 1.0], [2.0 * (canvas.x_offset - ox), 0.0])
        if len(plan.faces) > 1:
            mirrored = mirrored.copy_memory()
        source.fine = half.join(mirrored, "horizontal")
    fine = _mirrored(source.fine, plan, canvas, source.origin, (plan.x0, plan.y0))
    if plan.block:
        i0, b0, _, _ = plan.block
        block = _mirrored(source.exact, plan, canvas, (0.0, 0.0), (plan.x0, plan.y0)) if with_pole else source.nan
        fine = fine.insert(block, i0, b0 - plan.j0)
    return fine


def _pole_pixels(rows: pyvips.Image, top: int, plan: _Strip, canvas: _Canvas, interpolate) -> pyvips.Image:
    """The pole block of a strip, reprojected from its own copy of the rows around the pole
    (``rows``, ``top``: the strip's rows, see ``_RowStore.rows``).

    Around the pole every 128 px tile of the face sees all yaws: mapim would gather a
    full-width slice of the band for each tile (several MB, freshly allocated and copied
    each time).  One small memory image of those rows serves the whole block instead.
    """
    x0, x1, y0, y1 = plan.pole
    area = _cut(rows, top + y0 - plan.y0, x0, x1 - x0, y1 - y0).copy_memory()
    index = _mirrored(plan.source.exact, plan, canvas, (0.0, 0.0), (x0, y0))
    return area.mapim(index, interpolate=interpolate, extend="copy")


def _face_strip_map(face: str, n: int, j0: int, rows: int, canvas: _Canvas, maps: _Maps | None = None) -> pyvips.Image:
    """The index map the tiler uses for rows [j0, j0 + rows) of ``face``, in canvas
    coordinates (for tests)."""
    maps = maps or _Maps(n, rows, canvas)
    plan = _plan_strip("front" if face in _SIDE_TURNS else face, n, j0, rows, maps)
    column, frac = plan.columns(face, canvas)
    return _strip_map(n, rows, plan, canvas) + [column + frac, float(plan.y0)]


def _keep_map(plans: Sequence[_Strip | None], index: int, size: int) -> bool:
    """Whether the upsampled map of ``plans[index]``'s source (``size`` bytes) is kept: for
    the next strip if it shares it; for the bottom face's strips (which mirror the top
    face's) only if it is small, as it would be kept while the side faces are done."""
    source = plans[index].source
    later = [k for k in range(index + 1, len(plans)) if plans[k].source is source]
    return bool(later) and (later[0] == index + 1 or size <= _KEEP_MAP_BYTES)


def _reproject(
    image: pyvips.Image, canvas: _Canvas, face_size: int, settings: TileSettings, writer: _Writer, name: str, on_chunk
) -> dict[str, pyvips.Image]:
    n = face_size
    rows = _strip_plan(n, settings.tile_size)
    strips = list(range(0, n, rows))
    maps = _Maps(n, rows, canvas)
    # The order follows the source from top to bottom, so decoded rows can be dropped
    # early.  The top face goes from its pole (the first rows) outwards and the bottom face
    # from its edges inwards to its pole (the last rows): the rows kept at once then span
    # 44° of pitch at most (the middle strips' corners), not 55° (the edge strips' corners).
    middle = len(strips) // 2
    inwards = [j0 for k in range(middle) for j0 in (strips[k], strips[-1 - k])]
    stages = [("top", j0) for j0 in reversed(inwards)] + [("front", j0) for j0 in strips]
    stages += [("bottom", j0) for j0 in inwards]
    plans = [_plan_strip(face, n, j0, rows, maps) for face, j0 in stages]
    need_from = [0] * (len(plans) + 1)
    need_from[-1] = canvas.height
    for k in range(len(plans) - 1, -1, -1):
        need_from[k] = min(plans[k].y0, need_from[k + 1])

    k = _derivative_shrink(canvas, settings)
    store = _RowStore(image, canvas, k, name, on_chunk)
    previews: dict[str, pyvips.Image] = {}
    outputs = {face: _FaceOutputs(face, n, settings, writer, previews) for face in FACES}
    bil = pyvips.Interpolate.new("bilinear")
    del maps
    for index, plan in enumerate(plans):
        band, top = store.rows(plan.y0, plan.y1)
        fine = _strip_map(n, rows, plan, canvas, with_pole=False)
        width = plan.x1 - plan.x0
        for face in plan.faces:
            column, frac = plan.columns(face, canvas)
            area = _cut(band, top, column, width + (frac > 0), plan.y1 - plan.y0)
            strip = area.mapim(fine + [frac, 0.0] if frac else fine, interpolate=bil, extend="copy")
            if plan.block:
                i0, b0, _, _ = plan.block
                strip = strip.insert(_pole_pixels(band, top, plan, canvas, bil), i0, b0 - plan.j0)
            pixels = strip.copy_memory()
            del strip, area  # the pole rows' copy with them
            outputs[face].add(pixels, plan.j0)
            del pixels
        del fine, band
        if not _keep_map(plans, index, n * rows * 4):
            plan.source.fine = None
        plans[index] = None  # its maps
        store.discard_below(need_from[index + 1])
    store.finish()
    writer.flush()
    return previews


# --------------------------------------------------------------------------- equirect derivative


def _derivative_shrink(canvas: _Canvas, settings: TileSettings) -> int:
    return max(1, math.ceil(canvas.width / settings.equirect_max_width))


def _reusable_equirect(source: Path, image: pyvips.Image, canvas: _Canvas, settings: TileSettings) -> bool:
    """A plain 8-bit sRGB JPEG of the whole sphere, no wider than the derivative may be, is
    already the derivative: copying it (metadata stripped) saves an 8-megapixel JPEG encode."""
    return (
        image.get("vips-loader").startswith("jpeg")
        and image.bands == 3
        and image.format == "uchar"
        and image.get_typeof("icc-profile-data") == 0
        and image.width == canvas.width
        and image.height == canvas.height
        and canvas.width == 2 * canvas.height
        and _derivative_shrink(canvas, settings) == 1
    )


def strip_jpeg_metadata(data: bytes) -> bytes:
    """The same JPEG without EXIF, XMP, ICC or comments (camera, GPS and editing history)."""
    kept = bytearray(data[:2])
    position = 2
    while position + 4 <= len(data) and data[position] == 0xFF:
        marker = data[position + 1]
        if marker == 0xDA:  # start of scan: the image data follows, keep the rest as it is
            break
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        if not (0xE1 <= marker <= 0xEF or marker == 0xFE):
            kept += data[position : position + 2 + length]
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
        self.path = folder / f".equirect-{os.urandom(4).hex()}.raw"
        self.handle = open(self.path, "wb")
        self.width = 0
        self.rows = 0

    def add(self, chunk: pyvips.Image) -> None:
        k = self.k
        if k > 1:
            h = chunk.height
            if h % k:
                chunk = chunk.embed(0, 0, chunk.width, h + k - h % k, extend="copy")
            chunk = _box_shrink(chunk, k)
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


def _tile_six_faces(
    paths: dict[str, Path], face_size: int | None, settings: TileSettings, writer: _Writer
) -> tuple[int, tuple[int, int]]:
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
            raise TilingError(
                f"cube face '{key}' ({path.name}) is truncated or corrupt: {_vips_reason(exc)}",
                "export the cube face again",
            ) from exc
        out = _FaceOutputs(face, n, settings, writer, previews)
        for j0 in range(0, n, settings.tile_size):
            out.add(image.crop(0, j0, n, settings.tile_size), j0)
        # keep a small copy for the equirect derivative
        small = min(n, 2048)
        faces[face] = image if small == n else image.resize(small / n).copy_memory()
    writer.flush()
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
    atlas = pyvips.Image.arrayjoin([faces[f].embed(1, 1, n + 2, n + 2, extend="copy") for f in order], across=6)
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
        a_side = is_r.ifthenelse(
            (r > 0).ifthenelse(choices["right"][index], choices["left"][index]),
            (f > 0).ifthenelse(choices["front"][index], choices["back"][index]),
        )
        a_pole = (u > 0).ifthenelse(choices["top"][index], choices["bottom"][index])
        return (is_f | is_r).ifthenelse(a_side, a_pole)

    def slot(name: str) -> pyvips.Image:
        # an image, not a number: ifthenelse would cast a constant to the uchar condition
        return _const_like(f, order.index(name) * (n + 2) + 1.0)

    offset = is_r.ifthenelse(
        (r > 0).ifthenelse(slot("right"), slot("left")), (f > 0).ifthenelse(slot("front"), slot("back"))
    )
    offset = (is_f | is_r).ifthenelse(offset, (u > 0).ifthenelse(slot("top"), slot("bottom")))
    a, b = pick(0), pick(1)
    x = (a + 1.0) * (n / 2.0) - 0.5 + offset
    y = (b + 1.0) * (n / 2.0) - 0.5 + 1.0
    index = x.bandjoin(y).cast("float")
    return atlas.mapim(index, interpolate=pyvips.Interpolate.new("bilinear"), extend="copy").copy_memory()


# --------------------------------------------------------------------------- public entry points


def _source_key(source: Source, settings: TileSettings, angles: PanoramaAngles | None) -> str:
    digest = hashlib.sha256()
    digest.update(
        json.dumps(
            {"v": TILER_VERSION, "settings": asdict(settings), "angles": asdict(angles) if angles else None},
            sort_keys=True,
        ).encode()
    )
    paths = (
        [_six_face_paths(source)[k] for k in sorted(SIX_FACE_KEYS)] if isinstance(source, Mapping) else [Path(source)]
    )
    for path in paths:
        try:
            with open(path, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
        except OSError as exc:
            raise TilingError(
                f"cannot read panorama file {path}: {exc.strerror}", "check the file name and folder"
            ) from exc
        digest.update(b"\0")
    return digest.hexdigest()[:32]


def tile_panorama(
    source: Source,
    out_dir: str | os.PathLike,
    settings: TileSettings = TileSettings(),
    angles: PanoramaAngles | None = None,
    *,
    key: str | None = None,
) -> TileSet:
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
            raise TilingError(
                f"cannot convert {Path(source).name} to RGB: {_vips_reason(exc)}",
                "export the panorama as an 8-bit RGB JPEG",
            ) from exc
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
    tileset = TileSet(
        key=key,
        face_size=n,
        tile_size=settings.tile_size,
        levels=_levels(n, settings.tile_size),
        preview_face_size=settings.preview_face_size,
        fallback_size=fallback,
        equirect_size=eq_size,
        warnings=tuple(warnings),
    )
    (out / MANIFEST).write_text(json.dumps(tileset.to_json(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return tileset


def load_tileset(directory: str | os.PathLike) -> TileSet:
    """Reload the TileSet written by ``tile_panorama`` (e.g. from the cache)."""
    data = json.loads((Path(directory) / MANIFEST).read_text(encoding="utf-8"))
    if data.get("tiler_version") != TILER_VERSION:
        raise ValueError(f"{directory} was made by another tiler version")
    return TileSet.from_json(data)


def cached_tile_panorama(
    source: Source,
    cache_dir: str | os.PathLike,
    settings: TileSettings = TileSettings(),
    angles: PanoramaAngles | None = None,
) -> tuple[TileSet, Path]:
    """Tile into ``cache_dir/<key>/`` unless it is already there (then nothing is done).

    The tile set is built in a temporary sibling folder and renamed into place, so an
    interrupted build never leaves a half tile set under the final name.
    """
    import shutil  # here, not at the top: it costs tile_panorama alone ~4 ms of imports (bz2, lzma)

    cache = Path(cache_dir)
    cache.mkdir(parents=True, exist_ok=True)
    key = _source_key(source, settings, angles)
    final = cache / key
    if (final / MANIFEST).is_file():
        try:
            return load_tileset(final), final
        except (ValueError, KeyError, TypeError, json.JSONDecodeError):
            shutil.rmtree(final, ignore_errors=True)
    temp = cache / temp_name(key)
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
    source, angles = job if isinstance(job, tuple) else (job, None)
    try:
        return cached_tile_panorama(source, cache_dir, settings, angles)
    except TilingError as exc:
        return exc


def tile_panoramas(
    jobs: Sequence[Job],
    cache_dir: str | os.PathLike,
    settings: TileSettings = TileSettings(),
    workers: int = 1,
    progress: Callable[[int, int, Job], None] | None = None,
    executor: Executor | None = None,
) -> list[tuple[TileSet, Path] | TilingError]:
    """Tile many panoramas in ``workers`` processes (each job: source or (source, angles)).

    Results come back in job order; a job with bad input gives its TilingError instead of
    stopping the others.  ``progress(done, total, job)`` is called after each job.
    Processes, not threads: tiling is CPU-bound and libvips is then free of the GIL; one
    vips thread per worker keeps CPU time low and the total predictable.  ``executor``
    (default: a ``LocalExecutor`` of ``workers`` processes) is where parallel jobs run.
    Temporary folders left in the cache by a killed build are removed first.
    """
    results: list = [None] * len(jobs)
    sweep_stale_temp(Path(cache_dir))
    calls = [(job, os.fspath(cache_dir), settings) for job in jobs]
    if workers <= 1 or len(jobs) <= 1:
        for index, call in enumerate(calls):
            results[index] = _run_job(*call)
            if progress:
                progress(index + 1, len(jobs), jobs[index])
        return results
    executor = executor or LocalExecutor(workers, initializer=_init_worker)
    for done, (index, result) in enumerate(executor.run(_run_job, calls), start=1):
        results[index] = result
        if progress:
            progress(done, len(jobs), jobs[index])
    return results


def _tame_malloc() -> None:
    """Bound what glibc keeps of freed memory, without returning all of it at once.

    The tiler allocates and frees many multi-megabyte row chunks, strips and maps.
    glibc's default raises its mmap threshold after the first such free and then carves
    them from a heap that fragments (+100-150 MB of peak RSS on a 16k panorama).  A fixed
    threshold stops that, but at 2 MB every 16k row chunk (3 MB) was a fresh mmap whose
    pages were faulted in and zeroed again: ~700k page faults, 2 s of system time.  At
    4 MB (and 16 MB of heap top kept) chunks and strips reuse freed heap: ~100k faults,
    for about 10 MB more peak RSS.  One arena for all threads: since vips worker threads
    decode the chunks (see ``_RowStore``), a second arena for them was trimmed and grown
    again all the time (16k: 186k page faults instead of 103k and 0.7 s more CPU; 4k:
    +20% faults; 8-10 MB more peak RSS at every size).
    """
    global _MALLOC_TAMED
    if _MALLOC_TAMED:
        return
    _MALLOC_TAMED = True
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 4 * 1024 * 1024)  # M_MMAP_THRESHOLD: fixed, so no dynamic raise
        libc.mallopt(-1, 16 * 1024 * 1024)  # M_TRIM_THRESHOLD: keep some freed heap for reuse
        libc.mallopt(-8, 1)  # M_ARENA_MAX: one heap for the main thread and the vips workers
    except (OSError, AttributeError):
        pass  # not glibc: nothing to tune


_MALLOC_TAMED = False


def _init_worker() -> None:
    pyvips.concurrency_set(1)
