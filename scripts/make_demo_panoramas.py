#!/usr/bin/env python3
"""Render the 360° panoramas and the floor plan of the disan demo tour.

The demo tour (tours/bao-tang/) is a visit of a small, imaginary museum
building in a traditional Vietnamese style: a forecourt in front of a
long hall under a large hipped tiled roof with red lacquered columns, and
two galleries inside.  Nothing here is a photograph: every panorama is
ray-cast from scratch with numpy from the simple box/cylinder/sphere/polygon
model below, and the floor plan is drawn with Pillow (default font only,
for the digits and "N").  The pictures hung in the galleries, the drum faces
and the royal decree are the repository's own generated illustrations from
assets/images/ (see scripts/make_demo_images.py), mapped onto surfaces.

    python scripts/make_demo_panoramas.py                 # all panoramas + plan
    python scripts/make_demo_panoramas.py san-truoc       # only some scenes
    python scripts/make_demo_panoramas.py --plan          # only the plan
    python scripts/make_demo_panoramas.py --fast ...      # 2048 px, no supersampling
    python scripts/make_demo_panoramas.py --preview DIR   # also small PNG previews
                                                          # and perspective views

Requirements: Pillow (a project dependency) and numpy.  numpy is NOT a
dependency of disan: it is only needed to run this script, e.g.
``.venv/bin/pip install numpy``.  The output is deterministic (no random
state at all: the textures come from integer hash noise), so running the
script again gives the same files.

Output
------
assets/panoramas/<scene>.jpg   4096 x 2048 equirectangular JPEG, quality 85
assets/plans/bao-tang.png      800 x 600 floor plan, north up

Panorama convention (the viewer's): pixel column x looks at
yaw = (x / width - 0.5) * 360 degrees, so yaw 0 is the centre column and
yaw grows to the right; row y looks at pitch = (0.5 - y / height) * 180,
pitch 0 is the middle row and pitch grows upwards.  In every scene yaw 0
faces NORTH (north: 0 in the scene files), yaw 90 faces east, and the plan
image has north up, so every plan_position heading is 0.

World model (metres; x east, y north, z up)
-------------------------------------------
  forecourt (san-truoc)       x -15..15, y -20..0, stone paving, low walls
  porch                       y -3.2..0, platform 0.3 m high, red columns
  hall wall (facade)          y 0..0.3
  west wing (closed)          x -13.6..-5.3
  Đông Sơn gallery (P2)       x -5..5,    y 0.3..9, floor 0.3, ceiling 4.5
  royal gallery    (P3)       x 5.3..13.3, y 0.3..9
  main door (red lacquer)     x -1.5..1.5 in the facade -> Đông Sơn gallery
  side door (brown wood)      x 8.3..10.3 in the facade -> royal gallery
  open doorway                y 3.6..5.6 in the wall x 5..5.3 between galleries
  cameras: san-truoc (0, -8, 1.6); phong-dong-son (0, 2.2, 1.9);
           phong-cung-dinh (9.3, 2.4, 1.9)

Colour keys (so that a test can recognise what is in view)
----------------------------------------------------------
  main door, red lacquer ........... about RGB (150, 30, 25) in the shade of
                                     the porch: centre of the initial view of
                                     san-truoc (yaw 0, pitch 0)
  teal plaque ...................... doorways that lead to the Đông Sơn gallery
  yellow plaque .................... doorways that lead to the royal gallery
  green "exit" sign ................ doors that lead back to the forecourt
  teal wall panel .................. centre of the initial view of phong-dong-son
  yellow silk panel ................ centre of the initial view of phong-cung-dinh
  plinth / label bands: TD01 orange, TD02 magenta, TD03 blue,
                        SP01 violet, GM01 cyan, AN01 lime green

Running the script prints, for every scene, the yaw/pitch of each doorway
and exhibit (the numbers used in tours/bao-tang/*.md), checks by casting a
ray that each one is really visible (not hidden behind something else), and
prints the colour at the centre of the initial view.  At the time of
writing it printed:

  san-truoc        camera (0, -8, 1.6); initial view yaw 0, pitch 0, fov 90
    go phong-dong-son    yaw    0.0  pitch   2.5   main red door
    go phong-cung-dinh   yaw   49.0  pitch   1.2   side door
    text (roof)          yaw  -28.1  pitch  28.6
    image (poster)       yaw  -74.7  pitch   0.0
    url (info board)     yaw  120.3  pitch   0.2
  phong-dong-son   camera (0, 2.2, 1.9); initial view yaw 0, pitch 0, fov 90
    go san-truoc         yaw  180.0  pitch   0.0   main red door (inside)
    go phong-cung-dinh   yaw   65.0  pitch  -1.5   open doorway
    TD01 yaw -34.8 pitch -7.2 | TD02 yaw 34.8 pitch -7.2 | TD03 yaw -83.7 pitch -11.7
  phong-cung-dinh  camera (9.3, 2.4, 1.9); initial view yaw 0, pitch 0, fov 90
    go san-truoc         yaw  180.0  pitch   0.0   side door (inside)
    go phong-dong-son    yaw  -62.1  pitch  -1.8   open doorway
    SP01 yaw 62.9 pitch 0.0 | GM01 yaw -27.8 pitch -5.7 | AN01 yaw 27.8 pitch -6.8

  Target views of the "go" links continue the walking direction, so that the
  visitor faces into the room entered: forecourt -> either gallery yaw 0;
  Đông Sơn -> royal gallery yaw 90; royal -> Đông Sơn gallery yaw -90;
  either gallery -> forecourt yaw 180 (facing away from the building).

  Colour at the centre of each initial view (16 x 16 px mean of the JPEG):
  san-truoc (159, 32, 26) red door; phong-dong-son (0, 103, 86) teal panel;
  phong-cung-dinh (196, 148, 18) yellow panel.

(the exact values are whatever the current run prints).
"""

# ruff: noqa: E741  (O, D, N, P: ray origin, directions, normals, points)
from __future__ import annotations

import math
import sys
from pathlib import Path

try:
    import numpy as np
except ImportError:  # pragma: no cover - helper script only
    sys.exit("make_demo_panoramas.py needs numpy (not a disan dependency): pip install numpy")
from PIL import Image, ImageDraw, ImageFont, ImageOps

ROOT = Path(__file__).resolve().parent.parent
PANO_DIR = ROOT / "assets" / "panoramas"
PLAN_DIR = ROOT / "assets" / "plans"
IMG_DIR = ROOT / "assets" / "images"
WIDTH, HEIGHT = 4096, 2048
SS = 2  # supersampling (SS x SS rays per pixel)
JPEG_QUALITY = 85
F = np.float32
BIG = F(1e30)
EPS = 1e-3

# ---------------------------------------------------------------------------
# small maths helpers
# ---------------------------------------------------------------------------


def v3(x, y, z):
    return np.array([x, y, z], dtype=F)


def norm(v):
    v = np.asarray(v, dtype=F)
    return v / np.linalg.norm(v)


def direction(yaw, pitch):
    """Unit vector for a viewer yaw/pitch in degrees (yaw 0 = north = +y)."""
    y, p = math.radians(yaw), math.radians(pitch)
    return v3(math.sin(y) * math.cos(p), math.cos(y) * math.cos(p), math.sin(p))


def yaw_pitch(cam, point):
    d = np.asarray(point, dtype=float) - np.asarray(cam, dtype=float)
    yaw = math.degrees(math.atan2(d[0], d[1]))
    pitch = math.degrees(math.atan2(d[2], math.hypot(d[0], d[1])))
    return yaw, pitch


def wrap180(a):
    return (a + 180.0) % 360.0 - 180.0


def smoothstep(e0, e1, x):
    t = np.clip((x - e0) / (e1 - e0), 0.0, 1.0)
    return t * t * (3 - 2 * t)


def mix(a, b, t):
    """Blend colours: a, b are (3,) or (n,3); t is (n,) or scalar."""
    t = np.asarray(t, dtype=F)
    if t.ndim == 1:
        t = t[:, None]
    return a + (np.asarray(b, dtype=F) - a) * t


def col(r, g, b):
    return np.array([r / 255, g / 255, b / 255], dtype=F)


def fill(n, c):
    return np.broadcast_to(np.asarray(c, dtype=F), (n, 3)).copy()


# integer hash noise (deterministic, no random state)


def hash2(ix, iy, seed):
    h = (ix.astype(np.int64) * 73856093) ^ (iy.astype(np.int64) * 19349663) ^ (seed * 83492791 + 12345)
    h = h & 0xFFFFFFFF
    h = ((h ^ (h >> 13)) * 1274126177) & 0xFFFFFFFF
    h = h ^ (h >> 16)
    return (h & 0xFFFF).astype(F) / F(65535.0)


def vnoise(x, y, seed):
    x0 = np.floor(x)
    y0 = np.floor(y)
    fx = (x - x0).astype(F)
    fy = (y - y0).astype(F)
    ix = x0.astype(np.int64)
    iy = y0.astype(np.int64)
    sx = fx * fx * (3 - 2 * fx)
    sy = fy * fy * (3 - 2 * fy)
    a = hash2(ix, iy, seed)
    b = hash2(ix + 1, iy, seed)
    c = hash2(ix, iy + 1, seed)
    d = hash2(ix + 1, iy + 1, seed)
    top = a + (b - a) * sx
    bot = c + (d - c) * sx
    return top + (bot - top) * sy


def fbm(x, y, seed, octaves=4):
    acc = np.zeros_like(x, dtype=F)
    amp, tot, f = 1.0, 0.0, 1.0
    for i in range(octaves):
        acc += F(amp) * vnoise(x * f, y * f, seed + 101 * i)
        tot += amp
        amp *= 0.5
        f *= 2.0
    return acc / F(tot)


# ---------------------------------------------------------------------------
# textures from the repository's own illustrations
# ---------------------------------------------------------------------------

