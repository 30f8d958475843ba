"""The tiler's entry points: one panorama into a folder, into the content-addressed cache,
or many in worker processes; and reloading a finished tile set.

Why this is a module of its own: these are what the build calls (``panoramas.py``), and
they own what lies around the engines: the cache key, the atomic rename into the cache,
process set-up (libvips cache and threads, glibc's malloc) and per-job errors.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path

import pyvips

from ..jobs import Executor, LocalExecutor, run_missing, sweep_stale_temp, temp_name
from .derivatives import _Derivative, _reusable_equirect
from .geometry import _Canvas, choose_face_size
from .jpeg import strip_jpeg_metadata
from .levels import _levels, _save_preview
from .reproject import _reproject
from .sixfaces import _tile_six_faces
from .source import _check_equirect, _check_six_faces, _normalise, _open, _six_face_paths, vips_reason
from .types import (
    EQUIRECT_PATH,
    MANIFEST,
    SIX_FACE_KEYS,
    TILER_VERSION,
    PanoramaAngles,
    Source,
    TileSet,
    TileSettings,
    TilingError,
)
from .writer import _Writer


def _source_key(source: Source, settings: TileSettings, angles: PanoramaAngles | None) -> str:
    """The tile set's cache folder name: a hash of the tiler version, the settings, the
    angles and the input files' bytes (not their names or dates)."""
    digest = hashlib.sha256()
    digest.update(
        json.dumps(
            {"v": TILER_VERSION, "settings": asdict(settings), "angles": asdict(angles) if angles else None},
            sort_keys=True,
        ).encode()
    )
    paths = (
        [_six_face_paths(source)[k] for k in sorted(SIX_FACE_KEYS)] if isinstance(source, Mapping) else [Path(source)]
    )
    for path in paths:
        try:
            with open(path, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
        except OSError as exc:
            raise TilingError(
                f"cannot read panorama file {path}: {exc.strerror}", "check the file name and folder"
            ) from exc
        digest.update(b"\0")
    return digest.hexdigest()[:32]


def tile_panorama(
    source: Source,
    out_dir: str | os.PathLike,
    settings: TileSettings = TileSettings(),
    angles: PanoramaAngles | None = None,
    *,
    key: str | None = None,
) -> TileSet:
    """Tile one panorama into ``out_dir`` (created; must be new or empty) and return its TileSet.

    ``source`` is an equirectangular JPEG/PNG/TIFF path or a dict of six cube faces.
    ``angles`` override the GPano XMP for partial panoramas.  Raises TilingError for bad input.
    """
    # libvips' operation cache would keep every decoded chunk and strip alive: off
    pyvips.cache_set_max(0)
    _tame_malloc()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if any(out.iterdir()):
        raise ValueError(f"tile_panorama needs an empty folder, {out} is not")
    key = key or _source_key(source, settings, angles)
    writer = _Writer(out, settings)
    warnings: list[str] = []
    if isinstance(source, Mapping):
        _check_six_faces(source, settings)
        n, eq_size = _tile_six_faces(_six_face_paths(source), settings, writer)
    else:
        n, eq_size, warnings = _tile_equirect(source, out, settings, angles, writer)
    fallback = min(settings.fallback_size, n)
    tileset = TileSet(
        key=key,
        face_size=n,
        tile_size=settings.tile_size,
        levels=_levels(n, settings.tile_size),
        preview_face_size=settings.preview_face_size,
        fallback_size=fallback,
        equirect_size=eq_size,
        warnings=tuple(warnings),
    )
    (out / MANIFEST).write_text(json.dumps(tileset.to_json(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return tileset


def _tile_equirect(
    source: str | os.PathLike, out: Path, settings: TileSettings, angles: PanoramaAngles | None, writer: _Writer
) -> tuple[int, tuple[int, int], list[str]]:
    """Tile an equirectangular source: (face size, equirect derivative size, warnings)."""
    resolved, warnings = _check_equirect(source, settings, angles)
    image = _open(source, access="sequential", fail_on="error")
    canvas = _Canvas.place(image.width, image.height, resolved)
    n = choose_face_size(canvas.width, settings.tile_size)
    try:
        image = _normalise(image)
    except pyvips.Error as exc:
        raise TilingError(
            f"cannot convert {Path(source).name} to RGB: {vips_reason(exc)}",
            "export the panorama as an 8-bit RGB JPEG",
        ) from exc
    reusable = _reusable_equirect(Path(source), image, canvas, settings)
    derivative = _Derivative(canvas, settings, out)
    try:
        collect = (lambda _rows: None) if reusable else derivative.add
        previews = _reproject(image, canvas, n, settings, writer, Path(source).name, collect)
    except BaseException:
        derivative.discard()
        raise
    _save_preview(previews, writer, settings.preview_face_size)
    if not reusable:
        return n, derivative.save(writer), warnings
    derivative.discard()
    (out / EQUIRECT_PATH).write_bytes(strip_jpeg_metadata(Path(source).read_bytes()))
    return n, (canvas.width, canvas.height), warnings


def load_tileset(directory: str | os.PathLike) -> TileSet:
    """Reload the TileSet written by ``tile_panorama`` (e.g. from the cache)."""
    data = json.loads((Path(directory) / MANIFEST).read_text(encoding="utf-8"))
    if data.get("tiler_version") != TILER_VERSION:
        raise ValueError(f"{directory} was made by another tiler version")
    return TileSet.from_json(data)


def cached_tile_panorama(
    source: Source,
    cache_dir: str | os.PathLike,
    settings: TileSettings = TileSettings(),
    angles: PanoramaAngles | None = None,
) -> tuple[TileSet, Path]:
    """Tile into ``cache_dir/<key>/`` unless it is already there (then nothing is done).

    The tile set is built in a temporary sibling folder and renamed into place, so an
    interrupted build never leaves a half tile set under the final name.
    """
    import shutil  # here, not at the top: it costs tile_panorama alone ~4 ms of imports (bz2, lzma)

    cache = Path(cache_dir)
    cache.mkdir(parents=True, exist_ok=True)
    key = _source_key(source, settings, angles)
    final = cache / key
    found = _tileset_in_cache(final)
    if found is not None:
        return found, final
    if (final / MANIFEST).is_file():  # a damaged or stale entry
        shutil.rmtree(final, ignore_errors=True)
    temp = cache / temp_name(key)
    try:
        tileset = tile_panorama(source, temp, settings, angles, key=key)
        try:
            os.rename(temp, final)
        except OSError:
            if not (final / MANIFEST).is_file():  # not a concurrent twin: a real failure
                raise
            shutil.rmtree(temp, ignore_errors=True)
            return load_tileset(final), final
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return tileset, final


def _tileset_in_cache(folder: Path) -> TileSet | None:
    """The finished tile set in ``folder``, or None when there is none or it is unreadable."""
    if not (folder / MANIFEST).is_file():
        return None
    try:
        return load_tileset(folder)
    except (ValueError, KeyError, TypeError, json.JSONDecodeError):
        return None


#: A source, or a source and the angles that override its GPano XMP.
Job = Source | tuple[Source, PanoramaAngles | None]


def _job_in_cache(job: Job, cache_dir: str, settings: TileSettings) -> tuple[TileSet, Path] | TilingError | None:
    """A job's tile set if the cache has it (a source that cannot be read: its error), else None."""
    source, angles = job if isinstance(job, tuple) else (job, None)
    try:
        folder = Path(cache_dir) / _source_key(source, settings, angles)
    except TilingError as exc:
        return exc
    found = _tileset_in_cache(folder)
    return None if found is None else (found, folder)


def _run_job(job: Job, cache_dir: str, settings: TileSettings) -> tuple[TileSet, Path] | TilingError:
    """One job, in a worker or not: bad input is returned, not raised, so that it reaches
    the caller with the other jobs' results."""
    source, angles = job if isinstance(job, tuple) else (job, None)
    try:
        return cached_tile_panorama(source, cache_dir, settings, angles)
    except TilingError as exc:
        return exc


def tile_panoramas(
    jobs: Sequence[Job],
    cache_dir: str | os.PathLike,
    settings: TileSettings = TileSettings(),
    workers: int = 1,
    progress: Callable[[int, int, Job], None] | None = None,
    executor: Executor | None = None,
) -> list[tuple[TileSet, Path] | TilingError]:
    """Tile many panoramas through ``executor`` (default: a ``LocalExecutor`` of ``workers``
    processes; each job: source or (source, angles)).

    Results come back in job order; a job with bad input gives its TilingError instead of
    stopping the others.  ``progress(done, total, job)`` is called after each job.
    Processes, not threads: tiling is CPU-bound and libvips is then free of the GIL; one
    vips thread per worker keeps CPU time low and the total predictable.
    Tile sets already in the cache are found here, without starting a worker.
    Temporary folders left in the cache by a killed build are removed first.
    """
    results: list = [None] * len(jobs)
    sweep_stale_temp(Path(cache_dir))
    calls = [(job, os.fspath(cache_dir), settings) for job in jobs]
    executor = executor or LocalExecutor(workers)
    made = run_missing(executor, _job_in_cache, _run_job, calls, _init_worker)
    for done, (index, result) in enumerate(made, start=1):
        results[index] = result
        if progress:
            progress(done, len(jobs), jobs[index])
    return results


def _tame_malloc() -> None:
    """Bound what glibc keeps of freed memory, without returning all of it at once.

    The tiler allocates and frees many multi-megabyte row chunks, strips and maps.
    glibc's default raises its mmap threshold after the first such free and then carves
    them from a heap that fragments (+100-150 MB of peak RSS on a 16k panorama).  A fixed
    threshold stops that, but at 2 MB every 16k row chunk (3 MB) was a fresh mmap whose
    pages were faulted in and zeroed again: ~700k page faults, 2 s of system time.  At
    4 MB (and 16 MB of heap top kept) chunks and strips reuse freed heap: ~100k faults,
    for about 10 MB more peak RSS.  One arena for all threads: since vips worker threads
    decode the chunks (see ``rows._RowStore``), a second arena for them was trimmed and grown
    again all the time (16k: 186k page faults instead of 103k and 0.7 s more CPU; 4k:
    +20% faults; 8-10 MB more peak RSS at every size).
    """
    global _MALLOC_TAMED
    if _MALLOC_TAMED:
        return
    _MALLOC_TAMED = True
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 4 * 1024 * 1024)  # M_MMAP_THRESHOLD: fixed, so no dynamic raise
        libc.mallopt(-1, 16 * 1024 * 1024)  # M_TRIM_THRESHOLD: keep some freed heap for reuse
        libc.mallopt(-8, 1)  # M_ARENA_MAX: one heap for the main thread and the vips workers
    except (OSError, AttributeError):
        pass  # not glibc: nothing to tune


_MALLOC_TAMED = False


def _init_worker() -> None:
    """One libvips thread per worker process (see ``tile_panoramas``)."""
    pyvips.concurrency_set(1)
