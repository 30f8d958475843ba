"""The search index: one Pagefind record per entry and language, built once per content state.

Each record is a small HTML document written for Pagefind, not the published page: its
`<html lang>` puts it in that language's index, its title, kind and thumbnail are Pagefind
metadata, and its text is the summary and the body. Pagefind (1.5 and later) folds tone marks
itself but not đ, which has no Unicode decomposition, so every word with a đ is also given with
d in an attribute Pagefind indexes and never shows (`data-pagefind-index-attrs`).

The index is built in `.disan-cache/search/<key>/`, the key a hash over everything the records
hold (each entry's sources, URL and thumbnail, the builder's code, the theme and the config), so
an unchanged site never runs Pagefind again; the files are published from there. Pagefind's
output is the same bytes for the same records once its language list is sorted. `disan serve`
publishes an edit with the previous folder and builds the new one after (`feature._index_folder`
says why), so a folder is never pruned by the thread that builds one.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from importlib.metadata import version
from pathlib import Path

from pagefind.service import get_executable

PAGEFIND_VERSION = version("pagefind-bin-extended")
ENTRY = "pagefind-entry.json"
# Pagefind's own search UIs and highlighter: the search page is the theme's, so they are not published.
UNUSED = ("pagefind-ui.", "pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.")
PRUNED = ".pruned-"  # an earlier index being deleted
MANIFEST = "files.json"  # in the cache folder: each published file → the hash of its bytes
WITH_STROKED_D = re.compile(r"\b\w*[đĐ]\w*")  # \b: a failed word is not tried again from each letter


@dataclass(frozen=True)
class SearchRecord:
    """One entry in one language as the search shows it; `url` and `image` are from the site root."""

    url: str
    lang: str
    kind: str
    title: str
    image: str
    summary: str
    body_html: str


def folded_words(text: str) -> str:
    """The words of `text` that contain đ, in lower case with d instead (`Đền Đông` → `dền dông`),
    once each; Pagefind drops the tone marks that are left."""
    words = dict.fromkeys(w.lower().replace("đ", "d") for w in WITH_STROKED_D.findall(text))
    return " ".join(words)


def _fold_span(text: str) -> str:
    folded = folded_words(text)
    return f'<span data-pagefind-index-attrs="data-fold" data-fold="{escape(folded)}"></span>' if folded else ""


def record_html(record: SearchRecord) -> str:
    """The document Pagefind reads for one record. Its URL is metadata (`href`): the file's own
    name is only a number. Pagefind reads indexed attributes as text of their element, so the
    title's folds sit beside the heading, not in it (they would join the title)."""
    image = f'<img data-pagefind-meta="image[src]" src="{escape(record.image)}" alt="">' if record.image else ""
    return (
        f'<!DOCTYPE html><html lang="{escape(record.lang)}"><body>'
        f'<h1 data-pagefind-meta="title">{escape(record.title)}</h1>{_fold_span(record.title)}'
        f'<a data-pagefind-meta="href[href]" href="{escape(record.url)}"></a>'
        f'<data data-pagefind-meta="kind[value]" value="{escape(record.kind)}"></data>{image}'
        f"<p>{escape(record.summary)}</p>{record.body_html}"
        f"{_fold_span(record.summary + ' ' + record.body_html)}</body></html>"
    )


def ready_index(key: str, cache: Path) -> Path | None:
    """The folder of the index for `key`, if it has been built."""
    folder = cache / key[:32]
    return folder if (folder / MANIFEST).is_file() else None


def latest_index(cache: Path) -> Path | None:
    """The index built last, whatever its key: what `disan serve` shows while the new one is made."""
    built = [folder for folder in cache.iterdir() if not folder.name.startswith(".") and (folder / MANIFEST).is_file()]
    return max(built, key=lambda folder: (folder / MANIFEST).stat().st_mtime_ns, default=None)


def build_index(records: Iterable[SearchRecord], key: str, cache: Path) -> Path:
    """Run Pagefind over `records` into the folder of `key`; other folders are left alone, as
    a build may be publishing one of them meanwhile (`prune_indexes` drops them later)."""
    folder = cache / key[:32]
    _build(list(records), folder)
    return folder


def prune_indexes(cache: Path, kept: Path) -> None:
    """Drop earlier states of the site's index (a serve session leaves one per edit). Each is
    renamed at once and deleted in a thread: unlinking 50,000 fragments takes seconds that a
    rebuild in `disan serve` need not wait for."""
    for old in cache.iterdir():
        if old != kept and not old.name.startswith("."):
            os.replace(old, cache / f"{PRUNED}{old.name}")
    pruned = [folder for folder in cache.iterdir() if folder.name.startswith(PRUNED)]
    if pruned:
        threading.Thread(target=_delete, args=(pruned,)).start()


def _delete(folders: list[Path]) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


@lru_cache(maxsize=4)
def index_files(folder: Path) -> dict[str, tuple[Path, str]]:
    """Each published file under `pagefind/` → its path in the cache and the hash of its bytes.
    Kept in memory: a folder is named by the key of what it holds, so it never changes, and
    `disan serve` reads it back on every rebuild (50,000 records give 50,000 fragments)."""
    manifest: dict[str, str] = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    return {name: (folder / "files" / name, digest) for name, digest in manifest.items()}


def _build(records: list[SearchRecord], folder: Path) -> None:
    """Index into a temporary folder renamed into place, so a killed build leaves no half index.

    The records are written as files and indexed as one folder by Pagefind's command line (the
    binary of the `pagefind[extended]` wheel). Its Python API answers one request per 0.1 s, so
    adding 4,000 records one by one took minutes, and under load it once answered the final write
    before `pagefind-entry.json` was on disk; the command line exits when every file is written."""
    tmp = folder.with_name(f".{folder.name}.tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    pages, files = tmp / "records", tmp / "files"
    pages.mkdir(parents=True)
    for number, record in enumerate(records):
        (pages / f"{number:06d}.html").write_text(record_html(record), encoding="utf-8")
    _write_index(pages, files)
    shutil.rmtree(pages)
    _drop_unused(files)
    _sort_languages(files / ENTRY)
    manifest = {
        path.relative_to(files).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(files.rglob("*"))
        if path.is_file()
    }
    (tmp / MANIFEST).write_text(json.dumps(manifest, indent=0, sort_keys=True), encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(tmp, folder)


def _drop_unused(files: Path) -> None:
    for path in files.iterdir():
        if path.name.startswith(UNUSED):
            path.unlink()


def _sort_languages(entry: Path) -> None:
    """Pagefind lists the languages in hash-map order, which changes from run to run: sorted,
    the same records give the same bytes."""
    data = json.loads(entry.read_text(encoding="utf-8"))
    data["languages"] = dict(sorted(data["languages"].items()))
    entry.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _write_index(pages: Path, out: Path) -> None:
    executable = get_executable()
    if executable is None:
        raise RuntimeError("Pagefind's binary is missing: reinstall disan (it depends on pagefind[extended])")
    ran = subprocess.run(
        [str(executable), "--site", str(pages), "--output-path", str(out), "--silent"], capture_output=True, text=True
    )
    if ran.returncode != 0:
        raise RuntimeError(f"Pagefind failed ({ran.returncode}): {ran.stderr.strip() or ran.stdout.strip()}")
