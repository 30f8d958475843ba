"""Exhibit pages with a 3D model, built from the corpus models and opened in Chromium: the
poster comes first, nothing of the model loads before the visitor asks, then model-viewer
loads the packed model with every request answered by the site itself."""

from __future__ import annotations

import io
import json
import shutil
import struct
from pathlib import Path

import pytest
from PIL import Image

from builder.build import SiteBuilder
from builder.diagnostics import ContentError
from builder.scaffold import scaffold

MODELS = {  # exhibit slug → corpus model
    "thung-go": "barrel.glb",
    "hoa-thach": "USNM_1145291_draco.glb",
    "qua-bo": "Avocado/Avocado.gltf",
    "tuong-ban-than": "marble_bust_01/marble_bust_01_4k.gltf",
}


def _add_model_exhibit(root: Path, corpus: Path, slug: str, model: str, number: int, poster: bool = True) -> None:
    source = corpus / "models" / model
    folder = root / "assets/models"
    folder.mkdir(parents=True, exist_ok=True)
    if "/" in model:
        shutil.copytree(source.parent, folder / source.parent.name, dirs_exist_ok=True)
    else:
        shutil.copy(source, folder / model)
    block = (
        f"model:\n  src: assets/models/{model}\n  alt: Mô hình 3D {slug}\n"
        + ("  poster: assets/images/hien-vat-mau.jpg\n" if poster else "")
        + "  annotations:\n    - { position: [0, 0.1, 0], normal: [0, 1, 0], label: Điểm {n} }\n".replace(
            "{n}", str(number)
        )
    )
    (root / "content/exhibits" / f"{slug}.md").write_text(
        f"---\nid: MV{number:02d}\ntitle: Mô hình {slug}\ncollection: chinh\n{block}---\nMô tả.\n", encoding="utf-8"
    )


