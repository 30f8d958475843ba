"""Benchmark: disan's tiler and a whole `disan build` vs `dzsave` through disan's own libvips (the floor).

Not part of pytest.  Runs every tool sequentially in its own subprocess under
/usr/bin/time and reads user+sys CPU seconds (children included) and peak RSS (maximum
resident set size) of that child.  Debian's `vips dzsave` CLI (an older libvips) and
Pannellum's generate.py are extra columns when installed.  See README.md for the set-up.

    .venv/bin/python bench/tiling/run.py [--sizes 8000 16000] [--no-pannellum] [--runs 5]

With --runs N every tool runs N times per input, interleaved with the other tools; the
median CPU of the N runs is reported (and the least), with the highest peak RSS of the
N runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "panoramas"
GENERATE = HERE / "node_modules" / "pannellum" / "utils" / "multires" / "generate.py"
PY = sys.executable

DISAN = """
import sys, shutil
sys.path.insert(0, {repo!r})
from builder.tiling import tile_panorama
tile_panorama(sys.argv[1], sys.argv[2])
"""

# Pillow >= 10 removed Image.ANTIALIAS, which generate.py 2.5.7 still uses (same filter as LANCZOS)
PANNELLUM = """
import runpy, sys
from PIL import Image
Image.ANTIALIAS = Image.LANCZOS
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""

# the floor: the same libvips as disan, the same settings as the CLI column
DZSAVE = """
import sys, pyvips
image = pyvips.Image.new_from_file(sys.argv[1], access="sequential")
image.dzsave(sys.argv[2], layout=sys.argv[3], tile_size=int(sys.argv[4]), overlap=int(sys.argv[5]), suffix=sys.argv[6])
"""

DISAN_CLI = """
import sys
sys.path.insert(0, {repo!r})
from builder.cli import run
sys.argv = ["disan", *sys.argv[1:]]
run()
"""

TOUR = "---\ntitle: Bench\nstart: scene\n---\n"
SCENE = "---\ntitle: Scene\nid: T1\norder: 1\npanorama: assets/panoramas/scene{suffix}\n---\nOne scene.\n"

# libvips' own dzsave defaults per layout (tile size, overlap); Q is --quality
LAYOUTS = {"dz": (254, 1), "google": (256, 0)}

MAKE = """
import sys, pyvips
w = int(sys.argv[1]); h = w // 2
base = pyvips.Image.new_from_file(sys.argv[3]).resize(w / 4096, kernel='cubic')
fine = pyvips.Image.gaussnoise(w, h, sigma=5, mean=0, seed=1)
coarse = pyvips.Image.gaussnoise(w // 4, h // 4, sigma=8, mean=0, seed=2).resize(4, kernel='linear')
(base + fine + coarse).cast('uchar').jpegsave(sys.argv[2], Q=90, keep='none')
"""


class Timing(NamedTuple):
    cpu: float  # user + sys seconds
    sys: float  # sys seconds
    rss: float  # peak RSS, MB
    faults: int  # minor page faults
    wall: float  # seconds


def timed(cmd: list[str], env: dict[str, str] | None = None) -> Timing:
    """What one child process cost, by /usr/bin/time."""
    out = subprocess.run(
        ["/usr/bin/time", "-f", "BENCH %U %S %M %R %e", *cmd],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = [text for text in out.stderr.splitlines() if text.startswith("BENCH ")]
    if out.returncode or not line:
        raise RuntimeError(f"{cmd[:3]} failed:\n{out.stderr[-2000:]}")
    _, user, system, rss_kb, faults, wall = line[-1].split()
    return Timing(float(user) + float(system), float(system), int(rss_kb) / 1024, int(faults), float(wall))


def size_of(folder: Path) -> tuple[int, float]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files) / 1e6


def new_site(template: Path, at: Path, panorama: Path | None) -> Path:
    """A fresh copy of `disan new`'s site, with `panorama` as the one scene of a tour."""
    shutil.copytree(template, at)
    if panorama is not None:
        (at / "assets" / "panoramas").mkdir(parents=True)
        shutil.copyfile(panorama, at / "assets" / "panoramas" / f"scene{panorama.suffix}")
        tour = at / "tours" / "bench"
        tour.mkdir(parents=True)
        (tour / "tour.md").write_text(TOUR, encoding="utf-8")
        (tour / "scene.md").write_text(SCENE.format(suffix=panorama.suffix), encoding="utf-8")
    return at


