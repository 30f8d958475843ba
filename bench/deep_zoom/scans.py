"""What the deep-zoom benches share: their command line, the synthetic scan, and a one-exhibit
site that shows it with `zoom: true`.

A scan takes minutes to make on this machine, so `--keep DIR` keeps it between runs; it is made
under another name first, so an interrupted run leaves no half scan under the kept name.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

PY = sys.executable

SYNTHETIC = """
import sys, pyvips
w, h = int(sys.argv[2]), int(sys.argv[3])
ramp = pyvips.Image.xyz(w, h)
coarse = pyvips.Image.gaussnoise(w // 16, h // 16, sigma=40, mean=128, seed=2).resize(16, kernel="linear")
fine = pyvips.Image.gaussnoise(w, h, sigma=6, mean=0, seed=1)
image = (ramp[0] * (255 / w)).bandjoin([ramp[1] * (255 / h), coarse]) + fine
image.cast("uchar").jpegsave(sys.argv[1], Q=88, keep="none")
"""

SCAN = "assets/images/scan.jpg"
EXHIBIT = f"""---
id: DZ01
title: Bản quét
images:
  - src: {SCAN}
    alt: Bản quét lớn
    zoom: true
---
Một bản quét rất lớn.
"""


def arguments(doc: str | None, runs: int, size: str) -> argparse.ArgumentParser:
    """The options every deep-zoom bench takes; a bench adds its own to the parser it gets."""
    parser = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=runs)
    parser.add_argument("--size", default=size, help="the synthetic scan's WIDTHxHEIGHT")
    parser.add_argument("--keep", type=Path, help="a folder to keep the generated scans in between runs")
    return parser


def dimensions(size: str) -> tuple[int, int]:
    width, height = (int(n) for n in size.split("x"))
    return width, height


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def make(script: str, out: Path, width: int, height: int, *extra: str) -> Path:
    """`out`, made by `script` (argv: out, width, height, *extra) unless a kept run left it."""
    if not out.is_file():
        partial = out.with_name(f"partial-{out.name}")
        subprocess.run([PY, "-c", script, str(partial), str(width), str(height), *extra], check=True)
        partial.rename(out)
    return out


def synthetic_scan(folder: Path, size: str) -> Path:
    """The synthetic scan of `size` (gradients and noise) in `folder`, made if not already there."""
    width, height = dimensions(size)
    folder.mkdir(parents=True, exist_ok=True)
    return make(SYNTHETIC, folder / f"synthetic-{width}x{height}.jpg", width, height)


def make_site(scan: Path, root: Path) -> Path:
    """A new site (`disan new`'s) whose one more exhibit shows `scan` with `zoom: true`, its pixel
    limit raised to let the scan in. The scan is linked, not copied, where the folders allow."""
    import pyvips

    from builder.scaffold import scaffold

    scaffold(root)
    target = root / SCAN
    try:
        os.link(scan, target)
    except OSError:
        shutil.copy(scan, target)
    (root / "content/exhibits/scan.md").write_text(EXHIBIT, encoding="utf-8")
    header = pyvips.Image.new_from_file(os.fspath(scan))
    config = root / "site.toml"  # a top-level key: before the first [table]
    limit = f"max_image_pixels = {max(200_000_000, header.width * header.height)}\n"
    config.write_text(limit + config.read_text(encoding="utf-8"), encoding="utf-8")
    return root
