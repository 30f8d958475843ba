"""The static picture of an image region: the part of an exhibit's image a story step points at,
cut and scaled once and cached by the source's digest and the region, so the step shows it
without any script; the deep-zoom viewer may take over from its data attributes."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from ..media import to_srgb

CROP_WIDTH = 960  # wide enough for the story's column at 2× on a phone
CROP_QUALITY = 82


@dataclass(frozen=True)
class CroppedImage:
    source: Path
    digest: str
    region: tuple[int, int, int, int]  # x, y, width, height in the upright image's pixels

    @property
    def size(self) -> tuple[int, int]:
        _, _, width, height = self.region
        shown = min(width, CROP_WIDTH)
        return shown, max(1, round(height * shown / width))

    @property
    def site_path(self) -> str:
        x, y, width, height = self.region
        return f"media/{self.digest[:16]}-region-{x}-{y}-{width}-{height}.jpg"

    def produce(self, cache_dir: Path) -> bytes:
        cached = cache_dir / "stories" / Path(self.site_path).name
        if not cached.is_file():
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_name(f".{cached.name}.tmp{os.getpid()}")
            tmp.write_bytes(self._cut())
            os.replace(tmp, cached)
        return cached.read_bytes()

    def _cut(self) -> bytes:
        x, y, width, height = self.region
        with Image.open(self.source) as opened:
            image = to_srgb(ImageOps.exif_transpose(opened))
        part = image.crop((x, y, x + width, y + height)).resize(self.size, Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        part.save(buffer, "JPEG", quality=CROP_QUALITY, optimize=True, progressive=True)
        return buffer.getvalue()
