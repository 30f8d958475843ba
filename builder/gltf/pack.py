"""Packing: one self-contained .glb per model, with phone-sized textures, cached by content."""

from __future__ import annotations

import hashlib
import io
import json
import struct
from pathlib import Path
from typing import Any

import PIL
from PIL import Image, JpegImagePlugin

from ..config import DEFAULT_MAX_TEXTURE
from ..jobs import write_atomic
from .inspect import _Model
from .types import (
    CHUNK_BIN,
    CHUNK_JSON,
    GLB_MAGIC,
    JPEG_QUALITY,
    MIME_TYPES,
    PACKER_VERSION,
    WEBP_QUALITY,
    JsonObject,
    ModelError,
    ModelProblem,
    ModelReport,
    PackResult,
    ResizedTexture,
    _align4,
    _human,
    _internal_error,
    _site_path,
)
from .validate import _load


def pack_model(
    path: Path, out_path: Path, max_texture: int = DEFAULT_MAX_TEXTURE, *, site_root: Path | None = None
) -> PackResult:
    """Write ONE self-contained .glb for the model at ``path`` (raises ModelError if it has errors).

    Textures whose longest side is above ``max_texture`` are downscaled (same format, same
    pixel mode).  A .glb that is already self-contained and has no texture to shrink is
    copied byte for byte.  ``site_root`` bounds the files the model may reference
    (default: the model's folder).
    """
    if max_texture < 1:
        raise ValueError("max_texture must be >= 1")
    model = _load(path, site_root)
    if model.has_errors:
        raise ModelError([p for p in model.problems if p.severity == "error"])
    return _pack(model, Path(out_path), max_texture)


def _cache_key(model: _Model, max_texture: int) -> str:
    digest = hashlib.sha256()
    digest.update(
        json.dumps(
            {
                "v": PACKER_VERSION,
                "max_texture": max_texture,
                "jpeg": JPEG_QUALITY,
                "webp": WEBP_QUALITY,
                "pillow": PIL.__version__,
            },
            sort_keys=True,
        ).encode()
    )
    for file in model.files:  # model first, then in reference order
        rel = file.name if file == model.path else _site_path(file, model.path.parent)
        digest.update(rel.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(model.file_bytes[file]).digest())
    return digest.hexdigest()[:32]


# --------------------------------------------------------------------------- packing


def _pack(model: _Model, out_path: Path, max_texture: int) -> PackResult:
    """Pack a model the rules accepted; a bug of ours becomes a ModelError, so the build reports it, not a traceback."""
    try:
        return _pack_accepted(model, out_path, max_texture)
    except (OSError, ValueError, ModelError):
        raise  # a disk or pixel-decoding failure, or an output that failed its check: the caller reports those
    except Exception as exc:  # noqa: BLE001 - any other exception is a packer bug
        raise ModelError([_internal_error("packing", exc)]) from exc


def _pack_accepted(model: _Model, out_path: Path, max_texture: int) -> PackResult:
    bytes_before = sum(len(b) for b in model.file_bytes.values())
    notes: list[str] = []
    shrink = _shrunk_textures(model, max_texture, notes)
    if _is_self_contained(model) and not shrink:  # nothing to do: copy it byte for byte
        write_atomic(out_path, model.raw)
        return PackResult(out_path, model.triangles, bytes_before, len(model.raw), (), False, tuple(notes))
    # rebuild: every buffer view's bytes go into one BIN chunk, then every image
    doc: JsonObject = json.loads(json.dumps(model.gltf))  # a deep copy that keeps key order
    buffers = model.gltf.get("buffers") or []
    fallback = [i for i, b in enumerate(buffers) if b.get("uri") is None and model.buffers[i] is None]
    chunk = _BinChunk()
    _move_views_into_bin(model, doc, shrink, fallback, chunk)
    _embed_images(model, doc, shrink, chunk)
    _rewrite_buffers(doc, buffers, fallback, chunk.size)
    glb = _glb_bytes(doc, chunk.data())
    _write_checked(out_path, glb)
    return PackResult(
        out_path,
        model.triangles,
        bytes_before,
        len(glb),
        tuple(r for _, r in (shrink[i] for i in sorted(shrink))),
        True,
        tuple(notes),
    )


#: image index -> (re-encoded bytes, what was done), for the textures over ``max_texture``
Shrunk = dict[int, tuple[bytes, ResizedTexture]]


