"""Links out of the site are refused with an error naming the link, and nothing is published."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from builder.cli import main

BROKEN = Path(__file__).parent / "fixtures" / "broken"


def _site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(BROKEN / "missing-alt", site)
    (site / "content" / "exhibits" / "binh.md").write_text(
        "---\nid: AB01\ntitle: Bình\nimages:\n  - src: assets/images/ok.jpg\n    alt: Bình gốm\n---\n", encoding="utf-8"
    )
    return site


def _secret(tmp_path: Path) -> Path:
    secret = tmp_path / "secret.txt"
    secret.write_text("---\ntitle: Mật khẩu máy chủ\n---\nroot:x:0:0\n", encoding="utf-8")
    return secret


def _build(site: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["build", "--site", str(site)])
    return result.exit_code, result.stderr


def test_content_file_linking_out_of_the_site_is_refused(tmp_path: Path) -> None:
    site = _site(tmp_path)
    (site / "content" / "mat-khau.md").symlink_to(_secret(tmp_path))
    code, stderr = _build(site)
    assert code == 1 and "Traceback" not in stderr
    assert (
        f"content/mat-khau.md: error: 'content/mat-khau.md' is a link to '{tmp_path / 'secret.txt'}', "
        f"so 'content/mat-khau.md' leads outside the site folder"
    ) in stderr
    assert not (site / "_site").exists()


def test_theme_static_file_linking_out_of_the_site_is_refused(tmp_path: Path) -> None:
    site = _site(tmp_path)
    static = site / "themes" / "default" / "static"
    static.mkdir(parents=True)
    (static / "passwd.txt").symlink_to(_secret(tmp_path))
    code, stderr = _build(site)
    assert code == 1
    assert "themes/default/static/passwd.txt: error: 'themes/default/static/passwd.txt' is a link to" in stderr
    assert not (site / "_site").exists()


def test_theme_folder_linked_out_of_the_site_is_refused(tmp_path: Path) -> None:
    site = _site(tmp_path)
    outside = tmp_path / "elsewhere" / "static"
    outside.mkdir(parents=True)
    (outside / "x.css").write_text("body{}")
    (site / "themes").mkdir()
    (site / "themes" / "default").symlink_to(outside.parent)
    code, stderr = _build(site)
    assert code == 1
    assert "themes/default/static/x.css: error: 'themes/default' is a link to" in stderr


def test_image_linking_out_of_the_site_names_the_link(tmp_path: Path) -> None:
    site = _site(tmp_path)
    images = site / "assets" / "images"
    shutil.copyfile(images / "ok.jpg", tmp_path / "outside.jpg")
    (images / "ok.jpg").unlink()
    (images / "ok.jpg").symlink_to(tmp_path / "outside.jpg")
    code, stderr = _build(site)
    assert code == 1
    assert f"'assets/images/ok.jpg' is a link to '{tmp_path / 'outside.jpg'}'" in stderr
