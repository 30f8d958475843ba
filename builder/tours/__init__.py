"""360° tours: scenes, hotspots, the floor plan and the guided narration, from tours/<tour>/."""

from .feature import TOUR_BUNDLE, TOURS, tour_files
from .guide import parse_at
from .model import (
    HOTSPOT_KINDS,
    MAX_FOV,
    MIN_FOV,
    VIEW_KEYS,
    Hotspot,
    Scene,
    Tour,
    View,
    scenes_of,
    tour_embed_url,
    tour_scenes,
    tours_of,
)

__all__ = [
    "HOTSPOT_KINDS",
    "MAX_FOV",
    "MIN_FOV",
    "TOURS",
    "TOUR_BUNDLE",
    "VIEW_KEYS",
    "Hotspot",
    "Scene",
    "Tour",
    "View",
    "parse_at",
    "scenes_of",
    "tour_embed_url",
    "tour_files",
    "tour_scenes",
    "tours_of",
]
