"""The kiosk build: its pages without links to other sites, and its archive, the whole output
folder in one zip, with a README that says how to run it on a device with no network, for a
museum's tablet or an exhibition PC.

The zip is made the same way every time (entries sorted, one fixed date, fixed permissions,
media stored as they are, text deflated), so the same site gives the same archive.
"""

from __future__ import annotations

import html
import os
import re
import zipfile
from pathlib import Path

from ..urls import readable_url

FIXED_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can hold
# Already compressed: deflating them again costs time and saves nothing.
STORED = (".jpg", ".jpeg", ".png", ".webp", ".avif", ".mp3", ".m4a", ".ogg", ".opus", ".glb", ".woff2", ".mp4", ".webm")
FOLDER = "site"
README = """\
Bảo tàng ngoại tuyến / Offline museum — built by `disan build --kiosk`

VI: Giải nén, rồi trong thư mục site/ chạy một máy chủ tĩnh bất kỳ trên máy này, ví dụ:
      python3 -m http.server --bind 127.0.0.1 8000
    và mở http://127.0.0.1:8000/ . Lần mở đầu tiên, trang lưu toàn bộ bảo tàng (mọi trang, ảnh,
    mọi mức chi tiết của tour 360°, thuyết minh) vào trình duyệt; sau đó bảo tàng mở được cả khi
    không có mạng và khi máy chủ đã tắt. Cần http://127.0.0.1, http://localhost hoặc https://:
    trình duyệt chỉ cho phép service worker ở những địa chỉ đó.

EN: Unzip, then in the site/ folder run any static web server on this device, for example:
      python3 -m http.server --bind 127.0.0.1 8000
    and open http://127.0.0.1:8000/ . On that first visit the page stores the whole museum (every
    page, image, every level of the 360° tours, narration) in the browser; from then on it opens
    with no network, even with the server stopped. Use http://127.0.0.1, http://localhost or
    https://: browsers allow service workers only there.
"""


_OFFSITE = r"(?:https?:)?//"
_HREF = rf"""\shref\s*=\s*(?:"({_OFFSITE}[^"]*)"|'({_OFFSITE}[^']*)'|({_OFFSITE}[^\s>]*))"""
# A page's own markup and Markdown's quote every attribute and escape any `>` inside one.
_OFFSITE_ANCHOR = re.compile(rf"<a\b[^>]*?{_HREF}[^>]*>(.*?)</a\s*>", re.IGNORECASE | re.DOTALL)
_OFFSITE_HEAD_LINK = re.compile(rf"<link\b[^>]*?{_HREF}[^>]*>\n?", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def offsite_as_text(page: str) -> str:
    """A kiosk page with every link to another site as its text, the address beside it (a licence,
    a source a visitor may look up at home), and no `<link>` (canonical, alternates) to one: on a
    device with no network such a link leads nowhere, or out of the kiosk."""
    return _OFFSITE_HEAD_LINK.sub("", _OFFSITE_ANCHOR.sub(_as_text, page))


def _as_text(anchor: re.Match[str]) -> str:
    inner = anchor.group(4)
    address = readable_url(html.unescape(next(url for url in anchor.groups()[:3] if url is not None)))
    shown = html.unescape(_TAG.sub("", inner))
    return inner if address in shown else f"{inner} ({html.escape(address, quote=False)})"


def write_kiosk_zip(out_dir: Path) -> Path:
    """`<output>-kiosk.zip` beside the output folder, replaced whole."""
    target = out_dir.with_name(f"{out_dir.name}-kiosk.zip")
    partial = target.with_name(f".{target.name}.tmp{os.getpid()}")
    files = sorted((p.relative_to(out_dir).as_posix(), p) for p in out_dir.rglob("*") if p.is_file())
    try:
        with zipfile.ZipFile(partial, "w") as archive:
            _add(archive, "README-KIOSK.txt", README.encode())
            for name, path in files:
                if not name.startswith(".disan-"):  # the build's own bookkeeping: manifest, journal
                    _add(archive, f"{FOLDER}/{name}", path.read_bytes())
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    entry = zipfile.ZipInfo(name, FIXED_DATE)
    entry.external_attr = 0o644 << 16
    entry.create_system = 3  # Unix, on every machine
    entry.compress_type = zipfile.ZIP_STORED if name.lower().endswith(STORED) else zipfile.ZIP_DEFLATED
    archive.writestr(entry, data)
