"""Tests of builder/gltf.py: model inspection, packing into one .glb, and its cache.

Real models come from the shared corpus (skipped cleanly when it is absent); broken models
are built here with pygltflib, one fault each, next to a clean twin that must inspect with
no problem (so a checker that flags everything fails too).  When the Khronos glTF-Validator
(npm ``gltf-validator``) is available, packed outputs are also validated with it: set
``DISAN_GLTF_VALIDATOR`` to its package folder, or install it under ``tests/node``.
"""

from __future__ import annotations

import base64
import io
import json
import shutil
import struct
from pathlib import Path

import pygltflib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from builder import gltf
from builder.gltf import MODEL_VIEWER_EXTENSIONS, ModelError, cached_pack_model, inspect_model, pack_model, sniff_image
from tests.helpers import khronos_validate

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
MODELS = CORPUS / "models"

VALID = {  # file -> (triangles, texture size, texture format), as the Khronos validator reports them
    "marble_bust_01/marble_bust_01_4k.gltf": (17456, 4096, "jpeg"),
    "Avocado/Avocado.gltf": (682, 2048, "png"),
    "barrel.glb": (1148, 2048, "png"),
    "USNM_1145291_draco.glb": (100000, 2048, "jpeg"),
}


@pytest.fixture(scope="module")
def models() -> Path:
    if not MODELS.is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS} (expected models/ in it): corpus tests skipped")
    return MODELS


# ----------------------------------------------------------------------------- helpers


def glb_parts(path: Path) -> tuple[dict, bytes]:
    """(JSON, BIN chunk) of a GLB, read independently of the module under test."""
    data = path.read_bytes()
    magic, version, length = struct.unpack_from("<4sII", data, 0)
    assert (magic, version, length) == (b"glTF", 2, len(data))
    json_len, json_type = struct.unpack_from("<II", data, 12)
    assert json_type == 0x4E4F534A and json_len % 4 == 0
    doc = json.loads(data[20 : 20 + json_len])
    rest = 20 + json_len
    binary = b""
    if rest < len(data):
        bin_len, bin_type = struct.unpack_from("<II", data, rest)
        assert bin_type == 0x004E4942 and bin_len % 4 == 0 and rest + 8 + bin_len == len(data)
        binary = data[rest + 8 :]
    return doc, binary


def embedded_image(doc: dict, binary: bytes, index: int) -> Image.Image:
    view = doc["bufferViews"][doc["images"][index]["bufferView"]]
    start = view.get("byteOffset", 0)
    return Image.open(io.BytesIO(binary[start : start + view["byteLength"]]))


