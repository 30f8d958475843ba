"""`disan serve`: rebuild on save, reload event, errors shown while the last good site stays."""

from __future__ import annotations

import json
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
    assert '<script src="/__disan/live.js" defer></script>' in html
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
    assert "<h1 id=\"exhibit-title\">Hiện vật mẫu</h1>" in _get(base + "exhibits/hien-vat-mau/")


def test_authoring_output_never_reaches_the_build_folder(dev_server) -> None:
    server, _ = dev_server
    assert not (server.root / "_site").exists()
    assert server.out_dir.is_relative_to(server.root / ".disan-cache")


@pytest.mark.browser
def test_browser_shows_the_error_then_reloads_when_it_is_fixed(dev_server, browser) -> None:
    server, base = dev_server
    page = browser.new_page()
    page.goto(base + "exhibits/hien-vat-mau/")
    page.wait_for_selector("html[data-disan-live=connected]", state="attached")
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


def test_media_is_served_in_byte_ranges(dev_server) -> None:
    server, base = dev_server
    request = urllib.request.Request(base + "q/HV01/qr.png", headers={"Range": "bytes=0-7"})
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 206 and response.read() == b"\x89PNG\r\n\x1a\n"
        assert response.headers["Content-Range"].startswith("bytes 0-7/")
