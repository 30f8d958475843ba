"""`disan deploy` against a real S3-compatible server on 127.0.0.1 (moto's server, spoken to over
HTTP by boto3 exactly as AWS, R2 or MinIO would be): every file with its headers, nothing
uploaded twice, deletions last, and a deploy stopped half-way (by its progress hook, or a
SIGKILL to the `disan deploy` process in the middle of an upload) leaves the served site whole."""

from __future__ import annotations

import logging
import os
import posixpath
import re
import shutil
import signal
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Callable, Iterator
from itertools import count
from pathlib import Path
from typing import Any

import boto3
import pytest
from click.testing import CliRunner
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from PIL import Image
from werkzeug.serving import make_server

from builder.build import SiteBuilder
from builder.cli import main
from builder.deploy import Target, deploy_site
from builder.deploy import bucket as bucket_module
from builder.deploy.bucket import MANIFEST, Bucket
from builder.hosting import content_type
from builder.scaffold import scaffold

REPO = Path(__file__).resolve().parents[1]
HOMES = frozenset({"index.html", "en/index.html", "404.html"})
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, no-cache"
# what a browser must be told for each kind of file a museum publishes
EXPECTED_TYPES = {
    "html": "text/html; charset=utf-8",
    "css": "text/css; charset=utf-8",
    "js": "text/javascript; charset=utf-8",
    "mjs": "text/javascript; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "geojson": "application/geo+json; charset=utf-8",
    "jsonld": "application/ld+json; charset=utf-8",
    "webmanifest": "application/manifest+json; charset=utf-8",
    "xml": "application/xml; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "vtt": "text/vtt; charset=utf-8",
    "svg": "image/svg+xml; charset=utf-8",
    "png": "image/png",
    "jpg": "image/jpeg",
    "webp": "image/webp",
    "avif": "image/avif",
    "glb": "model/gltf-binary",
    "gltf": "model/gltf+json; charset=utf-8",
    "bin": "application/octet-stream",
    "ktx2": "image/ktx2",
    "wasm": "application/wasm",
    "pf_meta": "application/octet-stream",
    "pf_fragment": "application/octet-stream",
    "pf_index": "application/octet-stream",
    "pagefind": "application/octet-stream",
    "opus": "audio/ogg",
    "ogg": "audio/ogg",
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "flac": "audio/flac",
}
REFERENCE = re.compile(r'(?:href|src)="([^"]*)"|srcset="([^"]*)"')
BUCKET_NUMBERS = count()


class Stopped(Exception):
    """Stands for the deploy being killed: raised from the progress hook after some uploads."""


class S3Server:
    """moto's S3 server on 127.0.0.1 (what its ThreadedMotoServer runs), with `before`: called
    with each request before it is answered, so a test can kill a deploy in the middle of one."""

    def __init__(self) -> None:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per request in a failure's report
        moto = DomainDispatcherApplication(create_backend_app)
        self.before: Callable[[dict[str, Any]], None] | None = None

        def app(environ: dict[str, Any], start_response: Any) -> Any:
            if self.before:
                self.before(environ)
            return moto(environ, start_response)

        self.server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=MotoRequestHandler)
        self.endpoint = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join()


@pytest.fixture(scope="module")
def s3_server() -> Iterator[S3Server]:
    server = S3Server()
    yield server
    server.stop()


@pytest.fixture
def s3_endpoint(s3_server: S3Server) -> Iterator[str]:
    yield s3_server.endpoint
    s3_server.before = None


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Credentials as a curator gives them (environment variables); nothing from this machine's ~/.aws."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "curator")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-a-secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))


@pytest.fixture
def bucket(s3_endpoint: str) -> str:
    name = f"museum-{next(BUCKET_NUMBERS)}"
    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket=name)
    return name


