"""Benchmark: disan's tiler vs Pannellum's generate.py (nona) vs `vips dzsave` (the floor).

Not part of pytest.  Runs every tool sequentially in its own subprocess under
/usr/bin/time and reads user+sys CPU seconds and peak RSS (maximum resident set size)
of that child.  See README.md for the set-up.

    .venv/bin/python bench/tiling/run.py [--sizes 8000 16000] [--no-pannellum-16k] [--runs 1]

With --runs N every tool runs N times per input, interleaved with the other tools; the
least CPU of the N runs is reported (and their median), with the highest peak RSS of the
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="*", default=[8000, 16000])
    parser.add_argument("--no-pannellum-16k", action="store_true")
    parser.add_argument("--no-corpus", action="store_true")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    # the machine may be shared: CPU seconds grow under contention, so say how busy it was
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    work = Path(tempfile.mkdtemp(prefix="disan-bench-"))
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
        from_pyvips = subprocess.run(
            [PY, "-c", size, str(src)], capture_output=True, text=True, check=True
        ).stdout.split()
        label = f"{src.name} ({from_pyvips[0]}×{from_pyvips[1]})"
        tools = {
            "disan": lambda out, src=src: [PY, "-c", DISAN.format(repo=str(REPO)), str(src), str(out)],
            "vips dzsave": lambda out, src=src: ["vips", "dzsave", str(src), str(out / "dz")],
        }
        if GENERATE.is_file() and shutil.which("nona") and not (args.no_pannellum_16k and int(from_pyvips[0]) > 10000):
            tools["generate.py"] = lambda out, src=src: [
                PY,
                "-c",
                PANNELLUM,
                str(GENERATE),
                "-o",
                str(out / "g"),
                str(src),
            ]
        # Runs are interleaved (tool A, B, C, then A, B, C again...) so that a busy spell on
        # a shared machine slows every tool, not all the runs of one; per tool the run with
        # the least CPU is kept, and the highest peak RSS of all its runs.
        result, cpus = {}, {name: [] for name in tools}
        for _ in range(args.runs):
            for name, make in tools.items():
                out = work / "out"
                shutil.rmtree(out, ignore_errors=True)
                out.mkdir()
                cpu, _, rss, _, wall = timed(make(out))
                cpus[name].append(cpu)
                files, mb = size_of(out)
                best = result.get(name)
                if best is None or cpu < best[0]:
                    best = (cpu, max(rss, best[1]) if best else rss, wall, files, mb)
                else:
                    best = (best[0], max(rss, best[1]), *best[2:])
                result[name] = best
        for name, best in result.items():
            result[name] = (*best, statistics.median(cpus[name]))
            print(
                f"{label:44} {name:12} cpu {best[0]:7.2f} s (median {result[name][5]:.2f})  rss {best[1]:6.0f} MB  "
                f"wall {best[2]:6.2f} s  {best[3]:4d} files {best[4]:6.1f} MB",
                flush=True,
            )
        rows.append((label, result))
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print()
    print(
        "| input | tool | CPU s (user+sys) | median | peak RSS MB | wall s | files | MB | CPU ÷ dzsave "
        "| generate.py ÷ disan |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for label, result in rows:
        floor = result["vips dzsave"][0]
        for name, (cpu, rss, wall, files, mb, median) in result.items():
            vs_gen = f"{result['generate.py'][0] / cpu:.1f}×" if name == "disan" and "generate.py" in result else ""
            print(
                f"| {label} | {name} | {cpu:.2f} | {median:.2f} | {rss:.0f} | {wall:.2f} | {files} | {mb:.1f} | "
                f"{cpu / floor:.2f} | {vs_gen} |"
            )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
