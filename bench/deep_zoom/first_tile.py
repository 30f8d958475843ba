"""Benchmark: time to the first sharp deep-zoom tile on the phone profile of `bench/first_view`.

Not part of pytest. Builds a one-exhibit site whose scan (synthetic, `scans.py`)
is marked `zoom: true`, serves it on 127.0.0.1, and in Chromium (Playwright, a fresh phone context
per run, CDP network and CPU throttling, cache off) opens the exhibit page, clicks "Phóng to", then
presses + as often as it takes to reach full resolution at the centre. Per run:

* click → first tile drawn: from the click on "Phóng to" to the viewer's first `tile-drawn`
  (the viewer's bundle, info.json and the first tiles all load after the click);
* key → first full-resolution tile: from the first + of the burst to the first `tile-drawn` of
  the source's highest level; and → fully loaded, until `world.getItemAt(0).getFullyLoaded()`.

Runs alternate between the phone profile and no throttling; medians of each are printed side by
side. The scan is 20,000×30,000 by default, the size issue 11 names (the site's
`max_image_pixels` is raised to let it in).

    .venv/bin/python bench/deep_zoom/first_tile.py [--runs 5] [--size 20000x30000] [--keep DIR]
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from types import ModuleType

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO))
from scans import arguments, load_average, make_site, synthetic_scan  # noqa: E402

from builder.build import SiteBuilder  # noqa: E402
from builder.diagnostics import ContentError, format_text  # noqa: E402


def _module(name: str, path: Path) -> ModuleType:
    """The other benches by path: each is a `run.py`, so none can be imported by its name."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


first_view = _module("first_view_bench", REPO / "bench/first_view/run.py")
PAGE = "/exhibits/scan/"
PROFILES = {"phone": first_view.PROFILES["issue"], "none": first_view.PROFILES["none"]}

# before the click: when the viewer's first tile is drawn (zoom.js marks its frame `.zoom-drawn`)
WATCH_FIRST_TILE = """() => {
  window.__dz = {};
  const frame = document.querySelector('.zoom-frame');
  const link = document.querySelector('a.zoom-open');
  link.addEventListener('click', () => { window.__dz.click = performance.now(); }, true);
  new MutationObserver(() => {
    if (frame.classList.contains('zoom-drawn') && !window.__dz.drawn) window.__dz.drawn = performance.now();
  }).observe(frame, { attributes: true });
}"""

# once the viewer is open: how many presses of + (×1.6 each) reach one image pixel per CSS pixel,
# and a watch on the first tile of the highest level
WATCH_FULL_RESOLUTION = """() => {
  const viewer = document.querySelector('.zoom-frame').zoomViewer;
  const item = viewer.world.getItemAt(0);
  const top = item.source.maxLevel;
  viewer.addHandler('tile-drawn', (e) => {
    if (e.tile.level === top && !window.__dz.sharp) window.__dz.sharp = performance.now();
  });
  const vp = viewer.viewport;
  return Math.ceil(Math.log(vp.imageToViewportZoom(1) / vp.getZoom(true)) / Math.log(1.6));
}"""

FULLY_LOADED = """() => {
  const viewer = document.querySelector('.zoom-frame').zoomViewer;
  return window.__dz.sharp && !viewer.isAnimating() && viewer.world.getItemAt(0).getFullyLoaded()
}"""

# what the page fetched, to check the throttling took: bytes on the wire and when each ended
RESOURCES = """() => performance.getEntriesByType('resource').map((r) => ({
  name: r.name, start: r.startTime, end: r.responseEnd, bytes: r.encodedBodySize }))"""


def build_site(scan: Path, root: Path) -> Path:
    make_site(scan, root)
    try:
        SiteBuilder(root, jobs=1).build()
    except ContentError as error:
        sys.exit(format_text(error.problems))
    return root / "_site"


def measure(pw: object, base: str, profile: dict) -> dict[str, float]:
    load = first_view.Load(pw, base, profile)
    # the site's service worker fetches outside the page's throttling: a phone's would not
    load.cdp.send("Network.setBypassServiceWorker", {"bypass": True})
    try:
        page = load.page
        load.goto(PAGE)
        load.wait_quiet()
        page.evaluate(WATCH_FIRST_TILE)
        page.get_by_role("link", name="Phóng to").click()
        page.wait_for_function("() => window.__dz.drawn", timeout=180_000)
        presses = page.evaluate(WATCH_FULL_RESOLUTION)
        key = page.evaluate("performance.now()")
        for _ in range(presses):
            page.keyboard.press("+")
        page.wait_for_function("() => window.__dz.sharp", timeout=180_000)
        page.wait_for_function(FULLY_LOADED, timeout=180_000, polling=100)
        done = page.evaluate("performance.now()")
        times = page.evaluate("window.__dz")
        loaded = page.evaluate(RESOURCES)
        return {
            "kb_before_first_tile": sum(r["bytes"] for r in loaded if times["click"] <= r["end"] <= times["drawn"])
            / 1024,
            "viewer_js_ms": next(r["end"] - r["start"] for r in loaded if "/deepzoom." in r["name"]),
            "first_tile_ms": times["drawn"] - times["click"],
            "sharp_ms": times["sharp"] - key,
            "loaded_ms": done - key,
            "presses": presses,
        }
    finally:
        load.close()


def main() -> None:
    args = arguments(__doc__, runs=5, size="20000x30000").parse_args()
    work = Path(tempfile.mkdtemp(prefix="disan-first-tile-"))
    scan = synthetic_scan(args.keep or work, args.size)
    print(f"load average at start: {load_average()}; {os.cpu_count()} CPUs")
    out = build_site(scan, work / "site")
    httpd, _ = first_view.start_server(out)
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    results: dict[str, list[dict[str, float]]] = {name: [] for name in PROFILES}
    with sync_playwright() as pw:
        for run in range(args.runs):
            for name, profile in PROFILES.items():
                row = measure(pw, base, profile)
                results[name].append(row)
                print(f"run {run + 1} {name}: " + ", ".join(f"{k} {v:.0f}" for k, v in row.items()), flush=True)
    httpd.shutdown()
    print(f"\n{scan.name}, median of {args.runs} runs (s)\n")
    print("| measure | phone (4× CPU, 1.6 Mbit/s, 150 ms) | no throttling |\n|---|---|---|")
    for key, label in (
        ("first_tile_ms", "click → first tile drawn"),
        ("sharp_ms", "first + → first full-resolution tile drawn"),
        ("loaded_ms", "first + → viewport fully loaded"),
    ):
        cells = [statistics.median(r[key] for r in results[name]) / 1000 for name in PROFILES]
        print(f"| {label} | " + " | ".join(f"{c:.2f}" for c in cells) + " |")
    print(f"\nload average at end: {load_average()}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