_TEX: dict[str, np.ndarray] = {}


def texture(name):
    if name not in _TEX:
        im = ImageOps.exif_transpose(Image.open(IMG_DIR / name)).convert("RGB")
        im.thumbnail((1024, 1024), Image.Resampling.LANCZOS)
        _TEX[name] = np.asarray(im, dtype=F) / F(255)
    return _TEX[name]


def sample(tex, u, v):
    """u, v in 0..1 (v = 0 at the top); nearest neighbour, clamped."""
    h, w = tex.shape[:2]
    x = np.clip((u * w).astype(np.int64), 0, w - 1)
    y = np.clip((v * h).astype(np.int64), 0, h - 1)
    return tex[y, x]


# ---------------------------------------------------------------------------
# primitives
# ---------------------------------------------------------------------------


class Prim:
    emissive = False
    glass = False
    key = None  # what a visibility check should hit (exhibit id, door …)

    def __init__(self, name, shade, tags=("int", "ext"), key=None):
        self.name = name
        self.shade = shade
        self.tags = set(tags)
        self.key = key

    def bounds(self):
        raise NotImplementedError


class Box(Prim):
    def __init__(self, name, lo, hi, shade, **kw):
        super().__init__(name, shade, **kw)
        self.lo = np.minimum(v3(*lo), v3(*hi))
        self.hi = np.maximum(v3(*lo), v3(*hi))

    def bounds(self):
        return self.lo, self.hi

    def slabs(self, O, invD):
        t1 = (self.lo - O) * invD
        t2 = (self.hi - O) * invD
        tmin = np.minimum(t1, t2).max(axis=1)
        tmax = np.maximum(t1, t2).min(axis=1)
        return tmin, tmax

    def intersect(self, O, D, invD):
        tmin, tmax = self.slabs(O, invD)
        ok = (tmax >= tmin) & (tmin > EPS)
        return np.where(ok, tmin, BIG)

    def normal(self, P, D):
        d = np.concatenate([np.abs(P - self.lo), np.abs(P - self.hi)], axis=1)
        k = d.argmin(axis=1)
        N = np.zeros_like(P)
        ax = k % 3
        N[np.arange(len(P)), ax] = np.where(k < 3, -1, 1)
        return N


class Cyl(Prim):
    """Vertical cylinder with caps."""

    def __init__(self, name, cx, cy, r, z0, z1, shade, **kw):
        super().__init__(name, shade, **kw)
        self.cx, self.cy, self.r, self.z0, self.z1 = F(cx), F(cy), F(r), F(z0), F(z1)

    def bounds(self):
        return v3(self.cx - self.r, self.cy - self.r, self.z0), v3(self.cx + self.r, self.cy + self.r, self.z1)

    def intersect(self, O, D, invD):
        ox, oy = O[..., 0] - self.cx, O[..., 1] - self.cy
        dx, dy, dz = D[:, 0], D[:, 1], D[:, 2]
        a = dx * dx + dy * dy + F(1e-12)
        b = 2 * (ox * dx + oy * dy)
        c = ox * ox + oy * oy - self.r * self.r
        disc = b * b - 4 * a * c
        sq = np.sqrt(np.maximum(disc, 0))
        t0 = (-b - sq) / (2 * a)
        z = O[..., 2] + t0 * dz
        ts = np.where((disc >= 0) & (t0 > EPS) & (z >= self.z0) & (z <= self.z1), t0, BIG)
        with np.errstate(divide="ignore", invalid="ignore"):
            for zc in (self.z1, self.z0):
                tc = (zc - O[..., 2]) / dz
                px = ox + tc * dx
                py = oy + tc * dy
                okc = (tc > EPS) & (px * px + py * py <= self.r * self.r)
                ts = np.where(okc & (tc < ts), tc, ts)
        return ts

    def normal(self, P, D):
        N = np.zeros_like(P)
        top = np.abs(P[:, 2] - self.z1) < 2e-3
        bot = np.abs(P[:, 2] - self.z0) < 2e-3
        side = ~(top | bot)
        N[:, 0] = np.where(side, (P[:, 0] - self.cx) / self.r, 0)
        N[:, 1] = np.where(side, (P[:, 1] - self.cy) / self.r, 0)
        N[:, 2] = np.where(top, 1, np.where(bot, -1, 0))
        return N


class Sphere(Prim):
    def __init__(self, name, c, r, shade, **kw):
        super().__init__(name, shade, **kw)
        self.c, self.r = v3(*c), F(r)

    def bounds(self):
        return self.c - self.r, self.c + self.r

    def intersect(self, O, D, invD):
        oc = O - self.c
        b = (D * oc).sum(axis=1) if oc.ndim == 2 else D @ oc
        c = (oc * oc).sum(axis=-1) - self.r * self.r
        disc = b * b - c
        t = -b - np.sqrt(np.maximum(disc, 0))
        return np.where((disc >= 0) & (t > EPS), t, BIG)

    def normal(self, P, D):
        return (P - self.c) / self.r


class Poly(Prim):
    """Convex planar polygon (double sided)."""

    def __init__(self, name, verts, shade, **kw):
        super().__init__(name, shade, **kw)
        self.V = np.array(verts, dtype=F)
        n = np.cross(self.V[1] - self.V[0], self.V[2] - self.V[0])
        self.n = (n / np.linalg.norm(n)).astype(F)
        self.d = F(self.n @ self.V[0])
        self.e1 = norm(self.V[1] - self.V[0])
        self.e2 = np.cross(self.n, self.e1).astype(F)
        self.edges = [
            (self.V[i], np.cross(self.V[(i + 1) % len(self.V)] - self.V[i], self.n).astype(F))
            for i in range(len(self.V))
        ]

    def bounds(self):
        return self.V.min(axis=0), self.V.max(axis=0)

    def intersect(self, O, D, invD):
        dn = D @ self.n
        with np.errstate(divide="ignore", invalid="ignore"):
            t = (self.d - (O @ self.n)) / dn
        ok = np.isfinite(t) & (t > EPS)
        P = O + np.where(ok, t, 0)[:, None] * D
        for vi, en in self.edges:
            ok &= ((P - vi) @ en) <= 1e-5
        return np.where(ok, t, BIG)

    def normal(self, P, D):
        return np.broadcast_to(self.n, P.shape).copy()

    def uv(self, P):
        q = P - self.V[0]
        return q @ self.e1, q @ self.e2


class Ground(Prim):
    def bounds(self):
        return v3(-1e4, -1e4, 0), v3(1e4, 1e4, 0)

    def intersect(self, O, D, invD):
        with np.errstate(divide="ignore", invalid="ignore"):
            t = -O[..., 2] / D[:, 2]
        return np.where((D[:, 2] < 0) & (t > EPS), t, BIG)

    def normal(self, P, D):
        N = np.zeros_like(P)
        N[:, 2] = 1
        return N


def picture(name, centre, facing, w, h, tex, key=None, tags=("int",)):
    """An image quad hung at `centre`, its front facing the horizontal vector `facing`."""
    c = np.asarray(centre, dtype=F)
    n = norm(facing)
    right = norm(np.cross(-n, v3(0, 0, 1)))
    up = v3(0, 0, 1)
    a, b = right * (w / 2), up * (h / 2)
    verts = [c - a - b, c + a - b, c + a + b, c - a + b]
    img = texture(tex)
    p = None

    def shade(P, N, D):
        u, v = p.uv(P)
        return sample(img, u / w, 1 - v / h)

    p = Poly(name, verts, shade, tags=tags, key=key)
    return p


# ---------------------------------------------------------------------------
# materials
# ---------------------------------------------------------------------------

RED_LACQUER = col(250, 50, 40)
OCHRE = col(226, 184, 104)
TEAL = col(0, 128, 112)
YELLOW = col(240, 184, 24)
EXIT_GREEN = col(0, 170, 80)
LABEL = {
    "TD01": col(245, 120, 10),
    "TD02": col(215, 25, 150),
    "TD03": col(40, 90, 225),
    "SP01": col(130, 50, 200),
    "GM01": col(0, 175, 210),
    "AN01": col(120, 200, 20),
}


def solid(c):
    c = np.asarray(c, dtype=F)
    return lambda P, N, D: fill(len(P), c)


def noisy(c, amount=0.06, scale=3.0, seed=1):
    c = np.asarray(c, dtype=F)

    def shade(P, N, D):
        n = fbm(P[:, 0] * scale + P[:, 2] * 0.7 * scale, P[:, 1] * scale + P[:, 2] * scale, seed, 3)
        return fill(len(P), c) * (1 - amount + 2 * amount * n)[:, None]

    return shade


def wood(c, seed=3):
    c = np.asarray(c, dtype=F)

    def shade(P, N, D):
        g = vnoise(P[:, 0] * 0.8 + P[:, 1] * 0.8, P[:, 2] * 18, seed)
        return fill(len(P), c) * (0.88 + 0.2 * g)[:, None]

    return shade


BRONZE = col(72, 118, 92)


def bronze(seed, bands=(), base=BRONZE, cx=0.0, cy=0.0):
    """Patinated bronze: green with darker bands at the given heights."""

    def shade(P, N, D):
        ang = np.arctan2(P[:, 1] - cy, P[:, 0] - cx)
        n = fbm(ang * 6, P[:, 2] * 9, seed, 3)
        c = fill(len(P), base) * (0.8 + 0.35 * n)[:, None]
        c = mix(c, col(150, 120, 70), smoothstep(0.62, 0.8, n) * 0.6)  # bronze showing through
        for z0, z1 in bands:
            m = (P[:, 2] > z0) & (P[:, 2] < z1)
            stripe = (np.sin(ang * 90) > 0.2) & m
            c[m] *= F(0.82)
            c[stripe] *= F(0.85)
        return c

    return shade