def _shrunk_textures(model: _Model, max_texture: int, notes: list[str]) -> Shrunk:
    """Downscale the textures over ``max_texture`` (decided from the headers read by the loader)."""
    shrink: Shrunk = {}
    for info in model.textures:
        i = int(info.pointer.rsplit("/", 1)[1])
        if max(info.width, info.height) <= max_texture:
            continue
        if info.format not in ("png", "jpeg", "webp"):
            notes.append(
                f"{info.pointer}: {info.format.upper()} texture of {info.width}x{info.height} left as is "
                f"(only PNG, JPEG and WebP are downscaled)"
            )
            continue
        data, fmt = model.image(i)
        new, new_size = _shrink_image(data, fmt, max_texture)
        shrink[i] = (new, ResizedTexture(info.pointer, (info.width, info.height), new_size, fmt))
    return shrink


def _is_self_contained(model: _Model) -> bool:
    """A .glb that refers to no other file: already what packing makes."""
    g = model.gltf
    return (
        model.is_glb
        and len(model.files) == 1
        and all("uri" not in b for b in g.get("buffers") or [])
        and all("uri" not in img for img in g.get("images") or [])
    )


class _BinChunk:
    """The BIN chunk being assembled, part by part."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0

    def place(self, data: bytes, old_offset: int = 0) -> int:
        """Append ``data``; its offset is 4-byte aligned plus ``old_offset`` modulo 4, so accessors stay aligned."""
        start = _align4(self.size) + old_offset % 4  # keeps every accessor's alignment (<= 4 bytes)
        if start > self.size:
            self.parts.append(b"\0" * (start - self.size))
        self.parts.append(data)
        self.size = start + len(data)
        return start

    def data(self) -> bytes:
        return b"".join(self.parts)


def _move_views_into_bin(model: _Model, doc: JsonObject, shrink: Shrunk, fallback: list[int], chunk: _BinChunk) -> None:
    """Point every buffer view (and meshopt's compressed data) at buffer 0, the BIN chunk, same order."""
    image_views = {img["bufferView"]: i for i, img in enumerate(doc.get("images") or []) if "bufferView" in img}
    new_buffer_index = {old: 1 + k for k, old in enumerate(fallback)}
    for v, view in enumerate(doc.get("bufferViews") or []):
        ext = (view.get("extensions") or {}).get("EXT_meshopt_compression")
        if isinstance(ext, dict):  # compressed bytes: copied untouched, re-pointed
            data = model.buffer(ext["buffer"])
            offset = ext.get("byteOffset", 0)
            ext["byteOffset"] = chunk.place(data[offset : offset + ext["byteLength"]], offset)
            ext["buffer"] = 0
        if view["buffer"] in new_buffer_index:  # meshopt fallback buffer: no bytes to copy
            view["buffer"] = new_buffer_index[view["buffer"]]
            continue
        offset = view.get("byteOffset", 0)
        if v in image_views and image_views[v] in shrink:
            data = shrink[image_views[v]][0]
            view["byteLength"] = len(data)
        else:
            data = model.buffer(view["buffer"])[offset : offset + view["byteLength"]]
        view["buffer"] = 0
        view["byteOffset"] = chunk.place(data, offset)


def _embed_images(model: _Model, doc: JsonObject, shrink: Shrunk, chunk: _BinChunk) -> None:
    """External and data: images become buffer views (one per distinct file); every image gets its true mimeType."""
    view_of_file: dict[Path, int] = {}
    images = doc.get("images") or []
    for i, img in enumerate(images):
        if "bufferView" in img:
            if i in shrink:
                img["mimeType"] = MIME_TYPES[shrink[i][1].format]
            else:
                img["mimeType"] = MIME_TYPES[model.image(i)[1]]
            continue
        read, fmt = model.image(i)
        data = shrink[i][0] if i in shrink else read
        file = model.image_files.get(i)
        if file is not None and file in view_of_file:
            index = view_of_file[file]
        else:
            views = doc.setdefault("bufferViews", [])
            views.append({"buffer": 0, "byteOffset": chunk.place(data), "byteLength": len(data)})
            index = len(views) - 1
            if file is not None:
                view_of_file[file] = index
        images[i] = _replace_key(img, "uri", {"bufferView": index, "mimeType": MIME_TYPES[fmt]})


def _rewrite_buffers(doc: JsonObject, buffers: list[JsonObject], fallback: list[int], bin_size: int) -> None:
    """The buffers become [BIN chunk] + the meshopt fallback buffers (no BIN chunk when it is empty)."""
    new_buffers = []
    if bin_size:
        new_buffers.append({"byteLength": bin_size})
    else:
        for view in doc.get("bufferViews") or []:
            view["buffer"] -= 1
    for old in fallback:
        kept = {k: v for k, v in buffers[old].items() if k != "uri"}
        new_buffers.append(kept)
    if new_buffers:
        doc["buffers"] = new_buffers
    else:
        doc.pop("buffers", None)


def _write_checked(out_path: Path, glb: bytes) -> None:
    """Write the packed file, then inspect it: a packer bug must never hand a broken file to the site."""
    write_atomic(out_path, glb)
    check = _load(out_path, out_path.parent)
    if check.has_errors:
        out_path.unlink(missing_ok=True)
        raise ModelError(
            [
                ModelProblem(p.pointer, f"packed output is invalid: {p.message}", p.hint)
                for p in check.problems
                if p.severity == "error"
            ]
        )


def _replace_key(obj: JsonObject, key: str, replacement: JsonObject) -> JsonObject:
    """``obj`` with ``key`` replaced in place (same position) by the items of ``replacement``."""
    out: JsonObject = {}
    for k, v in obj.items():
        if k == key:
            out.update(replacement)
        elif k not in replacement:
            out[k] = v
    return out


def _glb_bytes(doc: JsonObject, bin_data: bytes) -> bytes:
    """GLB 2 container (spec 4.4): JSON chunk padded with spaces, BIN chunk padded with zeros."""
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 4)
    parts = [struct.pack("<II", len(text), CHUNK_JSON), text]
    if bin_data:
        padded = bin_data + b"\0" * (-len(bin_data) % 4)
        parts += [struct.pack("<II", len(padded), CHUNK_BIN), padded]
    body = b"".join(parts)
    return struct.pack("<4sII", GLB_MAGIC, 2, 12 + len(body)) + body


