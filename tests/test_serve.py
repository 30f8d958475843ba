"""`disan serve`: rebuild on save, reload event, errors shown while the last good site stays."""

from __future__ import annotations

import http.client
import json
import mimetypes
import socket
import struct
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from builder.scaffold import scaffold
from builder.serve import DevServer


@pytest.fixture
def dev_server(tmp_path: Path):
    scaffold(tmp_path / "site")
    server = DevServer(tmp_path / "site", "127.0.0.1", 0)
    server.rebuild()
    observer = server.watch()
    threading.Thread(target=server.httpd.serve_forever, daemon=True).start()
    yield server, f"http://127.0.0.1:{server.httpd.server_address[1]}/"
    observer.stop()
    server.httpd.shutdown()
    server.httpd.server_close()


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def _wait_for_generation(server: DevServer, generation: int) -> dict:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if server.state.generation >= generation:
            return server.state.snapshot()
        time.sleep(0.02)
    pytest.fail("no rebuild after the file was saved")


def test_binds_loopback_and_injects_live_reload(dev_server) -> None:
    server, base = dev_server
    assert server.httpd.server_address[0] == "127.0.0.1"
    html = _get(base + "exhibits/hien-vat-mau/")
    assert f'<script src="/__disan/live.js" data-generation="{server.state.generation}" defer></script>' in html
    assert "EventSource" in _get(base + "__disan/live.js")


def test_saving_a_file_rebuilds_and_announces_it(dev_server) -> None:
    server, base = dev_server
    generation = server.state.generation
    with urllib.request.urlopen(base + "__disan/events", timeout=5) as events:
        first = json.loads(events.readline().decode().removeprefix("data: "))
        page = server.root / "content/exhibits/hien-vat-mau.md"
        page.write_text(page.read_text().replace("Một hiện vật để bắt đầu.", "Đã sửa lúc thử."), encoding="utf-8")
        events.readline()
        second = json.loads(events.readline().decode().removeprefix("data: "))
    assert first["generation"] == generation and second["generation"] > generation
    assert second["problems"] == []
    assert "Đã sửa lúc thử." in _get(base + "exhibits/hien-vat-mau/")


def test_errors_are_reported_while_the_last_good_site_is_served(dev_server) -> None:
    server, base = dev_server
    generation = server.state.generation
    page = server.root / "content/exhibits/hien-vat-mau.md"
    page.write_text(page.read_text().replace("title: Hiện vật mẫu", "title: [oops"), encoding="utf-8")
    snapshot = _wait_for_generation(server, generation + 1)
    assert snapshot["problems"][0]["file"] == "content/exhibits/hien-vat-mau.md"
    assert snapshot["problems"][0]["line"] == 3
    assert '<h1 id="exhibit-title">Hiện vật mẫu</h1>' in _get(base + "exhibits/hien-vat-mau/")


def test_authoring_output_never_reaches_the_build_folder(dev_server) -> None:
    server, _ = dev_server
    assert not (server.root / "_site").exists()
    assert server.out_dir.is_relative_to(server.root / ".disan-cache")


def _open_connected(browser, url: str):
    """A tab on `url` whose live-reload script has reached the dev server."""
    page = browser.new_page()
    page.goto(url)
    page.wait_for_selector("html[data-disan-live=connected]", state="attached")
    return page


@pytest.mark.browser
def test_browser_shows_the_error_then_reloads_when_it_is_fixed(dev_server, browser) -> None:
    server, base = dev_server
    page = _open_connected(browser, base + "exhibits/hien-vat-mau/")
    source = server.root / "content/exhibits/hien-vat-mau.md"
    good = source.read_text()
    source.write_text(good.replace("title: Hiện vật mẫu", "title: [oops"), encoding="utf-8")
    overlay = page.locator(".disan-overlay")
    overlay.wait_for(state="visible", timeout=10_000)
    assert "content/exhibits/hien-vat-mau.md:3" in overlay.inner_text()
    assert page.locator("h1").inner_text() == "Hiện vật mẫu", "the last good page stays"
    with page.expect_navigation(timeout=10_000):
        source.write_text(good.replace("title: Hiện vật mẫu", "title: Hiện vật đã sửa"), encoding="utf-8")
    assert page.locator("h1").inner_text() == "Hiện vật đã sửa"
    assert page.locator(".disan-overlay").count() == 0
    page.close()


