"""An incremental rebuild must equal a clean build, whatever the curator edits."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PIL import Image

from builder.build import SiteBuilder
from builder.diagnostics import ContentError
from builder.outputs import Output
from builder.render import Renderer, write_outputs
from builder.scaffold import scaffold
from builder.write import read_manifest
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


CATALOGUE = Path(__file__).parent / "fixtures" / "catalogue"
RELICS = "data/di-tich.csv"
NEW_ROW = "5,Đình Mới,New communal house,lịch sử,cấp tỉnh,,,Phú Thọ,Hy Cương,,21.30,105.30,\n"
ROW_EDITS: list[tuple[str, Callable[[Path], None]]] = [
    ("rename a relic in English", lambda s: _replace(s / RELICS, "Ancient stones", "Old stones")),
    ("change a relic's ranking", lambda s: _replace(s / RELICS, "khảo cổ,cấp tỉnh", "khảo cổ,quốc gia")),
    ("add a row", lambda s: (s / RELICS).write_text((s / RELICS).read_text(encoding="utf-8") + NEW_ROW, "utf-8")),
    ("insert a row above the others", lambda s: _insert_after_header(s / RELICS, "6,Chùa Cũ,,lịch sử,,,,,,,,,\n")),
    ("give two rows one id", lambda s: _replace(s / RELICS, "6,Chùa Cũ", "5,Chùa Cũ")),
    ("tell them apart again", lambda s: _replace(s / RELICS, "5,Chùa Cũ", "7,Chùa Cũ")),
    ("delete a row", lambda s: _replace(s / RELICS, NEW_ROW, "")),
    ("edit the objects' sheet", lambda s: _replace(s / "data/hien-vat.csv", "thế kỷ 15", "thế kỷ XV")),
]


def _insert_after_header(path: Path, row: str) -> None:
    header, _, rows = path.read_text(encoding="utf-8").partition("\n")
    path.write_text(f"{header}\n{row}{rows}", encoding="utf-8")


@pytest.mark.parametrize("authoring", [False, True], ids=["build", "serve"])
def test_every_row_edit_rebuilds_to_what_a_clean_build_makes(tmp_path: Path, authoring: bool) -> None:
    """`disan build` stages a new tree; serve (authoring) rewrites changed files in place and
    keeps its manifest in memory: both must end as a clean build, manifest included."""
    site = Path(shutil.copytree(CATALOGUE, tmp_path / "site"))
    builder = SiteBuilder(site, authoring=authoring)
    out = tmp_path / "incremental"
    builder.build(out)
    for number, (edit, apply) in enumerate(ROW_EDITS):
        apply(site)
        try:
            builder.build(out)
        except ContentError:
            assert edit == "give two rows one id", f"after '{edit}': an error"
            continue
        clean = SiteBuilder(site, authoring=authoring).build(tmp_path / f"clean-{number}").out_dir
        assert read_manifest(out) == read_manifest(clean), f"after '{edit}': the manifest"
        incremental, expected = _without_manifest(tree_digest(out)), _without_manifest(tree_digest(clean))
        assert sorted(incremental) == sorted(expected), f"after '{edit}': other files"
        stale = sorted(name for name in expected if incremental[name] != expected[name])
        assert not stale, f"after '{edit}': stale {stale}"


def _without_manifest(files: dict[str, str]) -> dict[str, str]:
    return {name: digest for name, digest in files.items() if not name.startswith(".disan-manifest")}


def test_a_one_row_edit_in_serve_renders_its_pages_and_the_lists_that_show_it(tmp_path: Path) -> None:
    """What a one-cell edit makes again in serve (search left for later): the row's pages, its
    short code's stubs and the shared outputs that show it; the other 148 are left as they are."""
    site = Path(shutil.copytree(CATALOGUE, tmp_path / "site"))
    builder = SiteBuilder(site, authoring=True, settle_later=True)
    out = tmp_path / "serve-site"
    builder.build(out)
    before = read_manifest(out)
    _replace(site / RELICS, "Ancient stones", "Old stones")
    result = builder.build(out)
    after = read_manifest(out)
    changed = {path for path in after if before.get(path) != after[path]}
    row = {"relics/bai-da-co/index.html", "en/relics/bai-da-co/index.html", "q/DT4/index.html", "Q/DT4/index.html"}
    # the index and facet pages that list the row, the filter's list, the map's list of places
    lists = {
        f"{lang}relics/{page}"
        for lang in ("", "en/")
        for page in ("index.html", "type/khao-co/index.html", "ranking/cap-tinh/index.html")
        + ("province/lao-cai/index.html",)
    } | {"en/relics/facets.json", "en/map/index.html"}
    # the relics' datasets hold the row; their description and page give the files' sizes
    open_data = {f"open-data/relic.{fmt}" for fmt in ("csv", "json", "geojson")} | {
        "open-data/catalog.jsonld",
        "open-data/index.html",
        "en/open-data/index.html",
    }
    # its embeddable page and QR sheet for teachers; the service worker, whose version follows the content
    teaching = {f"{lang}{kind}/relics/bai-da-co/index.html" for lang in ("", "en/") for kind in ("embed", "print")}
    assert changed == row | lists | open_data | teaching | {"sw.js"}
    assert (result.write.written, result.write.removed) == (len(changed), 0)
    assert result.write.reused == len(after) - len(changed), "everything else is left as it was"


