"""Deterministic JPEG files: fixed encoder settings, no metadata, tile rows encoded
together and cut apart.

Why this is a module of its own: the same input must give the same bytes on every build
(output keys and caches rely on it), and encoding is, with decoding and ``mapim``, where
the tiler spends its time, so all JPEG encoding goes through one writer.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

import pyvips

from .images import _side_by_side
from .jpeg import split_jpeg
from .types import TileSettings

_BATCH_BYTES = 4 << 20  # tile rows encoded together (see ``_Writer.save_tiles``)


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