@pytest.mark.browser
def test_a_good_build_with_a_typo_shows_the_hint_in_the_page(dev_server, browser) -> None:
    """Warnings do not stop the build, so they are shown over the page instead of an error."""
    server, base = dev_server
    page = _open_connected(browser, base + "exhibits/hien-vat-mau/")
    source = server.root / "content/exhibits/hien-vat-mau.md"
    with page.expect_navigation(timeout=10_000):
        source.write_text(
            source.read_text(encoding="utf-8").replace("    caption:", "    captoin:", 1), encoding="utf-8"
        )
    warnings = page.locator(".disan-overlay.disan-warnings")
    warnings.wait_for(state="visible", timeout=10_000)
    text = warnings.inner_text()
    assert "unknown key 'captoin' in images" in text and "did you mean 'caption'" in text
    assert "Hiện vật mẫu" in page.locator("h1").inner_text(), "the rebuilt page is shown under the notice"
    page.close()


def test_media_is_served_in_byte_ranges(dev_server) -> None:
    server, base = dev_server
    request = urllib.request.Request(base + "q/HV01/qr.png", headers={"Range": "bytes=0-7"})
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 206 and response.read() == b"\x89PNG\r\n\x1a\n"
        assert response.headers["Content-Range"].startswith("bytes 0-7/")


def test_iiif_manifests_may_be_read_by_viewers_on_other_sites(dev_server) -> None:
    """Mirador or Universal Viewer on another site loads a manifest, as `_headers` allows on a static host."""
    server, base = dev_server
    with urllib.request.urlopen(base + "iiif/HV01/manifest.json", timeout=5) as response:
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert json.loads(response.read())["type"] == "Manifest"
    with urllib.request.urlopen(base + "exhibits/", timeout=5) as response:
        assert response.headers["Access-Control-Allow-Origin"] is None


OPEN_REDIRECTS = [
    "/%2fevil.example/%2e%2e/exhibits",
    "/%5cevil.example/%2e%2e/exhibits",
    "/%2f%2fevil.example/../exhibits",
    "/%5c%5cevil.example/%2e%2e/exhibits",
    "//evil.example/%2e%2e/exhibits",
    "/exhibits%0d%0aSet-Cookie:%20x=1/..",
    "/%0d%0aLocation:%20http://evil.example/%2e%2e/exhibits",
    "/./exhibits",
    "/exhibits/%2e",
]


@pytest.mark.parametrize("request_path", OPEN_REDIRECTS)
def test_folder_redirects_stay_on_this_host(dev_server, request_path: str) -> None:
    server, base = dev_server
    connection = http.client.HTTPConnection("127.0.0.1", server.httpd.server_address[1], timeout=5)
    connection.request("GET", request_path)
    response = connection.getresponse()
    response.read()
    connection.close()
    if response.status == 301:
        location = response.headers["Location"]
        assert location[0] == "/" and location[1:2] not in ("/", "\\"), location
        assert "\r" not in location and "\n" not in location and "evil" not in location
        assert response.headers["Set-Cookie"] is None
    assert response.status in (301, 200, 403, 404)


def test_redirect_goes_to_the_resolved_folder(dev_server) -> None:
    server, _ = dev_server
    connection = http.client.HTTPConnection("127.0.0.1", server.httpd.server_address[1], timeout=5)
    connection.request("GET", "/%2fevil.example/%2e%2e/exhibits")
    response = connection.getresponse()
    assert response.status == 301 and response.headers["Location"] == "/exhibits/"


