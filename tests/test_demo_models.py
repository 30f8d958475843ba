"""The demo museum's two 3D models and their posters (assets/models/, assets/images/*-3d.jpg).

They are made by scripts/make_demo_models.py; these tests check that the committed files are
what the script makes, that viewers will load them (builder.gltf.inspect_model and, when
tests/node has it, the Khronos glTF-Validator with no error and no warning), that they keep
to their budgets (size, triangles, real-world dimensions), and that the annotation anchors
written in the exhibits' front matter lie on the meshes.  No browser.

Regenerating the files takes a few seconds and needs numpy (a test dependency).  They are
compared by content, not bytes: numpy's sin/cos may differ in the last bit between CPUs,
which can move a JPEG byte without changing what anyone sees.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import json
import math
import sys
from array import array
from pathlib import Path

import pygltflib
import pytest
from PIL import Image, ImageChops, ImageStat

from builder.frontmatter import parse_document
from builder.gltf import inspect_model
from tests.helpers import khronos_validate

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "make_demo_models.py"
MAX_BYTES = 600 * 1024
MAX_POSTER_BYTES = 120 * 1024

# name -> (exhibit slug, height in metres, diameter at the base, largest diameter)
MODELS = {
    "trong-dong-ngoc-lu": ("trong-dong-ngoc-lu", 0.630, 0.800, 0.800),
    "binh-gom-chu-dau": ("binh-gom-chu-dau", 0.501, 0.160, 0.271),
}


def glb_path(name: str) -> Path:
    return REPO / "assets" / "models" / f"{name}.glb"


def poster_path(name: str) -> Path:
    return REPO / "assets" / "images" / f"{name}-3d.jpg"


@functools.cache
def load_script():
    pytest.importorskip("numpy", reason="scripts/make_demo_models.py needs numpy (pip install numpy)")
    spec = importlib.util.spec_from_file_location("make_demo_models", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_demo_models"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def read_mesh(path: Path) -> tuple[dict, list[tuple[float, float, float]], list[tuple[int, int, int]]]:
    """(glTF JSON, positions, triangles) of every primitive, read without numpy."""
    gltf = pygltflib.GLTF2.load_binary(str(path))
    blob = gltf.binary_blob()
    doc = json.loads(gltf.gltf_to_json())

    def data(accessor_index: int, typecode: str) -> array:
        acc = gltf.accessors[accessor_index]
        view = gltf.bufferViews[acc.bufferView]
        start = (view.byteOffset or 0) + (acc.byteOffset or 0)
        values = array(typecode)
        values.frombytes(blob[start : start + view.byteLength - (acc.byteOffset or 0)])
        return values

    positions: list[tuple[float, float, float]] = []
    triangles: list[tuple[int, int, int]] = []
    for prim in gltf.meshes[0].primitives:
        pos = data(prim.attributes.POSITION, "f")
        base = len(positions)
        count = gltf.accessors[prim.attributes.POSITION].count
        positions += [(pos[i], pos[i + 1], pos[i + 2]) for i in range(0, count * 3, 3)]
        code = {pygltflib.UNSIGNED_SHORT: "H", pygltflib.UNSIGNED_INT: "I"}[gltf.accessors[prim.indices].componentType]
        idx = data(prim.indices, code)[: gltf.accessors[prim.indices].count]
        triangles += [(base + idx[i], base + idx[i + 1], base + idx[i + 2]) for i in range(0, len(idx), 3)]
    return doc, positions, triangles


def front_matter(path: Path) -> dict:
    return parse_document(path.read_text(encoding="utf-8")).meta


def closest_on_triangle(p, a, b, c):
    """Closest point to p on triangle abc (Ericson, Real-Time Collision Detection, 5.1.5)."""

    def sub(u, v):
        return (u[0] - v[0], u[1] - v[1], u[2] - v[2])

    def dot(u, v):
        return u[0] * v[0] + u[1] * v[1] + u[2] * v[2]

    def along(o, d, t):
        return (o[0] + d[0] * t, o[1] + d[1] * t, o[2] + d[2] * t)

    ab, ac, ap = sub(b, a), sub(c, a), sub(p, a)
    d1, d2 = dot(ab, ap), dot(ac, ap)
    if d1 <= 0 and d2 <= 0:
        return a
    bp = sub(p, b)
    d3, d4 = dot(ab, bp), dot(ac, bp)
    if d3 >= 0 and d4 <= d3:
        return b
    vc = d1 * d4 - d3 * d2
    if vc <= 0 and d1 >= 0 and d3 <= 0:
        return along(a, ab, d1 / (d1 - d3))
    cp = sub(p, c)
    d5, d6 = dot(ab, cp), dot(ac, cp)
    if d6 >= 0 and d5 <= d6:
        return c
    vb = d5 * d2 - d1 * d6
    if vb <= 0 and d2 >= 0 and d6 <= 0:
        return along(a, ac, d2 / (d2 - d6))
    va = d3 * d6 - d5 * d4
    if va <= 0 and (d4 - d3) >= 0 and (d5 - d6) >= 0:
        return along(b, sub(c, b), (d4 - d3) / ((d4 - d3) + (d5 - d6)))
    denom = 1.0 / (va + vb + vc)
    v, w = vb * denom, vc * denom
    return (a[0] + ab[0] * v + ac[0] * w, a[1] + ab[1] * v + ac[1] * w, a[2] + ab[2] * v + ac[2] * w)


def nearest_on_mesh(p, positions, triangles, reach=0.02):
    """(distance, unit face normal) of the triangle nearest to p, among those within reach."""
    best = (math.inf, None)
    for i, j, k in triangles:
        a, b, c = positions[i], positions[j], positions[k]
        if any(min(a[n], b[n], c[n]) - reach > p[n] or max(a[n], b[n], c[n]) + reach < p[n] for n in range(3)):
            continue
        q = closest_on_triangle(p, a, b, c)
        dist = math.dist(p, q)
        if dist < best[0]:
            e1 = (b[0] - a[0], b[1] - a[1], b[2] - a[2])
            e2 = (c[0] - a[0], c[1] - a[1], c[2] - a[2])
            n = (e1[1] * e2[2] - e1[2] * e2[1], e1[2] * e2[0] - e1[0] * e2[2], e1[0] * e2[1] - e1[1] * e2[0])
            length = math.sqrt(sum(v * v for v in n))
            best = (dist, tuple(v / length for v in n))
    return best


@pytest.fixture(scope="module")
def meshes() -> dict:
    return {name: read_mesh(glb_path(name)) for name in MODELS}


# ----------------------------------------------------------------------------- the files


@pytest.mark.parametrize("name", sorted(MODELS))
def test_model_inspects_clean_within_budget(name: str) -> None:
    report = inspect_model(glb_path(name), REPO)
    assert report.problems == (), [p.as_text() for p in report.problems]
    assert 5_000 <= report.triangles <= 20_000
    assert report.bytes == glb_path(name).stat().st_size <= MAX_BYTES
    assert report.textures and all(t.format == "jpeg" and max(t.width, t.height) <= 2048 for t in report.textures)
    assert report.decoders == () and report.extensions_required == ()


@pytest.mark.parametrize("name", sorted(MODELS))
def test_model_metadata_materials_and_size(name: str, meshes: dict) -> None:
    doc, positions, triangles = meshes[name]
    assert doc["asset"]["generator"] == "disan scripts/make_demo_models.py"
    assert doc["asset"]["copyright"] == "CC0 (made for the disan demo)"
    assert all(img["mimeType"] == "image/jpeg" and "bufferView" in img and "uri" not in img for img in doc["images"])
    for material in doc["materials"]:
        pbr = material["pbrMetallicRoughness"]
        assert "baseColorTexture" in pbr
        expected = (0.8, 0.45) if name == "trong-dong-ngoc-lu" else (0.0, 0.25)
        assert (pbr["metallicFactor"], pbr["roughnessFactor"]) == pytest.approx(expected)
    for prim in doc["meshes"][0]["primitives"]:
        assert {"POSITION", "NORMAL", "TEXCOORD_0"} <= set(prim["attributes"])
        accessor = doc["accessors"][prim["attributes"]["POSITION"]]
        assert len(accessor["min"]) == len(accessor["max"]) == 3
    # metres, y up, standing on the ground, centred on the y axis
    _slug, height, base_diameter, widest = MODELS[name]
    xs, ys, zs = zip(*positions, strict=True)
    assert min(ys) == 0.0 and max(ys) == pytest.approx(height, abs=0.002)
    assert max(xs) - min(xs) == pytest.approx(max(zs) - min(zs), abs=0.002)
    assert max(xs) == pytest.approx(-min(xs), abs=0.001) and max(zs) == pytest.approx(-min(zs), abs=0.001)
    ground = [math.hypot(x, z) for x, y, z in positions if y == 0.0]
    assert 2 * max(ground) == pytest.approx(base_diameter, abs=0.002)
    if name == "trong-dong-ngoc-lu":  # the tympanum: 0.79 m across, flat, at the top
        top = [math.hypot(x, z) for x, y, z in positions if y >= height - 1e-6]
        assert 2 * max(top) == pytest.approx(0.79, abs=0.002)
        assert max(xs) - min(xs) < 0.95  # the handles stand out a little, not more
    else:
        assert max(xs) - min(xs) == pytest.approx(widest, abs=0.002)
    assert len(triangles) == inspect_model(glb_path(name), REPO).triangles


@pytest.mark.parametrize("name", sorted(MODELS))
def test_poster_is_a_light_picture_of_the_object(name: str) -> None:
    path = poster_path(name)
    assert path.stat().st_size <= MAX_POSTER_BYTES
    with Image.open(path) as img:
        assert img.format == "JPEG" and img.size == (1024, 1024) and img.mode == "RGB"
        rgb = img.convert("RGB")
        for corner in ((8, 8), (1015, 8)):  # the neutral light background
            r, g, b = rgb.getpixel(corner)
            assert min(r, g, b) > 215 and max(r, g, b) - min(r, g, b) < 8
        r, g, b = rgb.getpixel((512, 560))  # the object in the middle
        assert min(r, g, b) < 200
        if name == "binh-gom-chu-dau":  # cobalt blue somewhere on the body
            data = rgb.resize((64, 64)).tobytes()
            assert any(b > r + 40 and b > g + 20 for r, g, b in zip(data[0::3], data[1::3], data[2::3], strict=True))
        else:  # bronze and green patina: darker than the glaze, not blue
            r, g, b = rgb.resize((1, 1), box=(380, 400, 640, 700)).getpixel((0, 0))
            assert max(r, g, b) < 150 and b <= max(r, g) + 10


# ----------------------------------------------------------------------------- annotations


def annotations_of(slug: str) -> dict[str, list[dict]]:
    found = {}
    for lang, suffix in (("vi", ".md"), ("en", ".en.md")):
        path = REPO / "content" / "exhibits" / f"{slug}{suffix}"
        if path.is_file():
            model = front_matter(path).get("model") or {}
            if "annotations" in model:
                found[lang] = model["annotations"]
    return found


@pytest.mark.parametrize("name", sorted(MODELS))
def test_exhibit_model_block_and_annotations_lie_on_the_mesh(name: str, meshes: dict) -> None:
    slug = MODELS[name][0]
    block = front_matter(REPO / "content" / "exhibits" / f"{slug}.md")["model"]
    assert block["src"] == f"assets/models/{name}.glb" and block["poster"] == f"assets/images/{name}-3d.jpg"
    assert block["alt"]
    en = front_matter(REPO / "content" / "exhibits" / f"{slug}.en.md").get("model") or {}
    assert en.get("alt") and "src" not in en  # the translation only changes the words
    by_lang = annotations_of(slug)
    assert len(by_lang["vi"]) == 2
    # a translation replaces the whole list: same anchors, other labels
    anchors = {lang: [(a["position"], a["normal"]) for a in items] for lang, items in by_lang.items()}
    assert anchors["en"] == anchors["vi"]
    assert all(a["label"] for labels in by_lang.values() for a in labels)
    _doc, positions, triangles = meshes[name]
    for a in by_lang["vi"]:
        dist, face = nearest_on_mesh(tuple(a["position"]), positions, triangles)
        assert dist <= 0.01, f"{a['label']}: {dist * 1000:.1f} mm from the surface"
        normal = a["normal"]
        length = math.sqrt(sum(v * v for v in normal))
        assert length == pytest.approx(1, abs=0.01)
        assert sum(u * v for u, v in zip(face, normal, strict=True)) / length > 0.9, a["label"]


def test_the_script_prints_the_anchors_written_in_the_exhibits() -> None:
    script = load_script()
    for name in MODELS:
        annotations = script.annotations(name)
        written = annotations_of(MODELS[name][0])
        assert [(a["position"], a["normal"], a["label"]) for a in annotations] == [
            (a["position"], a["normal"], a["label"]) for a in written["vi"]
        ]
        assert [a["label_en"] for a in annotations] == [a["label"] for a in written["en"]]


# ----------------------------------------------------------------------------- reproducible


def _same_image(a: bytes, b: bytes) -> bool:
    with Image.open(io.BytesIO(a)) as first, Image.open(io.BytesIO(b)) as second:
        if first.size != second.size:
            return False
        difference = ImageChops.difference(first.convert("RGB"), second.convert("RGB"))
        return max(ImageStat.Stat(difference).mean) < 0.5


def _same_glb(made: bytes, committed: Path, tmp_path: Path) -> None:
    if made == committed.read_bytes():
        return
    (tmp_path / "made.glb").write_bytes(made)
    doc, positions, triangles = read_mesh(tmp_path / "made.glb")
    doc_c, positions_c, triangles_c = read_mesh(committed)
    assert triangles == triangles_c and len(positions) == len(positions_c)
    assert (
        max(abs(u - v) for p, q in zip(positions, positions_c, strict=True) for u, v in zip(p, q, strict=True)) < 1e-5
    )
    made_gltf = pygltflib.GLTF2.load_binary(str(tmp_path / "made.glb"))
    committed_gltf = pygltflib.GLTF2.load_binary(str(committed))
    for image, image_c in zip(made_gltf.images, committed_gltf.images, strict=True):
        view, view_c = made_gltf.bufferViews[image.bufferView], committed_gltf.bufferViews[image_c.bufferView]
        blob, blob_c = made_gltf.binary_blob(), committed_gltf.binary_blob()
        start, start_c = view.byteOffset or 0, view_c.byteOffset or 0
        assert _same_image(blob[start : start + view.byteLength], blob_c[start_c : start_c + view_c.byteLength])


def test_the_script_regenerates_every_file(tmp_path: Path) -> None:
    script = load_script()
    assert script.main(["--out", str(tmp_path)]) == 0
    for name in MODELS:
        _same_glb((tmp_path / "assets/models" / f"{name}.glb").read_bytes(), glb_path(name), tmp_path)
        assert _same_image((tmp_path / "assets/images" / f"{name}-3d.jpg").read_bytes(), poster_path(name).read_bytes())


# ----------------------------------------------------------------------------- independent validator


def test_khronos_validator_finds_no_error_and_no_warning(tmp_path: Path) -> None:
    files = [glb_path(name) for name in sorted(MODELS)]
    reports = khronos_validate(files, tmp_path)
    for path in files:
        report = reports[str(path)]
        assert (report["errors"], report["warnings"]) == (0, 0), report["messages"]
        assert report["info"]["totalTriangleCount"] == inspect_model(path, REPO).triangles


@pytest.mark.parametrize("name", sorted(MODELS))
def test_textures_are_plain_rgb_jpegs(name: str) -> None:
    """What every browser decodes the same way: baseline RGB JPEG, no EXIF, power-of-two sides."""
    gltf = pygltflib.GLTF2.load_binary(str(glb_path(name)))
    blob = gltf.binary_blob()
    for image in gltf.images:
        view = gltf.bufferViews[image.bufferView]
        with Image.open(io.BytesIO(blob[view.byteOffset : view.byteOffset + view.byteLength])) as tex:
            assert tex.format == "JPEG" and tex.mode == "RGB" and not tex.getexif()
            assert all(side & (side - 1) == 0 for side in tex.size)
