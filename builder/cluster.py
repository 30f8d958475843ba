"""Heavy media work on a Dask cluster: ``disan build --scheduler tcp://host:8786``.

The workers need the site's files and write their results into the build cache, so both
folders must be shared: mounted at the same paths on the build machine and every worker (a
shared folder, NFS).  Calls carry only those paths, content hashes and settings; each
result is renamed into the content-addressed cache by the worker that made it, so the
bytes never travel through the scheduler and a build on a cluster gives the same bytes as
a local one.  A worker's bad input comes back as the same curator error a local build
gives (a value, not a raised exception).  The cluster is contacted when there is media to
make (a rebuild whose media are all cached needs none); a scheduler that cannot be
reached, has no workers, or whose workers cannot see the folders then stops the build
before anything is written, with one line that says so.  An S3-compatible bucket as the
shared cache is not supported yet.
"""

from __future__ import annotations

import importlib.util
import os
import socket
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from distributed import Client

CONNECT_SECONDS = 5
WORKERS_SECONDS = 30


class SchedulerError(Exception):
    """The cluster cannot do the build's work; ``message`` and ``hint`` make one line each."""

    def __init__(self, message: str, hint: str):
        super().__init__(f"{message}; {hint}")
        self.message = message
        self.hint = hint


class DaskExecutor:
    """The ``jobs.Executor`` of a Dask cluster; counts the calls each worker ran.

    It connects when first given work: an unchanged rebuild, whose media are all in the
    cache, does not wait for the cluster."""

    def __init__(self, address: str, shared: Sequence[Path]) -> None:
        if importlib.util.find_spec("distributed") is None:
            raise SchedulerError(
                "building on a Dask cluster needs the 'distributed' package",
                "install it with: pip install 'disan[cluster]' (or build without --scheduler)",
            )
        self.address = address
        self.shared = [os.fspath(folder) for folder in shared]
        self.tasks_by_worker: Counter[str] = Counter()
        self._client: Client | None = None

    @property
    def client(self) -> Client:
        if self._client is None:
            self._client = self._connect()
        return self._client

    def _connect(self) -> Client:
        from distributed import Client

        try:
            _knock(self.address)  # a refused connection in milliseconds, not after the client's retries
            client = Client(self.address, timeout=f"{CONNECT_SECONDS}s", set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise SchedulerError(
                f"cannot reach the Dask scheduler at {self.address}: {_first_line(exc)}",
                "start it (dask scheduler) and its workers, check the address, or build without --scheduler",
            ) from None
        try:
            self._check_workers(client)
        except BaseException:
            client.close()
            raise
        return client

    def _check_workers(self, client: Client) -> None:
        from .plan import CODE_DIGEST

        try:
            client.wait_for_workers(1, timeout=WORKERS_SECONDS)
            seen = client.run(_worker_view, self.shared)
        except (OSError, TimeoutError) as exc:
            raise SchedulerError(
                f"the Dask scheduler at {self.address} has no workers ({_first_line(exc)})",
                "start workers with: dask worker " + self.address,
            ) from None
        for worker, (missing, digest) in sorted(seen.items()):
            if missing:
                raise SchedulerError(
                    f"Dask worker {worker} cannot see the folder {missing}",
                    "mount the site and its cache at the same paths on every worker (a shared folder or NFS)",
                )
            if digest != CODE_DIGEST:
                raise SchedulerError(
                    f"Dask worker {worker} runs another version of disan than this build",
                    "install the same disan on the build machine and every worker",
                )

    def run(
        self,
        fn: Callable[..., Any],
        calls: Sequence[tuple],
        initializer: Callable[[], None] | None = None,
        memory: Sequence[int] = (),
    ) -> Iterator[tuple[int, Any]]:
        """``memory`` is not used: each worker's memory is Dask's (``dask worker --memory-limit``)."""
        from distributed import as_completed

        if not calls:
            return
        futures = [self.client.submit(_call_on_worker, fn, initializer, args, pure=False) for args in calls]
        index = {future.key: position for position, future in enumerate(futures)}
        try:
            for future in as_completed(futures, loop=self.client.loop):
                worker, result = future.result()
                self.tasks_by_worker[worker] += 1
                yield index[future.key], result
        except (OSError, TimeoutError) as exc:
            raise SchedulerError(
                f"the Dask cluster at {self.address} stopped during the build: {_first_line(exc)}",
                "check the scheduler and its workers, then build again (finished work is kept in the cache)",
            ) from None
        finally:
            self.client.cancel([future for future in futures if not future.done()])

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


def _call_on_worker(fn: Callable[..., Any], initializer: Callable[[], None] | None, args: tuple) -> tuple[str, Any]:
    """Runs on a worker: the initializer once per worker process, then the call."""
    from distributed import get_worker

    worker = get_worker()
    if initializer is not None and initializer not in _INITIALIZED:
        initializer()
        _INITIALIZED.add(initializer)
    return worker.address, fn(*args)


_INITIALIZED: set[Callable[[], None]] = set()


def _worker_view(folders: list[str]) -> tuple[str, str]:
    """Runs on each worker: the first shared folder it cannot see ('' if none) and its code digest."""
    from .plan import CODE_DIGEST

    missing = next((folder for folder in folders if not os.path.isdir(folder)), "")
    return missing, CODE_DIGEST


def _knock(address: str) -> None:
    """Open and close a TCP connection to the scheduler's port; OSError if nobody listens."""
    parts = urlsplit(address)
    if parts.hostname is None or parts.port is None:
        raise ValueError("the address needs a host and a port, like tcp://10.0.0.5:8786")
    socket.create_connection((parts.hostname, parts.port), timeout=CONNECT_SECONDS).close()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
