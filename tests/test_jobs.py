"""A build killed with SIGKILL leaves no workers running and no temp folders for good; a crash
leaves its log where no planted symlink can redirect it; jobs too large to share the memory
budget run one after the other."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import pyvips
from click.testing import CliRunner

from builder import cli
from builder.cli import main
from builder.jobs import LocalExecutor, next_fitting, sweep_stale_temp, temp_name
from tests.helpers import tree_digest, write_exhibits

REPO = Path(__file__).resolve().parent.parent
BIG = (8000, 4000)  # several seconds of tiling, so the kill lands mid-job


def _site_with_big_panoramas(site: Path) -> None:
    assert CliRunner().invoke(main, ["new", str(site)]).exit_code == 0
    (site / "assets" / "panoramas").mkdir(parents=True, exist_ok=True)
    (site / "tours" / "thu").mkdir(parents=True, exist_ok=True)
    (site / "tours" / "thu" / "tour.md").write_text("---\ntitle: Thử\nstart: mot\n---\n", encoding="utf-8")
    for number, name in enumerate(("mot", "hai")):
        noise = pyvips.Image.gaussnoise(*BIG, sigma=40, mean=128 + 20 * number, seed=number)
        noise.bandjoin([noise, noise]).cast("uchar").jpegsave(str(site / "assets" / "panoramas" / f"{name}.jpg"))
        (site / "tours" / "thu" / f"{name}.md").write_text(
            f"---\ntitle: Cảnh {name}\nid: T{number + 1}\norder: {number + 1}\n"
            f"panorama: assets/panoramas/{name}.jpg\n---\nMột cảnh thử.\n",
            encoding="utf-8",
        )


def _descendants(pid: int) -> set[int]:
    """All live processes below `pid`, from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[-1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        return (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0]) != "Z"
    except OSError:
        return False


def _build(site: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from builder.cli import run; run()", "build", "--site", str(site), "--jobs", "2"],
        cwd=site,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_sigkill_during_tiling_leaves_no_workers_and_next_build_sweeps(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _site_with_big_panoramas(site)
    tiles = site / ".disan-cache" / "tiles"
    build = subprocess.Popen(
        [sys.executable, "-c", "from builder.cli import run; run()", "build", "--site", str(site), "--jobs", "2"],
        cwd=site,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    workers: set[int] = set()
    while time.monotonic() < deadline and not (tiles.is_dir() and list(tiles.glob(".tmp-*")) and len(workers) >= 2):
        workers = _descendants(build.pid)
        time.sleep(0.05)
    assert list(tiles.glob(".tmp-*")), "the build never started tiling"
    build.send_signal(signal.SIGKILL)
    build.wait()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.1)
    assert workers and not [pid for pid in workers if _alive(pid)], "worker processes outlived the killed build"
    assert list(tiles.glob(".tmp-*")), "the kill left no temp folder, so the sweep is not tested"

    rebuilt = _build(site)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert not list(tiles.glob(".tmp-*"))
    clean = tmp_path / "clean"
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns(".disan-cache", "_site"))
    assert _build(clean).returncode == 0
    assert tree_digest(site / "_site") == tree_digest(clean / "_site")


def test_sweep_keeps_temp_folders_of_live_processes(tmp_path: Path) -> None:
    mine = tmp_path / temp_name("abc")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    orphan = tmp_path / f".tmp-abc-{dead.pid}-00ff00ff"
    unrelated = tmp_path / "abc"
    for folder in (mine, orphan, unrelated):
        (folder / "f").mkdir(parents=True)
    assert sweep_stale_temp(tmp_path) == [orphan]
    assert mine.is_dir() and unrelated.is_dir() and not orphan.exists()


def test_sigkill_during_page_rendering_leaves_no_workers(tmp_path: Path) -> None:
    """The forked page-rendering pool (over PARALLEL_THRESHOLD outputs) dies with its build too."""
    site = tmp_path / "site"
    assert CliRunner().invoke(main, ["new", str(site)]).exit_code == 0
    write_exhibits(site, 1500, words=2000)
    build = subprocess.Popen(
        [sys.executable, "-c", "from builder.cli import run; run()", "build", "--site", str(site), "--jobs", "2"],
        cwd=site,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    workers: set[int] = set()
    while time.monotonic() < deadline and len(workers) < 2 and build.poll() is None:
        workers = _descendants(build.pid)
        time.sleep(0.02)
    assert len(workers) >= 2, "the build finished before its render workers were seen"
    build.send_signal(signal.SIGKILL)
    build.wait()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.1)
    assert not [pid for pid in workers if _alive(pid)], "render workers outlived the killed build"


def test_an_internal_error_log_never_follows_a_planted_symlink(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (tmp_path / "disan-error.log").symlink_to(victim)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def broken_main(**_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "main", broken_main)
    with pytest.raises(SystemExit) as exit_info:
        cli.run()
    assert exit_info.value.code == 3
    assert victim.read_text() == "keep me"
    logs = [p for p in tmp_path.glob("disan-error-*.log") if not p.is_symlink()]
    assert len(logs) == 1 and "RuntimeError: boom" in logs[0].read_text()
    assert str(logs[0]) in capsys.readouterr().err


MB = 2**20


def _meet(folder: str, me: int, other: int) -> tuple[float, float, bool]:
    """A job for the pool: marks its start in `folder`, waits (up to 30 s) for job `other` to
    start as well (-1: none), and returns when it started and ended, on the clock every process
    shares, and whether it saw the other running. Workers spawn slowly under load: a job that
    only slept might end before the second worker is up."""
    started = time.monotonic()
    (Path(folder) / str(me)).touch()
    met = other < 0
    while not met and time.monotonic() < started + 30:
        met = (Path(folder) / str(other)).exists()
        time.sleep(0.05)
    time.sleep(0.2)
    return started, time.monotonic(), met


def test_the_pool_never_runs_together_jobs_whose_memory_estimates_exceed_the_budget(tmp_path: Path) -> None:
    """Two 600-megapixel scans tiled side by side would take ~370 MB; a small image beside one
    of them still keeps both workers busy."""
    calls = [(str(tmp_path), 0, 2), (str(tmp_path), 1, -1), (str(tmp_path), 2, 0), (str(tmp_path), 3, -1)]
    estimates = [200 * MB, 200 * MB, 20 * MB, 20 * MB]
    spans = dict(LocalExecutor(2, budget=300 * MB).run(_meet, calls, memory=estimates))
    assert spans[0][2] and spans[2][2]  # the small job ran beside the first large one
    assert spans[1][0] >= spans[0][1]  # the second large one started once the first had ended


def test_the_next_job_is_the_first_that_fits_and_a_job_alone_always_runs() -> None:
    estimates = [250 * MB, 400 * MB, 40 * MB]
    assert next_fitting([0, 1, 2], [], estimates, 300 * MB) == 0
    assert next_fitting([1, 2], [250 * MB], estimates, 300 * MB) == 2
    assert next_fitting([1], [250 * MB], estimates, 300 * MB) is None
    assert next_fitting([1], [], estimates, 300 * MB) == 1  # over the budget on its own: it runs alone