def plinth_box(key, x, y, top, half):
    """The labelled plinth an exhibit stands on: a box from the floor to `top`."""
    return Box(
        f"plinth-{key}",
        (x - half, y - half, FLOOR_Z),
        (x + half, y + half, top),
        plinth(key)(top),
        tags=("int",),
        key=key,
    )


def plinth(label):
    lab = LABEL[label]

    def mk(top):
        def shade(P, N, D):
            c = fill(len(P), col(226, 222, 212))
            band = (P[:, 2] > top - 0.14) & (np.abs(N[:, 2]) < 0.5)
            c[band] = lab
            c[P[:, 2] < 0.4] = col(60, 52, 46)  # dark skirting
            return c

        return shade

    return mk


def mural_panel(base, motif_z, border, frieze):
    """A uniform coloured wall panel with a thin gold border and a round motif near its top."""

    def shade(P, N, D):
        c = fill(len(P), base)
        lo, hi = shade.lo, shade.hi
        hor = np.where(np.abs(N[:, 0]) > 0.5, P[:, 1], P[:, 0])
        hlo, hhi = (lo[1], hi[1]) if abs(shade.n0) > 0.5 else (lo[0], hi[0])
        e = np.minimum.reduce([hor - hlo, hhi - hor, P[:, 2] - lo[2], hi[2] - P[:, 2]])
        c[(e > 0.05) & (e < 0.09)] = border
        # Đông Sơn-like friezes at the top and bottom: circles with a dot, joined by tangents
        for bc in (hi[2] - 0.3, lo[2] + 0.3) if frieze else ():
            s = (hor - hlo) / 0.3
            fr = (s - np.floor(s) - 0.5) * 0.3
            dz = P[:, 2] - bc
            r = np.hypot(fr, dz)
            band = (e > 0.09) & (np.abs(dz) < 0.13)
            pat = ((r > 0.075) & (r < 0.1)) | (r < 0.03) | (np.abs(np.abs(dz) - 0.11) < 0.012)
            c[band & pat] = border
        hc = 0.5 * (hlo + hhi)
        r = np.hypot(hor - hc, P[:, 2] - motif_z)
        ring = (r < 0.34) & (
            (r > 0.29)
            | (r < 0.08)
            | ((r > 0.14) & (r < 0.2) & (np.sin(np.arctan2(P[:, 2] - motif_z, hor - hc) * 14) > 0))
        )
        c[ring] = border
        return c

    return shade


def make_panel(name, lo, hi, base, motif_z, border, facing_x=False, frieze=False, **kw):
    sh = mural_panel(base, motif_z, border, frieze)
    b = Box(name, lo, hi, sh, **kw)
    sh.lo, sh.hi, sh.n0 = b.lo, b.hi, (1.0 if facing_x else 0.0)
    return b


# ---------------------------------------------------------------------------
# the museum
# ---------------------------------------------------------------------------

FLOOR_Z = 0.3  # top of the platform = floor of the hall
CEIL_Z = 4.5
EAVE_Z = 4.3
ROOF_SLOPE = math.tan(math.radians(40))
ROOM_G1 = (-5.0, 5.0, 0.3, 9.0)
ROOM_G2 = (5.3, 13.3, 0.3, 9.0)

CAMERAS = {
    "san-truoc": v3(0.0, -8.0, 1.6),
    "phong-dong-son": v3(0.0, 2.2, FLOOR_Z + 1.6),
    "phong-cung-dinh": v3(9.3, 2.4, FLOOR_Z + 1.6),
}
EXHIBIT_POS = {  # x, y of the object centre; plinth top height
    "TD01": (-2.5, 5.8, 1.05),
    "TD02": (2.5, 5.8, 1.05),
    "TD03": (-3.6, 2.6, 0.75),
    "GM01": (7.3, 6.2, 1.25),
    "AN01": (11.3, 6.2, 1.25),
}


def ground_shade(P, N, D):
    x, y = P[:, 0], P[:, 1]
    n = len(P)
    c = fill(n, col(196, 190, 178))
    # stone slabs, 0.8 m, staggered rows
    row = np.floor(y / 0.8)
    xs = x / 0.8 + 0.5 * (row % 2)
    cell = hash2(np.floor(xs).astype(np.int64), row.astype(np.int64), 7)
    c *= (0.88 + 0.16 * cell)[:, None]
    fx, fy = xs - np.floor(xs), y / 0.8 - row
    grout = (np.minimum(fx, 1 - fx) < 0.02) | (np.minimum(fy, 1 - fy) < 0.02)
    # central walk of bluish stone (đá xanh), 3.6 m wide, larger slabs
    walk = np.abs(x) < 1.8
    wx, wy = (x + 1.8) / 1.2, y / 1.2
    wcell = hash2(np.floor(wx).astype(np.int64), np.floor(wy).astype(np.int64), 9)
    c[walk] = col(120, 128, 130) * (0.9 + 0.15 * wcell[walk])[:, None]
    gw = (np.minimum(wx - np.floor(wx), np.ceil(wx) - wx) < 0.015) | (
        np.minimum(wy - np.floor(wy), np.ceil(wy) - wy) < 0.015
    )
    grout = np.where(walk, gw, grout)
    c[grout] *= F(0.6)
    stain = fbm(x * 0.4, y * 0.4, 5, 3)
    c *= (0.92 + 0.12 * stain)[:, None]
    # grass outside the forecourt walls
    grass = (np.abs(x) > 15.0) | (y < -20.0) | (y > 0.3)
    g = fbm(x * 1.5, y * 1.5, 11, 3)
    c[grass] = mix(fill(int(grass.sum()), col(82, 128, 60)), col(120, 150, 70), g[grass])
    return c


def floor_shade(P, N, D):
    """Top of the platform: porch stone outside, terracotta tiles / wood inside."""
    x, y = P[:, 0], P[:, 1]
    n = len(P)
    c = fill(n, col(170, 166, 158))
    # porch: big grey stone slabs
    fx, fy = x / 1.0, y / 1.0
    cell = hash2(np.floor(fx).astype(np.int64), np.floor(fy).astype(np.int64), 21)
    c *= (0.9 + 0.12 * cell)[:, None]
    g = (np.minimum(fx % 1, 1 - fx % 1) < 0.012) | (np.minimum(fy % 1, 1 - fy % 1) < 0.012)
    c[g] *= F(0.65)
    inside = y > 0.3
    # Đông Sơn gallery + west wing: Bát Tràng terracotta tiles, 0.4 m
    tx, ty = x / 0.4, y / 0.4
    tcell = hash2(np.floor(tx).astype(np.int64), np.floor(ty).astype(np.int64), 23)
    terr = col(168, 84, 52) * (0.9 + 0.14 * tcell)[:, None]
    tg = (np.minimum(tx % 1, 1 - tx % 1) < 0.03) | (np.minimum(ty % 1, 1 - ty % 1) < 0.03)
    terr[tg] = col(150, 96, 70)
    # royal gallery: dark wooden planks along y
    px = x / 0.22
    pl = np.floor(px).astype(np.int64)
    off = hash2(pl, pl * 0, 31) * 3
    py = y / 2.4 + off
    pcell = hash2(pl, np.floor(py).astype(np.int64), 33)
    grain = vnoise(x * 40, y * 1.5, 35)
    plank = col(112, 66, 40) * (0.85 + 0.2 * pcell + 0.08 * grain)[:, None]
    pg = (np.minimum(px % 1, 1 - px % 1) < 0.03) | (np.minimum(py % 1, 1 - py % 1) < 0.006)
    plank[pg] *= F(0.55)
    g2 = inside & (x > 5.15)
    g1 = inside & ~g2
    c[g1] = terr[g1]
    c[g2] = plank[g2]
    return c


def wall_shade(P, N, D):
    x, y, z = P[:, 0], P[:, 1], P[:, 2]
    n = len(P)
    c = fill(n, col(236, 229, 214))  # gallery plaster
    outside = (y < 0.05) & (N[:, 1] < -0.5)  # the facade
    c[outside] = OCHRE * (0.94 + 0.1 * fbm(x[outside] * 2, z[outside] * 2, 41, 3))[:, None]
    stone = outside & (z < 1.0)
    c[stone] = (
        col(150, 146, 138)
        * (
            0.9
            + 0.15 * hash2(np.floor(x[stone] / 0.6).astype(np.int64), np.floor(z[stone] / 0.35).astype(np.int64), 43)
        )[:, None]
    )
    inside = ~outside
    g2 = inside & ((x > 5.31) | ((x > 5.1) & (N[:, 0] > 0.5)))
    c[g2] = col(228, 214, 190)
    dado = g2 & (z < 1.3)
    c[dado] = col(150, 32, 26)
    c[dado & (z > 1.22)] = col(200, 160, 60)
    skirting = inside & ~g2 & (z < 0.45)
    c[skirting] = col(78, 52, 36)
    rail = inside & ~g2 & (z > 3.55) & (z < 3.62)
    c[rail] = col(120, 84, 52)
    # lattice windows
    for x0, x1 in WINDOWS:
        w = (x > x0) & (x < x1) & (z > 1.3) & (z < 3.1) & (y < 0.31)
        if not w.any():
            continue
        lx, lz = (x[w] - x0) / 0.15, (z[w] - 1.3) / 0.15
        bar = (np.minimum(lx % 1, 1 - lx % 1) < 0.22) | (np.minimum(lz % 1, 1 - lz % 1) < 0.22)
        frame = (x[w] - x0 < 0.1) | (x1 - x[w] < 0.1) | (z[w] - 1.3 < 0.1) | (3.1 - z[w] < 0.1)
        bar |= frame
        out = outside[w]
        cw = np.where(out[:, None], col(40, 28, 24), col(255, 250, 236))
        cw[bar] = col(92, 44, 28)
        c[w] = cw
    return c