def _shrink_image(data: bytes, fmt: str, max_side: int) -> tuple[bytes, tuple[int, int]]:
    """Downscale so the longest side is ``max_side``; same format and pixel mode, no colour conversion."""
    with Image.open(io.BytesIO(data)) as im:
        width, height = im.size
        scale = max_side / max(width, height)
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        icc = im.info.get("icc_profile")
        sampling = JpegImagePlugin.get_sampling(im) if fmt == "jpeg" else -1
        transparency = im.info.get("transparency")
        im.load()
        source: Image.Image = im
        if im.mode in ("P", "1"):  # palettes cannot be filtered: widen to the smallest true-colour mode
            source = im.convert("RGBA" if "transparency" in im.info else "RGB")
            transparency = None
        try:
            small = source.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        except ValueError:  # modes Pillow cannot filter (e.g. some 16-bit ones)
            small = source.convert("RGBA" if "A" in source.mode else "RGB").resize(size, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if fmt == "jpeg":
        options: dict[str, Any] = {"quality": JPEG_QUALITY, "optimize": True}
        if sampling >= 0:
            options["subsampling"] = sampling  # keep 4:4:4 normal maps 4:4:4
        if icc:
            options["icc_profile"] = icc
        small.save(out, "JPEG", **options)
    elif fmt == "png":
        options = {"compress_level": 6}  # level 9: 3x slower for 1.6% smaller normal maps
        if icc:
            options["icc_profile"] = icc
        if transparency is not None and small.mode in ("L", "RGB"):
            options["transparency"] = transparency
        small.save(out, "PNG", **options)
    else:
        options = {"quality": WEBP_QUALITY, "method": 4}
        if icc:
            options["icc_profile"] = icc
        small.save(out, "WEBP", **options)
    return out.getvalue(), size


# --------------------------------------------------------------------------- conveniences


def describe(report: ModelReport) -> str:
    """One line for logs: triangles, size, textures, compression."""
    parts = [f"{report.triangles:,} triangles", _human(report.bytes)]
    if report.textures:
        sizes = sorted({f"{t.width}x{t.height} {t.format}" for t in report.textures})
        parts.append(f"{len(report.textures)} textures ({', '.join(sizes)})")
    if report.draco:
        parts.append("Draco")
    if report.meshopt:
        parts.append("meshopt")
    return ", ".join(parts)
