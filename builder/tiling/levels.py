"""The resolution pyramid of each face, its fallback face and the preview stripe.

Why this is a module of its own: strips of face rows arrive in any order and are written
as tile rows once complete; each lower level is a 2×2 box shrink of the level above (never
a second reprojection), a fallback face the size of a level is that level's tiles joined
(never encoded again), and the preview is the six smallest faces shrunk once.
"""

from __future__ import annotations

from collections.abc import Callable

import pyvips

from .images import _box_shrink, _stack
from .jpeg import join_jpegs
from .types import FALLBACK_PATTERN, PREVIEW_PATH, STRIPE_ORDER, TILE_PATTERN, TileSettings
from .writer import _Writer


def _levels(face_size: int, tile_size: int) -> tuple[tuple[int, int], ...]:
    levels = []
    size = tile_size
    while size <= face_size:
        levels.append((size, size // tile_size))
        size *= 2
    return tuple(levels)


class _Level:
    """One level of one face: writes each tile row once all its rows have arrived (strips
    may come in any order) and feeds the 2×2 box-shrunk tile row to the level below.

    Once the whole face is written, ``on_pixels`` gets its size and pixels and ``on_jpegs``
    its tiles' JPEG files, row by row; each is kept only for the callback that is given.
    """

    def __init__(
        self,
        face: str,
        level: int,
        size: int,
        tile: int,
        writer: _Writer,
        below: _Level | None,
        on_pixels: Callable[[int, pyvips.Image], None] | None,
        on_jpegs: Callable[[list[list[bytes]]], None] | None,
    ):
        self.face, self.level, self.size, self.tile = face, level, size, tile
        self.writer, self.below = writer, below
        self.pieces: dict[int, pyvips.Image] = {}  # first face row -> rows not yet written
        self.done = 0  # tile rows written
        self.pixels: dict[int, pyvips.Image] = {}  # tile row -> its pixels
        self.jpegs: dict[int, list[bytes]] = {}  # tile row -> its tiles' JPEG files
        self.on_pixels, self.on_jpegs = on_pixels, on_jpegs

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
        if self.on_pixels:
            self.pixels[row] = strip
        self.writer.save_tiles(strip, rels, lambda jpegs: self._written(row, jpegs))
        if self.below is not None:
            self.below.add(_box_shrink(strip, 2).copy_memory(), row * self.tile // 2)

    def _written(self, row: int, jpegs: list[bytes]) -> None:
        """Tile row ``row`` is on disk: once all are, the face is complete."""
        if self.on_jpegs:
            self.jpegs[row] = jpegs
        self.done += 1
        if self.done * self.tile < self.size:
            return
        pixels, grid = self.pixels, self.jpegs
        self.pixels, self.jpegs = {}, {}
        if self.on_jpegs:
            self.on_jpegs([grid[r] for r in sorted(grid)])
        if self.on_pixels:
            self.on_pixels(self.size, _stack([pixels[r] for r in sorted(pixels)]))


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
        self.levels: list[_Level] = []  # smallest first
        for index, (size, _) in enumerate(levels):
            fallback = size == self.fallback_level
            keep_pixels = size == tile or (fallback and not self.join)
            below = self.levels[-1] if self.levels else None
            on_pixels = self._on_pixels if keep_pixels else None
            on_jpegs = self._on_jpegs if fallback and self.join else None
            self.levels.append(_Level(face, index, size, tile, writer, below, on_pixels, on_jpegs))

    def _on_jpegs(self, grid: list[list[bytes]]) -> None:
        """The fallback level's tiles, joined into the fallback face."""
        tile = self.settings.tile_size
        joined = grid[0][0] if len(grid) == 1 else join_jpegs(grid, tile, self.writer.mcu)
        self.writer.write(joined, FALLBACK_PATTERN.format(face=self.face))

    def _on_pixels(self, size: int, image: pyvips.Image) -> None:
        """The smallest level's face is kept for the preview; a fallback face of no level's
        size is resized from the ``fallback_level`` face."""
        if size == self.fallback_level and not self.join:
            self.writer.save(image.resize(self.fallback / size), FALLBACK_PATTERN.format(face=self.face))
        if size == self.settings.tile_size:
            self.previews[self.face] = image

    def add(self, rows: pyvips.Image, top: int) -> None:
        self.levels[-1].add(rows, top)


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
