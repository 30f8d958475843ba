#!/usr/bin/env python3
"""Build the two 3D models of the disan demo museum, and their posters.

Why this exists: the exhibit pages show a 3D model with <model-viewer>, and the demo museum
needs models it may publish.  Scans of the real objects belong to their museums, so these two
are made here from scratch, like the demo illustrations (scripts/make_demo_images.py) and
panoramas (scripts/make_demo_panoramas.py): a surface of revolution for the shape, textures
drawn with Pillow and numpy, written with pygltflib.  No photographs, no scans, no
third-party data.  They are stylised models, not records of the real objects: shapes,
motifs and their numbers are only evocative.

    python scripts/make_demo_models.py                 # both models and both posters
    python scripts/make_demo_models.py --out DIR       # write under DIR/assets/ instead
    python scripts/make_demo_models.py --preview DIR   # also PNG previews of the textures

Requirements: Pillow and pygltflib (disan dependencies) and numpy (only for this script:
``.venv/bin/pip install numpy``).  The output is deterministic: no random state (the
textures use integer hash noise), sines and cosines come from Python's ``math`` and the
renderer uses only exactly rounded numpy operations (no BLAS, no numpy transcendental
functions), so running the script again gives byte-identical files (with the same Pillow,
whose JPEG encoder makes the bytes).  It takes 5-10 s on one core, about half of it for the
posters.

Output
------
assets/models/trong-dong-ngoc-lu.glb   Đông Sơn bronze drum, Ngọc Lũ style: height 0.63 m,
                                       tympanum 0.79 m, foot 0.80 m; four handles.  Two
                                       materials: the sides (2048 x 512 texture, u around,
                                       v down the profile) and the face (1024 x 1024, seen
                                       from above); bronze, metallic 0.8, roughness 0.45
assets/models/binh-gom-chu-dau.glb     Chu Đậu blue-and-white vase, pear-shaped baluster
                                       like the exhibit's illustration, height 0.50 m; one
                                       1024 x 1024 texture; glaze, metallic 0, roughness 0.25
assets/images/trong-dong-ngoc-lu-3d.jpg  posters: the model rendered by the small software
assets/images/binh-gom-chu-dau-3d.jpg    rasteriser below (z-buffer, Lambert + specular,
                                         the same textures), 1024 x 1024

Model conventions (what model-viewer expects): metres, y up, the base on the ground (y = 0),
centred on the y axis, front towards +z.  Each model is a closed shell (the drum is hollow
with an open bottom, the vase has a hollow neck and body): every profile runs from the axis
to the axis, so the revolved surface has no holes; seam vertices are duplicated so that the
texture wraps; faces are counter-clockwise seen from outside, normals point outwards.
PBR metallic-roughness materials, base-colour textures as JPEG inside the GLB.

The poster camera is model-viewer's ``camera-orbit="35deg 68deg auto"`` with a vertical
field of view of 30 degrees, looking at the centre of the bounding box: a 3/4 view from
slightly above.

Running the script prints the annotation anchors (points ON the mesh and their normals),
in the form used by the exhibits' ``model: annotations:`` lists.
"""

from __future__ import annotations

import argparse
import io
import math
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pygltflib
from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = "disan scripts/make_demo_models.py"
COPYRIGHT = "CC0 (made for the disan demo)"
SS = 2  # textures are drawn at SS x their size, then reduced (antialiasing)
TEXTURE_QUALITY = 82
POSTER_SIZE = 1024
POSTER_SS = 2
POSTER_QUALITY = 84
POSTER_ORBIT = (35.0, 68.0)  # model-viewer camera-orbit theta, phi (degrees)
POSTER_FOV = 30.0  # vertical field of view, degrees
TAU = 2.0 * math.pi


# ---------------------------------------------------------------------------
# deterministic noise (integer hashes, no random state)
# ---------------------------------------------------------------------------


def hash01(ix, iy, seed):
    h = (ix.astype(np.int64) * 73856093) ^ (iy.astype(np.int64) * 19349663) ^ (seed * 83492791 + 12345)
    h = h & 0xFFFFFFFF
    h = ((h ^ (h >> 13)) * 1274126177) & 0xFFFFFFFF
    h = h ^ (h >> 16)
    return (h & 0xFFFF).astype(np.float64) / 65535.0


