"""glTF 2.0 models: find what breaks viewers, and pack each model into one self-contained .glb.

Why this exists: an exhibit's 3D model reaches the builder as whatever the scanning studio
exported: a ``.gltf`` with an external ``.bin`` and 4096 px textures, a ``.glb``, a
Draco-compressed ``.glb``...  On the site, ``<model-viewer>`` (three.js' GLTFLoader) must
load it from a phone, offline, and a broken model shows only a grey box with no
explanation.  So the builder

* checks each model for the faults that stop a viewer (``inspect_model``): a truncated or
  badly framed GLB, JSON syntax errors, buffers shorter than declared, buffer views and
  accessors that reach past their data, missing / remote / escaping file references, image
  formats a browser cannot decode, extensions model-viewer cannot load.  It is not a full
  validator (the Khronos glTF-Validator is; the tests use it as an independent check): it
  looks at the structure, never at the vertex values, so it stays fast enough to run on
  every build;
* packs each model into ONE ``.glb`` (``pack_model``): one request, nothing to forget when
  copying the site, no relative-path surprises; textures larger than ``max_texture`` are
  downscaled (phones are the target: a 4096² RGBA texture is 64 MB of GPU memory, and the
  field notes' rule is "2048, or 4096 at most");
* caches the packed file by the content hash of every input file and the settings
  (``cached_pack_model``), like the panorama tiler, so an unchanged model costs a hash.

Problems are ``ModelProblem``s tied to a JSON pointer (``/accessors/3/count``) or a GLB
part (``GLB header``); the caller turns them into ``Problem``s with the Markdown file and
line that names the model.  Messages for GLB framing follow the Khronos validator's wording
so that a curator can search for them.

Packing keeps everything it does not need to change byte for byte: JSON properties (extras,
names, extensions, key order), Draco- and meshopt-compressed geometry, buffer views (same
indices, same order).  Only the buffers are merged into the BIN chunk (each buffer view at a
4-byte-aligned offset that keeps its old offset modulo 4, so every accessor alignment is
preserved), external and data: images become buffer views with a ``mimeType``, and
oversized PNG / JPEG / WebP textures are re-encoded in the same format and pixel mode.
Pixels are never colour-converted (glTF says base colour textures are sRGB whatever the
file says; the ICC profile is carried over untouched) and EXIF is dropped (three.js ignores
EXIF orientation; dropping it keeps every browser consistent).  The output is deterministic:
the same input and settings give the same bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import os
import re
import struct
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, unquote_to_bytes, urlsplit

import PIL
from PIL import Image, JpegImagePlugin

from .config import DEFAULT_MAX_TEXTURE
from .diagnostics import Problem, did_you_mean
from .safepath import OutsideFolderError, contained

#: Bump when the packed output for the same input and settings changes: part of the cache key.
PACKER_VERSION = 1
JPEG_QUALITY = 85  # visually clean on scans at 2048 px; ~25% smaller than 92
WEBP_QUALITY = 85

#: Extensions <model-viewer> 4 can load, so a model may list them in ``extensionsRequired``.
#: Source: the ``EXTENSIONS`` table of three.js' GLTFLoader (examples/jsm/loaders/GLTFLoader.js,
#: r16x-r17x, the revisions model-viewer 4.x bundles), minus the glTF 1.0 ``KHR_binary_glTF``,
#: plus ``KHR_materials_variants``, which model-viewer adds with its own loader plugin
#: (packages/model-viewer/src/three-components/gltf-instance/VariantMaterialLoaderPlugin.ts).
#: model-viewer wires the Draco and KTX2 loaders into GLTFLoader (CachingGLTFLoader.ts) and the
#: meshopt decoder once ``meshoptDecoderLocation`` is set.  Not here on purpose:
#: ``KHR_materials_pbrSpecularGlossiness`` (removed from three.js in r147) and
#: ``KHR_meshopt_compression`` (not in three.js' table yet).
MODEL_VIEWER_EXTENSIONS = frozenset({
    "KHR_draco_mesh_compression",
    "KHR_lights_punctual",
    "KHR_materials_anisotropy",
    "KHR_materials_clearcoat",
    "KHR_materials_dispersion",
    "KHR_materials_emissive_strength",
    "KHR_materials_ior",
    "KHR_materials_iridescence",
    "KHR_materials_sheen",
    "KHR_materials_specular",
    "KHR_materials_transmission",
    "KHR_materials_unlit",
    "KHR_materials_variants",
    "KHR_materials_volume",
    "KHR_mesh_quantization",
    "KHR_texture_basisu",
    "KHR_texture_transform",
    "EXT_materials_bump",
    "EXT_mesh_gpu_instancing",
    "EXT_meshopt_compression",
    "EXT_texture_avif",
    "EXT_texture_webp",
})

#: Extensions whose data model-viewer decodes with a separate decoder script.  By default
#: model-viewer fetches the Draco and KTX2 decoders from a Google CDN and has no meshopt
#: decoder at all: a site that must work offline has to ship them and set
#: ``ModelViewerElement.dracoDecoderLocation`` / ``ktx2TranscoderLocation`` /
#: ``meshoptDecoderLocation``.  ``ModelReport.decoders`` names the ones a model needs.
DECODER_OF_EXTENSION = {
    "KHR_draco_mesh_compression": "draco",
    "EXT_meshopt_compression": "meshopt",
    "KHR_texture_basisu": "ktx2",
}

#: Texture extensions whose ``source`` may point at a non-PNG/JPEG image, and that image's format.
TEXTURE_SOURCE_EXTENSIONS = {
    "KHR_texture_basisu": "ktx2",
    "EXT_texture_webp": "webp",
    "EXT_texture_avif": "avif",
}
MIME_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "ktx2": "image/ktx2", "webp": "image/webp",
              "avif": "image/avif"}
CORE_IMAGE_FORMATS = frozenset({"png", "jpeg"})

GLB_MAGIC = b"glTF"
CHUNK_JSON = 0x4E4F534A
CHUNK_BIN = 0x004E4942
COMPONENT_SIZES = {5120: 1, 5121: 1, 5122: 2, 5123: 2, 5125: 4, 5126: 4}
TYPE_COMPONENTS = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4, "MAT2": 4, "MAT3": 9, "MAT4": 16}
SPARSE_INDEX_TYPES = {5121: 1, 5123: 2, 5125: 4}

Severity = Literal["error", "warning"]


# --------------------------------------------------------------------------- public records


@dataclass(frozen=True)
class ModelProblem:
    """One thing wrong with a model, located inside it.

    ``pointer`` is a JSON pointer into the glTF JSON (``/accessors/3/count``) or the name of
    a GLB part (``GLB header``, ``GLB JSON chunk``, ``GLB BIN chunk``), or ``JSON`` for a
    syntax error in a ``.gltf`` file, or ``file`` when the model file itself cannot be read.
    """

    pointer: str
    message: str
    hint: str = ""
    severity: Severity = "error"

    def as_text(self) -> str:
        return f"{self.pointer}: {self.message}" if self.pointer else self.message

    def to_problem(self, file: str, line: int, model: str, code: str = "model-invalid") -> Problem:
        """The site-level Problem: reported at the Markdown line that names ``model``."""
        return Problem(file, line, self.severity, code, f"{model}: {self.as_text()}", self.hint)


@dataclass(frozen=True)
class TextureInfo:
    """One image of the model: where it is, its pixel size and its format (png, jpeg, ...)."""

    pointer: str  # /images/<i>
    width: int
    height: int
    format: str


@dataclass(frozen=True)
class ModelReport:
    """What ``inspect_model`` found.  ``problems`` is empty for a model viewers will load."""

    path: Path
    problems: tuple[ModelProblem, ...] = ()
    triangles: int = 0
    bytes: int = 0  # the model file plus every external file it references
    textures: tuple[TextureInfo, ...] = ()
    extensions_required: tuple[str, ...] = ()
    extensions_used: tuple[str, ...] = ()
    draco: bool = False  # some primitive uses KHR_draco_mesh_compression
    meshopt: bool = False  # some buffer view uses EXT_meshopt_compression
    files: tuple[Path, ...] = ()  # every input file (the model first): for caching and live reload

    @property
    def errors(self) -> list[ModelProblem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[ModelProblem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def decoders(self) -> tuple[str, ...]:
        """Decoder scripts the page must make available locally: ``draco``, ``ktx2``, ``meshopt``."""
        names = set(self.extensions_used) | set(self.extensions_required)
        return tuple(sorted({DECODER_OF_EXTENSION[n] for n in names if n in DECODER_OF_EXTENSION}))


@dataclass(frozen=True)
class ResizedTexture:
    pointer: str  # /images/<i>
    before: tuple[int, int]
    after: tuple[int, int]
    format: str


@dataclass(frozen=True)
class PackResult:
    """The packed ``.glb`` and what packing did."""

    path: Path
    triangles: int
    bytes_before: int  # model file + external files
    bytes_after: int
    textures_resized: tuple[ResizedTexture, ...] = ()
    rewritten: bool = True  # False: the input .glb was copied byte for byte
    notes: tuple[str, ...] = ()  # things packing could not do (e.g. a KTX2 texture left large)

    def to_json(self) -> dict:
        return {
            "packer_version": PACKER_VERSION,
            "triangles": self.triangles,
            "bytes_before": self.bytes_before,
            "bytes_after": self.bytes_after,
            "textures_resized": [
                {"pointer": t.pointer, "before": list(t.before), "after": list(t.after), "format": t.format}
                for t in self.textures_resized
            ],
            "rewritten": self.rewritten,
            "notes": list(self.notes),
        }

    @classmethod
    def from_json(cls, data: dict, path: Path) -> PackResult:
        if data.get("packer_version") != PACKER_VERSION:
            raise ValueError("made by another packer version")
        return cls(
            path=path,
            triangles=int(data["triangles"]),
            bytes_before=int(data["bytes_before"]),
            bytes_after=int(data["bytes_after"]),
            textures_resized=tuple(
                ResizedTexture(t["pointer"], tuple(t["before"]), tuple(t["after"]), t["format"])
                for t in data["textures_resized"]
            ),
            rewritten=bool(data["rewritten"]),
            notes=tuple(data["notes"]),
        )


class ModelError(Exception):
    """``pack_model`` refused a model with errors; ``problems`` says why (as ``inspect_model`` would)."""

    def __init__(self, problems: list[ModelProblem] | tuple[ModelProblem, ...]):
        self.problems = tuple(problems)
        first = self.problems[0].as_text() if self.problems else "invalid model"
        super().__init__(f"{len(self.problems)} error(s) in the model, first: {first}")


# --------------------------------------------------------------------------- small helpers


def _ptr(*parts: object) -> str:
    """A JSON pointer (RFC 6901) from path parts."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _align4(n: int) -> int:
    return (n + 3) & ~3