def door_shade(base, studs=True):
    def shade(P, N, D):
        x, z = P[:, 0], P[:, 2]
        c = fill(len(P), base)
        x0, x1, z0, z1 = shade.rect
        e = np.minimum.reduce([x - x0, x1 - x, z - z0, z1 - z])
        c[e < 0.08] *= F(0.55)
        if studs:  # rows of gilt studs near the top and bottom of the door
            for zr in (z0 + 0.45, z0 + 0.7, z1 - 0.7, z1 - 0.45):
                sx = (x - x0) / 0.25
                d = np.hypot((sx - np.floor(sx) - 0.5) * 0.25, z - zr)
                c[(d < 0.045) & (e > 0.1)] = col(236, 196, 90)
        else:  # panelled leaves
            w = (x1 - x0) / 2
            lx = (x - x0) % w
            pan = (
                (lx > 0.18) & (lx < w - 0.18) & (((z > z0 + 0.3) & (z < z0 + 1.2)) | ((z > z0 + 1.5) & (z < z1 - 0.3)))
            )
            c[~pan & (e >= 0.08)] *= F(0.82)
            c[np.abs(lx) < 0.02] *= F(0.5)
        return c

    return shade


def make_door(name, x0, x1, z1, base, studs, key, y0=0.09, y1=0.21):
    sh = door_shade(base, studs)
    sh.rect = (x0, x1, FLOOR_Z, z1)
    return Box(name, (x0, y0, FLOOR_Z), (x1, y1, z1), sh, key=key)


def roof_shade(P, N, D):
    """Tiles on top, dark rafters underneath."""
    n = len(P)
    p = roof_shade.cur
    u, v = p.uv(P)
    above = (D @ p.n) < 0 if p.n[2] > 0 else (D @ p.n) > 0
    # tiles: rows every 0.26 m up the slope; fish-scale ("mũi hài") ends
    tu, tv = u / 0.24, v / 0.26
    row = np.floor(tv)
    fu = (tu + 0.5 * (row % 2)) % 1
    fv = tv - row
    lip = fv < 0.18 + 0.12 * np.cos((fu - 0.5) * math.pi * 2)
    cell = hash2(np.floor(tu + 0.5 * (row % 2)).astype(np.int64), row.astype(np.int64), 51)
    base = col(150, 70, 44) * (0.82 + 0.22 * cell)[:, None]
    moss = fbm(u * 0.35, v * 0.5, 53, 3)
    base = mix(base, col(84, 72, 56), smoothstep(0.55, 0.8, moss) * 0.7)
    shade_row = 0.8 + 0.35 * fv
    base *= shade_row[:, None]
    base[lip] *= F(0.7)
    under = fill(n, col(70, 40, 26))
    ru = (u / 0.35) % 1
    under[(ru < 0.3)] = col(110, 66, 40)
    return np.where(above[:, None], base, under)


def sky(D):
    z = np.clip(D[:, 2], -1, 1)
    t = np.clip(z, 0, 1) ** 0.5
    c = mix(fill(len(D), col(206, 224, 240)), col(86, 140, 212), t)
    up = z > 0.03
    if up.any():
        s = 1.0 / np.maximum(z[up], 0.03)
        cx, cy = D[up, 0] * s * 1.4, D[up, 1] * s * 1.4
        cl = fbm(cx + 11.3, cy, 61, 5)
        m = smoothstep(0.5, 0.72, cl) * smoothstep(0.03, 0.25, z[up])
        c[up] = mix(c[up], col(250, 250, 252), m * 0.9)
    return c


def canopy(seed):
    def shade(P, N, D):
        n = fbm(P[:, 0] * 4.0 + P[:, 1] * 1.7 + P[:, 2] * 2.3, P[:, 1] * 4.0 - P[:, 0] * 1.3 + P[:, 2] * 3.1, seed, 4)
        c = mix(fill(len(P), col(44, 90, 38)), col(112, 152, 62), smoothstep(0.35, 0.65, n))
        c *= (0.7 + 0.3 * np.clip(N[:, 2] * 0.5 + 0.5, 0, 1))[:, None]
        return c

    return shade


WINDOWS = [(-12.4, -10.2), (-8.8, -6.6), (-4.2, -2.6), (2.6, 4.2), (11.4, 12.9)]


