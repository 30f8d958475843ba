"""Reprojection of an equirectangular source onto the six cube faces, strip by strip.

Why this is a module of its own: it is the loop that ties the rest together and sets the
tiler's memory peak.  The source is decoded once, top to bottom (``rows._RowStore``);
each strip of face rows is reprojected with one ``mapim`` from its index map
(``maps``), its pole block from a small copy of the polar rows, and handed to the face's
pyramid (``levels``), while rows no later strip reads are dropped.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

import pyvips

from .derivatives import _derivative_shrink
from .geometry import _Canvas
from .images import _cut
from .levels import _FaceOutputs
from .maps import _keep_map, _Maps, _mirrored, _plan_strip, _Pole, _Strip, _strip_map
from .rows import _RowStore
from .types import FACES, TileSettings
from .writer import _Writer


def _strip_plan(face_size: int, tile: int) -> int:
    """Strip height: a tile row, but never straddling the middle row of a face."""
    return min(tile, face_size // 2)


def _pole_pixels(
    rows: pyvips.Image, top: int, plan: _Strip, pole: _Pole, canvas: _Canvas, interpolate: pyvips.Interpolate
) -> pyvips.Image:
    """The pole block of a strip (``plan.pole``), reprojected from its own copy of the rows around the pole
    (``rows``, ``top``: the strip's rows, see ``rows._RowStore.rows``).

    Around the pole every 128 px tile of the face sees all yaws: mapim would gather a
    full-width slice of the band for each tile (several MB, freshly allocated and copied
    each time).  One small memory image of those rows serves the whole block instead.
    """
    x0, x1, y0, y1 = pole.area
    area = _cut(rows, top + y0 - plan.y0, x0, x1 - x0, y1 - y0).copy_memory()
    index = _mirrored(plan.source.exact, plan, canvas, (0.0, 0.0), (x0, y0))
    return area.mapim(index, interpolate=interpolate, extend="copy")


def _reproject(
    image: pyvips.Image,
    canvas: _Canvas,
    face_size: int,
    settings: TileSettings,
    writer: _Writer,
    name: str,
    on_chunk: Callable[[pyvips.Image], None],
) -> dict[str, pyvips.Image]:
    """Every face's tiles, fallback face and preview face from ``image`` placed on
    ``canvas``; each decoded chunk of the source goes to ``on_chunk`` too.  Returns the
    preview faces."""
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
    plans = deque(_plan_strip(face, n, j0, rows, maps) for face, j0 in stages)
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
    for index in range(len(plans)):
        plan = plans.popleft()  # the later plans stay; this one goes once done, with its maps
        band, top = store.rows(plan.y0, plan.y1)
        fine = _strip_map(n, rows, plan, canvas, with_pole=False)
        width = plan.x1 - plan.x0
        for face in plan.faces:
            column, frac = plan.columns(face, canvas)
            area = _cut(band, top, column, width + (frac > 0), plan.y1 - plan.y0)
            strip = area.mapim(fine + [frac, 0.0] if frac else fine, interpolate=bil, extend="copy")
            if plan.pole:
                pole = plan.pole
                strip = strip.insert(_pole_pixels(band, top, plan, pole, canvas, bil), pole.column, pole.row)
            pixels = strip.copy_memory()
            del strip, area  # the pole rows' copy with them
            outputs[face].add(pixels, plan.j0)
            del pixels
        del fine, band
        if not _keep_map(plan.source, plans, n * rows * 4):
            plan.source.fine = None
        store.discard_below(need_from[index + 1])
    store.finish()
    writer.flush()
    return previews
