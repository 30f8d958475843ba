"""A wheel installed alone, outside the repository, makes and builds a new museum: the themes
(templates, strings, the built viewer bundles) travel inside it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with only the disan wheel in it; the dependencies come from the test's own
    environment through PYTHONPATH, since the machine may have no network for pip."""
    if not (REPO / "themes" / "default" / "static" / "vendor" / "tour" / "tour.js").is_file():
        pytest.skip("the viewer bundle is not built (./run builds it)")
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(work / "dist"),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        cwd=work,
    )
    wheel = next((work / "dist").glob("disan-*.whl"))
    venv.create(work / "venv", with_pip=True)
    python = work / "venv" / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    return work / "venv"


def _run(venv_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": sysconfig.get_paths()["purelib"]}
    return subprocess.run(
        [str(venv_dir / "bin" / "disan"), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_installed_wheel_makes_and_builds_a_museum(installed: Path, tmp_path: Path) -> None:
    made = _run(installed, "new", "museum", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    built = _run(installed, "build", cwd=tmp_path / "museum")
    assert built.returncode == 0, built.stdout + built.stderr
    site = tmp_path / "museum" / "_site"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "<h1>Bảo tàng mới</h1>" in home
    stylesheet = re.search(r'<link rel="stylesheet" href="(static/style\.[0-9a-f]+\.css)">', home)
    assert stylesheet and (site / stylesheet.group(1)).stat().st_size > 1000, "the theme's stylesheet is missing"
    located = subprocess.run(
        [str(installed / "bin" / "python"), "-c", "import builder.theme as t; print(t.BUILTIN_THEMES)"],
        env={**os.environ, "PYTHONPATH": sysconfig.get_paths()["purelib"]},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert str(installed) in located.stdout, "the theme was found in the repository, not in the wheel"


def test_python_dash_m_builder_is_the_command_line(installed: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": sysconfig.get_paths()["purelib"]}
    shown = subprocess.run(
        [str(installed / "bin" / "python"), "-m", "builder", "--help"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shown.returncode == 0 and "build" in shown.stdout
