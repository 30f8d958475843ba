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
    return tuple(int(round(a + (b - a) * t)) for a, b in zip(c1, c2))


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
    """L image: 0 at `center`, growing linearly to 255 at `radius` and beyond."""
    w, h = size
    out = Image.new("L", size, 255)
    r = max(1, int(radius))
    rg = Image.radial_gradient("L").resize((2 * r, 2 * r), Image.Resampling.BILINEAR)
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
        child = Pen(self.d, self.b, self.uf + self.dir * x * self.k, self.s * c,
                    flip=self.dir < 0, fill=self.fill)
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
        a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t * t, t ** 3
        out.append((a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
                    a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1]))
    return out


# ---------------------------------------------------------------------------
# Dong Son motifs (local units; band height = 1)
# ---------------------------------------------------------------------------

def m_heron(p):
    """Flying long-beaked bird (chim Lac) in profile, heading +u."""
    body = bezier((-0.38, 0.47), (-0.2, 0.6), (0.2, 0.6), (0.34, 0.5), 10) + \
        bezier((0.34, 0.5), (0.2, 0.36), (-0.2, 0.36), (-0.38, 0.47), 10)
    p.poly(body)
    p.poly([(0.26, 0.55), (0.62, 0.63), (0.74, 0.63), (0.72, 0.58), (0.58, 0.56), (0.3, 0.46)])  # neck
    p.disc((0.74, 0.62), 0.055)
    p.poly([(0.76, 0.65), (1.3, 0.58), (0.77, 0.59)])            # long beak
    p.line([(0.72, 0.66), (0.6, 0.76)], 0.025)                    # crest
    p.line([(0.7, 0.67), (0.55, 0.72)], 0.025)
    wing = [(0.16, 0.54), (0.24, 0.74), (0.14, 0.92), (-0.06, 0.99), (-0.3, 0.95),
            (-0.26, 0.8), (-0.2, 0.56)]
    p.poly(wing)
    for k in range(4):                                            # feather grooves
        t = (k + 1) / 5
        p.line([(-0.02 - 0.1 * t, 0.58), (0.18 - 0.45 * t, 0.9 + 0.05 * math.sin(t * 3))], 0.018, fill=0)
    p.poly([(0.06, 0.42), (-0.04, 0.24), (-0.2, 0.16), (-0.3, 0.2), (-0.24, 0.42)])  # far wing
    p.poly([(-0.34, 0.5), (-0.7, 0.64), (-0.76, 0.56), (-0.64, 0.48), (-0.76, 0.38), (-0.7, 0.32)])  # tail
    p.line([(-0.66, 0.56), (-0.4, 0.49)], 0.015, fill=0)
    p.line([(-0.66, 0.4), (-0.4, 0.46)], 0.015, fill=0)
    p.line([(-0.18, 0.42), (-0.5, 0.3), (-0.72, 0.26)], 0.025)     # trailing legs


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
    p.line([(0.25, 0.5), (0.38, 0.7)], 0.08)                    # neck
    p.ell((0.44, 0.74), 0.1, 0.055, rot=-0.4)                   # head
    for x0, x1 in ((-0.25, -0.3), (-0.15, -0.12), (0.17, 0.12), (0.25, 0.3)):
        p.line([(x0, 0.42), (x1, 0.06)], 0.045)
    p.line([(-0.32, 0.5), (-0.44, 0.58)], 0.04)                 # tail
    if antlers:
        p.line([(0.4, 0.78), (0.34, 0.95), (0.26, 1.0)], 0.03)
        p.line([(0.36, 0.9), (0.46, 0.99)], 0.03)
        p.line([(0.44, 0.79), (0.5, 0.95)], 0.03)


