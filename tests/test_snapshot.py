"""An unchanged rebuild is answered from the record of the last build, and never hides a change."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import builder.build
from builder import snapshot
from builder.build import SiteBuilder
from builder.scaffold import scaffold
from tests.helpers import tree_digest
from tests.test_incremental import EDITS, site  # noqa: F401  (the fixture)


def _no_pipeline(*_args: object, **_kwargs: object) -> None:
    raise AssertionError("the site was planned again")


@pytest.fixture
def trusted(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files a test has just written are as old as the build: trust their times anyway."""
    monkeypatch.setattr(snapshot, "RACY_NS", 0)


def test_an_unchanged_rebuild_is_not_planned_again(trusted, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "site"
    scaffold(root)
    (root / "content/exhibits/hien-vat-mau.md").write_text(
        (root / "content/exhibits/hien-vat-mau.md").read_text(encoding="utf-8").replace("    caption:", "    captoin:"),
        encoding="utf-8",
    )
    first = SiteBuilder(root).build(tmp_path / "out")
    monkeypatch.setattr(builder.build, "plan_site", _no_pipeline)
    second = SiteBuilder(root).build(tmp_path / "out")
    assert (second.pages, second.files, second.write.written) == (first.pages, first.files, 0)
    assert second.warnings == first.warnings and any(w.code == "unknown-key" for w in second.warnings)
    assert second.unrecorded_codes == first.unrecorded_codes


def test_a_release_after_an_unchanged_trial_still_records_its_codes(trusted, tmp_path: Path) -> None:
    root = tmp_path / "site"
    scaffold(root)
    SiteBuilder(root).build(tmp_path / "out")
    released = SiteBuilder(root).build(tmp_path / "out", release=True)
    assert released.unrecorded_codes, "the scaffold's code is made permanent"
    again = SiteBuilder(root).build(tmp_path / "out", release=True)
    assert again.write.written == 0 and again.unrecorded_codes == []


def test_a_file_deleted_from_the_output_is_put_back(trusted, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "site"
    scaffold(root)
    out = SiteBuilder(root).build(tmp_path / "out").out_dir
    page = next(out.rglob("index.html"))
    page.unlink()
    SiteBuilder(root).build(out)
    assert page.is_file()


def test_every_edit_is_seen_between_unchanged_rebuilds(
    trusted,
    site: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    planned: list[object] = []
    plan_site = builder.build.plan_site
    monkeypatch.setattr(builder.build, "plan_site", lambda *a, **k: planned.append(a) or plan_site(*a, **k))
    out = tmp_path / "out"
    SiteBuilder(site).build(out)
    for number, (edit, apply) in enumerate(EDITS):
        apply(site)
        SiteBuilder(site).build(out)
        planned.clear()
        assert SiteBuilder(site).build(out).write.written == 0 and not planned, f"after '{edit}': planned again"
        clean = SiteBuilder(site).build(tmp_path / f"clean-{number}").out_dir
        assert tree_digest(out) == tree_digest(clean), f"after '{edit}'"


def test_files_saved_just_before_a_build_leave_no_record(tmp_path: Path) -> None:
    """A time kept to the second cannot tell a save during that second from the one before."""
    root = tmp_path / "site"
    scaffold(root)
    SiteBuilder(root).build(tmp_path / "out")
    assert not list((root / ".disan-cache/builds").glob("*.json"))


def test_the_listing_skips_the_output_the_cache_and_tool_folders(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content/a.md").write_text("a", encoding="utf-8")
    for ignored in ("_site/index.html", ".disan-cache/x", ".git/HEAD", "themes/t/node_modules/m.js"):
        (tmp_path / ignored).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / ignored).write_text("x", encoding="utf-8")
    before = snapshot.list_inputs([tmp_path], [tmp_path / "_site"], ()).digest
    for ignored in ("_site/index.html", ".disan-cache/x", ".git/HEAD", "themes/t/node_modules/m.js"):
        (tmp_path / ignored).write_text("changed", encoding="utf-8")
    assert snapshot.list_inputs([tmp_path], [tmp_path / "_site"], ()).digest == before
    os.utime(tmp_path / "content/a.md", ns=(1, 1))
    assert snapshot.list_inputs([tmp_path], [tmp_path / "_site"], ()).digest != before


def test_links_are_listed_without_following_them_into_folders(tmp_path: Path) -> None:
    """A link to a folder above would make the walk endless; a link to nothing is no reason to
    stop; saving the file a link names is a change."""
    folder, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    (folder / "assets").mkdir(parents=True)
    elsewhere.mkdir()
    (folder / "assets/up").symlink_to(tmp_path)
    (folder / "assets/nothing.jpg").symlink_to(folder / "missing.jpg")
    (elsewhere / "named.jpg").write_bytes(b"a")
    (folder / "assets/named.jpg").symlink_to(elsewhere / "named.jpg")
    before = snapshot.list_inputs([folder], [], ()).digest
    os.utime(elsewhere / "named.jpg", ns=(1, 1))
    assert snapshot.list_inputs([folder], [], ()).digest != before
