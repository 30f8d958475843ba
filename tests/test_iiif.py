"""IIIF Presentation 3 manifests: every exhibit, relic and intangible heritage with photographs has
one that the official schema accepts, in Vietnamese and English, with its rights and attribution,
and canvases the size of the image files it paints; the pages and their JSON-LD link to it."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urljoin

import pytest
from PIL import Image

from builder.build import SiteBuilder
from builder.features import CROSS_ORIGIN_FOLDERS
from builder.hosting import cross_origin
from builder.iiif.manifest import PRESENTATION_CONTEXT, CanvasImage, Manifest, image_resource, manifest_json, rights_uri
from builder.media import Derivative
from builder.scaffold import scaffold
from tests.conftest import copy_demo
from tests.helpers import tree_digest

BASE = "https://museum.example.vn/"
RELIC_IMAGE = """images:
  - src: assets/images/dao-thinh.jpg
    alt: Bia đá thời Lý trên núi Đọi
    caption: Bia tháp Sùng Thiện Diên Linh
    credit: "Ảnh: nhóm disan"
"""
HERITAGE = """---
id: PVT01
title: Hát xẩm
summary: Lối hát của người hát rong.
heritage_type: nghệ thuật trình diễn dân gian
province: Ninh Bình
images:
  - src: assets/images/sac-phong.jpg
    alt: Một buổi hát xẩm
