"""A deploy: what differs between the built folder and the bucket, and the order that keeps the
site whole while it changes. New and changed files go up in waves (see `visibility_rank`), each
wave complete before the next starts; deletions come last, so a deploy stopped at any point
leaves every file the served pages name in place."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from typing import TypeVar

from .bucket import Bucket, s3_errors
from .files import LocalFile, Record, local_files, visibility_rank
from .target import DeployError, Target

Progress = Callable[[str, int, int], None]
T = TypeVar("T")
R = TypeVar("R")


@dataclass
class DeployPlan:
    waves: list[list[LocalFile]]  # uploads, in the order they become visible
    new: set[str]  # keys the bucket does not hold yet (the other uploads change a key it holds)
    unchanged: int
    deletions: list[str]
    foreign: int  # objects under the prefix disan did not upload: never deleted
    remote: dict[str, Record]  # what the bucket is known to hold now
    local: dict[str, Record]
    manifest_current: bool  # the bucket's manifest already lists exactly `local`

    @property
    def uploads(self) -> list[LocalFile]:
        return [file for wave in self.waves for file in wave]

    def lines(self) -> list[str]:
        """The plan as `--dry-run` prints it, in the order the deploy would act."""
        ups = [f"upload  {file.key} ({'new' if file.key in self.new else 'changed'})" for file in self.uploads]
        return ups + [f"delete  {key}" for key in self.deletions]


@dataclass
class DeployResult:
    unchanged: int = 0
    deleted: int = 0
    foreign: int = 0
    seconds: float = 0.0
    uploaded_keys: list[str] = field(default_factory=list)

    @property
    def uploaded(self) -> int:
        return len(self.uploaded_keys)


def deploy_site(
    out_dir: Path,
    target: Target,
    home_pages: frozenset[str],
    dry_run: bool = False,
    jobs: int = 8,
    progress: Progress | None = None,
) -> tuple[DeployPlan, DeployResult]:
    """Upload what changed in `out_dir` to `target`; `home_pages` (keys) become visible last."""
    started = time.monotonic()
    files = local_files(out_dir) if out_dir.is_dir() else {}
    if "index.html" not in files:
        raise DeployError(
            f"no built site in {out_dir} (it has no index.html): run `disan build --release` first, "
            "or give the built folder with --out",
            usage=True,
        )
    with s3_errors(target):
        bucket = Bucket.connect(target)
        plan = plan_deploy(files, bucket, home_pages, jobs)
        result = DeployResult(unchanged=plan.unchanged, foreign=plan.foreign)
        if not dry_run:
            apply_plan(plan, bucket, result, jobs, progress)
    result.seconds = time.monotonic() - started
    return plan, result


def plan_deploy(files: dict[str, LocalFile], bucket: Bucket, home_pages: frozenset[str], jobs: int) -> DeployPlan:
    present = bucket.keys()
    listed = bucket.manifest()
    remote = {key: listed[key] for key in present if key in listed}

    def read_back(key: str) -> None:
        record = bucket.record_of(key)
        if record is not None:
            remote[key] = record

    _in_parallel(read_back, present - listed.keys(), jobs)
    changed = [file for key, file in files.items() if remote.get(key) != file.record]
    changed.sort(key=lambda file: (visibility_rank(file.key, home_pages), file.key))
    waves = [list(wave) for _, wave in groupby(changed, key=lambda file: visibility_rank(file.key, home_pages))]
    local = {key: file.record for key, file in files.items()}
    return DeployPlan(
        waves=waves,
        new={file.key for file in changed if file.key not in remote},
        unchanged=len(files) - len(changed),
        deletions=sorted(remote.keys() - files.keys()),
        foreign=len(present - remote.keys()),
        remote=remote,
        local=local,
        manifest_current=listed == local,
    )


def apply_plan(plan: DeployPlan, bucket: Bucket, result: DeployResult, jobs: int, progress: Progress | None) -> None:
    uploads = plan.uploads
    if uploads:
        # Until every upload is done, the manifest lists only what is true both before and after:
        # a deploy stopped half-way is then read back object by object, never trusted wrongly.
        sending = {file.key for file in uploads}
        bucket.put_manifest({key: record for key, record in plan.remote.items() if key not in sending})

    def uploaded(file: LocalFile) -> None:
        result.uploaded_keys.append(file.key)
        if progress:
            progress("upload", result.uploaded, len(uploads))

    for wave in plan.waves:
        _in_parallel(_uploader(bucket), wave, jobs, uploaded)
    if uploads or plan.deletions or not plan.manifest_current:
        bucket.put_manifest(plan.local)
    if plan.deletions:
        bucket.delete(plan.deletions)
        result.deleted = len(plan.deletions)


def _uploader(bucket: Bucket) -> Callable[[LocalFile], LocalFile]:
    def upload(file: LocalFile) -> LocalFile:
        bucket.put(file)
        return file

    return upload


def _in_parallel(
    work: Callable[[T], R], items: Iterable[T], jobs: int, done: Callable[[R], None] | None = None
) -> None:
    """`work` on every item in threads, `done` on each result in this thread as it comes; on any
    failure (the caller's `done` included) nothing queued is started: what was not sent stays unsent."""
    items = list(items)
    if not items:
        return
    pool = ThreadPoolExecutor(max_workers=max(1, min(jobs, len(items))))
    try:
        for future in as_completed([pool.submit(work, item) for item in items]):
            answer = future.result()
            if done:
                done(answer)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
