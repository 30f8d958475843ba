"""The glTF 2.0 rules that decide whether a viewer loads a model, checked against what inspect.py read.

``_Checker`` walks the document in a fixed order (asset, extensions, buffers, buffer views,
accessors, meshes, images and textures, the other references) and calls the readers as it
reaches each buffer and image, so problems come out in document order and a file is read only
once its reference has passed the location rules (relative, inside the model's folder and the
site, present with the same upper/lower case).  Only structure is checked, never vertex values:
fast enough for every build.  Every property a rule or the packer reads has its JSON type checked
first (the glTF 2.0 schema's integers, index arrays, objects, strings; ``null`` is a wrong type,
not an absent property), so a hand-edited or broken export gets a problem at its JSON pointer
saying what was expected, and the packer can trust whatever the rules accept.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ..config import DEFAULT_MAX_TEXTURE
from ..diagnostics import did_you_mean
from ..safepath import OutsideFolderError, contained
from .inspect import _data_uri_bytes, _image_size, _Model, _read_document, _read_file, _view_bytes, sniff_image
from .types import (
    COMPONENT_SIZES,
    CORE_IMAGE_FORMATS,
    MIME_TYPES,
    MODEL_VIEWER_EXTENSIONS,
    SPARSE_INDEX_TYPES,
    TEXTURE_SOURCE_EXTENSIONS,
    TYPE_COMPONENTS,
    JsonObject,
    ModelReport,
    TextureInfo,
    _as_list,
    _as_object,
    _element_size,
    _internal_error,
    _is_int,
    _ptr,
    _site_path,
)


class _Checker:
    """Checks a parsed model; every rule appends to ``model.problems``, and reading fills ``model``."""

    def __init__(self, model: _Model, gltf: JsonObject, max_pixels: int = 0):
        self.m = model
        self.g = gltf
        self.max_pixels = max_pixels  # 0: only Pillow's own guard

    # ---- typed access: every property is type-checked (glTF 2.0 JSON schema) before a rule or the packer uses it

    def _wrong_type(self, pointer: str, expected: str, value: object) -> None:
        self.m.error(pointer, f"must be {expected}, not {_shown(value)}", "export the model again")

    def _array(self, obj: JsonObject, key: str, pointer: str) -> list[Any]:
        """The array at ``obj[key]`` (empty when absent); reported and empty when it is not an array."""
        value = obj.get(key, [])
        if not isinstance(value, list):
            self._wrong_type(pointer, "an array", value)
            return []
        return value

    def _object(self, obj: JsonObject, key: str, pointer: str) -> JsonObject | None:
        """The object at ``obj[key]``; None when absent, or reported when it is not an object."""
        value = obj.get(key)
        if key in obj and not isinstance(value, dict):
            self._wrong_type(pointer, "an object", value)
            return None
        return value

    def _string(self, obj: JsonObject, key: str, pointer: str) -> str | None:
        """The string at ``obj[key]``; None when absent, or reported when it is not a string."""
        value = obj.get(key)
        if key in obj and not isinstance(value, str):
            self._wrong_type(pointer, "a string", value)
            return None
        return value

    def _objects_in(self, items: list[Any], pointer: str) -> Iterator[tuple[int, JsonObject, str]]:
        """(index, object, pointer) of each entry of an array of objects; other entries are reported."""
        for i, obj in enumerate(items):
            if isinstance(obj, dict):
                yield i, obj, f"{pointer}/{i}"
            else:
                self._wrong_type(f"{pointer}/{i}", "an object", obj)

    def _objects(self, key: str) -> Iterator[tuple[int, JsonObject, str]]:
        """(index, object, pointer) of each entry of a top-level array; non-objects are reported."""
        return self._objects_in(self._array(self.g, key, _ptr(key)), _ptr(key))

    def _int(
        self,
        obj: JsonObject,
        key: str,
        pointer: str,
        *,
        required: bool = False,
        minimum: int = 0,
        default: int | None = None,
    ) -> int | None:
        if key not in obj:
            if required:
                self.m.error(pointer, f"'{key}' is required")
            return default
        value = obj[key]
        if not _is_int(value) or value < minimum:
            self.m.error(pointer, f"must be an integer >= {minimum}, not {_shown(value)}")
            return None
        return value

    def _choice(self, obj: JsonObject, key: str, pointer: str, allowed: Collection[int | str], label: str) -> Any:
        """The required ``obj[key]`` if it is one of ``allowed`` (all integers or all strings), else None (reported)."""
        if key not in obj:
            self.m.error(pointer, f"'{key}' is required", "export the model again")
            return None
        value = obj[key]
        strings = all(isinstance(a, str) for a in allowed)
        if not (isinstance(value, str) if strings else _is_int(value)):
            self._wrong_type(pointer, "a string" if strings else "an integer", value)
            return None
        if value not in allowed:
            choices = ", ".join(map(str, allowed))
            self.m.error(pointer, f"Invalid {label} {_shown(value)}: allowed are {choices}", "export the model again")
            return None
        return value

    def _ref(self, value: object, collection: str, pointer: str) -> int | None:
        """Check an index into a top-level array; return it if valid."""
        if not _is_int(value):
            self._wrong_type(pointer, f"an integer index into '{collection}'", value)
            return None
        size = len(_as_list(self.g.get(collection)))
        if not 0 <= value < size:
            self.m.error(
                pointer,
                f"Index {value} is not in range: there are {size} {collection}",
                "the model is inconsistent: export it again",
            )
            return None
        return value

    def _ref_at(self, obj: JsonObject, key: str, collection: str, pointer: str, *, required: bool) -> int | None:
        """The index at ``obj[key]`` into ``collection``; None (reported if required) when absent."""
        if key not in obj:
            if required:
                self.m.error(pointer, f"'{key}' is required", "export the model again")
            return None
        return self._ref(obj[key], collection, pointer)

    def _refs(self, obj: JsonObject, key: str, collection: str, pointer: str) -> None:
        """Check an array of indices into ``collection`` (node children, scene nodes, skin joints)."""
        for k, value in enumerate(self._array(obj, key, pointer)):
            self._ref(value, collection, f"{pointer}/{k}")

    # ---- files and URIs

    def _resolve(self, uri: object, pointer: str) -> tuple[bytes | None, Path | None]:
        """(bytes, file) a buffer or image URI refers to (file is None for data: URIs); (None, None) if refused."""
        if not isinstance(uri, str) or not uri:
            self.m.error(pointer, "the uri must be a non-empty string")
            return None, None
        if uri.startswith("data:"):
            return _data_uri_bytes(self.m, uri, pointer), None
        found = self._referenced_file(uri, pointer)
        if found is None:
            return None, None
        target, rel = found
        data = _read_file(self.m, target, rel, pointer)
        return (data, target) if data is not None else (None, None)

    def _referenced_file(self, uri: str, pointer: str) -> tuple[Path, str] | None:
        """(file, path as written) of a relative URI; reports remote, absolute, escaping, missing, wrong-case ones."""
        m = self.m
        shown = uri if len(uri) <= 80 else uri[:77] + "..."
        parts = urlsplit(uri)
        if parts.scheme in ("http", "https") or parts.netloc or uri.startswith("//"):
            m.error(
                pointer,
                f"the model loads '{shown}' from the internet",
                "download the file, put it next to the model and use a relative path: the site must work offline",
            )
            return None
        if parts.scheme == "file" or len(parts.scheme) == 1 or uri.startswith(("/", "\\")):
            m.error(
                pointer,
                f"'{shown}' is an absolute path: it only exists on the computer that exported it",
                "put the file next to the model and use a relative path like 'textures/wood.jpg'",
            )
            return None
        if parts.scheme:
            m.error(
                pointer,
                f"unsupported URI scheme '{parts.scheme}:' in '{shown}'",
                "use a relative path to a file next to the model",
            )
            return None
        if "\\" in uri:
            m.error(pointer, f"'{shown}' uses backslashes", f"use forward slashes: '{uri.replace(chr(92), '/')}'")
            return None
        rel = unquote(parts.path)
        base = m.path.parent
        try:
            target = contained(base / rel, base, shown, "the model's folder")
        except OutsideFolderError as exc:
            m.error(
                pointer,
                exc.message,
                "copy the file next to the model (or into a sub-folder) and use a path without '../'",
            )
            return None
        root = m.site_root.resolve() if target.is_relative_to(m.site_root.resolve()) else base.resolve()
        if not target.is_file():
            near = target.parent
            choices = sorted(p.name for p in near.iterdir()) if near.is_dir() else []
            same = [c for c in choices if c.lower() == target.name.lower()]
            hint = (
                f"the file on disk is '{same[0]}': upper/lower case must match exactly (web servers are case-sensitive)"
                if same
                else did_you_mean(target.name, choices) or "check the file name, or export the model again"
            )
            m.error(pointer, f"missing file '{rel}' (looked for {_site_path(target, root)})", hint)
            return None
        wrong_case = _case_mismatch(target, root)
        if wrong_case:
            m.error(
                pointer,
                f"'{rel}' differs in upper/lower case from the file on disk ('{wrong_case}')",
                "web servers are case-sensitive: make the name in the model and on disk identical",
            )
            return None
        return target, rel

    # ---- the document

    def check(self) -> None:
        """Every rule, in the order its problems are reported."""
        m, g = self.m, self.g
        asset = g.get("asset")
        if not isinstance(asset, dict):
            m.error(
                "/asset",
                "the 'asset' object is missing",
                "viewers refuse a model without asset.version; export it again",
            )
        else:
            version = asset.get("version")
            if not isinstance(version, str) or not re.match(r"2\.\d+$", version):
                m.error(
                    "/asset/version",
                    f"glTF version {json.dumps(version)} is not supported: 2.0 is needed",
                    "convert the model to glTF 2.0 (e.g. re-export from Blender)",
                )
        self._check_extensions()
        self._check_buffers()
        self._check_buffer_views()
        self._check_accessors()
        self._check_meshes()
        self._check_images_and_textures()
        self._check_other_references()

    def _check_extensions(self) -> None:
        m, g = self.m, self.g
        used = self._array(g, "extensionsUsed", "/extensionsUsed")
        required = self._array(g, "extensionsRequired", "/extensionsRequired")
        for i, name in enumerate(used):
            if not isinstance(name, str):
                self._wrong_type(_ptr("extensionsUsed", i), "an extension name (a string)", name)
        for i, name in enumerate(required):
            pointer = _ptr("extensionsRequired", i)
            if not isinstance(name, str):
                self._wrong_type(pointer, "an extension name (a string)", name)
            elif name not in MODEL_VIEWER_EXTENSIONS:
                m.error(
                    pointer,
                    f"the model requires the extension {name}, which model-viewer cannot load",
                    f"export the model without {name} (most tools have an option), "
                    "or convert it, e.g. with gltf-transform",
                )
            elif name not in used:
                m.warning(pointer, f"{name} is required but not listed in extensionsUsed")

    def _check_buffers(self) -> None:
        m = self.m
        for i, buf, p in self._objects("buffers"):
            m.buffers.extend([None] * (i - len(m.buffers)))  # keeps m.buffers[i] for buffers[i] past a non-object
            length = self._int(buf, "byteLength", p + "/byteLength", required=True, minimum=1)
            data: bytes | None = None
            extensions = self._object(buf, "extensions", p + "/extensions") or {}
            ep = p + "/extensions/EXT_meshopt_compression"
            fallback = self._object(extensions, "EXT_meshopt_compression", ep) is not None
            if "uri" not in buf:
                if m.is_glb and i == 0 and m.bin_chunk is not None:
                    data = m.bin_chunk
                    if length is not None and length > len(data):
                        m.error(
                            p + "/byteLength",
                            f"Declared byteLength ({length}) is more than the GLB BIN chunk holds ({len(data)} bytes)",
                            "the file is truncated or broken: export it again",
                        )
                    elif length is not None and len(data) - length > 3:
                        m.warning(
                            "GLB BIN chunk",
                            f"GLB-stored BIN chunk contains {len(data) - length} extra "
                            "padding byte(s) (at most 3 are expected)",
                        )
                elif not fallback:
                    m.error(
                        p,
                        "Buffer refers to an unresolved GLB binary chunk: it has no uri and there is no GLB BIN chunk",
                        "export the model again (as .glb, or .gltf + .bin)",
                    )
            else:
                data, _ = self._resolve(buf["uri"], p + "/uri")
                if data is not None and length is not None and len(data) < length:
                    m.error(
                        p + "/byteLength",
                        f"Actual data byte length ({len(data)}) is less than the declared "
                        f"buffer byte length ({length}).",
                        "the .bin file is truncated or belongs to another export: export the model again",
                    )
            m.buffers.append(data)

    def _is_fallback(self, index: int) -> bool:
        """Buffer ``index`` is a meshopt fallback: no uri and no bytes (any other buffer without bytes is refused)."""
        buffers = _as_list(self.g.get("buffers"))
        known = 0 <= index < min(len(buffers), len(self.m.buffers))
        return (
            known and self.m.buffers[index] is None and isinstance(buffers[index], dict) and "uri" not in buffers[index]
        )

    def _buffer_view(self, index: int) -> JsonObject | None:
        views = self.g.get("bufferViews")
        return views[index] if isinstance(views, list) and isinstance(views[index], dict) else None

    def _check_buffer_views(self) -> None:
        m, g = self.m, self.g
        for _, view, p in self._objects("bufferViews"):
            b = self._ref_at(view, "buffer", "buffers", p + "/buffer", required=True)
            offset = self._int(view, "byteOffset", p + "/byteOffset", default=0)
            length = self._int(view, "byteLength", p + "/byteLength", required=True, minimum=1)
            stride = view.get("byteStride")
            if stride is not None and (not _is_int(stride) or not 4 <= stride <= 252 or stride % 4):
                m.error(
                    p + "/byteStride",
                    f"byteStride {json.dumps(stride)} is invalid: it must be a multiple of 4 between 4 and 252",
                    "export the model again",
                )
            declared = _as_object(g["buffers"][b]).get("byteLength") if b is not None else None
            if offset is not None and length is not None and _is_int(declared) and offset + length > declared:
                m.error(
                    p + "/byteLength",
                    f"BufferView does not fit buffer ({b}) byteLength ({declared}): "
                    f"byteOffset ({offset}) + byteLength ({length}) = {offset + length}",
                    "the model is inconsistent: export it again",
                )
            extensions = self._object(view, "extensions", p + "/extensions") or {}
            ext = self._object(extensions, "EXT_meshopt_compression", p + "/extensions/EXT_meshopt_compression")
            if ext is not None:
                self._check_meshopt_view(ext, p + "/extensions/EXT_meshopt_compression")

    def _check_meshopt_view(self, ext: JsonObject, ep: str) -> None:
        """The compressed bytes of an EXT_meshopt_compression buffer view lie in a buffer that has data."""
        m = self.m
        m.meshopt = True
        eb = self._ref_at(ext, "buffer", "buffers", ep + "/buffer", required=True)
        eo = self._int(ext, "byteOffset", ep + "/byteOffset", default=0)
        el = self._int(ext, "byteLength", ep + "/byteLength", required=True, minimum=1)
        if eb is None or eo is None or el is None:
            return
        if self._is_fallback(eb):
            m.error(
                ep + "/buffer",
                f"the compressed data is in buffer {eb}, a meshopt fallback buffer that holds no data",
                "export the model again",
            )
            return
        edecl = _as_object(self.g["buffers"][eb]).get("byteLength")
        if _is_int(edecl) and eo + el > edecl:
            m.error(
                ep + "/byteLength",
                f"compressed data does not fit buffer ({eb}) byteLength ({edecl}): "
                f"byteOffset ({eo}) + byteLength ({el})",
                "the model is inconsistent: export it again",
            )

    def _check_accessors(self) -> None:
        for _, acc, p in self._objects("accessors"):
            ctype = self._choice(acc, "componentType", p + "/componentType", COMPONENT_SIZES, "componentType")
            type_ = self._choice(acc, "type", p + "/type", TYPE_COMPONENTS, "accessor type")
            count = self._int(acc, "count", p + "/count", required=True, minimum=1)
            # (component size, element size), once both are known
            layout = (
                (COMPONENT_SIZES[ctype], _element_size(COMPONENT_SIZES[ctype], type_))
                if ctype is not None and type_ is not None
                else None
            )
            offset = self._int(acc, "byteOffset", p + "/byteOffset", default=0)
            bv = self._ref_at(acc, "bufferView", "bufferViews", p + "/bufferView", required=False)
            if bv is not None and layout is not None and count is not None and offset is not None:
                self._fit(p, bv, offset, count, *layout, True)
            sparse = self._object(acc, "sparse", p + "/sparse")
            if sparse is not None and layout is not None:
                self._check_sparse(p + "/sparse", sparse, layout)

    def _check_sparse(self, sp: str, sparse: JsonObject, layout: tuple[int, int]) -> None:
        """The indices and values of a sparse accessor fit their buffer views."""
        scount = self._int(sparse, "count", sp + "/count", required=True, minimum=1)
        for part in ("indices", "values"):
            pp = f"{sp}/{part}"
            if part not in sparse:
                self.m.error(pp, f"sparse.{part} is required", "export the model again")
                continue
            obj = self._object(sparse, part, pp)
            if obj is None:
                continue
            bv = self._ref_at(obj, "bufferView", "bufferViews", pp + "/bufferView", required=True)
            off = self._int(obj, "byteOffset", pp + "/byteOffset", default=0)
            if part == "indices":
                ict = self._choice(obj, "componentType", pp + "/componentType", SPARSE_INDEX_TYPES, "componentType")
                if ict is None:
                    continue
                csize = size = SPARSE_INDEX_TYPES[ict]
            else:
                csize, size = layout
            if bv is not None and off is not None and scount is not None:
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
            m.error(
                p + "/byteOffset",
                f"Offset {offset} is not a multiple of componentType length {csize}.",
                "export the model again",
            )
        elif (offset + view_offset) % csize:
            m.error(
                p + "/byteOffset",
                f"Accessor's total byteOffset {offset + view_offset} isn't a multiple of componentType length {csize}.",
                "export the model again",
            )
        stride = view.get("byteStride") if strided else None
        if _is_int(stride) and stride < esize:
            m.error(
                p + "/bufferView",
                f"Referenced bufferView's byteStride value {stride} is less than accessor element's length {esize}.",
                "export the model again",
            )
            return
        step = stride if _is_int(stride) else esize
        end = offset + step * (count - 1) + esize
        if end > view_length:
            m.error(
                p + "/count",
                f"Accessor (offset: {offset}, length: {end - offset}) does not fit referenced "
                f"bufferView [{bv}] length {view_length}.",
                "the model is inconsistent (count or byteOffset too large): export it again",
            )

    def _check_meshes(self) -> None:
        m = self.m
        accessors = _as_list(self.g.get("accessors"))
        for _, mesh, p in self._objects("meshes"):
            prims = mesh.get("primitives")
            if not isinstance(prims, list) or not prims:
                m.error(p + "/primitives", "a mesh needs a non-empty 'primitives' array", "export the model again")
                continue
            for _, prim, pp in self._objects_in(prims, p + "/primitives"):
                if "attributes" not in prim:
                    m.error(pp + "/attributes", "'attributes' is required", "export the model again")
                attrs = self._object(prim, "attributes", pp + "/attributes") or {}
                for name, ref in attrs.items():
                    self._ref(ref, "accessors", f"{pp}/attributes/{_ptr(name)[1:]}")
                indices = self._ref_at(prim, "indices", "accessors", pp + "/indices", required=False)
                mode = self._int(prim, "mode", pp + "/mode", default=4)
                if mode is not None and mode > 6:
                    m.error(pp + "/mode", f"Invalid primitive mode {mode}: allowed are 0..6")
                    mode = None
                self._ref_at(prim, "material", "materials", pp + "/material", required=False)
                for _, target, tp in self._objects_in(self._array(prim, "targets", pp + "/targets"), pp + "/targets"):
                    for name, ref in target.items():
                        self._ref(ref, "accessors", f"{tp}/{_ptr(name)[1:]}")
                exts = self._object(prim, "extensions", pp + "/extensions") or {}
                dp = pp + "/extensions/KHR_draco_mesh_compression"
                draco = self._object(exts, "KHR_draco_mesh_compression", dp)
                if draco is not None:
                    m.draco = True
                    self._ref_at(draco, "bufferView", "bufferViews", dp + "/bufferView", required=True)
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
            src = self._ref_at(tex, "source", "images", p + "/source", required=False)
            if src is not None:
                allowed.setdefault(src, set()).update(CORE_IMAGE_FORMATS)
            self._ref_at(tex, "sampler", "samplers", p + "/sampler", required=False)
            exts = self._object(tex, "extensions", p + "/extensions") or {}
            for extension, ext_format in TEXTURE_SOURCE_EXTENSIONS.items():
                ep = f"{p}/extensions/{extension}"
                src = self._ref_at(
                    self._object(exts, extension, ep) or {}, "source", "images", ep + "/source", required=False
                )
                if src is not None:
                    allowed.setdefault(src, set()).add(ext_format)
        for i, img, p in self._objects("images"):
            m.images.extend([None] * (i - len(m.images)))
            data = self._image_bytes(i, img, p)
            header = self._image_header(data, p) if data is not None else None
            if data is None or header is None:
                m.images.append(None)
                continue
            fmt, (width, height) = header
            need = allowed.get(i, CORE_IMAGE_FORMATS | set(TEXTURE_SOURCE_EXTENSIONS.values()))
            if fmt not in need:
                needed = next((e for e, f in TEXTURE_SOURCE_EXTENSIONS.items() if f == fmt), None)
                m.error(
                    p,
                    f"{fmt.upper()} image used as a plain texture: browsers only decode PNG and JPEG there"
                    + (f" (a {fmt.upper()} texture needs the {needed} extension)" if needed else ""),
                    "save the texture as PNG or JPEG, or export with the matching texture extension",
                )
            declared = self._string(img, "mimeType", p + "/mimeType")
            if declared is not None and declared != MIME_TYPES[fmt]:
                m.warning(
                    p + "/mimeType",
                    f"Recognized image format '{MIME_TYPES[fmt]}' does not match declared image format '{declared}'.",
                    "packing corrects it; browsers look at the bytes, but other tools may not",
                )
            m.images.append((data, fmt))
            m.textures.append(TextureInfo(p, width, height, fmt))

    def _image_header(self, data: bytes, p: str) -> tuple[str, tuple[int, int]] | None:
        """(format, pixel size) of an image from its header; None when no viewer could use it."""
        m = self.m
        fmt = sniff_image(data)
        if fmt is None:
            m.error(
                p,
                f"Image format not recognized (first bytes: {data[:8].hex(' ')})",
                "save the texture as PNG or JPEG",
            )
            return None
        size = _image_size(data, fmt)
        if size == (-1, -1):
            m.error(
                p,
                f"the {fmt.upper()} image has more than 178 million pixels: no viewer can use it",
                f"save it at most {DEFAULT_MAX_TEXTURE} px on its longest side",
            )
            return None
        if size is None:
            m.error(
                p,
                f"the {fmt.upper()} image is damaged: its header cannot be read",
                "save the texture again as PNG or JPEG",
            )
            return None
        if self.max_pixels and size[0] * size[1] > self.max_pixels:
            m.error(
                p,
                f"the {fmt.upper()} texture is {size[0]}×{size[1]} = {size[0] * size[1]:,} pixels, over the "
                f"limit of {self.max_pixels:,} (max_image_pixels)",
                f"save it at most {DEFAULT_MAX_TEXTURE} px on its longest side",
            )
            return None
        return fmt, size

    def _image_bytes(self, i: int, img: JsonObject, p: str) -> bytes | None:
        """The bytes of image ``i`` from its uri or its buffer view; None when they cannot be had."""
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
            m.error(
                p + "/mimeType",
                "mimeType is required when the image is stored in a bufferView",
                "export the model again",
            )
        bv = self._ref(img["bufferView"], "bufferViews", p + "/bufferView")
        view = self._buffer_view(bv) if bv is not None else None
        if view is None:
            return None
        buffer = view.get("buffer")
        if _is_int(buffer) and self._is_fallback(buffer):
            m.error(
                p + "/bufferView",
                f"the image is in buffer {buffer}, a meshopt fallback buffer that holds no data",
                "export the model again",
            )
            return None
        return _view_bytes(m, view)

    def _check_other_references(self) -> None:
        """Indices that three.js follows while building the scene: out of range, the load fails."""
        g = self.g
        for _, node, p in self._objects("nodes"):
            for key, coll in (("mesh", "meshes"), ("skin", "skins"), ("camera", "cameras")):
                self._ref_at(node, key, coll, f"{p}/{key}", required=False)
            self._refs(node, "children", "nodes", p + "/children")
        for _, scene, p in self._objects("scenes"):
            self._refs(scene, "nodes", "nodes", p + "/nodes")
        self._ref_at(g, "scene", "scenes", "/scene", required=False)
        for _, skin, p in self._objects("skins"):
            self._ref_at(skin, "inverseBindMatrices", "accessors", p + "/inverseBindMatrices", required=False)
            self._refs(skin, "joints", "nodes", p + "/joints")
        for _, anim, p in self._objects("animations"):
            self._check_animation(anim, p)
        for _, material, p in self._objects("materials"):
            for pointer, ref in _texture_refs(material, p):
                self._ref(ref, "textures", pointer)

    def _check_animation(self, anim: JsonObject, p: str) -> None:
        samplers = self._array(anim, "samplers", p + "/samplers")
        for _, sampler, sp in self._objects_in(samplers, p + "/samplers"):
            for key in ("input", "output"):
                self._ref_at(sampler, key, "accessors", f"{sp}/{key}", required=True)
        for _, channel, cp in self._objects_in(self._array(anim, "channels", p + "/channels"), p + "/channels"):
            s = self._int(channel, "sampler", cp + "/sampler", required=True)
            if s is not None and s >= len(samplers):
                self.m.error(cp + "/sampler", f"Index {s} is not in range: the animation has {len(samplers)} samplers")
            target = self._object(channel, "target", cp + "/target") or {}
            self._ref_at(target, "node", "nodes", cp + "/target/node", required=False)


def _shown(value: object) -> str:
    """A JSON value as written, shortened for a message."""
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."


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
    """Read the model and check it; problems, including a bug of ours, end up in ``model.problems``."""
    path = Path(path)
    model = _Model(path=path, site_root=Path(site_root) if site_root is not None else path.parent)
    try:
        gltf = _read_document(model)
        if gltf is not None:
            _Checker(model, gltf, max_pixels).check()
    except Exception as exc:  # noqa: BLE001 - a bug must not stop the build; report it instead
        model.problems.append(_internal_error("reading", exc))
    return model


def inspect_model(path: Path, site_root: Path, max_pixels: int = 0) -> ModelReport:
    """Check a .glb / .gltf for what breaks viewers; never raises for bad input.

    External files (``buffers[].uri``, ``images[].uri``) must be relative, inside
    ``site_root`` and present; ``data:`` URIs are fine.  Images are checked from their
    headers only (format, pixel size), so inspecting a model with 4096 px textures is fast;
    a texture over ``max_pixels`` (0: no limit but Pillow's guard) is refused before decoding.
    """
    return _load(path, site_root, max_pixels).report()
