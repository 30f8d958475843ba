"""The source's pixels, decoded once, top to bottom, in row chunks.

Why this is a module of its own: a 16k panorama is 400 MB decoded, so the tiler never
holds it whole.  The reprojection asks for bands of canvas rows in source order; this
store decodes the chunks they need, places a partial panorama on the full-sphere canvas
(filling the rest), hands each chunk to the equirect derivative as it passes, and drops
chunks no later strip reads.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pyvips

from .geometry import _Canvas
from .images import _flat, _stack
from .source import vips_reason
from .types import FILL, TilingError

_CHUNK_BYTES = 3 << 20  # decoded per step from a JPEG source: 64 rows at 16k, 256 at 4k


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
                    f"{self.name} is truncated or corrupt: {vips_reason(exc)}",
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
