"""Source assets: safe path resolution, content hashes and cheap image probes, all cached.

Hashes and probes are kept by (size, mtime) and by content hash in the cache folder, so a
rebuild never re-reads a large file that has not changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath

import pyvips
from PIL import Image, UnidentifiedImageError

from .diagnostics import InputError, Problems
from .safepath import OutsideFolderError, contained
from .tiling.source import streamed, vips_reason

IMAGE_FORMATS = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
    "TIFF": "image/tiff",
}
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".tif", ".tiff"}


class AssetPathError(InputError):
    """A path in front matter that cannot be used."""


@dataclass(frozen=True)
class ImageInfo:
    """An image as it will be shown: size after EXIF orientation."""

    width: int
    height: int
    format: str
    error: str = ""


def resolve_asset(root: Path, src: str) -> Path:
    """The file a front-matter path names; refuses anything that leaves the site folder."""
    if not src:
        raise AssetPathError("the path is empty", "write a path relative to the site folder, like assets/images/x.jpg")
    if "://" in src:
        raise AssetPathError(
            f"'{src}' is a web address",
            "disan publishes only files inside the site folder: save the file into assets/ and use its path",
        )
    if "\\" in src:
        raise AssetPathError(f"'{src}' uses backslashes", f"use forward slashes: {src.replace(chr(92), '/')}")
    posix = PurePosixPath(src)
    if posix.is_absolute() or ":" in posix.parts[0]:
        raise AssetPathError(
            f"'{src}' is an absolute path",
            "paths are relative to the folder that holds site.toml, like assets/images/x.jpg",
        )
    if ".." in posix.parts:
        raise AssetPathError(
            f"'{src}' points outside the site folder",
            "copy the file into assets/ and use a path like assets/images/x.jpg",
        )
    path = root / Path(*posix.parts)
    try:
        contained(path, root, src)
    except OutsideFolderError as exc:
        raise AssetPathError(exc.message, exc.hint) from None
    if not path.is_file():
        raise AssetPathError(f"the file '{src}' does not exist", _missing_hint(root, posix))
    return path


def _missing_hint(root: Path, posix: PurePosixPath) -> str:
    from .diagnostics import did_you_mean

    folder = root / Path(*posix.parent.parts)
    if folder.is_dir():
        near = did_you_mean(posix.name, sorted(p.name for p in folder.iterdir()))
        if near:
            return near.replace("did you mean '", f"did you mean '{posix.parent.as_posix()}/")
        return f"no such file in {posix.parent.as_posix()}/; check the spelling and the file extension"
    return f"the folder '{posix.parent.as_posix()}' does not exist; check the path"


class AssetStore:
    """Content hashes and image probes for files under the site root, cached on disk."""

    def __init__(self, root: Path, cache_dir: Path | None):
        self.root = root
        self._file = cache_dir / "assets.json" if cache_dir else None
        self._stamps: dict[str, tuple[int, int, str]] = {}
        self._probes: dict[str, dict] = {}
        if self._file and self._file.is_file():
            try:
                saved = json.loads(self._file.read_text())
                self._stamps = {k: tuple(v) for k, v in saved.get("stamps", {}).items()}
                self._probes = saved.get("probes", {})
            except (ValueError, OSError):
                pass
        self._dirty = False

    def digest(self, path: Path) -> str:
        stat = path.stat()
        key = path.as_posix()
        stamp = self._stamps.get(key)
        if stamp and stamp[0] == stat.st_size and stamp[1] == stat.st_mtime_ns:
            return stamp[2]
        digest = file_digest(path)
        self._stamps[key] = (stat.st_size, stat.st_mtime_ns, digest)
        self._dirty = True
        return digest

    def probe(self, path: Path, kind: str, compute: Callable[[Path], dict]) -> dict:
        """A fact about a file's content, computed once per content hash and kept on disk."""
        key = f"{kind}:{self.digest(path)}"
        cached = self._probes.get(key)
        if cached is None:
            cached = compute(path)
            self._probes[key] = cached
            self._dirty = True
        return cached

    def image_info(self, path: Path, max_pixels: int) -> ImageInfo:
        """The size from the header is checked against the limit before any pixel is decoded."""
        header = ImageInfo(**self.probe(path, "image-header", lambda p: asdict(read_image_header(p))))
        if header.error:
            return header
        if header.width * header.height > max_pixels:
            return ImageInfo(
                header.width,
                header.height,
                header.format,
                f"the image is {header.width}×{header.height} = {header.width * header.height:,} "
                f"pixels, over the limit of {max_pixels:,} (max_image_pixels)",
            )
        return ImageInfo(**self.probe(path, "image", lambda p: asdict(probe_image(p))))

    def save(self) -> None:
        if not self._file or not self._dirty:
            return
        self._file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._file.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps({"stamps": self._stamps, "probes": self._probes}, sort_keys=True))
        os.replace(tmp, self._file)
        self._dirty = False


