"""`disan serve`: build, watch, rebuild what changed, reload the browser.

The last good site stays served while the content has errors; the errors are shown over
the page in the browser and in the terminal. An edit's pages are published first; the search
index, which Pagefind rebuilds whole, is made after them in a thread of its own, and a rebuild
then swaps it in (the tabs reload), so an edit shows in the time its own pages take. Serving
happens from a folder of its own, so authoring aids never leak into the deployable output.
"""

from __future__ import annotations

import gc
import json
import os
import posixpath
import re
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import click
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

from .build import CACHE_DIR, SiteBuilder
from .config import SOURCE_FOLDERS
from .diagnostics import ContentError, Problem, format_text
from .features import CROSS_ORIGIN_FOLDERS
from .hosting import ANY_ORIGIN, content_type, cross_origin
from .snapshot import IGNORED_PARTS
from .theme import BUILTIN_THEMES

LIVE_DIR = Path(__file__).resolve().parent / "live"
AUTHORING_BUNDLE = BUILTIN_THEMES / "default" / "live" / "authoring.js"
CHANGE_EVENTS = {"created", "deleted", "modified", "moved", "closed"}
IDLE_COLLECT_S = 5.0  # quiet time after a rebuild before the cyclic garbage collector runs
LIVE_TAG = (
    '<link rel="stylesheet" href="/__disan/live.css">'
    '<script src="/__disan/live.js" data-generation="{}" defer></script>'
    '<script type="module" src="/__disan/authoring.js"></script>'
)
DROPPED_CONNECTION = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)


@dataclass
class LiveState:
    """What the browser tabs are told: a build number and the current problems (errors, or the
    warnings of a good build: a typo'd key is as easy to miss in a terminal as in the file)."""

    generation: int = 0
    problems: list[Problem] = field(default_factory=list)
    last_seconds: float = 0.0
    changed: threading.Condition = field(default_factory=threading.Condition)

    def publish(self, problems: list[Problem], seconds: float) -> None:
        with self.changed:
            self.generation += 1
            self.problems = problems
            self.last_seconds = seconds
            self.changed.notify_all()

    def snapshot(self) -> dict:
        return {
            "generation": self.generation,
            "seconds": round(self.last_seconds, 3),
            "problems": [p.as_json() for p in self.problems],
        }