def test_a_crash_in_the_build_is_shown_and_the_next_save_rebuilds(dev_server, monkeypatch) -> None:
    server, base = dev_server
    generation = server.state.generation
    good_build = server.builder.build

    def broken_build(out_dir: Path):
        raise RuntimeError("the disk fell off")

    monkeypatch.setattr(server.builder, "build", broken_build)
    page = server.root / "content/exhibits/hien-vat-mau.md"
    page.write_text(page.read_text().replace("Một hiện vật để bắt đầu.", "Lần một."), encoding="utf-8")
    snapshot = _wait_for_generation(server, generation + 1)
    assert "RuntimeError: the disk fell off" in snapshot["problems"][0]["message"]
    assert "Một hiện vật để bắt đầu." in _get(base + "exhibits/hien-vat-mau/"), "the last good site is served"
    monkeypatch.setattr(server.builder, "build", good_build)
    page.write_text(page.read_text().replace("Lần một.", "Lần hai."), encoding="utf-8")
    snapshot = _wait_for_generation(server, generation + 2)
    assert snapshot["problems"] == []
    assert "Lần hai." in _get(base + "exhibits/hien-vat-mau/")


def _drop(connection: socket.socket) -> None:
    """Close the way a browser tab does when it goes away mid-answer: a reset, not a polite goodbye."""
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    connection.close()


def test_dropped_connections_leave_no_traceback(dev_server, capfd) -> None:
    server, base = dev_server
    port = server.httpd.server_address[1]
    stream = socket.create_connection(("127.0.0.1", port), timeout=5)
    stream.sendall(b"GET /__disan/events HTTP/1.1\r\nHost: x\r\n\r\n")
    assert b"text/event-stream" in stream.recv(4096)
    _drop(stream)
    big = server.out_dir / "big.bin"
    big.write_bytes(b"x" * 20_000_000)
    for _ in range(3):
        download = socket.create_connection(("127.0.0.1", port), timeout=5)
        download.sendall(b"GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
        download.recv(1024)
        _drop(download)
    half_sent = socket.create_connection(("127.0.0.1", port), timeout=5)
    half_sent.sendall(b"GET /exhi")
    _drop(half_sent)
    for _ in range(3):
        server.state.publish([], 0.0)
        time.sleep(0.1)
    time.sleep(0.5)
    assert "Traceback" not in capfd.readouterr().err
    assert "Hiện vật mẫu" in _get(base + "exhibits/hien-vat-mau/")


@pytest.mark.browser
def test_seven_tabs_all_reload_after_a_rebuild(dev_server, browser) -> None:
    server, base = dev_server
    context = browser.new_context()
    pages = []
    for _ in range(7):
        page = context.new_page()
        page.goto(base + "exhibits/hien-vat-mau/", timeout=10_000)
        page.wait_for_selector("html[data-disan-live=connected]", state="attached", timeout=10_000)
        pages.append(page)
    source = server.root / "content/exhibits/hien-vat-mau.md"
    source.write_text(source.read_text().replace("title: Hiện vật mẫu", "title: Bảy thẻ"), encoding="utf-8")
    for page in pages:
        page.locator("h1", has_text="Bảy thẻ").wait_for(timeout=10_000)
    context.close()


def test_open_data_files_are_served_with_their_registered_types(tmp_path: Path, monkeypatch) -> None:
    """As `_headers` tells a static host: GeoJSON as application/geo+json, JSON-LD as application/ld+json,
    even where the system's list of types (which Python's mimetypes reads) lacks them."""
    known = mimetypes.guess_type
    monkeypatch.setattr(
        mimetypes,
        "guess_type",
        lambda url, strict=True: (None, None) if str(url).endswith((".geojson", ".jsonld")) else known(url, strict),
    )
    site = tmp_path / "site"
    scaffold(site)
    (site / "content/relics").mkdir()
    (site / "content/relics/den-mau.md").write_text(
        "---\nid: DT1\ntitle: Đền Mẫu\nlatitude: 20.25\nlongitude: 105.97\n---\nĐền.\n", encoding="utf-8"
    )
    server = DevServer(site, "127.0.0.1", 0)
    server.rebuild()
    threading.Thread(target=server.httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.httpd.server_address[1]}/open-data/"
    try:
        for name, expected in (("relic.geojson", "application/geo+json"), ("catalog.jsonld", "application/ld+json")):
            with urllib.request.urlopen(base + name, timeout=5) as response:
                assert response.headers.get_content_type() == expected, name
                json.loads(response.read())
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
