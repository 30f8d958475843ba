"""`disan check` on exhibit 3D models: the corpus models pass, the invalid one is named."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli import main
from builder.scaffold import scaffold


def _site_with_model(root: Path, corpus: Path, model: str) -> Path:
    scaffold(root)
    source = corpus / "models" / model
    target = root / "assets/models" / Path(model).name
    target.parent.mkdir(parents=True)
    if source.parent.name in ("marble_bust_01", "Avocado"):
        shutil.copytree(source.parent, target.parent, dirs_exist_ok=True)
    else:
        shutil.copy(source, target)
    page = root / "content/exhibits/hien-vat-mau.md"
    page.write_text(
        page.read_text().replace(
            "collection: chinh\n", f"collection: chinh\nmodel:\n  src: assets/models/{target.name}\n  alt: Mô hình 3D\n"
        )
    )
    return root


@pytest.mark.parametrize(
    "model", ["barrel.glb", "USNM_1145291_draco.glb", "Avocado/Avocado.gltf", "marble_bust_01/marble_bust_01_4k.gltf"]
)
def test_corpus_models_pass_check(model: str, tmp_path: Path, corpus: Path) -> None:
    site = _site_with_model(tmp_path / "s", corpus, model)
    result = CliRunner().invoke(main, ["check", "--site", str(site), "--format", "json"])
    assert [p for p in json.loads(result.stdout) if p["level"] == "error"] == []
    assert result.exit_code == 0


def test_invalid_glb_fails_with_its_problem_named(tmp_path: Path, corpus: Path) -> None:
    site = _site_with_model(tmp_path / "s", corpus, "invalid/length_mismatch.glb")
    result = CliRunner().invoke(main, ["check", "--site", str(site), "--format", "json"])
    errors = [p for p in json.loads(result.stdout) if p["level"] == "error"]
    assert result.exit_code == 1 and len(errors) == 1
    assert errors[0]["file"] == "content/exhibits/hien-vat-mau.md" and errors[0]["line"] == 8
    assert "Declared length (49) does not match GLB length (48)" in errors[0]["message"]
    build = CliRunner().invoke(main, ["build", "--site", str(site)])
    assert build.exit_code == 1 and not (site / "_site").exists()
