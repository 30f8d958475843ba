"""Deep zoom: large images as IIIF level-0 tiles, opened in a viewer on demand (see feature.py)."""

from .feature import DEEP_ZOOM, deep_zooms_of, info_path, service_path, tiled_images
from .settings import zoom_min_pixels
from .tiler import ZoomTiles, cached_tiles, info_json, tile_image

__all__ = [
    "DEEP_ZOOM",
    "ZoomTiles",
    "cached_tiles",
    "deep_zooms_of",
    "info_json",
    "info_path",
    "service_path",
    "tile_image",
    "tiled_images",
    "zoom_min_pixels",
]
