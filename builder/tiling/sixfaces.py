"""Tiling a panorama given as six cube faces, and its equirectangular derivative.

Why this is a module of its own: some cameras and stitchers export cube faces rather
than an equirectangular image.  Such faces need no reprojection to be tiled, only
resizing to the face size, but the equirect derivative must then be made from them.
"""

from __future__ import annotations

import math
from pathlib import Path

import pyvips

from .geometry import choose_face_size
from .levels import _FaceOutputs, _save_preview
from .source import _normalise, _open, vips_reason
from .types import EQUIRECT_PATH, FACES, SIX_FACE_KEYS, TileSettings, TilingError
from .writer import _Writer


def _tile_six_faces(paths: dict[str, Path], settings: TileSettings, writer: _Writer) -> tuple[int, tuple[int, int]]:
    """Tile the six faces (``paths`` by six-face key): (face size, equirect derivative size).
    The face size is the one an equirectangular image as sharp as the largest face gets."""
    sizes = [_open(p).width for p in paths.values()]
    n = choose_face_size(max(sizes) * math.pi, settings.tile_size)
    previews: dict[str, pyvips.Image] = {}
    faces: dict[str, pyvips.Image] = {}
    for key, path in paths.items():
        face = SIX_FACE_KEYS[key]
        try:
            image = _normalise(_open(path, fail_on="error"))
            if image.width != n:
                image = image.resize(n / image.width, vscale=n / image.height)
            image = image.copy_memory()
        except pyvips.Error as exc:
            raise TilingError(
                f"cube face '{key}' ({path.name}) is truncated or corrupt: {vips_reason(exc)}",
                "export the cube face again",
            ) from exc
        out = _FaceOutputs(face, n, settings, writer, previews)
        for j0 in range(0, n, settings.tile_size):
            out.add(image.crop(0, j0, n, settings.tile_size), j0)
        # keep a small copy for the equirect derivative
        small = min(n, 2048)
        faces[face] = image if small == n else image.resize(small / n).copy_memory()
    writer.flush()
    _save_preview(previews, writer, settings.preview_face_size)
    width = min(settings.equirect_max_width, 4 * n)
    equirect = _cube_to_equirect(faces, width)
    writer.save(equirect, EQUIRECT_PATH)
    return n, (equirect.width, equirect.height)


def _cube_to_equirect(faces: dict[str, pyvips.Image], width: int) -> pyvips.Image:
    """Equirectangular image from six faces (one mapim over an atlas with 1 px borders)."""
    n = faces["front"].width
    height = width // 2
    order = list(FACES)
    atlas = pyvips.Image.arrayjoin([faces[f].embed(1, 1, n + 2, n + 2, extend="copy") for f in order], across=6)
    xy = pyvips.Image.xyz(width, height)
    yaw = (xy[0] + 0.5) * (360.0 / width) - 180.0
    pitch = 90.0 - (xy[1] + 0.5) * (180.0 / height)
    cp = pitch.cos()
    f, r, u = cp * yaw.cos(), cp * yaw.sin(), pitch.sin()
    af, ar, au = f.abs(), r.abs(), u.abs()
    # face index and (a, b) per the convention in the docstring of ``geometry``
    choices = {
        "front": (r / f, (u / f) * -1.0),
        "back": (r / f, u / f),
        "right": ((f / r) * -1.0, (u / r) * -1.0),
        "left": ((f / r) * -1.0, u / r),
        "top": (r / u, f / u),
        "bottom": ((r / u) * -1.0, f / u),
    }
    is_f = (af >= ar) & (af >= au)
    is_r = (ar > af) & (ar >= au)

    def pick(index: int):
        a_side = is_r.ifthenelse(
            (r > 0).ifthenelse(choices["right"][index], choices["left"][index]),
            (f > 0).ifthenelse(choices["front"][index], choices["back"][index]),
        )
        a_pole = (u > 0).ifthenelse(choices["top"][index], choices["bottom"][index])
        return (is_f | is_r).ifthenelse(a_side, a_pole)

    def slot(name: str) -> pyvips.Image:
        # an image, not a number: ifthenelse would cast a constant to the uchar condition
        return _const_like(f, order.index(name) * (n + 2) + 1.0)

    offset = is_r.ifthenelse(
        (r > 0).ifthenelse(slot("right"), slot("left")), (f > 0).ifthenelse(slot("front"), slot("back"))
    )
    offset = (is_f | is_r).ifthenelse(offset, (u > 0).ifthenelse(slot("top"), slot("bottom")))
    a, b = pick(0), pick(1)
    x = (a + 1.0) * (n / 2.0) - 0.5 + offset
    y = (b + 1.0) * (n / 2.0) - 0.5 + 1.0
    index = x.bandjoin(y).cast("float")
    return atlas.mapim(index, interpolate=pyvips.Interpolate.new("bilinear"), extend="copy").copy_memory()


def _const_like(image: pyvips.Image, value: float) -> pyvips.Image:
    return (image * 0.0) + value
