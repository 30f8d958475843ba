"""Reading a panorama before tiling it: its header, its GPano XMP angles, the checks that
refuse bad input early, and the conversion of its pixels to 8-bit sRGB.

Why this is a module of its own: ``disan check`` (``validate.py``) runs these checks on
every panorama without tiling anything, so they must be cheap (headers only, except
``verify_image``) and give curators a ``TilingError`` naming the file, what is wrong and
how to fix it, never a libvips traceback.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pyvips

from .types import FILL, SIX_FACE_KEYS, PanoramaAngles, Source, TileSettings, TilingError


def _open(path: str | os.PathLike, **kwargs) -> pyvips.Image:
    try:
        return pyvips.Image.new_from_file(os.fspath(path), **kwargs)
    except pyvips.Error as exc:
        if not Path(path).exists():
            raise TilingError(f"panorama file not found: {path}", "check the file name and folder") from exc
        raise TilingError(
            f"cannot read {Path(path).name} as an image: {vips_reason(exc)}",
            "export the panorama again as JPEG, PNG or TIFF",
        ) from exc


@contextmanager
def streamed(path: Path) -> Iterator[pyvips.SourceCustom]:
    """A libvips source that reads `path` through reads of our own. Given a file's name,
    libvips maps the whole file, so a 156 MB JPEG scan adds 156 MB to the memory of each
    process that reads it, and as much again for each copy its operation cache keeps mapped.
    Compute the pixels inside the `with`: the file and the source (which some libvips
    operations do not keep alive) live until it ends."""
    with path.open("rb") as handle:
        source = pyvips.SourceCustom()
        source.on_read(handle.read)
        source.on_seek(handle.seek)
        yield source


GENERIC_VIPS_ERROR = re.compile(r":\s*(load|read|write) error$|out of order read", re.IGNORECASE)


def vips_reason(exc: pyvips.Error) -> str:
    """The decoder's own words ('premature end of JPEG image'), not the loader's summary that
    libvips may add after them: the same file gives the same message in any process."""
    lines = [line for line in (getattr(exc, "detail", "") or str(exc)).strip().splitlines() if line.strip()]
    specific = [line for line in lines if not GENERIC_VIPS_ERROR.search(line)]
    return (specific or lines or ["unknown error"])[-1]


_XMP_FIELDS = (
    "CroppedAreaImageWidthPixels",
    "CroppedAreaImageHeightPixels",
    "FullPanoWidthPixels",
    "FullPanoHeightPixels",
    "CroppedAreaLeftPixels",
    "CroppedAreaTopPixels",
)


def _gpano(image: pyvips.Image) -> dict[str, float]:
    if "xmp-data" not in image.get_fields():
        return {}
    xmp = image.get("xmp-data")
    text = xmp.decode("utf-8", "replace") if isinstance(xmp, (bytes, bytearray)) else str(xmp)
    found = {}
    for name in _XMP_FIELDS:
        # both serialisations: GPano:Name="123" and <GPano:Name>123</GPano:Name>
        match = re.search(rf"GPano:{name}\s*=\s*[\"']([-\d.]+)[\"']", text) or re.search(
            rf"<GPano:{name}>\s*([-\d.]+)\s*</GPano:{name}>", text
        )
        if match:
            found[name] = float(match.group(1))
    return found


def read_panorama_info(path: str | os.PathLike) -> tuple[int, int, PanoramaAngles | None, list[str]]:
    """Width, height, angles from GPano XMP (or None) and warnings; reads the header only.

    When the XMP describes a different pixel size than the file (a resized image with
    stale metadata), its angles are still used if the aspect ratios agree, with a warning;
    if they do not agree the XMP is ignored, with a warning.
    """
    image = _open(path)
    width, height = image.width, image.height
    warnings: list[str] = []
    xmp = _gpano(image)
    needed = {
        "CroppedAreaImageWidthPixels",
        "CroppedAreaImageHeightPixels",
        "FullPanoWidthPixels",
        "FullPanoHeightPixels",
    }
    if not needed <= xmp.keys():
        return width, height, None, warnings
    cw, ch = xmp["CroppedAreaImageWidthPixels"], xmp["CroppedAreaImageHeightPixels"]
    fw, fh = xmp["FullPanoWidthPixels"], xmp["FullPanoHeightPixels"]
    top = xmp.get("CroppedAreaTopPixels", (fh - ch) / 2)
    name = Path(path).name
    if min(cw, ch, fw, fh) <= 0 or cw > fw or ch > fh:
        warnings.append(
            f"{name}: its GPano XMP is inconsistent ({int(cw)}×{int(ch)} cropped from {int(fw)}×{int(fh)}); ignoring it"
        )
        return width, height, None, warnings
    if (int(cw), int(ch)) != (width, height):
        if abs((cw / ch) / (width / height) - 1) > 0.01:
            warnings.append(
                f"{name}: its GPano XMP describes a {int(cw)}×{int(ch)} image but the file is "
                f"{width}×{height} with another shape; ignoring the XMP"
            )
            return width, height, None, warnings
        warnings.append(
            f"{name}: its GPano XMP describes a {int(cw)}×{int(ch)} image but the file is "
            f"{width}×{height} (resized after the metadata was written?); using the XMP angles "
            f"scaled to the pixels"
        )
    haov = 360.0 * cw / fw
    vaov = 180.0 * ch / fh
    voffset = 90.0 - (top + ch / 2) / fh * 180.0
    try:
        angles = PanoramaAngles(haov, vaov, voffset)
    except TilingError:
        warnings.append(f"{name}: its GPano XMP gives impossible angles; ignoring it")
        return width, height, None, warnings
    return width, height, angles, warnings


def _resolve_angles(
    path: str | os.PathLike, width: int, height: int, angles: PanoramaAngles | None, xmp_angles: PanoramaAngles | None
) -> PanoramaAngles:
    if angles is not None:
        return angles
    if xmp_angles is not None:
        return xmp_angles
    if abs(width / height - 2.0) > 0.01:
        raise TilingError(
            f"{Path(path).name} is {width}×{height} ({width / height:.2f}:1), not a 2:1 "
            f"full-sphere panorama, and it has no GPano XMP saying which part of the sphere it covers",
            "give the panorama's horizontal and vertical angle of view (haov, vaov in degrees, "
            "and voffset if it is not centred on the horizon), or export it as a full 2:1 "
            "equirectangular image",
        )
    return PanoramaAngles()


def _check_pixels(width: int, height: int, settings: TileSettings, name: str) -> None:
    if width * height > settings.max_pixels:
        raise TilingError(
            f"{name} is {width}×{height} = {width * height:,} pixels, over the limit of {settings.max_pixels:,} pixels",
            "downscale the image, or raise max_panorama_pixels in site.toml if you trust this "
            "file (the limit protects the build from decompression bombs)",
        )


def check_panorama(
    source: Source, settings: TileSettings = TileSettings(), angles: PanoramaAngles | None = None
) -> tuple[PanoramaAngles | None, list[str]]:
    """All cheap (header-only) checks of a source: raises TilingError, returns (angles, warnings).

    The angles are None for six-face input.  Use ``verify_image`` for a full decode check.
    """
    if isinstance(source, Mapping):
        _check_six_faces(source, settings)
        return None, []
    return _check_equirect(source, settings, angles)


def _check_six_faces(source: Mapping[str, str | os.PathLike], settings: TileSettings) -> None:
    _six_face_paths(source)
    total = 0
    for key, path in source.items():
        image = _open(path)
        if image.width != image.height:
            raise TilingError(
                f"cube face '{key}' ({Path(path).name}) is {image.width}×{image.height}, not square",
                "export the six cube faces as square images",
            )
        total += image.width * image.height
    _check_pixels(total, 1, settings, "the six cube faces")


def _check_equirect(
    source: str | os.PathLike, settings: TileSettings, angles: PanoramaAngles | None
) -> tuple[PanoramaAngles, list[str]]:
    """The header checks of an equirectangular source: (its angles, warnings)."""
    width, height, xmp_angles, warnings = read_panorama_info(source)
    _check_pixels(width, height, settings, Path(source).name)
    return _resolve_angles(source, width, height, angles, xmp_angles), warnings


def verify_image(path: str | os.PathLike) -> None:
    """Decode the whole image: raises TilingError if it is truncated or corrupt."""
    image = _open(path, access="sequential", fail_on="error")
    try:
        image.avg()
    except pyvips.Error as exc:
        raise TilingError(
            f"{Path(path).name} is truncated or corrupt: {vips_reason(exc)}",
            "copy or export the file again; an interrupted upload or download often cuts images short",
        ) from exc


def _six_face_paths(source: Mapping) -> dict[str, Path]:
    keys = set(source)
    if keys != set(SIX_FACE_KEYS):
        missing = sorted(set(SIX_FACE_KEYS) - keys)
        extra = sorted(keys - set(SIX_FACE_KEYS))
        raise TilingError(
            "six-face panorama needs exactly the faces front, back, left, right, up, down"
            + (f"; missing: {', '.join(missing)}" if missing else "")
            + (f"; unknown: {', '.join(extra)}" if extra else ""),
            "name the six cube faces front, back, left, right, up and down",
        )
    return {key: Path(source[key]) for key in SIX_FACE_KEYS}


def _normalise(image: pyvips.Image) -> pyvips.Image:
    """8-bit sRGB, 3 bands, alpha flattened onto the fill colour."""
    if image.hasalpha():
        image = image.flatten(background=list(FILL) if image.bands > 2 else [FILL[0]])
    if image.interpretation not in ("srgb",) or image.bands != 3 or image.format != "uchar":
        try:
            image = image.colourspace("srgb")
        except pyvips.Error:
            pass
        if image.bands == 1:
            image = image.bandjoin([image, image])
        elif image.bands > 3:
            image = image.extract_band(0, n=3)
        if image.format != "uchar":
            image = image.cast("uchar")
    return image