@pytest.fixture(scope="module")
def model_site(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Path:
    root = tmp_path_factory.mktemp("models") / "site"
    scaffold(root)
    for number, (slug, model) in enumerate(MODELS.items(), 1):
        _add_model_exhibit(root, corpus, slug, model, number, poster=number != 1)
    SiteBuilder(root, jobs=2).build()
    return root / "_site"


def _glb_textures(path: Path) -> list[tuple[int, int]]:
    data = path.read_bytes()
    json_length = struct.unpack_from("<I", data, 12)[0]
    document = json.loads(data[20 : 20 + json_length])
    binary = data[20 + json_length + 8 :]
    sizes = []
    for image in document.get("images", []):
        view = document["bufferViews"][image["bufferView"]]
        start = view.get("byteOffset", 0)
        with Image.open(io.BytesIO(binary[start : start + view["byteLength"]])) as texture:
            sizes.append(texture.size)
    return sizes


def test_models_are_packed_into_one_glb_with_phone_sized_textures(model_site: Path) -> None:
    packed = sorted((model_site / "media").glob("*.glb"))
    assert len(packed) == len(MODELS)
    for path in packed:
        assert path.read_bytes()[:4] == b"glTF"
        assert all(max(size) <= 2048 for size in _glb_textures(path)), path
    page = (model_site / "exhibits/tuong-ban-than/index.html").read_text(encoding="utf-8")
    assert "marble_bust_01" not in page  # the multi-file source is not published, its packed copy is
    assert not (model_site / "assets").exists()


def test_pages_without_a_model_load_no_3d_code(model_site: Path) -> None:
    page = (model_site / "exhibits/hien-vat-mau/index.html").read_text(encoding="utf-8")
    assert "model.js" not in page and "wasm-unsafe-eval" not in page
    assert "wasm-unsafe-eval" in (model_site / "exhibits/hoa-thach/index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("slug", list(MODELS))
def test_model_loads_in_chromium_from_the_site_only(slug: str, model_site: Path, serve_dir, phone) -> None:
    base = serve_dir(model_site)
    requested: list[str] = []
    phone.on("request", lambda request: requested.append(request.url))
    errors: list[str] = []
    phone.on("pageerror", lambda error: errors.append(str(error)))
    phone.goto(f"{base}/exhibits/{slug}/", wait_until="load")
    poster = phone.locator(".model-poster")
    assert poster.is_visible()
    button = phone.get_by_role("button", name="Xem mô hình 3D")
    button.wait_for(state="visible")
    phone.wait_for_timeout(300)
    assert not [u for u in requested if u.endswith(".glb") or "model-viewer" in u or "decoders" in u], (
        "model bytes were fetched before the visitor asked for them"
    )

    button.focus()
    phone.keyboard.press("Enter")
    phone.wait_for_function("() => document.querySelector('model-viewer')?.loaded === true", timeout=60_000)
    viewer = phone.locator("model-viewer")
    assert viewer.get_attribute("alt") == f"Mô hình 3D {slug}"
    assert phone.evaluate("document.activeElement.tagName") == "MODEL-VIEWER"
    assert any(u.endswith(".glb") for u in requested)
    if MODELS[slug].startswith("USNM"):  # Draco: the decoder came from the site's own copy
        assert any("/static/vendor/decoders." in u and "draco" in u for u in requested)
    hotspot = phone.locator(".model-hotspot")
    assert hotspot.count() == 1 and hotspot.get_attribute("aria-label") == f"Điểm {list(MODELS).index(slug) + 1}"
    assert phone.locator(".model-status").inner_text().startswith("Mô hình đã sẵn sàng")
    described = phone.evaluate(
        "() => document.querySelector('model-viewer').shadowRoot.querySelector('.userInput').getAttribute('aria-label')"
    )
    assert described.startswith(f"Mô hình 3D {slug}") and "Kéo, chạm hoặc dùng phím mũi tên" in described
    assert errors == []

    phone.wait_for_timeout(500)
    shot = Image.open(io.BytesIO(viewer.screenshot())).convert("L")
    low, high = shot.getextrema()
    assert high - low > 60, "the 3D view is blank"


def test_invalid_model_fails_the_build_with_its_problem_named(tmp_path: Path, corpus: Path) -> None:
    root = tmp_path / "site"
    scaffold(root)
    _add_model_exhibit(root, corpus, "hong", "invalid/length_mismatch.glb", 9)
    with pytest.raises(ContentError) as raised:
        SiteBuilder(root).build()
    messages = [p.message for p in raised.value.problems]
    assert any("Declared length (49) does not match GLB length (48)" in m for m in messages)
    assert not (root / "_site").exists()


def test_exhibit_card_in_the_tour_shows_the_model_and_the_narration(built_demo: Path, serve_dir, phone) -> None:
    """The demo drum, opened from its hotspot: the card has the narration and the 3D model,
    and the model loads in the card from the site's own files."""
    phone.goto(serve_dir(built_demo) + "/tours/bao-tang/#scene=phong-dong-son")
    phone.wait_for_function("() => window.disanTour !== undefined")
    phone.evaluate("() => window.disanTour.ready")
    phone.locator("#tour-index a[href='../../exhibits/trong-dong-ngoc-lu/']").focus()
    phone.keyboard.press("Enter")
    card = phone.get_by_role("dialog")
    card.wait_for(state="visible")
    audio = card.locator("audio")
    assert audio.get_attribute("preload") == "none"
    assert audio.locator("source").get_attribute("src").endswith(".mp3")
    assert card.locator(".model-annotations li").count() == 2
    button = card.get_by_role("button", name="Xem mô hình 3D")
    button.click()
    phone.wait_for_function("() => document.querySelector('dialog model-viewer')?.loaded === true", timeout=60_000)
    assert card.locator("model-viewer .model-hotspot").count() == 2


def test_clicking_the_model_in_serve_gives_an_annotation_line(built_demo: Path, demo_copy: Path, browser) -> None:
    import threading

    from builder.serve import DevServer

    assert "data-authoring" not in (built_demo / "exhibits/trong-dong-ngoc-lu/index.html").read_text()
    server = DevServer(demo_copy, "127.0.0.1", 0)
    server.rebuild()
    threading.Thread(target=server.httpd.serve_forever, daemon=True).start()
    try:
        page = browser.new_page(viewport={"width": 800, "height": 900})
        page.goto(f"http://127.0.0.1:{server.httpd.server_address[1]}/exhibits/trong-dong-ngoc-lu/")
        page.locator(".model-load").click()
        page.wait_for_function("() => document.querySelector('model-viewer')?.loaded === true", timeout=60_000)
        page.wait_for_timeout(500)
        box = page.locator("model-viewer").bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2 + 20)
        status = page.locator(".model-status")
        page.wait_for_function("() => document.querySelector('.model-status').textContent.startsWith('- {')")
        line = status.inner_text()
        position = [float(v) for v in line.split("position: [")[1].split("]")[0].split(",")]
        assert 0 < position[1] < 0.63 and abs(position[0]) < 0.45, f"a point on the drum's side: {line}"
        page.context.close()
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
