"""A/B of tiler versions: each in its own child process, interleaved in shuffled order.

Not part of pytest.  A version is a folder holding a ``builder`` package (e.g. a copy of
another commit's ``builder/``), optionally with environment variables after ``@``:

    .venv/bin/python bench/tiling/ab.py --runs 11 --image A.jpg --image B.jpg /tmp/old . ".@VIPS_CONCURRENCY=1"

On a shared machine CPU seconds swing by ±10% from run to run: every round runs every
version once, in a new random order, and the minimum, first quartile and median of the
rounds are compared (plus median system time, minor page faults and highest peak RSS).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from run import DISAN, Timing, timed  # bench/tiling/run.py


def run(version: str, image: Path, out: Path) -> Timing:
    repo, _, assignments = version.partition("@")
    env = dict(os.environ)
    env.update(kv.split("=", 1) for kv in assignments.split(";") if kv)
    shutil.rmtree(out, ignore_errors=True)
    return timed([sys.executable, "-c", DISAN.format(repo=str(Path(repo).resolve())), str(image), str(out)], env)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--image", dest="images", action="append", type=Path, required=True)
    parser.add_argument("versions", nargs="+")
    args = parser.parse_args()
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    work = Path(tempfile.mkdtemp(prefix="disan-ab-"))
    for image in args.images:
        results: dict[str, list] = {version: [] for version in args.versions}
        for _ in range(args.runs):
            for version in random.sample(args.versions, len(args.versions)):
                results[version].append(run(version, image, work / "out"))
        for version, rows in results.items():
            cpu = sorted(row.cpu for row in rows)
            print(
                f"{image.stem[:24]:24} {version:32} cpu min {cpu[0]:.3f} p25 {cpu[len(cpu) // 4]:.3f} "
                f"median {statistics.median(cpu):.3f}  sys {statistics.median(r.sys for r in rows):.3f}  "
                f"rss {max(r.rss for r in rows):.0f} MB  faults {statistics.median(r.faults for r in rows):.0f}",
                flush=True,
            )
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
