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

import json
import os
import uuid
from pathlib import Path

from ..config import DEFAULT_MAX_TEXTURE
from .inspect import _image_size, sniff_image  # noqa: F401
from .pack import _cache_key, _pack, describe, pack_model  # noqa: F401
from .types import (  # noqa: F401 - the shared vocabulary of the engine
    CHUNK_BIN,
    CHUNK_JSON,
    COMPONENT_SIZES,
    CORE_IMAGE_FORMATS,
    DECODER_OF_EXTENSION,
    GLB_MAGIC,
    JPEG_QUALITY,
    MIME_TYPES,
    MODEL_VIEWER_EXTENSIONS,
    PACKER_VERSION,
    SPARSE_INDEX_TYPES,
    TEXTURE_SOURCE_EXTENSIONS,
    TYPE_COMPONENTS,
    WEBP_QUALITY,
    ModelError,
    ModelProblem,
    ModelReport,
    PackResult,
    ResizedTexture,
    TextureInfo,
    _align4,
    _element_size,
    _human,
    _is_int,
    _ptr,
)
from .validate import _load, inspect_model  # noqa: F401


def cached_pack_model(
    path: Path, cache_dir: Path, site_root: Path, max_texture: int = DEFAULT_MAX_TEXTURE
) -> PackResult:
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
    found = _pack_in_cache(cache, key)
    if found is not None:
        return found
    tag = f".tmp-{key}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    temp_glb, temp_meta = cache / f"{tag}.glb", cache / f"{tag}.json"
    try:
        result = _pack(model, temp_glb, max_texture)
        result = PackResult(
            final,
            result.triangles,
            result.bytes_before,
            result.bytes_after,
            result.textures_resized,
            result.rewritten,
            result.notes,
        )
        temp_meta.write_text(json.dumps(result.to_json(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(temp_glb, final)
        os.replace(temp_meta, meta)
    finally:
        temp_glb.unlink(missing_ok=True)
        temp_meta.unlink(missing_ok=True)
    return result


def packed_model_in_cache(
    path: Path, cache_dir: Path, site_root: Path, max_texture: int = DEFAULT_MAX_TEXTURE
) -> PackResult | None:
    """What ``cached_pack_model`` would return if the cache has it, else None (also for a
    model with errors: packing it says what they are)."""
    model = _load(path, site_root)
    return None if model.has_errors else _pack_in_cache(Path(cache_dir), _cache_key(model, max_texture))


def _pack_in_cache(cache: Path, key: str) -> PackResult | None:
    final, meta = cache / f"{key}.glb", cache / f"{key}.json"
    if not (final.is_file() and meta.is_file()):
        return None
    try:
        return PackResult.from_json(json.loads(meta.read_text(encoding="utf-8")), final)
    except (ValueError, KeyError, TypeError):
        return None  # a stale or damaged entry: build it again


__all__ = [
    "DEFAULT_MAX_TEXTURE",
    "MODEL_VIEWER_EXTENSIONS",
    "ModelError",
    "ModelProblem",
    "ModelReport",
    "PackResult",
    "ResizedTexture",
    "TextureInfo",
    "cached_pack_model",
    "describe",
    "inspect_model",
    "pack_model",
    "packed_model_in_cache",
    "sniff_image",
]
