#!/usr/bin/env python3
"""Scale benchmark: N exhibits (each with its own photo) and M panoramas, built locally and on
a Dask cluster of two local workers; clean build, unchanged rebuild, peak memory, the ratio.

Not a pytest test. Needs disan[cluster] for the cluster half (`--local-only` skips it).

    .venv/bin/python bench/scale/run.py                                  # 10,000 exhibits + 200 panoramas
    .venv/bin/python bench/scale/run.py --exhibits 1000 --panoramas 20   # the scaled-down run

Method: a seeded generator writes a site (kept in --work and reused while its size is the same):
exhibits with a 640×480 JPEG each (four derivatives: 480 and 640 px, WebP and JPEG), and tours of
ten scenes; every tenth scene shows a panorama of /work/shared/corpus (its 2:1 files, repeated, so
tiled once each), the others a distinct synthetic 4096×2048 one, made once with pyvips and kept
in /tmp/disan-scale-panoramas. Each build is one `disan build --jobs 2` child process: wall time
around it, peak RSS from os.wait4() (the largest of the build and its pool processes). The
cluster runs are the same command with `--scheduler` to a `dask scheduler` and two
single-threaded `dask worker` processes on 127.0.0.1, started here, and a cache of their own
(`--cache-dir`), so the clean build's media work is all theirs; their peak RSS is asked of each
worker. The cluster's output is compared byte for byte with the local one.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "panoramas"
PANORAMA_CACHE = Path("/tmp/disan-scale-panoramas")
SCENES_PER_TOUR = 10
REBUILD_GOAL = 5.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--exhibits", type=int, default=10_000)
    parser.add_argument("--panoramas", type=int, default=200)
    parser.add_argument("--work", type=Path, default=Path("/tmp/disan-scale"))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--local-only", action="store_true", help="skip the Dask cluster runs")
    args = parser.parse_args()
    site = make_site(args.work / f"site-{args.exhibits}-{args.panoramas}", args.exhibits, args.panoramas)
    rows = [
        ("local, clean", *clean_and_build(site, args.work, args.jobs)),
        ("local, unchanged", *build(site, args.work / "local-out", args.jobs)),
    ]
    same = None
    if not args.local_only:
        with Cluster(args.work / "dask") as cluster:
            cache, out = args.work / "cluster-cache", args.work / "cluster-out"
            extra = ["--scheduler", cluster.address, "--cache-dir", str(cache)]
            shutil.rmtree(cache, ignore_errors=True)
            shutil.rmtree(out, ignore_errors=True)
            rows.append(("2 Dask workers, clean", *build(site, out, args.jobs, extra)))
            rows.append(("2 Dask workers, unchanged", *build(site, out, args.jobs, extra)))
            workers_rss = cluster.peak_rss_mb()
        same = digest(out) == digest(args.work / "local-out")
    report(args, rows, same, workers_rss if not args.local_only else None)


def make_site(site: Path, exhibits: int, panoramas: int) -> Path:
    if (site / ".complete").is_file():
        return site
    from PIL import Image

    shutil.rmtree(site, ignore_errors=True)
    run_disan("new", str(site))
    images, folder = site / "assets/images", site / "content/exhibits"
    for number in range(exhibits):
        colour = (number * 37 % 256, number * 91 % 256, number * 53 % 256)
        image = Image.new("RGB", (640, 480), colour)
        image.paste((255 - colour[0], 128, colour[2]), (number % 600, 40, number % 600 + 40, 440))
        image.save(images / f"v{number:05d}.jpg", quality=85)
        (folder / f"v{number:05d}.md").write_text(
            f"---\nid: V{number:05d}\ntitle: Hiện vật số {number}\nsummary: Tóm tắt {number}.\ncollection: chinh\n"
            f"images:\n  - src: assets/images/v{number:05d}.jpg\n    alt: Ảnh hiện vật số {number}\n---\n"
            f"## Lịch sử\n\nHiện vật số {number}, đồng và gốm.\n",
            encoding="utf-8",
        )
    (site / "assets/panoramas").mkdir()
    corpus = full_sphere_corpus_panoramas()
    for number in range(panoramas):
        name = f"p{number:04d}.jpg"
        if corpus and number % 10 == 0:
            source = corpus[number // 10 % len(corpus)]
        else:
            source = synthetic_panorama(number)
        os.link(source, site / "assets/panoramas" / name)
        tour = site / f"tours/t{number // SCENES_PER_TOUR:03d}"
        if number % SCENES_PER_TOUR == 0:
            tour.mkdir(parents=True)
            (tour / "tour.md").write_text(f"---\ntitle: Tham quan {tour.name}\nstart: s{number:04d}\n---\n")
        (tour / f"s{number:04d}.md").write_text(f"---\ntitle: Cảnh {number}\npanorama: assets/panoramas/{name}\n---\n")
    (site / ".complete").touch()
    return site


def synthetic_panorama(number: int) -> Path:
    """A distinct 4096×2048 equirectangular JPEG: diagonal bands whose slopes depend on `number`."""
    import pyvips

    path = PANORAMA_CACHE / f"synthetic-{number:04d}.jpg"
    if not path.is_file():
        PANORAMA_CACHE.mkdir(exist_ok=True)
        x, y = pyvips.Image.xyz(4096, 2048)[0], pyvips.Image.xyz(4096, 2048)[1]
        bands = [(x * (1 + number % 3) + y * (1 + number % 5) + number * 11 * band) % 256 for band in range(3)]
        temp = path.with_suffix(".tmp.jpg")
        bands[0].bandjoin(bands[1:]).cast("uchar").jpegsave(str(temp), Q=85)
        temp.rename(path)
    return path


def full_sphere_corpus_panoramas() -> list[Path]:
    """The corpus's 2:1 panoramas: a partial one needs its angles written in its scene."""
    import pyvips

    found = sorted(CORPUS.glob("*.jpg")) if CORPUS.is_dir() else []
    return [path for path in found if (image := pyvips.Image.new_from_file(str(path))).width == 2 * image.height]


