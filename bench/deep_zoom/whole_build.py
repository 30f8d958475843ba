"""Benchmark: the peak memory of a whole `disan build` of a one-exhibit site whose image is a
large synthetic scan (`zoom: true`), with one worker and with two.

Not part of pytest. Each build is clean (no cache, no output) and runs as `python -m builder
build --jobs N` in a child process; while it runs, every process of its tree (the build, its
pool workers, multiprocessing's resource tracker) is read from /proc every 20 ms. Per process:
its peak RSS (the kernel's own high-water mark, VmHWM, so nothing between two readings is
missed) and its CPU; for the tree: the highest sum of the RSS of its processes at one reading
(a lower bound of the true peak of the sum, though the page renderer's forked workers count
again the pages they share with the build) and user+sys CPU of the whole tree (`os.wait4`).

    .venv/bin/python bench/deep_zoom/whole_build.py [--runs 1] [--size 20000x30000] [--keep DIR]
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO))
from scans import PY, arguments, load_average, make_site, synthetic_scan  # noqa: E402

POLL_SECONDS = 0.02
MB = 1024 * 1024


@dataclass
class Seen:
    """One process of the tree, as last read: its role, peak RSS (MB) and CPU (s)."""

    role: str
    peak_mb: float = 0.0
    cpu: float = 0.0


@dataclass
class Tree:
    processes: dict[int, Seen] = field(default_factory=dict)
    peak_sum_mb: float = 0.0
    cpu: float = 0.0
    wall: float = 0.0


def role(process: psutil.Process, root: psutil.Process) -> str:
    """What a process of the tree is: the media pool's workers are spawned, the page renderer's
    forked (the build's command line, and its pages shared until written: their RSS overlaps)."""
    if process.pid == root.pid:
        return "build"
    command = process.cmdline()
    if command == root.cmdline():
        return "forked renderer"
    if "resource_tracker" in " ".join(command):
        return "resource tracker"
    return "media worker" if "multiprocessing" in " ".join(command) else process.name()


def high_water_mb(pid: int) -> float:
    """VmHWM: the most this process ever had resident, as the kernel counts it."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def read(tree: Tree, root: psutil.Process) -> None:
    total = 0.0
    for process in [root, *root.children(recursive=True)]:
        try:
            if process.pid not in tree.processes:
                tree.processes[process.pid] = Seen(role(process, root))
            seen = tree.processes[process.pid]
            seen.peak_mb = max(seen.peak_mb, high_water_mb(process.pid))
            times = process.cpu_times()
            seen.cpu = times.user + times.system
            total += process.memory_info().rss / MB
        except (psutil.NoSuchProcess, psutil.ZombieProcess, FileNotFoundError, ProcessLookupError):
            continue
    tree.peak_sum_mb = max(tree.peak_sum_mb, total)


def build(site: Path, jobs: int) -> Tree:
    """A clean build of `site` with `jobs` workers, its process tree read until it ends."""
    shutil.rmtree(site / ".disan-cache", ignore_errors=True)
    shutil.rmtree(site / "_site", ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [PY, "-m", "builder", "build", "--site", str(site), "--jobs", str(jobs)]
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    tree = Tree()
    root = psutil.Process(child.pid)
    while True:
        read(tree, root)  # a zombie still has its /proc: the last reading of the build itself
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        time.sleep(POLL_SECONDS)
    tree.wall = time.perf_counter() - started
    tree.cpu = usage.ru_utime + usage.ru_stime  # the build and every worker it waited for
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"disan build --jobs {jobs} failed:\n{child.stderr.read().decode() if child.stderr else ''}")
    return tree


def report(jobs: int, run: int, tree: Tree) -> None:
    print(
        f"\n--jobs {jobs}, run {run}: wall {tree.wall:.1f} s, CPU {tree.cpu:.1f} s, "
        f"highest sum of RSS {tree.peak_sum_mb:.0f} MB; load average {load_average()}"
    )
    print(f"  {'pid':>8} {'process':18} {'peak RSS MB':>12} {'CPU s':>8}")
    for pid, seen in sorted(tree.processes.items(), key=lambda item: -item[1].peak_mb):
        print(f"  {pid:>8} {seen.role:18} {seen.peak_mb:12.0f} {seen.cpu:8.1f}", flush=True)


def main() -> None:
    parser = arguments(__doc__, runs=1, size="20000x30000")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="the worker counts to build with")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="disan-whole-build-"))
    scan = synthetic_scan(args.keep or work, args.size)
    site = make_site(scan, work / "site")
    print(f"{scan.name}: {scan.stat().st_size / 1e6:.0f} MB JPEG; load average at start: {load_average()}")
    for run in range(1, args.runs + 1):
        for jobs in args.jobs:
            report(jobs, run, build(site, jobs))
    print(f"\nload average at end: {load_average()}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
