"""Responsive image derivatives: WebP and JPEG at a few widths, upright, without metadata.

Derivatives are named and cached by the source's content hash and the settings, so the
expensive work runs once per image, whatever else changes.
"""

from __future__ import annotations

import hashlib
import io
import os
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from html import escape
from pathlib import Path

import pyvips
from PIL import Image, ImageCms, ImageOps

from .assets import ImageInfo
from .config import ImageSettings
from .jobs import Executor, write_atomic
from .tiling.source import streamed

FORMATS = {"webp": "WEBP", "jpg": "JPEG"}
EXIF_COPYRIGHT = 0x8298


@dataclass(frozen=True)
class Derivative:
    """One resized copy of a source image, in one format."""

    source: Path
    digest: str
    width: int
    height: int
    fmt: str
    quality: int
    credit: str

    @cached_property
    def cache_name(self) -> str:
        settings = f"{self.width}:{self.quality}:{self.credit}".encode()
        return f"{self.digest[:16]}-{hashlib.sha256(settings).hexdigest()[:8]}-{self.width}.{self.fmt}"

    @property
    def site_path(self) -> str:
        return f"media/{self.cache_name}"


@dataclass(frozen=True)
class ResponsiveImage:
    """What a template needs for <picture>: one srcset per format plus the intrinsic size."""

    width: int
    height: int
    webp: tuple[Derivative, ...]
    jpeg: tuple[Derivative, ...]


def plan_image(source: Path, digest: str, info: ImageInfo, settings: ImageSettings, credit: str) -> ResponsiveImage:
    """Widths never exceed the original: small legacy scans are not blown up."""
    widths = [w for w in settings.widths if w < info.width] + [min(info.width, settings.widths[-1])]
    widths = sorted(set(widths))

    def make(fmt: str, quality: int) -> tuple[Derivative, ...]:
        return tuple(
            Derivative(source, digest, w, max(1, round(info.height * w / info.width)), fmt, quality, credit)
            for w in widths
        )

    largest = widths[-1]
    return ResponsiveImage(
        largest,
        max(1, round(info.height * largest / info.width)),
        make("webp", settings.webp_quality),
        make("jpg", settings.jpeg_quality),
    )


def render_derivative(derivative: Derivative) -> bytes:
    try:
        with Image.open(derivative.source) as opened:
            opened.draft("RGB", (derivative.width, derivative.height))
            image = to_srgb(ImageOps.exif_transpose(opened))
            image = image.resize((derivative.width, derivative.height), Image.Resampling.LANCZOS, reducing_gap=3.0)
    except Image.DecompressionBombError:
        image = _shrunk_by_libvips(derivative)
    exif = Image.Exif()
    extra: dict[str, bytes] = {}
    if derivative.credit:
        exif[EXIF_COPYRIGHT] = _ascii(derivative.credit)
        extra["xmp"] = _xmp_rights(derivative.credit)
    buffer = io.BytesIO()
    if derivative.fmt == "jpg":
        image.save(
            buffer, "JPEG", quality=derivative.quality, optimize=True, progressive=True, exif=exif.tobytes(), **extra
        )
    else:
        image.save(buffer, "WEBP", quality=derivative.quality, method=4, exif=exif.tobytes(), **extra)
    return buffer.getvalue()


def _shrunk_by_libvips(derivative: Derivative) -> Image.Image:
    """A scan above Pillow's hard limit, which the curator allowed (max_image_pixels): libvips
    shrinks it while streaming it (`streamed`), upright and in sRGB, so its copies cost little memory."""
    with streamed(derivative.source) as stream:
        thumb = pyvips.Image.thumbnail_source(
            stream, derivative.width, height=derivative.height, size="force", export_profile="srgb"
        )
        if thumb.hasalpha():
            thumb = thumb.flatten(background=[255, 255, 255])
        if thumb.bands < 3:
            thumb = thumb.colourspace("srgb")
        thumb = thumb.cast("uchar")
        return Image.frombytes("RGB", (thumb.width, thumb.height), thumb.write_to_memory())


def _ascii(text: str) -> str:
    """EXIF text is ASCII: 'Ảnh: Bảo tàng' becomes 'Anh: Bao tang'; XMP keeps the real spelling."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _xmp_rights(credit: str) -> bytes:
    rights = escape(credit)
    return (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:rights><rdf:Alt>'
        f'<rdf:li xml:lang="x-default">{rights}</rdf:li></rdf:Alt></dc:rights></rdf:Description></rdf:RDF>'
        "</x:xmpmeta>"
    ).encode()


def to_srgb(image: Image.Image) -> Image.Image:
    """Convert to sRGB so phones show true colours after the ICC profile is stripped."""
    icc = image.info.get("icc_profile")
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB")
    if image.mode == "RGBA":
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        image = background
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            converted = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode="RGB")
            image = converted if converted is not None else image
        except (ImageCms.PyCMSError, OSError):
            pass
    return image


def ensure_derivatives(
    derivatives: Iterable[Derivative],
    cache_dir: Path,
    executor: Executor,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Make every derivative not yet in the cache through ``executor``: one call per source
    image (its widths and formats), each derivative renamed into the cache by its maker."""
    missing = {d.cache_name: d for d in derivatives if not (cache_dir / d.cache_name).is_file()}
    if not missing:
        return
    cache_dir.mkdir(parents=True, exist_ok=True)
    by_source: dict[str, list[Derivative]] = {}
    for derivative in sorted(missing.values(), key=lambda d: d.cache_name):
        by_source.setdefault(derivative.digest, []).append(derivative)
    calls = [(os.fspath(cache_dir), tuple(group)) for group in by_source.values()]
    done = 0
    for index, _ in executor.run(_store_all, calls):
        done += len(calls[index][1])
        if progress:
            progress(done, len(missing))


def _store_all(cache_dir: str, derivatives: tuple[Derivative, ...]) -> None:
    for derivative in derivatives:
        write_atomic(Path(cache_dir) / derivative.cache_name, render_derivative(derivative))
