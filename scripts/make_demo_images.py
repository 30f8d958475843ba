#!/usr/bin/env python3
"""Draw the illustrations of the disan demo museum.

Every picture in assets/images/ is drawn here from scratch with Pillow:
no photographs, no third-party images, no fonts.  The output is
deterministic (fixed seeds), so running the script again gives the same
JPEG files.

    python scripts/make_demo_images.py            # all images
    python scripts/make_demo_images.py sac-phong  # only some of them
    python scripts/make_demo_images.py --preview DIR   # also small PNG previews

The pictures are stylised illustrations of the objects described in
content/exhibits/, not records of the real objects.
"""

from __future__ import annotations

import math
import random
import sys
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "assets" / "images"
SS = 2  # supersampling factor: draw at SS x the final size, then shrink
JPEG_QUALITY = 85


# ---------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------


def clamp(v, lo=0, hi=255):
    return lo if v < lo else hi if v > hi else v


def mix(c1, c2, t):
    return tuple(int(round(a + (b - a) * t)) for a, b in zip(c1, c2, strict=True))


def solid(size, colour, mode="RGB"):
    return Image.new(mode, size, colour)


def scale_mask(mask, factor):
    """Multiply an L image by a constant factor (0..1)."""
    return mask.point(lambda v: int(v * factor))


def value_noise(size, cell, seed):
    """Smooth random noise: a random grid of `cell` px cells, bicubic-upscaled."""
    w, h = size
    rng = random.Random(seed)
    cell = max(1, int(cell))
    gw, gh = w // cell + 3, h // cell + 3
    small = Image.frombytes("L", (gw, gh), rng.randbytes(gw * gh))
    if cell == 1:
        return small.crop((0, 0, w, h))
    big = small.resize((gw * cell, gh * cell), Image.Resampling.BICUBIC)
    ox, oy = rng.randrange(cell), rng.randrange(cell)
    return big.crop((ox, oy, ox + w, oy + h))


def fractal_noise(size, seed, base_cell=256, octaves=5, persistence=0.5, contrast=True):
    acc = value_noise(size, base_cell, seed)
    total = 1.0
    amp = 1.0
    for i in range(1, octaves):
        amp *= persistence
        cell = max(1, base_cell >> i)
        layer = value_noise(size, cell, seed * 7919 + i)
        total += amp
        acc = Image.blend(acc, layer, amp / total)
    if contrast:
        acc = ImageOps.autocontrast(acc, cutoff=1)
    return acc