def _element_size(component_size: int, type_: str) -> int:
    """Bytes of one accessor element, with the column padding of MAT2/MAT3 (spec 3.6.2.4)."""
    if type_.startswith("MAT"):
        n = int(type_[3])
        return n * _align4(n * component_size)
    return TYPE_COMPONENTS[type_] * component_size


def _human(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 1_000_000 else f"{n / 1000:.0f} KB" if n >= 1000 else f"{n} B"


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


# --------------------------------------------------------------------------- loading


@dataclass
class _Model:
    """A parsed model: its JSON, the bytes of each buffer and image, and what was wrong."""

    path: Path
    site_root: Path
    is_glb: bool = False
    raw: bytes = b""
    gltf: dict | None = None
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

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)

    def report(self) -> ModelReport:
        gltf = self.gltf or {}
        required = gltf.get("extensionsRequired") if isinstance(gltf.get("extensionsRequired"), list) else []
        used = gltf.get("extensionsUsed") if isinstance(gltf.get("extensionsUsed"), list) else []
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


class _Loader:
    """Reads a model and checks it; every check appends to ``model.problems``."""

    def __init__(self, path: Path, site_root: Path, max_pixels: int = 0):
        self.m = _Model(path=Path(path), site_root=Path(site_root))
        self.max_pixels = max_pixels  # 0: only Pillow's own guard

    # ---- entry

    def load(self) -> _Model:
        m = self.m
        try:
            m.raw = m.path.read_bytes()
        except OSError as exc:
            m.error("file", f"cannot read the model file: {exc.strerror or exc}",
                    "check the file name and folder in the Markdown front matter")
            return m
        m.files.append(m.path)
        m.file_bytes[m.path] = m.raw
        if m.raw[:4] == GLB_MAGIC:
            m.is_glb = True
            json_bytes = self._read_glb(m.raw)
        elif m.path.suffix.lower() == ".glb":
            m.is_glb = True
            m.error("GLB header", f"Invalid GLB magic value ({m.raw[:4].hex(' ') or 'empty file'}): "
                                  "a .glb file starts with the 4 bytes 'glTF'",
                    "the file is not a binary glTF: export it again as glTF Binary (.glb)")
            return m
        else:
            json_bytes = m.raw
        if json_bytes is None:
            return m
        m.gltf = self._parse_json(json_bytes, "GLB JSON chunk" if m.is_glb else "JSON")
        if m.gltf is None:
            return m
        self._check_document()
        return m

    # ---- GLB container (spec 4.4)

    def _read_glb(self, data: bytes) -> bytes | None:
        m = self.m
        if len(data) < 12:
            m.error("GLB header", f"Unexpected end of header: the file has {len(data)} bytes, "
                                  "a GLB header needs 12", "the file is truncated: copy or export it again")
            return None
        _, version, declared = struct.unpack_from("<4sII", data, 0)
        if version != 2:
            m.error("GLB header", f"Invalid GLB version value {version}: only version 2 (glTF 2.0) is supported",
                    "convert the model to glTF 2.0 (e.g. re-export from Blender)")
            return None
        if declared != len(data):
            m.error("GLB header", f"Declared length ({declared}) does not match GLB length ({len(data)}).",
                    "the file is truncated or has bytes appended: copy or export it again")
        end = min(declared, len(data))
        offset, index = 12, 0
        json_chunk: bytes | None = None
        while offset < end:
            if end - offset < 8:
                m.error(f"GLB chunk {index}", "Unexpected end of chunk header.",
                        "the file is truncated: copy or export it again")
                break
            length, ctype = struct.unpack_from("<II", data, offset)
            name = {CHUNK_JSON: "JSON", CHUNK_BIN: "BIN"}.get(ctype, f"0x{ctype:08x}")
            where = f"GLB {name} chunk" if ctype in (CHUNK_JSON, CHUNK_BIN) else f"GLB chunk {index}"
            start = offset + 8
            if length % 4:
                m.error(where, f"Length of {name} chunk ({length}) is not aligned to 4-byte boundaries.",
                        "the exporter wrote a broken file: export it again")
            if start + length > end:
                m.error(where, f"Unexpected end of chunk data: the {name} chunk declares {length} bytes "
                               f"but only {end - start} remain in the file",
                        "the file is truncated: copy or export it again")
                length = end - start
            payload = data[start:start + length]
            if index == 0 and ctype != CHUNK_JSON:
                m.error(where, f"First chunk must be of JSON type. Found {name} instead.",
                        "the exporter wrote a broken file: export it again")
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

    # ---- JSON

    def _parse_json(self, data: bytes, where: str) -> dict | None:
        m = self.m
        try:
            text = data.decode("utf-8-sig")  # a BOM is tolerated: TextDecoder strips it too
        except UnicodeDecodeError as exc:
            m.error(where, f"the JSON is not valid UTF-8 (byte {exc.start})",
                    "save the .gltf file as UTF-8")
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
            m.error(where, f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
                    "fix the JSON syntax (a missing comma or quote, or a trailing comma?) or export again")
            return None
        except (ValueError, RecursionError) as exc:
            m.error(where, f"invalid JSON: {exc}", "export the model again")
            return None
        if not isinstance(doc, dict):
            m.error(where, "the glTF JSON must be an object ({...})", "export the model again")
            return None
        return doc

    # ---- typed access

    def _array(self, obj: dict, key: str, pointer: str) -> list:
        value = obj.get(key, [])
        if not isinstance(value, list):
            self.m.error(pointer, f"'{key}' must be an array")
            return []
        return value

    def _objects(self, key: str) -> Iterator[tuple[int, dict, str]]:
        """(index, object, pointer) of each entry of a top-level array; non-objects are reported."""
        for i, obj in enumerate(self._array(self.m.gltf, key, _ptr(key))):
            if isinstance(obj, dict):
                yield i, obj, _ptr(key, i)
            else:
                self.m.error(_ptr(key, i), f"{key}[{i}] must be an object")

    def _int(self, obj: dict, key: str, pointer: str, *, required: bool = False, minimum: int = 0,
             default: int | None = None) -> int | None:
        value = obj.get(key)
        if value is None:
            if required:
                self.m.error(pointer, f"'{pointer.rsplit('/', 1)[-1]}' is required")
            return default
        if not _is_int(value) or value < minimum:
            self.m.error(pointer, f"must be an integer >= {minimum}, not {json.dumps(value)}")
            return None
        return value

    def _ref(self, value: object, collection: str, pointer: str) -> int | None:
        """Check an index into a top-level array; return it if valid."""
        size = len(self.m.gltf.get(collection) or []) if isinstance(self.m.gltf.get(collection), list) else 0
        if not _is_int(value) or not 0 <= value < size:
            shown = json.dumps(value)
            self.m.error(pointer, f"Index {shown} is not in range: there are {size} {collection}",
                         "the model is inconsistent: export it again")
            return None
        return value

    # ---- files and URIs

    def _resolve(self, uri: object, pointer: str) -> tuple[bytes | None, Path | None]:
        """(bytes, file) a buffer or image URI refers to (file is None for data: URIs).

        Reports remote, absolute, escaping, missing and wrong-case references; then
        returns (None, None).
        """
        m = self.m
        if not isinstance(uri, str) or not uri:
            m.error(pointer, "the uri must be a non-empty string")
            return None, None
        if uri.startswith("data:"):
            match = re.match(r"data:([^,]*?)(;base64)?,(.*)\Z", uri, re.S)
            if not match:
                m.error(pointer, "malformed data: URI", "export the model again")
                return None, None
            if not match.group(2):
                return unquote_to_bytes(match.group(3)), None
            try:
                return base64.b64decode(match.group(3), validate=True), None
            except (binascii.Error, ValueError):
                m.error(pointer, "the data: URI is not valid base64", "export the model again")
                return None, None
        shown = uri if len(uri) <= 80 else uri[:77] + "..."
        parts = urlsplit(uri)
        if parts.scheme in ("http", "https") or parts.netloc or uri.startswith("//"):
            m.error(pointer, f"the model loads '{shown}' from the internet",
                    "download the file, put it next to the model and use a relative path: "
                    "the site must work offline")
            return None, None
        if parts.scheme == "file" or len(parts.scheme) == 1 or uri.startswith(("/", "\\")):
            m.error(pointer, f"'{shown}' is an absolute path: it only exists on the computer that exported it",
                    "put the file next to the model and use a relative path like 'textures/wood.jpg'")
            return None, None
        if parts.scheme:
            m.error(pointer, f"unsupported URI scheme '{parts.scheme}:' in '{shown}'",
                    "use a relative path to a file next to the model")
            return None, None
        if "\\" in uri:
            m.error(pointer, f"'{shown}' uses backslashes", f"use forward slashes: '{uri.replace(chr(92), '/')}'")
            return None, None
        rel = unquote(parts.path)
        base = m.path.parent
        try:
            target = contained(base / rel, base, shown, "the model's folder")
        except OutsideFolderError as exc:
            m.error(pointer, exc.message, "copy the file next to the model (or into a sub-folder) and use a "
                                          "path without '../'")
            return None, None
        root = m.site_root.resolve() if target.is_relative_to(m.site_root.resolve()) else base.resolve()
        if not target.is_file():
            near = target.parent
            choices = sorted(p.name for p in near.iterdir()) if near.is_dir() else []
            same = [c for c in choices if c.lower() == target.name.lower()]
            hint = (f"the file on disk is '{same[0]}': upper/lower case must match exactly (web servers "
                    "are case-sensitive)" if same else
                    did_you_mean(target.name, choices) or "check the file name, or export the model again")
            m.error(pointer, f"missing file '{rel}' (looked for {_site_path(target, root)})", hint)
            return None, None
        wrong_case = _case_mismatch(target, root)
        if wrong_case:
            m.error(pointer, f"'{rel}' differs in upper/lower case from the file on disk ('{wrong_case}')",
                    "web servers are case-sensitive: make the name in the model and on disk identical")
            return None, None
        if target in m.file_bytes:
            return m.file_bytes[target], target
        try:
            data = target.read_bytes()
        except OSError as exc:
            m.error(pointer, f"cannot read '{rel}': {exc.strerror or exc}")
            return None, None
        m.files.append(target)
        m.file_bytes[target] = data
        return data, target

    # ---- the document

    def _check_document(self) -> None:
        m, g = self.m, self.m.gltf
        asset = g.get("asset")
        if not isinstance(asset, dict):
            m.error("/asset", "the 'asset' object is missing", "viewers refuse a model without asset.version; "
                                                               "export it again")
        else:
            version = asset.get("version")
            if not isinstance(version, str) or not re.match(r"2\.\d+$", version):
                m.error("/asset/version", f"glTF version {json.dumps(version)} is not supported: 2.0 is needed",
                        "convert the model to glTF 2.0 (e.g. re-export from Blender)")
        self._check_extensions()
        self._check_buffers()
        self._check_buffer_views()
        self._check_accessors()
        self._check_meshes()
        self._check_images_and_textures()
        self._check_other_references()

    def _check_extensions(self) -> None:
        m, g = self.m, self.m.gltf
        used = self._array(g, "extensionsUsed", "/extensionsUsed")
        required = self._array(g, "extensionsRequired", "/extensionsRequired")
        for i, name in enumerate(required):
            pointer = _ptr("extensionsRequired", i)
            if not isinstance(name, str):
                m.error(pointer, "extension names must be strings")
            elif name not in MODEL_VIEWER_EXTENSIONS:
                m.error(pointer, f"the model requires the extension {name}, which model-viewer cannot load",
                        f"export the model without {name} (most tools have an option), "
                        "or convert it, e.g. with gltf-transform")
            elif name not in used:
                m.warning(pointer, f"{name} is required but not listed in extensionsUsed")

    def _check_buffers(self) -> None:
        m = self.m
        for i, buf, p in self._objects("buffers"):
            length = self._int(buf, "byteLength", p + "/byteLength", required=True, minimum=1)
            uri = buf.get("uri")
            data: bytes | None = None
            fallback = isinstance(buf.get("extensions"), dict) and \
                isinstance(buf["extensions"].get("EXT_meshopt_compression"), dict)
            if uri is None:
                if m.is_glb and i == 0 and m.bin_chunk is not None:
                    data = m.bin_chunk
                    if length is not None and length > len(data):
                        m.error(p + "/byteLength", f"Declared byteLength ({length}) is more than the GLB BIN chunk "
                                                   f"holds ({len(data)} bytes)",
                                "the file is truncated or broken: export it again")
                    elif length is not None and len(data) - length > 3:
                        m.warning("GLB BIN chunk", f"GLB-stored BIN chunk contains {len(data) - length} extra "
                                                   "padding byte(s) (at most 3 are expected)")
                elif not fallback:
                    m.error(p, "Buffer refers to an unresolved GLB binary chunk: it has no uri and there is "
                               "no GLB BIN chunk", "export the model again (as .glb, or .gltf + .bin)")
            else:
                data, _ = self._resolve(uri, p + "/uri")
                if data is not None and length is not None and len(data) < length:
                    m.error(p + "/byteLength", f"Actual data byte length ({len(data)}) is less than the declared "
                                               f"buffer byte length ({length}).",
                            "the .bin file is truncated or belongs to another export: export the model again")
            m.buffers.append(data)

    def _buffer_view(self, index: int) -> dict | None:
        views = self.m.gltf.get("bufferViews")
        return views[index] if isinstance(views, list) and isinstance(views[index], dict) else None

    def _check_buffer_views(self) -> None:
        m, g = self.m, self.m.gltf
        for _, view, p in self._objects("bufferViews"):
            b = self._ref(view.get("buffer"), "buffers", p + "/buffer")
            offset = self._int(view, "byteOffset", p + "/byteOffset", default=0)
            length = self._int(view, "byteLength", p + "/byteLength", required=True, minimum=1)
            stride = view.get("byteStride")
            if stride is not None and (not _is_int(stride) or not 4 <= stride <= 252 or stride % 4):
                m.error(p + "/byteStride", f"byteStride {json.dumps(stride)} is invalid: it must be a multiple "
                                           "of 4 between 4 and 252", "export the model again")
            if b is None or offset is None or length is None:
                continue
            buffer = g["buffers"][b]
            declared = buffer.get("byteLength") if isinstance(buffer, dict) else None
            if _is_int(declared) and offset + length > declared:
                m.error(p + "/byteLength", f"BufferView does not fit buffer ({b}) byteLength ({declared}): "
                                           f"byteOffset ({offset}) + byteLength ({length}) = {offset + length}",
                        "the model is inconsistent: export it again")
            ext = (view.get("extensions") or {}).get("EXT_meshopt_compression") \
                if isinstance(view.get("extensions"), dict) else None
            if isinstance(ext, dict):
                m.meshopt = True
                ep = p + "/extensions/EXT_meshopt_compression"
                eb = self._ref(ext.get("buffer"), "buffers", ep + "/buffer")
                eo = self._int(ext, "byteOffset", ep + "/byteOffset", default=0)
                el = self._int(ext, "byteLength", ep + "/byteLength", required=True, minimum=1)
                if eb is not None and eo is not None and el is not None:
                    edecl = g["buffers"][eb].get("byteLength") if isinstance(g["buffers"][eb], dict) else None
                    if _is_int(edecl) and eo + el > edecl:
                        m.error(ep + "/byteLength", f"compressed data does not fit buffer ({eb}) byteLength "
                                                    f"({edecl}): byteOffset ({eo}) + byteLength ({el})",
                                "the model is inconsistent: export it again")

    def _check_accessors(self) -> None:
        m = self.m
        for _, acc, p in self._objects("accessors"):
            ctype = acc.get("componentType")
            type_ = acc.get("type")
            count = self._int(acc, "count", p + "/count", required=True, minimum=1)
            if ctype not in COMPONENT_SIZES or not _is_int(ctype):
                m.error(p + "/componentType", f"Invalid componentType {json.dumps(ctype)}: allowed are "
                                              "5120, 5121, 5122, 5123, 5125, 5126", "export the model again")
                ctype = None
            if type_ not in TYPE_COMPONENTS:
                m.error(p + "/type", f"Invalid accessor type {json.dumps(type_)}: allowed are "
                                     + ", ".join(TYPE_COMPONENTS), "export the model again")
                type_ = None
            offset = self._int(acc, "byteOffset", p + "/byteOffset", default=0)
            if "bufferView" in acc:
                bv = self._ref(acc["bufferView"], "bufferViews", p + "/bufferView")
                if None not in (bv, ctype, type_, count, offset):
                    self._fit(p, bv, offset, count, COMPONENT_SIZES[ctype], _element_size(COMPONENT_SIZES[ctype],
                                                                                            type_), True)
            sparse = acc.get("sparse")
            if isinstance(sparse, dict) and None not in (ctype, type_):
                sp = p + "/sparse"
                scount = self._int(sparse, "count", sp + "/count", required=True, minimum=1)
                for part in ("indices", "values"):
                    obj = sparse.get(part)
                    if not isinstance(obj, dict):
                        m.error(f"{sp}/{part}", f"sparse.{part} is required")
                        continue
                    pp = f"{sp}/{part}"
                    bv = self._ref(obj.get("bufferView"), "bufferViews", pp + "/bufferView")
                    off = self._int(obj, "byteOffset", pp + "/byteOffset", default=0)
                    if part == "indices":
                        ict = obj.get("componentType")
                        if ict not in SPARSE_INDEX_TYPES or not _is_int(ict):
                            m.error(pp + "/componentType", f"Invalid sparse indices componentType "
                                                           f"{json.dumps(ict)}: allowed are 5121, 5123, 5125")
                            continue
                        size = csize = SPARSE_INDEX_TYPES[ict]
                    else:
                        csize = COMPONENT_SIZES[ctype]
                        size = _element_size(csize, type_)
                    if None not in (bv, off, scount):
                        self._fit(pp, bv, off, scount, csize, size, False)

    def _fit(self, p: str, bv: int, offset: int, count: int, csize: int, esize: int, strided: bool) -> None:
        """Accessor alignment and "accessor fits its buffer view" (spec 3.6.2.4)."""
        m = self.m
        view = self._buffer_view(bv)
        if view is None:
            return
        view_offset = view.get("byteOffset", 0)
        view_length = view.get("byteLength")
        if not _is_int(view_offset) or not _is_int(view_length):
            return
        if offset % csize:
            m.error(p + "/byteOffset", f"Offset {offset} is not a multiple of componentType length {csize}.",
                    "export the model again")
        elif (offset + view_offset) % csize:
            m.error(p + "/byteOffset", f"Accessor's total byteOffset {offset + view_offset} isn't a multiple of "
                                       f"componentType length {csize}.", "export the model again")
        stride = view.get("byteStride") if strided else None
        if _is_int(stride) and stride < esize:
            m.error(p + "/bufferView", f"Referenced bufferView's byteStride value {stride} is less than accessor "
                                       f"element's length {esize}.", "export the model again")
            return
        step = stride if _is_int(stride) else esize
        end = offset + step * (count - 1) + esize
        if end > view_length:
            m.error(p + "/count", f"Accessor (offset: {offset}, length: {end - offset}) does not fit referenced "
                                  f"bufferView [{bv}] length {view_length}.",
                    "the model is inconsistent (count or byteOffset too large): export it again")

    def _check_meshes(self) -> None:
        m = self.m
        accessors = self.m.gltf.get("accessors") if isinstance(self.m.gltf.get("accessors"), list) else []
        for i, mesh, p in self._objects("meshes"):
            prims = mesh.get("primitives")
            if not isinstance(prims, list) or not prims:
                m.error(p + "/primitives", "a mesh needs a non-empty 'primitives' array", "export the model again")
                continue
            for j, prim in enumerate(prims):
                pp = _ptr("meshes", i, "primitives", j)
                if not isinstance(prim, dict):
                    m.error(pp, "a primitive must be an object")
                    continue
                attrs = prim.get("attributes")
                if not isinstance(attrs, dict):
                    m.error(pp + "/attributes", "'attributes' is required", "export the model again")
                    attrs = {}
                for name, ref in attrs.items():
                    self._ref(ref, "accessors", f"{pp}/attributes/{_ptr(name)[1:]}")
                indices = self._ref(prim["indices"], "accessors", pp + "/indices") if "indices" in prim else None
                mode = prim.get("mode", 4)
                if not _is_int(mode) or not 0 <= mode <= 6:
                    m.error(pp + "/mode", f"Invalid primitive mode {json.dumps(mode)}: allowed are 0..6")
                    mode = None
                if "material" in prim:
                    self._ref(prim["material"], "materials", pp + "/material")
                for k, target in enumerate(prim.get("targets") or []):
                    if isinstance(target, dict):
                        for name, ref in target.items():
                            self._ref(ref, "accessors", f"{pp}/targets/{k}/{_ptr(name)[1:]}")
                exts = prim.get("extensions") if isinstance(prim.get("extensions"), dict) else {}
                draco = exts.get("KHR_draco_mesh_compression")
                if isinstance(draco, dict):
                    m.draco = True
                    self._ref(draco.get("bufferView"), "bufferViews",
                              pp + "/extensions/KHR_draco_mesh_compression/bufferView")
                # triangles: from the index count, else the vertex count
                source = indices if indices is not None else attrs.get("POSITION")
                count = 0
                if _is_int(source) and 0 <= source < len(accessors) and isinstance(accessors[source], dict):
                    count = accessors[source].get("count", 0) if _is_int(accessors[source].get("count")) else 0
                if mode == 4:
                    m.triangles += count // 3
                elif mode in (5, 6):
                    m.triangles += max(count - 2, 0)

    def _check_images_and_textures(self) -> None:
        m = self.m
        allowed: dict[int, set[str]] = {}  # image -> formats its references allow
        for _, tex, p in self._objects("textures"):
            if "source" in tex:
                src = self._ref(tex["source"], "images", p + "/source")
                if src is not None:
                    allowed.setdefault(src, set()).update(CORE_IMAGE_FORMATS)
            if "sampler" in tex:
                self._ref(tex["sampler"], "samplers", p + "/sampler")
            exts = tex.get("extensions") if isinstance(tex.get("extensions"), dict) else {}
            for ext, fmt in TEXTURE_SOURCE_EXTENSIONS.items():
                if isinstance(exts.get(ext), dict) and "source" in exts[ext]:
                    src = self._ref(exts[ext]["source"], "images", f"{p}/extensions/{ext}/source")
                    if src is not None:
                        allowed.setdefault(src, set()).add(fmt)
        for i, img, p in self._objects("images"):
            m.images.extend([None] * (i - len(m.images)))
            data = self._image_bytes(i, img, p)
            if data is None:
                m.images.append(None)
                continue
            fmt = sniff_image(data)
            if fmt is None:
                m.error(p, f"Image format not recognized (first bytes: {data[:8].hex(' ')})",
                        "save the texture as PNG or JPEG")
                m.images.append(None)
                continue
            size = _image_size(data, fmt)
            if size == (-1, -1):
                m.error(p, f"the {fmt.upper()} image has more than 178 million pixels: no viewer can use it",
                        f"save it at most {DEFAULT_MAX_TEXTURE} px on its longest side")
                m.images.append(None)
                continue
            if size is None:
                m.error(p, f"the {fmt.upper()} image is damaged: its header cannot be read",
                        "save the texture again as PNG or JPEG")
                m.images.append(None)
                continue
            if self.max_pixels and size[0] * size[1] > self.max_pixels:
                m.error(p, f"the {fmt.upper()} texture is {size[0]}×{size[1]} = {size[0] * size[1]:,} pixels, over the "
                           f"limit of {self.max_pixels:,} (max_image_pixels)",
                        f"save it at most {DEFAULT_MAX_TEXTURE} px on its longest side")
                m.images.append(None)
                continue
            need = allowed.get(i, CORE_IMAGE_FORMATS | set(TEXTURE_SOURCE_EXTENSIONS.values()))
            if fmt not in need:
                ext = next((e for e, f in TEXTURE_SOURCE_EXTENSIONS.items() if f == fmt), None)
                m.error(p, f"{fmt.upper()} image used as a plain texture: browsers only decode PNG and JPEG there"
                           + (f" (a {fmt.upper()} texture needs the {ext} extension)" if ext else ""),
                        "save the texture as PNG or JPEG, or export with the matching texture extension")
            declared = img.get("mimeType")
            if declared is not None and declared != MIME_TYPES[fmt]:
                m.warning(p + "/mimeType", f"Recognized image format '{MIME_TYPES[fmt]}' does not match declared "
                                           f"image format '{declared}'.",
                          "packing corrects it; browsers look at the bytes, but other tools may not")
            m.images.append((data, fmt))
            m.textures.append(TextureInfo(p, size[0], size[1], fmt))

    def _image_bytes(self, i: int, img: dict, p: str) -> bytes | None:
        m = self.m
        has_uri, has_view = "uri" in img, "bufferView" in img
        if has_uri == has_view:
            m.error(p, "an image needs exactly one of 'uri' or 'bufferView'", "export the model again")
            return None
        if has_uri:
            data, target = self._resolve(img["uri"], p + "/uri")
            if target is not None:
                m.image_files[i] = target
            return data
        if "mimeType" not in img:
            m.error(p + "/mimeType", "mimeType is required when the image is stored in a bufferView",
                    "export the model again")
        bv = self._ref(img["bufferView"], "bufferViews", p + "/bufferView")
        view = self._buffer_view(bv) if bv is not None else None
        if view is None:
            return None
        b, off, length = view.get("buffer"), view.get("byteOffset", 0), view.get("byteLength")
        if not (_is_int(b) and _is_int(off) and _is_int(length)) or not 0 <= b < len(m.buffers):
            return None
        data = m.buffers[b]
        if data is None or off + length > len(data):
            return None
        return data[off:off + length]

    def _check_other_references(self) -> None:
        """Indices that three.js follows while building the scene: out of range, the load fails."""
        g = self.m.gltf
        for _, node, p in self._objects("nodes"):
            for key, coll in (("mesh", "meshes"), ("skin", "skins"), ("camera", "cameras")):
                if key in node:
                    self._ref(node[key], coll, f"{p}/{key}")
            for k, child in enumerate(node.get("children") or []):
                self._ref(child, "nodes", f"{p}/children/{k}")
        for _, scene, p in self._objects("scenes"):
            for k, node in enumerate(scene.get("nodes") or []):
                self._ref(node, "nodes", f"{p}/nodes/{k}")
        if "scene" in g:
            self._ref(g["scene"], "scenes", "/scene")
        for _, skin, p in self._objects("skins"):
            if "inverseBindMatrices" in skin:
                self._ref(skin["inverseBindMatrices"], "accessors", p + "/inverseBindMatrices")
            for k, joint in enumerate(skin.get("joints") or []):
                self._ref(joint, "nodes", f"{p}/joints/{k}")
        for _, anim, p in self._objects("animations"):
            samplers = anim.get("samplers") if isinstance(anim.get("samplers"), list) else []
            for k, sampler in enumerate(samplers):
                if isinstance(sampler, dict):
                    for key in ("input", "output"):
                        self._ref(sampler.get(key), "accessors", f"{p}/samplers/{k}/{key}")
            for k, channel in enumerate(anim.get("channels") or []):
                if isinstance(channel, dict):
                    s = channel.get("sampler")
                    if not _is_int(s) or not 0 <= s < len(samplers):
                        self.m.error(f"{p}/channels/{k}/sampler", f"Index {json.dumps(s)} is not in range: the "
                                                                  f"animation has {len(samplers)} samplers")
                    target = channel.get("target")
                    if isinstance(target, dict) and "node" in target:
                        self._ref(target["node"], "nodes", f"{p}/channels/{k}/target/node")
        for _, material, p in self._objects("materials"):
            for pointer, ref in _texture_refs(material, p):
                self._ref(ref, "textures", pointer)


