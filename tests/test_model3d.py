"""Exhibit 3D models in validate and plan: annotations, the texture setting, and what the
published page depends on (no browser: see test_model_pages.py for that)."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.config import load_config
from builder.diagnostics import Problems
from builder.frontmatter import parse_document
from builder.model import Origin
from builder.models3d import Annotation, parse_annotations
from builder.scaffold import scaffold


def _annotations(text: str) -> tuple[tuple[Annotation, ...], list[tuple[str, int, str]]]:
    document = parse_document(f"---\n{text}---\n")
    problems = Problems()
    found = parse_annotations(document.meta.get("annotations"), Origin("x.md", 1), problems)
    return found, [(p.code, p.line, p.message) for p in problems.items]


def test_annotations_are_read_with_their_lines() -> None:
    found, problems = _annotations(
        "annotations:\n"
        "  - { position: [0, 0.63, 0], normal: [0, 1, 0], label: Ngôi sao }\n"
        '  - { position: "0.1m 0.2m 0.3m", label: Chân trống }\n'
    )
    assert problems == []
    assert found == (
        Annotation((0.0, 0.63, 0.0), (0.0, 1.0, 0.0), "Ngôi sao"),
        Annotation((0.1, 0.2, 0.3), (0.0, 1.0, 0.0), "Chân trống"),
    )
    assert found[1].position_attr == "0.1m 0.2m 0.3m"


def test_bad_annotations_are_reported_at_their_line() -> None:
    found, problems = _annotations(
        "annotations:\n"
        "  - { position: [0, 1], label: Thiếu toạ độ }\n"
        "  - { position: [0, 1, 0], normal: [0, 0, 0], label: Pháp tuyến 0 }\n"
        "  - { position: [0, 1, 0] }\n"
    )
    assert found == ()
    assert [(code, line) for code, line, _ in problems] == [
        ("model-annotation-position", 3),
        ("model-annotation-normal", 4),
        ("model-annotation-label", 5),
    ]


def test_max_texture_setting(tmp_path: Path) -> None:
    scaffold(tmp_path)
    toml = tmp_path / "site.toml"
    toml.write_text(toml.read_text() + "\n[models]\nmax_texture = 4096\n")
    problems = Problems()
    assert load_config(tmp_path, problems).max_texture == 4096 and problems.items == []
    toml.write_text(toml.read_text().replace("4096", '"big"'))
    config = load_config(tmp_path, problems)
    assert config.max_texture == 2048
    assert [p.code for p in problems.items] == ["config-models"]


@pytest.mark.parametrize("value", ["100", "true"])
def test_max_texture_out_of_range_is_an_error(tmp_path: Path, value: str) -> None:
    scaffold(tmp_path)
    (tmp_path / "site.toml").write_text((tmp_path / "site.toml").read_text() + f"\n[models]\nmax_texture = {value}\n")
    problems = Problems()
    load_config(tmp_path, problems)
    assert [p.code for p in problems.items] == ["config-models"]
