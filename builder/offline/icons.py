"""The app icons of the web app manifest, made at build time: the site's logo on a square of
the theme colour (`[offline] icon` in site.toml), or else a monogram of the site's title.

Pillow's own font is used (no system font), and PNGs are written without metadata, so two
machines with the same Pillow make the same bytes.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ICON_SIZES = (192, 512)
THEME_COLOUR = "#7a2e14"  # the header's colour (style.css --accent), also the page's theme-color
BACKGROUND = "#ffffff"
# A maskable icon keeps what matters inside the middle 80%: the platform may crop it to a circle.
SAFE_ZONE = 0.6


@dataclass(frozen=True)
class AppIcon:
    size: int
    title: str
    logo: Path | None = None

    def produce(self, cache_dir: Path) -> bytes:
        image = Image.new("RGB", (self.size, self.size), THEME_COLOUR)
        if self.logo is not None:
            _paste_logo(image, self.logo)
        else:
            _draw_monogram(image, self.title)
        out = io.BytesIO()
        image.save(out, "PNG", optimize=False)
        return out.getvalue()


def _paste_logo(image: Image.Image, logo: Path) -> None:
    with Image.open(logo) as source:
        picture = source.convert("RGBA")
    side = round(image.width * SAFE_ZONE)
    picture.thumbnail((side, side), Image.Resampling.LANCZOS)
    image.paste(picture, ((image.width - picture.width) // 2, (image.height - picture.height) // 2), picture)


def _draw_monogram(image: Image.Image, title: str) -> None:
    """The title's first letter, its accents left off (Pillow's font has no Vietnamese letters);
    Đ keeps its bar, drawn as a line."""
    first = next((c for c in title if c.isalnum()), "D")
    letter = unicodedata.normalize("NFD", first)[0].upper()
    if first in "Đđ":
        letter = "D"
    font = ImageFont.load_default(size=round(image.width * SAFE_ZONE))
    draw = ImageDraw.Draw(image)
    centre = image.width / 2
    draw.text((centre, centre), letter, fill="#ffffff", font=font, anchor="mm")
    if first in "Đđ":
        left, top, _, bottom = draw.textbbox((centre, centre), letter, font=font, anchor="mm")
        stroke = max(2, image.width // 24)
        middle = (top + bottom) / 2
        draw.rectangle((left - stroke, middle - stroke / 2, left + 3 * stroke, middle + stroke / 2), fill="#ffffff")
