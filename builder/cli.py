"""The `disan` command line. Exit codes: 0 success, 1 content errors (or a failed deploy), 2 usage errors."""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import click

from .build import SiteBuilder
from .diagnostics import ContentError, Problem, format_json, format_text
from .features import FEATURES


def _site_option(function):
    return click.option(
        "--site",
        "site",
        type=click.Path(file_okay=False, path_type=Path),
        default=".",
        show_default=True,
        help="Folder that holds site.toml.",
    )(function)


def _feature_flags(function: Callable[..., None]) -> Callable[..., None]:
    """The features' own on/off options of `disan build` (`Feature.build_flags`), after the core ones."""
    flags = [flag for feature in FEATURES for flag in feature.build_flags]
    for flag in reversed(flags):
        function = click.option(f"--{flag.name}", flag.name, is_flag=True, help=flag.help)(function)
    return function


class _ProgressLine:
    """One updating line on a terminal; a line every few seconds in logs, so long builds show life."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.last = time.monotonic()

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done != total and now - self.last < (0.1 if self.tty else 5.0):
            return
        self.last = now
        text = f"{stage}: {done}/{total}"
        if self.tty:
            click.echo(f"\r\033[K{text}", nl=done == total, err=True)
        elif total >= 200 or done != total:
            click.echo(text, err=True)


def _report(problems: list[Problem]) -> None:
    if problems:
        click.echo(format_text(problems), err=True)


def _fail(problems: list[Problem]) -> NoReturn:
    _report(problems)
    errors = sum(1 for p in problems if p.level == "error")
    click.echo(f"{errors} error(s); nothing was written.", err=True)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="disan")
def main() -> None:
    """disan: build a virtual museum from Markdown, panoramas, 3D models and audio."""


@main.command()
@_site_option
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), help="Output folder (default: site.toml's output)."
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=os.cpu_count() or 1,
    show_default=True,
    help="Parallel processes for image work.",
)
@click.option(
    "--release",
    is_flag=True,
    help="The build you publish: record its short codes in shortcodes.toml, where they stay for ever.",
)
@click.option(
    "--scheduler",
    default="",
    metavar="tcp://HOST:8786",
    help="Run the media work on this Dask scheduler's workers (default: site.toml's [build] scheduler, "
    "else local processes); they must see the site and the cache at the same paths.",
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="The build cache (default: site.toml's [build] cache, else .disan-cache in the site).",
)
@_feature_flags
def build(
    site: Path, out: Path | None, jobs: int, release: bool, scheduler: str, cache_dir: Path | None, **flags: bool
) -> None:
    """Build the static site (a trial build unless --release)."""
    from .cluster import SchedulerError

    cache = cache_dir.resolve() if cache_dir else None
    given = frozenset(name for name, on in flags.items() if on)
    builder = SiteBuilder(
        site.resolve(), jobs=jobs, progress=_ProgressLine(), scheduler=scheduler, cache=cache, flags=given
    )
    try:
        result = builder.build(out, release=release)
        _report_cluster(builder)
    except ContentError as exc:
        _fail(exc.problems)
    except SchedulerError as exc:
        click.echo(f"error: {exc}; nothing was written.", err=True)
        sys.exit(1)
    finally:
        builder.close()
    _report(result.warnings)
    click.echo(
        f"built {result.pages} pages, {result.files} files in {result.seconds:.2f} s "
        f"({result.write.written} written, {result.write.reused} unchanged) → {result.out_dir}",
        err=True,
    )
    for line in builder.after_build(result):
        click.echo(line, err=True)
    if result.released:
        _report_recorded(result.unrecorded_codes)
    elif result.unrecorded_codes:
        count = len(result.unrecorded_codes)
        click.echo(
            f"note: {count} short code(s) not yet permanent ({_some(result.unrecorded_codes)}): this trial "
            "build records nothing, so you may still rename and renumber; run `disan build --release` "
            "when you publish (or print labels with `disan qr`) to make them permanent",
            err=True,
        )


def _report_cluster(builder: SiteBuilder) -> None:
    ran = getattr(builder.executor, "tasks_by_worker", None)
    if ran:
        click.echo(f"media work: {sum(ran.values())} task(s) on {len(ran)} Dask worker(s)", err=True)


def _some(codes: list[str], shown: int = 20) -> str:
    """A province catalogue issues 25,000 codes at once: the terminal shows the first few."""
    listed = ", ".join(codes[:shown])
    return listed if len(codes) <= shown else f"{listed} and {len(codes) - shown} more"


def _report_recorded(codes: list[str]) -> None:
    if codes:
        click.echo(
            f"made short codes {_some(codes)} permanent in shortcodes.toml: commit that file with your content",
            err=True,
        )


@main.command()
@_site_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def check(site: Path, fmt: str) -> None:
    """Validate everything and write nothing."""
    result = SiteBuilder(site.resolve()).check()
    if fmt == "json":
        click.echo(format_json(result.problems))
    else:
        _report(result.problems)
        errors = sum(1 for p in result.problems if p.level == "error")
        warnings = len(result.problems) - errors
        click.echo(f"{errors} error(s), {warnings} warning(s)", err=True)
    sys.exit(1 if any(p.level == "error" for p in result.problems) else 0)


@main.command()
@_site_option
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0 for your network).")
def serve(site: Path, port: int, host: str) -> None:
    """Build, watch the files, rebuild what changed and reload the browser."""
    from .serve import serve_site

    serve_site(site.resolve(), host, port)


@main.command()
@_site_option
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), default=Path("qr-labels.html"), show_default=True
)
def qr(site: Path, out: Path) -> None:
    """Write a printable A4 sheet of QR labels (title, code, short URL); printed codes become permanent."""
    from .labels import write_label_sheet

    builder = SiteBuilder(site.resolve())
    result = builder.check()
    if any(p.level == "error" for p in result.problems) or result.site is None or result.theme is None:
        _fail(result.problems)
    count = write_label_sheet(result.site, result.theme, out)
    _report_recorded(builder.record_codes(result.site))
    click.echo(f"wrote {count} labels to {out}; print at 100% scale on A4", err=True)


@main.command("import")
@_site_option
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--kind", type=click.Choice(["relic", "heritage", "exhibit"]), help="What the rows are.")
def import_(site: Path, file: Path, kind: str | None) -> None:
    """Write each row of spreadsheet FILE as a Markdown file, once (never overwrites)."""
    from .catalogue.importer import import_rows
    from .config import load_config
    from .diagnostics import Problems

    problems = Problems()
    config = load_config(site.resolve(), problems)
    imported = import_rows(config, file, kind, problems) if config else None
    if problems.errors or imported is None:
        _fail(problems.sorted())
    _report(problems.sorted())
    if imported.existing:
        click.echo("these files exist already; nothing was written:", err=True)
        click.echo("\n".join(f"  {name}" for name in imported.existing), err=True)
        click.echo("move them away or delete them to import again", err=True)
        sys.exit(1)
    click.echo(f"wrote {len(imported.written)} Markdown file(s) from {file}")
    click.echo("remove the spreadsheet's [[catalogue]] table from site.toml if the files replace it", err=True)


@main.command()
@_site_option
@click.argument("target", required=False)
@click.option("--endpoint-url", help="S3-compatible endpoint (Cloudflare R2, MinIO); default: AWS S3.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Built folder to upload (default: site.toml's output).",
)
@click.option("--dry-run", is_flag=True, help="Print what would be uploaded and deleted; change nothing.")
@click.option("--jobs", type=click.IntRange(1, 64), default=8, show_default=True, help="Parallel uploads.")
def deploy(
    site: Path, target: str | None, endpoint_url: str | None, out: Path | None, dry_run: bool, jobs: int
) -> None:
    """Upload the built site to an S3-compatible bucket TARGET (s3://bucket/prefix): only what changed, in an
    order that never shows half a site, deletions last. Credentials come from the AWS environment variables or
    profiles, never from site.toml."""
    from .config import load_config
    from .deploy import DeployError, deploy_site, resolve_target
    from .diagnostics import Problems
    from .urls import lang_prefix

    problems = Problems()
    config = load_config(site.resolve(), problems)
    if config is None or problems.errors:
        _fail(problems.sorted())
    homes = frozenset({"404.html"} | {lang_prefix(config, lang) + "index.html" for lang in config.languages})
    try:
        where = resolve_target(target, endpoint_url, config.deploy, config.root / "site.toml")
        plan, result = deploy_site(
            out or config.root / config.output, where, homes, dry_run=dry_run, jobs=jobs, progress=_ProgressLine()
        )
    except DeployError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2 if exc.usage else 1)
    if dry_run:
        click.echo("\n".join(plan.lines()) or "nothing to do")
    verb = "would upload" if dry_run else "uploaded"
    size = sum(file.size for file in plan.uploads) / 1e6
    click.echo(
        f"{where}: {verb} {len(plan.uploads)} file(s) ({size:.1f} MB), {result.unchanged} unchanged, "
        f"{'would delete' if dry_run else 'deleted'} {len(plan.deletions)} in {result.seconds:.2f} s",
        err=True,
    )
    if result.foreign:
        click.echo(
            f"note: left alone {result.foreign} object(s) under {where} that disan did not upload as part of this site",
            err=True,
        )


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def new(directory: Path) -> None:
    """Create a small working museum in DIRECTORY."""
    from .scaffold import scaffold

    try:
        scaffold(directory)
    except FileExistsError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    click.echo(f"created a new museum in {directory}; next: cd {directory} && disan serve", err=True)


def run() -> None:
    """Entry point that turns unexpected failures into one clear line, not a traceback."""
    try:
        main(standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the last line of defence for curators
        if os.environ.get("DISAN_DEBUG"):
            raise
        descriptor, log = tempfile.mkstemp(prefix="disan-error-", suffix=".log")  # O_EXCL: no symlink is followed
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(traceback.format_exc())
        click.echo(
            f"internal error: {exc.__class__.__name__}: {exc}\n    this is a bug in disan, not in your "
            f"content; the details are in {log} (set DISAN_DEBUG=1 to see them here)",
            err=True,
        )
        sys.exit(3)