def m_dancer(p, holding=0):
    """Person in a feather costume and tall plumed headdress, walking towards +u."""
    p.line([(-0.02, 0.04), (0.08, 0.23)], 0.05)
    p.line([(0.2, 0.04), (0.13, 0.23)], 0.05)
    p.poly([(0.03, 0.22), (0.19, 0.22), (0.16, 0.46), (0.07, 0.46)])
    p.poly([(0.05, 0.28), (-0.2, 0.16), (-0.24, 0.22), (-0.04, 0.38)])    # feather skirt
    p.disc((0.12, 0.53), 0.062)
    p.poly([(0.13, 0.58), (0.1, 0.78), (0.0, 0.97), (-0.06, 0.96), (0.0, 0.76), (0.06, 0.58)])
    p.poly([(0.08, 0.58), (-0.12, 0.8), (-0.22, 0.84), (-0.18, 0.78), (0.04, 0.56)])
    if holding == 1:   # axe raised
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
        p.poly([(-0.98, 0.86), (-0.86, 0.84), (-0.72, 0.52), (0.72, 0.52), (0.86, 0.84),
                (0.98, 0.86), (0.6, 0.7), (-0.6, 0.7)])
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
        p.line([(0.06 * side, 0.9), (0.0 * side, 0.22)], 0.035)   # pestle


def m_drummers(p):
    """A row of bronze drums played by people (seen from the side)."""
    for k, x in enumerate((-0.5, 0.0, 0.5)):
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
    p.disc((2.58, 0.74), 0.06)                                    # prow bird head
    p.poly([(2.62, 0.76), (2.95, 0.7), (2.63, 0.71)])
    p.line([(-2.3, 0.3), (-2.6, 0.05)], 0.04)                     # steering oar
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

PATINA_GREEN = dict(dark=(30, 42, 36), mid=(74, 100, 84), light=(138, 160, 132),
                    brown=((50, 38, 28), (116, 90, 58)), face=((98, 88, 60), (184, 160, 108)))
PATINA_GREY = dict(dark=(34, 44, 42), mid=(82, 104, 94), light=(150, 168, 150),
                   brown=((46, 36, 28), (104, 84, 60)), face=((84, 84, 70), (166, 160, 128)))


