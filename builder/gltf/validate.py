"""The glTF 2.0 rules that decide whether a viewer loads a model, checked against what inspect.py read.

``_Checker`` walks the document in a fixed order (asset, extensions, buffers, buffer views,
accessors, meshes, images and textures, the other references) and calls the readers as it
reaches each buffer and image, so problems come out in document order and a file is read only
once its reference has passed the location rules (relative, inside the model's folder and the
site, present with the same upper/lower case).  Only structure is checked, never vertex values:
fast enough for every build.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
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

    # ---- typed access

    def _array(self, obj: JsonObject, key: str, pointer: str) -> list[Any]:
        value = obj.get(key, [])
        if not isinstance(value, list):
            self.m.error(pointer, f"'{key}' must be an array")
            return []
        return value

    def _objects(self, key: str) -> Iterator[tuple[int, JsonObject, str]]:
        """(index, object, pointer) of each entry of a top-level array; non-objects are reported."""
        for i, obj in enumerate(self._array(self.g, key, _ptr(key))):
            if isinstance(obj, dict):
                yield i, obj, _ptr(key, i)
            else:
                self.m.error(_ptr(key, i), f"{key}[{i}] must be an object")

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
        size = len(_as_list(self.g.get(collection)))
        if not _is_int(value) or not 0 <= value < size:
            shown = json.dumps(value)
            self.m.error(
                pointer,
                f"Index {shown} is not in range: there are {size} {collection}",
                "the model is inconsistent: export it again",
            )
            return None
        return value

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
        for i, name in enumerate(required):
            pointer = _ptr("extensionsRequired", i)
            if not isinstance(name, str):
                m.error(pointer, "extension names must be strings")
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
            length = self._int(buf, "byteLength", p + "/byteLength", required=True, minimum=1)
            uri = buf.get("uri")
            data: bytes | None = None
            fallback = isinstance(_as_object(buf.get("extensions")).get("EXT_meshopt_compression"), dict)
            if uri is None:
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
                data, _ = self._resolve(uri, p + "/uri")
                if data is not None and length is not None and len(data) < length:
                    m.error(
                        p + "/byteLength",
                        f"Actual data byte length ({len(data)}) is less than the declared "
                        f"buffer byte length ({length}).",
                        "the .bin file is truncated or belongs to another export: export the model again",
                    )
            m.buffers.append(data)

    def _buffer_view(self, index: int) -> JsonObject | None:
        views = self.g.get("bufferViews")
        return views[index] if isinstance(views, list) and isinstance(views[index], dict) else None

    def _check_buffer_views(self) -> None:
        m, g = self.m, self.g
        for _, view, p in self._objects("bufferViews"):
            b = self._ref(view.get("buffer"), "buffers", p + "/buffer")
            offset = self._int(view, "byteOffset", p + "/byteOffset", default=0)
            length = self._int(view, "byteLength", p + "/byteLength", required=True, minimum=1)
            stride = view.get("byteStride")
            if stride is not None and (not _is_int(stride) or not 4 <= stride <= 252 or stride % 4):
                m.error(
                    p + "/byteStride",
                    f"byteStride {json.dumps(stride)} is invalid: it must be a multiple of 4 between 4 and 252",
                    "export the model again",
                )
            if b is None or offset is None or length is None:
                continue
            buffer = g["buffers"][b]
            declared = _as_object(buffer).get("byteLength")
            if _is_int(declared) and offset + length > declared:
                m.error(
                    p + "/byteLength",
                    f"BufferView does not fit buffer ({b}) byteLength ({declared}): "
                    f"byteOffset ({offset}) + byteLength ({length}) = {offset + length}",
                    "the model is inconsistent: export it again",
                )
            ext = _as_object(view.get("extensions")).get("EXT_meshopt_compression")
            if isinstance(ext, dict):
                m.meshopt = True
                ep = p + "/extensions/EXT_meshopt_compression"
                eb = self._ref(ext.get("buffer"), "buffers", ep + "/buffer")
                eo = self._int(ext, "byteOffset", ep + "/byteOffset", default=0)
                el = self._int(ext, "byteLength", ep + "/byteLength", required=True, minimum=1)
                if eb is not None and eo is not None and el is not None:
                    edecl = _as_object(g["buffers"][eb]).get("byteLength")
                    if _is_int(edecl) and eo + el > edecl:
                        m.error(
                            ep + "/byteLength",
                            f"compressed data does not fit buffer ({eb}) byteLength "
                            f"({edecl}): byteOffset ({eo}) + byteLength ({el})",
                            "the model is inconsistent: export it again",
                        )

    def _check_accessors(self) -> None:
        m = self.m
        for _, acc, p in self._objects("accessors"):
            ctype = acc.get("componentType")
            type_ = acc.get("type")
            count = self._int(acc, "count", p + "/count", required=True, minimum=1)
            component_size: int | None = None
            if ctype not in COMPONENT_SIZES or not _is_int(ctype):
                m.error(
                    p + "/componentType",
                    f"Invalid componentType {json.dumps(ctype)}: allowed are 5120, 5121, 5122, 5123, 5125, 5126",
                    "export the model again",
                )
            else:
                component_size = COMPONENT_SIZES[ctype]
            if type_ not in TYPE_COMPONENTS:
                m.error(
                    p + "/type",
                    f"Invalid accessor type {json.dumps(type_)}: allowed are " + ", ".join(TYPE_COMPONENTS),
                    "export the model again",
                )
                type_ = None
            # (component size, element size), once both are known
            layout = (component_size, _element_size(component_size, type_)) if component_size and type_ else None
            offset = self._int(acc, "byteOffset", p + "/byteOffset", default=0)
            if "bufferView" in acc:
                bv = self._ref(acc["bufferView"], "bufferViews", p + "/bufferView")
                if bv is not None and layout is not None and count is not None and offset is not None:
                    self._fit(p, bv, offset, count, *layout, True)
            sparse = acc.get("sparse")
            if isinstance(sparse, dict) and layout is not None:
                self._check_sparse(p + "/sparse", sparse, layout)

    def _check_sparse(self, sp: str, sparse: JsonObject, layout: tuple[int, int]) -> None:
        """The indices and values of a sparse accessor fit their buffer views."""
        scount = self._int(sparse, "count", sp + "/count", required=True, minimum=1)
        for part in ("indices", "values"):
            obj = sparse.get(part)
            if not isinstance(obj, dict):
                self.m.error(f"{sp}/{part}", f"sparse.{part} is required")
                continue
            pp = f"{sp}/{part}"
            bv = self._ref(obj.get("bufferView"), "bufferViews", pp + "/bufferView")
            off = self._int(obj, "byteOffset", pp + "/byteOffset", default=0)
            if part == "indices":
                ict = obj.get("componentType")
                if ict not in SPARSE_INDEX_TYPES or not _is_int(ict):
                    self.m.error(
                        pp + "/componentType",
                        f"Invalid sparse indices componentType {json.dumps(ict)}: allowed are 5121, 5123, 5125",
                    )
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
                exts = _as_object(prim.get("extensions"))
                draco = exts.get("KHR_draco_mesh_compression")
                if isinstance(draco, dict):
                    m.draco = True
                    self._ref(
                        draco.get("bufferView"), "bufferViews", pp + "/extensions/KHR_draco_mesh_compression/bufferView"
                    )
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
            exts = _as_object(tex.get("extensions"))
            for extension, ext_format in TEXTURE_SOURCE_EXTENSIONS.items():
                if isinstance(exts.get(extension), dict) and "source" in exts[extension]:
                    src = self._ref(exts[extension]["source"], "images", f"{p}/extensions/{extension}/source")
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
            declared = img.get("mimeType")
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
        return _view_bytes(m, view)

    def _check_other_references(self) -> None:
        """Indices that three.js follows while building the scene: out of range, the load fails."""
        g = self.g
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
            samplers = _as_list(anim.get("samplers"))
            for k, sampler in enumerate(samplers):
                if isinstance(sampler, dict):
                    for key in ("input", "output"):
                        self._ref(sampler.get(key), "accessors", f"{p}/samplers/{k}/{key}")
            for k, channel in enumerate(anim.get("channels") or []):
                if isinstance(channel, dict):
                    s = channel.get("sampler")
                    if not _is_int(s) or not 0 <= s < len(samplers):
                        self.m.error(
                            f"{p}/channels/{k}/sampler",
                            f"Index {json.dumps(s)} is not in range: the animation has {len(samplers)} samplers",
                        )
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
        model.error(
            "file",
            f"internal error while reading the model: {type(exc).__name__}: {exc}",
            "please report this to the disan developers, with the model",
        )
    return model


def inspect_model(path: Path, site_root: Path, max_pixels: int = 0) -> ModelReport:
    """Check a .glb / .gltf for what breaks viewers; never raises for bad input.

    External files (``buffers[].uri``, ``images[].uri``) must be relative, inside
    ``site_root`` and present; ``data:`` URIs are fine.  Images are checked from their
    headers only (format, pixel size), so inspecting a model with 4096 px textures is fast;
    a texture over ``max_pixels`` (0: no limit but Pillow's guard) is refused before decoding.
    """
    return _load(path, site_root, max_pixels).report()
