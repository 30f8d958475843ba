#!/usr/bin/env python3
"""One-row edit latency in `disan serve` on the province catalogue (issue 9, "Scale").

Not a pytest test. Builds the catalogue site of bench/catalogue (5,000 relics + 20,000 objects
by default) once through `disan serve`'s own `DevServer` (authoring, search left for later),
then edits one cell per save (a relic's English name, as bench/catalogue does) and times each
`DevServer.rebuild()` in-process: wall time, and this process's CPU time (the machine may be
shared; CPU time is the figure to compare between runs). Between saves it runs the garbage
collection serve runs once the curator is idle, timed apart.

    .venv/bin/python bench/serve_edit/run.py --work /tmp/serve-edit             # 5,000 + 20,000 rows
    .venv/bin/python bench/serve_edit/run.py --relics 200 --objects 800 --saves 3
    .venv/bin/python bench/serve_edit/run.py --work /tmp/serve-edit --reuse --profile edit.prof

`--reuse` keeps a site already generated in `--work` (its first build still runs, in this
process, as serve's does); `--profile FILE` writes cProfile stats of the last edit.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(REPO), str(HERE.parent / "catalogue")]

import generate  # noqa: E402
from run import SITE_TOML, edit_cell  # noqa: E402

from builder.build import BuildResult  # noqa: E402
from builder.serve import DevServer  # noqa: E402

GOAL_S = 2.0


def write_site(site: Path, relics: int, objects: int) -> None:
    (site / "data").mkdir(parents=True, exist_ok=True)
    (site / "content").mkdir(exist_ok=True)
    (site / "site.toml").write_text(SITE_TOML.format(ext="csv"), encoding="utf-8")
    (site / "content" / "index.md").write_text("---\ntitle: Trang chủ\n---\nDanh mục di sản.\n", encoding="utf-8")
    generate.write_csv(site / "data" / "di-tich.csv", generate.RELIC_COLUMNS, generate.relic_rows(relics))
    generate.write_csv(site / "data" / "hien-vat.csv", generate.OBJECT_COLUMNS, generate.object_rows(objects))


class Recorded(DevServer):
    """serve's server, keeping the last build's result to count the files it wrote."""

    last: BuildResult | None = None

    def timed_rebuild(self) -> tuple[float, float, int]:
        build = self.builder.build

        def recording(out_dir: Path | None = None, release: bool = False) -> BuildResult:
            self.last = build(out_dir, release)
            return self.last

        self.builder.build = recording  # type: ignore[method-assign]
        wall, cpu = time.perf_counter(), time.process_time()
        self.rebuild()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        self.builder.build = build  # type: ignore[method-assign]
        if self.last is None or self.state.problems and self.state.problems[0].level == "error":
            raise SystemExit(f"the build failed: {self.state.problems}")
        return wall, cpu, self.last.write.written


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--relics", type=int, default=5000)
    ap.add_argument("--objects", type=int, default=20000)
    ap.add_argument("--saves", type=int, default=5)
    ap.add_argument("--work", type=Path, default=HERE / "work")
    ap.add_argument("--reuse", action="store_true", help="keep the site already generated in --work")
    ap.add_argument("--profile", type=Path, help="write cProfile stats of the last edit here")
    args = ap.parse_args()
    site = args.work / "site"
    if not (args.reuse and (site / "site.toml").is_file()):
        write_site(site, args.relics, args.objects)
    server = Recorded(site, "127.0.0.1", 0)
    wall, cpu, written = server.timed_rebuild()
    print(f"first build: {wall:.1f} s wall, {cpu:.1f} s CPU, {written} files", flush=True)
    walls, cpus = [], []
    for n in range(args.saves):
        collected = time.perf_counter()
        server.collect_garbage()
        collected = time.perf_counter() - collected
        url, token = edit_cell(site, n)
        profiler = cProfile.Profile() if args.profile and n == args.saves - 1 else None
        if profiler:
            profiler.enable()
        wall, cpu, written = server.timed_rebuild()
        if profiler:
            profiler.disable()
            profiler.dump_stats(args.profile)
        page = server.out_dir / url.strip("/") / "index.html"
        shown = token in page.read_text(encoding="utf-8")
        walls.append(wall)
        cpus.append(cpu)
        print(
            f"edit {n}: {wall:.2f} s wall, {cpu:.2f} s CPU, {written} files written, page shows it: {shown} "
            f"(idle collection before it: {collected:.2f} s)",
            flush=True,
        )
        if not shown:
            return 1
    median = statistics.median(walls)
    print(
        f"one-row edit: wall median {median:.2f} s (max {max(walls):.2f}), "
        f"CPU median {statistics.median(cpus):.2f} s (min {min(cpus):.2f}); "
        f"goal < {GOAL_S:.0f} s wall: {'met' if median < GOAL_S else 'MISSED'}; load {os.getloadavg()[0]:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
