"""Cutting and joining baseline JPEGs along tile edges without decoding them, and
stripping a JPEG's metadata.

Why this is a module of its own: encoding each tile alone costs a libvips call (~1 ms of
fixed cost) per tile, and encoding each fallback face again costs a second JPEG encode.
Instead, rows of tiles are encoded together and cut apart here, and fallback faces are
their level's tiles joined here: byte for byte what encoding each image alone gives.

Tiles are cut from, and fallback faces joined of, baseline JPEGs whose restart interval
is one tile wide.  The entropy-coded data of each restart interval is self-contained
(the DC predictions restart) and byte-aligned, so such JPEGs can be cut along tile edges
and put together again by moving intervals around and renumbering the restart markers,
which cycle through RST0..RST7.  The result is exactly what the encoder makes of the
whole (same tables, same blocks: tiles are multiples of the MCU).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_RST = re.compile(rb"\xff[\xd0-\xd7]")


def _jpeg_parts(data: bytes, tile: int, mcu: int) -> tuple[list[bytes], int, int, list[bytes]]:
    """(header segments, width, height, restart intervals) of a JPEG from ``_Writer``."""
    segments, position = [], 2
    while True:
        if data[position] != 0xFF:
            raise ValueError("not a baseline JPEG written by libvips")
        marker = data[position + 1]
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        segment = data[position : position + 2 + length]
        if marker not in (0xDB, 0xC0, 0xC4, 0xDD, 0xDA):
            raise ValueError(f"unexpected JPEG marker 0x{marker:02x}")
        if marker == 0xC0:  # frame header
            height, width = int.from_bytes(segment[5:7], "big"), int.from_bytes(segment[7:9], "big")
        if marker == 0xDD and int.from_bytes(segment[4:6], "big") != tile // mcu:
            raise ValueError("JPEG whose restart interval is not one tile wide")
        segments.append(segment)
        position += 2 + length
        if marker == 0xDA:  # start of scan: the entropy-coded data follows, up to EOI
            break
    if not data.endswith(b"\xff\xd9") or width % tile or height % mcu:
        raise ValueError("JPEG that is not whole tiles")
    intervals = _RST.split(data[position:-2])
    if len(intervals) != width // tile * height // mcu:
        raise ValueError("JPEG whose restart interval is not one tile wide")
    return segments, width, height, intervals


def _assemble(segments: list[bytes], width: int, height: int, intervals: Sequence[bytes]) -> bytes:
    out = bytearray(b"\xff\xd8")
    for segment in segments:
        if segment[1] == 0xC0:
            segment = segment[:5] + height.to_bytes(2, "big") + width.to_bytes(2, "big") + segment[9:]
        out += segment
    for count, interval in enumerate(intervals):
        if count:
            out += bytes((0xFF, 0xD0 + (count - 1) % 8))
        out += interval
    out += b"\xff\xd9"
    return bytes(out)


def split_jpeg(data: bytes, tile: int, mcu: int) -> list[bytes]:
    """The tiles, left to right, of a strip JPEG from ``_Writer.save_tiles`` (no decoding)."""
    segments, width, height, intervals = _jpeg_parts(data, tile, mcu)
    cols = width // tile
    return [_assemble(segments, tile, height, intervals[col::cols]) for col in range(cols)]


def join_jpegs(grid: Sequence[Sequence[bytes]], tile: int, mcu: int) -> bytes:
    """One JPEG of ``grid`` (rows of square tiles of ``tile`` px from ``_Writer.save_tiles``)
    without decoding: byte for byte what encoding the whole image would give."""
    segments = _jpeg_parts(grid[0][0], tile, mcu)[0]
    intervals: list[bytes] = []
    for line in grid:
        parts = [_jpeg_parts(data, tile, mcu) for data in line]
        if any(p[:3] != (segments, tile, tile) for p in parts):
            raise ValueError("JPEG tiles of another size or made with other settings")
        for mcu_row in range(tile // mcu):
            intervals += [p[3][mcu_row] for p in parts]
    return _assemble(segments, len(grid[0]) * tile, len(grid) * tile, intervals)


def strip_jpeg_metadata(data: bytes) -> bytes:
    """The same JPEG without EXIF, XMP, ICC or comments (camera, GPS and editing history)."""
    kept = bytearray(data[:2])
    position = 2
    while position + 4 <= len(data) and data[position] == 0xFF:
        marker = data[position + 1]
        if marker == 0xDA:  # start of scan: the image data follows, keep the rest as it is
            break
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        if not (0xE1 <= marker <= 0xEF or marker == 0xFE):
            kept += data[position : position + 2 + length]
        position += 2 + length
    return bytes(kept + data[position:])