@pytest.fixture
def events(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """What every deploy did to the bucket, in order: ('put', key), ('manifest', ''), ('delete', key)."""
    log: list[tuple[str, str]] = []
    put, put_manifest, delete = Bucket.put, Bucket.put_manifest, Bucket.delete
    monkeypatch.setattr(Bucket, "put", lambda self, file: (log.append(("put", file.key)), put(self, file))[1])
    monkeypatch.setattr(
        Bucket, "put_manifest", lambda self, records: (log.append(("manifest", "")), put_manifest(self, records))[1]
    )
    monkeypatch.setattr(
        Bucket, "delete", lambda self, keys: (log.extend(("delete", k) for k in keys), delete(self, keys))[1]
    )
    return log


def _objects(endpoint: str, bucket: str, prefix: str = "") -> set[str]:
    pages = boto3.client("s3", endpoint_url=endpoint).get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return {item["Key"].removeprefix(prefix) for page in pages for item in page.get("Contents", [])}


def _published(out: Path) -> set[str]:
    """What a deploy must upload: every file but the build's own manifest and the static hosts' _headers."""
    return {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - {"_headers", ".disan-manifest.json"}


def _deploy(out: Path, endpoint: str, bucket: str, **options):  # type: ignore[no-untyped-def]
    return deploy_site(out, Target(bucket, "", endpoint), HOMES, jobs=4, **options)


def test_every_file_type_gets_its_content_type() -> None:
    for suffix, expected in EXPECTED_TYPES.items():
        assert content_type(f"pagefind/file.{suffix}") == expected, suffix


def test_the_demo_deploys_whole_with_its_headers_and_a_second_deploy_uploads_nothing(
    built_demo: Path, s3_endpoint: str, bucket: str
) -> None:
    runner = CliRunner()
    command = ["deploy", "--site", str(built_demo.parent), "--out", str(built_demo), f"s3://{bucket}/museum"]
    first = runner.invoke(main, [*command, "--endpoint-url", s3_endpoint])
    assert first.exit_code == 0, first.output
    published = _published(built_demo)
    assert f"uploaded {len(published)} file(s)" in first.stderr
    assert _objects(s3_endpoint, bucket, "museum/") == published | {MANIFEST}
    client = boto3.client("s3", endpoint_url=s3_endpoint)
    suffixes = set()
    for key in sorted(published):
        head = client.head_object(Bucket=bucket, Key=f"museum/{key}")
        suffix = key.rsplit(".", 1)[-1]
        suffixes.add(suffix)
        assert head["ContentType"] == EXPECTED_TYPES.get(suffix, head["ContentType"]), key
        hashed = key.split("/")[0] in ("static", "media", "tiles") or key.endswith(
            (".pf_fragment", ".pf_index", ".pf_meta")
        )
        assert head["CacheControl"] == (IMMUTABLE if hashed else REVALIDATE), key
    assert {"html", "css", "js", "json", "geojson", "jsonld", "svg", "png", "jpg", "webp", "glb", "wasm"} <= suffixes
    assert {"pf_meta", "pf_fragment", "pf_index", "pagefind", "mp3", "vtt", "xml", "txt"} <= suffixes
    served = client.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "museum/open-data/relic.geojson"}
    )
    with urllib.request.urlopen(served) as answer:
        assert answer.headers["Content-Type"] == "application/geo+json; charset=utf-8"

    second = runner.invoke(main, [*command, "--endpoint-url", s3_endpoint])
    assert second.exit_code == 0, second.output
    assert f"uploaded 0 file(s) (0.0 MB), {len(published)} unchanged, deleted 0" in second.stderr


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A new museum built twice: then with a new exhibit, a new stylesheet (so every page and a
    content-hashed name change) and its about page deleted."""
    site = tmp_path_factory.mktemp("deploy") / "museum"
    scaffold(site)
    builder = SiteBuilder(site, jobs=1)
    old = builder.build(site / "old").out_dir
    style = Path(__file__).resolve().parents[1] / "themes/default/static/style.css"
    (site / "themes/default/static").mkdir(parents=True)
    (site / "themes/default/static/style.css").write_text(style.read_text() + "\nbody { letter-spacing: 0.01em }\n")
    Image.new("RGB", (640, 480), (120, 60, 30)).save(site / "assets/images/moi.jpg", quality=85)
    (site / "content/exhibits/moi.md").write_text(
        "---\nid: HV02\ntitle: Hiện vật mới\ncollection: chinh\nimages:\n  - src: assets/images/moi.jpg\n"
        "    alt: Một mảnh gốm nâu\n---\nMới.\n",
        encoding="utf-8",
    )
    (site / "content/about.md").unlink()
    new = builder.build(site / "new").out_dir
    return old, new


def _references(key: str, html: str) -> set[str]:
    """The keys a page names (links, scripts, styles, images), resolved as a browser would."""
    found = set()
    for plain, srcset in REFERENCE.findall(html):
        for ref in [plain] if plain else [part.split()[0] for part in srcset.split(",") if part.strip()]:
            ref = ref.split("#")[0].split("?")[0]
            if not ref or ":" in ref:
                continue
            path = posixpath.normpath(posixpath.join(posixpath.dirname(key), ref).lstrip("/"))
            found.add(("" if path == "." else path + "/") + "index.html" if ref.endswith("/") else path)
    return found


def _assert_whole(old: Path, endpoint: str, bucket: str) -> None:
    """Every file the old site's pages name is still served, and every file (not page) that the
    served pages name is there: a visitor sees old pages or new ones, never a hole."""
    held = _objects(endpoint, bucket)
    client = boto3.client("s3", endpoint_url=endpoint)
    for page in old.rglob("*.html"):
        key = page.relative_to(old).as_posix()
        missing = _references(key, page.read_text(encoding="utf-8")) - held
        assert not missing, f"old page {key} names {missing}, gone from the bucket"
    for key in sorted(k for k in held if k.endswith(".html")):
        html = client.get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8")
        missing = {ref for ref in _references(key, html) if not ref.endswith(".html")} - held
        assert not missing, f"served page {key} names {missing}, not uploaded yet"


def _stop_after(uploads: int):  # type: ignore[no-untyped-def]
    def progress(stage: str, done: int, total: int) -> None:
        if done == uploads:
            raise Stopped

    return progress


def test_a_deploy_killed_half_way_leaves_the_old_site_whole_and_the_next_one_finishes_it(
    two_versions: tuple[Path, Path], s3_endpoint: str, bucket: str, events: list[tuple[str, str]]
) -> None:
    old, new = two_versions
    _deploy(old, s3_endpoint, bucket)
    old_home = (old / "index.html").read_bytes()
    planned, _ = _deploy(new, s3_endpoint, bucket, dry_run=True)
    total = len(planned.uploads)
    assert total > 20 and "about/index.html" in planned.deletions and planned.waves[-1][-1].key == "index.html"
    events.clear()
    for stop in (2, total // 3, total // 3):
        with pytest.raises(Stopped):
            _deploy(new, s3_endpoint, bucket, progress=_stop_after(stop))
        _assert_whole(old, s3_endpoint, bucket)
        home = boto3.client("s3", endpoint_url=s3_endpoint).get_object(Bucket=bucket, Key="index.html")
        assert home["Body"].read() == old_home, "the home page changes last"
    assert ("delete", "about/index.html") not in events
    _, finished = _deploy(new, s3_endpoint, bucket)
    puts = [key for action, key in events if action == "put"]
    assert len(puts) == len(set(puts)) == total, "a stopped deploy's uploads are never sent again"
    assert finished.deleted == len(planned.deletions)
    assert _objects(s3_endpoint, bucket) == _published(new) | {MANIFEST}
    _assert_whole(new, s3_endpoint, bucket)


def test_a_deploy_process_killed_in_the_middle_of_an_upload_leaves_the_old_site_whole(
    two_versions: tuple[Path, Path], s3_server: S3Server, s3_endpoint: str, bucket: str
) -> None:
    old, new = two_versions
    _deploy(old, s3_endpoint, bucket)
    total = len(_deploy(new, s3_endpoint, bucket, dry_run=True)[0].uploads)
    command = [sys.executable, "-m", "builder", "deploy", "--site", str(new.parent), "--out", str(new)]
    command += [f"s3://{bucket}/", "--endpoint-url", s3_endpoint, "--jobs", "2"]
    process = subprocess.Popen(command, env={**os.environ, "PYTHONPATH": str(REPO)}, stderr=subprocess.PIPE)
    uploads = count(1)

    def kill_half_way(request: dict[str, Any]) -> None:
        if request["REQUEST_METHOD"] == "PUT" and MANIFEST not in request["PATH_INFO"]:
            if next(uploads) == total // 2:
                process.send_signal(signal.SIGKILL)
                process.wait()

    s3_server.before = kill_half_way
    process.communicate(timeout=120)
    assert process.returncode == -signal.SIGKILL, "the deploy ran to its end before it was killed"
    s3_server.before = None
    _assert_whole(old, s3_endpoint, bucket)
    assert "about/index.html" in _objects(s3_endpoint, bucket)
    _, finished = _deploy(new, s3_endpoint, bucket)
    skipped = total - finished.uploaded  # the uploads done before the kill, give or take the two in flight
    assert abs(skipped - total // 2) <= 1, "what went up before the kill is not sent again"
    _assert_whole(new, s3_endpoint, bucket)


def test_one_changed_page_is_one_upload_and_a_deleted_page_goes_last(
    two_versions: tuple[Path, Path], s3_endpoint: str, bucket: str, events: list[tuple[str, str]], tmp_path: Path
) -> None:
    out = shutil.copytree(two_versions[1], tmp_path / "site")
    _deploy(out, s3_endpoint, bucket)
    page = out / "exhibits/moi/index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("Mới.", "Mới hơn."), encoding="utf-8")
    events.clear()
    _, changed = _deploy(out, s3_endpoint, bucket)
    assert changed.uploaded_keys == ["exhibits/moi/index.html"] and changed.deleted == 0
    assert events == [("manifest", ""), ("put", "exhibits/moi/index.html"), ("manifest", "")]

    shutil.rmtree(out / "collections/chinh")
    (out / "collections/index.html").write_text("<!DOCTYPE html><title>Sưu tập</title>", encoding="utf-8")
    events.clear()
    _, removed = _deploy(out, s3_endpoint, bucket)
    assert removed.uploaded_keys == ["collections/index.html"] and removed.deleted == 1
    assert events[-1] == ("delete", "collections/chinh/index.html"), "the page is deleted after everything else"
    assert "collections/chinh/index.html" not in _objects(s3_endpoint, bucket)
    events.clear()
    _, again = _deploy(out, s3_endpoint, bucket)
    assert again.uploaded == again.deleted == 0 and events == [], "nothing left to do, not even the manifest"


def test_a_big_file_goes_up_in_parts_and_is_known_by_its_hash_not_its_etag(
    s3_endpoint: str, bucket: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bucket_module, "SINGLE_PUT_LIMIT", 5 * 1024 * 1024)  # S3's smallest part
    (tmp_path / "index.html").write_text("<!DOCTYPE html><title>Bảo tàng</title>", encoding="utf-8")
    (tmp_path / "media").mkdir()
    (tmp_path / "media/scan.glb").write_bytes(bytes(range(256)) * 45_000)  # 11 MB: three parts
    _, first = _deploy(tmp_path, s3_endpoint, bucket)
    head = boto3.client("s3", endpoint_url=s3_endpoint).head_object(Bucket=bucket, Key="media/scan.glb")
    assert head["ETag"].endswith('-3"'), "not an MD5 of the file"
    assert (head["ContentType"], head["CacheControl"]) == ("model/gltf-binary", IMMUTABLE)
    assert first.uploaded == 2 and _deploy(tmp_path, s3_endpoint, bucket)[1].uploaded == 0


def test_dry_run_prints_the_plan_in_order_and_changes_nothing(
    two_versions: tuple[Path, Path], s3_endpoint: str, bucket: str
) -> None:
    old, new = two_versions
    _deploy(old, s3_endpoint, bucket)
    before = _objects(s3_endpoint, bucket)
    result = CliRunner().invoke(
        main, ["deploy", "--out", str(new), "--dry-run", f"s3://{bucket}/", "--endpoint-url", s3_endpoint]
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    order = [line.split()[1] for line in lines]
    style = next(number for number, key in enumerate(order) if key.startswith("static/style."))
    assert lines[style].endswith("(new)") and not any(key.endswith(".html") for key in order[:style])
    assert order.index("exhibits/moi/index.html") < order.index("exhibits/index.html") < order.index("index.html")
    deletions = [number for number, line in enumerate(lines) if line.startswith("delete  ")]
    assert "delete  about/index.html" in lines and deletions == list(range(len(lines) - len(deletions), len(lines)))
    assert "upload  exhibits/hien-vat-mau/index.html (changed)" in lines
    assert _objects(s3_endpoint, bucket) == before


def test_objects_of_others_and_of_other_sites_in_the_bucket_are_left_alone(
    two_versions: tuple[Path, Path], s3_endpoint: str, bucket: str
) -> None:
    client = boto3.client("s3", endpoint_url=s3_endpoint)
    client.put_object(Bucket=bucket, Key="site/logs/visits.txt", Body=b"kept")
    deploy_site(two_versions[1], Target(bucket, "site/v2/", s3_endpoint), HOMES, jobs=4)
    plan, result = deploy_site(two_versions[0], Target(bucket, "site/", s3_endpoint), HOMES, jobs=4)
    assert result.foreign == 1 + len(_published(two_versions[1])) + 1 and not plan.deletions
    held = _objects(s3_endpoint, bucket, "site/")
    assert "logs/visits.txt" in held and "v2/index.html" in held, "another site under the prefix is not ours"


def test_site_toml_gives_the_target_and_curator_errors_are_one_line(
    two_versions: tuple[Path, Path], s3_endpoint: str, bucket: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "museum"
    site.mkdir()
    shutil.copytree(two_versions[0], site / "_site")
    toml = 'title = "Bảo tàng"\n\n[deploy]\ntarget = "s3://{}/v1"\nendpoint_url = "{}"\n'
    (site / "site.toml").write_text(toml.format(bucket, s3_endpoint), encoding="utf-8")
    runner = CliRunner()
    deployed = runner.invoke(main, ["deploy", "--site", str(site)])
    assert deployed.exit_code == 0 and f"s3://{bucket}/v1/: uploaded" in deployed.stderr, deployed.output

    def one_line_error(*args: str) -> str:
        result = runner.invoke(main, ["deploy", "--site", str(site), *args])
        assert result.exit_code in (1, 2) and "Traceback" not in result.output, result.output
        assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
        assert result.stderr.count("\n") == 1, result.stderr
        return result.stderr

    assert "bucket 'no-such-bucket' does not exist" in one_line_error("s3://no-such-bucket/")
    assert "cannot reach http://127.0.0.1:9" in one_line_error("--endpoint-url", "http://127.0.0.1:9")
    assert "is not an s3://bucket/prefix address" in one_line_error("https://example.org/")
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    assert "no credentials for" in one_line_error()
    (site / "site.toml").write_text(toml.format(bucket, s3_endpoint) + 'secret_access_key = "x"\n', encoding="utf-8")
    assert "site.toml:6: [deploy] secret_access_key: credentials never go in site.toml" in one_line_error()
    (site / "site.toml").write_text(toml.format(bucket, s3_endpoint) + 'endpoint = "x"\n', encoding="utf-8")
    assert "unknown [deploy] setting 'endpoint'; did you mean 'endpoint_url'?" in one_line_error()
