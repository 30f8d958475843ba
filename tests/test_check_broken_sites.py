"""`disan check` on the broken-site fixtures: right file, right line, right exit code."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli import main

BROKEN = Path(__file__).parent / "fixtures" / "broken"
CASES = sorted(p.name for p in BROKEN.iterdir() if p.is_dir())


def _expected(case: str) -> tuple[str, str, str, int, str]:
    level, code, *rest = (BROKEN / case / "EXPECT").read_text().split()
    line_index = next(i for i, word in enumerate(rest) if word.isdigit())
    file = " ".join(rest[:line_index])
    return level, code, file, int(rest[line_index]), " ".join(rest[line_index + 1 :])


@pytest.mark.parametrize("case", CASES)
def test_check_reports_problem_with_file_and_line(case: str, tmp_path: Path) -> None:
    site = tmp_path / case
    shutil.copytree(BROKEN / case, site, symlinks=True)  # a planted link must stay a link
    level, code, file, line, hint = _expected(case)
    result = CliRunner().invoke(main, ["check", "--site", str(site), "--format", "json"])
    problems = json.loads(result.stdout)
    matching = [p for p in problems if p["code"] == code and p["file"] == file and p["line"] == line]
    assert matching, f"expected {code} at {file}:{line}, got {problems}"
    assert matching[0]["level"] == level
    assert matching[0]["message"] and matching[0]["hint"]
    if hint:
        assert hint in matching[0]["hint"]
    assert result.exit_code == (1 if level == "error" else 0)


@pytest.mark.parametrize(
    "case",
    [
        "bad-yaml",
        "missing-image",
        "parent-path",
        "html-in-title",
        "broken-image",
        "config-max-pixels-text",
        "config-i18n-not-table",
        "id-octal",
        "images-not-list",
        "tour-north-text",
        "symlink-to-passwd",
        "model-glb-cut-json",
        "model-as-path",
        "config-theme-path",
    ],
)
def test_build_fails_cleanly_and_writes_nothing(case: str, tmp_path: Path) -> None:
    site = tmp_path / case
    shutil.copytree(BROKEN / case, site, symlinks=True)
    result = CliRunner().invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    level, code, file, line, _ = _expected(case)
    assert f"{file}:{line}: error:" in result.stderr
    assert not (site / "_site").exists()


def test_text_format_is_compiler_like(tmp_path: Path) -> None:
    site = tmp_path / "s"
    shutil.copytree(BROKEN / "missing-image", site)
    result = CliRunner().invoke(main, ["check", "--site", str(site)])
    first, hint = result.stderr.splitlines()[:2]
    assert first == "content/exhibits/binh.md:5: error: the file 'assets/images/khong-co.jpg' does not exist"
    assert hint.startswith("    ")


def test_missing_site_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", "--site", str(tmp_path)])
    assert result.exit_code == 1
    assert "no site.toml" in result.stderr


def test_usage_error_exits_2() -> None:
    assert CliRunner().invoke(main, ["build", "--jobs", "zero"]).exit_code == 2
