"""The code digest keys every output: an edit anywhere in the package, nested modules included,
must rebuild what depends on it (the theme's built bundle is keyed through the theme digest)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import builder
from builder import plan
from builder.build import SiteBuilder
from builder.scaffold import scaffold

PACKAGE = Path(builder.__file__).resolve().parent


def test_an_edit_in_a_nested_module_changes_the_code_digest(tmp_path: Path) -> None:
    copy = shutil.copytree(PACKAGE, tmp_path / "builder", ignore=shutil.ignore_patterns("__pycache__"))
    before = plan.code_digest(copy)
    nested = sorted(p for p in copy.rglob("*.py") if p.parent != copy)[0]
    nested.write_text(nested.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert plan.code_digest(copy) != before, f"editing {nested.relative_to(copy)} left the digest unchanged"


def test_a_code_change_rebuilds_the_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "museum"
    scaffold(site)
    builder_ = SiteBuilder(site)
    first = builder_.build()
    again = builder_.build()
    assert again.write.written == 0, "an unchanged rebuild re-rendered outputs"
    monkeypatch.setattr(plan, "CODE_DIGEST", "another version of the code")
    changed = builder_.build()
    assert changed.pages > 0 and changed.write.written >= changed.pages, (first.write, changed.write)
