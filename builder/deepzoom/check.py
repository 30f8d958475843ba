"""Which images open in the deep-zoom viewer: those marked `zoom: true` and those of at least
`[deep_zoom] min_pixels`, unless marked `zoom: false`; and the problems `check` reports about them.

The museum's own image check has already reported a missing, damaged or oversized file at its
line; what is left here is whether a `zoom:` is well written and whether it is worth it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..assets import AssetPathError, resolve_asset
from ..feature import OBJECT_KINDS, SiteCheck
from ..model import Entry, ImageRef
from .settings import zoom_min_pixels

# Below this many pixels on the long side a phone shows the whole image sharp without tiles.
MIN_ZOOM_SIDE = 2000


@dataclass(frozen=True)
class ZoomImage:
    """An image to tile: its file, content hash, size, and where it was first named."""

    path: Path
    digest: str
    width: int
    height: int
    file: str
    line: int


@dataclass
class DeepZooms:
    """The feature's results: images to tile by `src`, and which of them each entry shows zoomable."""

    images: dict[str, ZoomImage] = field(default_factory=dict)
    shown: dict[tuple[str, str, str], tuple[str, ...]] = field(default_factory=dict)


def find_zooms(check: SiteCheck, zooms: DeepZooms) -> None:
    decided: dict[tuple[str, bool | None], bool] = {}
    for entry in _object_entries(check):
        shown = []
        for ref, written in _images_of(entry):
            if written is not None and not isinstance(written, bool):
                _bad_zoom(check, ref, written)
                continue
            key = (ref.src, written)
            if key not in decided:
                decided[key] = _wants_zoom(check, ref, written, zooms)
            if decided[key]:
                shown.append(ref.src)
        if shown:
            zooms.shown[entry.ref] = tuple(shown)


def _object_entries(check: SiteCheck) -> Iterator[Entry]:
    for kind in OBJECT_KINDS:
        for by_lang in check.model.of_kind(kind).values():
            yield from by_lang.values()


def _images_of(entry: Entry) -> Iterator[tuple[ImageRef, Any]]:
    """Each image with its `zoom:` as written (None when absent), which the record keeps only as true or not."""
    written = entry.meta.get("images")
    items = written if isinstance(written, list) else []
    for index, ref in enumerate(getattr(entry, "images", ())):
        item = items[index] if index < len(items) else None
        yield ref, item.get("zoom") if isinstance(item, dict) else None


def _wants_zoom(check: SiteCheck, ref: ImageRef, written: bool | None, zooms: DeepZooms) -> bool:
    config = check.model.config
    try:
        path = resolve_asset(config.root, ref.src)
    except AssetPathError:
        return False  # reported by the image check
    info = check.assets.image_info(path, config.max_image_pixels)
    if info.error or written is False:
        return False
    pixels = info.width * info.height
    if written is True and max(info.width, info.height) < MIN_ZOOM_SIDE:
        check.problems.warning(
            ref.origin.file,
            ref.origin.line,
            "zoom-too-small",
            f"'{ref.src}' is only {info.width}×{info.height} px: too small to zoom into, shown as a plain image",
            f"remove 'zoom: true', or use a scan of at least {MIN_ZOOM_SIDE} px on its long side",
        )
        return False
    least = zoom_min_pixels(config)
    if written is not True and not (least and pixels >= least):
        return False
    if ref.src not in zooms.images:
        zooms.images[ref.src] = ZoomImage(
            path, check.assets.digest(path), info.width, info.height, ref.origin.file, ref.origin.line
        )
    return True


def _bad_zoom(check: SiteCheck, ref: ImageRef, written: Any) -> None:
    check.problems.error(
        ref.origin.file,
        ref.origin.line,
        "zoom-format",
        f"zoom must be true or false, not {written!r}",
        "write 'zoom: true' (no quotes) to open the image in the deep-zoom viewer",
    )
