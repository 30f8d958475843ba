"""Shared fixtures: the demo site, the shared corpus, a loopback web server and Chromium."""

from __future__ import annotations

import functools
import http.server
import io
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from builder.build import SiteBuilder
from tests.helpers import HostHeaders

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS}; these tests use its real files")
    return CORPUS


def copy_site(source: Path, target: Path) -> Path:
    """A private copy of a site, without build output or caches."""
    ignore = shutil.ignore_patterns("_site", "_site.*", ".disan-cache", "node_modules", ".git", "EXPECT")
    shutil.copytree(source, target, ignore=ignore)
    return target


def copy_demo(root: Path) -> Path:
    """The demo museum's sources (not its build output or caches) copied to `root`."""
    root.mkdir(parents=True)
    for name in ("site.toml", "shortcodes.toml"):
        if (REPO / name).is_file():
            shutil.copy2(REPO / name, root / name)
    for folder in ("content", "assets", "tours", "data"):
        if (REPO / folder).is_dir():
            copy_site(REPO / folder, root / folder)
    return root


@pytest.fixture(scope="session")
def demo_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_demo(tmp_path_factory.mktemp("demo") / "site")


@pytest.fixture(scope="session")
def built_demo(demo_copy: Path) -> Path:
    """The demo museum, built once for the whole session."""
    result = SiteBuilder(demo_copy, jobs=2).build()
    return result.out_dir


def _host_headers(rules: Path) -> HostHeaders | None:
    return _parsed_host_headers(rules, rules.stat().st_mtime_ns) if rules.is_file() else None


@functools.lru_cache(maxsize=32)
def _parsed_host_headers(rules: Path, mtime_ns: int) -> HostHeaders:
    """Parsed once per version of the file, not on every response."""
    return HostHeaders(rules.read_text(encoding="utf-8"))


class _StaticHostHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files like a static host does: byte ranges (browsers seek media with them), and
    the site's `_headers`, so browser tests run under the published Content-Security-Policy."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def end_headers(self) -> None:
        rules = _host_headers(Path(self.directory) / "_headers")
        if rules is not None:
            path = self.path.split("?", 1)[0].split("#", 1)[0]
            for name, value in rules.for_path(path).items():
                self.send_header(name, value)
        super().end_headers()

    def send_head(self):
        match = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        path = Path(self.translate_path(self.path))
        if not match or not path.is_file():
            return super().send_head()
        data = path.read_bytes()
        start = int(match.group(1))
        end = min(int(match.group(2) or len(data) - 1), len(data) - 1)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        return io.BytesIO(data[start : end + 1])


@pytest.fixture(scope="session")
def serve_dir() -> Iterator:
    """Start a static server on 127.0.0.1 for a folder; returns its base URL."""
    servers = []

    def start(folder: Path) -> str:
        handler = functools.partial(_StaticHostHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.is_file():
        pytest.skip("Chromium is not at /usr/bin/chromium (./run test installs it: apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A 360×740 phone page that fails the test on any request leaving 127.0.0.1."""
    yield from _phone(browser)


@pytest.fixture
def phone_without_worker(browser):
    """`phone` with the site's service worker blocked, for tests that hold or fail a request by
    a route: Playwright's routes do not see what a worker fetches."""
    yield from _phone(browser, service_workers="block")


def _phone(browser, **options) -> Iterator:
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True, has_touch=True, **options
    )
    page = context.new_page()
    page.outside_requests = []

    def record(request) -> None:
        url = request.url
        if not url.startswith(("http://127.0.0.1", "data:", "blob:", "about:")):
            page.outside_requests.append(url)

    page.on("request", record)
    yield page
    context.close()
    assert page.outside_requests == [], f"requests left 127.0.0.1: {page.outside_requests}"