def vnoise(width, height, cell, seed, wrap=False):
    """Smooth value noise on a width x height pixel grid, one random value per ``cell`` pixels,
    interpolated separably (smoothstep); with ``wrap`` it tiles horizontally (cell must then
    divide the width)."""
    nx = -(-width // cell) + 2
    ny = -(-height // cell) + 2
    iy, ix = np.mgrid[0:ny, 0:nx]
    if wrap:
        ix = ix % (width // cell)
    lattice = hash01(ix, iy, seed)

    def weights(count):
        pos = (np.arange(count) + 0.5) / cell
        i0 = np.floor(pos).astype(np.int64)
        f = pos - i0
        return i0, f * f * (3 - 2 * f)

    xi, xw = weights(width)
    yi, yw = weights(height)
    rows = lattice[:, xi] + (lattice[:, xi + 1] - lattice[:, xi]) * xw[None, :]
    return rows[yi] + (rows[yi + 1] - rows[yi]) * yw[:, None]


def fbm(width, height, cell, seed, octaves=4, wrap=False):
    """Sum of octaves of value noise, cell sizes cell, cell/2, ... (0..1)."""
    acc = np.zeros((height, width))
    amp, total = 1.0, 0.0
    for i in range(octaves):
        c = max(1, cell >> i)
        acc += amp * vnoise(width, height, c, seed + 101 * i, wrap)
        total += amp
        amp *= 0.5
    return acc / total


def grid(width, height):
    ys, xs = np.mgrid[0:height, 0:width]
    return xs.astype(np.float64), ys.astype(np.float64)


def lerp(a, b, t):
    """Colour blend: a, b RGB triples (or arrays), t an array of weights."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    t = np.asarray(t, dtype=np.float64)[..., None]
    return a + (b - a) * t


def clip01(x):
    return np.clip(x, 0.0, 1.0)


def smoothstep(e0, e1, x):
    t = clip01((x - e0) / (e1 - e0))
    return t * t * (3 - 2 * t)


def to_image(rgb):
    return Image.fromarray(np.clip(np.floor(rgb + 0.5), 0, 255).astype(np.uint8), "RGB")


def jpeg_bytes(img, quality):
    out = io.BytesIO()
    img.save(out, "JPEG", quality=quality, optimize=True, subsampling="4:2:0")
    return out.getvalue()


# ---------------------------------------------------------------------------
# profiles and surfaces of revolution
# ---------------------------------------------------------------------------


def catmull_rom(points, per_span):
    """A smooth curve through the control points; ``per_span`` samples per span (int or list)."""
    p = [tuple(map(float, q)) for q in points]
    ext = [(2 * p[0][0] - p[1][0], 2 * p[0][1] - p[1][1]), *p, (2 * p[-1][0] - p[-2][0], 2 * p[-1][1] - p[-2][1])]
    out = [p[0]]
    for i in range(len(p) - 1):
        p0, p1, p2, p3 = ext[i : i + 4]
        k_max = per_span[i] if isinstance(per_span, (list, tuple)) else per_span
        for k in range(1, k_max + 1):
            t = k / k_max
            t2, t3 = t * t, t * t * t
            out.append(
                tuple(
                    0.5 * (2 * b + (c - a) * t + (2 * a - 5 * b + 4 * c - d) * t2 + (-a + 3 * b - 3 * c + d) * t3)
                    for a, b, c, d in zip(p0, p1, p2, p3, strict=True)
                )
            )
    return np.array(out, dtype=np.float64)


def profile_normals(pts):
    """Unit normals (nr, ny) of a profile polyline: (dy, -dr) of its direction of travel.

    Profiles are written so that this points out of the solid: up an outer wall, down an
    inner wall, outwards under a base, inwards over a top.
    """
    d = np.empty_like(pts)
    d[1:-1] = pts[2:] - pts[:-2]
    d[0] = pts[1] - pts[0]
    d[-1] = pts[-1] - pts[-2]
    n = np.stack([d[:, 1], -d[:, 0]], axis=1)
    return n / np.sqrt(n[:, 0] * n[:, 0] + n[:, 1] * n[:, 1])[:, None]


def arc_lengths(pts):
    seg = pts[1:] - pts[:-1]
    return np.concatenate([[0.0], np.cumsum(np.sqrt(seg[:, 0] * seg[:, 0] + seg[:, 1] * seg[:, 1]))])


@dataclass
class Section:
    """Part of a profile, smooth inside; sections meet at creases (vertices duplicated)."""

    pts: np.ndarray  # (k, 2): r, y
    prim: int  # which primitive (material) it belongs to
    group: str  # texture mapping group; "planar:<radius>" maps (x, z) onto the texture square
    v: np.ndarray | None = None  # texture v of each row (cylindrical groups)


@dataclass
class Prim:
    positions: list = field(default_factory=list)
    normals: list = field(default_factory=list)
    uvs: list = field(default_factory=list)
    indices: list = field(default_factory=list)
    count: int = 0

    def add(self, pos, nor, uv, tris):
        self.positions.append(pos)
        self.normals.append(nor)
        self.uvs.append(uv)
        self.indices.append(tris + self.count)
        self.count += len(pos)

    def arrays(self):
        return (
            np.concatenate(self.positions),
            np.concatenate(self.normals),
            np.concatenate(self.uvs),
            np.concatenate(self.indices),
        )


def angle_table(n):
    """sin, cos of j * 2pi / n for j = 0..n, the last equal to the first (closed seam)."""
    s = [math.sin(TAU * j / n) for j in range(n)]
    c = [math.cos(TAU * j / n) for j in range(n)]
    return np.array(s + s[:1]), np.array(c + c[:1])


def map_groups(sections, layout):
    """v for every row of the cylindrical groups: arc length along the group, linearly onto
    the group's (v at its first row, v at its last row) from ``layout``."""
    groups = {}
    for sec in sections:
        if not sec.group.startswith("planar"):
            groups.setdefault(sec.group, []).append(sec)
    info = {}
    for name, secs in groups.items():
        pts = np.concatenate([s.pts for s in secs])
        s_all = arc_lengths(pts)
        total = s_all[-1]
        v0, v1 = layout[name]
        start = 0
        for sec in secs:
            s = s_all[start : start + len(sec.pts)]
            sec.v = v0 + (v1 - v0) * s / total
            start += len(sec.pts)
        info[name] = GroupMap(pts[:, 0], pts[:, 1], s_all, v0, v1)
    return info


@dataclass
class GroupMap:
    """Where a cylindrical texture group lies on the surface: radius and height by arc length."""

    r: np.ndarray
    y: np.ndarray
    s: np.ndarray
    v0: float
    v1: float

    @property
    def length(self):
        return float(self.s[-1])

    def v_of_s(self, s):
        return self.v0 + (self.v1 - self.v0) * np.asarray(s) / self.length

    def r_of_s(self, s):
        return np.interp(s, self.s, self.r)

    def s_of_y(self, y):
        """Arc length at height y on the rising part of the group (y must increase there)."""
        top = int(np.argmax(self.y))
        return float(np.interp(y, self.y[: top + 1], self.s[: top + 1]))


def revolve(sections, nseg, prims):
    """Add every section, revolved around the y axis in ``nseg`` steps, to its primitive."""
    sin_t, cos_t = angle_table(nseg)
    cols = nseg + 1
    for sec in sections:
        r, y = sec.pts[:, 0], sec.pts[:, 1]
        n = profile_normals(sec.pts)
        rows = len(r)
        pos = np.empty((rows, cols, 3))
        pos[..., 0] = r[:, None] * sin_t[None, :]
        pos[..., 1] = y[:, None]
        pos[..., 2] = r[:, None] * cos_t[None, :]
        nor = np.empty((rows, cols, 3))
        nor[..., 0] = n[:, 0:1] * sin_t[None, :]
        nor[..., 1] = n[:, 1:2]
        nor[..., 2] = n[:, 0:1] * cos_t[None, :]
        uv = np.empty((rows, cols, 2))
        if sec.group.startswith("planar"):
            radius = float(sec.group.split(":")[1])
            uv[..., 0] = 0.5 + pos[..., 0] / (2 * radius)
            uv[..., 1] = 0.5 + pos[..., 2] / (2 * radius)
        else:
            uv[..., 0] = np.arange(cols)[None, :] / nseg
            uv[..., 1] = sec.v[:, None]
        tris = []
        for i in range(rows - 1):
            j = np.arange(nseg)
            a = i * cols + j
            b = a + 1
            c = b + cols
            d = a + cols
            if r[i] > 0:
                tris.append(np.stack([a, b, c], axis=1))
            if r[i + 1] > 0:
                tris.append(np.stack([a, c, d], axis=1))
        prims[sec.prim].add(
            pos.reshape(-1, 3), nor.reshape(-1, 3), uv.reshape(-1, 2), np.concatenate(tris).astype(np.int64)
        )


def sweep_tube(path, frame_n, frame_b, half_n, half_b, around, uv_u, uv_v):
    """A closed tube of elliptic section along ``path`` (k, 3), capped at both ends.

    ``frame_n``/``frame_b`` (k, 3): unit axes of the section; ``half_n``/``half_b`` its half
    sizes.  Returns positions, normals, uvs, triangles (oriented later by ``orient``).
    """
    k = len(path)
    sin_p, cos_p = angle_table(around)
    cols = around + 1
    pos = (
        path[:, None, :]
        + half_n * cos_p[None, :, None] * frame_n[:, None, :]
        + half_b * sin_p[None, :, None] * frame_b[:, None, :]
    )
    nor = cos_p[None, :, None] / half_n * frame_n[:, None, :] + sin_p[None, :, None] / half_b * frame_b[:, None, :]
    nor = nor / np.sqrt((nor * nor).sum(axis=2))[..., None]
    uv = np.empty((k, cols, 2))
    uv[..., 0] = uv_u[:, None]
    uv[..., 1] = uv_v[0] + (uv_v[1] - uv_v[0]) * np.arange(cols)[None, :] / around
    tris = []
    for i in range(k - 1):
        j = np.arange(around)
        a = i * cols + j
        tris.append(np.stack([a, a + 1, a + 1 + cols], axis=1))
        tris.append(np.stack([a, a + 1 + cols, a + cols], axis=1))
    P = [pos.reshape(-1, 3)]
    N = [nor.reshape(-1, 3)]
    T = [np.concatenate(tris)]
    U = [uv.reshape(-1, 2)]
    count = k * cols
    for end, sign in ((0, -1.0), (k - 1, 1.0)):  # caps: a fan around the end point
        tangent = path[min(end + 1, k - 1)] - path[max(end - 1, 0)]
        tangent = sign * tangent / math.sqrt(float((tangent * tangent).sum()))
        ring = pos[end, :around]
        P.append(np.vstack([path[end][None, :], ring]))
        N.append(np.repeat(tangent[None, :], around + 1, axis=0))
        U.append(np.repeat(uv[end, :1], around + 1, axis=0))
        j = np.arange(around)
        T.append(np.stack([np.full(around, count), count + 1 + j, count + 1 + (j + 1) % around], axis=1))
        count += around + 1
    return np.concatenate(P), np.concatenate(N), np.concatenate(U), np.concatenate(T)


def face_normals(pos, tris):
    a, b, c = pos[tris[:, 0]], pos[tris[:, 1]], pos[tris[:, 2]]
    e1, e2 = b - a, c - a
    return np.stack(
        [
            e1[:, 1] * e2[:, 2] - e1[:, 2] * e2[:, 1],
            e1[:, 2] * e2[:, 0] - e1[:, 0] * e2[:, 2],
            e1[:, 0] * e2[:, 1] - e1[:, 1] * e2[:, 0],
        ],
        axis=1,
    )


def orient(pos, nor, tris):
    """Turn every triangle counter-clockwise seen from the side its vertex normals face."""
    fn = face_normals(pos, tris)
    vn = nor[tris[:, 0]] + nor[tris[:, 1]] + nor[tris[:, 2]]
    flip = (fn * vn).sum(axis=1) < 0
    tris = tris.copy()
    tris[flip, 1], tris[flip, 2] = tris[flip, 2], tris[flip, 1].copy()
    return tris


def check_mesh(pos, nor, tris, what):
    """The properties the viewers rely on: no degenerate triangle, CCW from the normal side."""
    fn = face_normals(pos, tris)
    area2 = np.sqrt((fn * fn).sum(axis=1))
    if (area2 <= 1e-12).any():
        raise AssertionError(f"{what}: {(area2 <= 1e-12).sum()} degenerate triangles")
    vn = nor[tris[:, 0]] + nor[tris[:, 1]] + nor[tris[:, 2]]
    if ((fn * vn).sum(axis=1) <= 0).any():
        raise AssertionError(f"{what}: triangles wound against their normals")


# ---------------------------------------------------------------------------
# the bronze drum (Ngọc Lũ style)
# ---------------------------------------------------------------------------

DRUM_SEGMENTS = 96
DRUM_T = 0.006  # wall thickness
DRUM_TOP = 0.630
DRUM_FACE_R = 0.395  # radius of the flat top (the tympanum); the rim rounds off to 0.396
DRUM_FACE_MAP = DRUM_FACE_R / 0.985  # the face texture's half width in metres
# outer profile, bottom to top (r, y): chân (foot), thân (body), tang (upper body), the rim
DRUM_FOOT = [
    (0.400, 0.000),
    (0.395, 0.012),
    (0.384, 0.036),
    (0.367, 0.072),
    (0.350, 0.112),
    (0.337, 0.150),
    (0.331, 0.178),
]
DRUM_BODY = [
    (0.331, 0.178),
    (0.333, 0.270),
    (0.337, 0.355),
    (0.345, 0.400),
    (0.357, 0.442),
    (0.369, 0.488),
    (0.377, 0.532),
    (0.380, 0.566),
    (0.378, 0.592),
    (0.373, 0.607),
]
DRUM_FOOT_STEPS = [2, 2, 2, 2, 1, 1]  # samples per span of the control points
DRUM_BODY_STEPS = [1, 1, 1, 2, 2, 2, 2, 2, 1]
DRUM_RIM = [(0.373, 0.607), (0.384, 0.609), (0.393, 0.613), (0.396, 0.619), (0.396, 0.626), (DRUM_FACE_R, DRUM_TOP)]
DRUM_HANDLES = (90 - 13, 90 + 13, 270 - 13, 270 + 13)  # degrees from +z towards +x
DRUM_HANDLE_Y = (0.468, 0.340)  # where each handle meets the tang and the thân

# side texture layout (rows of a 2048 x 512 texture): outer wall, handle braid, inside
SIDE_W, SIDE_H = 2048, 512
SIDE_OUTER = (0, 448)
SIDE_BRAID = (452, 476)
SIDE_INNER = (480, 512)
FACE_SIZE = 1024


def drum_sections():
    foot = catmull_rom(DRUM_FOOT, DRUM_FOOT_STEPS)
    body = catmull_rom(DRUM_BODY, DRUM_BODY_STEPS)
    rim = catmull_rom(DRUM_RIM, 1)
    # the inside: the outer wall moved in by the wall thickness (horizontally, scaled so that
    # the thickness is measured along the normal), up to just under the tympanum
    outer = np.concatenate([foot, body[1:]])
    n = profile_normals(outer)
    keep = outer[:, 1] <= 0.600
    inner = outer[keep].copy()
    inner[:, 0] -= DRUM_T / np.abs(n[keep, 0])
    inner = inner[::4] if len(inner) % 4 == 1 else np.vstack([inner[::4], inner[-1:]])
    ceiling_y = DRUM_TOP - DRUM_T
    corner = (inner[-1, 0] - 0.002, ceiling_y)
    inner_wall = np.vstack([[corner], inner[::-1]])
    h = SIDE_H
    layout = {"inner": (SIDE_INNER[0] / h, SIDE_INNER[1] / h), "outer": (SIDE_OUTER[1] / h, SIDE_OUTER[0] / h)}
    sections = [
        Section(np.array([(0.0, ceiling_y), corner]), 0, "inner"),
        Section(inner_wall, 0, "inner"),
        Section(np.array([inner_wall[-1], DRUM_FOOT[0]]), 0, "inner"),  # bottom edge of the foot
        Section(foot, 0, "outer"),
        Section(body, 0, "outer"),
        Section(rim, 0, "outer"),
        Section(np.array([(DRUM_FACE_R, DRUM_TOP), (0.0, DRUM_TOP)]), 1, f"planar:{DRUM_FACE_MAP!r}"),
    ]
    groups = map_groups(sections, layout)
    return sections, groups


def drum_surface_r(y):
    """Outer radius of the drum at height y (on the foot and body)."""
    pts = np.concatenate([catmull_rom(DRUM_FOOT, DRUM_FOOT_STEPS), catmull_rom(DRUM_BODY, DRUM_BODY_STEPS)[1:]])
    return float(np.interp(y, pts[:, 1], pts[:, 0]))


def drum_handles(prim):
    """Four loop handles in two pairs, from the tang down to the thân."""
    y_top, y_bot = DRUM_HANDLE_Y
    a = (drum_surface_r(y_top) - 0.003, y_top)  # the ends sink into the wall
    b = (drum_surface_r(y_bot) - 0.003, y_bot)
    ctrl = (max(a[0], b[0]) + 0.070, 0.5 * (y_top + y_bot) + 0.028)
    steps = 14
    ts = np.arange(steps + 1) / steps
    rho = (1 - ts) ** 2 * a[0] + 2 * (1 - ts) * ts * ctrl[0] + ts**2 * b[0]
    yy = (1 - ts) ** 2 * a[1] + 2 * (1 - ts) * ts * ctrl[1] + ts**2 * b[1]
    d_rho = 2 * (1 - ts) * (ctrl[0] - a[0]) + 2 * ts * (b[0] - ctrl[0])
    d_y = 2 * (1 - ts) * (ctrl[1] - a[1]) + 2 * ts * (b[1] - ctrl[1])
    length = np.sqrt(d_rho * d_rho + d_y * d_y)
    # in-plane normal pointing away from the loop's inside (outwards), and the arc length
    n_rho, n_y = -d_y / length, d_rho / length
    seg = np.sqrt(np.diff(rho) ** 2 + np.diff(yy) ** 2)
    s = np.concatenate([[0.0], np.cumsum(seg)])
    u = s / 0.8  # texture u along the handle: 1/4 of the texture width (32 braid cords) per 20 cm
    v = (SIDE_BRAID[0] / SIDE_H, SIDE_BRAID[1] / SIDE_H)
    for deg in DRUM_HANDLES:
        th = math.radians(deg)
        st, ct = math.sin(th), math.cos(th)
        path = np.stack([rho * st, yy, rho * ct], axis=1)
        fn = np.stack([n_rho * st, n_y, n_rho * ct], axis=1)
        fb = np.repeat(np.array([[ct, 0.0, -st]]), len(ts), axis=0)
        pos, nor, uv, tris = sweep_tube(path, fn, fb, 0.0065, 0.024, 8, u, v)
        prim.add(pos, nor, uv, orient(pos, nor, tris))


# --- drum textures ---------------------------------------------------------

BRONZE_DARK = (92, 68, 42)
BRONZE_LIGHT = (196, 160, 100)
VERD_DARK = (56, 88, 70)
VERD_LIGHT = (108, 146, 116)
BRONZE_BLACK = (46, 40, 30)


class Disc:
    """Drawing on the drum face: positions in units of the face radius, angles anticlockwise
    seen from above (the texture is seen from above: x = +x, down = +z)."""

    def __init__(self, size):
        self.n = size * SS
        self.img = Image.new("L", (self.n, self.n), 0)
        self.d = ImageDraw.Draw(self.img)
        self.c = self.n / 2
        self.R = self.c * DRUM_FACE_R / DRUM_FACE_MAP
        self.px = self.R / 1000  # a "line unit": 1/1000 of the radius, in canvas pixels

    def p(self, f, a):
        return (self.c + f * self.R * math.cos(a), self.c - f * self.R * math.sin(a))

    def local(self, a, f0, pts):
        """Points (t, r) of a motif placed at angle a, radius f0: t along the anticlockwise
        direction, r outwards (units of the face radius)."""
        ca, sa = math.cos(a), math.sin(a)
        return [
            (self.c + self.R * ((f0 + r) * ca - t * sa), self.c - self.R * ((f0 + r) * sa + t * ca)) for t, r in pts
        ]

    def ring(self, f, w=3.0, fill=255):
        rr = f * self.R
        self.d.ellipse(
            [self.c - rr, self.c - rr, self.c + rr, self.c + rr], outline=fill, width=max(1, round(w * self.px))
        )

    def disc(self, f, fill=255):
        rr = f * self.R
        self.d.ellipse([self.c - rr, self.c - rr, self.c + rr, self.c + rr], fill=fill)

    def line(self, pts, w=3.0, fill=255):
        self.d.line(pts, fill=fill, width=max(1, round(w * self.px)), joint="curve")

    def poly(self, pts, fill=255):
        self.d.polygon(pts, fill=fill)

    def dot(self, xy, rad, fill=255, outline_w=0.0):
        x, y = xy
        rr = rad * self.R
        if outline_w:
            self.d.ellipse([x - rr, y - rr, x + rr, y + rr], outline=fill, width=max(1, round(outline_w * self.px)))
        else:
            self.d.ellipse([x - rr, y - rr, x + rr, y + rr], fill=fill)

    def ladder(self, f0, f1, n, w=2.2):
        self.ring(f0, w)
        self.ring(f1, w)
        for k in range(n):
            a = TAU * k / n
            self.line([self.p(f0, a), self.p(f1, a)], w)

    def tangent_circles(self, f, rad, n, phase=0.0, w=2.6):
        centres = [self.p(f, phase + TAU * k / n) for k in range(n)]
        rr = rad * self.R
        for x, y in centres:
            self.dot((x, y), rad, outline_w=w)
            self.dot((x, y), rad * 0.55, outline_w=w * 0.8)
            self.dot((x, y), rad * 0.16)
        for k in range(n):
            (x1, y1), (x2, y2) = centres[k], centres[(k + 1) % n]
            dx, dy = x2 - x1, y2 - y1
            dist = math.hypot(dx, dy)
            ux, uy = dx / dist, dy / dist
            px_, py_ = -uy, ux
            cphi = min(0.95, 2 * rr / dist)
            sphi = math.sqrt(1 - cphi * cphi)
            t1 = (x1 + rr * (cphi * ux + sphi * px_), y1 + rr * (cphi * uy + sphi * py_))
            t2 = (x2 - rr * (cphi * ux + sphi * px_), y2 - rr * (cphi * uy + sphi * py_))
            self.line([t1, t2], w)

    def sawtooth(self, f0, f1, n):
        for k in range(n):
            a0, a1 = TAU * k / n, TAU * (k + 1) / n
            self.poly([self.p(f0, a0), self.p(f1, 0.5 * (a0 + a1)), self.p(f0, a1)])
            self.line(
                [
                    self.p(f0 + 0.35 * (f1 - f0), 0.5 * (a0 + a1) - 0.25 * (a1 - a0)),
                    self.p(f0 + 0.35 * (f1 - f0), 0.5 * (a0 + a1) + 0.25 * (a1 - a0)),
                ],
                1.6,
                fill=0,
            )


def ellipse_pts(cx, cy, rx, ry, n=16, rot=0.0):
    cr, sr = math.cos(rot), math.sin(rot)
    out = []
    for k in range(n):
        t = TAU * k / n
        x, y = rx * math.cos(t), ry * math.sin(t)
        out.append((cx + x * cr - y * sr, cy + x * sr + y * cr))
    return out


def heron(scale=1.0):
    """A flying long-beaked bird (chim Lạc) seen from the side, heading +t: long neck and beak,
    a crest, wings spread up and down and swept back with serrated feathers, a long forked
    tail (local units, r outwards)."""
    parts = [
        ellipse_pts(0.0, 0.0, 0.024, 0.0065, 18),
        [(0.018, 0.003), (0.044, 0.010), (0.047, 0.005), (0.020, -0.003)],  # neck
        ellipse_pts(0.049, 0.008, 0.0052, 0.0048, 12),  # head
        [(0.053, 0.0095), (0.108, 0.004), (0.053, 0.0055)],  # beak
        [(0.046, 0.011), (0.030, 0.022), (0.033, 0.023), (0.049, 0.012)],
    ]  # crest
    for sign in (1, -1):
        wing = [(0.010, sign * 0.003), (0.006, sign * 0.024), (-0.006, sign * 0.044), (-0.022, sign * 0.060)]
        for k in range(5):  # the trailing edge, feather by feather
            t = (k + 0.5) / 5
            wing.append((-0.030 + 0.016 * t, sign * (0.058 - 0.052 * t)))
            wing.append((-0.022 + 0.016 * t, sign * (0.054 - 0.052 * t)))
        wing.append((-0.010, sign * 0.003))
        parts.append(wing)
    parts.append(
        [
            (-0.020, 0.003),
            (-0.058, 0.013),
            (-0.078, 0.017),
            (-0.060, 0.004),
            (-0.080, -0.006),
            (-0.058, -0.006),
            (-0.020, -0.003),
        ]
    )  # tail
    return [[(t * scale, r * scale) for t, r in pts] for pts in parts]


def dancer():
    """A feather-clad figure, feet towards the centre, facing +t (local units, r up)."""
    parts = [
        [(-0.004, 0.000), (-0.001, 0.000), (0.002, 0.030), (-0.002, 0.030)],  # back leg
        [(0.006, 0.000), (0.009, 0.000), (0.004, 0.030), (0.000, 0.030)],  # front leg
        [(-0.006, 0.028), (0.007, 0.028), (0.006, 0.062), (-0.004, 0.062)],  # body
        ellipse_pts(0.002, 0.070, 0.0065, 0.0065, 12),  # head
        [(0.004, 0.058), (0.024, 0.072), (0.026, 0.068), (0.006, 0.052)],  # raised arm
        [(-0.004, 0.040), (-0.034, 0.022), (-0.030, 0.034), (-0.005, 0.050)],  # feather skirt
    ]
    for k in range(5):  # the tall feather headdress, swept back
        ang = math.radians(100 + 14 * k)
        x0, y0 = 0.0, 0.074
        x1, y1 = x0 + 0.040 * math.cos(ang), y0 + 0.040 * math.sin(ang)
        parts.append([(x0 - 0.0015, y0), (x1, y1), (x0 + 0.0015, y0)])
    return parts


def stilt_house():
    return [
        [(-0.075, 0.112), (-0.050, 0.078), (0.050, 0.078), (0.075, 0.112), (0.045, 0.094), (-0.045, 0.094)],  # roof
        [(-0.042, 0.036), (0.042, 0.036), (0.042, 0.040), (-0.042, 0.040)],  # floor
        [(-0.036, 0.040), (-0.032, 0.040), (-0.032, 0.078), (-0.036, 0.078)],
        [(0.032, 0.040), (0.036, 0.040), (0.036, 0.078), (0.032, 0.078)],
        [(-0.030, 0.000), (-0.026, 0.000), (-0.026, 0.036), (-0.030, 0.036)],  # stilts
        [(-0.002, 0.000), (0.002, 0.000), (0.002, 0.036), (-0.002, 0.036)],
        [(0.026, 0.000), (0.030, 0.000), (0.030, 0.036), (0.026, 0.036)],
        [(-0.050, 0.000), (-0.046, 0.000), (-0.046, 0.036), (-0.050, 0.036)],  # ladder
    ]


def deer():
    parts = [
        ellipse_pts(0.0, 0.026, 0.024, 0.009, 16),
        [(0.016, 0.030), (0.028, 0.048), (0.033, 0.046), (0.022, 0.026)],  # neck
        ellipse_pts(0.034, 0.049, 0.008, 0.0045, 10, 0.3),
        [(-0.024, 0.030), (-0.032, 0.038), (-0.030, 0.028)],
    ]  # tail
    for x in (-0.016, -0.010, 0.012, 0.018):
        parts.append([(x - 0.002, 0.024), (x + 0.002, 0.024), (x + 0.0015, 0.000), (x - 0.0015, 0.000)])
    for dx in (-0.004, 0.003):  # antlers
        parts.append([(0.030 + dx, 0.053), (0.024 + dx, 0.072), (0.027 + dx, 0.072), (0.033 + dx, 0.054)])
        parts.append([(0.026 + dx, 0.064), (0.018 + dx, 0.070), (0.020 + dx, 0.072), (0.028 + dx, 0.066)])
    return parts


def standing_bird():
    return [
        ellipse_pts(0.0, 0.030, 0.014, 0.007, 14, -0.3),
        ellipse_pts(0.012, 0.044, 0.005, 0.005, 10),
        [(0.015, 0.046), (0.034, 0.040), (0.015, 0.042)],
        [(-0.013, 0.032), (-0.026, 0.024), (-0.012, 0.027)],
        [(-0.002, 0.024), (0.000, 0.024), (-0.003, 0.000), (-0.005, 0.000)],
        [(0.003, 0.024), (0.005, 0.024), (0.004, 0.000), (0.002, 0.000)],
    ]


def draw_face_relief():
    """The tympanum, seen from above: the raised pattern as a white-on-black mask."""
    disc = Disc(FACE_SIZE)
    # 14-pointed star on a raised centre
    disc.disc(0.040)
    for k in range(14):
        a = TAU * k / 14
        half = math.pi / 14 * 0.92
        disc.poly([disc.p(0.036, a - half), disc.p(0.160, a), disc.p(0.036, a + half)])
        mid = a + math.pi / 14  # peacock-feather chevrons between the rays
        for f0, f1, spread in ((0.060, 0.140, 0.09), (0.085, 0.140, 0.055)):
            disc.line([disc.p(f1, mid - spread), disc.p(f0, mid), disc.p(f1, mid + spread)], 2.6)
        disc.dot(disc.p(0.118, mid), 0.006)
    disc.ring(0.168, 3.5)
    disc.ladder(0.176, 0.196, 84)
    disc.tangent_circles(0.228, 0.019, 30, 0.05)
    disc.ladder(0.262, 0.282, 120)
    disc.ring(0.290, 3.5)
    # scene band: two stilt houses, processions of feather-clad dancers
    for half in (0, 1):
        base = math.pi * half
        disc_local(disc, base + 0.0, 0.300, stilt_house())
        for k in range(9):
            disc_local(disc, base + 0.28 + k * 0.29, 0.305, dancer(), scale=1.15)
    disc.ring(0.440, 3.5)
    disc.ladder(0.448, 0.468, 150)
    disc.tangent_circles(0.494, 0.018, 48, 0.02)
    disc.ladder(0.520, 0.540, 180)
    disc.ring(0.548, 3.5)
    for k in range(20):  # deer and standing birds, walking anticlockwise
        disc_local(disc, TAU * k / 20, 0.560, deer() if k % 2 == 0 else standing_bird(), scale=1.05)
    disc.ring(0.650, 3.5)
    disc.ladder(0.658, 0.678, 220)
    disc.ring(0.686, 3.0)
    for k in range(18):  # 18 long-beaked birds flying anticlockwise
        disc_local(disc, TAU * (k + 0.3) / 18, 0.772, heron(1.18))
    disc.ring(0.862, 3.0)
    disc.ladder(0.870, 0.890, 300)
    disc.sawtooth(0.898, 0.934, 150)
    disc.ring(0.940, 3.0)
    disc.ring(0.985, 5.0)
    return disc.img.reduce(SS)


def disc_local(disc, a, f0, parts, scale=1.0):
    for pts in parts:
        disc.poly(disc.local(a, f0, [(t * scale, r * scale) for t, r in pts]))


def bronze_colour(relief, wrap=False, seed=0):
    """Bronze with patina: the relief (0..1) is raised and worn bright; the hollows keep the
    grey-green verdigris and the dark brown patina."""
    h, w = relief.shape
    patches = fbm(w, h, 128, 11 + seed, 5, wrap)
    fine = fbm(w, h, 8, 23 + seed, 2, wrap)
    tint = fbm(w, h, 32, 37 + seed, 3, wrap)
    dark = fbm(w, h, 256, 53 + seed, 3, wrap)
    bronze = lerp(BRONZE_DARK, BRONZE_LIGHT, clip01(relief * 0.80 + (fine - 0.5) * 0.16 + (tint - 0.5) * 0.2 + 0.10))
    amount = clip01((patches - 0.44) * 2.2 + (1 - relief) * 0.25 - relief * 0.5)
    green = lerp(VERD_DARK, VERD_LIGHT, clip01(tint * 1.3 - 0.15))
    col = bronze + (green - bronze) * amount[..., None]
    blackish = clip01((dark - 0.52) * 2.5) * (1 - relief * 0.7)
    return col + (np.asarray(BRONZE_BLACK, dtype=np.float64) - col) * (0.55 * blackish)[..., None]


def drum_face_texture():
    relief = np.asarray(draw_face_relief(), dtype=np.float64) / 255.0
    xs, ys = grid(FACE_SIZE, FACE_SIZE)
    col = bronze_colour(relief)
    c = FACE_SIZE / 2
    f = np.sqrt((xs + 0.5 - c) ** 2 + (ys + 0.5 - c) ** 2) / (c * DRUM_FACE_R / DRUM_FACE_MAP)
    col = col * (1 - 0.25 * smoothstep(0.97, 1.0, f))[..., None]  # the worn, darker edge
    return to_image(col)


class Wrap:
    """Drawing on a cylindrical texture group: u = angle, v = arc length along the profile.

    Motifs are given in metres on the surface (t around, s along the profile from the
    group's first row); each point is scaled by the radius at its own height, so motifs keep
    their shape on the object.  Everything is drawn three times (x - W, x, x + W): it wraps.
    """

    def __init__(self, w, h, gm, ss=SS):
        self.w, self.h, self.ss = w * ss, h * ss, ss
        self.gm = gm
        self.img = Image.new("L", (self.w, self.h), 0)
        self.d = ImageDraw.Draw(self.img)

    def xy(self, u, s):
        return u * self.w, float(self.gm.v_of_s(s)) * self.h

    def local(self, u0, s0, pts):
        out = []
        for t, ds in pts:
            s = s0 + ds
            r = float(self.gm.r_of_s(s))
            out.append(self.xy(u0 + t / (TAU * r), s))
        return out

    def poly(self, pts, fill=255):
        for k in (-1, 0, 1):
            self.d.polygon([(x + k * self.w, y) for x, y in pts], fill=fill)

    def line(self, pts, w, fill=255):
        for k in (-1, 0, 1):
            self.d.line(
                [(x + k * self.w, y) for x, y in pts], fill=fill, width=max(1, round(w * self.ss)), joint="curve"
            )

    def hband(self, s0, s1, fill=255):
        y0, y1 = sorted((self.xy(0, s0)[1], self.xy(0, s1)[1]))
        self.d.rectangle([0, y0, self.w, y1], fill=fill)

    def hline(self, s, w, fill=255):
        y = self.xy(0, s)[1]
        self.d.line([(0, y), (self.w, y)], fill=fill, width=max(1, round(w * self.ss)))

    def motif(self, u0, s0, parts, scale=1.0, fill=255):
        for pts in parts:
            self.poly(self.local(u0, s0, [(t * scale, r * scale) for t, r in pts]), fill)


def boat():
    """A Đông Sơn boat with feather-clad oarsmen, heading +t (metres; up = +s)."""
    hull = []
    for k in range(21):
        t = -0.15 + 0.30 * k / 20
        hull.append((t, 0.012 + 0.030 * (abs(t) / 0.15) ** 3))
    bottom = [(t, -0.004 + 0.012 * (abs(t) / 0.15) ** 2) for t, _ in reversed(hull)]
    parts = [
        hull + bottom,
        [(0.148, 0.040), (0.168, 0.058), (0.176, 0.052), (0.160, 0.036)],  # bird-head prow
        [(-0.150, 0.040), (-0.166, 0.060), (-0.158, 0.062), (-0.142, 0.042)],
    ]
    for k in range(5):  # warriors with tall feathers
        t = -0.090 + 0.045 * k
        parts.append([(t - 0.004, 0.012), (t + 0.004, 0.012), (t + 0.003, 0.040), (t - 0.003, 0.040)])
        parts.append(ellipse_pts(t, 0.045, 0.005, 0.005, 10))
        parts.append([(t - 0.002, 0.048), (t - 0.020, 0.070), (t - 0.016, 0.072), (t + 0.002, 0.050)])
        parts.append([(t + 0.003, 0.034), (t + 0.016, 0.020), (t + 0.018, 0.023), (t + 0.004, 0.038)])
    return parts


def warrior():
    """A feather-clad warrior for the panels of the body (metres)."""
    parts = [
        [(-0.008, 0.000), (-0.003, 0.000), (0.000, 0.036), (-0.005, 0.036)],
        [(0.004, 0.000), (0.009, 0.000), (0.005, 0.036), (0.000, 0.036)],
        [(-0.009, 0.034), (0.009, 0.034), (0.007, 0.074), (-0.007, 0.074)],
        ellipse_pts(0.0, 0.083, 0.007, 0.007, 12),
        [(0.006, 0.070), (0.026, 0.088), (0.028, 0.084), (0.008, 0.064)],
        [(0.024, 0.070), (0.027, 0.070), (0.027, 0.112), (0.024, 0.112)],  # spear
        [(-0.007, 0.068), (-0.022, 0.052), (-0.019, 0.050), (-0.006, 0.062)],
    ]
    for k in range(5):
        ang = math.radians(70 + 16 * k)
        parts.append([(-0.0015, 0.088), (0.042 * math.cos(ang), 0.088 + 0.042 * math.sin(ang)), (0.0015, 0.088)])
    return parts


def drum_side_texture(gm):
    wrap = Wrap(SIDE_W, SIDE_H, gm)
    sy = gm.s_of_y
    # tang: ladders, tangent circles, a band of six boats
    wrap.hline(sy(0.598), 2.5)
    for k in range(240):
        wrap.line([wrap.xy(k / 240, sy(0.588)), wrap.xy(k / 240, sy(0.596))], 1.6)
    wrap.hline(sy(0.586), 2.5)
    top_r = float(gm.r_of_s(sy(0.572)))
    n_circ = 60
    for k in range(n_circ):
        u = k / n_circ
        x, y = wrap.xy(u, sy(0.572))
        rr = 0.0085 * wrap.w / (TAU * top_r)
        for scale, width in ((1.0, 2.2), (0.55, 1.8)):
            for off in (-wrap.w, 0, wrap.w):
                wrap.d.ellipse(
                    [x + off - rr * scale, y - rr * scale, x + off + rr * scale, y + rr * scale],
                    outline=255,
                    width=round(width * SS),
                )
        x2, y2 = wrap.xy((k + 1) / n_circ, sy(0.572))
        wrap.line([(x + rr * 0.6, y + rr * 0.8), (x2 - rr * 0.6, y2 - rr * 0.8)], 2.0)
    wrap.hline(sy(0.558), 2.5)
    for k in range(6):
        wrap.motif((k + 0.25) / 6, sy(0.476), boat())
    wrap.hline(sy(0.462), 2.5)
    for k in range(200):
        wrap.line([wrap.xy(k / 200, sy(0.452)), wrap.xy(k / 200, sy(0.460))], 1.6)
    wrap.hline(sy(0.450), 2.5)
    # thân: a band of circles on top, then eight panels of warriors between ladder strips
    wrap.hline(sy(0.392), 2.5)
    for k in range(70):
        x, y = wrap.xy(k / 70, sy(0.381))
        rr = 0.006 * wrap.w / (TAU * 0.336)
        for off in (-wrap.w, 0, wrap.w):
            wrap.d.ellipse([x + off - rr, y - rr, x + off + rr, y + rr], outline=255, width=round(2 * SS))
            wrap.d.ellipse([x + off - rr * 0.3, y - rr * 0.3, x + off + rr * 0.3, y + rr * 0.3], fill=255)
    wrap.hline(sy(0.370), 2.5)
    for k in range(8):
        u0 = k / 8
        for du in (-0.006, 0.006):
            wrap.line([wrap.xy(u0 + du, sy(0.366)), wrap.xy(u0 + du, sy(0.228))], 2.2)
        for j in range(14):
            s = sy(0.232) + (sy(0.362) - sy(0.232)) * j / 13
            wrap.line([wrap.xy(u0 - 0.006, s), wrap.xy(u0 + 0.006, s)], 1.6)
        wrap.motif(u0 + 0.0625, sy(0.240), warrior(), scale=1.05)
    wrap.hline(sy(0.224), 2.5)
    wrap.hline(sy(0.214), 2.5)
    # the foot: two plain cast ridges
    wrap.hline(sy(0.120), 3.0)
    wrap.hline(sy(0.030), 3.0)
    relief = np.asarray(wrap.img.reduce(SS), dtype=np.float64) / 255.0
    # the handle braid: diagonal cords
    b0, b1 = SIDE_BRAID
    xs, ys = grid(SIDE_W, SIDE_H)
    braid = (np.floor((xs + (ys - b0) * 1.6) / 16.0) % 2 == 0) & (ys >= b0) & (ys < b1)
    relief = np.where(braid, 0.75, relief)
    col = bronze_colour(relief, wrap=True, seed=5)
    inside = ys >= SIDE_INNER[0] - 2
    col = np.where(inside[..., None], lerp(BRONZE_BLACK, VERD_DARK, fbm(SIDE_W, SIDE_H, 32, 7, 3, True)), col)
    return to_image(col)


# ---------------------------------------------------------------------------
# the blue-and-white vase (Chu Đậu style)
# ---------------------------------------------------------------------------

VASE_SEGMENTS = 96
VASE_T = 0.005
VASE_BASE = [(0.0, 0.005), (0.066, 0.005)]
VASE_FOOT_IN = [(0.066, 0.005), (0.070, 0.000)]
VASE_FOOT_RING = [(0.070, 0.000), (0.080, 0.000)]
VASE_BODY = [
    (0.080, 0.000),
    (0.085, 0.010),
    (0.088, 0.020),
    (0.096, 0.038),
    (0.109, 0.064),
    (0.122, 0.095),
    (0.131, 0.128),
    (0.1355, 0.163),
    (0.133, 0.198),
    (0.123, 0.236),
    (0.106, 0.272),
    (0.085, 0.306),
    (0.066, 0.336),
    (0.052, 0.363),
    (0.043, 0.389),
    (0.0395, 0.414),
    (0.0405, 0.440),
    (0.0455, 0.462),
    (0.0535, 0.480),
    (0.0625, 0.492),
    (0.0685, 0.4975),
]
VASE_W, VASE_H = 1024, 1024
VASE_OUTER = (0, 960)
VASE_INNER = (964, 992)
VASE_UNGLAZED = (996, 1024)


def vase_sections():
    body = catmull_rom(VASE_BODY, [1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2])
    n = profile_normals(body)
    top = body[-1]
    inner_top = top - VASE_T * n[-1]
    centre = 0.5 * (top + inner_top)
    rad = VASE_T / 2
    a0 = math.atan2(top[1] - centre[1], top[0] - centre[0])
    lip = [top]
    for k in range(1, 7):  # half a circle over the top of the lip, outside to inside
        a = a0 + math.pi * k / 6
        lip.append((centre[0] + rad * math.cos(a), centre[1] + rad * math.sin(a)))
    lip = np.array(lip)
    inner = body[2:] - VASE_T * n[2:]  # from the foot's top up to the lip, offset inwards
    inner = inner[::-1]
    inner = np.vstack([inner[0:1], inner[2::2]]) if len(inner) % 2 else np.vstack([inner[0:1], inner[2::2], inner[-1:]])
    inner[0] = lip[-1]
    floor_y = float(inner[-1, 1])
    floor = np.array([inner[-1], (0.0, floor_y)])
    h = VASE_H
    layout = {
        "base": (VASE_UNGLAZED[0] / h, VASE_UNGLAZED[1] / h),
        "outer": (VASE_OUTER[1] / h, VASE_OUTER[0] / h),
        "inner": (VASE_INNER[0] / h, VASE_INNER[1] / h),
    }
    sections = [
        Section(np.array(VASE_BASE), 0, "base"),
        Section(np.array(VASE_FOOT_IN), 0, "base"),
        Section(np.array(VASE_FOOT_RING), 0, "base"),
        Section(body, 0, "outer"),
        Section(lip, 0, "outer"),
        Section(inner, 0, "inner"),
        Section(floor, 0, "inner"),
    ]
    groups = map_groups(sections, layout)
    return sections, groups


INK_DARK = (26, 44, 112)
INK_WASH = (92, 122, 182)
GLAZE = (236, 230, 208)
GLAZE_SHADE = (222, 216, 190)
CLAY = (196, 158, 116)
CLAY_DARK = (150, 108, 74)


def plantain_leaf(u0, du, s0, s1, steps=14):
    """Outline of a plantain leaf pointing up, in (u, s): base at s0, tip at s1."""
    left, right = [], []
    for k in range(steps + 1):
        h = k / steps
        w = du * 1.25 * (h**0.45) * (1 - h) ** 0.8
        s = s0 + (s1 - s0) * h
        left.append((u0 - w, s))
        right.append((u0 + w, s))
    return left + right[::-1]


def scallop(cx, cy, rad, lobes, depth, n=72):
    out = []
    for k in range(n):
        a = TAU * k / n
        rr = rad * (1 - depth + depth * abs(math.cos(lobes * a / 2)))
        out.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    return out


def leaf_pts(cx, cy, length, width, ang, n=16):
    out = []
    for k in range(n):
        t = TAU * k / n
        x = length * 0.5 * math.cos(t)
        y = width * 0.5 * math.sin(t) * (1 - 0.6 * (x / length + 0.5) ** 2)
        out.append((cx + x * math.cos(ang) - y * math.sin(ang), cy + x * math.sin(ang) + y * math.cos(ang)))
    return out


def ruyi(w, h, n=10):
    """A cloud-collar lappet hanging from its top edge: straight shoulders, two round lobes
    and a point at the bottom.  Width w in turns (fraction of the circumference), height h
    in metres along the profile (downwards)."""
    cx, cy, rx, ry = -w / 4, -0.40 * h, w / 4, 0.30 * h
    left = [(-w / 2, 0.0), (-w / 2, cy)]
    for k in range(1, n + 1):
        a = math.pi + (0.5 * math.pi + 0.75) * k / n
        left.append((cx + rx * math.cos(a), cy + ry * math.sin(a)))
    left.append((-0.04 * w, -0.82 * h))
    left.append((0.0, -h))
    right = [(-x, y) for x, y in reversed(left[:-1])]
    return left + right


def draw_vase_ink(gm):
    """The cobalt painting: 255 = dark line, ~140 = wash."""
    wrap = Wrap(VASE_W, VASE_H, gm)
    sy = gm.s_of_y
    LINE, WASH = 255, 135
    s_lip = gm.length
    # lip band and lines
    wrap.hband(sy(0.4925), s_lip, 220)
    wrap.hline(sy(0.487), 1.6, LINE)
    # neck: plantain leaves
    n_leaf = 8
    for k in range(n_leaf):
        u0 = (k + 0.5) / n_leaf
        outline = [wrap.xy(u, s) for u, s in plantain_leaf(u0, 0.5 / n_leaf, sy(0.412), sy(0.482))]
        wrap.poly(outline, WASH)
        wrap.line(outline + outline[:1], 1.4, LINE)
        wrap.line([wrap.xy(u0, sy(0.414)), wrap.xy(u0, sy(0.476))], 1.3, LINE)
        for j in range(1, 7):  # veins
            s = sy(0.418) + (sy(0.470) - sy(0.418)) * j / 7
            half = 0.5 / n_leaf * 0.75 * (1 - j / 8)
            for sign in (-1, 1):
                wrap.line([wrap.xy(u0, s), wrap.xy(u0 + sign * half, s + 0.010)], 0.9, LINE)
    wrap.hline(sy(0.406), 1.6, LINE)
    wrap.hline(sy(0.400), 1.2, LINE)
    # shoulder: cloud-collar lappets (drawn in angle units, so they widen with the body),
    # each with a small flower, and a cloud scroll between two of them
    n_ruyi = 6
    s_top = sy(0.394)

    def at(u0, s0, pts):
        return [wrap.xy(u0 + du, s0 + ds) for du, ds in pts]

    for k in range(n_ruyi):
        u0 = k / n_ruyi
        outer = ruyi(0.94 / n_ruyi, 0.082)
        inner = ruyi(0.62 / n_ruyi, 0.056)
        inner = [(du, ds - 0.010) for du, ds in inner]
        wrap.poly(at(u0, s_top, outer), WASH)
        wrap.line(at(u0, s_top, outer), 1.6, LINE)
        wrap.poly(at(u0, s_top, inner), 0)
        wrap.line(at(u0, s_top, inner + inner[:1]), 1.2, LINE)
        s_flower = s_top - 0.036
        wrap.poly(wrap.local(u0, s_flower, scallop(0, 0, 0.0085, 5, 0.35, 30)), LINE)
        for sign in (-1, 1):
            wrap.poly(wrap.local(u0, s_flower, leaf_pts(sign * 0.013, 0.004, 0.014, 0.006, sign * 0.4)), WASH + 40)
        um = u0 + 0.5 / n_ruyi
        spiral = [
            (0.009 * (1 - a / 36) * math.cos(a / 4.0), 0.009 * (1 - a / 36) * math.sin(a / 4.0)) for a in range(0, 30)
        ]
        wrap.line(wrap.local(um, s_top - 0.070, spiral), 1.2, LINE)
    wrap.hline(sy(0.302), 1.6, LINE)
    wrap.hline(sy(0.296), 1.2, LINE)
    # body: a scrolling stem; peonies hang in its crests, lotuses stand in its troughs
    s_lo, s_hi = sy(0.118), sy(0.286)
    s_mid = 0.5 * (s_lo + s_hi)
    amp = 0.030
    waves = 3
    stem = [(k / 360, s_mid + amp * math.sin(TAU * waves * k / 360)) for k in range(361)]
    wrap.line([wrap.xy(u, s) for u, s in stem], 2.6, LINE)

    def draw(u0, s0, pts, fill):
        wrap.poly(wrap.local(u0, s0, pts), fill)
        if fill == WASH:
            wrap.line(wrap.local(u0, s0, pts + pts[:1]), 1.5, LINE)

    for k in range(waves):
        u_crest = (k + 0.25) / waves
        u_trough = (k + 0.75) / waves
        # peony under the crest, on a short stalk
        s_c = s_mid + amp - 0.050
        wrap.line(wrap.local(u_crest, s_c, [(0.0, 0.050), (0.006, 0.030), (0.0, 0.012)]), 1.8, LINE)
        for rad, lobes, depth, fill in (
            (0.044, 9, 0.22, WASH),
            (0.032, 7, 0.30, LINE),
            (0.020, 6, 0.35, WASH + 40),
            (0.008, 5, 0.20, LINE),
        ):
            draw(u_crest, s_c, scallop(0.0, 0.0, rad, lobes, depth), fill)
        # lotus standing in the trough
        s_t = s_mid - amp + 0.006
        for ang, ln in ((90, 0.062), (62, 0.054), (118, 0.054), (36, 0.042), (144, 0.042)):
            a = math.radians(ang)
            draw(u_trough, s_t, leaf_pts(0.5 * ln * math.cos(a), 0.5 * ln * math.sin(a), ln, ln * 0.40, a), WASH)
        draw(u_trough, s_t, ellipse_pts(0.0, 0.004, 0.020, 0.007, 16), LINE)
        # leaves along the stem: above it beside the crests, below it beside the troughs
        for offset, side in ((0.12, 1), (0.38, 1), (0.62, -1), (0.88, -1)):
            u = (k + offset) / waves
            phase = TAU * waves * u
            s_on = s_mid + amp * math.sin(phase)
            ang = math.atan(amp * waves * math.cos(phase) / float(gm.r_of_s(s_on))) + side * 0.75
            pts = leaf_pts(0.025 * math.cos(ang), 0.025 * math.sin(ang), 0.050, 0.019, ang)
            draw(u, s_on, pts, WASH)
            wrap.line(wrap.local(u, s_on, [(0.0, 0.0), (0.042 * math.cos(ang), 0.042 * math.sin(ang))]), 1.0, LINE)
        for u_c, s_c, sign in (((k + 0.5) / waves, s_mid + 0.034, 1), (k / waves, s_mid - 0.034, -1)):
            spiral = [
                (0.015 * (1 - a / 40) * math.cos(a / 4.5), sign * 0.015 * (1 - a / 40) * math.sin(a / 4.5))
                for a in range(0, 34)
            ]
            wrap.line(wrap.local(u_c, s_c, spiral), 1.2, LINE)
    wrap.hline(sy(0.110), 1.6, LINE)
    wrap.hline(sy(0.104), 1.2, LINE)
    # lotus panels round the base
    n_panel = 12
    s0, s1 = sy(0.034), sy(0.098)
    for k in range(n_panel):
        u0 = (k + 0.5) / n_panel
        half = 0.5 / n_panel * 0.92
        for scale, w in ((1.0, 1.6), (0.70, 1.1)):
            wrap.line(
                lotus_panel(
                    wrap, u0, half * scale, s0 + (1 - scale) * 0.008, s1 - (1 - scale) * 0.012, scale == 1.0, WASH - 60
                ),
                w,
                LINE,
            )
        wrap.poly([wrap.xy(u, s) for u, s in plantain_leaf(u0, half * 0.35, s0 + 0.006, s1 - 0.010, 8)], LINE)
    wrap.hline(sy(0.028), 1.6, LINE)
    return wrap.img.reduce(SS).filter(ImageFilter.GaussianBlur(0.7))


def lotus_panel(wrap, u0, half, s0, s1, filled, fill):
    """A lotus-petal panel: straight sides, a rounded shoulder and a small point on top."""
    s_sh = s0 + 0.55 * (s1 - s0)
    left = [(u0 - half, s0), (u0 - half, s_sh)]
    for j in range(1, 9):
        a = 0.5 * math.pi * j / 9
        left.append((u0 - half * math.cos(a), s_sh + (s1 - s_sh) * 0.85 * math.sin(a)))
    left.append((u0, s1))
    right = [(2 * u0 - u, s) for u, s in reversed(left[:-1])]
    outline = [wrap.xy(u, s) for u, s in left + right]
    if filled:
        wrap.poly(outline, fill)
    return outline


def vase_texture(gm):
    ink = np.asarray(draw_vase_ink(gm), dtype=np.float64) / 255.0
    xs, ys = grid(VASE_W, VASE_H)
    vary = fbm(VASE_W, VASE_H, 32, 71, 4, True)
    glaze_var = fbm(VASE_W, VASE_H, 128, 73, 3, True)
    d = clip01(ink * (0.82 + 0.36 * vary))
    glaze = lerp(GLAZE, GLAZE_SHADE, clip01(glaze_var * 1.4 - 0.2))
    cobalt = lerp(INK_WASH, INK_DARK, smoothstep(0.35, 0.95, d))
    col = glaze + (cobalt - glaze) * clip01(d * 1.35)[..., None]
    # the foot is left unglazed below the last line; the base and foot ring too
    s_foot = gm.s_of_y(0.011)
    row_foot = float(gm.v_of_s(s_foot)) * VASE_H
    clay = lerp(CLAY, CLAY_DARK, clip01(fbm(VASE_W, VASE_H, 8, 79, 3, True) * 1.2 - 0.1))
    unglazed = (ys >= row_foot) & (ys < VASE_OUTER[1] + 2) | (ys >= VASE_UNGLAZED[0] - 2)
    col = np.where(unglazed[..., None], clay, col)
    inside = (ys >= VASE_INNER[0] - 2) & (ys < VASE_UNGLAZED[0] - 2)
    col = np.where(inside[..., None], lerp(GLAZE, GLAZE_SHADE, glaze_var), col)
    return to_image(col)


# ---------------------------------------------------------------------------
# glTF
# ---------------------------------------------------------------------------


@dataclass
class Material:
    name: str
    texture: Image.Image
    metallic: float
    roughness: float
    wrap_s: int = pygltflib.REPEAT
    wrap_t: int = pygltflib.CLAMP_TO_EDGE
    quality: int = TEXTURE_QUALITY


def build_glb(name, prims, materials):
    """One mesh, one primitive per material, JPEG textures in the binary chunk."""
    blob = bytearray()
    views, accessors = [], []

    def add_view(data, target=None):
        while len(blob) % 4:
            blob.append(0)
        views.append(pygltflib.BufferView(buffer=0, byteOffset=len(blob), byteLength=len(data), target=target))
        blob.extend(data)
        return len(views) - 1

    def add_accessor(arr, kind, ctype, target, minmax=False):
        view = add_view(arr.tobytes(), target)
        acc = pygltflib.Accessor(bufferView=view, componentType=ctype, count=len(arr), type=kind)
        if minmax:
            acc.min = [float(v) for v in arr.min(axis=0)]
            acc.max = [float(v) for v in arr.max(axis=0)]
        accessors.append(acc)
        return len(accessors) - 1

    primitives = []
    for index, (pos, nor, uv, tris) in enumerate(prims):
        p32 = pos.astype(np.float32)
        n32 = nor.astype(np.float32)
        attrs = pygltflib.Attributes(
            POSITION=add_accessor(p32, "VEC3", pygltflib.FLOAT, pygltflib.ARRAY_BUFFER, True),
            NORMAL=add_accessor(n32, "VEC3", pygltflib.FLOAT, pygltflib.ARRAY_BUFFER),
            TEXCOORD_0=add_accessor(uv.astype(np.float32), "VEC2", pygltflib.FLOAT, pygltflib.ARRAY_BUFFER),
        )
        itype = np.uint16 if len(pos) < 65535 else np.uint32
        ctype = pygltflib.UNSIGNED_SHORT if itype is np.uint16 else pygltflib.UNSIGNED_INT
        idx = add_accessor(tris.astype(itype).reshape(-1), "SCALAR", ctype, pygltflib.ELEMENT_ARRAY_BUFFER)
        primitives.append(pygltflib.Primitive(attributes=attrs, indices=idx, material=index, mode=pygltflib.TRIANGLES))
    images, textures, samplers, mats = [], [], [], []
    for index, m in enumerate(materials):
        view = add_view(jpeg_bytes(m.texture, m.quality))
        images.append(pygltflib.Image(bufferView=view, mimeType="image/jpeg", name=m.name))
        samplers.append(
            pygltflib.Sampler(
                magFilter=pygltflib.LINEAR, minFilter=pygltflib.LINEAR_MIPMAP_LINEAR, wrapS=m.wrap_s, wrapT=m.wrap_t
            )
        )
        textures.append(pygltflib.Texture(sampler=index, source=index))
        mats.append(
            pygltflib.Material(
                name=m.name,
                pbrMetallicRoughness=pygltflib.PbrMetallicRoughness(
                    baseColorTexture=pygltflib.TextureInfo(index=index),
                    metallicFactor=m.metallic,
                    roughnessFactor=m.roughness,
                ),
            )
        )
    while len(blob) % 4:
        blob.append(0)
    gltf = pygltflib.GLTF2(
        asset=pygltflib.Asset(version="2.0", generator=GENERATOR, copyright=COPYRIGHT),
        scene=0,
        scenes=[pygltflib.Scene(nodes=[0])],
        nodes=[pygltflib.Node(mesh=0, name=name)],
        meshes=[pygltflib.Mesh(name=name, primitives=primitives)],
        accessors=accessors,
        bufferViews=views,
        buffers=[pygltflib.Buffer(byteLength=len(blob))],
        images=images,
        samplers=samplers,
        textures=textures,
        materials=mats,
    )
    gltf.set_binary_blob(bytes(blob))
    return b"".join(gltf.save_to_bytes())


# ---------------------------------------------------------------------------
# the software rasteriser for the posters
# ---------------------------------------------------------------------------

SRGB_TO_LINEAR = np.array(
    [((c / 255) / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4) for c in range(256)]
)
LINEAR_TO_SRGB = np.array(
    [255 * (12.92 * x if x <= 0.0031308 else 1.055 * x ** (1 / 2.4) - 0.055) for x in (k / 4095 for k in range(4096))]
)


def to_srgb(lin):
    return LINEAR_TO_SRGB[np.floor(clip01(lin) * 4095 + 0.5).astype(np.int64)]


def normalize(v):
    return v / np.sqrt((v * v).sum(axis=-1, keepdims=True))


def dot3(a, b):
    return a[..., 0] * b[..., 0] + a[..., 1] * b[..., 1] + a[..., 2] * b[..., 2]


def sample(tex, u, v, wrap_u):
    """Bilinear texture lookup (tex: linear RGB float array, h x w x 3)."""
    h, w = tex.shape[:2]
    x = u * w - 0.5
    y = np.clip(v * h - 0.5, 0, h - 1)
    x0 = np.floor(x)
    y0 = np.floor(y)
    fx = (x - x0)[:, None]
    fy = (y - y0)[:, None]
    xi = x0.astype(np.int64)
    yi = y0.astype(np.int64)
    if wrap_u:
        xa, xb = xi % w, (xi + 1) % w
    else:
        xa, xb = np.clip(xi, 0, w - 1), np.clip(xi + 1, 0, w - 1)
    ya, yb = np.clip(yi, 0, h - 1), np.clip(yi + 1, 0, h - 1)
    top = tex[ya, xa] + (tex[ya, xb] - tex[ya, xa]) * fx
    bot = tex[yb, xa] + (tex[yb, xb] - tex[yb, xa]) * fx
    return top + (bot - top) * fy


def camera(bmin, bmax, theta, phi, fov, aspect=1.0, margin=1.08):
    """model-viewer's orbit camera: target = the bounding box centre, distance = fits the box."""
    target = 0.5 * (bmin + bmax)
    th, ph = math.radians(theta), math.radians(phi)
    direction = np.array([math.sin(ph) * math.sin(th), math.cos(ph), math.sin(ph) * math.cos(th)])
    fwd = -direction
    right = np.array([math.cos(th), 0.0, -math.sin(th)])
    up = np.array(
        [
            fwd[1] * right[2] - fwd[2] * right[1],
            fwd[2] * right[0] - fwd[0] * right[2],
            fwd[0] * right[1] - fwd[1] * right[0],
        ]
    )
    up = -up if up[1] < 0 else up
    t = math.tan(math.radians(fov) / 2)
    corners = np.array([[x, y, z] for x in (bmin[0], bmax[0]) for y in (bmin[1], bmax[1]) for z in (bmin[2], bmax[2])])
    # the smallest distance at which every corner of the box is inside the view
    dist = 0.0
    for c in corners:
        rel = c - target
        a, b, depth = dot3(rel, right), dot3(rel, up), dot3(rel, fwd)
        dist = max(dist, abs(a) / (t * aspect) - depth, abs(b) / t - depth)
    dist *= margin
    return target - fwd * dist, right, up, fwd, t


def render(prims, textures, materials, size, bmin, bmax):
    """Z-buffer rasteriser: first the nearest triangle of every pixel, then the shading."""
    n = size * POSTER_SS
    eye, right, up, fwd, t = camera(bmin, bmax, *POSTER_ORBIT, POSTER_FOV)
    focal = (n / 2) / t
    tri_prim, all_pos, all_nor, all_uv, all_tri = [], [], [], [], []
    base = 0
    for k, (pos, nor, uv, tris) in enumerate(prims):
        all_pos.append(pos.astype(np.float32).astype(np.float64))
        all_nor.append(nor.astype(np.float32).astype(np.float64))
        all_uv.append(uv.astype(np.float32).astype(np.float64))
        all_tri.append(tris + base)
        tri_prim.append(np.full(len(tris), k))
        base += len(pos)
    P, N, UV, T = (np.concatenate(a) for a in (all_pos, all_nor, all_uv, all_tri))
    tri_prim = np.concatenate(tri_prim)
    rel = P - eye
    vx, vy, vz = dot3(rel, right), dot3(rel, up), dot3(rel, fwd)
    sx = n / 2 + focal * vx / vz
    sy = n / 2 - focal * vy / vz
    zbuf = np.full((n, n), np.inf)
    tid = np.full((n, n), -1, dtype=np.int64)
    bary = np.zeros((n, n, 2))
    i0, i1, i2 = T[:, 0], T[:, 1], T[:, 2]
    ax, ay, bx, by, cx, cy = sx[i0], sy[i0], sx[i1], sy[i1], sx[i2], sy[i2]
    area = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)  # < 0: counter-clockwise on screen (y down)
    front = area < -1e-9
    inv = np.where(front, 1.0 / np.where(front, area, -1.0), 0.0)
    # barycentric weights w0 (of vertex 0) and w1 as linear functions a*x + b*y + c of the pixel
    w0a, w0b, w0c = (by - cy) * inv, (cx - bx) * inv, (bx * cy - by * cx) * inv
    w1a, w1b, w1c = (cy - ay) * inv, (ax - cx) * inv, (cx * ay - cy * ax) * inv
    z0, z1, z2 = 1.0 / vz[i0], 1.0 / vz[i1], 1.0 / vz[i2]
    # 1/depth is linear on the screen too: w0/z0 + w1/z1 + (1 - w0 - w1)/z2
    qa = w0a * (z0 - z2) + w1a * (z1 - z2)
    qb = w0b * (z0 - z2) + w1b * (z1 - z2)
    qc = w0c * (z0 - z2) + w1c * (z1 - z2) + z2
    x0s = np.maximum(np.floor(np.minimum(np.minimum(ax, bx), cx)).astype(np.int64), 0)
    x1s = np.minimum(np.ceil(np.maximum(np.maximum(ax, bx), cx)).astype(np.int64), n - 1)
    y0s = np.maximum(np.floor(np.minimum(np.minimum(ay, by), cy)).astype(np.int64), 0)
    y1s = np.minimum(np.ceil(np.maximum(np.maximum(ay, by), cy)).astype(np.int64), n - 1)
    near = np.minimum(np.minimum(vz[i0], vz[i1]), vz[i2])
    order = np.nonzero(front & (x1s >= x0s) & (y1s >= y0s))[0]
    order = order[np.argsort(near[order], kind="stable")]  # front to back: hidden ones are skipped
    coords = np.arange(n) + 0.5
    for i in order:
        x0, x1, y0, y1 = x0s[i], x1s[i], y0s[i], y1s[i]
        region = zbuf[y0 : y1 + 1, x0 : x1 + 1]
        if near[i] >= region.max():
            continue
        px = coords[x0 : x1 + 1]
        py = coords[y0 : y1 + 1, None]
        w0 = (w0a[i] * px + w0c[i]) + w0b[i] * py
        w1 = (w1a[i] * px + w1c[i]) + w1b[i] * py
        q = (qa[i] * px + qc[i]) + qb[i] * py
        hit = (w0 >= 0) & (w1 >= 0) & (w0 + w1 <= 1) & (q * region > 1)
        if not hit.any():
            continue
        depth = 1.0 / q[hit]
        region[hit] = depth
        tid[y0 : y1 + 1, x0 : x1 + 1][hit] = i
        bb = bary[y0 : y1 + 1, x0 : x1 + 1]
        bb[..., 0][hit] = w0[hit] * z0[i] * depth
        bb[..., 1][hit] = w1[hit] * z1[i] * depth
    # background: light neutral grey, and a soft contact shadow on the floor (y = 0); the ray
    # through a pixel is fwd + dx * right + dy * up, and right is horizontal
    dx = ((coords - n / 2) / focal)[None, :]
    dy = (-(coords - n / 2) / focal)[:, None]
    ray_y = fwd[1] + dy * up[1]
    floor = ray_y < 0
    tt = np.where(floor, -eye[1] / np.where(floor, ray_y, -1.0), 0.0)
    gx = eye[0] + tt * ((fwd[0] + dy * up[0]) + dx * right[0])
    gz = eye[2] + tt * ((fwd[2] + dy * up[2]) + dx * right[2])
    centre = 0.5 * (bmin + bmax)
    foot_r = 0.5 * max(bmax[0] - bmin[0], bmax[2] - bmin[2])
    dist = np.sqrt((gx - centre[0]) * (gx - centre[0]) + (gz - centre[2]) * (gz - centre[2])) / foot_r
    shadow = np.where(floor, 0.55 * (1 - smoothstep(0.75, 1.35, dist)) + 0.18 * (1 - smoothstep(0.9, 2.4, dist)), 0.0)
    bg = SRGB_TO_LINEAR[236] + (SRGB_TO_LINEAR[246] - SRGB_TO_LINEAR[236]) * (1 - coords[:, None] / n)
    grey = np.floor(to_srgb(bg * (1 - shadow)) + 0.5).astype(np.uint8)
    out = np.repeat(grey[..., None], 3, axis=2)
    # shading of the covered pixels
    cov = tid >= 0
    ti = tid[cov]
    b0 = bary[..., 0][cov][:, None]
    b1 = bary[..., 1][cov][:, None]
    b2 = 1.0 - b0 - b1
    tri = T[ti]
    nrm = normalize(N[tri[:, 0]] * b0 + N[tri[:, 1]] * b1 + N[tri[:, 2]] * b2)
    uvs = UV[tri[:, 0]] * b0 + UV[tri[:, 1]] * b1 + UV[tri[:, 2]] * b2
    pos = P[tri[:, 0]] * b0 + P[tri[:, 1]] * b1 + P[tri[:, 2]] * b2
    view = normalize(eye[None, :] - pos)
    nrm = np.where((dot3(nrm, view) < 0)[:, None], -nrm, nrm)  # the inside seen through the mouth
    albedo = np.zeros((len(ti), 3))
    which = tri_prim[ti]
    for k, (tex, mat) in enumerate(zip(textures, materials, strict=True)):
        sel = which == k
        albedo[sel] = sample(tex, uvs[sel, 0], uvs[sel, 1], mat.wrap_s == pygltflib.REPEAT)
    colour = shade(albedo, nrm, view, materials, which, right, up, fwd)
    out[cov] = np.floor(to_srgb(colour) + 0.5).astype(np.uint8)
    # 2x2 box filter down to the poster size
    a = out.astype(np.uint16)
    a = a[0::2, 0::2] + a[1::2, 0::2] + a[0::2, 1::2] + a[1::2, 1::2]
    return Image.fromarray(((a + 2) // 4).astype(np.uint8), "RGB")


def shade(albedo, nrm, view, materials, which, right, up, fwd):
    """Lambert + Blinn-Phong under a key light, a fill light and a studio-like sky dome."""
    key = normalize(np.array(-0.55 * right + 0.95 * up - 0.55 * fwd))
    fill = normalize(np.array(0.85 * right + 0.25 * up - 0.35 * fwd))
    metal = np.array([m.metallic for m in materials])[which][:, None]
    rough = np.array([m.roughness for m in materials])[which][:, None]
    n_dot_v = np.clip(dot3(nrm, view), 0, 1)[:, None]
    refl = 2 * n_dot_v * nrm - view
    sky = 0.5 + 0.5 * refl[:, 1:2]
    env = 0.22 + 0.95 * sky * sky + 1.1 * smoothstep(0.55, 0.9, dot3(refl, key))[:, None]
    ambient = 0.30 + 0.20 * (0.5 + 0.5 * nrm[:, 1:2])
    diffuse = ambient + 1.05 * np.clip(dot3(nrm, key), 0, 1)[:, None] + 0.35 * np.clip(dot3(nrm, fill), 0, 1)[:, None]
    f0 = 0.04 + (albedo - 0.04) * metal
    fres = 1 - n_dot_v
    fres5 = fres * fres
    fres5 = fres5 * fres5 * fres
    spec_col = f0 + (1 - f0) * fres5
    spec = np.zeros_like(n_dot_v)
    for light, strength in ((key, 1.0), (fill, 0.35)):
        h = normalize(view + light[None, :])
        nh = np.clip(dot3(nrm, h), 0, 1)[:, None]
        glossy = nh * nh
        for _ in range(5):  # nh ** 64
            glossy = glossy * glossy
        broad = nh * nh
        for _ in range(3):  # nh ** 16
            broad = broad * broad
        lobe = np.where(rough < 0.35, glossy * 6.0, broad * 1.6)
        spec = spec + strength * lobe
    env_weight = np.where(rough < 0.35, 0.55, 0.85)
    return albedo * (1 - metal) * diffuse * 0.62 + spec_col * (spec + env * env_weight)


# ---------------------------------------------------------------------------
# the two models
# ---------------------------------------------------------------------------


def front_anchor(sections, group, y, deg, nseg):
    """A vertex of the mesh on ``group`` near height y and angle deg (0 = +z, towards +x),
    and its normal: a point exactly on the surface, for an annotation."""
    best = None
    for sec in sections:
        if sec.group != group:
            continue
        n = profile_normals(sec.pts)
        for (r, yy), (nr, ny) in zip(sec.pts, n, strict=True):
            if best is None or abs(yy - y) < abs(best[1] - y):
                best = (r, yy, nr, ny)
    deg = round(deg * nseg / 360) * 360 / nseg
    r, yy, nr, ny = best
    th = math.radians(deg)
    pos = (r * math.sin(th), yy, r * math.cos(th))
    nor = (nr * math.sin(th), ny, nr * math.cos(th))
    return [round(v, 4) for v in pos], [round(v, 3) for v in nor]


def drum_annotations(sections):
    """The star at the centre of the face, and the foot (on the front, +z)."""
    foot = front_anchor(sections, "outer", 0.072, 0.0, DRUM_SEGMENTS)
    return [
        {
            "position": [0.0, DRUM_TOP, 0.0],
            "normal": [0.0, 1.0, 0.0],
            "label": "Ngôi sao 14 cánh giữa mặt trống",
            "label_en": "The 14-pointed star at the centre of the face",
        },
        {"position": foot[0], "normal": foot[1], "label": "Chân trống loe rộng", "label_en": "The flared foot"},
    ]


def vase_annotations(sections):
    """A flower of the scroll on the body, and the lotus panels round the base."""
    body = front_anchor(sections, "outer", 0.200, 20.0, VASE_SEGMENTS)
    lotus = front_anchor(sections, "outer", 0.066, -15.0, VASE_SEGMENTS)
    return [
        {
            "position": body[0],
            "normal": body[1],
            "label": "Cành hoa mẫu đơn và hoa sen vẽ lam trên thân",
            "label_en": "Peonies and lotuses painted in cobalt blue on the body",
        },
        {
            "position": lotus[0],
            "normal": lotus[1],
            "label": "Vòng cánh sen quanh chân bình",
            "label_en": "A ring of lotus petal panels round the base",
        },
    ]


def make_drum():
    sections, groups = drum_sections()
    prims = [Prim(), Prim()]
    revolve(sections, DRUM_SEGMENTS, prims)
    drum_handles(prims[0])
    arrays = [p.arrays() for p in prims]
    for k, (pos, nor, _uv, tris) in enumerate(arrays):
        check_mesh(pos, nor, tris, f"drum primitive {k}")
    side = drum_side_texture(groups["outer"])
    face = drum_face_texture()
    materials = [
        Material("dong-son-bronze-side", side, 0.8, 0.45, quality=78),
        Material("dong-son-bronze-face", face, 0.8, 0.45, pygltflib.CLAMP_TO_EDGE, quality=84),
    ]
    glb = build_glb("trong-dong-ngoc-lu", arrays, materials)
    return glb, arrays, materials, drum_annotations(sections)


def make_vase():
    sections, groups = vase_sections()
    prims = [Prim()]
    revolve(sections, VASE_SEGMENTS, prims)
    arrays = [p.arrays() for p in prims]
    check_mesh(*arrays[0][:2], arrays[0][3], "vase")
    tex = vase_texture(groups["outer"])
    materials = [Material("chu-dau-glaze", tex, 0.0, 0.25, quality=85)]
    glb = build_glb("binh-gom-chu-dau", arrays, materials)
    return glb, arrays, materials, vase_annotations(sections)


def annotations(name):
    """The annotation anchors of a model, without building it."""
    if name == "trong-dong-ngoc-lu":
        return drum_annotations(drum_sections()[0])
    return vase_annotations(vase_sections()[0])


def textures_of(glb):
    """The textures as stored in the GLB (JPEG-decoded), as linear RGB arrays."""
    doc = pygltflib.GLTF2.load_from_bytes(glb)
    blob = doc.binary_blob()
    out = []
    for img in doc.images:
        view = doc.bufferViews[img.bufferView]
        data = blob[view.byteOffset : view.byteOffset + view.byteLength]
        arr = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
        out.append(SRGB_TO_LINEAR[arr])
    return out


def poster(glb, arrays, materials):
    bmin = np.min(np.concatenate([a[0] for a in arrays]).astype(np.float32), axis=0).astype(np.float64)
    bmax = np.max(np.concatenate([a[0] for a in arrays]).astype(np.float32), axis=0).astype(np.float64)
    return render(arrays, textures_of(glb), materials, POSTER_SIZE, bmin, bmax)


MODELS = {
    "trong-dong-ngoc-lu": make_drum,
    "binh-gom-chu-dau": make_vase,
}


def annotation_yaml(annotations, lang="vi"):
    lines = ["  annotations:"]
    for a in annotations:
        label = a["label"] if lang == "vi" else a["label_en"]
        pos = ", ".join(f"{v:g}" for v in a["position"])
        nor = ", ".join(f"{v:g}" for v in a["normal"])
        lines.append(f"    - {{position: [{pos}], normal: [{nor}], label: {label}}}")
    return "\n".join(lines)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", metavar="MODEL", help="some of: " + ", ".join(MODELS) + " (default: all)")
    parser.add_argument("--out", type=Path, default=ROOT, help="folder that gets assets/models and assets/images")
    parser.add_argument("--preview", type=Path, help="also write the textures and posters as PNG here")
    args = parser.parse_args(argv)
    out_root, preview, names = args.out, args.preview, args.names
    unknown = [n for n in names if n not in MODELS]
    if unknown:
        parser.error(f"unknown model(s): {', '.join(unknown)}")
    models_dir = out_root / "assets" / "models"
    images_dir = out_root / "assets" / "images"
    models_dir.mkdir(parents=True, exist_ok=True)
    images_dir.mkdir(parents=True, exist_ok=True)
    for name in names or list(MODELS):
        started = time.perf_counter()
        glb, arrays, materials, annotations = MODELS[name]()
        (models_dir / f"{name}.glb").write_bytes(glb)
        img = poster(glb, arrays, materials)
        img.save(images_dir / f"{name}-3d.jpg", "JPEG", quality=POSTER_QUALITY, optimize=True, subsampling="4:2:0")
        triangles = sum(len(a[3]) for a in arrays)
        vertices = sum(len(a[0]) for a in arrays)
        print(
            f"assets/models/{name}.glb  {len(glb) // 1024} KB, {triangles} triangles, {vertices} vertices; "
            f"assets/images/{name}-3d.jpg {(images_dir / f'{name}-3d.jpg').stat().st_size // 1024} KB "
            f"({time.perf_counter() - started:.1f} s)"
        )
        print("  model: annotations (vi):\n" + annotation_yaml(annotations, "vi"))
        print("  model: annotations (en):\n" + annotation_yaml(annotations, "en"))
        if preview:
            preview.mkdir(parents=True, exist_ok=True)
            for k, m in enumerate(materials):
                m.texture.save(preview / f"{name}-texture-{k}.png")
            img.save(preview / f"{name}-3d.png")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
