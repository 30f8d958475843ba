"""Where each face pixel looks on the sphere: the cube's orientation, the face size, the
canvas a (partial) panorama is placed on, exact index maps and how the top and bottom
faces mirror one another.

Why this is a module of its own: it is the mathematics of the tiler, free of any file or
JPEG, and the tests check it against a reference projection of their own.

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

import math
from array import array
from typing import NamedTuple

import pyvips

from .types import MAX_TILES_PER_SIDE, PanoramaAngles

_POLE = 128  # half-width of the exactly computed block around the pole, in face pixels
#: Side faces and the multiple of a quarter turn of yaw from the front to each of them.
_SIDE_TURNS = {"front": 0, "right": 1, "back": 2, "left": -1}


def choose_face_size(full_width: float, tile_size: int = 512) -> int:
    """Cube face of tile_size·2ⁿ px nearest in log₂ to full_width/π (equal centre density).

    Capped at 16 tiles per side, PSV's limit.
    """
    ideal = max(full_width / math.pi, 1.0)
    n = round(math.log2(ideal / tile_size))
    n = max(0, min(n, int(math.log2(MAX_TILES_PER_SIDE))))
    return tile_size * 2**n


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
