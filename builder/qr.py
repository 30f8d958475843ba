"""QR codes for short URLs, and the printable label sheet.

Error correction M and a 4-module quiet zone, as label printers expect. Short, all-capital
URLs keep codes at version 1–2 in alphanumeric mode, so modules stay large enough to scan
from arm's length. Encoding uses zxing-cpp (zint's encoder, in C++): segno gives the same
symbols but its mask search in Python cost ~6 ms a code, most of a 2,000-object build.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

import zxingcpp

DARK_RUN = re.compile(r"1+")


@dataclass(frozen=True)
class QrSymbol:
    """The modules of one code, quiet zone included: one string per row, '1' is dark."""

    size: int
    rows: tuple[str, ...]


@lru_cache(maxsize=4096)
def make_qr(url: str) -> QrSymbol:
    barcode = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    # zxingcpp's Image has the buffer protocol, which its stubs do not declare
    image = memoryview(cast(Any, barcode.to_image(scale=1, add_quiet_zones=True)))
    size = len(image)
    bits = image.tobytes().translate(bytes.maketrans(b"\x00\xff", b"10")).decode("ascii")
    return QrSymbol(size, tuple(bits[row * size : (row + 1) * size] for row in range(size)))


def qr_svg(url: str, title: str = "") -> bytes:
    """A scalable code: one path of horizontal runs, white background, crisp at any size."""
    symbol = make_qr(url)
    path = "".join(
        f"M{m.start()} {y}h{m.end() - m.start()}v1h-{m.end() - m.start()}z"
        for y, row in enumerate(symbol.rows)
        for m in DARK_RUN.finditer(row)
    )
    title_text = (title or url).replace("&", "&amp;").replace("<", "&lt;")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {symbol.size} {symbol.size}" '
        f'shape-rendering="crispEdges"><title>{title_text}</title>'
        f'<rect width="{symbol.size}" height="{symbol.size}" fill="#fff"/>'
        f'<path fill="#000" d="{path}"/></svg>'
    ).encode()


def qr_png(url: str, scale: int = 10) -> bytes:
    """A 1-bit PNG written directly. Each module row repeats `scale` times; with PNG's "Up"
    filter the repeats are zero bytes, so compression is nearly free."""
    symbol = make_qr(url)
    width = symbol.size * scale
    padded = -(-width // 8) * 8
    raw = bytearray()
    pixels = {"1": "0" * scale, "0": "1" * scale}  # PNG grey 0 is black
    for row in symbol.rows:
        bits = "".join(map(pixels.__getitem__, row)).ljust(padded, "1")
        raw += b"\0" + int(bits, 2).to_bytes(padded // 8, "big")
        raw += (b"\2" + bytes(padded // 8)) * (scale - 1)
    header = struct.pack(">IIBBBBB", width, width, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(bytes(raw), 6))
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
