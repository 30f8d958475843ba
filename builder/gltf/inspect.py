"""Reading a model: the file, its GLB chunks, its JSON, the files and data: URIs it refers to, image headers.

This module says what the file holds, never whether it is right: the glTF rules live in
validate.py, which walks the document and calls these readers as it reaches each buffer and
image, so that problems come out in document order.  A reader reports only what stops it
(an unreadable file, a badly framed GLB, a JSON syntax error, a broken data: URI), with the
Khronos validator's wording for GLB framing so that a curator can search for it.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote_to_bytes

from PIL import Image

from .types import (
    CHUNK_BIN,
    CHUNK_JSON,
    GLB_MAGIC,
    JsonObject,
    ModelProblem,
    ModelReport,
    TextureInfo,
    _as_list,
    _is_int,
)


@dataclass
class _Model:
    """A model as read: its JSON, the bytes of each buffer and image, every file read, and what was wrong.

    The readers below fill the file, GLB and JSON fields; the rules (validate.py) fill
    ``buffers``, ``images``, ``textures`` and the counts as they walk the document.
    """

    path: Path
    site_root: Path
    is_glb: bool = False
    raw: bytes = b""
    gltf: JsonObject = field(default_factory=dict)  # empty until the JSON parses
    bin_chunk: bytes | None = None
    buffers: list[bytes | None] = field(default_factory=list)  # None: no data (missing, fallback)
    images: list[tuple[bytes, str] | None] = field(default_factory=list)  # (data, format)
    image_files: dict[int, Path] = field(default_factory=dict)  # image index -> external file
    files: list[Path] = field(default_factory=list)  # every file read, model first, no duplicates
    file_bytes: dict[Path, bytes] = field(default_factory=dict)
    problems: list[ModelProblem] = field(default_factory=list)
    triangles: int = 0
    textures: list[TextureInfo] = field(default_factory=list)
    draco: bool = False
    meshopt: bool = False

    def error(self, pointer: str, message: str, hint: str = "") -> None:
        self.problems.append(ModelProblem(pointer, message, hint, "error"))

    def warning(self, pointer: str, message: str, hint: str = "") -> None:
        self.problems.append(ModelProblem(pointer, message, hint, "warning"))

    def buffer(self, index: int) -> bytes:
        """The bytes of buffer ``index``, for packing: the rules have accepted the model, so they were read."""
        data = self.buffers[index]
        if data is None:
            raise TypeError(f"buffer {index} has no bytes: the rules should have refused the model")
        return data

    def image(self, index: int) -> tuple[bytes, str]:
        """(bytes, format) of image ``index``, for packing: the rules have accepted the model, so it was read."""
        image = self.images[index]
        if image is None:
            raise TypeError(f"image {index} has no bytes: the rules should have refused the model")
        return image

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)

    def report(self) -> ModelReport:
        gltf = self.gltf
        required = _as_list(gltf.get("extensionsRequired"))
        used = _as_list(gltf.get("extensionsUsed"))
        return ModelReport(
            path=self.path,
            problems=tuple(self.problems),
            triangles=self.triangles,
            bytes=sum(len(b) for b in self.file_bytes.values()),
            textures=tuple(self.textures),
            extensions_required=tuple(str(e) for e in required),
            extensions_used=tuple(str(e) for e in used),
            draco=self.draco,
            meshopt=self.meshopt,
            files=tuple(self.files),
        )


# --------------------------------------------------------------------------- the model file


def _read_document(m: _Model) -> JsonObject | None:
    """Read the model file and parse its JSON (a .glb's JSON chunk); None when either fails."""
    try:
        m.raw = m.path.read_bytes()
    except OSError as exc:
        m.error(
            "file",
            f"cannot read the model file: {exc.strerror or exc}",
            "check the file name and folder in the Markdown front matter",
        )
        return None
    m.files.append(m.path)
    m.file_bytes[m.path] = m.raw
    if m.raw[:4] == GLB_MAGIC:
        m.is_glb = True
        json_bytes = _read_glb(m, m.raw)
    elif m.path.suffix.lower() == ".glb":
        m.is_glb = True
        m.error(
            "GLB header",
            f"Invalid GLB magic value ({m.raw[:4].hex(' ') or 'empty file'}): "
            "a .glb file starts with the 4 bytes 'glTF'",
            "the file is not a binary glTF: export it again as glTF Binary (.glb)",
        )
        return None
    else:
        json_bytes = m.raw
    if json_bytes is None:
        return None
    gltf = _parse_json(m, json_bytes, "GLB JSON chunk" if m.is_glb else "JSON")
    if gltf is not None:
        m.gltf = gltf
    return gltf


def _read_glb(m: _Model, data: bytes) -> bytes | None:
    """The JSON chunk of a GLB 2 container (spec 4.4); keeps the BIN chunk in ``m.bin_chunk``."""
    if len(data) < 12:
        m.error(
            "GLB header",
            f"Unexpected end of header: the file has {len(data)} bytes, a GLB header needs 12",
            "the file is truncated: copy or export it again",
        )
        return None
    _, version, declared = struct.unpack_from("<4sII", data, 0)
    if version != 2:
        m.error(
            "GLB header",
            f"Invalid GLB version value {version}: only version 2 (glTF 2.0) is supported",
            "convert the model to glTF 2.0 (e.g. re-export from Blender)",
        )
        return None
    if declared != len(data):
        m.error(
            "GLB header",
            f"Declared length ({declared}) does not match GLB length ({len(data)}).",
            "the file is truncated or has bytes appended: copy or export it again",
        )
    end = min(declared, len(data))
    offset, index = 12, 0
    json_chunk: bytes | None = None
    while offset < end:
        if end - offset < 8:
            m.error(
                f"GLB chunk {index}",
                "Unexpected end of chunk header.",
                "the file is truncated: copy or export it again",
            )
            break
        length, ctype = struct.unpack_from("<II", data, offset)
        name = {CHUNK_JSON: "JSON", CHUNK_BIN: "BIN"}.get(ctype, f"0x{ctype:08x}")
        where = f"GLB {name} chunk" if ctype in (CHUNK_JSON, CHUNK_BIN) else f"GLB chunk {index}"
        start = offset + 8
        if length % 4:
            m.error(
                where,
                f"Length of {name} chunk ({length}) is not aligned to 4-byte boundaries.",
                "the exporter wrote a broken file: export it again",
            )
        if start + length > end:
            m.error(
                where,
                f"Unexpected end of chunk data: the {name} chunk declares {length} bytes "
                f"but only {end - start} remain in the file",
                "the file is truncated: copy or export it again",
            )
            length = end - start
        payload = data[start : start + length]
        if index == 0 and ctype != CHUNK_JSON:
            m.error(
                where,
                f"First chunk must be of JSON type. Found {name} instead.",
                "the exporter wrote a broken file: export it again",
            )
            return None
        if ctype == CHUNK_JSON:
            if json_chunk is not None:
                m.error(where, "Chunk of type JSON has already been used.", "export the model again")
            else:
                json_chunk = payload
        elif ctype == CHUNK_BIN:
            if m.bin_chunk is not None:
                m.error(where, "Chunk of type BIN has already been used.", "export the model again")
            elif index != 1:
                m.error(where, "BIN chunk must be the second chunk.", "export the model again")
            else:
                m.bin_chunk = payload
        else:
            m.warning(where, f"Unknown GLB chunk type: {name}; viewers ignore it")
        offset = start + length
        index += 1
    if json_chunk is None and not m.has_errors:
        m.error("GLB header", "the GLB has no JSON chunk", "export the model again")
    return json_chunk


def _parse_json(m: _Model, data: bytes, where: str) -> JsonObject | None:
    """The top-level JSON object; NaN, Infinity and numbers too large for a float are refused like browsers do."""
    try:
        text = data.decode("utf-8-sig")  # a BOM is tolerated: TextDecoder strips it too
    except UnicodeDecodeError as exc:
        m.error(where, f"the JSON is not valid UTF-8 (byte {exc.start})", "save the .gltf file as UTF-8")
        return None

    def reject(name: str) -> None:
        raise ValueError(f"{name} is not valid JSON")

    def finite(text: str) -> float:
        value = float(text)
        if value in (float("inf"), float("-inf")):
            raise ValueError(f"the number {text} is too large")
        return value

    try:
        doc = json.loads(text, parse_constant=reject, parse_float=finite)
    except json.JSONDecodeError as exc:
        m.error(
            where,
            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
            "fix the JSON syntax (a missing comma or quote, or a trailing comma?) or export again",
        )
        return None
    except (ValueError, RecursionError) as exc:
        m.error(where, f"invalid JSON: {exc}", "export the model again")
        return None
    if not isinstance(doc, dict):
        m.error(where, "the glTF JSON must be an object ({...})", "export the model again")
        return None
    return doc


# --------------------------------------------------------------------------- buffers and images


def _data_uri_bytes(m: _Model, uri: str, pointer: str) -> bytes | None:
    """The bytes of a ``data:`` URI (percent-encoded or base64); None when it is malformed."""
    match = re.match(r"data:([^,]*?)(;base64)?,(.*)\Z", uri, re.S)
    if not match:
        m.error(pointer, "malformed data: URI", "export the model again")
        return None
    if not match.group(2):
        return unquote_to_bytes(match.group(3))
    try:
        return base64.b64decode(match.group(3), validate=True)
    except (binascii.Error, ValueError):
        m.error(pointer, "the data: URI is not valid base64", "export the model again")
        return None


def _read_file(m: _Model, target: Path, rel: str, pointer: str) -> bytes | None:
    """The bytes of a file the model refers to (``target`` already checked), each file read once."""
    if target in m.file_bytes:
        return m.file_bytes[target]
    try:
        data = target.read_bytes()
    except OSError as exc:
        m.error(pointer, f"cannot read '{rel}': {exc.strerror or exc}")
        return None
    m.files.append(target)
    m.file_bytes[target] = data
    return data


def _view_bytes(m: _Model, view: JsonObject) -> bytes | None:
    """The bytes of a buffer view; None when its buffer has no data or it does not fit (reported by the rules)."""
    b, off, length = view.get("buffer"), view.get("byteOffset", 0), view.get("byteLength")
    if not (_is_int(b) and _is_int(off) and _is_int(length)) or not 0 <= b < len(m.buffers):
        return None
    data = m.buffers[b]
    if data is None or off + length > len(data):
        return None
    return data[off : off + length]


def sniff_image(data: bytes) -> str | None:
    """The image format from its magic bytes: png, jpeg, ktx2, webp, avif, or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\xabKTX 20\xbb\r\n\x1a\n"):
        return "ktx2"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:8] == b"ftyp" and data[8:12] in (b"avif", b"avis"):
        return "avif"
    return None


def _image_size(data: bytes, fmt: str) -> tuple[int, int] | None:
    """Pixel size read from the header only (no decoding), or None if the header is broken."""
    if fmt == "ktx2":
        if len(data) < 28:
            return None
        width, height = struct.unpack_from("<II", data, 20)
        return width, max(height, 1)
    try:
        with Image.open(io.BytesIO(data)) as im:
            return im.size
    except Image.DecompressionBombError:
        return -1, -1  # over Pillow's 178 Mpixel limit: far beyond any GPU's texture size
    except Exception:  # noqa: BLE001 - any decoder failure means "cannot read the header"
        if fmt == "avif":  # Pillow may lack an AVIF decoder: not the model's fault
            return 0, 0
        return None
