"""`disan build --scheduler`: the media work runs on a real Dask scheduler and two workers on
127.0.0.1, started here, and the site comes out byte for byte as a local build makes it; a
worker's bad input is the same curator error; a scheduler that cannot be reached is one line."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import pyvips

from builder.build import SiteBuilder
from builder.diagnostics import ContentError
from builder.scaffold import scaffold
from tests.helpers import tree_digest

pytest.importorskip("distributed", reason="the cluster tests need disan[cluster] (the 'distributed' package)")

STARTUP_SECONDS = 60


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A `dask scheduler` and two single-threaded `dask worker` processes; yields the address."""
    folder = tmp_path_factory.mktemp("dask")
    address_file = folder / "scheduler.json"
    common = ["--no-dashboard"]
    processes = [
        _dask(["scheduler", "--host", "127.0.0.1", "--port", "0", "--scheduler-file", str(address_file)], folder)
    ]
    try:
        _wait_for(address_file.is_file, "the scheduler did not start")
        for name in ("w1", "w2"):
            worker = ["worker", "--scheduler-file", str(address_file), "--nthreads", "1", "--name", name, "--no-nanny"]
            processes.append(_dask([*worker, "--local-directory", str(folder / name), *common], folder))
        from distributed import Client

        with Client(scheduler_file=str(address_file), timeout="20s") as client:
            client.wait_for_workers(2, timeout=STARTUP_SECONDS)
            address = client.scheduler.address
        yield address  # no client of the test's own: the build's must work alone, as in `disan build`
    finally:
        for process in reversed(processes):  # the workers first: they say goodbye to the scheduler
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _dask(arguments: list[str], folder: Path) -> subprocess.Popen:
    module = {"scheduler": "distributed.cli.dask_scheduler", "worker": "distributed.cli.dask_worker"}[arguments[0]]
    log = open(folder / f"{arguments[0]}-{len(list(folder.glob('*.log')))}.log", "w")  # noqa: SIM115 - the process's
    return subprocess.Popen([sys.executable, "-m", module, *arguments[1:]], cwd=folder, stdout=log, stderr=log)


def _wait_for(ready, failure: str) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while not ready():
        if time.monotonic() > deadline:
            pytest.fail(failure)
        time.sleep(0.2)


def _site(root: Path, corpus: Path) -> Path:
    """The scaffold with a tour of a corpus panorama and a synthetic one, and an exhibit with a model."""
    scaffold(root)
    panoramas = root / "assets/panoramas"
    panoramas.mkdir(parents=True)
    shutil.copy(corpus / "panoramas/examplepano.jpg", panoramas / "real.jpg")
    xy = pyvips.Image.xyz(2048, 1024)
    (xy[0].bandjoin([xy[1], xy[0] + xy[1]]) % 256).cast("uchar").jpegsave(str(panoramas / "made.jpg"), Q=90)
    tour = root / "tours/t"
    tour.mkdir(parents=True)
    (tour / "tour.md").write_text("---\ntitle: Tham quan\nstart: a\n---\n", encoding="utf-8")
    for name, file in (("a", "real"), ("b", "made")):
        (tour / f"{name}.md").write_text(f"---\ntitle: {name}\npanorama: assets/panoramas/{file}.jpg\n---\n")
    (root / "assets/models").mkdir()
    shutil.copy(corpus / "models/barrel.glb", root / "assets/models/barrel.glb")
    exhibit = root / "content/exhibits/hien-vat-mau.md"
    text = exhibit.read_text(encoding="utf-8")
    model = "model:\n  src: assets/models/barrel.glb\n  alt: Thùng gỗ\n"
    exhibit.write_text(text.replace("images:\n", model + "images:\n", 1), encoding="utf-8")
    return root


def test_a_cluster_build_gives_the_bytes_of_a_local_one(scheduler: str, tmp_path: Path, corpus: Path) -> None:
    root = _site(tmp_path / "site", corpus)
    local = SiteBuilder(root, jobs=1).build(tmp_path / "local")
    on_cluster = SiteBuilder(root, scheduler=scheduler, cache=tmp_path / "shared-cache")
    try:
        result = on_cluster.build(tmp_path / "cluster")
    finally:
        on_cluster.close()
    ran = getattr(on_cluster.executor, "tasks_by_worker", {})
    assert len(ran) == 2, f"every worker takes part: {ran}"
    assert sum(ran.values()) >= 6  # 2 tile sets, 2 posters, 1 model, the images
    assert any((tmp_path / "shared-cache/tiles").iterdir()), "the workers wrote the tiles into the shared cache"
    assert tree_digest(result.out_dir) == tree_digest(local.out_dir)


def test_bad_input_on_a_worker_is_the_same_curator_error(scheduler: str, tmp_path: Path, corpus: Path) -> None:
    root = _site(tmp_path / "site", corpus)
    real = root / "assets/panoramas/real.jpg"
    real.write_bytes(real.read_bytes()[: real.stat().st_size // 3])  # the header is fine, the pixels end early
    errors = []
    for builder in (
        SiteBuilder(root, jobs=1, cache=tmp_path / "a"),
        SiteBuilder(root, scheduler=scheduler, cache=tmp_path / "b"),
    ):
        with pytest.raises(ContentError) as failed:
            builder.build(tmp_path / "out")
        builder.close()
        errors.append(failed.value.problems)
    assert errors[0] == errors[1] and (errors[0][0].file, errors[0][0].code) == ("tours/t/a.md", "panorama")
    assert not (tmp_path / "out").exists()


def test_a_scheduler_that_cannot_be_reached_is_one_line(tmp_path: Path) -> None:
    root = tmp_path / "site"
    scaffold(root)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nobody listens there
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    run = subprocess.run(
        [sys.executable, "-m", "builder", "build", "--site", str(root), "--scheduler", f"tcp://127.0.0.1:{port}"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert run.returncode == 1
    assert run.stderr.count("\n") == 1 and f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}" in run.stderr
    assert "Traceback" not in run.stderr and not (root / "_site").exists()
