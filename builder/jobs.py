"""Where a build's CPU-heavy jobs run, and how they are cleaned up when a build dies.

Callers hand a list of picklable calls to an ``Executor`` and get results back as they
finish.  ``LocalExecutor`` runs them in a pool of local processes; ``cluster.DaskExecutor``
on a Dask cluster whose workers share the site and cache folders.  A build makes one
(``make_executor``) and hands it to every heavy media step through ``ProcessContext``.

A build killed with SIGKILL cannot clean up after itself: ``die_with_parent`` makes the
pool's workers die with it, and ``sweep_stale_temp`` removes, at the next start, the
temporary folders that such a build left behind.
"""

from __future__ import annotations

import os
import re
import signal
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

PR_SET_PDEATHSIG = 1  # linux/prctl.h
MEMORY_BUDGET = 300 * 2**20  # bytes the jobs running at once may be estimated to hold, all workers together


class Executor(Protocol):
    """Runs ``fn(*args)`` for each args tuple; yields ``(index, result)`` as each one ends.

    ``fn`` is a top-level function and ``args`` plain picklable values (paths, hashes,
    settings), so a call can run in another process or on another machine; ``initializer``
    runs once per worker process before its first call (e.g. to set the number of vips
    threads).  Results worth keeping are written by ``fn`` into the content-addressed cache,
    atomically; what comes back is small: records, hashes, and curator errors as values.
    ``memory``, when given, is each call's estimated peak memory in bytes: calls that would
    together exceed ``MEMORY_BUDGET`` on one machine do not run at the same time.
    """

    def run(
        self,
        fn: Callable[..., Any],
        calls: Sequence[tuple],
        initializer: Callable[[], None] | None = None,
        memory: Sequence[int] = (),
    ) -> Iterator[tuple[int, Any]]: ...


class LocalExecutor:
    """A pool of ``workers`` spawned local processes whose workers die with this process.

    One call, or one worker, runs here, in this process: a pool costs a spawn.  Spawned,
    not forked: the parent may hold vips threads.  A call is handed to the pool only when a
    worker is free for it and the memory estimates of the calls running, with its own, fit
    the budget (a call alone always runs): two 600-megapixel scans are tiled one after the
    other, while small images keep both workers busy.
    """

    def __init__(self, workers: int, budget: int = MEMORY_BUDGET) -> None:
        self.workers = workers
        self.budget = budget

    def run(
        self,
        fn: Callable[..., Any],
        calls: Sequence[tuple],
        initializer: Callable[[], None] | None = None,
        memory: Sequence[int] = (),
    ) -> Iterator[tuple[int, Any]]:
        if self.workers <= 1 or len(calls) <= 1:
            yield from ((index, fn(*args)) for index, args in enumerate(calls))
            return
        from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait  # not for serial builds
        from multiprocessing import get_context

        estimates = list(memory) or [0] * len(calls)
        waiting = list(range(len(calls)))
        running: dict[Future[Any], int] = {}
        with ProcessPoolExecutor(
            max_workers=min(self.workers, len(calls)),
            mp_context=get_context("spawn"),
            initializer=_init_local_worker,
            initargs=(os.getpid(), initializer),
        ) as pool:
            while waiting or running:
                index = next_fitting(waiting, [estimates[i] for i in running.values()], estimates, self.budget)
                if index is not None and len(running) < self.workers:
                    waiting.remove(index)
                    running[pool.submit(fn, *calls[index])] = index
                    continue
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    yield running.pop(future), future.result()


def next_fitting(waiting: Sequence[int], running: Sequence[int], estimates: Sequence[int], budget: int) -> int | None:
    """The first waiting call whose estimate, with those of the ``running`` ones, fits ``budget``;
    any call when none runs, so one larger than the budget still runs, alone."""
    if not running:
        return waiting[0] if waiting else None
    room = budget - sum(running)
    return next((index for index in waiting if estimates[index] <= room), None)


def run_missing(
    executor: Executor,
    lookup: Callable[..., Any],
    fn: Callable[..., Any],
    calls: Sequence[tuple],
    initializer: Callable[[], None] | None = None,
    memory: Sequence[int] = (),
) -> Iterator[tuple[int, Any]]:
    """Like ``executor.run``, but what ``lookup(*args)`` finds already made (not None) comes
    back at once, from this process: an unchanged rebuild starts no worker at all."""
    missing: list[int] = []
    for index, args in enumerate(calls):
        found = lookup(*args)
        if found is None:
            missing.append(index)
        else:
            yield index, found
    estimates = [memory[index] for index in missing] if memory else []
    for position, result in executor.run(fn, [calls[index] for index in missing], initializer, estimates):
        yield missing[position], result


def make_executor(jobs: int, scheduler: str, shared: Sequence[Path]) -> Executor:
    """Local processes unless ``scheduler`` names a Dask scheduler (``tcp://host:8786``),
    whose workers must see the ``shared`` folders (the site, the cache) at the same paths."""
    if not scheduler:
        return LocalExecutor(jobs)
    from .cluster import DaskExecutor  # imports `distributed` only for cluster builds

    return DaskExecutor(scheduler, shared)


def _init_local_worker(parent: int, initializer: Callable[[], None] | None) -> None:
    die_with_parent(parent)
    if initializer:
        initializer()


def die_with_parent(parent: int | None = None) -> None:
    """Have the kernel SIGKILL this process when its parent dies (Linux; elsewhere nothing).

    Without it, ``kill -9`` of a build leaves its pool workers running.  ``parent`` is the
    pid the caller expects as parent: if it already died before the call, exit now.
    """
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return  # not Linux/glibc
    if parent is not None and os.getppid() != parent:
        os._exit(1)


TEMP_PREFIX = ".tmp-"
_TEMP_NAME = re.compile(r"\.tmp-.*-(\d+)-[0-9a-f]+")


def temp_name(label: str) -> str:
    """A temporary folder name that says which process owns it (see ``sweep_stale_temp``)."""
    return f"{TEMP_PREFIX}{label}-{os.getpid()}-{os.urandom(4).hex()}"


def write_atomic(path: Path, data: bytes) -> None:
    """Write through a temporary name, so a killed build leaves no half-written file under ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}-{os.urandom(4).hex()}.tmp")
    try:
        temp.write_bytes(data)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def sweep_stale_temp(folder: Path) -> list[Path]:
    """Remove the ``temp_name`` folders in ``folder`` whose owning process is gone.

    Only dead owners' folders go: a concurrent build's work in progress is left alone.
    """
    import shutil  # here: costs a lone tile_panorama ~4 ms of imports (bz2, lzma)

    removed: list[Path] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = _TEMP_NAME.fullmatch(entry.name)
        if match and not _process_alive(int(match.group(1))):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return _state(pid) != "Z"


def _state(pid: int) -> str:
    """The process's state letter from /proc ('Z' for a zombie), or '' when unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rsplit(")", 1)[-1].split()[0]
