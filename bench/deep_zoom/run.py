"""Benchmark: disan's deep-zoom tiler vs pyvips `dzsave(layout="iiif3")` of the same image through
the same libvips (the floor), plus Debian's `vips dzsave --layout iiif3` CLI when installed.

Not part of pytest. Makes a 20,000×30,000 synthetic scan (gradients and noise; with --photo, the
largest corpus panorama upscaled to the same size as well), then tiles it with every tool in its
own child process under /usr/bin/time (user+sys CPU seconds and peak RSS of that child), in a new
random order each round; prints the median of the rounds and disan's ratio to the floor.

    .venv/bin/python bench/deep_zoom/run.py [--runs 3] [--size 20000x30000] [--photo]
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE.parent / "tiling"))
from run import Timing, size_of, timed  # noqa: E402  (bench/tiling/run.py)
from scans import PY, arguments, dimensions, load_average, make, synthetic_scan  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus" / "panoramas"

DISAN = f"""
import sys
from pathlib import Path
sys.path.insert(0, {str(REPO)!r})
from builder.deepzoom import tile_image
tile_image(Path(sys.argv[1]), Path(sys.argv[2]))
"""

# the floor: disan's settings (tile size, quality, no metadata), nothing else
DZSAVE = """
import sys, pyvips
from builder.deepzoom.tiler import JPEG_QUALITY, TILE_SIZE
pyvips.cache_set_max(0)
image = pyvips.Image.new_from_file(sys.argv[1], access="sequential")
image.dzsave(sys.argv[2], layout="iiif3", tile_size=TILE_SIZE, suffix=f".jpg[Q={JPEG_QUALITY}]", keep="none")
"""

UPSCALED = """
import sys, pyvips
w, h = int(sys.argv[2]), int(sys.argv[3])
photo = pyvips.Image.new_from_file(sys.argv[4])
scale = max(w / photo.width, h / photo.height)
photo.resize(scale, kernel="cubic").crop(0, 0, w, h).jpegsave(sys.argv[1], Q=88, keep="none")
"""


def tools(env: dict[str, str]) -> dict[str, list[str]]:
    found = {"disan": [PY, "-c", DISAN], "pyvips dzsave": [PY, "-c", DZSAVE]}
    if shutil.which("vips"):
        found["vips CLI"] = [
            "vips",
            "dzsave",
            "--layout",
            "iiif3",
            "--tile-size",
            "512",
            "--suffix",
            ".jpg[Q=82,strip]",
        ]
    return found


def bench(image: Path, runs: int, work: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    commands = tools(env)
    results: dict[str, list[Timing]] = {name: [] for name in commands}
    for _ in range(runs):
        for name in random.sample(list(commands), len(commands)):
            out = work / "out"
            shutil.rmtree(out, ignore_errors=True)
            results[name].append(timed([*commands[name], str(image), str(out)], env))
            if name == "disan":
                files, megabytes = size_of(out)
    floor = statistics.median(t.cpu for t in results["pyvips dzsave"])
    print(f"\n{image.name}: disan wrote {files} files, {megabytes:.0f} MB")
    print(f"{'tool':16} {'cpu s (median)':>15} {'min':>8} {'wall s':>8} {'peak RSS MB':>12} {'cpu / floor':>12}")
    for name, rows in results.items():
        cpu = statistics.median(t.cpu for t in rows)
        print(
            f"{name:16} {cpu:15.1f} {min(t.cpu for t in rows):8.1f} {statistics.median(t.wall for t in rows):8.1f} "
            f"{max(t.rss for t in rows):12.0f} {cpu / floor:12.2f}",
            flush=True,
        )


def main() -> None:
    parser = arguments(__doc__, runs=3, size="20000x30000")
    parser.add_argument("--photo", action="store_true", help="also the largest corpus panorama, upscaled")
    args = parser.parse_args()
    width, height = dimensions(args.size)
    work = Path(tempfile.mkdtemp(prefix="disan-deepzoom-"))
    inputs = args.keep or work
    print(f"load average at start: {load_average()}; {os.cpu_count()} CPUs")
    images = [synthetic_scan(inputs, args.size)]
    if args.photo and CORPUS.is_dir():
        photo = max(CORPUS.glob("*.jpg"), key=lambda p: p.stat().st_size)
        images.append(make(UPSCALED, inputs / f"{photo.stem}-{width}x{height}.jpg", width, height, str(photo)))
    for image in images:
        print(f"{image.name}: {image.stat().st_size / 1e6:.0f} MB JPEG", flush=True)
        bench(image, args.runs, work)
    print(f"load average at end: {load_average()}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
