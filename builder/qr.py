"""QR codes for short URLs, and the printable label sheet.

Error correction M and a 4-module quiet zone, as label printers expect. Short, all-capital
URLs keep codes at version 1–2, so modules stay large enough to scan from arm's length.
"""

from __future__ import annotations

import io

import segno

QUIET_ZONE = 4


def make_qr(url: str) -> segno.QRCode:
    return segno.make(url, error="m", boost_error=False, micro=False)


def qr_svg(url: str, title: str = "") -> bytes:
    buffer = io.BytesIO()
    make_qr(url).save(buffer, kind="svg", border=QUIET_ZONE, scale=1, xmldecl=False, svgclass=None,
                      lineclass=None, title=title or url, omitsize=True, light="#fff")
    return buffer.getvalue()


def qr_png(url: str, scale: int = 10) -> bytes:
    buffer = io.BytesIO()
    make_qr(url).save(buffer, kind="png", border=QUIET_ZONE, scale=scale)
    return buffer.getvalue()