def tools_for(
    src: Path, width: int, template: Path, args: argparse.Namespace
) -> dict[str, Callable[[Path], list[str]]]:
    """Each tool's command line, given an empty output folder."""
    tile, overlap = LAYOUTS[args.layout]
    settings = [args.layout, str(tile), str(overlap), f".jpg[Q={args.quality}]"]
    disan = [PY, "-c", DISAN_CLI.format(repo=str(REPO))]
    tools: dict[str, Callable[[Path], list[str]]] = {
        "disan tiler": lambda out: [PY, "-c", DISAN.format(repo=str(REPO)), str(src), str(out)],
        "dzsave": lambda out: [PY, "-c", DZSAVE, str(src), str(out / "dz"), *settings],
        "disan build": lambda out: [*disan, "build", "--site", str(new_site(template, out / "s", src))],
        "empty build": lambda out: [*disan, "build", "--site", str(new_site(template, out / "s", None))],
    }
    if shutil.which("vips"):
        tools["vips CLI 8.14"] = lambda out: [
            "vips",
            "dzsave",
            str(src),
            str(out / "dz"),
            "--layout",
            settings[0],
            "--tile-size",
            settings[1],
            "--overlap",
            settings[2],
            "--suffix",
            settings[3],
        ]
    if (
        GENERATE.is_file()
        and shutil.which("nona")
        and not args.no_pannellum
        and not (args.no_pannellum_16k and width > 10000)
    ):
        tools["generate.py"] = lambda out: [PY, "-c", PANNELLUM, str(GENERATE), "-o", str(out / "g"), str(src)]
    return tools


class Measured(NamedTuple):
    median: float  # CPU s
    least: float  # CPU s
    rss: float  # highest peak RSS, MB
    wall: float  # median wall s
    files: int
    mb: float


def measure(tools: dict[str, Callable[[Path], list[str]]], runs: int, work: Path) -> dict[str, Measured]:
    """Every tool `runs` times, interleaved (A, B, C, A, B, C, ...) so that a busy spell on a
    shared machine slows every tool rather than all the runs of one."""
    timings: dict[str, list[Timing]] = {name: [] for name in tools}
    output: dict[str, tuple[int, float]] = {}
    for _ in range(runs):
        for name, command in tools.items():
            out = work / "out"
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir()
            timings[name].append(timed(command(out)))
            output[name] = size_of(out / "s" / "_site" if (out / "s").is_dir() else out)
    return {
        name: Measured(
            statistics.median(t.cpu for t in runs_of),
            min(t.cpu for t in runs_of),
            max(t.rss for t in runs_of),
            statistics.median(t.wall for t in runs_of),
            *output[name],
        )
        for name, runs_of in timings.items()
    }


def table_row(label: str, name: str, cpu: tuple[float, float], m: Measured, floor: Measured | None) -> str:
    """One line; the ratios are median ÷ median and least ÷ least (threaded dzsave varies most under load)."""
    ratios = f"{cpu[0] / floor.median:.2f} | {cpu[1] / floor.least:.2f}" if floor else " | "
    return (
        f"| {label} | {name} | {cpu[0]:.2f} | {cpu[1]:.2f} | {m.rss:.0f} | {m.wall:.2f} | {m.files} | {m.mb:.1f} "
        f"| {ratios} |"
    )


def table(rows: list[tuple[str, dict[str, Measured]]]) -> None:
    """The Markdown table; the build row is the panorama's share: what the build costs above
    an empty site's build (medians minus median, least minus least)."""
    print("| input | tool | CPU s median | least | peak RSS MB | wall s | files | MB | ÷ dzsave median | least |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for label, result in rows:
        floor = result["dzsave"]
        empty = result.pop("empty build")
        for name, m in result.items():
            if name == "disan build":
                cpu = (m.median - empty.median, m.least - empty.least)
                print(table_row(label, "disan build − empty site", cpu, m, floor))
            else:
                print(table_row(label, name, (m.median, m.least), m, floor))
        print(table_row(label, "(empty site's build)", (empty.median, empty.least), empty, None))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="*", default=[8000, 16000])
    parser.add_argument("--no-pannellum", action="store_true")
    parser.add_argument("--no-pannellum-16k", action="store_true")
    parser.add_argument("--no-corpus", action="store_true")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--layout", choices=sorted(LAYOUTS), default="dz", help="dzsave's layout (both dzsave columns)")
    parser.add_argument("--quality", type=int, default=75, help="dzsave's JPEG Q (both dzsave columns)")
    args = parser.parse_args()
    # the machine may be shared: CPU seconds grow under contention, so say how busy it was
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    work = Path(tempfile.mkdtemp(prefix="disan-bench-"))
    template = work / "template"
    subprocess.run(
        [PY, "-c", DISAN_CLI.format(repo=str(REPO)), "new", str(template)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    inputs = []
    for w in args.sizes:
        path = work / f"synthetic-{w}.jpg"
        subprocess.run([PY, "-c", MAKE, str(w), str(path), str(CORPUS / "bma-0.jpg")], check=True)
        inputs.append(path)
    if not args.no_corpus:
        inputs += [p for p in sorted(CORPUS.glob("*.jpg")) if p.name != "charles-street.jpg"]
    rows = []
    for src in inputs:
        size = "import pyvips, sys; i = pyvips.Image.new_from_file(sys.argv[1]); print(i.width, i.height)"
        width, height = map(
            int, subprocess.run([PY, "-c", size, str(src)], capture_output=True, text=True, check=True).stdout.split()
        )
        label = f"{src.stem} {width}×{height}"
        result = measure(tools_for(src, width, template, args), args.runs, work)
        for name, m in result.items():
            print(
                f"{label:32} {name:16} cpu {m.median:6.2f} s (least {m.least:.2f})  rss {m.rss:4.0f} MB  "
                f"wall {m.wall:6.2f} s",
                flush=True,
            )
        rows.append((label, result))
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print()
    table(rows)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
