"""Short codes become permanent only at a release; after it, a code goes to another object only
through `replaces:`, and the registry records the hand-over."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.build import SiteBuilder
from builder.cli import main
from builder.diagnostics import ContentError
from builder.registry import REGISTRY_FILE, unrecorded_codes
from builder.scaffold import scaffold

EXHIBITS = Path("content/exhibits")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    scaffold(tmp_path / "site")
    return tmp_path / "site"


def _rename(site: Path, old: str, new: str) -> None:
    for suffix in (".md", ".en.md"):
        (site / EXHIBITS / f"{old}{suffix}").rename(site / EXHIBITS / f"{new}{suffix}")


def _add_line(site: Path, slug: str, line: str) -> None:
    page = site / EXHIBITS / f"{slug}.md"
    page.write_text(page.read_text(encoding="utf-8").replace("---\n", f"---\n{line}\n", 1), encoding="utf-8")


def _codes(site: Path) -> list[str]:
    return [p.code for p in SiteBuilder(site).check().problems]


def test_a_trial_build_records_nothing_and_a_release_records(site: Path, tmp_path: Path) -> None:
    trial = SiteBuilder(site).build(tmp_path / "out")
    assert not (site / REGISTRY_FILE).exists()
    assert trial.unrecorded_codes == ["HV01"] and not trial.released
    release = SiteBuilder(site).build(tmp_path / "out", release=True)
    assert release.unrecorded_codes == ["HV01"] and release.released
    assert '[HV01]\nkind = "exhibit"\nslug = "hien-vat-mau"\n' in (site / REGISTRY_FILE).read_text()
    assert SiteBuilder(site).build(tmp_path / "out").unrecorded_codes == []


def test_release_on_the_command_line_records_once(site: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(main, ["build", "--site", str(site), "--release"])
    assert first.exit_code == 0 and "made short codes HV01 permanent" in first.stderr
    recorded = (site / REGISTRY_FILE).read_text()
    again = runner.invoke(main, ["build", "--site", str(site), "--release"])
    trial = runner.invoke(main, ["build", "--site", str(site)])
    assert "permanent" not in again.stderr + trial.stderr
    assert (site / REGISTRY_FILE).read_text() == recorded


def test_renames_and_renumbering_between_trial_builds_are_clean(site: Path, tmp_path: Path) -> None:
    SiteBuilder(site).build(tmp_path / "out")
    _rename(site, "hien-vat-mau", "binh-gom")
    page = site / EXHIBITS / "binh-gom.md"
    page.write_text(page.read_text(encoding="utf-8").replace("id: HV01", "id: BG01"), encoding="utf-8")
    result = SiteBuilder(site).build(tmp_path / "out")
    assert result.warnings == [] and result.unrecorded_codes == ["BG01"]
    assert "binh-gom" in (result.out_dir / "q/BG01/index.html").read_text()


def test_printing_labels_makes_codes_permanent(site: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["qr", "--site", str(site), "--out", str(tmp_path / "labels.html")])
    assert result.exit_code == 0 and "made short codes HV01 permanent" in result.stderr
    assert "[HV01]" in (site / REGISTRY_FILE).read_text()


def test_a_published_code_goes_to_another_object_only_with_replaces(site: Path, tmp_path: Path) -> None:
    SiteBuilder(site).build(tmp_path / "out", release=True)
    _rename(site, "hien-vat-mau", "binh-moi")
    assert _codes(site) == ["shortcode-reused"], "a deleted object's code is not silently given away"

    _add_line(site, "binh-moi", "replaces: HV01")
    trial = SiteBuilder(site).build(tmp_path / "out")
    assert [p.code for p in trial.warnings] == ["shortcode-handover"] and trial.unrecorded_codes == ["HV01"]
    assert 'slug = "hien-vat-mau"' in (site / REGISTRY_FILE).read_text(), "a trial build records nothing"
    assert "binh-moi" in (trial.out_dir / "q/HV01/index.html").read_text()

    release = SiteBuilder(site).build(tmp_path / "out", release=True)
    assert release.unrecorded_codes == ["HV01"]
    assert (
        '[HV01]\nkind = "exhibit"\nslug = "binh-moi"\nreplaced = [{ kind = "exhibit", slug = "hien-vat-mau" }]\n'
        in (site / REGISTRY_FILE).read_text()
    )
    assert _codes(site) == [], "the hand-over is recorded: the next build is clean"
    page = site / EXHIBITS / "binh-moi.md"
    page.write_text(page.read_text(encoding="utf-8").replace("replaces: HV01\n", ""), encoding="utf-8")
    assert _codes(site) == [], "the `replaces:` line may then go"


def test_a_translation_cannot_change_replaces(site: Path) -> None:
    _add_line(site, "hien-vat-mau.en", "replaces: XX01")
    assert _codes(site) == ["translation-ignored"]


def test_replaces_is_refused_before_anything_was_published(site: Path, tmp_path: Path) -> None:
    _add_line(site, "hien-vat-mau", "replaces: HV01")
    with pytest.raises(ContentError) as error:
        SiteBuilder(site).build(tmp_path / "out")
    assert [p.code for p in error.value.problems] == ["replaces-unknown"]


def test_the_demo_registry_holds_every_code_of_the_demo(demo_copy: Path) -> None:
    checked = SiteBuilder(demo_copy).check()
    assert checked.site is not None and not [p for p in checked.problems if p.level == "error"]
    assert unrecorded_codes(checked.site.issued, checked.site.holders) == []
