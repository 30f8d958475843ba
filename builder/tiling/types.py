"""What the tiler takes and gives: settings, panorama angles, the finished ``TileSet``, the
file layout of a tile set and the error for bad input.

Why this is a module of its own: every other module of the tiler and the build's stages
(``validate.py``, ``panoramas.py``) share these records, and the cache key depends on
them (``TILER_VERSION``, every ``TileSettings`` field), so they sit apart from any engine.

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
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from ..diagnostics import InputError

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
        follow the nona/Pannellum convention (see ``geometry``); it must be given
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