def test_a_one_row_edit_plans_again_only_that_rows_outputs(tmp_path: Path) -> None:
    """Each entry's outputs are kept from the last plan (`plan.KeptPlan`) by all they are made
    from: a one-cell edit plans again only the edited row's (its page, embed and QR sheet in
    vi and en, its code's two stubs and two QR images), a settings edit plans every entry's
    again, and either way the site is what a clean build makes."""
    site = Path(shutil.copytree(CATALOGUE, tmp_path / "site"))
    builder = SiteBuilder(site, authoring=True)
    out = tmp_path / "serve-site"
    builder.build(out)
    every_entrys = builder.kept_plan.replanned
    builder.build(out)
    assert builder.kept_plan.replanned == 0, "nothing edited, nothing planned again"
    edits = [
        ("rename a relic in English", lambda: _replace(site / RELICS, "Ancient stones", "Old stones"), 2 + 4 + 4),
        ("retitle the site", lambda: _replace(site / "site.toml", "tỉnh Thử", "tỉnh Mới"), every_entrys),
    ]
    for edit, apply, planned in edits:
        apply()
        builder.build(out)
        assert builder.kept_plan.replanned == planned, edit
        clean = SiteBuilder(site, authoring=True).build(tmp_path / f"clean-{planned}").out_dir
        assert _without_manifest(tree_digest(out)) == _without_manifest(tree_digest(clean)), edit
        assert read_manifest(out) == read_manifest(clean), edit


def test_a_serve_write_killed_midway_is_mended_by_the_next_build(tmp_path: Path, monkeypatch) -> None:
    """Serve writes in place: a build that dies after some of an edit's files are written must
    not leave a file whose bytes the manifest's key does not describe."""
    site = Path(shutil.copytree(CATALOGUE, tmp_path / "site"))
    out = tmp_path / "serve-site"
    SiteBuilder(site, authoring=True).build(out)
    _replace(site / RELICS, "Ancient stones", "Old stones")

    def dies_after_one(renderer: Renderer, outputs: list[Output], root: Path, atomic: bool = False) -> Iterator[int]:
        yield write_outputs(renderer, outputs[:1], root, atomic)
        raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr(Renderer, "write_many", dies_after_one)
        with pytest.raises(KeyboardInterrupt):
            SiteBuilder(site, authoring=True).build(out)
    _replace(site / RELICS, "Old stones", "Ancient stones")  # back to the keys the manifest had
    SiteBuilder(site, authoring=True).build(out)
    clean = SiteBuilder(site, authoring=True).build(tmp_path / "clean").out_dir
    assert _without_manifest(tree_digest(out)) == _without_manifest(tree_digest(clean))
    assert read_manifest(out) == read_manifest(clean)