---
Hát xẩm.
"""
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)
# The two rights vocabularies Presentation 3 allows (`rights`), written with http:.
RIGHTS = re.compile(r"http://(creativecommons\.org/(licenses|publicdomain)|rightsstatements\.org)/.+/$")


def _schema_models() -> ModuleType:
    """The models iiif-prezi3 generates from the official IIIF Presentation 3 JSON schema
    (`skeleton.py`), loaded without the package's helpers, which turn invalid input into valid
    (a label given as a string becomes a language map) and so would let a wrong manifest pass."""
    root = Path(str(importlib.metadata.distribution("iiif-prezi3").locate_file("iiif_prezi3")))
    package = ModuleType("prezi3_schema")
    package.__path__ = [str(root)]
    sys.modules[package.__name__] = package
    for name in ("base", "skeleton"):
        spec = importlib.util.spec_from_file_location(f"prezi3_schema.{name}", root / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return sys.modules["prezi3_schema.skeleton"]


@pytest.fixture(scope="module")
def schema() -> ModuleType:
    return _schema_models()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo museum, with a photograph on one relic and an illustrated intangible heritage."""
    root = copy_demo(tmp_path_factory.mktemp("iiif") / "site")
    relic = root / "content/relics/chua-long-doi-son.md"
    relic.write_text(relic.read_text(encoding="utf-8").replace("zones:", RELIC_IMAGE + "zones:", 1), encoding="utf-8")
    (root / "content/heritage").mkdir()
    (root / "content/heritage/hat-xam.md").write_text(HERITAGE, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def out(site: Path) -> Path:
    return SiteBuilder(site, jobs=2).build().out_dir


def _manifest(out: Path, code: str) -> dict[str, Any]:
    return json.loads((out / "iiif" / code / "manifest.json").read_text(encoding="utf-8"))


def _published(out: Path, url: str) -> Path:
    assert url.startswith(BASE), url
    return out / url.removeprefix(BASE)


def test_every_manifest_is_valid_presentation_3(out: Path, schema: ModuleType) -> None:
    manifests = sorted((out / "iiif").glob("*/manifest.json"))
    codes = [path.parent.name for path in manifests]
    # the six demo exhibits, the relic and the heritage given a photograph; no other relic has one
    assert codes == ["AN01", "DT21", "GM01", "PVT01", "SP01", "TD01", "TD02", "TD03"]
    for path in manifests:
        data = json.loads(path.read_text(encoding="utf-8"))
        schema.Manifest.model_validate(data)
        # what the spec requires and the models cannot say
        assert data["@context"] == PRESENTATION_CONTEXT
        assert data["id"] == f"{BASE}iiif/{path.parent.name}/manifest.json"
        assert data["items"], "a Manifest must have at least one Canvas"
        assert RIGHTS.fullmatch(data["rights"]), data["rights"]
        for canvas in data["items"]:
            assert isinstance(canvas["width"], int) and isinstance(canvas["height"], int)
            (annotation,) = canvas["items"][0]["items"]
            assert annotation["motivation"] == "painting" and annotation["target"] == canvas["id"]
        text = path.read_text(encoding="utf-8")
        assert text == json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "sorted, stable JSON"


def test_a_manifest_speaks_vietnamese_and_english_and_says_whose_images_they_are(out: Path) -> None:
    drum = _manifest(out, "TD01")
    assert drum["label"] == {"vi": ["Trống đồng Ngọc Lũ"], "en": ["Ngọc Lũ Bronze Drum"]}
    assert set(drum["summary"]) == {"vi", "en"}
    assert drum["rights"] == "http://creativecommons.org/licenses/by-sa/4.0/"
    statement = drum["requiredStatement"]
    assert statement["label"] == {"vi": ["Nguồn và giấy phép"], "en": ["Credits and licence"]}
    assert statement["value"]["vi"][0] == "Bảo tàng số Di Sản (bản mẫu)"
    assert statement["value"]["en"][0] == "Di Sản Digital Museum (demo)"
    assert "Hình minh họa: nhóm disan (vẽ bằng máy, không phải ảnh chụp)" in statement["value"]["vi"]
    assert statement["value"]["en"][-1] == "Content licence: CC BY-SA 4.0"
    facts = {row["label"]["en"][0]: row["value"] for row in drum["metadata"]}
    assert facts["QR code"] == {"vi": ["TD01"], "en": ["TD01"]}
    assert facts["Material"] == {"vi": ["Đồng"], "en": ["Bronze"]}
    assert facts["Collection"] == {"vi": ["Văn hóa Đông Sơn"], "en": ["The Đông Sơn Culture"]}
    assert [page["id"] for page in drum["homepage"]] == [
        f"{BASE}exhibits/trong-dong-ngoc-lu/",
        f"{BASE}en/exhibits/trong-dong-ngoc-lu/",
    ]
    assert drum["seeAlso"][0]["id"] == f"{BASE}open-data/exhibit.json"
    assert _published(out, drum["seeAlso"][0]["id"]).is_file()


def test_an_untranslated_entry_is_never_labelled_english(out: Path) -> None:
    """The Hoàng Hạ drum has no English file: its English page shows the Vietnamese text."""
    drum = _manifest(out, "TD02")
    assert list(drum["label"]) == ["vi"]
    assert all(list(row["value"]) == ["vi"] for row in drum["metadata"])
    assert all(set(row["label"]) == {"vi", "en"} for row in drum["metadata"])  # the theme's words exist in both
    english_page = drum["homepage"][1]
    assert english_page["language"] == ["en"] and list(english_page["label"]) == ["vi"]
    assert set(drum["requiredStatement"]["value"]) == {"vi", "en"}  # the attribution shows in every language


def test_canvases_are_the_size_of_the_image_files_they_paint(out: Path) -> None:
    for path in sorted((out / "iiif").glob("*/manifest.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for canvas in data["items"]:
            body = canvas["items"][0]["items"][0]["body"]
            assert body["type"] == "Image" and body["format"] == "image/jpeg"
            assert (canvas["width"], canvas["height"]) == (body["width"], body["height"])
            with Image.open(_published(out, body["id"])) as image:
                assert image.size == (body["width"], body["height"]), body["id"]
            (thumbnail,) = canvas["thumbnail"]
            with Image.open(_published(out, thumbnail["id"])) as image:
                assert image.size == (thumbnail["width"], thumbnail["height"])
        assert data["thumbnail"] == data["items"][0]["thumbnail"]


def test_relics_and_heritage_have_their_facts_and_open_data(out: Path) -> None:
    relic = _manifest(out, "DT21")
    assert relic["label"] == {"vi": ["Chùa Long Đọi Sơn"], "en": ["Long Đọi Sơn Pagoda"]}
    facts = {row["label"]["vi"][0]: row["value"]["vi"][0] for row in relic["metadata"]}
    assert facts["Mã QR"] == "DT21" and facts["Xếp hạng"]
    assert relic["seeAlso"][0]["id"] == f"{BASE}open-data/relic.json"
    assert relic["items"][0]["label"]["vi"] == ["Bia tháp Sùng Thiện Diên Linh"]
    heritage = _manifest(out, "PVT01")
    assert heritage["items"][0]["label"] == {"vi": ["Một buổi hát xẩm"]}  # no caption: the description
    assert not (out / "iiif/DT22").exists(), "a relic without a photograph has no manifest"


def test_pages_link_their_manifest_and_hosts_let_viewers_fetch_it(out: Path) -> None:
    for page in ("exhibits/trong-dong-ngoc-lu/index.html", "en/relics/chua-long-doi-son/index.html"):
        html = (out / page).read_text(encoding="utf-8")
        code = "TD01" if "exhibits" in page else "DT21"
        manifest = f"{BASE}iiif/{code}/manifest.json"
        assert (
            '<link rel="alternate" type="application/ld+json;profile=&quot;'
            f'{PRESENTATION_CONTEXT}&quot;" href="{manifest}">'
        ) in html
        link = re.search(r'<p class="iiif-manifest"><a href="([^"]+)"', html)
        assert link and urljoin(BASE + page, link.group(1)) == manifest
        (data,) = [json.loads(found) for found in JSON_LD.findall(html)]
        assert data["subjectOf"]["contentUrl"] == manifest
    plain = (out / "relics/den-tran-thuong/index.html").read_text(encoding="utf-8")
    assert "iiif" not in plain.lower()
    assert "/iiif/*\n  Access-Control-Allow-Origin: *\n" in (out / "_headers").read_text(encoding="utf-8")
    shared = CROSS_ORIGIN_FOLDERS
    assert cross_origin("iiif/TD01/manifest.json", shared) and not cross_origin("exhibits/iiif/index.html", shared)


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


MANIFEST_EDITS = [
    ("an English caption", "content/exhibits/hien-vat-mau.en.md", "caption: Illustration", "caption: A drawing"),
    ("the collection's English title", "content/collections/chinh.en.md", "Main collection", "Highlights"),
    (
        "an image credit",
        "content/exhibits/hien-vat-mau.md",
        "caption: Hình minh hoạ",
        "credit: Bảo tàng\n    caption: Ả",
    ),
    ("the licence", "site.toml", 'license = "CC BY-SA 4.0"', 'license = "CC BY 4.0"'),
    ("a relic's code", "content/relics/den.md", "id: DT1", "id: DT2"),
]


def test_an_edit_rebuilds_the_manifests_as_a_clean_build_makes_them(tmp_path: Path) -> None:
    """Manifests are keyed from digests, not from what they say: every edit must still reach them."""
    root = tmp_path / "site"
    scaffold(root)
    (root / "content/relics").mkdir()
    (root / "content/relics/den.md").write_text(
        "---\nid: DT1\ntitle: Đền\nimages:\n  - src: assets/images/hien-vat-mau.jpg\n    alt: Đền\n---\n",
        encoding="utf-8",
    )
    builder = SiteBuilder(root)
    out = tmp_path / "incremental"
    builder.build(out)
    for number, (edit, file, old, new) in enumerate(MANIFEST_EDITS):
        before = tree_digest(out / "iiif")
        _replace(root / file, old, new)
        builder.build(out)
        clean = SiteBuilder(root).build(tmp_path / f"clean-{number}").out_dir
        assert tree_digest(out / "iiif") == tree_digest(clean / "iiif"), f"after {edit}"
        assert tree_digest(out / "iiif") != before, f"{edit} changed no manifest"


@pytest.mark.parametrize(
    ("written", "uri"),
    [
        ("CC BY-SA 4.0", "http://creativecommons.org/licenses/by-sa/4.0/"),
        ("cc-by-nc-nd-4.0", "http://creativecommons.org/licenses/by-nc-nd/4.0/"),
        ("CC BY 3.0", "http://creativecommons.org/licenses/by/3.0/"),
        ("CC0 1.0", "http://creativecommons.org/publicdomain/zero/1.0/"),
        ("https://creativecommons.org/licenses/by/4.0", "http://creativecommons.org/licenses/by/4.0/"),
        ("http://rightsstatements.org/vocab/InC/1.0/", "http://rightsstatements.org/vocab/InC/1.0/"),
        ("Bảo lưu mọi quyền", ""),
        ("", ""),
    ],
)
def test_a_licence_becomes_a_rights_uri_only_when_it_names_one(written: str, uri: str) -> None:
    assert rights_uri(written) == uri


def test_an_image_with_a_deep_zoom_service_names_it_on_its_body(schema: ModuleType) -> None:
    derivative = Derivative(Path("a.jpg"), "0" * 64, 1600, 1200, "jpg", 82, "")
    service = f"{BASE}iiif/images/abc"
    image = image_resource(BASE, derivative, service)
    assert "service" not in image_resource(BASE, derivative).json()
    label = (("vi", ("Ảnh",)),)
    manifest = Manifest(
        f"{BASE}iiif/X/manifest.json", label, (), (), "", (label, label), (), (), (CanvasImage(label, image, image),)
    )
    data = manifest_json(manifest)
    schema.Manifest.model_validate(data)
    body = data["items"][0]["items"][0]["items"][0]["body"]
    assert body["service"] == [{"id": service, "type": "ImageService3", "profile": "level0"}]


def test_the_demo_scan_points_its_canvas_to_its_published_deep_zoom_tiles(out: Path) -> None:
    """The sắc phong is `zoom: true`: a IIIF viewer given its manifest can zoom into every stroke."""
    body = _manifest(out, "SP01")["items"][0]["items"][0]["items"][0]["body"]
    (service,) = body["service"]
    assert service["type"] == "ImageService3" and service["profile"] == "level0"
    info = json.loads((_published(out, service["id"]) / "info.json").read_text(encoding="utf-8"))
    assert info["id"] == service["id"] and info["profile"] == "level0"
    assert info["width"] >= body["width"] and info["height"] >= body["height"]
    plain = _manifest(out, "TD01")["items"][0]["items"][0]["items"][0]["body"]
    assert "service" not in plain, "an image without deep zoom names no service"
