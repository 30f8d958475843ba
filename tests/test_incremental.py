"""An incremental rebuild must equal a clean build, whatever the curator edits."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from builder.build import SiteBuilder
from builder.scaffold import scaffold
from tests.helpers import tree_digest

PANORAMA = Path(__file__).parent / "fixtures/broken/tour-cue-order/assets/panoramas/p.jpg"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """The new-site scaffold plus a two-scene tour."""
    root = tmp_path / "site"
    scaffold(root)
    (root / "assets/panoramas").mkdir(parents=True)
    shutil.copy2(PANORAMA, root / "assets/panoramas/p.jpg")
    tour = root / "tours/t"
    tour.mkdir(parents=True)
    (tour / "tour.md").write_text("---\ntitle: Tham quan\nstart: a\n---\n", encoding="utf-8")
    for name, title in (("a", "Cổng"), ("b", "Sân trong")):
        _scene(root, name, title)
    return root


def _scene(site: Path, name: str, title: str) -> None:
    (site / f"tours/t/{name}.md").write_text(
        f"---\ntitle: {title}\npanorama: assets/panoramas/p.jpg\n---\n", encoding="utf-8"
    )


def _exhibit(site: Path, slug: str, code: str, title: str) -> None:
    (site / f"content/exhibits/{slug}.md").write_text(
        f"---\nid: {code}\ntitle: {title}\nsummary: Tóm tắt.\ncollection: chinh\nimages:\n"
        f"  - src: assets/images/{slug}.jpg\n    alt: Ảnh {title}\n---\nMô tả.\n",
        encoding="utf-8",
    )
    Image.new("RGB", (640, 480), (30, 90, 160)).save(site / f"assets/images/{slug}.jpg")


def _story(site: Path) -> None:
    """A story that shows scene b and a region of the bell's image."""
    (site / "content/stories").mkdir(exist_ok=True)
    (site / "content/stories/s.md").write_text(
        "---\ntitle: Chuyện\n---\n## Sân\nChữ.\n\n"
        '{{< scene tour="t" scene="b" yaw="30" >}}\n\n## Chuông\nChữ.\n\n'
        '{{< image exhibit="HV02" region="10, 10, 200, 100" >}}\n',
        encoding="utf-8",
    )


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


EDITS: list[tuple[str, Callable[[Path], None]]] = [
    ("add a scene", lambda s: _scene(s, "c", "Hậu cung")),
    ("change a scene", lambda s: _replace(s / "tours/t/c.md", "Hậu cung", "Nhà sau")),
    ("delete a scene", lambda s: (s / "tours/t/c.md").unlink()),
    ("change the start scene", lambda s: _replace(s / "tours/t/tour.md", "start: a", "start: b")),
    ("add an exhibit", lambda s: _exhibit(s, "chuong-dong", "HV02", "Chuông đồng")),
    ("change an exhibit title", lambda s: _replace(s / "content/exhibits/chuong-dong.md", "Chuông đồng", "Chuông lớn")),
    (
        "change an image",
        lambda s: Image.new("RGB", (640, 480), (200, 40, 40)).save(s / "assets/images/chuong-dong.jpg"),
    ),
    (
        "move an exhibit out of its collection",
        lambda s: _replace(s / "content/exhibits/chuong-dong.md", "collection: chinh\n", ""),
    ),
    ("change a collection title", lambda s: _replace(s / "content/collections/chinh.md", "title: ", "title: Mới ")),
    ("change a tour title", lambda s: _replace(s / "tours/t/tour.md", "Tham quan", "Dạo quanh")),
    ("add a story", _story),
    ("change a story's view", lambda s: _replace(s / "content/stories/s.md", 'yaw="30"', 'yaw="60"')),
    ("change a scene a story shows", lambda s: _replace(s / "tours/t/b.md", "Sân trong", "Sân giữa")),
    (
        "change an image a story shows a region of",
        lambda s: Image.new("RGB", (640, 480), (40, 200, 40)).save(s / "assets/images/chuong-dong.jpg"),
    ),
    ("delete a story", lambda s: (s / "content/stories/s.md").unlink()),
    (
        "retire an exhibit",
        lambda s: _replace(s / "content/exhibits/chuong-dong.md", "summary:", "retired: true\nsummary:"),
    ),
    ("delete an exhibit without a code", lambda s: (s / "content/exhibits/hien-vat-mau.en.md").unlink()),
    ("delete a collection", lambda s: _delete_collection(s)),
]


def _delete_collection(site: Path) -> None:
    for page in (site / "content/collections").glob("chinh*.md"):
        page.unlink()
    _replace(site / "content/exhibits/hien-vat-mau.md", "collection: chinh\n", "")


def test_every_edit_rebuilds_to_what_a_clean_build_makes(site: Path, tmp_path: Path) -> None:
    builder = SiteBuilder(site)
    out = tmp_path / "incremental"
    builder.build(out)
    for number, (edit, apply) in enumerate(EDITS):
        apply(site)
        builder.build(out)
        clean = SiteBuilder(site).build(tmp_path / f"clean-{number}").out_dir
        incremental, expected = tree_digest(out), tree_digest(clean)
        assert sorted(incremental) == sorted(expected), f"after '{edit}': other files"
        stale = sorted(name for name in expected if incremental[name] != expected[name])
        assert not stale, f"after '{edit}': stale {stale}"
