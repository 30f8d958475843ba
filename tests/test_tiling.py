"""Tests of the builder/tiling/ package on small synthetic panoramas.

The geometry is checked against a reference projection written here in plain Python
(``ref_face_pixel``), independent of the vips code in the tiler.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import pyvips

from builder import tiling
from builder.build import SiteBuilder
from builder.diagnostics import ContentError
from builder.scaffold import scaffold
from builder.tiling import (
    FACES,
    PanoramaAngles,
    TileSettings,
    TilingError,
    cached_tile_panorama,
    check_panorama,
    load_tileset,
    read_panorama_info,
    tile_panorama,
    tile_panoramas,
    verify_image,
)

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "panoramas"
FILL = tiling.FILL

# ----------------------------------------------------------------------------- reference


def face_dir(face: str, a: float, b: float) -> tuple[float, float, float]:
    """(F, R, U) of face coordinates a (right), b (down): the documented convention."""
    return {
        "front": (1.0, a, -b),
        "right": (-a, 1.0, -b),
        "back": (-1.0, -a, -b),
        "left": (a, -1.0, -b),
        "top": (b, a, 1.0),
        "bottom": (-b, a, -1.0),
    }[face]


def direction(yaw: float, pitch: float) -> tuple[float, float, float]:
    y, p = math.radians(yaw), math.radians(pitch)
    return (math.cos(p) * math.cos(y), math.cos(p) * math.sin(y), math.sin(p))


def ref_face_pixel(d, n: int) -> tuple[str, float, float]:
    """Face and pixel coordinates (i, j; pixel centres at integers) of direction d."""
    best = None
    for face in FACES:
        # solve d = t * face_dir(face, a, b) with t > 0: the face axis component must be max
        f0 = face_dir(face, 0.0, 0.0)
        t = sum(x * y for x, y in zip(d, f0, strict=False))
        if t <= 0:
            continue
        fa = [x - y for x, y in zip(face_dir(face, 1.0, 0.0), f0, strict=False)]
        fb = [x - y for x, y in zip(face_dir(face, 0.0, 1.0), f0, strict=False)]
        a = sum(x * y for x, y in zip(d, fa, strict=False)) / t
        b = sum(x * y for x, y in zip(d, fb, strict=False)) / t
        if abs(a) <= 1 and abs(b) <= 1 and (best is None or t > best[0]):
            best = (t, face, a, b)
    _, face, a, b = best
    return face, (a + 1) * n / 2 - 0.5, (b + 1) * n / 2 - 0.5


# ----------------------------------------------------------------------------- synthetic images


def sphere_coords(width: int, height: int, haov=360.0, vaov=180.0, voffset=0.0):
    xy = pyvips.Image.xyz(width, height)
    yaw = (xy[0] + 0.5) * (haov / width) - haov / 2
    pitch = (voffset + vaov / 2) - (xy[1] + 0.5) * (vaov / height)
    return yaw, pitch


def marker_pano(path: Path, width: int, height: int, markers, **angles) -> Path:
    """Grey panorama with coloured discs (radius in degrees) at (yaw, pitch)."""
    yaw, pitch = sphere_coords(width, height, **angles)
    cp = pitch.cos()
    f, r, u = cp * yaw.cos(), cp * yaw.sin(), pitch.sin()
    image = (pyvips.Image.black(width, height, bands=3) + [110, 110, 110]).cast("uchar")
    for my, mp, radius, colour in markers:
        df, dr, du = direction(my, mp)
        dot = f * df + r * dr + u * du
        inside = dot > math.cos(math.radians(radius))
        image = inside.ifthenelse(list(colour), image)
    image.write_to_file(str(path))
    return path


def smooth_pano(path: Path, width: int, height: int) -> Path:
    """Smooth, everywhere-different colours (functions of the 3D direction: no seam)."""
    yaw, pitch = sphere_coords(width, height)
    cp = pitch.cos()
    f, r, u = cp * yaw.cos(), cp * yaw.sin(), pitch.sin()
    image = (f * 100 + 128).bandjoin([r * 100 + 128, u * 100 + 128]).cast("uchar")
    image.write_to_file(str(path))
    return path


def face_image(out: Path, ts: tiling.TileSet, face: str, level: int | None = None) -> pyvips.Image:
    level = len(ts.levels) - 1 if level is None else level
    size, nb = ts.levels[level]
    tiles = [
        pyvips.Image.new_from_file(str(out / ts.tile_pattern.format(level=level, face=face, row=r, col=c)))
        for r in range(nb)
        for c in range(nb)
    ]
    return pyvips.Image.arrayjoin(tiles, across=nb).copy_memory()


def centroid(image: pyvips.Image, colour, tol=60) -> tuple[float, float, int] | None:
    diff = (image.cast("float") - list(colour)).abs()
    mask = (diff[0] < tol) & (diff[1] < tol) & (diff[2] < tol)
    m = mask / 255.0
    count = m.avg() * image.width * image.height
    if count < 3:
        return None
    xy = pyvips.Image.xyz(image.width, image.height)
    cx = (xy[0] * m).avg() * image.width * image.height / count
    cy = (xy[1] * m).avg() * image.width * image.height / count
    return cx, cy, int(count)


MARKERS = [
    (0, 0, 2.0, (230, 20, 20)),  # front centre
    (180, 0, 2.0, (20, 200, 20)),  # back centre, on the ±180 seam of the source
    (0, 90, 2.0, (20, 20, 230)),  # zenith
    (0, -90, 2.0, (230, 230, 20)),  # nadir
    (40, 30, 1.5, (230, 20, 230)),  # front, near its top-right corner
    (-100, 62, 1.5, (20, 230, 230)),  # top face, off centre (orientation of the top)
    (170, -55, 1.5, (250, 140, 0)),  # bottom face near the back edge
    (90, 0, 2.0, (255, 255, 255)),  # right centre
    (-135, 20, 1.5, (120, 40, 0)),  # on the left/back edge
]


@pytest.fixture(scope="module")
def marker_set(tmp_path_factory):
    base = tmp_path_factory.mktemp("markers")
    src = marker_pano(base / "markers.png", 4096, 2048, MARKERS)
    out = base / "out"
    ts = tile_panorama(src, out)
    return src, out, ts


# ----------------------------------------------------------------------------- geometry


def test_markers_land_where_the_reference_projection_says(marker_set):
    _, out, ts = marker_set
    assert ts.face_size == 1024
    faces = {face: face_image(out, ts, face) for face in FACES}
    for yaw, pitch, _, colour in MARKERS:
        face, i, j = ref_face_pixel(direction(yaw, pitch), ts.face_size)
        if min(i, j) < 20 or max(i, j) > ts.face_size - 21:
            # on an edge: the disc is split; check that the face holds part of it
            assert centroid(faces[face], colour) is not None, (yaw, pitch, face)
            continue
        found = centroid(faces[face], colour)
        assert found is not None, f"marker {yaw},{pitch} missing from {face}"
        assert abs(found[0] - i) <= 2 and abs(found[1] - j) <= 2, (yaw, pitch, face, found, (i, j))
        for other in FACES:
            if other != face and not (min(i, j) < 60 or max(i, j) > ts.face_size - 61):
                assert centroid(faces[other], colour) is None, f"marker {yaw},{pitch} also on {other}"


def test_lower_levels_and_preview_keep_the_geometry(marker_set):
    _, out, ts = marker_set
    small = face_image(out, ts, "front", 0)
    found = centroid(small, (230, 20, 20))
    assert found and abs(found[0] - 255.5) <= 2 and abs(found[1] - 255.5) <= 2
    stripe = pyvips.Image.new_from_file(str(out / ts.preview))
    p = ts.preview_face_size
    assert (stripe.width, stripe.height) == (6 * p, p)
    # stripe order left, front, right, back, top, bottom: front's red at slot 1
    found = centroid(stripe.crop(p, 0, p, p), (230, 20, 20))
    assert found and abs(found[0] - (p / 2 - 0.5)) <= 2
    found = centroid(stripe.crop(4 * p, 0, p, p), (20, 20, 230))  # zenith at top centre
    assert found and abs(found[0] - (p / 2 - 0.5)) <= 2 and abs(found[1] - (p / 2 - 0.5)) <= 2


def test_neighbouring_faces_agree_along_shared_edges(tmp_path):
    src = smooth_pano(tmp_path / "smooth.png", 4096, 2048)
    ts = tile_panorama(src, tmp_path / "out")
    n = ts.face_size
    faces = {face: face_image(tmp_path / "out", ts, face).cast("float") for face in FACES}
    worst = 0.0
    for face in FACES:
        for k in range(0, n, 7):
            c = (2 * k + 1) / n - 1
            for a, b, i, j in (
                (1 + 1 / n, c, n - 1, k),
                (-1 - 1 / n, c, 0, k),
                (c, 1 + 1 / n, k, n - 1),
                (c, -1 - 1 / n, k, 0),
            ):
                other, oi, oj = ref_face_pixel(face_dir(face, a, b), n)
                assert other != face
                here = faces[face](i, j)
                there = faces[other](min(max(round(oi), 0), n - 1), min(max(round(oj), 0), n - 1))
                worst = max(worst, max(abs(x - y) for x, y in zip(here, there, strict=False)))
    # neighbours are one pixel apart on the sphere; gradients are ~0.3 levels per pixel
    assert worst <= 6, worst


def yaw_reference(face: str, j0: int, n: int) -> float:
    """Yaw around which the tiler unwraps a strip: the face centre for side faces; on the
    top/bottom faces 180 for the half that looks backwards, 0 for the other half."""
    if face in ("front", "right", "back", "left"):
        return {"front": 0.0, "right": 90.0, "back": 180.0, "left": -90.0}[face]
    looks_back = (j0 < n // 2) == (face == "top")
    return 180.0 if looks_back else 0.0


def exact_map(face: str, n: int, j0: int, rows: int, canvas: tiling._Canvas) -> pyvips.Image:
    """(x, y) canvas coordinates of every pixel of face rows [j0, j0 + rows), computed
    directly from the face vectors (float vips arithmetic, one atan2 per coordinate)."""
    xy = pyvips.Image.xyz(n, rows)
    a = xy[0] * (2.0 / n) + (1.0 / n - 1.0)
    b = xy[1] * (2.0 / n) + ((2.0 * j0 + 1.0) / n - 1.0)
    f, r, u = [a * ca + b * cb + c1 for c1, ca, cb in _face_coefficients(face)]
    raw = r.math2(f, "atan2")  # within [0, 360)
    ref = yaw_reference(face, j0, n)
    yaw = raw - (raw > ref + 180.0) / 255.0 * 360.0  # within ref ± 180
    colat = ((f * f + r * r) ** 0.5).math2(u, "atan2")
    x = yaw * (canvas.width / 360.0) + (canvas.width / 2.0 - 0.5)
    y = colat * (canvas.height / 180.0) - 0.5
    return x.bandjoin(y).cast("float")


def _face_coefficients(face: str) -> list[tuple[float, float, float]]:
    """face_dir as linear forms in (1, a, b), one per component F, R, U."""
    base = face_dir(face, 0.0, 0.0)
    da = [x - y for x, y in zip(face_dir(face, 1.0, 0.0), base, strict=True)]
    db = [x - y for x, y in zip(face_dir(face, 0.0, 1.0), base, strict=True)]
    return list(zip(base, da, db, strict=True))


def test_index_map_error_is_small():
    """The coarse-grid index map (upsampled by vips, mirrored between faces) stays within
    0.2 px of the exact one."""
    canvas = tiling._Canvas(4096, 2048, 0, 0, 4096, 2048)
    n = 1024
    maps = tiling._Maps(n, 512, canvas)
    for face in FACES:
        for j0 in (0, 512):
            # side faces: the front face's map shifted by a quarter turn per face
            fine = tiling._face_strip_map(face, n, j0, 512, canvas, maps)
            ref = exact_map(face, n, j0, 512, canvas)
            # the error as a distance on the sphere, in face pixels (x shrinks toward the poles)
            d = fine - ref
            cos_pitch = (ref[1] * (-180.0 / 2048) + (90 - 0.5 * 180 / 2048)).cos()
            dx = d[0] * (2 * math.pi / 4096) * cos_pitch
            dy = d[1] * (math.pi / 2048)
            err = ((dx * dx + dy * dy) ** 0.5).max() * n  # n/2 px per radian, up to 2x at edges
            assert err < 0.2, (face, j0, err)


# ----------------------------------------------------------------------------- layout and config


def test_tiles_levels_and_psv_config_match_exactly(marker_set):
    _, out, ts = marker_set
    config = ts.psv_config()
    assert config["levels"] == [{"faceSize": 512, "nbTiles": 1}, {"faceSize": 1024, "nbTiles": 2}]
    assert config["flipTopBottom"] is True and config["baseUrl"]["flipTopBottom"] is True
    assert config["baseUrl"]["type"] == "stripe" and (out / config["baseUrl"]["path"]).is_file()
    expected = set()
    for level, entry in enumerate(config["levels"]):
        assert entry["faceSize"] == ts.tile_size * entry["nbTiles"]
        for face in ("left", "front", "right", "back", "top", "bottom"):
            for row in range(entry["nbTiles"]):
                for col in range(entry["nbTiles"]):
                    rel = config["tileUrl"].format(level=level, face=face, row=row, col=col)
                    expected.add(rel)
                    image = pyvips.Image.new_from_file(str(out / rel))
                    assert (image.width, image.height) == (ts.tile_size, ts.tile_size)
    written = {p.relative_to(out).as_posix() for p in (out / "tiles").rglob("*") if p.is_file()}
    assert written == expected == set(ts.tile_paths())
    for rel in ts.fallback_faces.values():
        image = pyvips.Image.new_from_file(str(out / rel))
        assert image.width == image.height == ts.fallback_size == 1024
    eq = pyvips.Image.new_from_file(str(out / ts.equirect))
    assert (eq.width, eq.height) == ts.equirect_size == (4096, 2048)
    assert load_tileset(out) == ts


def test_fallback_faces_are_the_joined_tiles_of_their_level(marker_set):
    _, out, ts = marker_set
    level = [size for size, _ in ts.levels].index(ts.fallback_size)
    for face in FACES:
        fallback = pyvips.Image.new_from_file(str(out / ts.fallback_faces[face]))
        tiles = face_image(out, ts, face, level)
        diff = (fallback.cast("int") - tiles.cast("int")).abs()
        # the same JPEG data; only chroma upsampling across tile seams may differ
        assert diff.avg() < 0.05 and diff.crop(8, 8, 496, 496).max() == 0, face


@pytest.mark.parametrize("quality", [80, 95])
def test_split_and_joined_jpegs_are_byte_identical_to_direct_encodes(quality):
    writer = tiling._Writer(Path("."), TileSettings(jpeg_quality=quality))
    xy = pyvips.Image.xyz(1024, 512)
    image = (
        ((xy[0] * 0.25).bandjoin([xy[1] * 0.5, (xy[0] + xy[1]) * 0.13]) + pyvips.Image.gaussnoise(1024, 512, sigma=20))
        .cast("uchar")
        .copy_memory()
    )
    options = dict(Q=quality, keep="none", subsample_mode=writer.subsample, restart_interval=256 // writer.mcu)
    grid = [[image.crop(256 * c, 256 * r, 256, 256).jpegsave_buffer(**options) for c in range(4)] for r in range(2)]
    whole = image.jpegsave_buffer(**options)
    assert tiling.join_jpegs(grid, 256, writer.mcu) == whole
    strips = [image.crop(0, 256 * r, 1024, 256).jpegsave_buffer(**options) for r in range(2)]
    assert [tiling.split_jpeg(strip, 256, writer.mcu) for strip in strips] == grid
    with pytest.raises(ValueError):  # no restart markers
        tiling.join_jpegs([[image.crop(0, 0, 256, 256).jpegsave_buffer(Q=quality)]] * 2, 256, writer.mcu)
    with pytest.raises(ValueError):  # another quality
        tiling.join_jpegs(
            [grid[0][:1], [image.crop(0, 0, 256, 256).jpegsave_buffer(**dict(options, Q=quality - 10))]],
            256,
            writer.mcu,
        )


def test_face_size_is_nearest_power_of_two_in_log2():
    assert tiling.choose_face_size(8000) == 2048  # 8000/π = 2546
    assert tiling.choose_face_size(12000) == 4096  # 3820
    assert tiling.choose_face_size(16000) == 4096  # 5093
    assert tiling.choose_face_size(1000) == 512
    assert tiling.choose_face_size(200000) == 8192  # PSV: at most 16 tiles a side


def test_output_is_deterministic_and_has_no_metadata(tmp_path):
    src = marker_pano(tmp_path / "p.jpg", 2048, 1024, MARKERS[:3])
    a, b = tmp_path / "a", tmp_path / "b"
    tile_panorama(src, a)
    tile_panorama(src, b)
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert files_a == files_b and len(files_a) > 10
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
    tile = pyvips.Image.new_from_file(str(a / "tiles/0/front_0_0.jpg"))
    assert not any(f.startswith(("exif", "xmp", "icc")) for f in tile.get_fields())


def test_jpeg_and_other_formats_decode_to_the_same_tiles(tmp_path):
    """A JPEG is decoded chunk by chunk through libvips sinks, other formats with
    Region.fetch, in other chunk sizes (see _RowStore): the same pixels, the same tiles."""
    jpeg = marker_pano(tmp_path / "p.jpg", 2048, 1024, MARKERS[:3])
    png = tmp_path / "p.png"
    pyvips.Image.new_from_file(str(jpeg)).write_to_file(str(png))
    a, b = tmp_path / "a", tmp_path / "b"
    ts = tile_panorama(jpeg, a)
    tile_panorama(png, b)
    for rel in [*ts.tile_paths(), *ts.fallback_faces.values(), ts.preview]:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_bottom_face_maps_kept_from_the_top_face_or_made_again_are_the_same(tmp_path, monkeypatch):
    """Small maps of the top face serve the bottom face too, big ones are made again
    (see _keep_map): both ways give the same tiles (up to float rounding of the map)."""
    src = marker_pano(tmp_path / "p.jpg", 2048, 1024, MARKERS[:4])
    kept, again = tmp_path / "kept", tmp_path / "again"
    ts = tile_panorama(src, kept)
    monkeypatch.setattr(tiling.maps, "_KEEP_MAP_BYTES", 0)
    tile_panorama(src, again)
    for rel in ts.tile_paths():
        a, b = (pyvips.Image.new_from_file(str(root / rel)).cast("int") for root in (kept, again))
        diff = (a - b).abs()
        assert diff.max() <= 4 and diff.avg() < 0.01, rel


# ----------------------------------------------------------------------------- cache and parallel


def test_cache_hit_is_a_no_op(tmp_path, monkeypatch):
    src = marker_pano(tmp_path / "p.jpg", 2048, 1024, MARKERS[:2])
    cache = tmp_path / "cache"
    first, folder = cached_tile_panorama(src, cache, TileSettings())
    assert folder == cache / first.key and (folder / "tileset.json").is_file()
    stamp = (folder / "tiles/0/front_0_0.jpg").stat().st_mtime_ns

    def boom(*args, **kwargs):
        raise AssertionError("tiled again")

    monkeypatch.setattr(tiling.api, "tile_panorama", boom)
    second, folder2 = cached_tile_panorama(src, cache, TileSettings())
    assert (second, folder2) == (first, folder)
    assert (folder / "tiles/0/front_0_0.jpg").stat().st_mtime_ns == stamp
    assert [p.name for p in cache.iterdir()] == [first.key]  # no temp folders left
    # another quality is another tile set
    monkeypatch.undo()
    third, folder3 = cached_tile_panorama(src, cache, TileSettings(jpeg_quality=60))
    assert third.key != first.key


def test_interrupted_build_leaves_no_tile_set(tmp_path, monkeypatch):
    src = marker_pano(tmp_path / "p.jpg", 2048, 1024, MARKERS[:2])
    cache = tmp_path / "cache"

    def broken(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(tiling.api, "_save_preview", broken)
    with pytest.raises(KeyboardInterrupt):
        cached_tile_panorama(src, cache)
    assert list(cache.iterdir()) == []


def test_tile_panoramas_in_processes_reports_progress(tmp_path):
    a = marker_pano(tmp_path / "a.jpg", 2048, 1024, MARKERS[:1])
    b = marker_pano(tmp_path / "b.jpg", 2048, 1024, MARKERS[1:2])
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(a.read_bytes()[:5000])
    seen = []
    results = tile_panoramas(
        [a, (b, None), bad],
        tmp_path / "cache",
        TileSettings(),
        workers=2,
        progress=lambda done, total, job: seen.append((done, total)),
    )
    assert sorted(seen) == [(1, 3), (2, 3), (3, 3)]
    assert isinstance(results[0], tuple) and isinstance(results[1], tuple)
    assert results[0][0].key != results[1][0].key
    assert isinstance(results[2], TilingError)


# ----------------------------------------------------------------------------- partial panoramas


def test_partial_panorama_is_placed_and_filled(tmp_path):
    angles = dict(haov=150.0, vaov=54.0, voffset=0.0)
    src = marker_pano(
        tmp_path / "partial.png", 2000, 720, [(0, 0, 2.0, (230, 20, 20)), (60, 20, 2.0, (20, 200, 20))], **angles
    )
    with pytest.raises(TilingError):  # 2.78:1 and no angles
        tile_panorama(src, tmp_path / "none")
    ts = tile_panorama(src, tmp_path / "out", angles=PanoramaAngles(**angles))
    assert ts.face_size == choose(2000 * 360 / 150)
    n = ts.face_size
    front = face_image(tmp_path / "out", ts, "front")
    found = centroid(front, (230, 20, 20))
    assert found and abs(found[0] - (n / 2 - 0.5)) <= 2 and abs(found[1] - (n / 2 - 0.5)) <= 2
    face, i, j = ref_face_pixel(direction(60, 20), n)
    found = centroid(face_image(tmp_path / "out", ts, face), (20, 200, 20))
    assert found and abs(found[0] - i) <= 2 and abs(found[1] - j) <= 2
    back = face_image(tmp_path / "out", ts, "back")
    assert all(abs(v - c) <= 3 for v, c in zip([back[k].avg() for k in range(3)], FILL, strict=False))
    assert back.deviate() < 3
    top = face_image(tmp_path / "out", ts, "top")
    assert abs(top.crop(n // 4, n // 4, n // 2, n // 2).avg() - FILL[0]) <= 3  # only the sky is missing
    eq = pyvips.Image.new_from_file(str(tmp_path / "out" / ts.equirect))
    assert eq.width == 2 * eq.height
    assert abs(eq.crop(0, 0, eq.width // 8, eq.height).avg() - FILL[0]) <= 3


def choose(width):
    return tiling.choose_face_size(width)


# ----------------------------------------------------------------------------- input checks


def test_xmp_disagreeing_with_pixels_warns():
    path = CORPUS / "cerro-toco-1.jpg"
    if not path.is_file():
        pytest.skip(f"corpus file {path} not present (needs /work/shared next to the repo)")
    width, height, angles, warnings = read_panorama_info(path)
    assert (width, height) == (4096, 2048)
    assert angles == PanoramaAngles(360.0, 180.0, 0.0)
    assert len(warnings) == 1 and "5376×2688" in warnings[0] and "4096×2048" in warnings[0]
    assert check_panorama(path)[1] == warnings


def test_xmp_gives_partial_angles(tmp_path):
    image = (pyvips.Image.black(1000, 300, bands=3) + 90).cast("uchar").copy()
    xmp = (
        "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>"
        "<rdf:Description xmlns:GPano='http://ns.google.com/photos/1.0/panorama/' "
        "GPano:CroppedAreaImageWidthPixels='1000' GPano:CroppedAreaImageHeightPixels='300' "
        "GPano:FullPanoWidthPixels='2000' GPano:FullPanoHeightPixels='1000' "
        "GPano:CroppedAreaLeftPixels='500' GPano:CroppedAreaTopPixels='300'/></rdf:RDF></x:xmpmeta>"
    )
    image.set_type(pyvips.GValue.blob_type, "xmp-data", xmp.encode())
    path = tmp_path / "xmp.jpg"
    image.jpegsave(str(path), keep="xmp")
    width, height, angles, warnings = read_panorama_info(path)
    assert angles == PanoramaAngles(180.0, 54.0, 90.0 - 450 / 1000 * 180)
    assert warnings == []


def test_not_2_to_1_without_angles_is_an_error(tmp_path):
    path = CORPUS / "charles-street.jpg"
    if not path.is_file():
        pytest.skip(f"corpus file {path} not present (needs /work/shared next to the repo)")
    with pytest.raises(TilingError) as caught:
        check_panorama(path)
    assert "4096×1480" in caught.value.message and "haov" in caught.value.hint
    angles, _ = check_panorama(path, angles=PanoramaAngles(149.87, 54.15, 1.17))
    assert angles.haov == 149.87


def test_truncated_jpeg_is_an_error(tmp_path):
    good = marker_pano(tmp_path / "good.jpg", 2048, 1024, MARKERS[:2])
    verify_image(good)
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(good.read_bytes()[: good.stat().st_size * 6 // 10])
    read_panorama_info(bad)  # the header is fine
    with pytest.raises(TilingError) as caught:
        verify_image(bad)
    assert "truncated or corrupt" in caught.value.message and caught.value.hint
    with pytest.raises(TilingError):
        tile_panorama(bad, tmp_path / "out")
    garbage = tmp_path / "garbage.jpg"
    garbage.write_bytes(b"not an image at all")
    with pytest.raises(TilingError):
        verify_image(garbage)


def test_truncated_panorama_is_reported_at_its_scene_by_check_and_by_build(tmp_path):
    """`disan check` decodes the panorama; a build leaves that to the tiler (one decode, not two),
    which reports the same error at the same line."""
    site = tmp_path / "site"
    scaffold(site)
    good = marker_pano(tmp_path / "good.jpg", 2048, 1024, MARKERS[:2])
    (site / "assets/panoramas").mkdir(parents=True)
    (site / "assets/panoramas/p.jpg").write_bytes(good.read_bytes()[: good.stat().st_size * 6 // 10])
    (site / "tours/t").mkdir(parents=True)
    (site / "tours/t/tour.md").write_text("---\ntitle: T\nstart: a\n---\n", encoding="utf-8")
    (site / "tours/t/a.md").write_text("---\ntitle: A\npanorama: assets/panoramas/p.jpg\n---\n", encoding="utf-8")
    checked = [p for p in SiteBuilder(site).check().problems if p.level == "error"]
    with pytest.raises(ContentError) as caught:
        SiteBuilder(site).build()
    assert checked and caught.value.problems
    for problem in (*checked, *caught.value.problems):
        assert (problem.file, problem.line, problem.code) == ("tours/t/a.md", 3, "panorama")
        assert "p.jpg is truncated or corrupt" in problem.message and problem.hint


def test_over_pixel_limit_is_an_error(tmp_path):
    src = marker_pano(tmp_path / "p.jpg", 2048, 1024, MARKERS[:1])
    settings = TileSettings(max_pixels=2_000_000)
    with pytest.raises(TilingError) as caught:
        tile_panorama(src, tmp_path / "out", settings)
    assert "2048×1024" in caught.value.message and "2,000,000 pixels" in caught.value.message
    assert "max_panorama_pixels" in caught.value.hint and "site.toml" in caught.value.hint
    assert not (tmp_path / "out" / "tileset.json").exists()


# ----------------------------------------------------------------------------- six faces


def test_six_face_input(tmp_path, marker_set):
    # use the marker panorama's own fallback faces (1024 px) as a six-face source
    _, out, ts = marker_set
    names = {"front": "front", "back": "back", "left": "left", "right": "right", "up": "top", "down": "bottom"}
    source = {key: out / ts.fallback_faces[face] for key, face in names.items()}
    six = tile_panorama(source, tmp_path / "six")
    assert six.face_size == 1024 and six.levels == ts.levels
    for yaw, pitch, _, colour in MARKERS:
        face, i, j = ref_face_pixel(direction(yaw, pitch), 1024)
        if min(i, j) < 20 or max(i, j) > 1003:
            continue
        found = centroid(face_image(tmp_path / "six", six, face), colour)
        assert found and abs(found[0] - i) <= 2 and abs(found[1] - j) <= 2, (yaw, pitch, face, found)
    eq = pyvips.Image.new_from_file(str(tmp_path / "six" / six.equirect))
    assert eq.width == 2 * eq.height
    for yaw, pitch, _, colour in MARKERS[:2] + MARKERS[4:5]:
        found = centroid(eq, colour)
        x = (yaw + 180) / 360 * eq.width - 0.5
        y = (90 - pitch) / 180 * eq.height - 0.5
        if yaw == 180:  # split across the seam: only its row is meaningful
            assert found and abs(found[1] - y) <= 3
        else:
            assert found and abs(found[0] - x) <= 3 and abs(found[1] - y) <= 3, (yaw, pitch, found)
    with pytest.raises(TilingError):
        tile_panorama({"front": source["front"]}, tmp_path / "bad")


def test_a_plain_full_jpeg_is_reused_as_the_equirect_without_its_metadata(tmp_path: Path) -> None:
    source = tmp_path / "pano.jpg"
    image = pyvips.Image.xyz(1024, 512)[0].cast("uchar").bandjoin([pyvips.Image.xyz(1024, 512)[1].cast("uchar")] * 2)
    image = image.copy()
    image.set_type(pyvips.GValue.gstr_type, "exif-ifd0-Artist", "camera owner")
    image.jpegsave(str(source), Q=90)
    assert b"camera owner" in source.read_bytes()
    tileset, folder = cached_tile_panorama(source, tmp_path / "cache", TileSettings())
    equirect = folder / tileset.equirect
    assert b"camera owner" not in equirect.read_bytes()
    original, derivative = pyvips.Image.new_from_file(str(source)), pyvips.Image.new_from_file(str(equirect))
    assert (derivative.width, derivative.height) == tileset.equirect_size == (1024, 512)
    assert (original - derivative).abs().max() == 0, "the same pixels, not a re-encoded copy"
