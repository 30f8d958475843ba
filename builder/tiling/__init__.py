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
half of the top face (one map serves both, see ``geometry._mirror``), every map is
upsampled for half a face and mirrored (faces are symmetric about their middle column),
lower levels are 2×2 box shrinks of the level above, tile rows are JPEG-encoded several at
a time and cut apart without decoding (``jpeg.split_jpeg``), the fallback faces are the
tiles of their level joined the same way (``jpeg.join_jpegs``), and a plain full-sphere
JPEG no wider than ``equirect_max_width`` is copied as the equirect derivative.

One module per concern, in the order a panorama goes through them:

- ``types``: settings, angles, the ``TileSet`` record, the file layout, ``TilingError``;
- ``source``: header, GPano XMP angles and the checks ``disan check`` runs;
- ``geometry``: the cube's orientation, face size, canvas, exact maps, mirroring;
- ``maps``: shared coarse index maps and the strips they serve;
- ``rows``: the source decoded once, top to bottom, in chunks;
- ``reproject``: the loop from source rows to face strips;
- ``levels``: each face's pyramid, fallback face and the preview stripe;
- ``writer`` and ``jpeg``: deterministic JPEGs, cut into tiles and joined without decoding;
- ``derivatives`` and ``sixfaces``: the equirect derivative, and six-face input;
- ``images``: libvips helpers they share;
- ``api``: ``tile_panorama``, the cache, worker processes.

Names with a leading underscore are private to the package; the tests reach a few of them
(``_Canvas``, ``_Maps``, ``_face_strip_map``, ``_Writer``) through this module.
"""

from .api import Job, cached_tile_panorama, load_tileset, tile_panorama, tile_panoramas
from .geometry import _Canvas as _Canvas
from .geometry import choose_face_size
from .jpeg import join_jpegs, split_jpeg, strip_jpeg_metadata
from .maps import _face_strip_map as _face_strip_map
from .maps import _Maps as _Maps
from .source import check_panorama, read_panorama_info, verify_image
from .types import (
    EQUIRECT_PATH,
    FACES,
    FALLBACK_PATTERN,
    FILL,
    MANIFEST,
    MAX_TILES_PER_SIDE,
    PREVIEW_PATH,
    SIX_FACE_KEYS,
    STRIPE_ORDER,
    TILE_PATTERN,
    TILER_VERSION,
    PanoramaAngles,
    Source,
    TileSet,
    TileSettings,
    TilingError,
)
from .writer import _Writer as _Writer

__all__ = [
    "EQUIRECT_PATH",
    "FACES",
    "FALLBACK_PATTERN",
    "FILL",
    "MANIFEST",
    "MAX_TILES_PER_SIDE",
    "PREVIEW_PATH",
    "SIX_FACE_KEYS",
    "STRIPE_ORDER",
    "TILER_VERSION",
    "TILE_PATTERN",
    "Job",
    "PanoramaAngles",
    "Source",
    "TileSet",
    "TileSettings",
    "TilingError",
    "cached_tile_panorama",
    "check_panorama",
    "choose_face_size",
    "join_jpegs",
    "load_tileset",
    "read_panorama_info",
    "split_jpeg",
    "strip_jpeg_metadata",
    "tile_panorama",
    "tile_panoramas",
    "verify_image",
]