def build_world():
    P = []

    def add(p):
        P.append(p)
        return p

    # --- ground, platform, steps ---------------------------------------
    add(Ground("ground", ground_shade, tags=("ext",)))
    add(Box("platform", (-14.2, -3.2, 0), (14.2, 9.9, FLOOR_Z), floor_shade))
    add(Box("step", (-2.2, -3.6, 0), (2.2, -3.2, 0.15), noisy(col(160, 156, 148), 0.05, 4, 2), tags=("ext",)))
    # --- walls ------------------------------------------------------------
    H = 7.0
    for name, lo, hi in [
        ("wall-s-1", (-13.6, 0, 0), (-1.5, 0.3, H)),
        ("wall-s-2", (1.5, 0, 0), (8.3, 0.3, H)),
        ("wall-s-3", (10.3, 0, 0), (13.6, 0.3, H)),
        ("wall-s-4", (-1.5, 0, 3.6), (1.5, 0.3, H)),
        ("wall-s-5", (8.3, 0, 3.4), (10.3, 0.3, H)),
        ("wall-n", (-13.6, 9.0, 0), (13.6, 9.3, H)),
        ("wall-w", (-13.6, 0, 0), (-13.3, 9.3, H)),
        ("wall-e", (13.3, 0, 0), (13.6, 9.3, H)),
        ("wall-g1w", (-5.3, 0.3, 0), (-5.0, 9.0, H)),
        ("wall-p-1", (5.0, 0.3, 0), (5.3, 3.6, H)),
        ("wall-p-2", (5.0, 5.6, 0), (5.3, 9.0, H)),
        ("wall-p-3", (5.0, 3.6, 3.3), (5.3, 5.6, H)),
    ]:
        add(Box(name, lo, hi, wall_shade))
    add(make_door("door-main", -1.5, 1.5, 3.6, RED_LACQUER, True, "door-main"))
    add(make_door("door-side", 8.3, 10.3, 3.4, col(120, 58, 34), False, "door-side"))
    # plaques (colour keys of the doorways)
    add(
        make_panel(
            "plaque-main",
            (-1.7, -0.06, 3.9),
            (1.7, 0.0, 4.8),
            TEAL,
            4.35,
            col(230, 190, 80),
            tags=("ext",),
            key="door-main",
        )
    )
    add(
        make_panel(
            "plaque-side",
            (8.2, -0.06, 3.65),
            (10.4, 0.0, 4.35),
            YELLOW,
            4.0,
            col(170, 30, 24),
            tags=("ext",),
            key="door-side",
        )
    )
    add(Box("plaque-g1-to-g2", (4.94, 3.7, 3.42), (5.0, 5.5, 3.95), solid(YELLOW), tags=("int",)))
    add(Box("plaque-g2-to-g1", (5.3, 3.7, 3.42), (5.36, 5.5, 3.95), solid(TEAL), tags=("int",)))
    for name, x0 in (("exit-g1", 0.0), ("exit-g2", 9.3)):
        b = add(Box(name, (x0 - 0.35, 0.3, 3.75), (x0 + 0.35, 0.36, 4.05), None, tags=("int",)))
        b.emissive = True

        def exit_shade(P, N, D, x0=x0):
            c = fill(len(P), EXIT_GREEN)
            lx, lz = P[:, 0] - x0, P[:, 2] - 3.9
            man = (np.abs(lx + 0.12) < 0.05) & (np.abs(lz) < 0.1)
            arrow = (np.abs(lz) < 0.025) & (lx > 0.0) & (lx < 0.22)
            c[man | arrow] = col(245, 250, 245)
            return c

        b.shade = exit_shade
    # --- ceiling, beams, lights -------------------------------------------
    ceil = add(Box("ceiling", (-13.6, 0, CEIL_Z), (13.6, 9.3, CEIL_Z + 0.1), None, tags=("int",)))

    def ceil_shade(P, N, D):
        c = fill(len(P), col(238, 232, 220))
        x, y = P[:, 0], P[:, 1]
        lights = np.zeros(len(P), bool)
        for x0, x1 in ((-4.2, -1.2), (1.2, 4.2), (6.0, 8.3), (10.3, 12.6)):
            lights |= (
                (x > x0) & (x < x1) & (((y > 1.6) & (y < 2.4)) | ((y > 4.3) & (y < 5.1)) | ((y > 7.0) & (y < 7.8)))
            )
        c[lights] = col(255, 252, 240) * F(1.25)
        return c

    ceil.shade = ceil_shade
    for i, bx in enumerate((-2.5, 2.5, 9.3)):
        add(
            Box(
                f"beam-{i}",
                (bx - 0.14, 0.3, CEIL_Z - 0.28),
                (bx + 0.14, 9.0, CEIL_Z),
                wood(col(96, 56, 34), 70 + i),
                tags=("int",),
            )
        )
    add(Box("beam-x", (-5.0, 4.5, CEIL_Z - 0.2), (13.3, 4.7, CEIL_Z), wood(col(96, 56, 34), 75), tags=("int",)))
    # --- porch: columns, beam, roof ---------------------------------------
    for i, cx in enumerate((-12.6, -9.5, -6.2, -3.6, -2.0, 2.0, 3.6, 7.6, 11.0, 12.6)):
        add(Cyl(f"column-{i}", cx, -2.3, 0.19, FLOOR_Z, 4.55, noisy(col(176, 34, 28), 0.05, 6, 80 + i), tags=("ext",)))
        add(Cyl(f"column-base-{i}", cx, -2.3, 0.3, FLOOR_Z, FLOOR_Z + 0.22, solid(col(140, 136, 128)), tags=("ext",)))
    add(Box("porch-beam", (-13.0, -2.45, 4.15), (13.0, -2.15, 4.5), wood(col(120, 40, 30), 90), tags=("ext",)))
    X0, X1, Y0, Y1 = -14.8, 14.8, -2.8, 12.1
    half = (Y1 - Y0) / 2
    ym = (Y0 + Y1) / 2
    ridge_z = EAVE_Z + half * ROOF_SLOPE
    rx = X1 - half
    faces = {
        "roof-s": [(X0, Y0, EAVE_Z), (X1, Y0, EAVE_Z), (rx, ym, ridge_z), (-rx, ym, ridge_z)],
        "roof-n": [(X1, Y1, EAVE_Z), (X0, Y1, EAVE_Z), (-rx, ym, ridge_z), (rx, ym, ridge_z)],
        "roof-e": [(X1, Y0, EAVE_Z), (X1, Y1, EAVE_Z), (rx, ym, ridge_z)],
        "roof-w": [(X0, Y1, EAVE_Z), (X0, Y0, EAVE_Z), (-rx, ym, ridge_z)],
    }
    for name, verts in faces.items():
        p = add(Poly(name, verts, None, tags=("ext",), key="roof"))

        def rs(Pp, N, D, p=p):
            roof_shade.cur = p
            return roof_shade(Pp, N, D)

        p.shade = rs
    for name, lo, hi in [
        ("fascia-s", (X0, Y0 - 0.05, EAVE_Z - 0.22), (X1, Y0 + 0.25, EAVE_Z + 0.02)),
        ("fascia-n", (X0, Y1 - 0.25, EAVE_Z - 0.22), (X1, Y1 + 0.05, EAVE_Z + 0.02)),
        ("fascia-e", (X1 - 0.25, Y0, EAVE_Z - 0.22), (X1 + 0.05, Y1, EAVE_Z + 0.02)),
        ("fascia-w", (X0 - 0.05, Y0, EAVE_Z - 0.22), (X0 + 0.25, Y1, EAVE_Z + 0.02)),
    ]:
        add(Box(name, lo, hi, wood(col(70, 40, 28), 91), tags=("ext",)))
    add(
        Box(
            "ridge",
            (-rx - 0.4, ym - 0.25, ridge_z - 0.15),
            (rx + 0.4, ym + 0.25, ridge_z + 0.35),
            noisy(col(120, 100, 84), 0.08, 3, 92),
            tags=("ext",),
        )
    )
    for s in (-1, 1):  # upturned ridge ends
        add(
            Box(
                f"ridge-end-{s}",
                (s * (rx + 0.4) - 0.35, ym - 0.2, ridge_z),
                (s * (rx + 0.4) + 0.35, ym + 0.2, ridge_z + 0.9),
                noisy(col(120, 100, 84), 0.08, 3, 93),
                tags=("ext",),
            )
        )
    add(Sphere("ridge-pearl", (0, ym, ridge_z + 0.75), 0.42, solid(col(228, 186, 70)), tags=("ext",)))
    # --- forecourt ---------------------------------------------------------
    cap = noisy(col(96, 92, 88), 0.08, 4, 100)
    wallc = noisy(OCHRE, 0.06, 2, 101)
    for name, lo, hi in [
        ("fc-wall-w", (-15.3, -20.3, 0), (-15.0, 0, 1.5)),
        ("fc-wall-e", (15.0, -20.3, 0), (15.3, 0, 1.5)),
        ("fc-wall-s1", (-15.3, -20.3, 0), (-2.2, -20.0, 1.5)),
        ("fc-wall-s2", (2.2, -20.3, 0), (15.3, -20.0, 1.5)),
    ]:
        add(Box(name, lo, hi, wallc, tags=("ext",)))
        lo2 = (lo[0] - 0.08, lo[1] - 0.08, 1.5)
        hi2 = (hi[0] + 0.08, hi[1] + 0.08, 1.62)
        add(Box(name + "-cap", lo2, hi2, cap, tags=("ext",)))
    for s in (-1, 1):  # gate pillars with lotus-bud tops
        add(Box(f"gate-{s}", (s * 2.2 - 0.35, -20.5, 0), (s * 2.2 + 0.35, -19.8, 3.4), wallc, tags=("ext",)))
        add(Box(f"gate-cap-{s}", (s * 2.2 - 0.45, -20.6, 3.4), (s * 2.2 + 0.45, -19.7, 3.55), cap, tags=("ext",)))
        add(Sphere(f"gate-bud-{s}", (s * 2.2, -20.15, 3.8), 0.28, solid(col(200, 150, 70)), tags=("ext",)))
    trees = [(-11, -5.5, 1.9), (11.5, -6.5, 1.9), (-11, -15, 2.1), (11, -15, 2.1)]
    far = [
        (-22, -28, 4.5),
        (-8, -30, 4.0),
        (6, -31, 4.8),
        (20, -27, 4.2),
        (-26, -10, 4.5),
        (27, -12, 4.2),
        (-25, 6, 5.0),
        (25, 7, 4.6),
        (0, 22, 6.0),
        (-14, 20, 5.0),
        (14, 21, 5.2),
    ]
    for i, (tx, ty, r) in enumerate(trees + far):
        add(Cyl(f"trunk-{i}", tx, ty, 0.18 + 0.03 * r, 0, 2.2 + r * 0.5, wood(col(90, 70, 52), 110 + i), tags=("ext",)))
        add(Sphere(f"tree-{i}", (tx, ty, 2.2 + r * 1.3), r, canopy(120 + i), tags=("ext",)))
        add(
            Sphere(f"tree-b-{i}", (tx + r * 0.5, ty - r * 0.3, 1.8 + r * 1.0), r * 0.75, canopy(140 + i), tags=("ext",))
        )
    for s in (-1, 1):  # blue-and-white planters with shrubs by the steps
        add(Cyl(f"pot-{s}", s * 3.1, -4.3, 0.45, 0, 0.6, planter_shade(s * 3.1, -4.3), tags=("ext",)))
        add(Sphere(f"shrub-{s}", (s * 3.1, -4.3, 1.0), 0.55, canopy(150 + s), tags=("ext",)))
    # poster board (image hotspot) and blue information board (url hotspot)
    cam = CAMERAS["san-truoc"]
    pc = v3(-5.5, -6.5, 1.75)
    face = norm((cam - pc) * v3(1, 1, 0))
    add(picture("poster", pc, face, 1.8, 1.0125, "dong-son.jpg", key="poster", tags=("ext",)))
    back = pc - face * 0.03
    right = norm(np.cross(-face, v3(0, 0, 1)))
    rr, uu = right * 1.0, v3(0, 0, 0.61)
    add(
        Poly(
            "poster-frame",
            [back - rr - uu, back + rr - uu, back + rr + uu, back - rr + uu],
            solid(col(60, 40, 30)),
            tags=("ext",),
            key="poster",
        )
    )
    for s in (-1, 1):
        lc = pc - face * 0.06 + right * s * 0.8
        add(Cyl(f"poster-leg-{s}", lc[0], lc[1], 0.04, 0, 1.3, solid(col(50, 40, 34)), tags=("ext",)))
    ic = v3(6.0, -11.5, 1.55)
    iface = norm((cam - ic) * v3(1, 1, 0))
    iright = norm(np.cross(-iface, v3(0, 0, 1)))
    info = add(
        Poly(
            "info-board",
            [
                ic - iright * 0.6 - v3(0, 0, 0.45),
                ic + iright * 0.6 - v3(0, 0, 0.45),
                ic + iright * 0.6 + v3(0, 0, 0.45),
                ic - iright * 0.6 + v3(0, 0, 0.45),
            ],
            None,
            tags=("ext",),
            key="info-board",
        )
    )

    def info_shade(Pp, N, D):
        u, v = info.uv(Pp)
        c = fill(len(Pp), col(16, 92, 190))
        du, dv = u - 0.6, v - 0.45
        r = np.hypot(du, dv)
        c[(r > 0.28) & (r < 0.33)] = col(250, 250, 250)
        c[(np.abs(du) < 0.045) & (dv > -0.18) & (dv < 0.08)] = col(250, 250, 250)
        c[np.hypot(du, dv - 0.16) < 0.055] = col(250, 250, 250)
        return c

    info.shade = info_shade
    add(
        Cyl(
            "info-post",
            ic[0] - iface[0] * 0.05,
            ic[1] - iface[1] * 0.05,
            0.05,
            0,
            1.1,
            solid(col(70, 70, 74)),
            tags=("ext",),
        )
    )
    # --- gallery 1: Đông Sơn --------------------------------------------
    add(
        make_panel(
            "panel-g1",
            (-2.2, 8.94, 0.9),
            (2.2, 9.0, 3.7),
            TEAL,
            2.8,
            col(222, 184, 84),
            frieze=True,
            tags=("int",),
            key="panel-g1",
        )
    )
    add(picture("pic-ngoc-lu-than", (-4.99, 5.9, 2.15), (1, 0, 0), 1.6, 1.2, "ngoc-lu-than.jpg"))
    add(picture("pic-hoang-ha", (4.99, 7.4, 2.2), (-1, 0, 0), 1.1, 1.1, "hoang-ha-mat.jpg"))
    for ex, tex, seed in (("TD01", "ngoc-lu-mat.jpg", 200), ("TD02", "hoang-ha-mat.jpg", 210)):
        x, y, top = EXHIBIT_POS[ex]
        add(plinth_box(ex, x, y, top, 0.55))
        h = 0.63 if ex == "TD01" else 0.56
        r = 0.40 if ex == "TD01" else 0.36
        add(
            Cyl(
                f"drum-foot-{ex}",
                x,
                y,
                r * 0.98,
                top,
                top + 0.2,
                bronze(seed, [(top + 0.06, top + 0.12)], cx=x, cy=y),
                tags=("int",),
                key=ex,
            )
        )
        add(
            Cyl(
                f"drum-body-{ex}",
                x,
                y,
                r * 0.86,
                top + 0.2,
                top + h - 0.22,
                bronze(seed + 1, [(top + 0.25, top + 0.33)], cx=x, cy=y),
                tags=("int",),
                key=ex,
            )
        )
        d = add(Cyl(f"drum-top-{ex}", x, y, r * 1.02, top + h - 0.22, top + h, None, tags=("int",), key=ex))

        def drum_shade(Pp, N, D, d=d, tex=tex, seed=seed, top=top, h=h):
            c = bronze(seed + 2, [(top + h - 0.16, top + h - 0.1)], cx=d.cx, cy=d.cy)(Pp, N, D)
            cap = N[:, 2] > 0.5
            if cap.any():
                img = texture(tex)
                u = 0.5 + (Pp[cap, 0] - d.cx) / (2 * d.r) * 0.96
                v = 0.5 - (Pp[cap, 1] - d.cy) / (2 * d.r) * 0.96
                c[cap] = sample(img, u, v)
            return c

        d.shade = drum_shade
        add(glass_case(f"case-{ex}", x, y, 0.52, top, top + 1.0))
    # TD03 jar
    x, y, top = EXHIBIT_POS["TD03"]
    add(plinth_box("TD03", x, y, top, 0.45))
    add(
        Cyl(
            "jar-body",
            x,
            y,
            0.3,
            top,
            top + 0.86,
            bronze(220, [(top + 0.15, top + 0.22), (top + 0.45, top + 0.52), (top + 0.7, top + 0.76)], cx=x, cy=y),
            tags=("int",),
            key="TD03",
        )
    )
    add(Cyl("jar-lid", x, y, 0.315, top + 0.86, top + 0.92, bronze(221, cx=x, cy=y), tags=("int",), key="TD03"))
    for k in range(4):  # pairs of little figures on the lid
        a = k * math.pi / 2 + 0.4
        add(
            Cyl(
                f"jar-fig-{k}",
                x + 0.2 * math.cos(a),
                y + 0.2 * math.sin(a),
                0.035,
                top + 0.92,
                top + 1.04,
                bronze(222 + k),
                tags=("int",),
                key="TD03",
            )
        )
    add(glass_case("case-TD03", x, y, 0.42, top, top + 1.25))
    # --- gallery 2: royal court and ceramics -----------------------------
    add(
        make_panel(
            "panel-g2",
            (7.8, 8.94, 0.9),
            (10.8, 9.0, 3.7),
            YELLOW,
            2.8,
            col(176, 36, 26),
            frieze=True,
            tags=("int",),
            key="panel-g2",
        )
    )
    add(
        Box(
            "sp01-frame",
            (13.22, 3.45, 1.37),
            (13.3, 5.35, 2.55),
            wood(col(120, 30, 24), 230),
            tags=("int",),
            key="SP01",
        )
    )
    add(picture("sp01", (13.215, 4.4, 1.96), (-1, 0, 0), 1.6, 1.0, "sac-phong.jpg", key="SP01"))
    add(Box("sp01-label", (13.2, 4.05, 1.14), (13.3, 4.75, 1.28), solid(LABEL["SP01"]), tags=("int",), key="SP01"))
    add(picture("pic-cung-dinh", (5.31, 7.3, 2.2), (1, 0, 0), 1.6, 0.9, "cung-dinh-gom-su.jpg"))
    x, y, top = EXHIBIT_POS["GM01"]
    add(plinth_box("GM01", x, y, top, 0.4))
    vase = vase_shade(x, y, top)
    add(Cyl("vase-foot", x, y, 0.1, top, top + 0.05, solid(col(190, 160, 120)), tags=("int",), key="GM01"))
    add(Sphere("vase-body", (x, y, top + 0.22), 0.19, vase, tags=("int",), key="GM01"))
    add(Cyl("vase-neck", x, y, 0.055, top + 0.35, top + 0.56, vase, tags=("int",), key="GM01"))
    add(Cyl("vase-mouth", x, y, 0.085, top + 0.56, top + 0.59, vase, tags=("int",), key="GM01"))
    add(glass_case("case-GM01", x, y, 0.38, top, top + 0.85))
    x, y, top = EXHIBIT_POS["AN01"]
    add(plinth_box("AN01", x, y, top, 0.4))
    add(
        Box(
            "seal-cushion",
            (x - 0.24, y - 0.24, top),
            (x + 0.24, y + 0.24, top + 0.07),
            noisy(col(150, 16, 28), 0.08, 30, 240),
            tags=("int",),
            key="AN01",
        )
    )
    gold = gold_shade()
    add(
        Box(
            "seal-base",
            (x - 0.14, y - 0.14, top + 0.07),
            (x + 0.14, y + 0.14, top + 0.15),
            gold,
            tags=("int",),
            key="AN01",
        )
    )
    add(
        Box(
            "seal-tier",
            (x - 0.11, y - 0.11, top + 0.15),
            (x + 0.11, y + 0.11, top + 0.19),
            gold,
            tags=("int",),
            key="AN01",
        )
    )
    add(Sphere("seal-dragon", (x, y, top + 0.24), 0.075, gold, tags=("int",), key="AN01"))
    add(Sphere("seal-head", (x + 0.02, y - 0.05, top + 0.31), 0.035, gold, tags=("int",), key="AN01"))
    add(glass_case("case-AN01", x, y, 0.36, top, top + 0.6))
    for i, cx in enumerate((5.75, 12.85)):  # red lacquered columns in the royal gallery corners
        add(
            Cyl(
                f"g2-col-{i}", cx, 8.55, 0.17, FLOOR_Z, CEIL_Z, noisy(col(176, 34, 28), 0.05, 6, 250 + i), tags=("int",)
            )
        )
    return P


