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
