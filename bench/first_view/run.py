#!/usr/bin/env python3
"""First-view benchmark: what a phone on a slow network sees first (issue 3).

Builds the demo site into a temp dir, serves it on 127.0.0.1, and loads pages in
/usr/bin/chromium driven by Playwright with a phone context and CDP throttling
(network + 4x CPU, cache disabled).  Measures, median of N runs:

* tour page (/tours/bao-tang/): LCP of the server-rendered poster; the time the WebGL
  canvas first shows the panorama (`disanTour.firstFrame`, the glance's first frame; on builds
  without it the first PSV 'render' after 'panorama-loaded') and `disanTour.ready` (PSV has
  taken over); bytes finished before each of those; gzipped JS; total bytes;
* an exhibit page: LCP and bytes;
* the QR path /Q/<ID>/ -> meta refresh -> exhibit page: time from the first navigation
  to the exhibit page's LCP;
* an exhibit page with a 3D model (issue 4): when its poster is painted (Element Timing),
  that no model bytes (model-viewer, decoders, .glb) load before the visitor asks, then
  the time from pressing "View the 3D model" to model-viewer's `load`.

Not a pytest test.  See README.md for the method and caveats.

    .venv/bin/python bench/first_view/run.py [--runs 3] [--profile issue|devtools|none]
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

# Network profiles for Network.emulateNetworkConditions (bytes/s, ms).
PROFILES = {
    # issue 3: "4x CPU, 1.6 Mbps, 150 ms RTT" (Lighthouse mobileSlow4G figures, applied as-is)
    "issue": dict(latency=150, downloadThroughput=1.6 * 1024 * 1024 / 8, uploadThroughput=750 * 1024 / 8, cpu=4),
    # Lighthouse's own DevTools/applied-throttling values for the same preset (stricter)
    "devtools": dict(
        latency=150 * 3.75, downloadThroughput=1.6 * 1024 * 0.9 * 1024 / 8, uploadThroughput=750 * 0.9 * 1024 / 8, cpu=4
    ),
    "none": dict(latency=0, downloadThroughput=-1, uploadThroughput=-1, cpu=1),
}

GOALS = {
    "tour_first_pixels_s": 2.5,
    "tour_bytes_before_first_view_kb": 500,
    "tour_js_gzip_kb": 250,
    "qr_to_exhibit_lcp_s": 3.0,
    "model_poster_s": 2.5,
}

TOUR_PATH = "/tours/bao-tang/"
EXHIBIT_PATH = "/exhibits/an-hoang-de-chi-bao/"
MODEL_PATH = "/exhibits/trong-dong-ngoc-lu/"
MODEL_BYTES = ("model-viewer", "/decoders.", ".glb")  # what must wait for the visitor's click
QR_PATH = "/Q/AN01/"  # what the printed label encodes (upper case: QR alphanumeric mode)

# Installed before any page script runs.  Records LCP entries, every navigation's
# timeOrigin (sessionStorage survives the QR page's meta refresh), and hooks
# window.disanTour as soon as the tour assigns it.
INIT_SCRIPT = r"""
(() => {
  const W = window;
  W.__fv = { lcp: [], events: {} };
  try {
    const list = JSON.parse(sessionStorage.getItem('__fv_origins') || '[]');
    list.push({ origin: performance.timeOrigin, url: location.href });
    sessionStorage.setItem('__fv_origins', JSON.stringify(list));
  } catch (e) {}
  try {
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) {
        W.__fv.lcp.push({ t: e.startTime, render: e.renderTime, load: e.loadTime, size: e.size,
          url: e.url || '',
          tag: e.element ? e.element.tagName + (e.element.className ? '.' + e.element.className : '') : '' });
      }
    }).observe({ type: 'largest-contentful-paint', buffered: true });
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) W.__fv.events['element_' + e.identifier] = e.renderTime || e.loadTime;
    }).observe({ type: 'element', buffered: true });
  } catch (e) {}
  const mark = (name) => { if (!(name in W.__fv.events)) W.__fv.events[name] = performance.now(); };
  let tour;
  Object.defineProperty(W, 'disanTour', {
    configurable: true, enumerable: true,
    get() { return tour; },
    set(value) {
      tour = value;
      mark('disanTour_set');
      try {
        value.ready.then((ok) => { mark('ready'); W.__fv.readyValue = ok; });
        // the first frame with the panorama, whoever draws it (the glance, or PSV without one)
        if (value.firstFrame) value.firstFrame.then(() => mark('first_frame'));
        const v = value.viewer;
        if (v) {
          v.addEventListener('panorama-loaded', () => {
            mark('panorama_loaded');
            // the first frame drawn with the panorama: next 'render', and rAF as a cross-check
            v.addEventListener('render', () => mark('first_render_after_loaded'), { once: true });
            requestAnimationFrame(() => mark('raf_after_loaded'));
          }, { once: true });
          v.addEventListener('render', () => mark('first_render_any'), { once: true });
        }
      } catch (e) { W.__fv.hookError = String(e); }
    },
  });
})();
"""


# ------------------------------------------------------------------------------ server


class CountingHandler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real host would do
    log_sink: list | None = None

    def setup(self):
        super().setup()
        raw = self.wfile
        handler = self

        class Counter:
            def write(self, b):
                handler._sent += len(b)
                return raw.write(b)

            def flush(self):
                return raw.flush()

            def __getattr__(self, name):
                return getattr(raw, name)

        self._sent = 0
        self.wfile = Counter()

    def handle_one_request(self):
        self._sent = 0
        self._t0 = time.time()
        super().handle_one_request()
        if getattr(self, "requestline", "") and self.log_sink is not None and self._sent:
            self.log_sink.append(
                {
                    "path": unquote(urlsplit(self.path).path) if hasattr(self, "path") else "",
                    "bytes": self._sent,
                    "t0": self._t0,
                    "t1": time.time(),
                }
            )

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    gzip_cache: dict | None = None  # set to a dict to serve text files gzipped (--gzip)

    def do_GET(self):
        if self.gzip_cache is not None and "gzip" in self.headers.get("Accept-Encoding", ""):
            fs = Path(self.translate_path(self.path))
            if fs.is_dir() and self.path.split("?")[0].endswith("/"):
                fs = fs / "index.html"
            if fs.is_file() and fs.suffix in GZIP_TYPES:
                body = self.gzip_cache.get(fs)
                if body is None:
                    body = self.gzip_cache[fs] = gzip.compress(fs.read_bytes(), compresslevel=9, mtime=0)
                self.send_response(200)
                self.send_header("Content-Type", self.guess_type(str(fs)))
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Vary", "Accept-Encoding")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
        super().do_GET()

    def log_message(self, *args):
        pass


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


GZIP_TYPES = {".html", ".css", ".js", ".mjs", ".svg", ".json", ".xml", ".txt"}


def start_server(root: Path, compress: bool = False):
    log: list = []
    attrs = {"log_sink": log, "gzip_cache": {} if compress else None}
    handler = partial(type("H", (CountingHandler,), attrs), directory=str(root))
    httpd = QuietServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, log


# ------------------------------------------------------------------------------ measuring


def gz9(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


class Load:
    """One page load in a fresh browser with CDP throttling; collects network records."""

    def __init__(self, pw, base: str, profile: dict):
        self.base = base
        self.browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        self.context = self.browser.new_context(
            viewport={"width": 412, "height": 823}, device_scale_factor=1.75, is_mobile=True, has_touch=True
        )
        self.context.add_init_script(INIT_SCRIPT)
        self.page = self.context.new_page()
        self.cdp = self.context.new_cdp_session(self.page)
        self.requests: dict[str, dict] = {}
        self.cdp.on("Network.requestWillBeSent", self._sent)
        self.cdp.on("Network.responseReceived", self._response)
        self.cdp.on("Network.dataReceived", self._data)
        self.cdp.on("Network.loadingFinished", self._finished)
        self.cdp.on("Network.loadingFailed", self._failed)
        self.cdp.send("Network.enable")
        self.cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        # a site's service worker fetches outside this page's throttling: a visit must go by the network
        self.cdp.send("Network.setBypassServiceWorker", {"bypass": True})
        net = {k: profile[k] for k in ("latency", "downloadThroughput", "uploadThroughput")}
        self.cdp.send("Network.emulateNetworkConditions", {"offline": False, **net})
        self.cdp.send("Emulation.setCPUThrottlingRate", {"rate": profile["cpu"]})

    def _sent(self, e):
        rid = e["requestId"]
        r = self.requests.get(rid)
        if r is not None and e.get("redirectResponse"):
            # a redirect re-uses the request id: keep the hop as its own record
            hop_bytes = e["redirectResponse"].get("encodedDataLength", 0)
            self.requests[rid + "#" + str(len(self.requests))] = {**r, "finished": e["timestamp"], "bytes": hop_bytes}
        self.requests[rid] = {
            "url": e["request"]["url"],
            "type": e.get("type", ""),
            "start": e["timestamp"],
            "wall": e.get("wallTime"),
            "finished": None,
            "bytes": 0,
            "mime": "",
            "hdr": 0,
            "data": 0,
        }

    def _response(self, e):
        r = self.requests.get(e["requestId"])
        if r is not None:
            r["mime"] = e["response"].get("mimeType", "")
            r["status"] = e["response"].get("status")
            r["hdr"] = e["response"].get("encodedDataLength") or 0

    def _data(self, e):
        r = self.requests.get(e["requestId"])
        if r is not None:
            r["data"] += e.get("encodedDataLength") or 0

    def _finished(self, e):
        r = self.requests.get(e["requestId"])
        if r is not None:
            r["finished"] = e["timestamp"]
            r["bytes"] = e["encodedDataLength"]

    def _failed(self, e):
        r = self.requests.get(e["requestId"])
        if r is not None:
            r["failed"] = e.get("errorText", "failed")
            r["finished"] = e["timestamp"]

    def goto(self, path: str):
        self.page.goto(self.base + path, wait_until="load", timeout=120_000)

    def wait_quiet(self, quiet_s=1.5, timeout_s=60):
        """Until no request has been in flight for quiet_s."""
        end = time.time() + timeout_s
        last_busy = time.time()
        while time.time() < end:
            self.page.wait_for_timeout(250)
            # the browser's own /favicon.ico probe, cancelled by a navigation, never reports an end
            if any(r["finished"] is None and not r["url"].endswith("/favicon.ico") for r in self.requests.values()):
                last_busy = time.time()
            elif time.time() - last_busy >= quiet_s:
                return
        busy = [r["url"] for r in self.requests.values() if r["finished"] is None]
        raise TimeoutError(f"network never went quiet: {busy}")

    def page_time_map(self, doc_url_suffix: str):
        """Function mapping a CDP monotonic timestamp (s) to the page's performance.now() (ms)
        of the document whose URL ends with doc_url_suffix, anchored on its fetchStart."""
        docs = [r for r in self.requests.values() if r["type"] == "Document" and r["url"].endswith(doc_url_suffix)]
        doc = docs[-1]
        fetch_start = self.page.evaluate("performance.getEntriesByType('navigation')[0].fetchStart")
        return lambda ts: (ts - doc["start"]) * 1000 + fetch_start

    def close(self):
        self.browser.close()


def lcp_of(load: Load):
    entries = load.page.evaluate("window.__fv.lcp")
    return entries[-1] if entries else None


def bytes_before(records, t_ms):
    return sum(r["bytes"] for r in records if r["t_end"] is not None and r["t_end"] <= t_ms)


def table_records(load: Load, to_page):
    out = []
    for r in load.requests.values():
        if r["url"].startswith(("data:", "blob:")):
            continue
        # a fetch() sometimes ends with encodedDataLength 0 (and its dataReceived events can come
        # after loadingFinished): fall back on headers + the dataReceived chunks
        size = max(r["bytes"], r["hdr"] + r["data"])
        out.append(
            {
                "url": r["url"],
                "type": r["type"],
                "mime": r["mime"],
                "bytes": size,
                "t_start": to_page(r["start"]),
                "t_end": to_page(r["finished"]) if r["finished"] else None,
                "failed": r.get("failed"),
            }
        )
    out.sort(key=lambda r: r["t_start"])
    return out


def measure_tour(pw, base, profile, root: Path, server_log):
    server_log.clear()
    load = Load(pw, base, profile)
    try:
        load.goto(TOUR_PATH)
        ok = load.page.evaluate(
            "() => Promise.race([window.disanTour.ready.then(() => true),"
            " new Promise(r => setTimeout(() => r(false), 60000))])"
        )
        load.page.wait_for_timeout(500)  # let the 'render' after 'panorama-loaded' land
        load.wait_quiet()
        fv = load.page.evaluate("window.__fv")
        lcp = fv["lcp"][-1] if fv["lcp"] else None
        to_page = load.page_time_map(TOUR_PATH)
        recs = table_records(load, to_page)
        ev = fv["events"]
        canvas = ev.get("first_frame") or ev.get("first_render_after_loaded") or ev.get("raf_after_loaded")
        js_gz = js_raw = js_gz_first = 0
        js_files = []
        for r in recs:
            path = unquote(urlsplit(r["url"]).path)
            if path.endswith(".js") or r["mime"] in ("application/javascript", "text/javascript"):
                data = (root / path.lstrip("/")).read_bytes()
                js_raw += len(data)
                js_gz += gz9(data)
                js_files.append(path)
                if canvas and r["t_end"] is not None and r["t_end"] <= canvas:
                    js_gz_first += gz9(data)
        return {
            "ready_ok": ok and fv.get("readyValue") is True,
            "lcp_ms": lcp and lcp["t"],
            "lcp_elem": lcp and (lcp["tag"] + " " + lcp["url"].rsplit("/", 1)[-1]),
            "canvas_ms": canvas,
            "ready_ms": ev.get("ready"),
            "events": ev,
            "bytes_before_lcp": lcp and bytes_before(recs, lcp["t"]),
            "bytes_before_canvas": canvas and bytes_before(recs, canvas),
            "bytes_total": sum(r["bytes"] for r in recs),
            "server_bytes_total": sum(x["bytes"] for x in server_log),
            "requests": len(recs),
            "server_requests": len(server_log),
            "js_raw": js_raw,
            "js_gzip": js_gz,
            "js_gzip_before_canvas": js_gz_first,
            "js_files": js_files,
            "records": recs,
        }
    finally:
        load.close()


def measure_exhibit(pw, base, profile, path, server_log):
    server_log.clear()
    load = Load(pw, base, profile)
    try:
        load.goto(path)
        load.wait_quiet()
        lcp = lcp_of(load)
        to_page = load.page_time_map(path)
        recs = table_records(load, to_page)
        return {
            "lcp_ms": lcp and lcp["t"],
            "lcp_elem": lcp and (lcp["tag"] + " " + lcp["url"].rsplit("/", 1)[-1]),
            "bytes_before_lcp": lcp and bytes_before(recs, lcp["t"]),
            "bytes_total": sum(r["bytes"] for r in recs),
            "server_bytes_total": sum(x["bytes"] for x in server_log),
            "requests": len(recs),
            "records": recs,
        }
    finally:
        load.close()


def measure_model(pw, base, profile, path, server_log):
    server_log.clear()
    load = Load(pw, base, profile)
    try:
        load.goto(path)
        load.wait_quiet()
        poster = load.page.evaluate("window.__fv.events['element_model-poster'] ?? null")
        early = [r["url"] for r in load.requests.values() if any(m in r["url"] for m in MODEL_BYTES)]
        button = load.page.locator(".model-load")
        started = load.page.evaluate("performance.now()")
        button.click()
        load.page.wait_for_function("() => document.querySelector('model-viewer')?.loaded === true", timeout=120_000)
        loaded = load.page.evaluate("performance.now()")
        load.wait_quiet()
        to_page = load.page_time_map(path)
        recs = table_records(load, to_page)
        return {
            "poster_ms": poster,
            "model_bytes_before_click": early,
            "bytes_before_poster": poster and bytes_before(recs, poster),
            "click_to_load_ms": loaded - started,
            "bytes_after_click": sum(r["bytes"] for r in recs if r["t_start"] >= started),
        }
    finally:
        load.close()


def measure_qr(pw, base, profile, server_log):
    server_log.clear()
    load = Load(pw, base, profile)
    try:
        load.page.goto(base + QR_PATH, wait_until="commit", timeout=120_000)
        load.page.wait_for_url("**" + EXHIBIT_PATH, timeout=120_000)
        load.page.wait_for_load_state("load")
        load.wait_quiet()
        lcp = lcp_of(load)
        origins = load.page.evaluate("JSON.parse(sessionStorage.getItem('__fv_origins'))")
        first, last = origins[0]["origin"], origins[-1]["origin"]
        return {
            "lcp_on_exhibit_ms": lcp and lcp["t"],
            "redirect_ms": last - first,
            "qr_to_lcp_ms": lcp and (last - first + lcp["t"]),
            "lcp_elem": lcp and (lcp["tag"] + " " + lcp["url"].rsplit("/", 1)[-1]),
            "navigations": [o["url"].replace(base, "") for o in origins],
            "bytes_total": sum(max(r["bytes"], r["hdr"] + r["data"]) for r in load.requests.values()),
            "server_bytes_total": sum(x["bytes"] for x in server_log),
        }
    finally:
        load.close()


# ------------------------------------------------------------------------------ main


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt_kb(b):
    return "—" if b is None else f"{b / 1024:.0f} KB"


def fmt_s(ms):
    return "—" if ms is None else f"{ms / 1000:.2f} s"


def compare_tours(built: list[str], runs: int, profile_name: str, compress: bool, json_path: str | None) -> None:
    """The tour page of already built sites, run after run in turn (A B A B …), so the shared
    machine's load falls on each alike; per site the medians of the tour's figures."""
    profile = PROFILES[profile_name]
    servers = [start_server(Path(root), compress=compress) for root in built]
    results: dict[str, list] = {root: [] for root in built}
    with sync_playwright() as pw:
        for i in range(runs):
            for root, (httpd, log) in zip(built, servers, strict=True):
                base = f"http://127.0.0.1:{httpd.server_address[1]}"
                tour = measure_tour(pw, base, profile, Path(root), log)
                results[root].append(tour)
                print(
                    f"run {i + 1} {root}: LCP {fmt_s(tour['lcp_ms'])} canvas {fmt_s(tour['canvas_ms'])} "
                    f"ready {fmt_s(tour['ready_ms'])} bytes<canvas {fmt_kb(tour['bytes_before_canvas'])} "
                    f"JS {fmt_kb(tour['js_gzip'])} gz",
                    file=sys.stderr,
                )
    for httpd, _ in servers:
        httpd.shutdown()
    print(f"\nprofile '{profile_name}', {'gzip' if compress else 'uncompressed'}, median of {runs} interleaved runs\n")
    print("| site | poster LCP | canvas (runs) | ready | bytes before canvas | JS gz before canvas | all JS gz (raw) |")
    print("|---|---|---|---|---|---|---|")
    for root, rows in results.items():

        def m(key: str, rows: list = rows):
            return median([r[key] for r in rows])

        spread = ", ".join(fmt_s(r["canvas_ms"]).removesuffix(" s") for r in rows)
        print(
            f"| {root} | {fmt_s(m('lcp_ms'))} | {fmt_s(m('canvas_ms'))} ({spread}) | {fmt_s(m('ready_ms'))} "
            f"| {fmt_kb(m('bytes_before_canvas'))} | {fmt_kb(m('js_gzip_before_canvas'))} "
            f"| {fmt_kb(m('js_gzip'))} ({fmt_kb(m('js_raw'))}) |"
        )
        print(f"  JS files: {', '.join(rows[0]['js_files'])}")
    if json_path:
        Path(json_path).write_text(json.dumps(results, indent=1, default=str))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--site", default=str(REPO), help="site to build (default: the demo museum in the repo)")
    ap.add_argument("--disan", default=str(Path(sys.executable).parent / "disan"), help="disan executable")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--profile", choices=sorted(PROFILES), default="issue")
    ap.add_argument(
        "--gzip",
        action="store_true",
        help="serve HTML/CSS/JS/SVG gzip -9 encoded, as a real host would (default: uncompressed)",
    )
    ap.add_argument("--json", help="write all raw results to this file")
    ap.add_argument("--requests", action="store_true", help="print the tour's request waterfall (median run)")
    ap.add_argument(
        "--compare",
        nargs="+",
        metavar="BUILT_SITE",
        help="only the tour page of these already built output folders, runs interleaved (before/after a change)",
    )
    args = ap.parse_args()
    if args.compare:
        compare_tours(args.compare, args.runs, args.profile, args.gzip, args.json)
        return
    profile = PROFILES[args.profile]

    tmp = Path(tempfile.mkdtemp(prefix="disan-first-view-"))
    try:
        out = tmp / "site"
        t = time.time()
        subprocess.run(
            [args.disan, "build", "--site", args.site, "--out", str(out)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        print(f"built {args.site} -> {out} in {time.time() - t:.1f} s", file=sys.stderr)
        httpd, log = start_server(out, compress=args.gzip)
        base = f"http://127.0.0.1:{httpd.server_address[1]}"
        results = {
            "gzip": args.gzip,
            "profile": args.profile,
            "settings": profile,
            "tour": [],
            "exhibit": [],
            "qr": [],
            "model": [],
        }
        with sync_playwright() as pw:
            for i in range(args.runs):
                results["tour"].append(measure_tour(pw, base, profile, out, log))
                results["exhibit"].append(measure_exhibit(pw, base, profile, EXHIBIT_PATH, log))
                results["qr"].append(measure_qr(pw, base, profile, log))
                results["model"].append(measure_model(pw, base, profile, MODEL_PATH, log))
                tr, ex, qr, mo = results["tour"][i], results["exhibit"][i], results["qr"][i], results["model"][i]
                print(
                    f"run {i + 1}: tour LCP {fmt_s(tr['lcp_ms'])} canvas {fmt_s(tr['canvas_ms'])} "
                    f"ready {fmt_s(tr['ready_ms'])} bytes<canvas {fmt_kb(tr['bytes_before_canvas'])} "
                    f"total {fmt_kb(tr['bytes_total'])} (server {fmt_kb(tr['server_bytes_total'])}); "
                    f"exhibit LCP {fmt_s(ex['lcp_ms'])} {fmt_kb(ex['bytes_total'])}; "
                    f"QR->LCP {fmt_s(qr['qr_to_lcp_ms'])}; 3D poster {fmt_s(mo['poster_ms'])} "
                    f"click->load {fmt_s(mo['click_to_load_ms'])}",
                    file=sys.stderr,
                )
        httpd.shutdown()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    T, E, Q, M = results["tour"], results["exhibit"], results["qr"], results["model"]
    m = lambda rows, key: median([r[key] for r in rows])  # noqa: E731
    first_pixels = m(T, "lcp_ms")
    summary = {
        "tour_lcp_ms": first_pixels,
        "tour_canvas_ms": m(T, "canvas_ms"),
        "tour_ready_ms": m(T, "ready_ms"),
        "tour_bytes_before_lcp": m(T, "bytes_before_lcp"),
        "tour_bytes_before_canvas": m(T, "bytes_before_canvas"),
        "tour_bytes_total": m(T, "bytes_total"),
        "tour_js_gzip": m(T, "js_gzip"),
        "tour_js_raw": m(T, "js_raw"),
        "exhibit_lcp_ms": m(E, "lcp_ms"),
        "exhibit_bytes_before_lcp": m(E, "bytes_before_lcp"),
        "exhibit_bytes_total": m(E, "bytes_total"),
        "qr_to_lcp_ms": m(Q, "qr_to_lcp_ms"),
        "qr_redirect_ms": m(Q, "redirect_ms"),
        "qr_bytes_total": m(Q, "bytes_total"),
        "model_poster_ms": m(M, "poster_ms"),
        "model_bytes_before_poster": m(M, "bytes_before_poster"),
        "model_click_to_load_ms": m(M, "click_to_load_ms"),
        "model_bytes_after_click": m(M, "bytes_after_click"),
        "model_bytes_before_click": max(len(r["model_bytes_before_click"]) for r in M),
    }
    results["summary"] = summary

    def verdict(value, goal):
        return "—" if value is None else ("PASS" if value <= goal else "MISS")

    s = summary
    rows = [
        (
            "tour: first panorama pixels, poster LCP",
            fmt_s(s["tour_lcp_ms"]),
            "≤ 2.5 s",
            verdict(s["tour_lcp_ms"], 2500),
        ),
        (
            "tour: first panorama pixels, WebGL canvas",
            fmt_s(s["tour_canvas_ms"]),
            "≤ 2.5 s",
            verdict(s["tour_canvas_ms"], 2500),
        ),
        ("tour: disanTour.ready resolved", fmt_s(s["tour_ready_ms"]), "", ""),
        (
            "tour: bytes before poster LCP",
            fmt_kb(s["tour_bytes_before_lcp"]),
            "≤ 500 KB",
            verdict(s["tour_bytes_before_lcp"], 500 * 1024),
        ),
        (
            "tour: bytes before canvas",
            fmt_kb(s["tour_bytes_before_canvas"]),
            "≤ 500 KB",
            verdict(s["tour_bytes_before_canvas"], 500 * 1024),
        ),
        (
            "tour: JS, gzip -9",
            fmt_kb(s["tour_js_gzip"]) + f" ({fmt_kb(s['tour_js_raw'])} raw)",
            "≤ 250 KB",
            verdict(s["tour_js_gzip"], 250 * 1024),
        ),
        ("tour: total bytes of the page load", fmt_kb(s["tour_bytes_total"]), "", ""),
        ("exhibit: LCP", fmt_s(s["exhibit_lcp_ms"]), "", ""),
        (
            "exhibit: bytes before LCP / total",
            f"{fmt_kb(s['exhibit_bytes_before_lcp'])} / {fmt_kb(s['exhibit_bytes_total'])}",
            "",
            "",
        ),
        (
            "QR /Q/AN01/ → exhibit LCP",
            fmt_s(s["qr_to_lcp_ms"]) + f" (redirect {fmt_s(s['qr_redirect_ms'])})",
            "< 3 s",
            verdict(s["qr_to_lcp_ms"], 3000),
        ),
        (
            f"3D page {MODEL_PATH}: poster painted",
            fmt_s(s["model_poster_ms"]) + f" ({fmt_kb(s['model_bytes_before_poster'])} before)",
            "≤ 2.5 s",
            verdict(s["model_poster_ms"], 2500),
        ),
        (
            "3D page: model requests before the click",
            str(s["model_bytes_before_click"]),
            "0",
            "PASS" if s["model_bytes_before_click"] == 0 else "MISS",
        ),
        (
            "3D page: click → model-viewer load",
            fmt_s(s["model_click_to_load_ms"]) + f" ({fmt_kb(s['model_bytes_after_click'])} fetched)",
            "",
            "",
        ),
    ]
    served = "gzip -9 for text" if args.gzip else "uncompressed"
    print(
        f"\nprofile '{args.profile}', server {served}: latency {profile['latency']} ms, down "
        f"{profile['downloadThroughput'] * 8 / 1024 / 1024:.2f} Mbit/s, CPU ×{profile['cpu']}; "
        f"median of {args.runs} runs\n"
    )
    print("| measure | median | goal | |\n|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    print(f"\ntour JS files: {', '.join(T[0]['js_files'])}")
    print(f"LCP elements: tour {T[0]['lcp_elem']}; exhibit {E[0]['lcp_elem']}; QR {Q[0]['lcp_elem']}")

    if args.requests:
        mid = sorted(T, key=lambda r: r["canvas_ms"] or 1e12)[len(T) // 2]
        print(f"\ntour waterfall (run with canvas {fmt_s(mid['canvas_ms'])}; times in page ms):")
        print("events: " + ", ".join(f"{k} {v:.0f}" for k, v in sorted(mid["events"].items(), key=lambda kv: kv[1])))
        for r in mid["records"]:
            end = f"{r['t_end']:7.0f}" if r["t_end"] is not None else "      ?"
            print(f"{r['t_start']:7.0f} {end} {r['bytes']:8d}  {r['type']:<10} {urlsplit(r['url']).path}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main()