def _texture_refs(obj: Any, pointer: str) -> Iterator[tuple[str, Any]]:
    """Every ``{"index": n}`` of a textureInfo inside a material (core and extensions)."""
    if isinstance(obj, dict):
        for key, value in obj.items():
            sub = f"{pointer}/{_ptr(key)[1:]}"
            if key.endswith("Texture") and isinstance(value, dict) and "index" in value:
                yield sub + "/index", value["index"]
            else:
                yield from _texture_refs(value, sub)
    elif isinstance(obj, list):
        for k, value in enumerate(obj):
            yield from _texture_refs(value, f"{pointer}/{k}")


def _site_path(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _case_mismatch(target: Path, root: Path) -> str | None:
    """On case-insensitive disks (Windows, macOS) 'Wood.JPG' finds 'wood.jpg'; the web server won't."""
    current = root
    for part in target.relative_to(root).parts:
        try:
            names = os.listdir(current)
        except OSError:
            return None
        if part not in names:
            match = next((n for n in names if n.lower() == part.lower()), None)
            return match or None
        current = current / part
    return None


def _load(path: Path, site_root: Path | None, max_pixels: int = 0) -> _Model:
    path = Path(path)
    loader = _Loader(path, Path(site_root) if site_root is not None else path.parent, max_pixels)
    try:
        return loader.load()
    except Exception as exc:  # noqa: BLE001 - a bug must not stop the build; report it instead
        loader.m.error("file", f"internal error while reading the model: {type(exc).__name__}: {exc}",
                       "please report this to the disan developers, with the model")
        return loader.m


# --------------------------------------------------------------------------- public API


def inspect_model(path: Path, site_root: Path, max_pixels: int = 0) -> ModelReport:
    """Check a .glb / .gltf for what breaks viewers; never raises for bad input.

    External files (``buffers[].uri``, ``images[].uri``) must be relative, inside
    ``site_root`` and present; ``data:`` URIs are fine.  Images are checked from their
    headers only (format, pixel size), so inspecting a model with 4096 px textures is fast;
    a texture over ``max_pixels`` (0: no limit but Pillow's guard) is refused before decoding.
    """
    return _load(path, site_root, max_pixels).report()


def pack_model(path: Path, out_path: Path, max_texture: int = DEFAULT_MAX_TEXTURE, *,
               site_root: Path | None = None) -> PackResult:
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


def cached_pack_model(path: Path, cache_dir: Path, site_root: Path,
                      max_texture: int = DEFAULT_MAX_TEXTURE) -> PackResult:
    """``pack_model`` into ``cache_dir/<key>.glb`` unless it is already there (then nothing is written).

    The key hashes the bytes of the model and of every file it references, the settings,
    the packer version and Pillow's version (re-encoding depends on it).  The .glb and its
    ``<key>.json`` result are written to temporary names and renamed into place, so an
    interrupted build never leaves a half-written file under the final name.
    """
    model = _load(path, site_root)
    if model.has_errors:
        raise ModelError([p for p in model.problems if p.severity == "error"])
    cache = Path(cache_dir)
    cache.mkdir(parents=True, exist_ok=True)
    key = _cache_key(model, max_texture)
    final, meta = cache / f"{key}.glb", cache / f"{key}.json"
    if final.is_file() and meta.is_file():
        try:
            return PackResult.from_json(json.loads(meta.read_text(encoding="utf-8")), final)
        except (ValueError, KeyError, TypeError):
            pass  # a stale or damaged entry: build it again
    tag = f".tmp-{key}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    temp_glb, temp_meta = cache / f"{tag}.glb", cache / f"{tag}.json"
    try:
        result = _pack(model, temp_glb, max_texture)
        result = PackResult(final, result.triangles, result.bytes_before, result.bytes_after,
                            result.textures_resized, result.rewritten, result.notes)
        temp_meta.write_text(json.dumps(result.to_json(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(temp_glb, final)
        os.replace(temp_meta, meta)
    finally:
        temp_glb.unlink(missing_ok=True)
        temp_meta.unlink(missing_ok=True)
    return result


def _cache_key(model: _Model, max_texture: int) -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps({"v": PACKER_VERSION, "max_texture": max_texture, "jpeg": JPEG_QUALITY,
                              "webp": WEBP_QUALITY, "pillow": PIL.__version__}, sort_keys=True).encode())
    for file in model.files:  # model first, then in reference order
        rel = file.name if file == model.path else _site_path(file, model.path.parent)
        digest.update(rel.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(model.file_bytes[file]).digest())
    return digest.hexdigest()[:32]


# --------------------------------------------------------------------------- packing


def _pack(model: _Model, out_path: Path, max_texture: int) -> PackResult:
    g = model.gltf
    bytes_before = sum(len(b) for b in model.file_bytes.values())
    notes: list[str] = []

    # 1. textures to shrink (decided from the headers read by the loader)
    shrink: dict[int, tuple[bytes, ResizedTexture]] = {}
    for info in model.textures:
        i = int(info.pointer.rsplit("/", 1)[1])
        if max(info.width, info.height) <= max_texture:
            continue
        if info.format not in ("png", "jpeg", "webp"):
            notes.append(f"{info.pointer}: {info.format.upper()} texture of {info.width}x{info.height} left as is "
                         f"(only PNG, JPEG and WebP are downscaled)")
            continue
        data, fmt = model.images[i]
        new, size = _shrink_image(data, fmt, max_texture)
        shrink[i] = (new, ResizedTexture(info.pointer, (info.width, info.height), size, fmt))

    # 2. nothing to do for a self-contained GLB: copy it byte for byte
    buffers = g.get("buffers") or []
    self_contained = model.is_glb and len(model.files) == 1 and all(
        "uri" not in b for b in buffers) and all("uri" not in img for img in g.get("images") or [])
    if self_contained and not shrink:
        _write_atomic(out_path, model.raw)
        return PackResult(out_path, model.triangles, bytes_before, len(model.raw), (), False, tuple(notes))

    # 3. rebuild: every buffer view's bytes go into one BIN chunk
    doc = json.loads(json.dumps(g))  # a deep copy that keeps key order
    fallback = [i for i, b in enumerate(buffers) if b.get("uri") is None and model.buffers[i] is None]
    bin_parts: list[bytes] = []
    size = 0

    def place(data: bytes, old_offset: int = 0) -> int:
        nonlocal size
        start = _align4(size) + old_offset % 4  # keeps every accessor's alignment (<= 4 bytes)
        if start > size:
            bin_parts.append(b"\0" * (start - size))
        bin_parts.append(data)
        size = start + len(data)
        return start

    image_views = {img["bufferView"]: i for i, img in enumerate(doc.get("images") or []) if "bufferView" in img}
    new_buffer_index = {old: 1 + k for k, old in enumerate(fallback)}
    for v, view in enumerate(doc.get("bufferViews") or []):
        ext = (view.get("extensions") or {}).get("EXT_meshopt_compression")
        if isinstance(ext, dict):  # compressed bytes: copied untouched, re-pointed
            data = model.buffers[ext["buffer"]]
            offset = ext.get("byteOffset", 0)
            ext["byteOffset"] = place(data[offset:offset + ext["byteLength"]], offset)
            ext["buffer"] = 0
        if view["buffer"] in new_buffer_index:  # meshopt fallback buffer: no bytes to copy
            view["buffer"] = new_buffer_index[view["buffer"]]
            continue
        offset = view.get("byteOffset", 0)
        if v in image_views and image_views[v] in shrink:
            data = shrink[image_views[v]][0]
            view["byteLength"] = len(data)
        else:
            data = model.buffers[view["buffer"]][offset:offset + view["byteLength"]]
        view["buffer"] = 0
        view["byteOffset"] = place(data, offset)

    # 4. external and data: images become buffer views (one per distinct file)
    view_of_file: dict[Path, int] = {}
    images = doc.get("images") or []
    for i, img in enumerate(images):
        if "bufferView" in img:
            if i in shrink:
                img["mimeType"] = MIME_TYPES[shrink[i][1].format]
            else:
                img["mimeType"] = MIME_TYPES[model.images[i][1]]
            continue
        data, fmt = shrink[i][0] if i in shrink else model.images[i][0], model.images[i][1]
        file = model.image_files.get(i)
        if file is not None and file in view_of_file:
            index = view_of_file[file]
        else:
            views = doc.setdefault("bufferViews", [])
            views.append({"buffer": 0, "byteOffset": place(data), "byteLength": len(data)})
            index = len(views) - 1
            if file is not None:
                view_of_file[file] = index
        images[i] = _replace_key(img, "uri", {"bufferView": index, "mimeType": MIME_TYPES[fmt]})

    # 5. buffers: [BIN] + meshopt fallback buffers
    new_buffers = []
    if size:
        new_buffers.append({"byteLength": size})
    else:
        new_buffer_index = {old: k - 1 for old, k in new_buffer_index.items()}
        for view in doc.get("bufferViews") or []:
            view["buffer"] -= 1
    for old in fallback:
        kept = {k: v for k, v in buffers[old].items() if k != "uri"}
        new_buffers.append(kept)
    if new_buffers:
        doc["buffers"] = new_buffers
    else:
        doc.pop("buffers", None)

    glb = _glb_bytes(doc, b"".join(bin_parts))
    _write_atomic(out_path, glb)
    check = _load(out_path, out_path.parent)
    if check.has_errors:  # a packer bug: never hand a broken file to the site
        out_path.unlink(missing_ok=True)
        raise ModelError([ModelProblem(p.pointer, f"packed output is invalid: {p.message}", p.hint)
                          for p in check.problems if p.severity == "error"])
    return PackResult(out_path, model.triangles, bytes_before, len(glb),
                      tuple(r for _, r in (shrink[i] for i in sorted(shrink))), True, tuple(notes))


def _replace_key(obj: dict, key: str, replacement: dict) -> dict:
    """``obj`` with ``key`` replaced in place (same position) by the items of ``replacement``."""
    out: dict = {}
    for k, v in obj.items():
        if k == key:
            out.update(replacement)
        elif k not in replacement:
            out[k] = v
    return out


def _glb_bytes(doc: dict, bin_data: bytes) -> bytes:
    """GLB 2 container (spec 4.4): JSON chunk padded with spaces, BIN chunk padded with zeros."""
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 4)
    parts = [struct.pack("<II", len(text), CHUNK_JSON), text]
    if bin_data:
        padded = bin_data + b"\0" * (-len(bin_data) % 4)
        parts += [struct.pack("<II", len(padded), CHUNK_BIN), padded]
    body = b"".join(parts)
    return struct.pack("<4sII", GLB_MAGIC, 2, 12 + len(body)) + body


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")
    try:
        temp.write_bytes(data)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


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
        source = im
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


__all__ = [
    "DEFAULT_MAX_TEXTURE", "MODEL_VIEWER_EXTENSIONS", "ModelError", "ModelProblem", "ModelReport",
    "PackResult", "ResizedTexture", "TextureInfo", "cached_pack_model", "describe", "inspect_model",
    "pack_model", "sniff_image",
]