def file_digest(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def read_image_header(path: Path) -> ImageInfo:
    """Format and stored size from the header only; nothing is decoded."""
    return _open_image(path, decode=False)


def probe_image(path: Path) -> ImageInfo:
    """Open and fully decode (at reduced scale) so truncated or corrupt files are caught early.

    Call only after the header passed the pixel limit (`AssetStore.image_info` does)."""
    return _open_image(path, decode=True)


def _open_image(path: Path, decode: bool) -> ImageInfo:
    """Pillow's decompression-bomb guard stays on: above its hard limit it refuses to open at all."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # disan's own limit decides
            with Image.open(path) as image:
                fmt = image.format or ""
                if fmt not in IMAGE_FORMATS:
                    return ImageInfo(0, 0, fmt, f"{fmt or 'this'} images are not supported; use JPEG, PNG or WebP")
                width, height = image.size
                if not decode:
                    return ImageInfo(width, height, fmt)
                orientation = image.getexif().get(0x0112, 1)
                image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
                image.load()
    except Image.DecompressionBombError:
        return _open_large_image(path, decode)
    except UnidentifiedImageError:
        empty = path.stat().st_size == 0
        return ImageInfo(
            0,
            0,
            "",
            "the file is empty (0 bytes)"
            if empty
            else "this file is not an image disan can read (is it really a JPEG, PNG or WebP?)",
        )
    except (OSError, SyntaxError, ValueError) as exc:
        return ImageInfo(0, 0, "", f"the image is damaged or cut short ({exc})")
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    return ImageInfo(width, height, fmt)


VIPS_LOADERS = {"jpegload": "JPEG", "pngload": "PNG", "webpload": "WEBP"}


def _open_large_image(path: Path, decode: bool) -> ImageInfo:
    """An image above Pillow's hard limit (a 600-megapixel scan for deep zoom): libvips reads its
    header, and decodes it streaming (`streamed`; a JPEG at an eighth of its size), so memory
    stays small; disan's own max_image_pixels, checked against this size, decides whether it may be used."""
    try:
        with streamed(path) as stream:
            image = pyvips.Image.new_from_source(stream, "", access="sequential", fail_on="truncated")
        fmt = VIPS_LOADERS.get(image.get("vips-loader").removesuffix("_source"), "")
        if not fmt:
            return ImageInfo(0, 0, fmt, "only JPEG, PNG and WebP images this large can be read")
        if decode:
            scaled = {"shrink": 8} if fmt == "JPEG" else {}
            with streamed(path) as stream:
                pyvips.Image.new_from_source(stream, "", access="sequential", fail_on="truncated", **scaled).avg()
    except pyvips.Error as exc:
        return ImageInfo(0, 0, "", f"the image is damaged or cut short ({vips_reason(exc)})")
    orientation = image.get("orientation") if image.get_typeof("orientation") else 1
    width, height = (image.height, image.width) if orientation in (5, 6, 7, 8) else (image.width, image.height)
    return ImageInfo(width, height, fmt)


def check_asset(
    src: str, file: str, line: int, root: Path, suffixes: set[str], what: str, problems: Problems
) -> Path | None:
    """The file a front-matter path names, or None after reporting why it cannot be used."""
    try:
        path = resolve_asset(root, src)
    except AssetPathError as exc:
        problems.error(file, line, f"{what}-path", exc.message, exc.hint)
        return None
    if path.suffix.lower() not in suffixes:
        problems.error(
            file,
            line,
            f"{what}-type",
            f"'{src}' is not a {what} file disan can use",
            f"use one of: {', '.join(sorted(suffixes))}",
        )
        return None
    return path