def image_bytes(fmt: str, size: tuple[int, int], mode: str = "RGB") -> bytes:
    """A small picture with detail (a gradient with stripes), so re-encoding is not trivial."""
    width, height = size
    im = Image.new("RGB", size)
    im.putdata(
        [
            ((x * 255) // max(width - 1, 1), (y * 255) // max(height - 1, 1), 255 * ((x // 7 + y // 5) % 2))
            for y in range(height)
            for x in range(width)
        ]
    )
    if mode != "RGB":
        im = im.convert(mode)
    out = io.BytesIO()
    im.save(out, {"png": "PNG", "jpeg": "JPEG"}[fmt], **({"quality": 90} if fmt == "jpeg" else {}))
    return out.getvalue()


def triangle_gltf(images: list[bytes | str] | None = None) -> tuple[pygltflib.GLTF2, bytes]:
    """A textured triangle: positions, UVs and uint16 indices in one buffer, one image per texture."""
    positions = struct.pack("<9f", 0, 0, 0, 1, 0, 0, 0, 1, 0)
    uvs = struct.pack("<6f", 0, 0, 1, 0, 0, 1)
    indices = struct.pack("<3H", 0, 1, 2) + b"\0\0"
    blob = positions + uvs + indices
    model = pygltflib.GLTF2(
        asset=pygltflib.Asset(version="2.0", generator="disan tests"),
        scene=0,
        scenes=[pygltflib.Scene(nodes=[0])],
        nodes=[pygltflib.Node(mesh=0)],
        meshes=[
            pygltflib.Mesh(
                primitives=[
                    pygltflib.Primitive(
                        attributes=pygltflib.Attributes(POSITION=0, TEXCOORD_0=1),
                        indices=2,
                        material=0 if images else None,
                    )
                ]
            )
        ],
        accessors=[
            pygltflib.Accessor(
                bufferView=0, componentType=pygltflib.FLOAT, count=3, type=pygltflib.VEC3, min=[0, 0, 0], max=[1, 1, 0]
            ),
            pygltflib.Accessor(bufferView=1, componentType=pygltflib.FLOAT, count=3, type=pygltflib.VEC2),
            pygltflib.Accessor(bufferView=2, componentType=pygltflib.UNSIGNED_SHORT, count=3, type=pygltflib.SCALAR),
        ],
        bufferViews=[
            pygltflib.BufferView(buffer=0, byteOffset=0, byteLength=36, target=pygltflib.ARRAY_BUFFER),
            pygltflib.BufferView(buffer=0, byteOffset=36, byteLength=24, target=pygltflib.ARRAY_BUFFER),
            pygltflib.BufferView(buffer=0, byteOffset=60, byteLength=6, target=pygltflib.ELEMENT_ARRAY_BUFFER),
        ],
        buffers=[pygltflib.Buffer(byteLength=len(blob))],
    )
    if images:
        model.materials = [
            pygltflib.Material(
                pbrMetallicRoughness=pygltflib.PbrMetallicRoughness(baseColorTexture=pygltflib.TextureInfo(index=0))
            )
        ]
        model.samplers = [pygltflib.Sampler()]
        model.textures = [pygltflib.Texture(source=i, sampler=0) for i in range(len(images))]
        if len(images) > 1:  # the other images as emissive / occlusion / normal, so every one is used
            material = model.materials[0]
            for slot, index in zip(
                ("emissiveTexture", "occlusionTexture", "normalTexture"), range(1, len(images)), strict=False
            ):
                info = (
                    pygltflib.OcclusionTextureInfo
                    if slot == "occlusionTexture"
                    else pygltflib.NormalMaterialTexture
                    if slot == "normalTexture"
                    else pygltflib.TextureInfo
                )
                setattr(material, slot, info(index=index))
    return model, blob


def write_gltf(folder: Path, images: list[bytes | str] | None = None, name: str = "model.gltf", edit=None) -> Path:
    """A .gltf + model.bin + one file per image (bytes) or the given uri (str); ``edit`` mutates first."""
    folder.mkdir(parents=True, exist_ok=True)
    model, blob = triangle_gltf(images)
    model.buffers[0].uri = "model.bin"
    (folder / "model.bin").write_bytes(blob)
    model.images = []
    for i, image in enumerate(images or []):
        if isinstance(image, str):
            model.images.append(pygltflib.Image(uri=image))
        else:
            fmt = sniff_image(image) or "bin"
            (folder / f"tex{i}.{fmt}").write_bytes(image)
            model.images.append(pygltflib.Image(uri=f"tex{i}.{fmt}"))
    if edit:
        edit(model)
    path = folder / name
    model.save_json(str(path))
    return path


def write_glb(path: Path, images: list[bytes] | None = None, edit=None) -> Path:
    """A self-contained .glb: geometry and images in the BIN chunk (images as buffer views)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    model, blob = triangle_gltf(images)
    model.images = []
    for image in images or []:
        blob += b"\0" * (-len(blob) % 4)
        model.bufferViews.append(pygltflib.BufferView(buffer=0, byteOffset=len(blob), byteLength=len(image)))
        model.images.append(
            pygltflib.Image(bufferView=len(model.bufferViews) - 1, mimeType=gltf.MIME_TYPES[sniff_image(image)])
        )
        blob += image
    model.buffers[0].byteLength = len(blob)
    if edit:
        edit(model)
    model.set_binary_blob(blob)
    model.save_binary(str(path))
    return path


def errors(report) -> list[tuple[str, str]]:
    return [(p.pointer, p.message) for p in report.errors]


def pointers(report) -> list[str]:
    return [p.pointer for p in report.errors]


# ----------------------------------------------------------------------------- corpus: inspect


@pytest.mark.parametrize("name", sorted(VALID))
def test_corpus_valid_models_inspect_clean(models: Path, name: str) -> None:
    triangles, side, fmt = VALID[name]
    report = inspect_model(models / name, models)
    assert report.errors == [], errors(report)
    assert report.triangles == triangles
    assert [(t.width, t.height, t.format) for t in report.textures] == [(side, side, fmt)] * 3
    on_disk = sum(f.stat().st_size for f in report.files)
    assert report.bytes == on_disk and report.files[0] == models / name
    assert len(report.files) == (1 if name.endswith(".glb") else 5)  # .gltf + .bin + 3 textures


def test_corpus_invalid_glb_reports_the_length_mismatch(models: Path) -> None:
    path = models / "invalid" / "length_mismatch.glb"
    expected = json.loads((models / "invalid" / "length_mismatch.glb.report.json").read_text())
    report = inspect_model(path, models)
    assert len(report.errors) == 1 == expected["issues"]["numErrors"]
    problem = report.errors[0]
    assert problem.pointer == "GLB header"
    assert problem.message == expected["issues"]["messages"][0]["message"]  # the validator's wording
    assert "(49)" in problem.message and "(48)" in problem.message
    assert problem.hint


def test_corpus_draco_model_requires_a_supported_extension(models: Path) -> None:
    report = inspect_model(models / "USNM_1145291_draco.glb", models)
    assert report.extensions_required == ("KHR_draco_mesh_compression",)
    assert "KHR_draco_mesh_compression" in MODEL_VIEWER_EXTENSIONS
    assert report.draco and not report.meshopt
    assert report.decoders == ("draco",)
    assert report.errors == []


# ----------------------------------------------------------------------------- corpus: pack


@pytest.fixture(scope="module")
def packed(models: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple]:
    out = tmp_path_factory.mktemp("packed")
    results = {}
    for name in ("marble_bust_01/marble_bust_01_4k.gltf", "Avocado/Avocado.gltf"):
        target = out / (Path(name).stem + ".glb")
        results[name] = (pack_model(models / name, target, 2048, site_root=models), target)
    return results


@pytest.mark.parametrize("name", ["marble_bust_01/marble_bust_01_4k.gltf", "Avocado/Avocado.gltf"])
def test_pack_multi_file_model_into_one_clean_glb(models: Path, packed, name: str, tmp_path: Path) -> None:
    result, target = packed[name]
    alone = tmp_path / "alone" / target.name  # alone in an empty folder: nothing else to find
    alone.parent.mkdir()
    shutil.copyfile(target, alone)
    report = inspect_model(alone, alone.parent)
    assert report.errors == [] and report.warnings == [], errors(report)
    assert report.files == (alone,)
    assert report.triangles == result.triangles == VALID[name][0]
    assert all(max(t.width, t.height) <= 2048 for t in report.textures) and len(report.textures) == 3
    doc, binary = glb_parts(alone)
    assert len(doc["buffers"]) == 1 and "uri" not in doc["buffers"][0]
    assert doc["buffers"][0]["byteLength"] <= len(binary) <= doc["buffers"][0]["byteLength"] + 3
    assert all("uri" not in img and img["mimeType"] == gltf.MIME_TYPES[VALID[name][2]] for img in doc["images"])
    assert all(view.get("byteOffset", 0) % 4 == 0 for view in doc["bufferViews"])
    assert result.bytes_before == inspect_model(models / name, models).bytes
    assert result.bytes_after == alone.stat().st_size and result.rewritten


def test_pack_shrinks_4k_textures_keeping_format_and_mode(models: Path, packed) -> None:
    result, target = packed["marble_bust_01/marble_bust_01_4k.gltf"]
    assert [(t.pointer, t.before, t.after) for t in result.textures_resized] == [
        (f"/images/{i}", (4096, 4096), (2048, 2048)) for i in range(3)
    ]
    doc, binary = glb_parts(target)
    source = json.loads((models / "marble_bust_01" / "marble_bust_01_4k.gltf").read_text())
    for i, image in enumerate(source["images"]):
        with Image.open(models / "marble_bust_01" / image["uri"]) as original:
            mode = original.mode
        small = embedded_image(doc, binary, i)
        assert (small.format, small.mode, small.size) == ("JPEG", mode, (2048, 2048))
    assert {Image.open(models / "marble_bust_01" / img["uri"]).mode for img in source["images"]} == {"RGB", "L"}
    assert result.bytes_after < result.bytes_before / 2  # 5.8 MB -> ~2 MB


def test_pack_avocado_keeps_textures_at_the_limit_untouched(models: Path, packed) -> None:
    result, target = packed["Avocado/Avocado.gltf"]
    assert result.textures_resized == ()
    doc, binary = glb_parts(target)
    source = json.loads((models / "Avocado" / "Avocado.gltf").read_text())
    for i, image in enumerate(source["images"]):
        view = doc["bufferViews"][doc["images"][i]["bufferView"]]
        start = view["byteOffset"]
        assert binary[start : start + view["byteLength"]] == (models / "Avocado" / image["uri"]).read_bytes()


def test_packed_corpus_models_pass_the_khronos_validator(models: Path, packed, tmp_path: Path) -> None:
    files = [target for _, target in packed.values()]
    draco = pack_model(models / "USNM_1145291_draco.glb", tmp_path / "draco.glb", 1024, site_root=models)
    files.append(draco.path)
    reports = khronos_validate(files, tmp_path)
    for file in files:
        report = reports[str(file)]
        assert report["errors"] == 0, report["messages"]
    assert reports[str(draco.path)]["info"]["totalTriangleCount"] == 100000


def test_pack_rewrites_draco_glb_without_touching_compressed_geometry(models: Path, tmp_path: Path) -> None:
    source = models / "USNM_1145291_draco.glb"
    result = pack_model(source, tmp_path / "out.glb", 1024, site_root=models)
    assert result.rewritten and len(result.textures_resized) == 3
    before_doc, before_bin = glb_parts(source)
    after_doc, after_bin = glb_parts(result.path)
    assert after_doc["extensionsRequired"] == ["KHR_draco_mesh_compression"]
    index = before_doc["meshes"][0]["primitives"][0]["extensions"]["KHR_draco_mesh_compression"]["bufferView"]
    assert after_doc["meshes"] == before_doc["meshes"] and after_doc["accessors"] == before_doc["accessors"]

    def view_bytes(doc: dict, binary: bytes) -> bytes:
        view = doc["bufferViews"][index]
        return binary[view.get("byteOffset", 0) : view.get("byteOffset", 0) + view["byteLength"]]

    assert view_bytes(after_doc, after_bin) == view_bytes(before_doc, before_bin)
    report = inspect_model(result.path, tmp_path)
    assert report.errors == [] and report.draco and report.triangles == 100000
    assert {(t.width, t.height) for t in report.textures} == {(1024, 1024)}


def test_pack_copies_a_self_contained_glb_that_needs_no_change(models: Path, tmp_path: Path) -> None:
    source = models / "barrel.glb"
    result = pack_model(source, tmp_path / "barrel.glb", 2048, site_root=models)
    assert not result.rewritten and result.textures_resized == ()
    assert result.path.read_bytes() == source.read_bytes()
    assert result.bytes_before == result.bytes_after == source.stat().st_size


# ----------------------------------------------------------------------------- synthetic: clean twins


def test_synthetic_models_are_clean(tmp_path: Path) -> None:
    """The baselines the broken variants start from: no problem at all."""
    path = write_gltf(tmp_path / "a", [image_bytes("png", (16, 8))])
    assert inspect_model(path, tmp_path).problems == ()
    glb = write_glb(tmp_path / "b" / "m.glb", [image_bytes("jpeg", (16, 8))])
    report = inspect_model(glb, tmp_path)
    assert report.problems == () and report.triangles == 1
    assert report.textures[0].format == "jpeg" and (report.textures[0].width, report.textures[0].height) == (16, 8)


def test_synthetic_baselines_pass_the_khronos_validator(tmp_path: Path) -> None:
    glb = write_glb(tmp_path / "m.glb", [image_bytes("png", (16, 8))])
    packed = pack_model(write_gltf(tmp_path / "g", [image_bytes("jpeg", (40, 20))]), tmp_path / "p.glb", 16)
    reports = khronos_validate([glb, packed.path], tmp_path)
    assert [reports[str(f)]["errors"] for f in (glb, packed.path)] == [0, 0], reports


# ----------------------------------------------------------------------------- synthetic: one fault each


def test_accessor_past_the_end_of_its_buffer_view(tmp_path: Path) -> None:
    def edit(model):
        model.accessors[0].count = 4  # 4 VEC3 floats = 48 bytes in a 36-byte view

    report = inspect_model(write_gltf(tmp_path, edit=edit), tmp_path)
    assert pointers(report) == ["/accessors/0/count"]
    assert "does not fit referenced bufferView [0] length 36" in report.errors[0].message


def test_accessor_byte_offset_past_the_end_through_stride(tmp_path: Path) -> None:
    def edit(model):
        model.bufferViews[0].byteStride = 16  # 3 elements at stride 16 need 44 bytes, the view has 36

    report = inspect_model(write_gltf(tmp_path, edit=edit), tmp_path)
    assert pointers(report) == ["/accessors/0/count"]


def test_invalid_component_type_and_type(tmp_path: Path) -> None:
    def edit(model):
        model.accessors[1].componentType = 5124  # signed int does not exist in glTF 2.0
        model.accessors[2].type = "VEC5"

    report = inspect_model(write_gltf(tmp_path, edit=edit), tmp_path)
    assert pointers(report) == ["/accessors/1/componentType", "/accessors/2/type"]


def test_buffer_view_past_the_end_of_its_buffer(tmp_path: Path) -> None:
    def edit(model):
        model.bufferViews[2].byteLength = 40

    report = inspect_model(write_gltf(tmp_path, edit=edit), tmp_path)
    assert "/bufferViews/2/byteLength" in pointers(report)


def test_bin_file_shorter_than_declared(tmp_path: Path) -> None:
    path = write_gltf(tmp_path)
    (tmp_path / "model.bin").write_bytes((tmp_path / "model.bin").read_bytes()[:50])
    report = inspect_model(path, tmp_path)
    assert pointers(report) == ["/buffers/0/byteLength"]
    assert "Actual data byte length (50) is less than the declared buffer byte length (68)." == report.errors[0].message


def test_missing_texture_file_suggests_the_close_name(tmp_path: Path) -> None:
    path = write_gltf(tmp_path, [image_bytes("png", (8, 8))])
    (tmp_path / "tex0.png").rename(tmp_path / "tex_0.png")
    report = inspect_model(path, tmp_path)
    assert pointers(report) == ["/images/0/uri"]
    assert "missing file 'tex0.png'" in report.errors[0].message
    assert "tex_0.png" in report.errors[0].hint


def test_uri_escaping_the_site_root(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (tmp_path / "secret.png").write_bytes(image_bytes("png", (8, 8)))  # exists, but outside the site
    path = write_gltf(site, ["../secret.png"])
    report = inspect_model(path, site)
    assert pointers(report) == ["/images/0/uri"]
    assert "'../secret.png' leads outside the model's folder" in report.errors[0].message
    # a file of the site but outside the model's folder (like the site's .git/config) is refused too
    (site / "shared").mkdir()
    shutil.copyfile(tmp_path / "secret.png", site / "shared" / "t.png")
    inner = write_gltf(site / "models", ["../shared/t.png"])
    assert "'../shared/t.png' leads outside the model's folder" in inspect_model(inner, site).errors[0].message
    # a sub-folder of the model's folder is fine
    (site / "models" / "textures").mkdir()
    shutil.copyfile(tmp_path / "secret.png", site / "models" / "textures" / "t.png")
    assert inspect_model(write_gltf(site / "models", ["textures/t.png"]), site).problems == ()


def test_texture_linked_out_of_the_model_folder_is_refused(tmp_path: Path) -> None:
    site = tmp_path / "site"
    path = write_gltf(site, [image_bytes("png", (8, 8))])
    (tmp_path / "secret.png").write_bytes(image_bytes("png", (8, 8)))
    (site / "tex0.png").unlink()
    (site / "tex0.png").symlink_to(tmp_path / "secret.png")
    report = inspect_model(path, site)
    assert pointers(report) == ["/images/0/uri"]
    assert f"'tex0.png' is a link to '{tmp_path / 'secret.png'}'" in report.errors[0].message
    with pytest.raises(ModelError):
        pack_model(path, tmp_path / "out.glb", site_root=site)


def test_remote_uri(tmp_path: Path) -> None:
    report = inspect_model(write_gltf(tmp_path, ["https://example.org/wood.png"]), tmp_path)
    assert pointers(report) == ["/images/0/uri"]
    assert "internet" in report.errors[0].message and "offline" in report.errors[0].hint


def test_remote_buffer_and_absolute_paths(tmp_path: Path) -> None:
    def edit(model):
        model.buffers[0].uri = "http://example.org/model.bin"

    assert pointers(inspect_model(write_gltf(tmp_path / "a", edit=edit), tmp_path)) == ["/buffers/0/uri"]
    for uri in ("/home/curator/wood.png", "file:///C:/scans/wood.png", "C:/scans/wood.png"):
        report = inspect_model(write_gltf(tmp_path / "b", [uri]), tmp_path)
        assert pointers(report) == ["/images/0/uri"] and "absolute" in report.errors[0].message, uri


def test_upper_lower_case_mismatch(tmp_path: Path) -> None:
    path = write_gltf(tmp_path, ["Wood.PNG"])
    (tmp_path / "wood.png").write_bytes(image_bytes("png", (8, 8)))
    report = inspect_model(path, tmp_path)
    assert pointers(report) == ["/images/0/uri"]  # missing on Linux, wrong case on Windows/macOS
    problem = report.errors[0]
    assert "wood.png" in problem.hint + problem.message and "case" in problem.hint + problem.message


def test_data_uris_are_allowed_and_packed(tmp_path: Path) -> None:
    import base64

    png = image_bytes("png", (12, 6))

    def edit(model):
        blob = (tmp_path / "model.bin").read_bytes()
        model.buffers[0].uri = "data:application/octet-stream;base64," + base64.b64encode(blob).decode()
        model.images[0].uri = "data:image/png;base64," + base64.b64encode(png).decode()

    path = write_gltf(tmp_path, [png], edit=edit)
    (tmp_path / "model.bin").unlink()
    (tmp_path / "tex0.png").unlink()
    report = inspect_model(path, tmp_path)
    assert report.problems == () and report.files == (path,)
    result = pack_model(path, tmp_path / "out.glb")
    doc, binary = glb_parts(result.path)
    assert "uri" not in doc["buffers"][0] and doc["images"][0]["mimeType"] == "image/png"
    assert embedded_image(doc, binary, 0).size == (12, 6)


def test_unsupported_required_extension(tmp_path: Path) -> None:
    def edit(model):
        model.extensionsUsed = ["KHR_texture_transform", "ADOBE_materials_thin_transparency"]
        model.extensionsRequired = ["KHR_texture_transform", "ADOBE_materials_thin_transparency"]

    report = inspect_model(write_gltf(tmp_path, edit=edit), tmp_path)
    assert pointers(report) == ["/extensionsRequired/1"]
    assert "ADOBE_materials_thin_transparency" in report.errors[0].message
    assert report.extensions_required == ("KHR_texture_transform", "ADOBE_materials_thin_transparency")


def test_bad_json_reports_line_and_column(tmp_path: Path) -> None:
    path = write_gltf(tmp_path)
    text = json.dumps(json.loads(path.read_text()), indent=2).replace('"scene": 0,', '"scene": 0', 1)
    path.write_text(text)
    line = text.splitlines().index('  "scene": 0') + 2  # the error is seen at the next key
    report = inspect_model(path, tmp_path)
    assert pointers(report) == ["JSON"]
    assert f"line {line}, column 3" in report.errors[0].message and "delimiter" in report.errors[0].message


def test_json_that_is_not_an_object_and_bad_version(tmp_path: Path) -> None:
    (tmp_path / "list.gltf").write_text("[1, 2]")
    assert pointers(inspect_model(tmp_path / "list.gltf", tmp_path)) == ["JSON"]

    def edit(model):
        model.asset.version = "1.0"

    assert pointers(inspect_model(write_gltf(tmp_path / "v", edit=edit), tmp_path)) == ["/asset/version"]


def test_index_out_of_range(tmp_path: Path) -> None:
    def edit(model):
        model.meshes[0].primitives[0].attributes.POSITION = 7
        model.textures[0].source = 3

    report = inspect_model(write_gltf(tmp_path, [image_bytes("png", (8, 8))], edit=edit), tmp_path)
    assert pointers(report) == ["/meshes/0/primitives/0/attributes/POSITION", "/textures/0/source"]


def test_ktx2_or_webp_without_their_extension(tmp_path: Path) -> None:
    ktx2 = b"\xabKTX 20\xbb\r\n\x1a\n" + struct.pack("<IIIII", 0, 1, 64, 32, 0) + b"\0" * 60
    path = write_gltf(tmp_path / "a", [ktx2])
    report = inspect_model(path, tmp_path)
    assert pointers(report) == ["/images/0"] and "KHR_texture_basisu" in report.errors[0].message
    assert report.textures[0].format == "ktx2" and report.textures[0].width == 64

    def with_extension(model):  # the same image through KHR_texture_basisu is fine
        model.textures[0].source = None
        model.textures[0].extensions = {"KHR_texture_basisu": {"source": 0}}
        model.extensionsUsed = model.extensionsRequired = ["KHR_texture_basisu"]

    report = inspect_model(write_gltf(tmp_path / "b", [ktx2], edit=with_extension), tmp_path)
    assert report.problems == () and report.decoders == ("ktx2",)
    webp = io.BytesIO()
    Image.new("RGB", (8, 8)).save(webp, "WEBP")
    assert pointers(inspect_model(write_gltf(tmp_path / "c", [webp.getvalue()]), tmp_path)) == ["/images/0"]


def test_unrecognised_image_bytes(tmp_path: Path) -> None:
    path = write_gltf(tmp_path, [b"GIF89a" + b"\0" * 20])
    report = inspect_model(path, tmp_path)
    assert pointers(report) == ["/images/0"] and "not recognized" in report.errors[0].message


def test_wrong_mime_type_is_a_warning_that_packing_fixes(tmp_path: Path) -> None:
    def edit(model):
        model.images[0].mimeType = "image/png"

    glb = write_glb(tmp_path / "m.glb", [image_bytes("jpeg", (8, 8))], edit=edit)
    report = inspect_model(glb, tmp_path)
    assert report.errors == [] and [p.pointer for p in report.warnings] == ["/images/0/mimeType"]
    result = pack_model(glb, tmp_path / "out.glb", 4)
    assert glb_parts(result.path)[0]["images"][0]["mimeType"] == "image/jpeg"
    assert inspect_model(result.path, tmp_path).problems == ()


# ----------------------------------------------------------------------------- GLB framing


def test_glb_framing_faults(tmp_path: Path) -> None:
    good = write_glb(tmp_path / "good.glb").read_bytes()
    json_len = struct.unpack_from("<I", good, 12)[0]
    cases = {
        "short.glb": (good[:10], "GLB header", "Unexpected end of header"),
        "magic.glb": (b"glTX" + good[4:], "GLB header", "Invalid GLB magic"),
        "version.glb": (good[:4] + struct.pack("<I", 1) + good[8:], "GLB header", "Invalid GLB version value 1"),
        "truncated.glb": (
            good[:-8],
            "GLB header",
            f"Declared length ({len(good)}) does not match GLB length ({len(good) - 8}).",
        ),
        "unaligned.glb": (
            good[:12] + struct.pack("<I", json_len - 1) + good[16:],
            "GLB JSON chunk",
            "not aligned to 4-byte boundaries",
        ),
        "first_bin.glb": (
            good[:16] + struct.pack("<I", 0x004E4942) + good[20:],
            "GLB BIN chunk",
            "First chunk must be of JSON type",
        ),
    }
    for name, (data, pointer, words) in cases.items():
        (tmp_path / name).write_bytes(data)
        report = inspect_model(tmp_path / name, tmp_path)
        assert report.errors, name
        assert report.errors[0].pointer == pointer and words in report.errors[0].message, (name, errors(report))


def test_glb_json_chunk_with_bad_json(tmp_path: Path) -> None:
    good = write_glb(tmp_path / "good.glb").read_bytes()
    json_len = struct.unpack_from("<I", good, 12)[0]
    chunk = good[20 : 20 + json_len].replace(b'"asset":', b'"asset" ', 1)  # same length, bad syntax
    broken = good[:20] + chunk + good[20 + json_len :]
    (tmp_path / "bad.glb").write_bytes(broken)
    report = inspect_model(tmp_path / "bad.glb", tmp_path)
    assert pointers(report) == ["GLB JSON chunk"] and "line 1, column" in report.errors[0].message


def test_inspect_never_raises(tmp_path: Path) -> None:
    (tmp_path / "empty.glb").write_bytes(b"")
    (tmp_path / "empty.gltf").write_bytes(b"")
    (tmp_path / "binary.gltf").write_bytes(bytes(range(256)))
    (tmp_path / "weird.gltf").write_text(
        '{"asset": {"version": "2.0"}, "buffers": 5, "accessors": [1, null],'
        ' "meshes": [{"primitives": [{"attributes": [], "mode": 9}]}],'
        ' "images": [{"uri": 3}], "bufferViews": [{"buffer": "x"}]}'
    )
    for name in ("empty.glb", "empty.gltf", "binary.gltf", "weird.gltf", "absent.glb"):
        report = inspect_model(tmp_path / name, tmp_path)
        assert report.errors, name
        assert not any("internal error" in p.message for p in report.problems), (name, errors(report))


# ----------------------------------------------------------------------------- packing: synthetic


def test_pack_refuses_a_model_with_errors(tmp_path: Path) -> None:
    path = write_gltf(tmp_path, ["missing.png"])
    with pytest.raises(ModelError) as caught:
        pack_model(path, tmp_path / "out.glb")
    assert [p.pointer for p in caught.value.problems] == ["/images/0/uri"]
    assert not (tmp_path / "out.glb").exists()


@pytest.mark.parametrize(
    "fmt,mode", [("png", "RGBA"), ("png", "LA"), ("png", "L"), ("png", "P"), ("jpeg", "L"), ("jpeg", "RGB")]
)
def test_pack_shrinks_keeping_format_and_pixel_mode(tmp_path: Path, fmt: str, mode: str) -> None:
    path = write_gltf(tmp_path, [image_bytes(fmt, (100, 40), mode), image_bytes(fmt, (30, 30), mode)])
    result = pack_model(path, tmp_path / "out.glb", 50)
    assert [(t.pointer, t.before, t.after) for t in result.textures_resized] == [("/images/0", (100, 40), (50, 20))]
    doc, binary = glb_parts(result.path)
    small, kept = embedded_image(doc, binary, 0), embedded_image(doc, binary, 1)
    expected_mode = "RGB" if mode == "P" else mode  # a palette cannot be filtered: widened, still PNG
    assert (small.format, small.mode, small.size) == (fmt.upper(), expected_mode, (50, 20))
    assert (kept.format, kept.size) == (fmt.upper(), (30, 30))
    assert inspect_model(result.path, tmp_path).problems == ()


def test_pack_shares_one_buffer_view_for_a_file_used_twice(tmp_path: Path) -> None:
    png = image_bytes("png", (8, 8))

    def edit(model):
        model.images[1].uri = model.images[0].uri

    path = write_gltf(tmp_path, [png, png], edit=edit)
    doc, _ = glb_parts(pack_model(path, tmp_path / "out.glb").path)
    assert doc["images"][0]["bufferView"] == doc["images"][1]["bufferView"]


def test_pack_preserves_json_it_does_not_need_to_change(tmp_path: Path) -> None:
    def edit(model):
        model.extras = {"museum": "Bảo tàng Lịch sử"}
        model.nodes[0].name = "Trống đồng"
        model.images[0].name = "albedo"

    path = write_gltf(tmp_path, [image_bytes("jpeg", (8, 8))], edit=edit)
    source = json.loads(path.read_text())
    doc, _ = glb_parts(pack_model(path, tmp_path / "out.glb").path)
    for key in ("asset", "extras", "nodes", "meshes", "accessors", "materials", "textures", "scenes", "samplers"):
        assert doc[key] == source[key], key
    assert doc["images"][0]["name"] == "albedo" and "uri" not in doc["images"][0]
    expected_keys = [new for k in source["images"][0] for new in (["bufferView", "mimeType"] if k == "uri" else [k])]
    assert list(doc["images"][0]) == expected_keys  # uri replaced where it was


def test_pack_meshopt_compressed_views_keep_their_bytes(tmp_path: Path) -> None:
    """EXT_meshopt_compression: the compressed bytes (here in their own .bin, buffer 2) move into
    the BIN chunk untouched and the extension is re-pointed; the fallback buffer (no data)
    stays a buffer without uri."""
    compressed = bytes(range(7)) * 3  # 21 bytes: not a multiple of 4 on purpose
    (tmp_path / "compressed.bin").write_bytes(b"padding" + compressed)

    def edit(model):
        model.buffers.append(
            pygltflib.Buffer(byteLength=36, extensions={"EXT_meshopt_compression": {"fallback": True}})
        )
        model.buffers.append(pygltflib.Buffer(uri="compressed.bin", byteLength=28))
        model.bufferViews[0].buffer = 1
        model.bufferViews[0].extensions = {
            "EXT_meshopt_compression": {
                "buffer": 2,
                "byteOffset": 7,
                "byteLength": len(compressed),
                "byteStride": 12,
                "count": 3,
                "mode": "ATTRIBUTES",
            }
        }
        model.extensionsUsed = model.extensionsRequired = ["EXT_meshopt_compression"]

    with pytest.warns(UserWarning, match="buffer 1 is empty"):  # pygltflib, about the fallback buffer
        path = write_gltf(tmp_path, edit=edit)
    report = inspect_model(path, tmp_path)
    assert report.problems == () and report.meshopt and report.decoders == ("meshopt",)
    doc, binary = glb_parts(pack_model(path, tmp_path / "out.glb").path)
    ext = doc["bufferViews"][0]["extensions"]["EXT_meshopt_compression"]
    assert ext["buffer"] == 0 and binary[ext["byteOffset"] : ext["byteOffset"] + 21] == compressed
    assert ext["byteOffset"] % 4 == 3  # same alignment as in the source buffer
    assert doc["bufferViews"][0]["buffer"] == 1
    assert doc["buffers"][1:] == [{"byteLength": 36, "extensions": {"EXT_meshopt_compression": {"fallback": True}}}]
    assert inspect_model(tmp_path / "out.glb", tmp_path).problems == ()


def _align4(n: int) -> int:
    return (n + 3) & ~3


def test_pack_keeps_odd_buffer_view_offsets_modulo_4(tmp_path: Path) -> None:
    """A buffer view at offset 2 with a ubyte accessor at +2 and a ushort at +0 must stay aligned."""

    def edit(model):
        blob = (tmp_path / "model.bin").read_bytes()
        (tmp_path / "model.bin").write_bytes(blob[:60] + b"\0\0" + blob[60:66] + b"\0\0")
        model.buffers[0].byteLength = 70
        model.bufferViews[2].byteOffset = 62

    path = write_gltf(tmp_path, edit=edit)
    assert inspect_model(path, tmp_path).problems == ()
    doc, binary = glb_parts(pack_model(path, tmp_path / "out.glb").path)
    offset = doc["bufferViews"][2]["byteOffset"]
    assert offset % 2 == 0 and binary[offset : offset + 6] == struct.pack("<3H", 0, 1, 2)


# ----------------------------------------------------------------------------- determinism and cache


def test_pack_is_deterministic(tmp_path: Path) -> None:
    path = write_gltf(tmp_path / "m", [image_bytes("jpeg", (90, 60)), image_bytes("png", (70, 35), "RGBA")])
    first = pack_model(path, tmp_path / "a" / "one.glb", 32)
    second = pack_model(path, tmp_path / "b" / "two.glb", 32)
    assert len(first.textures_resized) == 2
    assert first.path.read_bytes() == second.path.read_bytes()
    other = pack_model(path, tmp_path / "c.glb", 48)  # the setting matters
    assert other.path.read_bytes() != first.path.read_bytes()


def test_cache_hit_is_a_no_op(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    path = write_gltf(site / "models", [image_bytes("jpeg", (90, 60))])
    cache = tmp_path / "cache"
    first = cached_pack_model(path, cache, site, 32)
    assert first.path.parent == cache and first.path.suffix == ".glb" and first.rewritten
    stamp = first.path.stat().st_mtime_ns
    assert sorted(p.suffix for p in cache.iterdir()) == [".glb", ".json"]  # no temporary left behind

    def fail(*args, **kwargs):
        raise AssertionError("a cache hit must not pack again")

    monkeypatch.setattr(gltf, "_pack", fail)
    again = cached_pack_model(path, cache, site, 32)
    assert again == first and again.path.stat().st_mtime_ns == stamp
    # any input file or setting that changes is a miss
    with pytest.raises(AssertionError, match="must not pack again"):
        cached_pack_model(path, cache, site, 64)
    (site / "models" / "tex0.jpeg").write_bytes(image_bytes("jpeg", (91, 60)))
    with pytest.raises(AssertionError, match="must not pack again"):
        cached_pack_model(path, cache, site, 32)


def test_cache_refuses_invalid_models_and_leaves_nothing(tmp_path: Path) -> None:
    path = write_gltf(tmp_path / "site", ["https://example.org/x.png"])
    with pytest.raises(ModelError):
        cached_pack_model(path, tmp_path / "cache", tmp_path / "site")
    assert not any((tmp_path / "cache").glob("*.glb"))


def test_model_problem_becomes_a_site_problem() -> None:
    problem = gltf.ModelProblem("/images/0/uri", "missing file 'a.png'", "check the name")
    site = problem.to_problem("content/exhibits/td01.md", 12, "assets/models/td01.gltf")
    assert (site.file, site.line, site.level, site.hint) == ("content/exhibits/td01.md", 12, "error", "check the name")
    assert site.message == "assets/models/td01.gltf: /images/0/uri: missing file 'a.png'"


def test_texture_over_max_image_pixels_is_refused_from_its_header(tmp_path: Path) -> None:
    path = write_gltf(tmp_path, [image_bytes("png", (64, 64))])
    report = inspect_model(path, tmp_path, max_pixels=1000)
    assert pointers(report) == ["/images/0"]
    assert report.errors[0].message == (
        "the PNG texture is 64×64 = 4,096 pixels, over the limit of 1,000 (max_image_pixels)"
    )
    assert inspect_model(path, tmp_path).problems == ()


# ----------------------------------------------------------------------------- wrong JSON types


def minimal_gltf() -> tuple[dict, bytes]:
    """A valid textured triangle as plain JSON (one data: buffer, one image in a buffer view), and its PNG."""
    png = image_bytes("png", (16, 8))
    geometry = struct.pack("<9f", 0, 0, 0, 1, 0, 0, 0, 1, 0) + struct.pack("<3H", 0, 1, 2) + b"\0\0"
    blob = geometry + png + b"\0" * (-len(png) % 4)
    uri = "data:application/octet-stream;base64," + base64.b64encode(blob).decode()
    doc = {
        "asset": {"version": "2.0"},
        "scene": 0,
        "scenes": [{"nodes": [0]}],
        "nodes": [{"mesh": 0, "children": [1]}, {"name": "child"}],
        "meshes": [{"primitives": [{"attributes": {"POSITION": 0}, "indices": 1, "material": 0}]}],
        "materials": [{"pbrMetallicRoughness": {"baseColorTexture": {"index": 0}}}],
        "textures": [{"source": 0, "sampler": 0}],
        "samplers": [{}],
        "images": [{"bufferView": 2, "mimeType": "image/png"}],
        "accessors": [
            {"bufferView": 0, "componentType": 5126, "count": 3, "type": "VEC3", "min": [0, 0, 0], "max": [1, 1, 0]},
            {"bufferView": 1, "componentType": 5123, "count": 3, "type": "SCALAR"},
        ],
        "bufferViews": [
            {"buffer": 0, "byteOffset": 0, "byteLength": 36},
            {"buffer": 0, "byteOffset": 36, "byteLength": 6},
            {"buffer": 0, "byteOffset": 44, "byteLength": len(png)},
        ],
        "buffers": [{"uri": uri, "byteLength": len(blob)}],
    }
    return doc, png


def set_at(doc: dict, path: tuple, value: object) -> None:
    """``doc`` with the value at ``path`` replaced (or appended, when the index is one past the end)."""
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    if isinstance(parent, list) and path[-1] == len(parent):
        parent.append(value)
    else:
        parent[path[-1]] = value


MESHOPT_FALLBACK = {"byteLength": 8, "extensions": {"EXT_meshopt_compression": {"fallback": True}}}

WRONG_TYPES = {  # what the mutation does -> (edits, pointer of the problem, words of its message)
    "componentType []": ([(("accessors", 0, "componentType"), [])], "/accessors/0/componentType", "an integer"),
    "type {}": ([(("accessors", 1, "type"), {})], "/accessors/1/type", "a string"),
    "children 5": ([(("nodes", 0, "children"), 5)], "/nodes/0/children", "an array"),
    "joints 3": ([(("skins",), [{"joints": 3}])], "/skins/0/joints", "an array"),
    "scene nodes of strings": ([(("scenes", 0, "nodes"), ["0"])], "/scenes/0/nodes/0", "an integer index"),
    "targets 1.5": ([(("meshes", 0, "primitives", 0, "targets"), 1.5)], "/meshes/0/primitives/0/targets", "an array"),
    "bufferView extensions string": (
        [(("bufferViews", 0, "extensions"), "x")],
        "/bufferViews/0/extensions",
        "an object",
    ),
    "byteOffset null": ([(("bufferViews", 1, "byteOffset"), None)], "/bufferViews/1/byteOffset", "an integer"),
    "texture source string": ([(("textures", 0, "source"), "0")], "/textures/0/source", "an integer index"),
    "mimeType number": ([(("images", 0, "mimeType"), 5)], "/images/0/mimeType", "a string"),
    "sparse list": ([(("accessors", 0, "sparse"), [])], "/accessors/0/sparse", "an object"),
    "image in a meshopt fallback buffer": (
        [(("buffers", 1), MESHOPT_FALLBACK), (("bufferViews", 2), {"buffer": 1, "byteLength": 8})],
        "/images/0/bufferView",
        "meshopt fallback buffer",
    ),
    "meshopt data in a fallback buffer": (
        [
            (("buffers", 1), MESHOPT_FALLBACK),
            (("bufferViews", 1, "extensions"), {"EXT_meshopt_compression": {"buffer": 1, "byteLength": 4}}),
        ],
        "/bufferViews/1/extensions/EXT_meshopt_compression/buffer",
        "meshopt fallback buffer",
    ),
}


@pytest.mark.parametrize("case", sorted(WRONG_TYPES))
def test_wrong_json_type_is_a_problem_at_its_pointer(tmp_path: Path, case: str) -> None:
    doc, _ = minimal_gltf()
    (tmp_path / "good.gltf").write_text(json.dumps(doc))
    assert inspect_model(tmp_path / "good.gltf", tmp_path).problems == ()
    edits, pointer, words = WRONG_TYPES[case]
    for path, value in edits:
        set_at(doc, path, value)
    (tmp_path / "bad.gltf").write_text(json.dumps(doc))
    report = inspect_model(tmp_path / "bad.gltf", tmp_path)
    assert len(report.errors) == 1 and report.errors[0].pointer == pointer, errors(report)
    assert words in report.errors[0].message, errors(report)
    with pytest.raises(ModelError) as refused:
        pack_model(tmp_path / "bad.gltf", tmp_path / "out.glb", site_root=tmp_path)
    assert refused.value.problems == tuple(report.errors)


def json_paths(value: object, prefix: tuple = ()) -> list[tuple]:
    """The path of every value inside a JSON document (the root excluded)."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    else:
        items = []
    for key, item in items:
        found += json_paths(item, (*prefix, key))
    return found


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 70000)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["index", "buffer", "x"]), inner, max_size=2)
    ),
    max_leaves=4,
)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_models_never_crash_inspect_or_pack(tmp_path: Path, data: st.DataObject) -> None:
    doc, _ = minimal_gltf()
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        path = data.draw(st.sampled_from(json_paths(doc)), label="path")
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        if isinstance(parent, dict) and data.draw(st.booleans(), label="delete"):
            del parent[path[-1]]
        else:
            parent[path[-1]] = data.draw(JSON_VALUES, label="value")
    (tmp_path / "m.gltf").write_text(json.dumps(doc))
    report = inspect_model(tmp_path / "m.gltf", tmp_path)
    assert not any("internal error" in p.message for p in report.problems), errors(report)
    try:
        pack_model(tmp_path / "m.gltf", tmp_path / "out.glb", 4, site_root=tmp_path)
    except ModelError as refused:
        assert report.errors, refused.problems  # only a model the checker refuses is refused
        assert refused.problems == tuple(report.errors)
    else:
        assert report.ok


def test_a_packer_bug_is_a_model_error_not_a_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc, _ = minimal_gltf()
    (tmp_path / "m.gltf").write_text(json.dumps(doc))

    def broken(*_args: object) -> None:
        raise KeyError("buffer")

    monkeypatch.setattr(gltf.pack, "_pack_accepted", broken)
    with pytest.raises(ModelError) as refused:
        pack_model(tmp_path / "m.gltf", tmp_path / "out.glb", site_root=tmp_path)
    assert [p.pointer for p in refused.value.problems] == ["file"]
    assert refused.value.problems[0].message == "internal error while packing the model: KeyError: 'buffer'"