def clean_and_build(site: Path, work: Path, jobs: int) -> tuple[float, float]:
    shutil.rmtree(site / ".disan-cache", ignore_errors=True)
    shutil.rmtree(work / "local-out", ignore_errors=True)
    return build(site, work / "local-out", jobs)


def build(site: Path, out: Path, jobs: int, extra: list[str] | None = None) -> tuple[float, float]:
    """One `disan build` child: (wall seconds, peak RSS in MB)."""
    subprocess.run(["sync"], check=False)
    command = [*disan(), "build", "--site", str(site), "--out", str(out), "--jobs", str(jobs), *(extra or [])]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=environment())
    assert process.stderr is not None
    errors = process.stderr.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if status != 0:
        sys.exit(f"build failed:\n{errors}")
    print(next(line for line in errors.splitlines() if line.startswith("built ")), file=sys.stderr)
    return wall, usage.ru_maxrss / 1024


def disan() -> list[str]:
    return [sys.executable, "-m", "builder"]


def run_disan(*args: str) -> None:
    subprocess.run([*disan(), *args], check=True, env=environment(), stderr=subprocess.DEVNULL)


def environment() -> dict[str, str]:
    """This checkout's builder first, in the builds and in the workers."""
    paths = [str(REPO), *[p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


class Cluster:
    """A `dask scheduler` and two single-threaded `dask worker` processes on 127.0.0.1."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.processes: list[subprocess.Popen] = []

    def __enter__(self) -> Cluster:
        from distributed import Client

        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        address_file = self.folder / "scheduler.json"
        self.start("distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0")
        while not address_file.is_file():
            time.sleep(0.2)
        for name in ("w1", "w2"):
            self.start("distributed.cli.dask_worker", "--nthreads", "1", "--no-nanny", "--name", name)
        self.client = Client(scheduler_file=str(address_file), timeout="30s")
        self.client.wait_for_workers(2, timeout=120)
        self.address = self.client.scheduler.address
        return self

    def start(self, module: str, *args: str) -> None:
        log = open(self.folder / f"{len(self.processes)}.log", "w")  # noqa: SIM115 - the child's for its life
        command = [sys.executable, "-m", module, *args, "--scheduler-file", str(self.folder / "scheduler.json")]
        command += ["--no-dashboard", *(["--local-directory", str(self.folder / args[-1])] if "--name" in args else [])]
        self.processes.append(subprocess.Popen(command, cwd=self.folder, stdout=log, stderr=log, env=environment()))

    def peak_rss_mb(self) -> dict[str, float]:
        peaks = self.client.run(resource.getrusage, resource.RUSAGE_SELF)
        return {worker: usage.ru_maxrss / 1024 for worker, usage in peaks.items()}

    def __exit__(self, *_: object) -> None:
        self.client.close()
        for process in reversed(self.processes):
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def digest(folder: Path) -> str:
    total = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            total.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return total.hexdigest()


def report(args: argparse.Namespace, rows: list, same: bool | None, workers_rss: dict[str, float] | None) -> None:
    print(f"\n{args.exhibits} exhibits + {args.panoramas} panoramas, --jobs {args.jobs}, {os.cpu_count()} CPUs")
    print(f"{'run':28} {'wall s':>8} {'peak RSS MB':>12}")
    for name, wall, rss in rows:
        print(f"{name:28} {wall:8.1f} {rss:12.0f}")
    rebuild = rows[1][1]
    print(f"unchanged rebuild {rebuild:.1f} s: {'within' if rebuild <= REBUILD_GOAL else 'over'} the 5 s goal")
    if workers_rss is not None:
        print("Dask workers' peak RSS MB: " + ", ".join(f"{rss:.0f}" for rss in workers_rss.values()))
        print(f"cluster / local, clean build: {rows[2][1] / rows[0][1]:.2f}")
        print(f"same bytes as the local build: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
