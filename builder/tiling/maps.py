"""Index maps of face strips: computed once on a coarse grid, shared between faces,
upsampled by libvips, with the pole block computed exactly.

Why this is a module of its own: the bilinear ``mapim`` of the top level is about a third
of the tiler's CPU time, and each map a libvips pass, so how few maps are made, how they
are shared and how long they are kept is the tiler's main economy.  The four side faces
share one map (they differ by a quarter turn of yaw, i.e. a shift of the source band),
the top and bottom faces are mirror images of the lower half of the top face (one map
serves both, see ``geometry._mirror``), and every map is upsampled for half a face and
mirrored (faces are symmetric about their middle column).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import pyvips

from .geometry import (
    _SIDE_TURNS,
    Mirror,
    Ranges,
    _Canvas,
    _exact_map,
    _mirror,
    _mirror_linear,
    _mirror_ranges,
    _pole_block,
    _range,
)

_GRID = 8  # spacing of the coarse index-map grid, in face pixels
_KEEP_MAP_BYTES = 4 << 20  # half-face maps this small serve the top and the bottom face (_keep_map)


class _Source:
    """The computed maps of one strip's rows: of the side faces, or of the lower half of
    the top face (which every top and bottom strip mirrors, see ``geometry._mirror``)."""

    def __init__(self, coarse: pyvips.Image, exact: pyvips.Image | None, ranges: Ranges, pole_ranges: Ranges | None):
        self.coarse = coarse  # grid rows of the strip, in canvas coordinates
        self.exact = exact  # exactly computed pole block (geometry._pole_block), canvas coordinates
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


class _Pole(NamedTuple):
    """The exactly computed block around the pole in one strip (see ``geometry._pole_block``)."""

    column: int  # face column of its left edge
    row: int  # strip row of its top edge
    area: tuple[int, int, int, int]  # (x0, x1, y0, y1): the canvas area it reads


class _Strip(NamedTuple):
    """One strip of rows [j0, j0 + rows) of one face, or of the four side faces at once."""

    faces: tuple[str, ...]
    j0: int
    source: _Source
    mirror: Mirror | None  # None: the source's own rows
    x0: int  # first canvas column the map reads (for the side faces: the front face's)
    x1: int  # one past the last one
    y0: int  # band rows [y0, y1) hold every canvas row the map reads
    y1: int
    pole: _Pole | None  # only in the strips of the top and bottom faces that reach the pole

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
    block = _pole_block(face, n, j0, rows)
    pole = None
    if block and source.pole_ranges:  # the source's block is this one, mirrored
        ranges.append(_mirror_ranges(source.pole_ranges, mirror, canvas))
        pole = _Pole(block[0], block[1] - j0, _area(ranges[1:], canvas))
    faces = tuple(_SIDE_TURNS) if face == "front" else (face,)
    return _Strip(faces, j0, source, mirror, *_area(ranges, canvas), pole)


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
    read a full-width area of the band, see ``reproject._pole_pixels``.
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
    if plan.pole:
        block = _mirrored(source.exact, plan, canvas, (0.0, 0.0), (plan.x0, plan.y0)) if with_pole else source.nan
        fine = fine.insert(block, plan.pole.column, plan.pole.row)
    return fine


def _face_strip_map(face: str, n: int, j0: int, rows: int, canvas: _Canvas, maps: _Maps | None = None) -> pyvips.Image:
    """The index map the tiler uses for rows [j0, j0 + rows) of ``face``, in canvas
    coordinates (for tests)."""
    maps = maps or _Maps(n, rows, canvas)
    plan = _plan_strip("front" if face in _SIDE_TURNS else face, n, j0, rows, maps)
    column, frac = plan.columns(face, canvas)
    return _strip_map(n, rows, plan, canvas) + [column + frac, float(plan.y0)]


def _keep_map(source: _Source, later: Iterable[_Strip], size: int) -> bool:
    """Whether the upsampled map of ``source`` (``size`` bytes) is kept for the ``later``
    strips: for the next one if it shares it; for the bottom face's strips (which mirror
    the top face's) only if it is small, as it would be kept while the side faces are done."""
    sharing = [k for k, plan in enumerate(later) if plan.source is source]
    return bool(sharing) and (sharing[0] == 0 or size <= _KEEP_MAP_BYTES)