def radial_mask(size, center, radius):
    """L image growing linearly with the distance from `center`: about 180 at
    `radius`, 255 (clamped) from 1.42 x radius on."""
    out = Image.new("L", size, 255)
    r = max(1, int(radius * 1.42))
    # Pillow's radial gradient is 255 at the corners of its square; rescale it
    # so that it reaches 255 on the inscribed circle and stays there.
    rg = Image.radial_gradient("L").point(lambda v: min(255, v * 181 // 128))
    rg = rg.resize((2 * r, 2 * r), Image.Resampling.BILINEAR)
    out.paste(rg, (int(center[0]) - r, int(center[1]) - r))
    return out


def vertical_gradient(size, top, bottom):
    g = Image.linear_gradient("L").resize(size, Image.Resampling.BILINEAR)
    return Image.composite(solid(size, bottom), solid(size, top), g)


def horizontal_gradient(size, left, right):
    g = Image.linear_gradient("L").rotate(90, expand=True).transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    g = g.resize(size, Image.Resampling.BILINEAR)
    return Image.composite(solid(size, right), solid(size, left), g)


def multiply_light(img, light_L):
    """Darken img by an L map (255 = unchanged)."""
    return ImageChops.multiply(img, Image.merge("RGB", (light_L, light_L, light_L)))


def add_glow(img, glow_L, colour):
    """Brighten img (screen) with a coloured glow whose strength is glow_L."""
    layer = Image.composite(solid(img.size, colour), solid(img.size, (0, 0, 0)), glow_L)
    return ImageChops.screen(img, layer)


def grain(img, seed, strength=10):
    """Add fine film-like grain (overlay of low-contrast noise)."""
    n = value_noise(img.size, 1, seed)
    lo, hi = 128 - strength, 128 + strength
    n = n.point(lambda v: lo + (hi - lo) * v // 255)
    return ImageChops.overlay(img, Image.merge("RGB", (n, n, n)))


def spotlight_background(size, centre, radius, inner, outer, seed):
    bg = Image.composite(solid(size, outer), solid(size, inner), radial_mask(size, centre, radius))
    tex = fractal_noise(size, seed, base_cell=max(8, size[0] // 5), octaves=4)
    tex = tex.point(lambda v: 118 + v * 20 // 255)
    return ImageChops.overlay(bg, Image.merge("RGB", (tex, tex, tex)))


def soft_shadow(canvas, bbox, blur, strength, ellipse=True):
    """Darken canvas under a blurred ellipse/rectangle (contact shadow)."""
    m = Image.new("L", canvas.size, 0)
    d = ImageDraw.Draw(m)
    if ellipse:
        d.ellipse(bbox, fill=255)
    else:
        d.rectangle(bbox, fill=255)
    m = m.filter(ImageFilter.GaussianBlur(blur))
    m = scale_mask(m, strength)
    return Image.composite(solid(canvas.size, (8, 6, 5)), canvas, m)


def emboss(img, relief, face, depth, shade=0.55, hilite=0.35, cast=0.45):
    """Paint a raised relief (L mask) onto img, lit from the upper left."""
    d = max(1, int(depth))
    sh_in = ImageChops.subtract(relief, ImageChops.offset(relief, -d, -d))
    hl_in = ImageChops.subtract(relief, ImageChops.offset(relief, d, d))
    cast_out = ImageChops.subtract(ImageChops.offset(relief, d + 1, d + 1), relief)
    dark = ImageChops.multiply(img, solid(img.size, (90, 90, 90)))
    img = Image.composite(dark, img, scale_mask(cast_out, cast))
    img = Image.composite(face, img, relief)
    dark_face = ImageChops.multiply(face, solid(img.size, (120, 120, 120)))
    img = Image.composite(dark_face, img, scale_mask(sh_in, shade))
    light_face = ImageChops.screen(face, solid(img.size, (150, 140, 120)))
    img = Image.composite(light_face, img, scale_mask(hl_in, hilite))
    return img


# ---------------------------------------------------------------------------
# bands: ring (polar) or straight strips, with a local drawing pen
# ---------------------------------------------------------------------------


class PolarBand:
    """The ring r0..r1 around (cx, cy).  u runs counter-clockwise (as seen)."""

    def __init__(self, cx, cy, r0, r1, start=0.0):
        self.cx, self.cy, self.r0, self.r1, self.start = cx, cy, r0, r1, start
        self.h = r1 - r0
        self.wrap = False  # a ring closes by itself

    def point(self, uf, v):
        a = self.start - 2 * math.pi * uf
        r = self.r0 + v * self.h
        return (self.cx + r * math.cos(a), self.cy + r * math.sin(a))

    def length(self, v=0.5):
        return 2 * math.pi * (self.r0 + v * self.h)

    def outline(self, draw, v, width, fill=255):
        r = self.r0 + v * self.h
        draw.ellipse((self.cx - r, self.cy - r, self.cx + r, self.cy + r), outline=fill, width=int(width))


class StripBand:
    """A horizontal strip x0..x1, bottom y_bottom, height h; v goes up."""

    def __init__(self, x0, x1, y_bottom, h, wrap=True):
        self.x0, self.x1, self.yb, self.h, self.wrap = x0, x1, y_bottom, h, wrap

    def point(self, uf, v):
        return (self.x0 + uf * (self.x1 - self.x0), self.yb - v * self.h)

    def length(self, v=0.5):
        return self.x1 - self.x0

    def outline(self, draw, v, width, fill=255):
        y = self.yb - v * self.h
        draw.line((self.x0 - 4, y, self.x1 + 4, y), fill=fill, width=int(width))


class Pen:
    """Draws a motif in local units: u forward along the band, v up (0..1)."""

    def __init__(self, draw, band, uf, scale=1.0, flip=False, fill=255, voff=0.0):
        self.d, self.b, self.uf, self.s = draw, band, uf, scale
        self.dir = -1 if flip else 1
        self.fill = fill
        self.voff = voff
        self.k = band.h * scale / band.length()
        self.shifts = (-1, 0, 1) if band.wrap else (0,)

    def sub(self, x, vb, c):
        """A child pen at local offset x, baseline at local v=vb, scaled by c."""
        child = Pen(self.d, self.b, self.uf + self.dir * x * self.k, self.s * c, flip=self.dir < 0, fill=self.fill)
        base = 0.5 + (vb - 0.5) * self.s + self.voff
        child.voff = base - 0.5 + 0.5 * self.s * c
        return child

    def P(self, u, v, shift=0):
        vv = 0.5 + (v - 0.5) * self.s + self.voff
        return self.b.point(self.uf + shift + self.dir * u * self.k, vv)

    def px(self, w):
        return max(1, int(round(w * self.s * self.b.h)))

    def poly(self, pts, fill=None):
        f = self.fill if fill is None else fill
        for sh in self.shifts:
            self.d.polygon([self.P(u, v, sh) for u, v in pts], fill=f)

    def line(self, pts, w, fill=None):
        f = self.fill if fill is None else fill
        for sh in self.shifts:
            self.d.line([self.P(u, v, sh) for u, v in pts], fill=f, width=self.px(w), joint="curve")

    def disc(self, c, r, fill=None):
        f = self.fill if fill is None else fill
        rr = r * self.s * self.b.h
        for sh in self.shifts:
            x, y = self.P(c[0], c[1], sh)
            self.d.ellipse((x - rr, y - rr, x + rr, y + rr), fill=f)

    def ring(self, c, r, w, fill=None):
        f = self.fill if fill is None else fill
        rr = r * self.s * self.b.h
        for sh in self.shifts:
            x, y = self.P(c[0], c[1], sh)
            self.d.ellipse((x - rr, y - rr, x + rr, y + rr), outline=f, width=self.px(w))

    def ell(self, c, rx, ry, rot=0.0, fill=None, n=20):
        ca, sa = math.cos(rot), math.sin(rot)
        pts = []
        for i in range(n):
            t = 2 * math.pi * i / n
            x, y = rx * math.cos(t), ry * math.sin(t)
            pts.append((c[0] + x * ca - y * sa, c[1] + x * sa + y * ca))
        self.poly(pts, fill)


def bezier(p0, p1, p2, p3, n=16):
    out = []
    for i in range(n + 1):
        t = i / n
        a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t * t, t**3
        out.append((a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0], a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1]))
    return out


# ---------------------------------------------------------------------------
# Dong Son motifs (local units; band height = 1)
# ---------------------------------------------------------------------------


def m_heron(p):
    """Flying long-beaked bird (chim Lac) in profile, heading +u."""
    body = bezier((-0.38, 0.47), (-0.2, 0.6), (0.2, 0.6), (0.34, 0.5), 10) + bezier(
        (0.34, 0.5), (0.2, 0.36), (-0.2, 0.36), (-0.38, 0.47), 10
    )
    p.poly(body)
    p.poly([(0.26, 0.55), (0.62, 0.63), (0.74, 0.63), (0.72, 0.58), (0.58, 0.56), (0.3, 0.46)])  # neck
    p.disc((0.74, 0.62), 0.055)
    p.poly([(0.76, 0.65), (1.3, 0.58), (0.77, 0.59)])  # long beak
    p.line([(0.72, 0.66), (0.6, 0.76)], 0.025)  # crest
    p.line([(0.7, 0.67), (0.55, 0.72)], 0.025)
    wing = [(0.16, 0.54), (0.24, 0.74), (0.14, 0.92), (-0.06, 0.99), (-0.3, 0.95), (-0.26, 0.8), (-0.2, 0.56)]
    p.poly(wing)
    for k in range(4):  # feather grooves
        t = (k + 1) / 5
        p.line([(-0.02 - 0.1 * t, 0.58), (0.18 - 0.45 * t, 0.9 + 0.05 * math.sin(t * 3))], 0.018, fill=0)
    p.poly([(0.06, 0.42), (-0.04, 0.24), (-0.2, 0.16), (-0.3, 0.2), (-0.24, 0.42)])  # far wing
    p.poly([(-0.34, 0.5), (-0.7, 0.64), (-0.76, 0.56), (-0.64, 0.48), (-0.76, 0.38), (-0.7, 0.32)])  # tail
    p.line([(-0.66, 0.56), (-0.4, 0.49)], 0.015, fill=0)
    p.line([(-0.66, 0.4), (-0.4, 0.46)], 0.015, fill=0)
    p.line([(-0.18, 0.42), (-0.5, 0.3), (-0.72, 0.26)], 0.025)  # trailing legs


def m_small_bird(p):
    p.ell((0.0, 0.45), 0.22, 0.1)
    p.disc((0.24, 0.55), 0.07)
    p.poly([(0.28, 0.58), (0.62, 0.52), (0.29, 0.52)])
    p.poly([(0.05, 0.5), (-0.12, 0.85), (-0.22, 0.5)])
    p.poly([(-0.18, 0.45), (-0.5, 0.58), (-0.48, 0.36)])
    p.line([(0.0, 0.36), (0.02, 0.15)], 0.03)
    p.line([(0.06, 0.36), (0.1, 0.15)], 0.03)


def m_deer(p, antlers=True):
    p.ell((0.0, 0.46), 0.34, 0.12)
    p.line([(0.25, 0.5), (0.38, 0.7)], 0.08)  # neck
    p.ell((0.44, 0.74), 0.1, 0.055, rot=-0.4)  # head
    for x0, x1 in ((-0.25, -0.3), (-0.15, -0.12), (0.17, 0.12), (0.25, 0.3)):
        p.line([(x0, 0.42), (x1, 0.06)], 0.045)
    p.line([(-0.32, 0.5), (-0.44, 0.58)], 0.04)  # tail
    if antlers:
        p.line([(0.4, 0.78), (0.34, 0.95), (0.26, 1.0)], 0.03)
        p.line([(0.36, 0.9), (0.46, 0.99)], 0.03)
        p.line([(0.44, 0.79), (0.5, 0.95)], 0.03)


def m_dancer(p, holding=0):
    """Person in a feather costume and tall plumed headdress, walking towards +u."""
    p.line([(-0.02, 0.04), (0.08, 0.23)], 0.05)
    p.line([(0.2, 0.04), (0.13, 0.23)], 0.05)
    p.poly([(0.03, 0.22), (0.19, 0.22), (0.16, 0.46), (0.07, 0.46)])
    p.poly([(0.05, 0.28), (-0.2, 0.16), (-0.24, 0.22), (-0.04, 0.38)])  # feather skirt
    p.disc((0.12, 0.53), 0.062)
    p.poly([(0.13, 0.58), (0.1, 0.78), (0.0, 0.97), (-0.06, 0.96), (0.0, 0.76), (0.06, 0.58)])
    p.poly([(0.08, 0.58), (-0.12, 0.8), (-0.22, 0.84), (-0.18, 0.78), (0.04, 0.56)])
    if holding == 1:  # axe raised
        p.line([(0.14, 0.42), (0.28, 0.5), (0.3, 0.62)], 0.035)
        p.line([(0.3, 0.4), (0.3, 0.82)], 0.025)
        p.poly([(0.3, 0.78), (0.42, 0.84), (0.4, 0.7), (0.3, 0.72)])
    elif holding == 2:  # pipe instrument (khen)
        p.line([(0.14, 0.42), (0.26, 0.5)], 0.035)
        p.line([(0.16, 0.52), (0.44, 0.76)], 0.04)
        p.ell((0.26, 0.6), 0.06, 0.04, rot=0.7)
    else:
        p.line([(0.14, 0.42), (0.3, 0.38), (0.36, 0.5)], 0.035)
        p.line([(0.1, 0.42), (-0.06, 0.5)], 0.035)


def m_house(p, variant=0):
    """House on stilts with a saddle roof and up-swept ends."""
    for x in (-0.55, 0.0, 0.55):
        p.line([(x, 0.04), (x, 0.36)], 0.045)
    p.line([(-0.7, 0.36), (0.7, 0.36)], 0.06)
    if variant == 0:
        p.poly(
            [
                (-0.98, 0.86),
                (-0.86, 0.84),
                (-0.72, 0.52),
                (0.72, 0.52),
                (0.86, 0.84),
                (0.98, 0.86),
                (0.6, 0.7),
                (-0.6, 0.7),
            ]
        )
        p.line([(-0.75, 0.52), (-0.7, 0.36)], 0.04)
        p.line([(0.75, 0.52), (0.7, 0.36)], 0.04)
        p.disc((0.0, 0.76), 0.06)
        p.poly([(0.0, 0.8), (0.2, 0.9), (0.06, 0.84), (-0.12, 0.9)])  # bird on the ridge
    else:
        p.poly([(-0.8, 0.38), (-0.62, 0.86), (0.62, 0.86), (0.8, 0.38), (0.55, 0.5), (-0.55, 0.5)])
        p.disc((0.0, 0.95), 0.05)
    for x in (-0.3, 0.0, 0.3):
        p.disc((x, 0.44), 0.05)


def m_pounders(p):
    """Two people pounding rice around a mortar."""
    p.poly([(-0.14, 0.05), (0.14, 0.05), (0.1, 0.25), (-0.1, 0.25)])
    for side in (-1, 1):
        bx = 0.42 * side
        p.line([(bx - 0.05, 0.04), (bx, 0.24)], 0.05)
        p.line([(bx + 0.06, 0.04), (bx + 0.02, 0.24)], 0.05)
        p.poly([(bx - 0.07, 0.24), (bx + 0.08, 0.24), (bx + 0.05, 0.48), (bx - 0.05, 0.48)])
        p.disc((bx, 0.55), 0.06)
        p.line([(bx, 0.6), (bx + 0.25 * side, 0.88), (bx + 0.34 * side, 0.95)], 0.03)
        p.line([(bx, 0.44), (0.08 * side, 0.62)], 0.03)
        p.line([(0.06 * side, 0.9), (0.0 * side, 0.22)], 0.035)  # pestle


def m_drummers(p):
    """A row of bronze drums played by people (seen from the side)."""
    for x in (-0.5, 0.0, 0.5):
        p.poly([(x - 0.13, 0.06), (x + 0.13, 0.06), (x + 0.11, 0.26), (x - 0.11, 0.26)])
        p.line([(x - 0.14, 0.27), (x + 0.14, 0.27)], 0.03)
    p.line([(0.78, 0.04), (0.76, 0.24)], 0.05)
    p.poly([(0.7, 0.24), (0.84, 0.24), (0.81, 0.48), (0.72, 0.48)])
    p.disc((0.77, 0.55), 0.06)
    p.line([(0.75, 0.44), (0.4, 0.55), (0.3, 0.34)], 0.03)
    for tip in ((0.98, 0.95), (1.06, 0.84)):
        p.line([(0.78, 0.6), tip], 0.035)


def m_boat(p, seed=0):
    """A long boat with up-swept bird-head prow, warriors and a platform."""
    rng = random.Random(seed)
    hull = []
    for i in range(0, 21):
        t = i / 20
        x = -2.2 + 4.4 * t
        hull.append((x, 0.2 + 0.1 * (2 * t - 1) ** 2))
    top = [(x, y + 0.16) for x, y in hull]
    p.poly(hull + [(2.4, 0.5), (2.6, 0.74), (2.3, 0.56)] + top[::-1] + [(-2.4, 0.66), (-2.5, 0.6), (-2.3, 0.3)])
    for k in range(9):
        x = -1.9 + k * 0.48
        p.line([(x, 0.22), (x + 0.12, 0.34)], 0.02, fill=0)
    p.disc((2.58, 0.74), 0.06)  # prow bird head
    p.poly([(2.62, 0.76), (2.95, 0.7), (2.63, 0.71)])
    p.line([(-2.3, 0.3), (-2.6, 0.05)], 0.04)  # steering oar
    p.poly([(-0.5, 0.34), (0.1, 0.34), (0.1, 0.56), (-0.5, 0.56)])  # platform / cabin
    p.line([(-0.55, 0.58), (0.15, 0.58)], 0.04)
    xs = [-1.9, -1.45, -1.0, 0.55, 1.0, 1.45, 1.9]
    for x in xs:
        m_dancer(p.sub(x, 0.3, 0.62), holding=rng.choice((0, 1, 1, 2)))


def m_peacock(p):
    """Feather (long cong) motif between the rays of the star."""
    p.poly([(0.0, 0.05), (0.22, 0.95), (0.0, 0.6), (-0.22, 0.95)])
    p.disc((0.0, 0.82), 0.07)


# ---------------------------------------------------------------------------
# geometric bands
# ---------------------------------------------------------------------------


def pat_dots(d, band, n, rad=0.22, v=0.5):
    for i in range(n):
        Pen(d, band, (i + 0.5) / n).disc((0, v), rad)


def pat_tangent_circles(d, band, n, rad=0.3):
    for i in range(n):
        uf = (i + 0.5) / n
        p = Pen(d, band, uf)
        p.ring((0, 0.5), rad, 0.07)
        p.disc((0, 0.5), rad * 0.3)
        nxt = 1.0 / n / p.k  # distance to the next circle in local units
        p.line([(0.0, 0.5 + rad), (nxt, 0.5 - rad)], 0.06)


def pat_sawtooth(d, band, n, up=True):
    for i in range(n):
        p = Pen(d, band, i / n)
        w = 1.0 / n / p.k
        if up:
            p.poly([(0.08 * w, 0.1), (0.92 * w, 0.1), (0.5 * w, 0.9)])
        else:
            p.poly([(0.08 * w, 0.9), (0.92 * w, 0.9), (0.5 * w, 0.1)])


def pat_ladder(d, band, n):
    for i in range(n):
        p = Pen(d, band, i / n)
        p.line([(0, 0.1), (0.25, 0.9)], 0.09)


def pat_zigzag(d, band, n):
    for i in range(n):
        p = Pen(d, band, i / n)
        w = 1.0 / n / p.k
        p.line([(0, 0.2), (w / 2, 0.8), (w, 0.2)], 0.1)


def pat_spirals(d, band, n):
    for i in range(n):
        p = Pen(d, band, (i + 0.5) / n)
        pts = []
        for k in range(40):
            t = k / 39
            a = 4.5 * math.pi * t
            r = 0.36 * (1 - t) + 0.04
            pts.append((r * math.cos(a), 0.5 + r * math.sin(a)))
        p.line(pts, 0.06)


def pat_boundaries(d, band, width):
    band.outline(d, 0.0, width)
    band.outline(d, 1.0, width)


# ---------------------------------------------------------------------------
# bronze drum tympanum (top view)
# ---------------------------------------------------------------------------

PATINA_GREEN = dict(
    dark=(30, 42, 36),
    mid=(74, 100, 84),
    light=(138, 160, 132),
    brown=((50, 38, 28), (116, 90, 58)),
    face=((98, 88, 60), (184, 160, 108)),
)
PATINA_GREY = dict(
    dark=(34, 44, 42),
    mid=(82, 104, 94),
    light=(150, 168, 150),
    brown=((46, 36, 28), (104, 84, 60)),
    face=((84, 84, 70), (166, 160, 128)),
)


def patina_texture(size, seed, pal, base_cell=None):
    w, h = size
    base_cell = base_cell or max(16, min(w, h) // 6)
    n1 = fractal_noise(size, seed, base_cell=base_cell, octaves=6)
    img = ImageOps.colorize(n1, black=pal["dark"], mid=pal["mid"], white=pal["light"])
    n2 = fractal_noise(size, seed + 1, base_cell=max(8, base_cell // 2), octaves=4)
    spots = n2.point(lambda v: 0 if v < pal.get("spot", 150) else min(255, (v - pal.get("spot", 150)) * 6))
    spots = spots.filter(ImageFilter.GaussianBlur(2))
    brown = ImageOps.colorize(
        fractal_noise(size, seed + 2, base_cell=max(8, base_cell // 3), octaves=3),
        black=pal["brown"][0],
        white=pal["brown"][1],
    )
    img = Image.composite(brown, img, scale_mask(spots, 0.75))
    return img


def face_texture(size, seed, pal, base_cell):
    n = fractal_noise(size, seed, base_cell=base_cell, octaves=5)
    return ImageOps.colorize(n, black=pal["face"][0], white=pal["face"][1])


TYMPANUM_NGOC_LU = dict(
    rays=14,
    star=0.165,
    pal=PATINA_GREEN,
    birds=18,
    seed=101,
    bands=[
        (0.165, 0.19, "dots", 64),
        (0.19, 0.245, "tangent", 26),
        (0.245, 0.27, "ladder", 120),
        (0.27, 0.43, "scene", 0),
        (0.43, 0.455, "dots", 150),
        (0.455, 0.51, "tangent", 52),
        (0.51, 0.535, "ladder", 200),
        (0.535, 0.64, "animals", 0),
        (0.64, 0.665, "dots", 230),
        (0.665, 0.72, "tangent", 72),
        (0.72, 0.745, "saw", 170),
        (0.745, 0.905, "herons", 18),
        (0.905, 0.93, "dots", 300),
        (0.93, 0.975, "tangent", 98),
    ],
)

TYMPANUM_HOANG_HA = dict(
    rays=16,
    star=0.15,
    pal=PATINA_GREY,
    birds=14,
    seed=202,
    bands=[
        (0.15, 0.175, "dots", 60),
        (0.175, 0.225, "tangent", 24),
        (0.225, 0.25, "dots", 90),
        (0.25, 0.41, "scene2", 0),
        (0.41, 0.435, "ladder", 170),
        (0.435, 0.49, "spirals", 46),
        (0.49, 0.515, "dots", 170),
        (0.515, 0.62, "animals2", 0),
        (0.62, 0.645, "saw", 170),
        (0.645, 0.7, "tangent", 70),
        (0.7, 0.725, "dots", 230),
        (0.725, 0.895, "herons", 14),
        (0.895, 0.92, "ladder", 330),
        (0.92, 0.97, "tangent", 96),
    ],
)


def draw_star(d, cx, cy, r_star, rays, start):
    r_in = r_star * 0.32
    half = math.pi / rays * 0.62
    for k in range(rays):
        a = start + 2 * math.pi * k / rays
        d.polygon(
            [
                (cx + r_in * math.cos(a - half), cy + r_in * math.sin(a - half)),
                (cx + r_star * math.cos(a), cy + r_star * math.sin(a)),
                (cx + r_in * math.cos(a + half), cy + r_in * math.sin(a + half)),
            ],
            fill=255,
        )
    d.ellipse((cx - r_in * 1.08, cy - r_in * 1.08, cx + r_in * 1.08, cy + r_in * 1.08), fill=255)
    band = PolarBand(cx, cy, r_star * 0.48, r_star * 0.95, start=start + math.pi / rays)
    for k in range(rays):
        p = Pen(d, band, k / rays, scale=0.9)
        # rotate the feather so it points outwards: local v is already radial
        m_peacock(p)


def draw_scene_band(d, band, variant, seed):
    rng = random.Random(seed)
    if variant == "scene":
        seq = ["house0", "pound", "d", "d1", "d2", "d", "d1", "d", "house1", "drums", "d2", "d", "d1", "d", "d"]
    else:
        seq = ["house1", "pound", "d", "d2", "d1", "d", "drums", "house0", "d", "d1", "d", "d2", "d"]
    widths = {"house0": 2.3, "house1": 1.9, "pound": 1.3, "drums": 1.9, "d": 0.72, "d1": 0.78, "d2": 0.78}
    full = seq + seq
    total = sum(widths[k] for k in full)
    pos = 0.0
    for key in full:
        w = widths[key]
        uf = (pos + w / 2) / total
        pos += w
        p = Pen(d, band, uf, scale=0.92 if len(key) > 2 else 0.84)
        if key.startswith("house"):
            m_house(p, int(key[-1]))
        elif key == "pound":
            m_pounders(p)
        elif key == "drums":
            m_drummers(p)
        else:
            m_dancer(p, holding={"d": 0, "d1": 1, "d2": 2}[key] if rng.random() > 0.2 else 0)


def draw_animal_band(d, band, variant, seed):
    rng = random.Random(seed)
    n = 20 if variant == "animals" else 18
    for i in range(n):
        uf = (i + 0.5) / n
        if variant == "animals":
            if i % 2 == 0:
                m_deer(Pen(d, band, uf, scale=0.9), antlers=rng.random() < 0.6)
            else:
                m_small_bird(Pen(d, band, uf, scale=0.95))
        else:
            if i % 3 == 2:
                m_deer(Pen(d, band, uf, scale=0.9))
            else:
                m_small_bird(Pen(d, band, uf, scale=0.95))


def tympanum_relief(size, centre, R, cfg):
    """L mask of the raised decoration of a drum face."""
    m = Image.new("L", size, 0)
    d = ImageDraw.Draw(m)
    cx, cy = centre
    start = -math.pi / 2
    draw_star(d, cx, cy, cfg["star"] * R, cfg["rays"], start)
    lw = max(2, int(R * 0.004))
    seed = cfg["seed"]
    for a, b, kind, n in cfg["bands"]:
        band = PolarBand(cx, cy, a * R, b * R, start=start)
        pat_boundaries(d, band, lw)
        inner = PolarBand(cx, cy, a * R + lw, b * R - lw, start=start)
        if kind == "dots":
            pat_dots(d, inner, n, rad=0.2)
        elif kind == "tangent":
            pat_tangent_circles(d, inner, n)
        elif kind == "ladder":
            pat_ladder(d, inner, n)
        elif kind == "saw":
            pat_sawtooth(d, inner, n)
        elif kind == "spirals":
            pat_spirals(d, inner, n)
        elif kind in ("scene", "scene2"):
            draw_scene_band(d, inner, kind, seed)
        elif kind in ("animals", "animals2"):
            draw_animal_band(d, inner, kind, seed + 1)
        elif kind == "herons":
            for i in range(n):
                m_heron(Pen(d, inner, (i + 0.5) / n, scale=0.8))
    d.ellipse((cx - R * 0.995, cy - R * 0.995, cx + R * 0.995, cy + R * 0.995), outline=255, width=lw * 2)
    return m


def tympanum_layer(size, centre, R, cfg, seed_offset=0):
    """Return (rgb, alpha) of a lit bronze drum face."""
    seed = cfg["seed"] + seed_offset
    pal = cfg["pal"]
    cx, cy = centre
    relief = tympanum_relief(size, centre, R, cfg)
    relief = relief.filter(ImageFilter.GaussianBlur(max(0.6, R / 900)))
    cell = max(16, int(R / 6))
    img = patina_texture(size, seed, pal, base_cell=cell)
    face = face_texture(size, seed + 10, pal, base_cell=max(8, cell // 2))
    face = Image.blend(face, ImageChops.screen(img, solid(size, (60, 60, 50))), 0.45)
    img = emboss(img, relief, face, depth=max(2, R / 380))
    # light from the upper left, darker rim, soft highlight
    light = radial_mask(size, (cx - 0.45 * R, cy - 0.55 * R), 2.3 * R).point(lambda v: int(255 - v * 0.42))
    img = multiply_light(img, light)
    rim = radial_mask(size, centre, R).point(lambda v: 255 if v < 232 else int(255 - (v - 232) * 3.2))
    img = multiply_light(img, rim)
    glow = radial_mask(size, (cx - 0.3 * R, cy - 0.35 * R), 0.9 * R).point(lambda v: int(max(0, 255 - v) * 0.16))
    img = add_glow(img, glow, (255, 240, 200))
    alpha = Image.new("L", size, 0)
    ImageDraw.Draw(alpha).ellipse((cx - R, cy - R, cx + R, cy + R), fill=255)
    return img, alpha


def make_tympanum(cfg, side=1600, seed_offset=0):
    S = side * SS
    size = (S, S)
    bg = spotlight_background(size, (S * 0.42, S * 0.38), S * 0.85, (58, 52, 46), (14, 12, 11), cfg["seed"] + 99)
    R = S * 0.455
    c = (S / 2, S / 2)
    bg = soft_shadow(
        bg,
        (c[0] - R + S * 0.025, c[1] - R + S * 0.03, c[0] + R + S * 0.035, c[1] + R + S * 0.04),
        blur=S * 0.02,
        strength=0.85,
    )
    img, alpha = tympanum_layer(size, c, R, cfg, seed_offset)
    bg.paste(img, (0, 0), alpha)
    out = bg.resize((side, side), Image.Resampling.LANCZOS)
    return grain(out, cfg["seed"] + 7, strength=6)


# ---------------------------------------------------------------------------
# solids of revolution (drum side, jar, vase): unrolled texture -> 3D view
# ---------------------------------------------------------------------------


def spline_profile(points, H):
    """Radius for every row 0..H from control points [(y_frac, r_px), ...]
    (cubic Hermite with Catmull-Rom tangents)."""
    pts = [(y * H, r) for y, r in points]
    n = len(pts)
    tang = []
    for i in range(n):
        a = pts[max(0, i - 1)]
        b = pts[min(n - 1, i + 1)]
        tang.append((b[1] - a[1]) / (b[0] - a[0]) if b[0] != a[0] else 0.0)
    out = []
    seg = 0
    for y in range(int(H) + 1):
        while seg < n - 2 and y > pts[seg + 1][0]:
            seg += 1
        (y0, r0), (y1, r1) = pts[seg], pts[seg + 1]
        hgt = y1 - y0
        t = 0.0 if hgt == 0 else min(1.0, max(0.0, (y - y0) / hgt))
        h00 = 2 * t**3 - 3 * t**2 + 1
        h10 = t**3 - 2 * t**2 + t
        h01 = -2 * t**3 + 3 * t**2
        h11 = t**3 - t**2
        out.append(h00 * r0 + h10 * hgt * tang[seg] + h01 * r1 + h11 * hgt * tang[seg + 1])
    return out


def _norm(v):
    n = math.sqrt(sum(c * c for c in v)) or 1.0
    return tuple(c / n for c in v)


def lathe(
    size,
    cx,
    top,
    radii,
    tex,
    elev=0.16,
    light=(-0.55, 0.45, 0.7),
    ambient=0.3,
    diffuse=0.85,
    spec=0.3,
    shininess=20,
    spec_colour=(255, 244, 220),
    Wf=1024,
    step=8,
):
    """Render a solid of revolution seen slightly from above.

    radii[y] is the radius (px) of row y (0 = top); tex is the unrolled
    surface (any width = 360 degrees; resized to the height).  Returns
    (rgb, alpha) on a canvas of `size`."""
    H = len(radii) - 1
    Rmax = max(radii)
    tex = tex.resize((tex.width, H), Image.Resampling.BICUBIC) if tex.height != H else tex
    Tw = tex.width
    # 1. the visible half of the texture, parametrised by s = x / r in -1..1
    F = Image.new("RGB", (Wf, H))
    for i in range(Wf):
        s = (i + 0.5) / Wf * 2 - 1
        u = int((math.asin(s) / (2 * math.pi) + 0.5) * Tw) % Tw
        F.paste(tex.crop((u, 0, u + 1, H)), (i, 0))
    # 2. shading (diffuse, specular) in the same parametrisation
    Ns = 96
    lx, ly, lz = _norm(light)
    hx, hy, hz = _norm((lx, ly, lz + 1.0))
    D, P = [], []
    for y in range(H):
        y0, y1 = max(0, y - 3), min(H, y + 3)
        dr = (radii[y1] - radii[y0]) / (y1 - y0)
        for j in range(Ns):
            s = (j + 0.5) / Ns * 2 - 1
            c = math.sqrt(max(0.0, 1 - s * s))
            nx, ny, nz = _norm((s, dr, c))
            dif = max(0.0, nx * lx + ny * ly + nz * lz)
            b = (ambient + diffuse * dif) * (0.72 + 0.28 * nz)
            sp = max(0.0, nx * hx + ny * hy + nz * hz) ** shininess * spec
            D.append(clamp(int(b * 255)))
            P.append(clamp(int(sp * 255)))
    Dimg = Image.new("L", (Ns, H))
    Dimg.putdata(D)
    Pimg = Image.new("L", (Ns, H))
    Pimg.putdata(P)
    Dimg = Dimg.resize((Wf, H), Image.Resampling.BILINEAR)
    Pimg = Pimg.resize((Wf, H), Image.Resampling.BILINEAR)
    F = multiply_light(F, Dimg)
    F = ImageChops.add(F, Image.composite(solid(F.size, spec_colour), solid(F.size, (0, 0, 0)), Pimg))
    # 3. mesh: screen (X, Y) -> (s, y)
    import bisect

    x0, x1 = int(cx - Rmax) - step, int(cx + Rmax) + step
    y0, y1 = int(top - elev * Rmax) - step, int(top + H + elev * Rmax) + step
    xs = list(range(x0, x1 + step, step))
    ys = list(range(y0, y1 + step, step))
    grid = {}
    for ix, X in enumerate(xs):
        dx = X - cx
        g, m = [], -1e9
        for y in range(H + 1):
            r = radii[y]
            v = y + elev * math.sqrt(r * r - dx * dx) if r > abs(dx) else y
            m = v if v > m else m
            g.append(m)
        for iy, Y in enumerate(ys):
            y = min(max(bisect.bisect_left(g, Y - top), 0), H)
            r = max(radii[y], 1e-6)
            s = max(-1.0, min(1.0, dx / r))
            grid[ix, iy] = ((s + 1) / 2 * Wf, min(y, H - 1))
    mesh = []
    for ix in range(len(xs) - 1):
        for iy in range(len(ys) - 1):
            a, b, c, d = grid[ix, iy], grid[ix, iy + 1], grid[ix + 1, iy + 1], grid[ix + 1, iy]
            mesh.append(((xs[ix], ys[iy], xs[ix + 1], ys[iy + 1]), (a[0], a[1], b[0], b[1], c[0], c[1], d[0], d[1])))
    rgb = F.transform(size, Image.Transform.MESH, mesh, resample=Image.Resampling.BILINEAR)
    alpha = Image.new("L", size, 0)
    ad = ImageDraw.Draw(alpha)
    for y in range(H + 1):
        r = radii[y]
        ad.ellipse((cx - r, top + y - elev * r, cx + r, top + y + elev * r), fill=255)
    return rgb, alpha


def relief_texture(size, seed, pal, draw_fn, depth=3, cell=None):
    """Patinated bronze with raised decoration drawn by draw_fn(ImageDraw, size)."""
    relief = Image.new("L", size, 0)
    draw_fn(ImageDraw.Draw(relief), size)
    relief = relief.filter(ImageFilter.GaussianBlur(0.8))
    cell = cell or max(16, size[1] // 9)
    img = patina_texture(size, seed, pal, base_cell=cell)
    face = face_texture(size, seed + 10, pal, base_cell=max(8, cell // 2))
    face = Image.blend(face, ImageChops.screen(img, solid(size, (60, 60, 50))), 0.45)
    return emboss(img, relief, face, depth=depth)


def strip_bands(d, Tw, layout, H, lw, seed):
    """Draw a list of (y0_frac, y1_frac, kind, n) bands across an unrolled texture."""
    rng = random.Random(seed)
    for a, b, kind, n in layout:
        yb, yt = b * H, a * H
        band = StripBand(0, Tw, yb, yb - yt)
        if kind != "plain":
            pat_boundaries(d, band, lw)
        inner = StripBand(0, Tw, yb - lw, (yb - yt) - 2 * lw)
        if kind == "dots":
            pat_dots(d, inner, n, rad=0.2)
        elif kind == "tangent":
            pat_tangent_circles(d, inner, n)
        elif kind == "ladder":
            pat_ladder(d, inner, n)
        elif kind == "saw":
            pat_sawtooth(d, inner, n)
        elif kind == "sawdown":
            pat_sawtooth(d, inner, n, up=False)
        elif kind == "zigzag":
            pat_zigzag(d, inner, n)
        elif kind == "herons":
            for i in range(n):
                m_heron(Pen(d, inner, (i + 0.5) / n, scale=0.8))
        elif kind == "boats":
            for i in range(n):
                uf = (i + 0.5) / n
                m_boat(Pen(d, inner, uf, scale=0.62, voff=-0.12), seed=rng.randrange(1000))
                for k in range(3):
                    m_small_bird(Pen(d, inner, uf + (k - 1) * 0.25 / n + 0.5 / n * 0.0, scale=0.22, voff=0.36))
        elif kind == "panels":
            # rectangles with pairs of feathered dancers, separated by ladder strips
            for i in range(n):
                u0 = i / n
                p = Pen(d, inner, u0)
                w = 1.0 / n / p.k
                p.line([(0.0, 0.0), (0.0, 1.0)], 0.03)
                p.line([(0.12 * w, 0.0), (0.12 * w, 1.0)], 0.03)
                for k in range(8):
                    y = (k + 0.5) / 8
                    p.line([(0.02 * w, y - 0.03), (0.10 * w, y + 0.03)], 0.02)
                for k, x in enumerate((0.4, 0.72)):
                    m_dancer(p.sub(x * w, 0.06, 0.85), holding=(k + i) % 3)


def draw_handles(
    img, cx, top, radii, H, unit, ya, yb, reach, width, colours=((28, 38, 32), (78, 100, 84), (150, 164, 130))
):
    """Strip handles bulging out of both outlines between rows ya*H and yb*H."""
    d = ImageDraw.Draw(img)
    dark, mid, light = colours
    for side in (-1, 1):
        for k in (1, 0):  # the one further back first
            inset = k * unit * 1.6
            ia, ib = int(ya * H), int(yb * H)
            p0 = (cx + side * (radii[ia] - unit * 0.6 - inset), top + ia + k * unit * 0.4)
            p3 = (cx + side * (radii[ib] - unit * 0.6 - inset), top + ib + k * unit * 0.4)
            p1 = (p0[0] + side * unit * reach, p0[1] + unit * 1.0)
            p2 = (p3[0] + side * unit * reach, p3[1] - unit * 4.0)
            pts = bezier(p0, p1, p2, p3, 30)
            shade = 0.7 if k else 1.0
            d.line(pts, fill=mix((0, 0, 0), dark, shade), width=int(unit * width), joint="curve")
            d.line(
                [(x - side * unit * 0.15, y) for x, y in pts],
                fill=mix((0, 0, 0), mid, shade),
                width=int(unit * width * 0.7),
                joint="curve",
            )
            d.line(
                [(x - side * unit * 0.45, y - unit * 0.2) for x, y in pts],
                fill=mix((0, 0, 0), light, shade * 0.8),
                width=max(1, int(unit * 0.35)),
                joint="curve",
            )
            # rice-grain ribs across the strip
            for j in range(3, len(pts) - 3, 3):
                x, y = pts[j]
                d.line(
                    [(x - unit * 0.7, y), (x + unit * 0.7, y)],
                    fill=mix((0, 0, 0), dark, shade),
                    width=max(1, int(unit * 0.18)),
                )
    return img


def make_drum_side(cfg, size=(1600, 1200)):
    W, Hh = size[0] * SS, size[1] * SS
    canvas_size = (W, Hh)
    bg = spotlight_background(canvas_size, (W * 0.45, Hh * 0.35), W * 0.75, (66, 60, 54), (16, 14, 12), cfg["seed"] + 5)
    # floor line
    floor = vertical_gradient((W, int(Hh * 0.3)), (40, 36, 32), (20, 18, 16))
    bg.paste(Image.blend(bg.crop((0, int(Hh * 0.7), W, Hh)), floor, 0.5), (0, int(Hh * 0.7)))
    unit = W * 0.0072  # px per cm
    Hd = int(63 * unit)
    prof = [
        (0.0, 37.6),
        (0.05, 39.4),
        (0.16, 40.6),
        (0.28, 38.6),
        (0.38, 33.6),
        (0.46, 32.2),
        (0.6, 32.0),
        (0.7, 32.6),
        (0.8, 35.0),
        (0.92, 38.6),
        (1.0, 40.0),
    ]
    radii = spline_profile([(y, r * unit) for y, r in prof], Hd)
    Rmax = max(radii)
    Tw = int(2 * math.pi * Rmax)
    lw = max(2, int(unit * 0.25))
    layout = [
        (0.02, 0.06, "tangent", 60),
        (0.06, 0.085, "dots", 180),
        (0.085, 0.3, "boats", 6),
        (0.3, 0.325, "dots", 180),
        (0.325, 0.37, "tangent", 60),
        (0.395, 0.42, "ladder", 300),
        (0.42, 0.6, "panels", 12),
        (0.6, 0.625, "ladder", 300),
        (0.625, 0.665, "tangent", 60),
    ]

    def draw_fn(d, sz):
        strip_bands(d, sz[0], layout, sz[1], lw, cfg["seed"])

    tex = relief_texture((Tw, Hd), cfg["seed"] + 3, dict(cfg["pal"], spot=170), draw_fn, depth=max(2, unit * 0.2))
    cx = W / 2
    elev = 0.2
    R_face = 39.65 * unit
    top = Hh * 0.5 - Hd * 0.5 + elev * R_face * 0.6
    bg = soft_shadow(
        bg,
        (cx - Rmax * 1.05, top + Hd - elev * Rmax * 0.9, cx + Rmax * 1.12, top + Hd + elev * Rmax * 1.3),
        blur=unit * 2.5,
        strength=0.9,
    )
    rgb, alpha = lathe(canvas_size, cx, top, radii, tex, elev=elev, spec=0.22, shininess=14)
    bg.paste(rgb, (0, 0), alpha)
    # handles: one pair on each side, flat strips from the shoulder to the body
    bg = draw_handles(bg, cx, top, radii, Hd, unit, 0.25, 0.45, reach=4.2, width=2.4)
    # the drum face, seen at a low angle, overhanging the body a little
    face_px = int(2 * R_face)
    face_img, face_a = tympanum_layer((face_px, face_px), (face_px / 2, face_px / 2), face_px / 2 - 2, cfg, 7)
    fh = int(face_px * elev)
    face_img = face_img.resize((face_px, fh), Image.Resampling.LANCZOS)
    face_a = face_a.resize((face_px, fh), Image.Resampling.LANCZOS)
    face_img = ImageChops.screen(face_img, solid(face_img.size, (26, 26, 22)))
    ox, oy = int(cx - face_px / 2), int(top - fh / 2)
    # the thin edge of the face
    edge = Image.new("L", canvas_size, 0)
    ImageDraw.Draw(edge).ellipse((ox, oy + unit * 0.9, ox + face_px, oy + fh + unit * 0.9), fill=255)
    bg = Image.composite(solid(canvas_size, (46, 60, 50)), bg, edge)
    bg.paste(face_img, (ox, oy), face_a)
    out = bg.resize(size, Image.Resampling.LANCZOS)
    return grain(out, cfg["seed"] + 11, strength=6)


def draw_couple_statue(img, x, y, h, seed):
    """A tiny cast group of two facing figures, base at (x, y), height h."""
    d = ImageDraw.Draw(img)
    dark, mid, light = (24, 32, 27), (78, 98, 82), (146, 156, 122)
    w = max(1, int(h * 0.07))
    d.ellipse((x - 0.34 * h, y - 0.08 * h, x + 0.34 * h, y + 0.08 * h), fill=dark)  # footing
    for side in (-1, 1):
        bx = x + side * 0.12 * h
        lean = -side * 0.05 * h
        for col, off in ((dark, 0.035 * h), (mid, 0.0)):
            d.line([(bx - 0.05 * h + off, y), (bx - 0.03 * h + off, y - 0.3 * h)], fill=col, width=w + 1)
            d.line([(bx + 0.05 * h + off, y), (bx + 0.03 * h + off, y - 0.3 * h)], fill=col, width=w + 1)
            d.ellipse(
                (bx - 0.1 * h + off + lean * 0.5, y - 0.66 * h, bx + 0.1 * h + off + lean * 0.5, y - 0.26 * h), fill=col
            )
            hx, hy, hr = bx + lean + off, y - 0.77 * h, 0.105 * h
            d.ellipse((hx - hr, hy - hr, hx + hr, hy + hr), fill=col)
        d.ellipse((bx - 0.07 * h + lean * 0.5, y - 0.62 * h, bx - 0.01 * h + lean * 0.5, y - 0.36 * h), fill=light)
        d.ellipse((bx + lean - 0.07 * h, y - 0.84 * h, bx + lean - 0.01 * h, y - 0.76 * h), fill=light)
    # arms around each other
    d.line(
        [(x - 0.14 * h, y - 0.52 * h), (x, y - 0.58 * h), (x + 0.14 * h, y - 0.52 * h)],
        fill=mid,
        width=w,
        joint="curve",
    )


def paste_low_cone(canvas, disc, dalpha, cx, base_y, R, zfun, elev, marks=(), step=8):
    """Warp a top-view disc image onto a low cone/dome (height zfun(rho)) seen
    from `elev` = sin(view angle) above, base circle centred at (cx, base_y).
    Returns (canvas, screen positions of `marks` given as (x, depth) in px)."""

    ca = math.sqrt(1 - elev * elev)
    D = disc.width
    # shading in top view: normal of the cone
    Ns = 128
    data = []
    lx, ly, lz = _norm((-0.5, 0.75, 0.45))  # x right, y up, z towards viewer (front = +depth)
    for j in range(Ns):
        for i in range(Ns):
            x = (i + 0.5) / Ns * 2 * R - R
            zc = (j + 0.5) / Ns * 2 * R - R
            rho = math.hypot(x, zc) or 1e-6
            dz = (zfun(min(R, rho + 2)) - zfun(max(0, rho - 2))) / 4
            nx, ny, nz = _norm((-dz * x / rho, 1.0, -dz * zc / rho))
            b = 0.55 + 0.55 * max(0.0, nx * lx + ny * ly + nz * lz)
            data.append(clamp(int(b * 200)))
    sh = Image.new("L", (Ns, Ns))
    sh.putdata(data)
    sh = sh.resize((D, D), Image.Resampling.BICUBIC)
    disc = multiply_light(disc, sh.point(lambda v: min(255, int(v * 1.2))))

    def fwd(x, zc):
        rho = math.hypot(x, zc)
        return cx + x, base_y - zfun(min(rho, R)) * ca + zc * elev

    x0, x1 = int(cx - R) - step, int(cx + R) + step
    y0, y1 = int(base_y - zfun(0) * ca - R * elev) - step, int(base_y + R * elev) + step
    xs = list(range(x0, x1 + step, step))
    ys = list(range(y0, y1 + step, step))
    grid = {}
    Nz = 160
    for ix, X in enumerate(xs):
        x = max(-R, min(R, X - cx))
        zmax = math.sqrt(max(0.0, R * R - x * x))
        zs = [zmax - 2 * zmax * k / Nz for k in range(Nz + 1)]  # front to back
        Ys = [fwd(x, z)[1] for z in zs]
        for iy, Y in enumerate(ys):
            # the front-most depth whose screen row is at or above Y
            z = zs[-1]
            for k in range(Nz + 1):
                if Ys[k] <= Y:
                    if k > 0 and Ys[k - 1] != Ys[k]:
                        t = (Y - Ys[k]) / (Ys[k - 1] - Ys[k])
                        z = zs[k] + (zs[k - 1] - zs[k]) * t
                    else:
                        z = zs[k]
                    break
            grid[ix, iy] = (x + R, z + R)
    mesh = []
    for ix in range(len(xs) - 1):
        for iy in range(len(ys) - 1):
            a, b, c, d = grid[ix, iy], grid[ix, iy + 1], grid[ix + 1, iy + 1], grid[ix + 1, iy]
            mesh.append(((xs[ix], ys[iy], xs[ix + 1], ys[iy + 1]), (a[0], a[1], b[0], b[1], c[0], c[1], d[0], d[1])))
    rgb = disc.transform(canvas.size, Image.Transform.MESH, mesh, resample=Image.Resampling.BILINEAR)
    # outline of the cone: union of its horizontal circles
    alpha = Image.new("L", canvas.size, 0)
    ad = ImageDraw.Draw(alpha)
    n = 120
    for k in range(n + 1):
        rho = R * k / n
        yc = base_y - zfun(rho) * ca
        ad.ellipse((cx - rho, yc - rho * elev, cx + rho, yc + rho * elev), fill=255)
    canvas.paste(rgb, (0, 0), alpha)
    return canvas, [fwd(x, z) for x, z in marks]


def make_jar(size=(1200, 1600), seed=303):
    pal = dict(PATINA_GREEN, spot=172)
    W, Hh = size[0] * SS, size[1] * SS
    canvas_size = (W, Hh)
    bg = spotlight_background(canvas_size, (W * 0.42, Hh * 0.3), Hh * 0.7, (70, 64, 56), (16, 14, 12), seed)
    floor_y = int(Hh * 0.8)
    floor = vertical_gradient((W, Hh - floor_y), (44, 40, 35), (22, 20, 18))
    bg.paste(Image.blend(bg.crop((0, floor_y, W, Hh)), floor, 0.55), (0, floor_y))
    unit = W * 0.0098
    Hb = int(80 * unit)
    prof = [(0.0, 30.4), (0.06, 31.4), (0.3, 31.7), (0.7, 30.7), (1.0, 29.6)]
    radii = spline_profile([(y, r * unit) for y, r in prof], Hb)
    Rmax = max(radii)
    Tw = int(2 * math.pi * Rmax)
    lw = max(2, int(unit * 0.22))
    layout = [
        (0.03, 0.05, "dots", 150),
        (0.05, 0.09, "tangent", 60),
        (0.09, 0.11, "saw", 160),
        (0.11, 0.13, "dots", 150),
        (0.13, 0.33, "boats", 6),
        (0.33, 0.35, "dots", 150),
        (0.35, 0.39, "tangent", 60),
        (0.39, 0.41, "sawdown", 160),
        (0.41, 0.55, "herons", 10),
        (0.55, 0.57, "ladder", 260),
        (0.57, 0.61, "tangent", 60),
        (0.61, 0.63, "dots", 150),
        (0.63, 0.66, "zigzag", 90),
        (0.66, 0.68, "ladder", 260),
    ]

    def draw_fn(d, sz):
        strip_bands(d, sz[0], layout, sz[1], lw, seed)

    tex = relief_texture((Tw, Hb), seed + 3, pal, draw_fn, depth=max(2, unit * 0.2))
    cx = W / 2
    elev = 0.2
    top = Hh * 0.86 - Hb - elev * Rmax * 0.5
    bg = soft_shadow(
        bg,
        (cx - Rmax * 1.05, top + Hb - elev * Rmax * 0.8, cx + Rmax * 1.12, top + Hb + elev * Rmax * 1.3),
        blur=unit * 2.5,
        strength=0.9,
    )
    rgb, alpha = lathe(canvas_size, cx, top, radii, tex, elev=elev, spec=0.2, shininess=14)
    bg.paste(rgb, (0, 0), alpha)
    bg = draw_handles(bg, cx, top, radii, Hb, unit, 0.03, 0.12, reach=2.2, width=1.8)
    # lid: a short rim and a low cone seen from above, with four figure groups
    rim_h = int(2.2 * unit)
    rim_r = [31.9 * unit] * (rim_h + 1)
    rim_T = int(2 * math.pi * rim_r[0])
    rim_tex = relief_texture(
        (rim_T, rim_h),
        seed + 5,
        pal,
        lambda d, sz: strip_bands(d, sz[0], [(0.15, 0.85, "dots", 160)], sz[1], lw, seed),
        depth=2,
    )
    rim_top = top - rim_h + unit * 0.8
    rrgb, ralpha = lathe(canvas_size, cx, rim_top, rim_r, rim_tex, elev=elev, spec=0.2, shininess=14)
    bg.paste(rrgb, (0, 0), ralpha)
    lidR = 31.9 * unit
    lid_cfg = dict(
        rays=12,
        star=0.28,
        seed=seed + 9,
        pal=pal,
        bands=[
            (0.28, 0.33, "dots", 50),
            (0.33, 0.42, "tangent", 30),
            (0.42, 0.47, "ladder", 150),
            (0.47, 0.6, "herons", 10),
            (0.6, 0.65, "dots", 110),
            (0.65, 0.74, "tangent", 46),
            (0.74, 0.79, "saw", 130),
            (0.79, 0.84, "dots", 150),
            (0.84, 0.93, "tangent", 60),
            (0.93, 0.97, "ladder", 260),
        ],
    )
    D = int(2 * lidR)
    disc, dalpha = tympanum_layer((D, D), (lidR, lidR), lidR - 1, lid_cfg)

    def cone(rho):
        return 8.5 * unit * max(0.0, 1 - rho / lidR) ** 0.9

    statues = []
    for ang in (45, 135, 225, 315):
        a = math.radians(ang)
        rho = 0.54 * lidR
        statues.append((rho * math.cos(a), rho * math.sin(a)))
    bg, places = paste_low_cone(bg, disc, dalpha, cx, rim_top, lidR, cone, elev, statues)
    order = sorted(places, key=lambda p: p[1])
    # broken stump of the central figure group (the fifth, now lost)
    d = ImageDraw.Draw(bg)
    sx, sy = (cx, rim_top - cone(0) * math.cos(math.asin(elev)))
    d.ellipse((sx - unit * 2.0, sy - unit * 0.9, sx + unit * 2.0, sy + unit * 0.6), fill=(38, 50, 42))
    d.ellipse((sx - unit * 1.5, sy - unit * 0.8, sx + unit * 1.2, sy + unit * 0.1), fill=(92, 108, 88))
    for k, (x, y) in enumerate(order):
        draw_couple_statue(bg, x, y, unit * 5.2, seed + k)
    out = bg.resize(size, Image.Resampling.LANCZOS)
    return grain(out, seed + 11, strength=6)


# ---------------------------------------------------------------------------
# Chu Dau blue-and-white vase
# ---------------------------------------------------------------------------


class Brush:
    """Paints cobalt on two L layers: `wash` (pale fill) and `line` (outlines)."""

    def __init__(self, size, x_off=0):
        self.wash = Image.new("L", size, 0)
        self.line = Image.new("L", size, 0)
        self.dw = ImageDraw.Draw(self.wash)
        self.dl = ImageDraw.Draw(self.line)

    def result(self):
        return ImageChops.lighter(self.wash, self.line)


def _leaf_pts(base, tip, width, n=12, bend=0.0):
    bx, by = base
    tx, ty = tip
    L = math.hypot(tx - bx, ty - by) or 1
    ux, uy = (tx - bx) / L, (ty - by) / L
    nx, ny = -uy, ux
    left, right = [], []
    for i in range(n + 1):
        t = i / n
        w = width * math.sin(math.pi * t) ** 0.8 * (1 - 0.3 * t)
        c = bend * L * math.sin(math.pi * t) * 0.15
        px, py = bx + ux * L * t + nx * c, by + uy * L * t + ny * c
        left.append((px + nx * w, py + ny * w))
        right.append((px - nx * w, py - ny * w))
    return left + right[::-1]


def paint_leaf(br, base, tip, width, lw, bend=0.0, wash=120):
    pts = _leaf_pts(base, tip, width, bend=bend)
    br.dw.polygon(pts, fill=wash)
    br.dl.line(pts + [pts[0]], fill=255, width=lw, joint="curve")
    mid = _leaf_pts(base, tip, 0.001, bend=bend)[:13]
    br.dl.line(mid, fill=255, width=max(1, lw * 2 // 3), joint="curve")


def paint_peony(br, base, direction, s, lw, rng):
    """A peony in side view: a fan of petals opening from `base` towards `direction`."""
    bx, by = base
    dx, dy = math.cos(direction), math.sin(direction)
    for layer, (length, n, spread, wash) in enumerate(((1.0, 7, 1.2, 90), (0.8, 6, 0.95, 120), (0.58, 5, 0.75, 150))):
        for k in range(n):
            a = direction + spread * (k / (n - 1) - 0.5) * 2 + rng.uniform(-0.05, 0.05)
            tip = (bx + math.cos(a) * s * length, by + math.sin(a) * s * length)
            pts = _leaf_pts(base, tip, s * (0.2 - 0.03 * layer), n=14)
            br.dw.polygon(pts, fill=wash)
            br.dl.line(pts[2:-2], fill=255, width=lw, joint="curve")
    cxx, cyy = bx + dx * s * 0.22, by + dy * s * 0.22
    r = s * 0.3
    br.dw.ellipse((cxx - r, cyy - r, cxx + r, cyy + r), fill=175)
    br.dl.ellipse((cxx - r, cyy - r, cxx + r, cyy + r), outline=255, width=lw)
    for k in range(5):
        a = direction + (k - 2) * 0.45
        br.dl.line(
            [(cxx, cyy), (cxx + math.cos(a) * r * 0.8, cyy + math.sin(a) * r * 0.8)], fill=255, width=max(1, lw // 2)
        )
    for side in (-1, 1):
        a = direction + math.pi + side * 1.1
        paint_leaf(br, base, (bx + math.cos(a) * s * 0.45, by + math.sin(a) * s * 0.45), s * 0.09, lw, wash=140)


def paint_scroll_band(br, W, y0, y1, n_flowers, lw, rng):
    """Main band: a continuous scrolling stem with peonies and leaves."""
    h = y1 - y0
    mid = (y0 + y1) / 2
    amp = h * 0.16
    pts = []
    for i in range(0, 401):
        x = W * i / 400
        pts.append((x, mid + amp * math.sin(2 * math.pi * n_flowers * i / 400)))
    br.dl.line(pts, fill=255, width=lw + 2, joint="curve")
    s = h * 0.4
    for k in range(n_flowers):
        for up in (True, False):
            # crest (stem highest) at 3/4 of a period, trough at 1/4
            x = W * (k + (0.75 if up else 0.25)) / n_flowers
            yc = mid - amp if up else mid + amp
            # leaves along the stem on both sides of the flower
            for j in range(6):
                side = -1 if j % 2 else 1
                dist = s * (0.45 + 0.32 * (j // 2))
                bx = x + side * dist
                by = mid + amp * math.sin(2 * math.pi * n_flowers * bx / W)
                ang = (0.0 if side > 0 else math.pi) + side * rng.uniform(-0.2, 0.4) * (-1 if up else 1)
                vy = (1 if up else -1) * rng.uniform(0.15, 0.7)
                tip = (bx + math.cos(ang) * s * 0.8, by + vy * s)
                paint_leaf(br, (bx, by), tip, s * 0.17, max(1, lw - 1), bend=rng.uniform(-1.5, 1.5))
            paint_peony(br, (x, yc), -math.pi / 2 if up else math.pi / 2, s, lw, rng)
            for side in (-1, 1):
                tx = x + side * s * 1.7
                ty = mid + amp * math.sin(2 * math.pi * n_flowers * tx / W) + (s * 0.25 if up else -s * 0.25)
                spiral = [
                    (tx + math.cos(t) * s * 0.16 * (1 - t / 9), ty + math.sin(t) * s * 0.16 * (1 - t / 9))
                    for t in [i * 0.3 for i in range(30)]
                ]
                br.dl.line(spiral, fill=255, width=max(1, lw - 1), joint="curve")


def paint_plantain(br, W, y0, y1, n, lw):
    for k in range(n):
        cx = W * (k + 0.5) / n
        w = W / n * 0.42
        pts = [(cx - w, y1)] + [(cx - w * (1 - t) ** 1.3, y1 - (y1 - y0) * t) for t in [i / 12 for i in range(1, 13)]]
        pts += [(cx + w * (1 - t) ** 1.3, y1 - (y1 - y0) * t) for t in [i / 12 for i in range(12, 0, -1)]]
        pts += [(cx + w, y1)]
        br.dw.polygon(pts, fill=105)
        br.dl.line(pts, fill=255, width=lw, joint="curve")
        br.dl.line([(cx, y1), (cx, y0 + (y1 - y0) * 0.06)], fill=255, width=lw)
        for j in range(1, 8):
            yy = y1 - (y1 - y0) * j / 9
            ww = w * (1 - j / 9) ** 1.3 * 0.85
            br.dl.line([(cx, yy), (cx - ww, yy + (y1 - y0) * 0.05)], fill=255, width=max(1, lw // 2))
            br.dl.line([(cx, yy), (cx + ww, yy + (y1 - y0) * 0.05)], fill=255, width=max(1, lw // 2))


def paint_lappets(br, W, y0, y1, n, lw):
    """Hanging cloud-collar (nhu y) lappets on the shoulder."""
    h = y1 - y0
    for k in range(n):
        cx = W * (k + 0.5) / n
        w = W / n * 0.46
        pts = bezier(
            (cx - w, y0), (cx - w, y0 + h * 0.55), (cx - w * 0.35, y0 + h * 0.6), (cx - w * 0.2, y0 + h * 0.72), 10
        )
        pts += bezier((cx - w * 0.2, y0 + h * 0.72), (cx - w * 0.3, y0 + h * 0.95), (cx, y0 + h * 1.0), (cx, y0 + h), 8)
        right = [(2 * cx - x, y) for x, y in pts[::-1]]
        shape = pts + right
        br.dw.polygon(shape, fill=95)
        br.dl.line(shape, fill=255, width=lw, joint="curve")
        inner = [(cx + (x - cx) * 0.7, y0 + (y - y0) * 0.72) for x, y in shape]
        br.dl.line(inner, fill=255, width=max(1, lw // 2), joint="curve")
        # a small flower inside
        fy = y0 + h * 0.36
        for a in range(5):
            t = 2 * math.pi * a / 5
            px, py = cx + math.cos(t) * w * 0.16, fy + math.sin(t) * w * 0.16
            br.dl.ellipse((px - w * 0.1, py - w * 0.1, px + w * 0.1, py + w * 0.1), outline=255, width=max(1, lw // 2))
        br.dl.ellipse((cx - w * 0.06, fy - w * 0.06, cx + w * 0.06, fy + w * 0.06), fill=255)


def paint_lotus_panels(br, W, y0, y1, n, lw):
    h = y1 - y0
    for k in range(n):
        x0 = W * k / n + W / n * 0.06
        x1 = W * (k + 1) / n - W / n * 0.06
        xm = (x0 + x1) / 2
        outline = [(x0, y1), (x0, y0 + h * 0.35)] + bezier(
            (x0, y0 + h * 0.35), (x0, y0 + h * 0.02), (xm - (x1 - x0) * 0.1, y0), (xm, y0 - h * 0.08), 10
        )
        outline += [(2 * xm - x, y) for x, y in outline[::-1]]
        br.dl.line(outline, fill=255, width=lw, joint="curve")
        inner = [(xm + (x - xm) * 0.7, y0 + h * 0.12 + (y - y0) * 0.82) for x, y in outline]
        br.dw.polygon(inner, fill=95)
        br.dl.line(inner, fill=255, width=max(1, lw // 2), joint="curve")
        sc = [
            (xm + math.cos(t) * (x1 - x0) * 0.12 * (1 - t / 12), y0 + h * 0.5 + math.sin(t) * h * 0.12 * (1 - t / 12))
            for t in [i * 0.35 for i in range(30)]
        ]
        br.dl.line(sc, fill=255, width=max(1, lw // 2), joint="curve")
        br.dl.line([(xm, y0 + h * 0.62), (xm, y1 - h * 0.08)], fill=255, width=max(1, lw // 2))


def paint_wave_scroll(br, W, y0, y1, n, lw):
    h = y1 - y0
    for k in range(n):
        x = W * k / n
        w = W / n
        pts = bezier((x, y1 - h * 0.2), (x + w * 0.3, y0), (x + w * 0.7, y0), (x + w * 0.7, y0 + h * 0.5), 10)
        pts += [
            (x + w * 0.7 - math.sin(t) * w * 0.15 * (1 - t / 7), y0 + h * 0.5 + (1 - math.cos(t)) * h * 0.12)
            for t in [i * 0.4 for i in range(1, 16)]
        ]
        br.dl.line(pts, fill=255, width=max(1, lw - 1), joint="curve")


def vase_texture(Tw, H, radii, seed):
    """Unrolled glaze with cobalt decoration for the Chu Dau vase."""
    rng = random.Random(seed)
    Rmax = max(radii)
    intensity = Image.new("L", (Tw, H), 0)
    lw = max(2, int(H * 0.003))

    def band(y0f, y1f, painter):
        y0, y1 = int(y0f * H), int(y1f * H)
        r = radii[(y0 + y1) // 2]
        bw = max(16, int(Tw * r / Rmax))
        br = Brush((bw, y1 - y0 + 4))
        painter(br, bw, 2, y1 - y0 + 2)
        layer = br.result().resize((Tw, y1 - y0 + 4), Image.Resampling.LANCZOS)
        intensity.paste(ImageChops.lighter(intensity.crop((0, y0 - 2, Tw, y1 + 2)), layer), (0, y0 - 2))

    def lines(*yfs, w=1.0):
        d = ImageDraw.Draw(intensity)
        for yf in yfs:
            y = int(yf * H)
            d.line((0, y, Tw, y), fill=235, width=max(2, int(lw * w)))

    lines(0.006, 0.028, w=1.2)
    band(0.008, 0.026, lambda br, W, a, b: paint_wave_scroll(br, W, a, b, 12, lw))
    band(0.045, 0.255, lambda br, W, a, b: paint_plantain(br, W, a, b, 8, lw))
    lines(0.265, 0.272, 0.305, 0.312)
    band(0.274, 0.303, lambda br, W, a, b: paint_wave_scroll(br, W, a, b, 14, lw))
    band(0.325, 0.44, lambda br, W, a, b: paint_lappets(br, W, a, b, 6, lw))
    lines(0.452, 0.46, 0.79, 0.798)
    band(0.47, 0.78, lambda br, W, a, b: paint_scroll_band(br, W, a, b, 2, lw + 1, rng))
    band(0.812, 0.915, lambda br, W, a, b: paint_lotus_panels(br, W, a, b, 12, lw))
    lines(0.93, 0.938, 0.95)
    # ink: a touch of bleeding and uneven density
    intensity = intensity.filter(ImageFilter.GaussianBlur(1.1))
    dens = fractal_noise((Tw, H), seed + 1, base_cell=max(8, H // 40), octaves=4)
    dens = dens.point(lambda v: 170 + v * 85 // 255)
    intensity = ImageChops.multiply(intensity, dens)
    glaze_n = fractal_noise((Tw, H), seed + 2, base_cell=max(8, H // 10), octaves=4)
    glaze = ImageOps.colorize(glaze_n, black=(214, 212, 196), white=(238, 236, 224))
    cobalt = ImageOps.colorize(
        fractal_noise((Tw, H), seed + 3, base_cell=max(8, H // 60), octaves=3), black=(24, 38, 88), white=(58, 78, 128)
    )
    img = Image.composite(cobalt, glaze, intensity)
    # unglazed foot with a brownish wash
    foot_y = int(0.958 * H)
    foot = ImageOps.colorize(
        fractal_noise((Tw, H - foot_y), seed + 4, base_cell=16, octaves=3), black=(132, 112, 92), white=(178, 156, 130)
    )
    img.paste(foot, (0, foot_y))
    return img


def render_vase(canvas, cx, base_y, height, seed=404, elev=0.12):
    """Draw the vase standing on base_y onto canvas (RGB, modified copy returned)."""
    H = int(height)
    prof = [
        (0.0, 0.094),
        (0.018, 0.086),
        (0.06, 0.062),
        (0.15, 0.05),
        (0.27, 0.06),
        (0.38, 0.105),
        (0.5, 0.18),
        (0.62, 0.228),
        (0.72, 0.243),
        (0.82, 0.226),
        (0.9, 0.175),
        (0.945, 0.14),
        (0.958, 0.128),
        (0.975, 0.13),
        (1.0, 0.127),
    ]
    radii = spline_profile([(y, r * H) for y, r in prof], H)
    Rmax = max(radii)
    Tw = int(2 * math.pi * Rmax)
    tex = vase_texture(Tw, H, radii, seed)
    top = base_y - H - elev * radii[-1]
    canvas = soft_shadow(
        canvas,
        (cx - radii[-1] * 1.5, base_y - radii[-1] * elev * 1.2, cx + radii[-1] * 1.9, base_y + radii[-1] * elev * 1.6),
        blur=H * 0.012,
        strength=0.55,
    )
    canvas = soft_shadow(
        canvas,
        (cx - Rmax * 0.9, base_y - Rmax * 0.3, cx + Rmax * 1.6, base_y + Rmax * 0.35),
        blur=H * 0.04,
        strength=0.25,
    )
    rgb, alpha = lathe(
        canvas.size,
        cx,
        top,
        radii,
        tex,
        elev=elev,
        light=(-0.6, 0.45, 0.66),
        ambient=0.42,
        diffuse=0.7,
        spec=0.5,
        shininess=90,
        spec_colour=(255, 255, 250),
    )
    canvas.paste(rgb, (0, 0), alpha)
    # the mouth: rim and dark inside
    r0 = radii[0]
    d = ImageDraw.Draw(canvas)
    d.ellipse((cx - r0, top - r0 * elev, cx + r0, top + r0 * elev), fill=(196, 194, 182))
    ri = r0 * 0.8
    d.ellipse((cx - ri, top - ri * elev, cx + ri, top + ri * elev), fill=(62, 60, 56))
    d.ellipse((cx - ri, top - ri * elev + ri * elev * 0.5, cx + ri, top + ri * elev), fill=(38, 36, 34))
    d.arc(
        (cx - r0, top - r0 * elev, cx + r0, top + r0 * elev),
        start=180,
        end=360,
        fill=(40, 56, 104),
        width=max(2, int(H * 0.004)),
    )
    return canvas


def make_vase(size=(1200, 1600), seed=404):
    W, Hh = size[0] * SS, size[1] * SS
    bg = vertical_gradient((W, Hh), (206, 202, 194), (168, 162, 152))
    bg = Image.composite(
        bg,
        multiply_light(bg, solid((W, Hh), 200).convert("L")),
        radial_mask((W, Hh), (W * 0.45, Hh * 0.4), Hh * 0.8).point(lambda v: 255 - v // 2),
    )
    floor_y = int(Hh * 0.8)
    floor = vertical_gradient((W, Hh - floor_y), (180, 174, 164), (148, 142, 132))
    bg.paste(floor, (0, floor_y))
    bg = grain(bg, seed + 1, 4)
    out = render_vase(bg, W / 2, Hh * 0.9, Hh * 0.8, seed)
    out = out.resize(size, Image.Resampling.LANCZOS)
    return grain(out, seed + 11, strength=4)


# ---------------------------------------------------------------------------
# Nguyen dynasty royal decree (sac phong) on yellow paper
# ---------------------------------------------------------------------------


def tapered_stroke(draw, centre, widths, fill):
    """Polygon around a centre line whose half-width follows `widths` (callable t->w)."""
    n = len(centre)
    left, right = [], []
    for i, (x, y) in enumerate(centre):
        a = centre[max(0, i - 1)]
        b = centre[min(n - 1, i + 1)]
        dx, dy = b[0] - a[0], b[1] - a[1]
        L = math.hypot(dx, dy) or 1
        nx, ny = -dy / L, dx / L
        w = widths(i / (n - 1))
        left.append((x + nx * w, y + ny * w))
        right.append((x - nx * w, y - ny * w))
    draw.polygon(left + right[::-1], fill=fill)
    w0 = widths(0.0)
    x, y = centre[0]
    draw.ellipse((x - w0 * 1.1, y - w0 * 1.1, x + w0 * 1.1, y + w0 * 1.1), fill=fill)


def brush_character(draw, x, y, c, rng, fill=255):
    """A calligraphy-like glyph (not a real character) in the c x c cell at (x, y)."""
    w = c * 0.055

    def H(x0, x1, yy):
        pts = bezier(
            (x0, yy),
            (x0 + (x1 - x0) * 0.3, yy - c * 0.02),
            (x0 + (x1 - x0) * 0.7, yy - c * 0.03),
            (x1, yy - c * 0.01),
            10,
        )
        tapered_stroke(
            draw, pts, lambda t: w * (1.0 - 0.35 * math.sin(math.pi * t) + 0.25 * max(0, t - 0.85) * 6), fill
        )

    def V(xx, y0, y1, hook=False):
        pts = bezier(
            (xx, y0), (xx + c * 0.01, y0 + (y1 - y0) * 0.3), (xx - c * 0.005, y0 + (y1 - y0) * 0.7), (xx, y1), 10
        )
        if hook:
            pts += [(xx - c * 0.04, y1 - c * 0.03), (xx - c * 0.08, y1 - c * 0.05)]
        tapered_stroke(draw, pts, lambda t: w * (1.1 - 0.3 * t), fill)

    def dot(xx, yy):
        pts = bezier(
            (xx, yy), (xx + c * 0.02, yy + c * 0.01), (xx + c * 0.04, yy + c * 0.04), (xx + c * 0.05, yy + c * 0.07), 6
        )
        tapered_stroke(draw, pts, lambda t: w * (0.6 + 0.8 * math.sin(math.pi * t)), fill)

    def left_fall(xx, y0, y1):
        pts = bezier((xx, y0), (xx, y0 + (y1 - y0) * 0.4), (xx - c * 0.08, y1 - c * 0.05), (xx - c * 0.2, y1), 10)
        tapered_stroke(draw, pts, lambda t: w * (1.0 - 0.85 * t), fill)

    def right_fall(xx, y0, y1):
        pts = bezier(
            (xx, y0), (xx + c * 0.06, y0 + (y1 - y0) * 0.5), (xx + c * 0.14, y1 - c * 0.02), (xx + c * 0.26, y1), 10
        )
        tapered_stroke(draw, pts, lambda t: w * (0.4 + 1.0 * math.sin(math.pi * min(1, t * 1.2))), fill)

    def component(x0, y0, x1, y1, depth=0):
        cw, ch = x1 - x0, y1 - y0
        kind = rng.random()
        if depth == 0 and kind < 0.35 and cw > c * 0.6:
            split = x0 + cw * rng.choice((0.35, 0.42, 0.5))
            component(x0, y0, split - c * 0.03, y1, 1)
            component(split + c * 0.03, y0, x1, y1, 1)
            return
        if depth == 0 and kind < 0.55 and ch > c * 0.6:
            split = y0 + ch * rng.choice((0.38, 0.45, 0.55))
            component(x0, y0, x1, split - c * 0.03, 1)
            component(x0, split + c * 0.03, x1, y1, 1)
            return
        if kind < 0.66 and rng.random() < 0.3 and min(cw, ch) > c * 0.3:  # a box with strokes inside
            V(x0 + cw * 0.1, y0 + ch * 0.1, y1 - ch * 0.05)
            H(x0 + cw * 0.1, x1 - cw * 0.1, y0 + ch * 0.12)
            V(x1 - cw * 0.12, y0 + ch * 0.12, y1 - ch * 0.05, hook=rng.random() < 0.5)
            H(x0 + cw * 0.15, x1 - cw * 0.15, y1 - ch * 0.1)
            if rng.random() < 0.7:
                H(x0 + cw * 0.2, x1 - cw * 0.2, (y0 + y1) / 2)
            return
        nh = rng.choice((1, 1, 2, 2, 3))
        lower = 0.55 if rng.random() < 0.45 else 0.85  # leave room for falling strokes
        for i in range(nh):
            yy = y0 + ch * (0.12 + lower * (i + 0.5) / nh) + rng.uniform(-0.04, 0.04) * ch
            H(x0 + cw * rng.uniform(0.05, 0.25), x1 - cw * rng.uniform(0.05, 0.25), yy)
        if rng.random() < 0.75:
            vx = x0 + cw * rng.uniform(0.35, 0.65)
            V(vx, y0 + ch * rng.uniform(0.0, 0.15), y1 - ch * rng.uniform(0.0, 0.3), hook=rng.random() < 0.4)
        r = rng.random()
        if r < 0.4 or lower < 0.6:
            left_fall(x0 + cw * 0.5, y0 + ch * 0.5, y1)
            right_fall(x0 + cw * 0.5, y0 + ch * 0.55, y1)
        if r > 0.55:
            dot(x0 + cw * rng.uniform(0.35, 0.55), y0 - ch * 0.02)
        if 0.3 < r < 0.5:
            dot(x0 + cw * 0.1, y0 + ch * 0.25)
            dot(x0 + cw * 0.08, y0 + ch * 0.55)
            left_fall(x0 + cw * 0.14, y0 + ch * 0.8, y1 + ch * 0.05)

    m = c * 0.08
    component(x + m, y + m, x + c - m, y + c - m)


def seal_glyphs(draw, x0, y0, size, rng, fill):
    """Seal-script-like maze lines: 2 x 2 glyphs in a square seal face."""
    cell = size / 2
    for gx in range(2):
        for gy in range(2):
            cx0 = x0 + gx * cell + cell * 0.1
            cy0 = y0 + gy * cell + cell * 0.1
            g = cell * 0.8 / 6
            w = max(2, int(g * 0.45))
            for _ in range(9):
                if rng.random() < 0.5:
                    yy = cy0 + g * rng.randint(0, 6)
                    a, b = sorted(rng.sample(range(0, 7), 2))
                    draw.line((cx0 + a * g, yy, cx0 + b * g, yy), fill=fill, width=w)
                else:
                    xx = cx0 + g * rng.randint(0, 6)
                    a, b = sorted(rng.sample(range(0, 7), 2))
                    draw.line((xx, cy0 + a * g, xx, cy0 + b * g), fill=fill, width=w)


def dragon_path_mask(size, path, width, seed, head_scale=1.0):
    """A flat stylised dragon following `path` (list of points, head first)."""
    rng = random.Random(seed)
    m = Image.new("L", size, 0)
    d = ImageDraw.Draw(m)
    n = len(path)
    # body: scaled circles with scale arcs
    for i in range(n - 1, -1, -1):
        t = i / (n - 1)
        r = width * (0.55 + 0.45 * math.sin(math.pi * min(1, t * 1.3 + 0.15))) * (1 - 0.65 * t**2)
        x, y = path[i]
        d.ellipse((x - r, y - r, x + r, y + r), fill=255)
        if i % 3 == 0:
            d.arc(
                (x - r * 0.8, y - r * 0.8, x + r * 0.8, y + r * 0.8),
                start=200,
                end=340,
                fill=70,
                width=max(2, int(width * 0.08)),
            )
    # dorsal fins
    for i in range(4, n - 4, 5):
        (x0, y0), (x1, y1) = path[i - 1], path[i + 1]
        dx, dy = x1 - x0, y1 - y0
        L = math.hypot(dx, dy) or 1
        nx, ny = dy / L, -dx / L
        t = i / (n - 1)
        r = width * (1 - 0.6 * t)
        x, y = path[i]
        d.polygon(
            [
                (x + nx * r * 0.7 - dx / L * r * 0.3, y + ny * r * 0.7 - dy / L * r * 0.3),
                (x + nx * r * 1.45 + dx / L * r * 0.2, y + ny * r * 1.45 + dy / L * r * 0.2),
                (x + nx * r * 0.7 + dx / L * r * 0.5, y + ny * r * 0.7 + dy / L * r * 0.5),
            ],
            fill=255,
        )
    # legs with three-clawed feet
    for frac in (0.18, 0.3, 0.55, 0.68):
        i = int(frac * (n - 1))
        x, y = path[i]
        (x0, y0), (x1, y1) = path[i - 1], path[i + 1]
        dx, dy = x1 - x0, y1 - y0
        L = math.hypot(dx, dy) or 1
        nx, ny = -dy / L, dx / L
        side = 1 if rng.random() < 0.5 else -1
        kx, ky = x + nx * side * width * 1.3 - dx / L * width * 0.4, y + ny * side * width * 1.3 - dy / L * width * 0.4
        fx = kx + dx / L * width * 0.6 + nx * side * width * 0.5
        fy = ky + dy / L * width * 0.6 + ny * side * width * 0.5
        d.line([(x, y), (kx, ky), (fx, fy)], fill=200, width=int(width * 0.35), joint="curve")
        for k in range(3):
            a = math.atan2(fy - ky, fx - kx) + (k - 1) * 0.7
            d.line(
                [(fx, fy), (fx + math.cos(a) * width * 0.45, fy + math.sin(a) * width * 0.45)],
                fill=255,
                width=max(2, int(width * 0.1)),
            )
    # head
    hx, hy = path[0]
    (ax, ay) = path[2]
    ang = math.atan2(hy - ay, hx - ax)
    s = width * 1.5 * head_scale
    ca, sa = math.cos(ang), math.sin(ang)

    def T(u, v):
        return (hx + u * s * ca - v * s * sa, hy + u * s * sa + v * s * ca)

    d.polygon(
        [
            T(-0.4, -0.5),
            T(0.3, -0.55),
            T(0.95, -0.3),
            T(1.0, -0.05),
            T(0.5, 0.0),
            T(0.95, 0.25),
            T(0.8, 0.4),
            T(0.2, 0.45),
            T(-0.4, 0.5),
        ],
        fill=200,
    )
    d.ellipse(
        [
            T(0.15, -0.4)[0] - s * 0.12,
            T(0.15, -0.4)[1] - s * 0.12,
            T(0.15, -0.4)[0] + s * 0.12,
            T(0.15, -0.4)[1] + s * 0.12,
        ],
        fill=255,
    )
    for hv in (-0.5, -0.35):
        d.line(
            [T(-0.1, hv), T(-0.6, hv - 0.5), T(-0.95, hv - 0.55)], fill=255, width=max(2, int(s * 0.08)), joint="curve"
        )
    for wv in (-0.1, 0.3):
        d.line(
            [T(0.9, wv), T(1.3, wv + 0.3), T(1.5, wv + 0.1), T(1.7, wv + 0.4)],
            fill=255,
            width=max(2, int(s * 0.04)),
            joint="curve",
        )
    for k in range(5):  # mane
        d.polygon([T(-0.3, -0.4 + k * 0.2), T(-1.0, -0.6 + k * 0.3), T(-0.5, -0.3 + k * 0.2)], fill=220)
    return m


def cloud_motif(draw, x, y, s, fill, width):
    """A 'cloud' scroll: three curls on a tail."""
    for dx, dy, r in ((0, 0, 1.0), (0.9, -0.35, 0.8), (1.7, 0.05, 0.65)):
        cx, cy, rr = x + dx * s, y + dy * s, r * s * 0.5
        pts = [
            (cx + math.cos(t) * rr * (1 - t / 12), cy + math.sin(t) * rr * (1 - t / 12))
            for t in [i * 0.3 for i in range(0, 32)]
        ]
        draw.line(pts, fill=fill, width=width, joint="curve")
    draw.line(
        bezier(
            (x - s * 0.4, y + s * 0.45),
            (x + s * 0.5, y + s * 0.7),
            (x + s * 1.4, y + s * 0.5),
            (x + s * 2.4, y + s * 0.6),
            16,
        ),
        fill=fill,
        width=width,
        joint="curve",
    )


def make_decree(size=(2400, 1500), seed=505):
    W, H = size[0] * SS, size[1] * SS
    rng = random.Random(seed)
    # dark lacquered wood
    grain_n = value_noise((W // 32, H), 6, seed).resize((W, H), Image.Resampling.BICUBIC)
    grain_n = Image.blend(grain_n, fractal_noise((W, H), seed + 1, base_cell=W // 6, octaves=3), 0.4)
    grain_n = grain_n.filter(ImageFilter.GaussianBlur(2))
    bg = ImageOps.colorize(grain_n, black=(34, 18, 12), mid=(70, 36, 22), white=(104, 58, 34))
    bg = multiply_light(bg, radial_mask((W, H), (W * 0.45, H * 0.42), W * 0.8).point(lambda v: 255 - v * 2 // 5))
    # the sheet
    px0, py0, px1, py1 = int(W * 0.05), int(H * 0.08), int(W * 0.95), int(H * 0.93)
    pw, ph = px1 - px0, py1 - py0
    bg = soft_shadow(
        bg,
        (px0 + W * 0.006, py0 + H * 0.012, px1 + W * 0.01, py1 + H * 0.018),
        blur=W * 0.008,
        strength=0.8,
        ellipse=False,
    )
    paper = ImageOps.colorize(
        fractal_noise((pw, ph), seed + 2, base_cell=pw // 8, octaves=4),
        black=(208, 160, 70),
        mid=(228, 186, 92),
        white=(240, 204, 118),
    )
    # fibres
    fib = Image.new("L", (pw, ph), 0)
    fd = ImageDraw.Draw(fib)
    for _ in range(3000):
        x, y = rng.uniform(0, pw), rng.uniform(0, ph)
        a = rng.uniform(0, math.pi)
        L = rng.uniform(6, 30)
        fd.line((x, y, x + math.cos(a) * L, y + math.sin(a) * L), fill=rng.randint(60, 140), width=1)
    fib = fib.filter(ImageFilter.GaussianBlur(1.2))
    paper = Image.composite(ImageChops.screen(paper, solid(paper.size, (40, 34, 20))), paper, fib)
    # printed gold decoration: big dragons and clouds
    gold = Image.new("L", (pw, ph), 0)
    gd = ImageDraw.Draw(gold)
    for _ in range(26):
        cloud_motif(
            gd,
            rng.uniform(0.05, 0.9) * pw,
            rng.uniform(0.1, 0.9) * ph,
            ph * rng.uniform(0.035, 0.05),
            200,
            max(2, int(ph * 0.004)),
        )
    path = []
    for i in range(120):
        t = i / 119
        path.append((pw * (0.78 - 0.58 * t), ph * (0.5 + 0.2 * math.sin(t * 2.4 * math.pi + 0.4))))
    gold = ImageChops.lighter(gold, dragon_path_mask((pw, ph), path, ph * 0.05, seed + 3, head_scale=1.3))
    # a flaming pearl
    gd.ellipse((pw * 0.86, ph * 0.28, pw * 0.9, ph * 0.28 + pw * 0.04), outline=220, width=max(2, int(ph * 0.005)))
    gold = gold.filter(ImageFilter.GaussianBlur(1.5))
    goldc = ImageOps.colorize(
        fractal_noise((pw, ph), seed + 4, base_cell=40, octaves=3), black=(238, 200, 112), white=(255, 238, 178)
    )
    edge_g = ImageChops.subtract(gold.filter(ImageFilter.MaxFilter(7)), gold)
    paper = Image.composite(solid(paper.size, (170, 112, 38)), paper, scale_mask(edge_g, 0.55))
    paper = Image.composite(goldc, paper, scale_mask(gold, 0.7))
    # border: double frame with a band of small clouds
    bd = ImageDraw.Draw(paper)
    m1, m2 = int(ph * 0.035), int(ph * 0.075)
    bcol = (150, 92, 30)
    bd.rectangle((m1, m1, pw - m1, ph - m1), outline=bcol, width=max(3, int(ph * 0.005)))
    bd.rectangle((m2, m2, pw - m2, ph - m2), outline=bcol, width=max(2, int(ph * 0.003)))
    bm = Image.new("L", (pw, ph), 0)
    bmd = ImageDraw.Draw(bm)
    step = (m2 - m1) * 1.9
    x = m1 + step * 0.3
    while x < pw - m1 - step:
        cloud_motif(bmd, x, m1 + (m2 - m1) * 0.45, (m2 - m1) * 0.32, 255, max(2, int(ph * 0.003)))
        cloud_motif(bmd, x, ph - m2 + (m2 - m1) * 0.45, (m2 - m1) * 0.32, 255, max(2, int(ph * 0.003)))
        x += step
    y = m2 + step * 0.1
    while y < ph - m2 - step * 0.5:
        cloud_motif(bmd, m1 + (m2 - m1) * 0.1, y, (m2 - m1) * 0.28, 255, max(2, int(ph * 0.003)))
        cloud_motif(bmd, pw - m2 + (m2 - m1) * 0.1, y, (m2 - m1) * 0.28, 255, max(2, int(ph * 0.003)))
        y += step * 0.8
    paper = Image.composite(solid(paper.size, bcol), paper, scale_mask(bm.filter(ImageFilter.GaussianBlur(1)), 0.75))
    # text: columns read from right to left
    ink = Image.new("L", (pw, ph), 0)
    idr = ImageDraw.Draw(ink)
    c = ph * 0.066
    col_gap = c * 1.45
    x = pw - m2 - c * 1.6
    # the first, large character
    brush_character(idr, x - c * 0.45, m2 + c * 0.5, c * 1.7, rng)
    x -= col_gap * 1.9
    lines = [12, 12, 11, 12, 9, 12, 11, 5]
    for k, n in enumerate(lines):
        y = m2 + c * (0.5 if k not in (2, 6) else 1.6)  # raised/indented lines as in real decrees
        for _ in range(n):
            if y + c > ph - m2 - c * 0.3:
                break
            brush_character(idr, x, y, c, rng)
            y += c * 1.04
        x -= col_gap
    # date line, larger and spaced
    x -= col_gap * 0.4
    date_x = x
    y = m2 + c * 0.8
    for _ in range(7):
        brush_character(idr, x - c * 0.1, y, c * 1.2, rng)
        y += c * 1.55
    ink = ink.filter(ImageFilter.GaussianBlur(1.0))
    dens = fractal_noise((pw, ph), seed + 6, base_cell=24, octaves=3).point(lambda v: 190 + v * 65 // 255)
    ink = ImageChops.multiply(ink, dens)
    paper = Image.composite(solid(paper.size, (30, 22, 16)), paper, ink)
    # red seal over the date
    ss = int(ph * 0.3)
    sx, sy = int(date_x - ss * 0.3), int(m2 + ph * 0.22)
    seal = Image.new("L", (pw, ph), 0)
    sd = ImageDraw.Draw(seal)
    sd.rectangle((sx, sy, sx + ss, sy + ss), fill=255)
    sd.rectangle(
        (sx + ss * 0.04, sy + ss * 0.04, sx + ss * 0.96, sy + ss * 0.96), outline=0, width=max(2, int(ss * 0.02))
    )
    seal_glyphs(sd, sx + ss * 0.08, sy + ss * 0.08, ss * 0.84, random.Random(seed + 7), 0)
    seal = seal.rotate(1.5, center=(sx + ss / 2, sy + ss / 2), resample=Image.Resampling.BICUBIC)
    blot = fractal_noise((pw, ph), seed + 8, base_cell=18, octaves=4)
    blot = blot.point(lambda v: 0 if v < 40 else min(255, 150 + v))
    seal = ImageChops.multiply(seal, blot).filter(ImageFilter.GaussianBlur(0.8))
    red = ImageChops.multiply(paper, solid(paper.size, (200, 40, 34)))
    paper = Image.composite(red, paper, scale_mask(seal, 0.92))
    # folds (the sheet is kept folded like a screen) and ageing
    fold = Image.new("L", (pw, ph), 255)
    fdd = ImageDraw.Draw(fold)
    for k in range(1, 6):
        fx = pw * k / 6
        fdd.line((fx - 2, 0, fx - 2, ph), fill=200, width=3)
        fdd.line((fx + 2, 0, fx + 2, ph), fill=255, width=2)
    fold = fold.filter(ImageFilter.GaussianBlur(3))
    paper = multiply_light(paper, fold)
    age = radial_mask((pw, ph), (pw / 2, ph / 2), math.hypot(pw, ph) * 0.55).point(
        lambda v: 255 if v < 170 else int(255 - (v - 170) * 1.3)
    )
    paper = multiply_light(paper, age)
    stains = fractal_noise((pw, ph), seed + 9, base_cell=pw // 10, octaves=4).point(
        lambda v: 0 if v < 200 else (v - 200) * 3
    )
    paper = Image.composite(
        ImageChops.multiply(paper, solid(paper.size, (210, 170, 120))),
        paper,
        stains.filter(ImageFilter.GaussianBlur(6)),
    )
    # slightly ragged edges
    pm = Image.new("L", (pw, ph), 0)
    pmd = ImageDraw.Draw(pm)
    edge = []
    for i in range(200):
        edge.append((pw * i / 199, rng.uniform(0, 3)))
    for i in range(120):
        edge.append((pw - rng.uniform(0, 3), ph * i / 119))
    for i in range(200):
        edge.append((pw * (1 - i / 199), ph - rng.uniform(0, 3)))
    for i in range(120):
        edge.append((rng.uniform(0, 3), ph * (1 - i / 119)))
    pmd.polygon(edge, fill=255)
    bg.paste(paper, (px0, py0), pm)
    bg = multiply_light(bg, radial_mask((W, H), (W * 0.42, H * 0.35), W * 0.9).point(lambda v: 255 - v // 6))
    # a touch of softening before the shrink keeps the file small (many fine strokes)
    return bg.filter(ImageFilter.GaussianBlur(0.8)).resize(size, Image.Resampling.LANCZOS)


# ---------------------------------------------------------------------------
# golden seal with a coiled-dragon knob (3/4 view, simple 3D)
# ---------------------------------------------------------------------------


class View3D:
    def __init__(self, cx, cy, scale, yaw_deg=34, pitch_deg=24):
        self.cx, self.cy, self.S = cx, cy, scale
        self.cy_, self.sy_ = math.cos(math.radians(yaw_deg)), math.sin(math.radians(yaw_deg))
        self.cp, self.sp = math.cos(math.radians(pitch_deg)), math.sin(math.radians(pitch_deg))

    def rot(self, p):
        x, y, z = p
        x1 = x * self.cy_ + z * self.sy_
        z1 = -x * self.sy_ + z * self.cy_
        return x1, y, z1

    def project(self, p):
        x1, y1, z1 = self.rot(p)
        return (self.cx + self.S * x1, self.cy + self.S * (-y1 * self.cp + z1 * self.sp), z1 * self.cp + y1 * self.sp)

    def facing(self, n):
        x1, y1, z1 = self.rot(n)
        return z1 * self.cp + y1 * self.sp


GOLD_DARK, GOLD_MID, GOLD_LIGHT = (92, 56, 14), (206, 150, 48), (255, 236, 160)


def gold_sphere_sprite(size=256, light=(-0.5, 0.7, 0.55)):
    """RGBA sprite of a polished gold ball (screen-space shading)."""
    lx, ly, lz = _norm(light)
    hx, hy, hz = _norm((lx, ly, lz + 1))
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    px = img.load()
    r = size / 2
    for j in range(size):
        for i in range(size):
            x = (i + 0.5 - r) / r
            y = -(j + 0.5 - r) / r
            d2 = x * x + y * y
            if d2 > 1:
                continue
            z = math.sqrt(1 - d2)
            dif = max(0.0, x * lx + y * ly + z * lz)
            spec = max(0.0, x * hx + y * hy + z * hz) ** 28
            env = 0.5 + 0.5 * y  # sky above, dark floor below
            t = min(1.0, 0.12 + 0.75 * dif + 0.18 * env)
            col = mix(GOLD_DARK, GOLD_MID, t) if t < 0.75 else mix(GOLD_MID, GOLD_LIGHT, (t - 0.75) * 2)
            rim = 0.55 + 0.45 * z**0.5  # darker outline (reads as scales)
            col = tuple(clamp(int(c * rim + 255 * spec * 0.9)) for c in col)
            a = 255 if d2 < 0.96 else int(255 * (1 - d2) / 0.04)
            px[i, j] = col + (a,)
    return img


def catmull(points, samples_per_seg=24):
    out = []
    n = len(points)
    for i in range(n - 1):
        p0 = points[max(0, i - 1)]
        p1, p2 = points[i], points[i + 1]
        p3 = points[min(n - 1, i + 2)]
        for k in range(samples_per_seg):
            t = k / samples_per_seg
            t2, t3 = t * t, t * t * t
            out.append(
                tuple(
                    0.5 * ((2 * b) + (-a + c) * t + (2 * a - 5 * b + 4 * c - d) * t2 + (-a + 3 * b - 3 * c + d) * t3)
                    for a, b, c, d in zip(p0, p1, p2, p3, strict=True)
                )
            )
    out.append(points[-1])
    return out


def tube(path, radius_fn, step=0.18):
    """Resample a 3D path at roughly `step` spacing -> list of (point, radius)."""
    out = []
    acc = 0.0
    total = sum(math.dist(path[i], path[i + 1]) for i in range(len(path) - 1))
    out.append((path[0], radius_fn(0.0)))
    for i in range(len(path) - 1):
        seg = math.dist(path[i], path[i + 1])
        acc_prev = acc
        acc += seg
        while acc - (len(out) * step) >= 0 and len(out) * step <= acc:
            d = len(out) * step
            t = (d - acc_prev) / seg if seg else 0
            p = tuple(a + (b - a) * t for a, b in zip(path[i], path[i + 1], strict=True))
            out.append((p, radius_fn(d / total)))
    return out


def plane_texture_paste(canvas, tex, view, origin, U, V, brightness=255):
    """Paste tex so that its pixel (i, j) lands at world origin + i/N*U + j/M*V."""
    N, M = tex.size
    o = view.project(origin)
    pu = view.project(tuple(a + b for a, b in zip(origin, U, strict=True)))
    pv = view.project(tuple(a + b for a, b in zip(origin, V, strict=True)))
    a11, a21 = (pu[0] - o[0]) / N, (pu[1] - o[1]) / N
    a12, a22 = (pv[0] - o[0]) / M, (pv[1] - o[1]) / M
    det = a11 * a22 - a12 * a21
    i11, i12, i21, i22 = a22 / det, -a12 / det, -a21 / det, a11 / det
    data = (i11, i12, -(i11 * o[0] + i12 * o[1]), i21, i22, -(i21 * o[0] + i22 * o[1]))
    warped = tex.transform(canvas.size, Image.Transform.AFFINE, data, resample=Image.Resampling.BICUBIC)
    mask = Image.new("L", canvas.size, 0)
    pw_ = view.project(tuple(a + b + c for a, b, c in zip(origin, U, V, strict=True)))
    ImageDraw.Draw(mask).polygon([o[:2], pu[:2], pw_[:2], pv[:2]], fill=255)
    if brightness != 255:
        warped = multiply_light(warped, solid(canvas.size, brightness, "L"))
    canvas.paste(warped, (0, 0), mask)
    return [o[:2], pu[:2], pw_[:2], pv[:2]]


def gold_face_texture(size, seed, engraving=None):
    n = fractal_noise(size, seed, base_cell=max(8, size[0] // 6), octaves=4)
    tex = ImageOps.colorize(n, black=(176, 124, 38), mid=(214, 160, 60), white=(240, 196, 96))
    # brushed look: stretched fine noise
    streak = value_noise((size[0], max(2, size[1] // 16)), 1, seed + 1).resize(size, Image.Resampling.BICUBIC)
    tex = ImageChops.overlay(tex, Image.merge("RGB", [streak.point(lambda v: 112 + v * 32 // 255)] * 3))
    if engraving is not None:
        tex = Image.composite(ImageChops.multiply(tex, solid(size, (120, 90, 60))), tex, engraving)
    return tex


def seal_parts(view, seed):
    """All the spheres (world point, radius) of the dragon knob."""
    rng = random.Random(seed)
    base_y = 2.1
    key = [
        (-4.6, 0.5, -2.6),
        (-3.2, 0.8, -4.3),
        (-0.4, 1.4, -4.6),
        (2.6, 2.6, -3.4),
        (3.9, 4.4, -1.0),
        (3.0, 5.7, 1.3),
        (0.8, 5.3, 1.5),
        (-1.5, 3.6, 0.4),
        (-2.9, 2.0, 1.6),
        (-1.9, 1.6, 3.5),
        (0.2, 2.6, 4.1),
        (1.1, 4.4, 3.9),
        (1.3, 5.8, 3.4),
    ]
    key = [(x, y + base_y, z) for x, y, z in key]
    path = catmull(key, 30)

    def thickness(t):
        r = 0.16 + 0.96 * min(1.0, t / 0.32) ** 0.8
        if t > 0.78:
            r -= 0.2 * (t - 0.78) / 0.22
        return r

    body = tube(path, thickness, step=0.12)
    parts = [(p, r, "gold") for p, r in body]
    # dorsal spines: small cones pointing up/outwards along the back
    for k in range(8, len(body) - 20, 9):
        (p, r) = body[k]
        q = body[k + 1][0]
        tx, ty, tz = _norm(tuple(b - a for a, b in zip(p, q, strict=True)))
        up = _norm((-tx * ty, 1 - ty * ty, -tz * ty))
        for s in range(5):
            f = s / 4
            parts.append(
                (
                    (
                        p[0] + up[0] * r * (0.8 + 0.7 * f) - tx * 0.2 * f,
                        p[1] + up[1] * r * (0.8 + 0.7 * f) - ty * 0.2 * f,
                        p[2] + up[2] * r * (0.8 + 0.7 * f) - tz * 0.2 * f,
                    ),
                    r * 0.28 * (1 - 0.8 * f),
                    "gold",
                )
            )
    # four legs down to the platform, with claws
    for frac, out_dir in ((0.2, (-0.2, 0, -1)), (0.33, (1, 0, -0.3)), (0.72, (-1, 0, 0.4)), (0.86, (0.3, 0, 1))):
        p, r = body[int(frac * (len(body) - 1))]
        od = _norm(out_dir)
        knee = (p[0] + od[0] * 1.3, max(base_y + 1.0, p[1] - 0.6), p[2] + od[2] * 1.3)
        foot = (p[0] + od[0] * 1.7, base_y + 0.3, p[2] + od[2] * 1.7)
        leg = catmull([p, knee, foot], 12)
        parts += [(q, rr, "gold") for q, rr in tube(leg, lambda t: 0.55 - 0.25 * t, step=0.1)]
        for c in range(5):
            a = math.atan2(od[2], od[0]) + (c - 2) * 0.45
            claw = [
                (foot[0] + math.cos(a) * 0.6 * f, base_y + 0.25 - 0.15 * f, foot[2] + math.sin(a) * 0.6 * f)
                for f in (0.0, 0.5, 1.0)
            ]
            parts += [(q, rr, "gold") for q, rr in tube(claw, lambda t: 0.22 - 0.17 * t, step=0.07)]
    # head: skull, snout, jaw, horns, mane, eyes, whiskers
    head = path[-1]
    fwd = _norm((-0.25, 0.15, 1.0))
    side = _norm((fwd[2], 0, -fwd[0]))

    def at(f, s, u):
        return (head[0] + fwd[0] * f + side[0] * s, head[1] + fwd[1] * f + u, head[2] + fwd[2] * f + side[2] * s)

    parts.append((at(0, 0, 0.1), 1.05, "gold"))
    for k in range(10):
        f = 0.4 + k * 0.16
        parts.append((at(f, 0, 0.1 - 0.05 * k), 0.78 - 0.035 * k, "gold"))  # snout
        parts.append((at(f * 0.95, 0, -0.55 - 0.02 * k), 0.42 - 0.02 * k, "gold"))  # lower jaw
    parts.append((at(2.15, 0, -0.1), 0.42, "gold"))  # nose
    for s in (-1, 1):
        parts.append((at(0.55, s * 0.55, 0.55), 0.3, "eye"))
        parts.append((at(0.45, s * 0.5, 0.75), 0.3, "gold"))  # brow
        horn = catmull(
            [at(-0.2, s * 0.4, 0.8), at(-0.9, s * 0.6, 1.6), at(-1.7, s * 0.7, 2.0), at(-2.3, s * 0.9, 1.9)], 10
        )
        parts += [(q, rr, "gold") for q, rr in tube(horn, lambda t: 0.26 - 0.16 * t, step=0.08)]
        for m in range(4):  # mane flames
            fl = catmull(
                [at(-0.5, s * 0.6, 0.3 - m * 0.35), at(-1.3, s * 0.9, 0.5 - m * 0.4), at(-2.0, s * 1.0, 0.9 - m * 0.5)],
                8,
            )
            parts += [(q, rr, "gold") for q, rr in tube(fl, lambda t: 0.26 - 0.2 * t, step=0.08)]
        wh = catmull([at(2.0, s * 0.3, -0.2), at(2.6, s * 0.9, -0.4), at(3.0, s * 1.1, 0.1)], 10)
        parts += [(q, rr, "gold") for q, rr in tube(wh, lambda t: 0.08, step=0.05)]
    # the flaming pearl? no: a small tuft on the chin
    rng.random()
    return parts


def render_seal(canvas, cx, cy, scale, seed=606, yaw=34, pitch=24):
    view = View3D(cx, cy, scale, yaw, pitch)
    sprite = gold_sphere_sprite(256)
    eye = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    ed = ImageDraw.Draw(eye)
    ed.ellipse((0, 0, 63, 63), fill=(40, 22, 8, 255))
    ed.ellipse((14, 12, 30, 28), fill=(255, 240, 200, 255))
    # contact shadow on the cloth
    a1 = 6.9
    corners = [view.project((x, 0, z)) for x, z in ((-a1, -a1), (a1, -a1), (a1, a1), (-a1, a1))]
    sh = Image.new("L", canvas.size, 0)
    ImageDraw.Draw(sh).polygon([(x + scale * 0.6, y + scale * 0.5) for x, y, _ in corners], fill=255)
    sh = sh.filter(ImageFilter.GaussianBlur(scale * 0.9))
    canvas = Image.composite(solid(canvas.size, (10, 4, 4)), canvas, scale_mask(sh, 0.8))
    # two-tier square base
    L = _norm((-0.5, 0.8, 0.45))
    tiers = [(6.9, 0.0, 1.25), (6.25, 1.25, 2.1)]
    eng = Image.new("L", (512, 512), 0)
    edr = ImageDraw.Draw(eng)
    edr.rectangle((14, 14, 497, 497), outline=255, width=4)
    rng = random.Random(seed)
    for x in (40, 440):
        for j in range(8):
            brush_character(edr, x, 70 + j * 46, 40, rng)
    for ti, (a, y0, y1) in enumerate(tiers):
        faces = [
            ((0, 0, 1), (-a, y1, a), (2 * a, 0, 0), (0, y0 - y1, 0)),  # front (+z)
            ((1, 0, 0), (a, y1, a), (0, 0, -2 * a), (0, y0 - y1, 0)),  # right (+x)
            ((-1, 0, 0), (-a, y1, -a), (0, 0, 2 * a), (0, y0 - y1, 0)),  # left
            ((0, 0, -1), (a, y1, -a), (-2 * a, 0, 0), (0, y0 - y1, 0)),  # back
            ((0, 1, 0), (-a, y1, -a), (2 * a, 0, 0), (0, 0, 2 * a)),
        ]  # top
        for n, origin, U, V in faces:
            if view.facing(n) <= 0.01:
                continue
            b = 0.45 + 0.65 * max(0.0, sum(p * q for p, q in zip(n, L, strict=True)))
            if n == (0, 1, 0):
                size = (512, 512)
                tex = gold_face_texture(size, seed + ti, eng if ti == 1 else None)
            else:
                size = (512, 64)
                tex = gold_face_texture(size, seed + 5 + ti)
                g = vertical_gradient(size, (255, 255, 255), (150, 150, 150)).convert("L")
                tex = multiply_light(tex, g)
                td = ImageDraw.Draw(tex)
                td.line((0, 6, 512, 6), fill=(255, 226, 140), width=3)
                td.line((0, 60, 512, 60), fill=(120, 80, 20), width=3)
            if b > 1.0:
                tex = ImageChops.screen(tex, solid(tex.size, tuple([int(255 * (b - 1))] * 3)))
                bb = 255
            else:
                bb = int(255 * b)
            plane_texture_paste(canvas, tex, view, origin, U, V, bb)
    # soft shadow of the knob on the top of the base
    parts = seal_parts(view, seed)
    ao = Image.new("L", canvas.size, 0)
    aod = ImageDraw.Draw(ao)
    for p, r, _kind in parts:
        if p[1] < 4.5:
            x, y, _ = view.project((p[0] + 0.3, 2.1, p[2] + 0.3))
            rr = r * scale * 1.2
            aod.ellipse((x - rr, y - rr * 0.5, x + rr, y + rr * 0.5), fill=255)
    ao = ao.filter(ImageFilter.GaussianBlur(scale * 0.35))
    canvas = Image.composite(solid(canvas.size, (70, 40, 8)), canvas, scale_mask(ao, 0.6))
    # the dragon: spheres from far to near
    proj = []
    for p, r, kind in parts:
        x, y, dpt = view.project(p)
        proj.append((dpt, x, y, r * scale, kind))
    proj.sort()
    cache = {}
    for _depth, x, y, rr, kind in proj:
        size = max(2, int(rr * 2))
        src = eye if kind == "eye" else sprite
        k = (kind, size)
        if k not in cache:
            cache[k] = src.resize((size, size), Image.Resampling.LANCZOS)
        spr = cache[k]
        canvas.paste(spr, (int(x - size / 2), int(y - size / 2)), spr)
    return canvas


def make_seal(size=(1600, 1200), seed=606):
    W, H = size[0] * SS, size[1] * SS
    bg = spotlight_background((W, H), (W * 0.48, H * 0.42), W * 0.62, (112, 26, 24), (26, 6, 6), seed)
    # velvet texture
    fib = fractal_noise((W, H), seed + 1, base_cell=6, octaves=2).point(lambda v: 116 + v * 24 // 255)
    bg = ImageChops.overlay(bg, Image.merge("RGB", (fib, fib, fib)))
    out = render_seal(bg, W * 0.5, H * 0.66, W * 0.043, seed)
    out = out.resize(size, Image.Resampling.LANCZOS)
    return grain(out, seed + 11, strength=5)


def make_tympanum_detail(cfg, size=(1600, 900)):
    """Close-up of part of a drum face, for a collection banner."""
    W, H = size[0] * SS, size[1] * SS
    R = W * 0.95
    c = (W * 0.3, H * 1.75)
    img, alpha = tympanum_layer((W, H), c, R, cfg, seed_offset=31)
    bg = solid((W, H), (16, 14, 12))
    bg.paste(img, (0, 0), alpha)
    bg = multiply_light(bg, radial_mask((W, H), (W * 0.45, H * 0.5), W * 0.8).point(lambda v: 255 - v // 3))
    out = bg.resize(size, Image.Resampling.LANCZOS)
    return grain(out, cfg["seed"] + 41, strength=6)


def make_court_banner(size=(1600, 900), seed=707):
    """Collection banner: the vase and the golden seal on a lacquer table before yellow silk."""
    W, H = size[0] * SS, size[1] * SS
    rng = random.Random(seed)
    silk = ImageOps.colorize(
        fractal_noise((W, H), seed, base_cell=W // 5, octaves=5),
        black=(196, 146, 46),
        mid=(222, 176, 72),
        white=(238, 200, 104),
    )
    weave = value_noise((W, H // 3), 1, seed + 1).resize((W, H), Image.Resampling.NEAREST)
    silk = ImageChops.overlay(silk, Image.merge("RGB", [weave.point(lambda v: 120 + v * 16 // 255)] * 3))
    clouds = Image.new("L", (W, H), 0)
    cd = ImageDraw.Draw(clouds)
    for _ in range(40):
        cloud_motif(
            cd,
            rng.uniform(-0.05, 1.0) * W,
            rng.uniform(0.0, 0.7) * H,
            H * rng.uniform(0.03, 0.05),
            255,
            max(2, int(H * 0.004)),
        )
    clouds = scale_mask(clouds.filter(ImageFilter.GaussianBlur(1.5)), 0.5)
    silk = Image.composite(solid((W, H), (250, 226, 150)), silk, clouds)
    # folds of the hanging cloth
    folds = Image.new("L", (W, H), 255)
    fd = ImageDraw.Draw(folds)
    for k in range(9):
        x = W * (k + 0.5) / 9 + rng.uniform(-40, 40)
        fd.line((x, 0, x + rng.uniform(-30, 30), H), fill=205, width=int(W * 0.02))
    silk = multiply_light(silk, folds.filter(ImageFilter.GaussianBlur(W * 0.015)))
    table_y = int(H * 0.68)
    table = ImageOps.colorize(
        fractal_noise((W, H - table_y), seed + 2, base_cell=W // 8, octaves=4),
        black=(56, 12, 10),
        mid=(96, 22, 16),
        white=(128, 40, 26),
    )
    table = multiply_light(table, vertical_gradient(table.size, (255, 255, 255), (150, 150, 150)).convert("L"))
    bg = silk.copy()
    bg.paste(table, (0, table_y))
    d = ImageDraw.Draw(bg)
    d.line((0, table_y, W, table_y), fill=(200, 150, 70), width=int(H * 0.006))
    d.line((0, table_y + H * 0.012, W, table_y + H * 0.012), fill=(40, 8, 6), width=int(H * 0.004))
    bg = multiply_light(bg, radial_mask((W, H), (W * 0.5, H * 0.45), W * 0.75).point(lambda v: 255 - v // 3))
    bg = render_vase(bg, W * 0.3, H * 0.9, H * 0.78, seed=404, elev=0.14)
    bg = render_seal(bg, W * 0.68, H * 0.8, H * 0.034, seed=606)
    out = bg.resize(size, Image.Resampling.LANCZOS)
    return grain(out, seed + 11, strength=5)


# ---------------------------------------------------------------------------
# output
# ---------------------------------------------------------------------------

EXIF_ORIENTATION = 0x0112

# name -> (builder, EXIF orientation to store the file with, or None)
IMAGES = {
    "ngoc-lu-mat": (lambda: make_tympanum(TYMPANUM_NGOC_LU, 1600), None),
    "ngoc-lu-than": (lambda: make_drum_side(TYMPANUM_NGOC_LU, (1600, 1200)), None),
    "hoang-ha-mat": (lambda: make_tympanum(TYMPANUM_HOANG_HA, 1600), None),
    "dao-thinh": (lambda: make_jar((1200, 1600)), None),
    "sac-phong": (lambda: make_decree((2400, 1500)), None),
    # stored with its pixels turned 90 degrees and EXIF Orientation = 6, so that
    # viewers (and the site builder) must rotate it back to show it upright
    "chu-dau-binh": (lambda: make_vase((1200, 1600)), 6),
    "an-hoang-de-chi-bao": (lambda: make_seal((1600, 1200)), None),
    "dong-son": (lambda: make_tympanum_detail(TYMPANUM_NGOC_LU, (1600, 900)), None),
    "cung-dinh-gom-su": (lambda: make_court_banner((1600, 900)), None),
}


def save_jpeg(img, path, orientation=None):
    img = img.convert("RGB")
    kwargs = dict(quality=JPEG_QUALITY, optimize=True)
    if orientation:
        if orientation != 6:
            raise ValueError("only orientation 6 is implemented")
        # Orientation 6: the stored image must be turned 90 degrees clockwise
        # to be seen upright, so store it turned 90 degrees counter-clockwise.
        img = img.transpose(Image.Transpose.ROTATE_90)
        exif = Image.Exif()
        exif[EXIF_ORIENTATION] = orientation
        kwargs["exif"] = exif.tobytes()
    img.save(path, "JPEG", **kwargs)


def main(argv):
    preview = None
    names = []
    it = iter(argv)
    for a in it:
        if a == "--preview":
            preview = Path(next(it))
        elif a in ("-h", "--help"):
            print(__doc__)
            return 0
        else:
            names.append(a)
    unknown = [n for n in names if n not in IMAGES]
    if unknown:
        print("unknown image(s): " + ", ".join(unknown) + "\nknown: " + ", ".join(IMAGES), file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    if preview:
        preview.mkdir(parents=True, exist_ok=True)
    for name in names or list(IMAGES):
        build, orientation = IMAGES[name]
        img = build()
        path = OUT / f"{name}.jpg"
        save_jpeg(img, path, orientation)
        print(
            f"{path.relative_to(ROOT)}  {img.width}x{img.height}  {path.stat().st_size // 1024} KB"
            + (f"  (stored rotated, EXIF Orientation={orientation})" if orientation else "")
        )
        if preview:
            p = img.copy()
            p.thumbnail((800, 800))
            p.save(preview / f"{name}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