def patina_texture(size, seed, pal, base_cell=None):
    w, h = size
    base_cell = base_cell or max(16, min(w, h) // 6)
    n1 = fractal_noise(size, seed, base_cell=base_cell, octaves=6)
    img = ImageOps.colorize(n1, black=pal["dark"], mid=pal["mid"], white=pal["light"])
    n2 = fractal_noise(size, seed + 1, base_cell=max(8, base_cell // 2), octaves=4)
    spots = n2.point(lambda v: 0 if v < pal.get("spot", 150) else min(255, (v - pal.get("spot", 150)) * 6))
    spots = spots.filter(ImageFilter.GaussianBlur(2))
    brown = ImageOps.colorize(fractal_noise(size, seed + 2, base_cell=max(8, base_cell // 3), octaves=3),
                              black=pal["brown"][0], white=pal["brown"][1])
    img = Image.composite(brown, img, scale_mask(spots, 0.75))
    return img


def face_texture(size, seed, pal, base_cell):
    n = fractal_noise(size, seed, base_cell=base_cell, octaves=5)
    return ImageOps.colorize(n, black=pal["face"][0], white=pal["face"][1])


TYMPANUM_NGOC_LU = dict(
    rays=14, star=0.165, pal=PATINA_GREEN, birds=18, seed=101,
    bands=[
        (0.165, 0.19, "dots", 64), (0.19, 0.245, "tangent", 26), (0.245, 0.27, "ladder", 120),
        (0.27, 0.43, "scene", 0), (0.43, 0.455, "dots", 150), (0.455, 0.51, "tangent", 52),
        (0.51, 0.535, "ladder", 200), (0.535, 0.64, "animals", 0), (0.64, 0.665, "dots", 230),
        (0.665, 0.72, "tangent", 72), (0.72, 0.745, "saw", 170), (0.745, 0.905, "herons", 18),
        (0.905, 0.93, "dots", 300), (0.93, 0.975, "tangent", 98),
    ])

TYMPANUM_HOANG_HA = dict(
    rays=16, star=0.15, pal=PATINA_GREY, birds=14, seed=202,
    bands=[
        (0.15, 0.175, "dots", 60), (0.175, 0.225, "tangent", 24), (0.225, 0.25, "dots", 90),
        (0.25, 0.41, "scene2", 0), (0.41, 0.435, "ladder", 170), (0.435, 0.49, "spirals", 46),
        (0.49, 0.515, "dots", 170), (0.515, 0.62, "animals2", 0), (0.62, 0.645, "saw", 170),
        (0.645, 0.7, "tangent", 70), (0.7, 0.725, "dots", 230), (0.725, 0.895, "herons", 14),
        (0.895, 0.92, "ladder", 330), (0.92, 0.97, "tangent", 96),
    ])


def draw_star(d, cx, cy, r_star, rays, start):
    r_in = r_star * 0.32
    half = math.pi / rays * 0.62
    for k in range(rays):
        a = start + 2 * math.pi * k / rays
        d.polygon([(cx + r_in * math.cos(a - half), cy + r_in * math.sin(a - half)),
                   (cx + r_star * math.cos(a), cy + r_star * math.sin(a)),
                   (cx + r_in * math.cos(a + half), cy + r_in * math.sin(a + half))], fill=255)
    d.ellipse((cx - r_in * 1.08, cy - r_in * 1.08, cx + r_in * 1.08, cy + r_in * 1.08), fill=255)
    band = PolarBand(cx, cy, r_star * 0.48, r_star * 0.95, start=start + math.pi / rays)
    for k in range(rays):
        p = Pen(d, band, k / rays, scale=0.9)
        # rotate the feather so it points outwards: local v is already radial
        m_peacock(p)


def draw_scene_band(d, band, variant, seed):
    rng = random.Random(seed)
    if variant == "scene":
        seq = ["house0", "pound", "d", "d1", "d2", "d", "d1", "d",
               "house1", "drums", "d2", "d", "d1", "d", "d"]
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
    for (a, b, kind, n) in cfg["bands"]:
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
    bg = soft_shadow(bg, (c[0] - R + S * 0.025, c[1] - R + S * 0.03, c[0] + R + S * 0.035, c[1] + R + S * 0.04),
                     blur=S * 0.02, strength=0.85)
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
        h00 = 2 * t ** 3 - 3 * t ** 2 + 1
        h10 = t ** 3 - 2 * t ** 2 + t
        h01 = -2 * t ** 3 + 3 * t ** 2
        h11 = t ** 3 - t ** 2
        out.append(h00 * r0 + h10 * hgt * tang[seg] + h01 * r1 + h11 * hgt * tang[seg + 1])
    return out


def _norm(v):
    n = math.sqrt(sum(c * c for c in v)) or 1.0
    return tuple(c / n for c in v)


def lathe(size, cx, top, radii, tex, elev=0.16, light=(-0.55, 0.45, 0.7), ambient=0.3,
          diffuse=0.85, spec=0.3, shininess=20, spec_colour=(255, 244, 220), Wf=1024, step=8):
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
            mesh.append(((xs[ix], ys[iy], xs[ix + 1], ys[iy + 1]),
                         (a[0], a[1], b[0], b[1], c[0], c[1], d[0], d[1])))
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
    for (a, b, kind, n) in layout:
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
                    m_small_bird(Pen(d, inner, uf + (k - 1) * 0.25 / n + 0.5 / n * 0.0,
                                     scale=0.22, voff=0.36))
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


def draw_handles(img, cx, top, radii, H, unit, ya, yb, reach, width,
                 colours=((28, 38, 32), (78, 100, 84), (150, 164, 130))):
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
            d.line([(x - side * unit * 0.15, y) for x, y in pts], fill=mix((0, 0, 0), mid, shade),
                   width=int(unit * width * 0.7), joint="curve")
            d.line([(x - side * unit * 0.45, y - unit * 0.2) for x, y in pts],
                   fill=mix((0, 0, 0), light, shade * 0.8), width=max(1, int(unit * 0.35)), joint="curve")
            # rice-grain ribs across the strip
            for j in range(3, len(pts) - 3, 3):
                x, y = pts[j]
                d.line([(x - unit * 0.7, y), (x + unit * 0.7, y)], fill=mix((0, 0, 0), dark, shade),
                       width=max(1, int(unit * 0.18)))
    return img


def make_drum_side(cfg, size=(1600, 1200)):
    W, Hh = size[0] * SS, size[1] * SS
    canvas_size = (W, Hh)
    bg = spotlight_background(canvas_size, (W * 0.45, Hh * 0.35), W * 0.75, (66, 60, 54), (16, 14, 12), cfg["seed"] + 5)
    # floor line
    floor = vertical_gradient((W, int(Hh * 0.3)), (40, 36, 32), (20, 18, 16))
    bg.paste(Image.blend(bg.crop((0, int(Hh * 0.7), W, Hh)), floor, 0.5), (0, int(Hh * 0.7)))
    unit = W * 0.0072            # px per cm
    Hd = int(63 * unit)
    prof = [(0.0, 37.6), (0.05, 39.4), (0.16, 40.6), (0.28, 38.6), (0.38, 33.6), (0.46, 32.2),
            (0.6, 32.0), (0.7, 32.6), (0.8, 35.0), (0.92, 38.6), (1.0, 40.0)]
    radii = spline_profile([(y, r * unit) for y, r in prof], Hd)
    Rmax = max(radii)
    Tw = int(2 * math.pi * Rmax)
    lw = max(2, int(unit * 0.25))
    layout = [(0.02, 0.06, "tangent", 60), (0.06, 0.085, "dots", 180), (0.085, 0.3, "boats", 6),
              (0.3, 0.325, "dots", 180), (0.325, 0.37, "tangent", 60),
              (0.395, 0.42, "ladder", 300), (0.42, 0.6, "panels", 12), (0.6, 0.625, "ladder", 300),
              (0.625, 0.665, "tangent", 60)]

    def draw_fn(d, sz):
        strip_bands(d, sz[0], layout, sz[1], lw, cfg["seed"])

    tex = relief_texture((Tw, Hd), cfg["seed"] + 3, cfg["pal"], draw_fn, depth=max(2, unit * 0.2))
    cx = W / 2
    elev = 0.2
    R_face = 39.65 * unit
    top = Hh * 0.5 - Hd * 0.5 + elev * R_face * 0.6
    bg = soft_shadow(bg, (cx - Rmax * 1.05, top + Hd - elev * Rmax * 0.9, cx + Rmax * 1.12,
                          top + Hd + elev * Rmax * 1.3), blur=unit * 2.5, strength=0.9)
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
    d.ellipse((x - 0.34 * h, y - 0.08 * h, x + 0.34 * h, y + 0.08 * h), fill=dark)   # footing
    for k, side in enumerate((-1, 1)):
        bx = x + side * 0.12 * h
        lean = -side * 0.05 * h
        for col, off in ((dark, 0.035 * h), (mid, 0.0)):
            d.line([(bx - 0.05 * h + off, y), (bx - 0.03 * h + off, y - 0.3 * h)], fill=col, width=w + 1)
            d.line([(bx + 0.05 * h + off, y), (bx + 0.03 * h + off, y - 0.3 * h)], fill=col, width=w + 1)
            d.ellipse((bx - 0.1 * h + off + lean * 0.5, y - 0.66 * h, bx + 0.1 * h + off + lean * 0.5, y - 0.26 * h),
                      fill=col)
            hx, hy, hr = bx + lean + off, y - 0.77 * h, 0.105 * h
            d.ellipse((hx - hr, hy - hr, hx + hr, hy + hr), fill=col)
        d.ellipse((bx - 0.07 * h + lean * 0.5, y - 0.62 * h, bx - 0.01 * h + lean * 0.5, y - 0.36 * h), fill=light)
        d.ellipse((bx + lean - 0.07 * h, y - 0.84 * h, bx + lean - 0.01 * h, y - 0.76 * h), fill=light)
    # arms around each other
    d.line([(x - 0.14 * h, y - 0.52 * h), (x, y - 0.58 * h), (x + 0.14 * h, y - 0.52 * h)], fill=mid,
           width=w, joint="curve")


def paste_low_cone(canvas, disc, dalpha, cx, base_y, R, zfun, elev, marks=(), step=8):
    """Warp a top-view disc image onto a low cone/dome (height zfun(rho)) seen
    from `elev` = sin(view angle) above, base circle centred at (cx, base_y).
    Returns (canvas, screen positions of `marks` given as (x, depth) in px)."""
    import bisect
    ca = math.sqrt(1 - elev * elev)
    D = disc.width
    # shading in top view: normal of the cone
    Ns = 128
    data = []
    lx, ly, lz = _norm((-0.5, 0.75, 0.45))   # x right, y up, z towards viewer (front = +depth)
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
            mesh.append(((xs[ix], ys[iy], xs[ix + 1], ys[iy + 1]),
                         (a[0], a[1], b[0], b[1], c[0], c[1], d[0], d[1])))
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
    layout = [(0.03, 0.05, "dots", 150), (0.05, 0.09, "tangent", 60), (0.09, 0.11, "saw", 160),
              (0.11, 0.13, "dots", 150), (0.13, 0.33, "boats", 6), (0.33, 0.35, "dots", 150),
              (0.35, 0.39, "tangent", 60), (0.39, 0.41, "sawdown", 160), (0.41, 0.55, "herons", 10),
              (0.55, 0.57, "ladder", 260), (0.57, 0.61, "tangent", 60), (0.61, 0.63, "dots", 150),
              (0.63, 0.66, "zigzag", 90), (0.66, 0.68, "ladder", 260)]

    def draw_fn(d, sz):
        strip_bands(d, sz[0], layout, sz[1], lw, seed)

    tex = relief_texture((Tw, Hb), seed + 3, pal, draw_fn, depth=max(2, unit * 0.2))
    cx = W / 2
    elev = 0.2
    top = Hh * 0.86 - Hb - elev * Rmax * 0.5
    bg = soft_shadow(bg, (cx - Rmax * 1.05, top + Hb - elev * Rmax * 0.8, cx + Rmax * 1.12,
                          top + Hb + elev * Rmax * 1.3), blur=unit * 2.5, strength=0.9)
    rgb, alpha = lathe(canvas_size, cx, top, radii, tex, elev=elev, spec=0.2, shininess=14)
    bg.paste(rgb, (0, 0), alpha)
    bg = draw_handles(bg, cx, top, radii, Hb, unit, 0.03, 0.12, reach=2.2, width=1.8)
    # lid: a short rim and a low cone seen from above, with four figure groups
    rim_h = int(2.2 * unit)
    rim_r = [31.9 * unit] * (rim_h + 1)
    rim_T = int(2 * math.pi * rim_r[0])
    rim_tex = relief_texture((rim_T, rim_h), seed + 5, pal,
                             lambda d, sz: strip_bands(d, sz[0], [(0.15, 0.85, "dots", 160)], sz[1], lw, seed),
                             depth=2)
    rim_top = top - rim_h + unit * 0.8
    rrgb, ralpha = lathe(canvas_size, cx, rim_top, rim_r, rim_tex, elev=elev, spec=0.2, shininess=14)
    bg.paste(rrgb, (0, 0), ralpha)
    lidR = 31.9 * unit
    lid_cfg = dict(rays=12, star=0.28, seed=seed + 9, pal=pal, bands=[
        (0.28, 0.33, "dots", 50), (0.33, 0.42, "tangent", 30), (0.42, 0.47, "ladder", 150),
        (0.47, 0.6, "herons", 10), (0.6, 0.65, "dots", 110), (0.65, 0.74, "tangent", 46),
        (0.74, 0.79, "saw", 130), (0.79, 0.84, "dots", 150), (0.84, 0.93, "tangent", 60),
        (0.93, 0.97, "ladder", 260)])
    D = int(2 * lidR)
    disc, dalpha = tympanum_layer((D, D), (lidR, lidR), lidR - 1, lid_cfg)
    cone = lambda rho: 8.5 * unit * max(0.0, 1 - rho / lidR) ** 0.9
    statues = []
    for ang in (45, 135, 225, 315):
        a = math.radians(ang)
        rho = 0.54 * lidR
        statues.append((rho * math.cos(a), rho * math.sin(a)))
    bg, places = paste_low_cone(bg, disc, dalpha, cx, rim_top, lidR, cone, elev, statues)
    order = sorted(places, key=lambda p: p[1])
    # broken stump of the central figure group (the fifth, now lost)
    d = ImageDraw.Draw(bg)
    sx, sy = places_centre = (cx, rim_top - cone(0) * math.cos(math.asin(elev)))
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


def paint_peony(br, cx, cy, s, lw, rng):
    """A peony seen from the side: a fan of petals over a cupped centre."""
    base = (cx, cy + s * 0.45)
    for layer, (length, n, spread, wash) in enumerate(((1.0, 7, 1.25, 90), (0.78, 6, 1.0, 120),
                                                        (0.55, 5, 0.8, 150))):
        for k in range(n):
            a = -math.pi / 2 + spread * (k / (n - 1) - 0.5) * 2 + rng.uniform(-0.05, 0.05)
            tip = (base[0] + math.cos(a) * s * length * 1.05, base[1] + math.sin(a) * s * length)
            pts = _leaf_pts(base, tip, s * (0.2 - 0.03 * layer), n=14)
            br.dw.polygon(pts, fill=wash)
            br.dl.line(pts[2:-2], fill=255, width=lw, joint="curve")
    cup = (cx - s * 0.42, cy + s * 0.05, cx + s * 0.42, cy + s * 0.6)
    br.dw.chord(cup, start=0, end=180, fill=170)
    br.dl.arc(cup, start=0, end=180, fill=255, width=lw)
    for k in range(4):
        x = cx + (k - 1.5) * s * 0.18
        br.dl.line([(x, cy + s * 0.36), (cx + (x - cx) * 0.7, cy + s * 0.58)], fill=255, width=max(1, lw // 2))
    for side in (-1, 1):
        paint_leaf(br, (cx, cy + s * 0.55), (cx + side * s * 0.6, cy + s * 0.72), s * 0.1, lw, wash=140)


def paint_scroll_band(br, W, y0, y1, n_flowers, lw, rng):
    """Main band: a continuous scrolling stem with peonies and leaves."""
    h = y1 - y0
    mid = (y0 + y1) / 2
    amp = h * 0.17
    pts = []
    for i in range(0, 401):
        x = W * i / 400
        pts.append((x, mid + amp * math.sin(2 * math.pi * n_flowers * i / 400)))
    br.dl.line(pts, fill=255, width=lw + 2, joint="curve")
    s = h * 0.31
    for k in range(n_flowers):
        # flowers alternately above (crest) and below (trough) the stem
        for half in (0, 1):
            x = W * (k + 0.25 + 0.5 * half) / n_flowers
            up = half == 0
            yc = mid + (-amp if up else amp)
            fy = yc - s * 0.95 if up else yc + s * 0.55
            if not up:
                paint_peony(br, x, fy, s * 0.85, lw, rng)
            else:
                paint_peony(br, x, fy, s, lw, rng)
            # leaves around each flower, and curling tendrils
            for j in range(6):
                side = -1 if j % 2 else 1
                bx = x + side * s * (0.5 + 0.25 * (j // 2))
                by = yc + (-1 if up else 1) * s * (0.05 + 0.1 * (j // 2)) + side * 0.0
                # the leaves grow away from the flower, towards the free side of the stem
                ang = (0.0 if side > 0 else math.pi) + side * rng.uniform(-0.5, 0.5)
                vy = (1 if up else -1) * rng.uniform(0.2, 0.9)
                tip = (bx + math.cos(ang) * s * 1.0, by + vy * s)
                paint_leaf(br, (bx, by), tip, s * 0.2, max(1, lw - 1), bend=rng.uniform(-1.5, 1.5))
            tx = x + s * 0.9
            spiral = [(tx + math.cos(t) * s * 0.15 * (1 - t / 9), yc + math.sin(t) * s * 0.15 * (1 - t / 9))
                      for t in [i * 0.3 for i in range(30)]]
            br.dl.line(spiral, fill=255, width=max(1, lw - 1), joint="curve")


def paint_plantain(br, W, y0, y1, n, lw):
    for k in range(n):
        cx = W * (k + 0.5) / n
        w = W / n * 0.42
        pts = [(cx - w, y1)] + [(cx - w * (1 - t) ** 1.3, y1 - (y1 - y0) * t) for t in [i / 12 for i in range(1, 13)]]
        pts += [(cx + w * (1 - t) ** 1.3, y1 - (y1 - y0) * t) for t in [i / 12 for i in range(12, 0, -1)]] + [(cx + w, y1)]
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
        pts = bezier((cx - w, y0), (cx - w, y0 + h * 0.55), (cx - w * 0.35, y0 + h * 0.6), (cx - w * 0.2, y0 + h * 0.72), 10)
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
        outline = [(x0, y1)] + bezier((x0, y0 + h * 0.35), (x0, y0), (xm, y0 + h * 0.05), (xm, y0 - h * 0.06), 10)
        outline = [(x0, y1), (x0, y0 + h * 0.35)] + bezier((x0, y0 + h * 0.35), (x0, y0 + h * 0.02),
                                                             (xm - (x1 - x0) * 0.1, y0), (xm, y0 - h * 0.08), 10)
        outline += [(2 * xm - x, y) for x, y in outline[::-1]]
        br.dl.line(outline, fill=255, width=lw, joint="curve")
        inner = [(xm + (x - xm) * 0.7, y0 + h * 0.12 + (y - y0) * 0.82) for x, y in outline]
        br.dw.polygon(inner, fill=95)
        br.dl.line(inner, fill=255, width=max(1, lw // 2), joint="curve")
        # hanging scroll inside the panel
        sc = [(xm + math.cos(t) * (x1 - x0) * 0.12 * (1 - t / 12), y0 + h * 0.5 + math.sin(t) * h * 0.12 * (1 - t / 12))
              for t in [i * 0.35 for i in range(30)]]
        br.dl.line(sc, fill=255, width=max(1, lw // 2), joint="curve")
        br.dl.line([(xm, y0 + h * 0.62), (xm, y1 - h * 0.08)], fill=255, width=max(1, lw // 2))


def paint_wave_scroll(br, W, y0, y1, n, lw):
    h = y1 - y0
    for k in range(n):
        x = W * k / n
        w = W / n
        pts = bezier((x, y1 - h * 0.2), (x + w * 0.3, y0), (x + w * 0.7, y0), (x + w * 0.7, y0 + h * 0.5), 10)
        pts += [(x + w * 0.7 - math.sin(t) * w * 0.15 * (1 - t / 7), y0 + h * 0.5 + (1 - math.cos(t)) * h * 0.12)
                for t in [i * 0.4 for i in range(1, 16)]]
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
    cobalt = ImageOps.colorize(fractal_noise((Tw, H), seed + 3, base_cell=max(8, H // 60), octaves=3),
                               black=(24, 38, 88), white=(58, 78, 128))
    img = Image.composite(cobalt, glaze, intensity)
    # unglazed foot with a brownish wash
    foot_y = int(0.958 * H)
    foot = ImageOps.colorize(fractal_noise((Tw, H - foot_y), seed + 4, base_cell=16, octaves=3),
                             black=(132, 112, 92), white=(178, 156, 130))
    img.paste(foot, (0, foot_y))
    return img


def render_vase(canvas, cx, base_y, height, seed=404, elev=0.12):
    """Draw the vase standing on base_y onto canvas (RGB, modified copy returned)."""
    H = int(height)
    prof = [(0.0, 0.094), (0.018, 0.086), (0.06, 0.062), (0.15, 0.05), (0.27, 0.06), (0.38, 0.105),
            (0.5, 0.18), (0.62, 0.228), (0.72, 0.243), (0.82, 0.226), (0.9, 0.175), (0.945, 0.14),
            (0.958, 0.128), (0.975, 0.13), (1.0, 0.127)]
    radii = spline_profile([(y, r * H) for y, r in prof], H)
    Rmax = max(radii)
    Tw = int(2 * math.pi * Rmax)
    tex = vase_texture(Tw, H, radii, seed)
    top = base_y - H - elev * radii[-1]
    canvas = soft_shadow(canvas, (cx - radii[-1] * 1.5, base_y - radii[-1] * elev * 1.2,
                                  cx + radii[-1] * 1.9, base_y + radii[-1] * elev * 1.6),
                         blur=H * 0.012, strength=0.55)
    canvas = soft_shadow(canvas, (cx - Rmax * 0.9, base_y - Rmax * 0.3, cx + Rmax * 1.6, base_y + Rmax * 0.35),
                         blur=H * 0.04, strength=0.25)
    rgb, alpha = lathe(canvas.size, cx, top, radii, tex, elev=elev, light=(-0.6, 0.45, 0.66), ambient=0.42,
                       diffuse=0.7, spec=0.5, shininess=90, spec_colour=(255, 255, 250))
    canvas.paste(rgb, (0, 0), alpha)
    # the mouth: rim and dark inside
    r0 = radii[0]
    d = ImageDraw.Draw(canvas)
    d.ellipse((cx - r0, top - r0 * elev, cx + r0, top + r0 * elev), fill=(196, 194, 182))
    ri = r0 * 0.8
    d.ellipse((cx - ri, top - ri * elev, cx + ri, top + ri * elev), fill=(62, 60, 56))
    d.ellipse((cx - ri, top - ri * elev + ri * elev * 0.5, cx + ri, top + ri * elev), fill=(38, 36, 34))
    d.arc((cx - r0, top - r0 * elev, cx + r0, top + r0 * elev), start=180, end=360, fill=(40, 56, 104),
          width=max(2, int(H * 0.004)))
    return canvas


def make_vase(size=(1200, 1600), seed=404):
    W, Hh = size[0] * SS, size[1] * SS
    bg = vertical_gradient((W, Hh), (206, 202, 194), (168, 162, 152))
    bg = Image.composite(bg, multiply_light(bg, solid((W, Hh), 200).convert("L")),
                         radial_mask((W, Hh), (W * 0.45, Hh * 0.4), Hh * 0.8).point(lambda v: 255 - v // 2))
    floor_y = int(Hh * 0.8)
    floor = vertical_gradient((W, Hh - floor_y), (180, 174, 164), (148, 142, 132))
    bg.paste(floor, (0, floor_y))
    bg = grain(bg, seed + 1, 4)
    out = render_vase(bg, W / 2, Hh * 0.9, Hh * 0.8, seed)
    out = out.resize(size, Image.Resampling.LANCZOS)
    return grain(out, seed + 11, strength=4)
