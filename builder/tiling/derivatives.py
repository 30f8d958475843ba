"""The equirectangular derivative (``equirect.jpg``) of an equirectangular source.

Why this is a module of its own: the derivative serves social cards and browsers without
WebGL, and must cost neither a second decode of the source nor the memory of a second
copy: it is box-shrunk chunk by chunk as the source streams past (to a temporary raw
file), or, for a plain full-sphere JPEG small enough, is the source itself stripped of
its metadata.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import pyvips

from .geometry import _Canvas
from .images import _box_shrink
from .types import EQUIRECT_PATH, FILL, TileSettings
from .writer import _Writer


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

    def discard(self) -> None:
        """Close and remove the temporary file, unused (the source is reused, or tiling failed)."""
        self.handle.close()
        self.path.unlink(missing_ok=True)

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