def planter_shade(cx, cy):
    def shade(P, N, D):
        c = fill(len(P), col(236, 238, 240))
        a = np.arctan2(P[:, 1] - cy, P[:, 0] - cx)
        z = P[:, 2]
        blue = (
            ((z > 0.42) & (z < 0.48))
            | ((z > 0.1) & (z < 0.14))
            | ((z > 0.18) & (z < 0.38) & (np.abs(np.sin(a * 6) * 0.08 - (z - 0.28)) < 0.03))
        )
        c[blue] = col(30, 60, 150)
        c[N[:, 2] > 0.5] = col(70, 56, 40)
        return c

    return shade


def vase_shade(cx, cy, top):
    def shade(P, N, D):
        c = fill(len(P), col(240, 236, 222))
        a = np.arctan2(P[:, 1] - cy, P[:, 0] - cx)
        z = P[:, 2] - top
        blue = col(36, 66, 160)
        bands = ((z > 0.1) & (z < 0.115)) | ((z > 0.3) & (z < 0.315)) | ((z > 0.5) & (z < 0.515))
        scroll = (z > 0.13) & (z < 0.29) & (np.abs(np.sin(a * 5 + z * 30) * 0.05 - (z - 0.21)) < 0.018)
        petals = (z > 0.04) & (z < 0.1) & (np.abs(np.sin(a * 8)) > (z - 0.04) / 0.06)
        leaves = (z > 0.35) & (z < 0.5) & (np.abs(np.sin(a * 4)) < 1 - (z - 0.35) / 0.15)
        c[bands | scroll | petals | leaves] = blue
        return c

    return shade


def gold_shade():
    def shade(P, N, D):
        refl = D - 2 * (D * N).sum(axis=1)[:, None] * N
        t = np.clip(refl[:, 2] * 0.5 + 0.5, 0, 1)
        c = mix(fill(len(P), col(150, 104, 24)), col(255, 226, 120), t)
        return c

    return shade


def glass_case(name, x, y, r, z0, z1):
    b = Box(name, (x - r, y - r, z0), (x + r, y + r, z1), None, tags=("int",))
    b.glass = True
    return b


# ---------------------------------------------------------------------------
# lighting and rendering
# ---------------------------------------------------------------------------

SUN = norm((0.45, -0.5, 0.74))


class Lighting:
    def __init__(self, outdoor, prims):
        self.outdoor = outdoor
        self.prims = prims
        self.plinths = [p for p in prims if p.name.startswith("plinth-") or p.name.startswith("pot-")]

    def apply(self, P, N, base, shadow):
        n = len(P)
        x, y, z = P[:, 0], P[:, 1], P[:, 2]
        if self.outdoor:
            amb = F(0.7) + F(0.1) * N[:, 2]
            sun = np.clip(N @ SUN, 0, 1) * (1 - shadow) * F(0.6)
            light = amb[:, None] * col(232, 236, 250) + sun[:, None] * col(255, 246, 226)
            # a little occlusion at the foot of walls and under the porch
            ao = np.ones(n, F)
            under = (y > -3.0) & (y < 0.05) & (np.abs(x) < 14.5) & (z < 5.5)
            ao[under] *= F(0.92)
            ao *= 1 - F(0.25) * np.exp(-np.maximum(z, 0) / 0.25) * (np.abs(N[:, 2]) < 0.5)
            light *= ao[:, None]
        else:
            K = norm((-0.3, -0.5, 0.8))
            l = (
                F(0.8)
                + F(0.16) * np.clip(N[:, 2], 0, 1)
                + F(0.14) * np.clip(N @ K, 0, 1)
                - F(0.1) * np.clip(-N[:, 2], 0, 1)
            )
            l = l * (F(0.9) + F(0.1) * np.clip((z - FLOOR_Z) / 4.2, 0, 1))
            ao = np.ones(n, F)
            for x0, x1, y0, y1 in (ROOM_G1, ROOM_G2):
                inside = (x > x0 - 0.02) & (x < x1 + 0.02) & (y > y0 - 0.02) & (y < y1 + 0.02)
                for d in (x - x0, x1 - x, y - y0, y1 - y, z - FLOOR_Z, CEIL_Z - z):
                    d = np.maximum(d, 0)
                    ao = np.where(inside & (d > 0.1), ao * (1 - F(0.3) * np.exp(-d / F(0.35))), ao)
            floor = (np.abs(z - FLOOR_Z) < 0.01) & (N[:, 2] > 0.5)
            for p in self.plinths:
                lo, hi = p.bounds()
                dx = np.maximum(np.maximum(lo[0] - x, x - hi[0]), 0)
                dy = np.maximum(np.maximum(lo[1] - y, y - hi[1]), 0)
                ao = np.where(floor, ao * (1 - F(0.45) * np.exp(-np.hypot(dx, dy) / F(0.12))), ao)
            light = (l * ao)[:, None] * col(255, 250, 240)
        return base * light