class DevServer:
    def __init__(self, root: Path, host: str, port: int):
        self.root = root
        self.out_dir = root / CACHE_DIR / "serve-site"
        self.builder = SiteBuilder(root, jobs=os.cpu_count() or 1, authoring=True, settle_later=True)
        self.state = LiveState()
        self.lock = threading.Lock()
        self.pending = threading.Event()
        self.unsettled: tuple[Callable[[], object], ...] = ()  # the last good build's work left for later
        self.unsettled_lock = threading.Lock()
        self.settle_wanted = threading.Event()
        self.httpd = ThreadingHTTPServer((host, port), self._handler())
        self.httpd.daemon_threads = True
        self.httpd.handle_error = self._handle_request_error  # type: ignore[method-assign]

    def _handle_request_error(self, request: object, client_address: object) -> None:
        """A browser that closes a tab or stops a download drops its connection: not an error worth a traceback."""
        if isinstance(sys.exc_info()[1], DROPPED_CONNECTION):
            return
        ThreadingHTTPServer.handle_error(self.httpd, request, client_address)  # type: ignore[arg-type]

    def rebuild(self) -> None:
        with self.lock, _collector_paused():
            started = time.perf_counter()
            try:
                result = self.builder.build(self.out_dir)
            except ContentError as exc:
                seconds = time.perf_counter() - started
                click.echo(format_text(exc.problems), err=True)
                click.echo(f"{len(exc.problems)} error(s); still serving the last good site", err=True)
                self.state.publish(exc.problems, seconds)
                return
            except Exception as exc:  # noqa: BLE001 - a bug must not stop the watcher; the tabs and terminal show it
                seconds = time.perf_counter() - started
                click.echo(traceback.format_exc(), err=True)
                problem = Problem(
                    "(disan)",
                    0,
                    "error",
                    "internal-error",
                    f"internal error while building: {exc.__class__.__name__}: {exc}",
                    "this is a bug in disan, not in your content; the details are in the terminal. "
                    "The last good site is still served; saving a file tries again.",
                )
                self.state.publish([problem], seconds)
                return
            seconds = time.perf_counter() - started
            with self.unsettled_lock:  # an older build's work is out of date: only the latest is done
                self.unsettled = result.unsettled
            if result.unsettled:
                self.settle_wanted.set()
            if result.warnings:
                click.echo(format_text(result.warnings), err=True)
            click.echo(f"rebuilt in {seconds * 1000:.0f} ms ({result.write.written} files changed)", err=True)
            self.state.publish(result.warnings, seconds)

    def watch(self) -> BaseObserver:
        server = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                paths = [event.src_path, getattr(event, "dest_path", "")]
                if event.event_type in CHANGE_EVENTS and any(p and server._relevant(str(p)) for p in paths):
                    server.pending.set()

        observer = Observer()
        observer.schedule(Handler(), str(self.root), recursive=False)
        for folder in SOURCE_FOLDERS:
            if (self.root / folder).is_dir():
                observer.schedule(Handler(), str(self.root / folder), recursive=True)
        observer.start()
        threading.Thread(target=self._rebuild_loop, daemon=True).start()
        threading.Thread(target=self._settle_loop, daemon=True).start()
        return observer

    def _relevant(self, path: str) -> bool:
        """Sources only: not outputs (`_site`, the cache), editor swap files or the registry."""
        try:
            parts = Path(path).relative_to(self.root).parts
        except ValueError:
            return False
        if not parts or parts[0].startswith(("_", ".")) or IGNORED_PARTS.intersection(parts):
            return False
        name = parts[-1]
        return (
            not name.startswith((".", "#")) and not name.endswith(("~", ".swp", ".tmp")) and name != "shortcodes.toml"
        )

    def _rebuild_loop(self) -> None:
        garbage = False
        while True:
            if not self.pending.wait(timeout=IDLE_COLLECT_S if garbage else None):
                self.collect_garbage()
                garbage = False
                continue
            time.sleep(0.02)
            self.pending.clear()
            self.rebuild()
            garbage = True

    def collect_garbage(self) -> None:
        """The full collection the rebuilds skip, once the curator has seen the page: it walks
        every object the builder's caches hold (a second or more at 25,000 rows)."""
        with self.lock:
            gc.unfreeze()
            gc.collect()
            gc.freeze()

    def settle(self) -> bool:
        """Do the work the last build left for later (the search index), then rebuild to publish
        it. False when there was none. Runs beside the rebuilds: it only fills the cache."""
        with self.unsettled_lock:
            work, self.unsettled = self.unsettled, ()
        if not work:
            return False
        click.echo("updating the search index …", err=True)
        try:
            for job in work:
                job()
        except Exception:  # noqa: BLE001 - the pages are served; search shows its previous state
            click.echo(traceback.format_exc(), err=True)
            click.echo("the search index could not be updated; it shows the site as it was", err=True)
            return False
        self.rebuild()
        return True

    def _settle_loop(self) -> None:
        while True:
            self.settle_wanted.wait()
            self.settle_wanted.clear()
            self.settle()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_HEAD(self) -> None:
                self.head_only = True
                self.do_GET()

            def do_GET(self) -> None:
                path = unquote(urlsplit(self.path).path)
                if path == "/__disan/events":
                    self._events()
                elif path == "/__disan/state":
                    self._send_json(server.state.snapshot())
                elif path == "/__disan/authoring.js":
                    self._send_file(AUTHORING_BUNDLE, inject=False)
                elif path.startswith("/__disan/"):
                    self._send_file(LIVE_DIR / posixpath.basename(path), inject=False)
                else:
                    self._site_file(path)

            def _site_file(self, path: str) -> None:
                base = server.out_dir.resolve()
                target = (base / path.lstrip("/")).resolve()
                if not target.is_relative_to(base):
                    self.send_error(HTTPStatus.FORBIDDEN)
                    return
                if target.is_dir():
                    if not path.endswith("/"):
                        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                        self.send_header("Location", _folder_location(target.relative_to(base)))
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    target = target / "index.html"
                if target.is_file():
                    self._send_file(
                        target,
                        inject=True,
                        shared=cross_origin(target.relative_to(base).as_posix(), CROSS_ORIGIN_FOLDERS),
                    )
                elif (base / "404.html").is_file():
                    self._send_file(base / "404.html", inject=True, status=HTTPStatus.NOT_FOUND)
                else:
                    self._send_file(LIVE_DIR / "waiting.html", inject=True)

            def _send_file(
                self, file: Path, inject: bool, status: HTTPStatus = HTTPStatus.OK, shared: bool = False
            ) -> None:
                try:
                    data = file.read_bytes()
                except OSError:
                    self.send_error(HTTPStatus.NOT_FOUND)
                    return
                kind = content_type(file.name)
                if inject and kind.startswith("text/html"):
                    live_tag = LIVE_TAG.format(server.state.generation).encode()
                    data = data.replace(b"</head>", live_tag + b"</head>", 1)
                wanted = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
                if wanted and status == HTTPStatus.OK and int(wanted.group(1)) < len(data):
                    # audio and video seek with byte ranges, as on any static host
                    start = int(wanted.group(1))
                    end = min(int(wanted.group(2) or len(data) - 1), len(data) - 1)
                    self.send_response(HTTPStatus.PARTIAL_CONTENT)
                    self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
                    data = data[start : end + 1]
                else:
                    self.send_response(status)
                self.send_header("Accept-Ranges", "bytes")
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Cache-Control", "no-store")
                if shared:
                    self.send_header("Access-Control-Allow-Origin", ANY_ORIGIN)
                self.end_headers()
                if not getattr(self, "head_only", False):
                    self.wfile.write(data)

            def _send_json(self, value: dict) -> None:
                data = json.dumps(value, ensure_ascii=False).encode()
                self.send_response(HTTPStatus.OK)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                if not getattr(self, "head_only", False):
                    self.wfile.write(data)

            def _events(self) -> None:
                """Server-sent events: one message per build, and a heartbeat to keep proxies open."""
                self.send_response(HTTPStatus.OK)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                seen = -1
                try:
                    while True:
                        with server.state.changed:
                            if server.state.generation == seen:
                                server.state.changed.wait(timeout=15)
                            snapshot = server.state.snapshot()
                        if snapshot["generation"] == seen:
                            self.wfile.write(b": keep-alive\n\n")
                        else:
                            seen = snapshot["generation"]
                            self.wfile.write(f"data: {json.dumps(snapshot, ensure_ascii=False)}\n\n".encode())
                        self.wfile.flush()
                except DROPPED_CONNECTION:
                    return

        return Handler


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic collection during a rebuild, and none of what it leaves for the next to scan.

    A rebuild allocates a new model beside the caches; Python's full collections then walk
    every object the caches hold, 1–1.5 s at 25,000 rows, while the curator waits. Refcounting
    still frees almost everything at once; the cycles a rebuild leaves (a sheet and its rows)
    wait for `collect_garbage`, which runs when no edit is waiting."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def _folder_location(folder: Path) -> str:
    """The redirect to a folder's slash form, from the resolved folder only: the raw request could say
    `/%2fevil.example/..`, and a Location of `//evil.example/` would send the browser to another host."""
    parts = [] if folder == Path(".") else folder.parts
    return quote("/" + "".join(part + "/" for part in parts), safe="/")


def serve_site(root: Path, host: str, port: int) -> None:
    server = DevServer(root, host, port)
    server.rebuild()
    observer = server.watch()
    address = f"http://{host}:{server.httpd.server_address[1]}/"
    click.echo(f"serving {root.name or root} at {address} (Ctrl+C to stop)", err=True)
    try:
        server.httpd.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    finally:
        observer.stop()
        server.httpd.server_close()
