"""`[deep_zoom]` in site.toml: from how many pixels an image opens in the deep-zoom viewer."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import SiteConfig, TableSettings

TABLE = "deep_zoom"
# [deep_zoom] min_pixels: an image this large is tiled for the deep-zoom viewer without `zoom: true`
DEFAULT_ZOOM_PIXELS = 20_000_000


def read_zoom_settings(settings: TableSettings) -> int:
    """`[deep_zoom] min_pixels`: images from this many pixels up open in the deep-zoom viewer."""
    settings.unknown_keys(("min_pixels",))
    value = settings.table.get("min_pixels", DEFAULT_ZOOM_PIXELS)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    settings.problems.error(
        "site.toml",
        settings.line,
        "config-deep-zoom",
        f"[deep_zoom] min_pixels must be a whole number of pixels, not {value!r}",
        f"for example: min_pixels = {DEFAULT_ZOOM_PIXELS} (0: only images marked 'zoom: true')",
    )
    return DEFAULT_ZOOM_PIXELS


def zoom_min_pixels(config: SiteConfig) -> int:
    """The pixels from which an image zooms without `zoom: true`; 0: only images marked so."""
    pixels: int = config.feature_settings.get(TABLE, DEFAULT_ZOOM_PIXELS)
    return pixels