def prim_angles(p, cam):
    """Conservative yaw (centre, half-width) and pitch (lo, hi) ranges of a primitive seen from cam."""
    lo, hi = p.bounds()
    lo = lo - 0.05
    hi = hi + 0.05
    cx, cy, cz = cam
    inside_xy = lo[0] <= cx <= hi[0] and lo[1] <= cy <= hi[1]
    corners = [(lo[0], lo[1]), (lo[0], hi[1]), (hi[0], lo[1]), (hi[0], hi[1])]
    if inside_xy:
        yc, yh = 0.0, 181.0
        rmin = 0.0
    else:
        mx, my = (lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2
        yc = math.degrees(math.atan2(mx - cx, my - cy))
        yh = max(abs(wrap180(math.degrees(math.atan2(a - cx, b - cy)) - yc)) for a, b in corners) + 0.5
        qx = min(max(cx, lo[0]), hi[0])
        qy = min(max(cy, lo[1]), hi[1])
        rmin = math.hypot(qx - cx, qy - cy)
    rmax = max(math.hypot(a - cx, b - cy) for a, b in corners)
    dz0, dz1 = lo[2] - cz, hi[2] - cz
    plo = math.degrees(math.atan2(dz0, rmin if dz0 < 0 else rmax)) - 0.5
    phi = math.degrees(math.atan2(dz1, rmin if dz1 > 0 else rmax)) + 0.5
    return yc, yh, plo, phi


def trace(prims, O, D):
    """Nearest opaque hit: (t, index into prims or -1)."""
    n = len(D)
    with np.errstate(divide="ignore"):
        invD = 1.0 / np.where(np.abs(D) < 1e-9, F(1e-9), D)
    best = np.full(n, BIG, F)
    idx = np.full(n, -1, np.int64)
    for i, p in enumerate(prims):
        if p.glass:
            continue
        t = p.intersect(O, D, invD)
        m = t < best
        best = np.where(m, t, best)
        idx = np.where(m, i, idx)
    return best, idx


def shade_rays(prims, lighting, O, D, shadow_prims):
    n = len(D)
    t, idx = trace(prims, O, D)
    out = sky(D)
    hit = idx >= 0
    P = O + t[:, None] * D
    N = np.zeros_like(D)
    base = np.zeros_like(D)
    emissive = np.zeros(n, bool)
    for i in np.unique(idx[hit]):
        p = prims[i]
        m = idx == i
        Nm = p.normal(P[m], D[m])
        # face the viewer (double-sided polygons)
        flip = (Nm * D[m]).sum(axis=1) > 0
        Nm[flip] *= -1
        N[m] = Nm
        base[m] = p.shade(P[m], Nm, D[m])
        emissive[m] = p.emissive
    lit = hit & ~emissive
    shadow = np.zeros(n, F)
    if lighting.outdoor and shadow_prims:
        cand = lit & ((N @ SUN) > 0)
        if cand.any():
            So = P[cand] + N[cand] * F(0.02)
            Sd = np.broadcast_to(SUN, So.shape).copy()
            inv = 1.0 / np.where(np.abs(Sd) < 1e-9, F(1e-9), Sd)
            blocked = np.zeros(len(So), bool)
            for p in shadow_prims:
                if p.glass:
                    continue
                blocked |= p.intersect(So, Sd, inv) < BIG
            shadow[cand] = blocked
    out[lit] = lighting.apply(P[lit], N[lit], base[lit], shadow[lit])
    out[hit & emissive] = base[hit & emissive]
    # glass cases: tint, faint reflection, thin metal frame on the edges
    for p in prims:
        if not p.glass:
            continue
        with np.errstate(divide="ignore"):
            invD = 1.0 / np.where(np.abs(D) < 1e-9, F(1e-9), D)
        tmin, tmax = p.slabs(O, invD)
        through = (tmax >= tmin) & (tmin > EPS) & (tmin < t)
        if not through.any():
            continue
        frame = np.zeros(n, bool)
        for tt in (tmin, tmax):
            Q = O + tt[:, None] * D
            near = ((np.abs(Q - p.lo) < 0.018) | (np.abs(Q - p.hi) < 0.018)).sum(axis=1) >= 2
            frame |= near & (tt < t) & through
        g = through & ~frame
        refl = F(0.5) + F(0.5) * np.sin((P[g, 0] + P[g, 1]) * 3 + P[g, 2] * 2)
        out[g] = out[g] * col(222, 236, 236) + F(0.05) * refl[:, None]
        out[frame] = col(58, 54, 50)
    return out


def render(scene, prims, width, height, ss, progress=True):
    cam = CAMERAS[scene]
    outdoor = scene == "san-truoc"
    tag = "ext" if outdoor else "int"
    prims = [p for p in prims if tag in p.tags]
    lighting = Lighting(outdoor, prims)
    ang = [prim_angles(p, cam) if not isinstance(p, Ground) else (0.0, 181.0, -90.0, 90.0) for p in prims]
    out = np.zeros((height, width, 3), F)
    rows = 32
    cols = 16
    bh, bw = height // rows, width // cols
    for r in range(rows):
        for c in range(cols):
            j0, i0 = r * bh, c * bw
            jj = (np.arange(bh * ss) + 0.5) / ss + j0
            ii = (np.arange(bw * ss) + 0.5) / ss + i0
            pitch = (0.5 - jj / height) * 180.0
            yaw = (ii / width - 0.5) * 360.0
            p_lo, p_hi = pitch.min() - 0.3, pitch.max() + 0.3
            y_c = (yaw.min() + yaw.max()) / 2
            y_h = (yaw.max() - yaw.min()) / 2 + 0.3
            sel = [
                p
                for p, (yc, yh, plo, phi) in zip(prims, ang, strict=True)
                if phi >= p_lo and plo <= p_hi and (yh > 180 or abs(wrap180(yc - y_c)) <= yh + y_h)
            ]
            Y, Pt = np.meshgrid(np.radians(yaw), np.radians(pitch))
            cp = np.cos(Pt)
            D = np.stack([np.sin(Y) * cp, np.cos(Y) * cp, np.sin(Pt)], axis=-1).reshape(-1, 3).astype(F)
            shadow = prims if outdoor else []
            rgb = shade_rays(sel, lighting, cam, D, shadow)
            rgb = rgb.reshape(bh, ss, bw, ss, 3).mean(axis=(1, 3))
            out[j0 : j0 + bh, i0 : i0 + bw] = rgb
        if progress:
            print(f"\r  {scene}: {100 * (r + 1) // rows}%", end="", flush=True)
    if progress:
        print()
    return np.clip(out * 255 + 0.5, 0, 255).astype(np.uint8)


# ---------------------------------------------------------------------------
# hotspots: where things are, and whether they can be seen
# ---------------------------------------------------------------------------


def targets():
    """scene -> list of (what, world point, expected key)."""
    g1 = {k: EXHIBIT_POS[k] for k in ("TD01", "TD02", "TD03")}
    g2 = {k: EXHIBIT_POS[k] for k in ("GM01", "AN01")}
    t = {
        "san-truoc": [
            ("go phong-dong-son", (0.0, 0.09, 1.95), "door-main"),
            ("go phong-cung-dinh", (9.3, 0.09, 1.85), "door-side"),
            ("text (roof)", (-4.0, -0.5, EAVE_Z + 2.3 * ROOF_SLOPE), "roof"),
            ("image (poster)", (-5.5, -6.5, 1.6), "poster"),
            ("url (info board)", (6.0, -11.5, 1.62), "info-board"),
        ],
        "phong-dong-son": [
            ("go san-truoc", (0.0, 0.21, 1.9), "door-main"),
            ("go phong-cung-dinh", (5.15, 4.6, 1.75), None),
        ],
        "phong-cung-dinh": [
            ("go san-truoc", (9.3, 0.21, 1.9), "door-side"),
            ("go phong-dong-son", (5.15, 4.6, 1.75), None),
            ("SP01", (13.215, 4.4, 1.9), "SP01"),
        ],
    }
    for k, (x, y, top) in g1.items():
        t["phong-dong-son"].append((k, (x, y, top + (0.4 if k == "TD03" else 0.3)), k))
    for k, (x, y, top) in g2.items():
        t["phong-cung-dinh"].append((k, (x, y, top + (0.22 if k == "GM01" else 0.14)), k))
    return t


def check_targets(prims):
    ok = True
    for scene, items in targets().items():
        cam = CAMERAS[scene]
        tag = "ext" if scene == "san-truoc" else "int"
        sp = [p for p in prims if tag in p.tags]
        print(f"{scene}  camera {tuple(float(round(v, 2)) for v in cam)}")
        for what, pt, key in items:
            yaw, pitch = yaw_pitch(cam, pt)
            D = direction(yaw, pitch)[None, :]
            t, idx = trace(sp, cam, D)
            hitname = sp[idx[0]].name if idx[0] >= 0 else "sky"
            hitkey = sp[idx[0]].key if idx[0] >= 0 else None
            if key is None:  # an open doorway: the ray must go through, beyond the wall
                good = t[0] > math.dist(cam, pt)
            else:
                good = hitkey == key
            ok &= bool(good)
            print(f"  {what:22s} yaw {yaw:7.1f}  pitch {pitch:6.1f}   hits {hitname:18s} {'ok' if good else 'HIDDEN!'}")
    return ok


# ---------------------------------------------------------------------------
# previews
# ---------------------------------------------------------------------------


def perspective(img, yaw, pitch, hfov, w=960, h=600):
    """A rectilinear view of an equirectangular image (nearest neighbour)."""
    H, W = img.shape[:2]
    f = (w / 2) / math.tan(math.radians(hfov) / 2)
    xs = np.arange(w) - w / 2 + 0.5
    ys = h / 2 - (np.arange(h) + 0.5)
    X, Y = np.meshgrid(xs, ys)
    d = np.stack([X, np.full_like(X, f), Y], axis=-1)
    d /= np.linalg.norm(d, axis=-1, keepdims=True)
    p = math.radians(pitch)
    y_ = math.radians(yaw)
    # pitch about x, then yaw about z (clockwise seen from above)
    dy = d[..., 1] * math.cos(p) - d[..., 2] * math.sin(p)
    dz = d[..., 1] * math.sin(p) + d[..., 2] * math.cos(p)
    dx = d[..., 0]
    ex = dx * math.cos(y_) + dy * math.sin(y_)
    ey = -dx * math.sin(y_) + dy * math.cos(y_)
    yy = np.degrees(np.arctan2(ex, ey))
    pp = np.degrees(np.arcsin(np.clip(dz, -1, 1)))
    px = ((yy / 360 + 0.5) * W).astype(int) % W
    py = np.clip(((0.5 - pp / 180) * H).astype(int), 0, H - 1)
    return img[py, px]


# ---------------------------------------------------------------------------
# floor plan
# ---------------------------------------------------------------------------

PLAN_W, PLAN_H = 800, 600
PLAN_SCALE = 17.0  # pixels per metre
PLAN_X0, PLAN_Y0 = 0.0, -5.0  # world point at the centre of the plan image


def plan_xy(x, y):
    return (PLAN_W / 2 + (x - PLAN_X0) * PLAN_SCALE, PLAN_H / 2 - (y - PLAN_Y0) * PLAN_SCALE)


def plan_position(scene):
    c = CAMERAS[scene]
    px, py = plan_xy(float(c[0]), float(c[1]))
    return round(px / PLAN_W, 3), round(py / PLAN_H, 3)


def draw_plan(path):
    S = 2
    im = Image.new("RGB", (PLAN_W * S, PLAN_H * S), (244, 240, 230))
    d = ImageDraw.Draw(im)

    def R(x0, y0, x1, y1, **kw):
        a = plan_xy(x0, y1)
        b = plan_xy(x1, y0)
        d.rectangle([a[0] * S, a[1] * S, b[0] * S, b[1] * S], **kw)

    def C(x, y, r, **kw):
        px, py = plan_xy(x, y)
        d.ellipse(
            [
                (px - r * PLAN_SCALE) * S,
                (py - r * PLAN_SCALE) * S,
                (px + r * PLAN_SCALE) * S,
                (py + r * PLAN_SCALE) * S,
            ],
            **kw,
        )

    R(-15.3, -20.3, 15.3, 0, fill=(214, 208, 196))  # forecourt
    R(-1.8, -20.3, 1.8, -3.2, fill=(176, 182, 186))  # stone walk
    R(-14.2, -3.2, 14.2, 9.9, fill=(196, 190, 180))  # platform/porch
    R(-13.3, 0.3, -5.3, 9.0, fill=(206, 202, 196))  # closed west wing
    R(-5.0, 0.3, 5.0, 9.0, fill=(226, 170, 140))  # Đông Sơn gallery (terracotta)
    R(5.3, 0.3, 13.3, 9.0, fill=(200, 160, 120))  # royal gallery (wood)
    wall = (70, 56, 48)
    for x0, y0, x1, y1 in [
        (-13.6, 0, -1.5, 0.3),
        (1.5, 0, 8.3, 0.3),
        (10.3, 0, 13.6, 0.3),
        (-13.6, 9.0, 13.6, 9.3),
        (-13.6, 0, -13.3, 9.3),
        (13.3, 0, 13.6, 9.3),
        (-5.3, 0.3, -5.0, 9.0),
        (5.0, 0.3, 5.3, 3.6),
        (5.0, 5.6, 5.3, 9.0),
        (-15.3, -20.3, -15.0, 0),
        (15.0, -20.3, 15.3, 0),
        (-15.3, -20.3, -2.2, -20.0),
        (2.2, -20.3, 15.3, -20.0),
    ]:
        R(x0, y0, x1, y1, fill=wall)
    R(-1.5, 0.0, 1.5, 0.3, fill=(200, 40, 30))  # main red door
    R(8.3, 0.0, 10.3, 0.3, fill=(120, 60, 36))  # side door
    R(4.9, 3.7, 5.4, 5.5, fill=(240, 184, 24))  # doorway marker
    for cx in (-12.6, -9.5, -6.2, -3.6, -2.0, 2.0, 3.6, 7.6, 11.0, 12.6):
        C(cx, -2.3, 0.25, fill=(176, 34, 28))
    for tx, ty, r in [(-11, -5.5, 1.9), (11.5, -6.5, 1.9), (-11, -15, 2.1), (11, -15, 2.1)]:
        C(tx, ty, r, fill=(120, 160, 90), outline=(80, 120, 60), width=S)
    # exhibits: drums and jar as circles, cases as squares, the decree as a bar
    for k, (x, y, _top) in EXHIBIT_POS.items():
        lc = tuple(int(v * 255) for v in LABEL[k])
        r = 0.55 if k in ("TD01", "TD02") else 0.4
        R(x - r, y - r, x + r, y + r, fill=(250, 248, 244), outline=lc, width=3 * S)
        C(x, y, 0.3 if k in ("TD01", "TD02", "TD03") else 0.16, fill=lc)
    R(13.0, 3.6, 13.3, 5.2, fill=tuple(int(v * 255) for v in LABEL["SP01"]))
    # poster and information board
    C(-5.5, -6.5, 0.45, fill=(60, 40, 30))
    C(6.0, -11.5, 0.45, fill=(16, 92, 190))
    # room numbers (the scene order) and the north arrow
    try:
        font = ImageFont.load_default(size=22 * S)
    except TypeError:  # very old Pillow
        font = ImageFont.load_default()
    for num, (x, y) in (("1", (0.0, -13.0)), ("2", (0.0, 7.6)), ("3", (9.3, 7.8))):
        px, py = plan_xy(x, y)
        d.ellipse([(px - 16) * S, (py - 16) * S, (px + 16) * S, (py + 16) * S], fill=(40, 40, 48))
        d.text((px * S, py * S), num, fill=(255, 255, 255), font=font, anchor="mm")
    ax, ay = PLAN_W - 50, 60
    d.polygon(
        [(ax * S, (ay - 30) * S), ((ax - 14) * S, (ay + 10) * S), (ax * S, ay * S), ((ax + 14) * S, (ay + 10) * S)],
        fill=(40, 40, 48),
    )
    d.text((ax * S, (ay + 28) * S), "N", fill=(40, 40, 48), font=font, anchor="mm")
    im = im.resize((PLAN_W, PLAN_H), Image.Resampling.LANCZOS)
    path.parent.mkdir(parents=True, exist_ok=True)
    im.save(path, optimize=True)
    print(f"wrote {path.relative_to(ROOT)}  ({path.stat().st_size // 1024} KiB)")


# ---------------------------------------------------------------------------

INITIAL_VIEW = {"san-truoc": (0, 0, 90), "phong-dong-son": (0, 0, 90), "phong-cung-dinh": (0, 0, 90)}


def main(argv):
    fast = "--fast" in argv
    preview = None
    if "--preview" in argv:
        preview = Path(argv[argv.index("--preview") + 1])
        preview.mkdir(parents=True, exist_ok=True)
    names = [a for a in argv if not a.startswith("--") and (preview is None or Path(a) != preview)]
    only_plan = "--plan" in argv
    prims = build_world()
    ok = check_targets(prims)
    for s in CAMERAS:
        x, y = plan_position(s)
        print(f"  plan_position {s}: {{x: {x}, y: {y}, heading: 0}}")
    draw_plan(PLAN_DIR / "bao-tang.png")
    if only_plan:
        return 0 if ok else 1
    w, h, ss = (2048, 1024, 1) if fast else (WIDTH, HEIGHT, SS)
    PANO_DIR.mkdir(parents=True, exist_ok=True)
    for scene in CAMERAS:
        if names and scene not in names:
            continue
        img = render(scene, prims, w, h, ss)
        out = PANO_DIR / f"{scene}.jpg"
        Image.fromarray(img).save(out, quality=JPEG_QUALITY, optimize=True, progressive=False, subsampling="4:2:0")
        back = np.asarray(Image.open(out).convert("RGB"))
        yaw, pitch, fov = INITIAL_VIEW[scene]
        cx = int((yaw / 360 + 0.5) * back.shape[1])
        cy = int((0.5 - pitch / 180) * back.shape[0])
        patch = back[cy - 8 : cy + 8, cx - 8 : cx + 8].reshape(-1, 3).mean(axis=0)
        print(
            f"wrote {out.relative_to(ROOT)}  ({out.stat().st_size / 1e6:.2f} MB); "
            f"centre of initial view (yaw {yaw}, pitch {pitch}) RGB {tuple(int(round(v)) for v in patch)}"
        )
        if preview:
            small = Image.fromarray(back).resize((1024, 512), Image.Resampling.LANCZOS)
            small.save(preview / f"{scene}-pano.png")
            Image.fromarray(perspective(back, yaw, pitch, fov)).save(preview / f"{scene}-view.png")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
