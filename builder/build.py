"""The pipeline: load → validate → plan → render → write, with state kept between rebuilds.

`SiteBuilder` keeps only caches (parsed files, hashes, image probes); a rebuild reads what
changed and re-renders only the outputs whose key changed.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from .assets import AssetStore
from .config import SiteConfig, load_config
from .diagnostics import ContentError, Problem, Problems
from .feature import ProcessContext
from .features import FEATURES
from .jobs import Executor, make_executor
from .load import ParseCache, load_site
from .media import ensure_derivatives
from .plan import KeptPlan, Plan, plan_site
from .registry import REGISTRY_FILE, Issued, load_registry, save_registry, unrecorded_codes, updated_registry_text
from .render import Renderer, make_environment
from .snapshot import LastBuild, Listing, list_inputs, record_build, unchanged_build
from .theme import BUILTIN_THEMES, THEME_PARTS, Theme, load_theme
from .validate import ValidatedSite, validate_site
from .write import KeptManifest, OutputFolderError, WriteResult, check_output_folder, write_site

CACHE_DIR = ".disan-cache"
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class CheckResult:
    problems: list[Problem]
    config: SiteConfig | None
    site: ValidatedSite | None
    theme: Theme | None


@dataclass(frozen=True)
class BuildResult:
    out_dir: Path
    pages: int
    files: int
    write: WriteResult
    warnings: list[Problem]
    unrecorded_codes: list[str]  # new codes and hand-overs: recorded by a release, only counted by a trial
    released: bool
    seconds: float
    unsettled: tuple[Callable[[], object], ...] = ()  # work left for after the publish (SiteBuilder.settle_later)


@dataclass
class SiteBuilder:
    root: Path
    jobs: int = 1
    authoring: bool = False
    progress: Progress | None = None
    settle_later: bool = False  # `disan serve`: publish an edit's pages before re-indexing search
    scheduler: str = ""  # a Dask scheduler's address (`--scheduler`): media work on its workers; else [build]
    cache: Path | None = None  # the build cache (`--cache-dir`); else [build] cache, else .disan-cache
    flags: frozenset[str] = frozenset()  # the features' `disan build` flags given (`Feature.build_flags`)
    parse_cache: ParseCache = field(default_factory=ParseCache)
    kept_manifest: KeptManifest = field(default_factory=KeptManifest)  # authoring: the output's keys, in memory
    kept_plan: KeptPlan = field(default_factory=KeptPlan)  # each entry's outputs, for the next rebuild's plan
    _assets: AssetStore | None = None
    _environment: tuple[str, jinja2.Environment] | None = None
    _issued: tuple[tuple[int, int], dict[str, Issued], list[Problem]] | None = None
    _configured_cache: str = ""
    executor: Executor | None = None  # where the media work runs: made by the first build (`media_executor`)

    @property
    def cache_dir(self) -> Path:
        """Where media and hashes are cached; a cluster's workers share it (`cluster.py`)."""
        return self.cache or self.root / (self._configured_cache or CACHE_DIR)

    def media_executor(self, config: SiteConfig) -> Executor:
        """Where heavy media work runs, made once: a Dask cluster if one is named, else local processes.
        Raises `cluster.SchedulerError` before anything is written if the cluster cannot do it."""
        if self.executor is None:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            shared = (self.root, self.cache_dir.resolve())
            self.executor = make_executor(self.jobs, self.scheduler or config.scheduler, shared)
        return self.executor

    def close(self) -> None:
        """Let go of the cluster, if the builds used one."""
        close = getattr(self.executor, "close", None)
        if close is not None:
            close()

    @property
    def assets(self) -> AssetStore:
        if self._assets is None:
            self._assets = AssetStore(self.root, self.cache_dir)
        return self._assets

    def check(self, decode_panoramas: bool = True) -> CheckResult:
        """Load and validate everything; writes nothing but the hash cache. A build does not
        decode panoramas here: the tiler decodes them anyway and reports a broken one."""
        problems = Problems()
        config = load_config(self.root, problems, self.flags)
        if config is None:
            return CheckResult(problems.sorted(), None, None, None)
        self._configured_cache = config.cache
        theme = load_theme(self.root, config.theme, problems, self.assets.digest)
        model = load_site(config, problems, self.parse_cache)
        issued = self._registry(problems)
        site = validate_site(model, self.assets, issued, problems, decode_panoramas)
        self.assets.save()
        return CheckResult(problems.sorted(), config, site, theme)

    def build(self, out_dir: Path | None = None, release: bool = False) -> BuildResult:
        """A trial build unless `release`: only a release makes new short codes permanent."""
        started = time.perf_counter()
        inputs = None if self.authoring else self._list_inputs(out_dir, release)
        if inputs is not None:
            out, listing, record = inputs
            last = unchanged_build(record, out, listing)
            if last is not None and not (release and last.unrecorded_codes):
                return BuildResult(
                    out,
                    last.pages,
                    last.files,
                    WriteResult(0, last.files, 0),
                    last.warnings,
                    last.unrecorded_codes,
                    release,
                    time.perf_counter() - started,
                )
        result = self._build(out_dir, release, started)
        if inputs is not None:
            out, listing, record = inputs
            last = LastBuild(result.pages, result.files, result.warnings, [] if release else result.unrecorded_codes)
            record_build(record, out, listing, last)
        return result

    def _list_inputs(self, out_dir: Path | None, release: bool) -> tuple[Path, Listing, Path] | None:
        """What the build is about to read, listed before it reads it (`snapshot.py`), with the
        output folder and where its record is kept; None when site.toml has a problem."""
        config = load_config(self.root, Problems(), self.flags)
        if config is None:
            return None
        self._configured_cache = config.cache
        out = (out_dir or self.root / config.output).resolve()
        cache = self.cache_dir.resolve()
        themes = [BUILTIN_THEMES / config.theme / part for part in THEME_PARTS]
        listing = list_inputs([self.root, *themes], [out, cache], (str(out), str(cache), release, sorted(self.flags)))
        record = cache / "builds" / f"{hashlib.sha256(str(out).encode()).hexdigest()[:16]}.json"
        return out, listing, record

    def _build(self, out_dir: Path | None, release: bool, started: float) -> BuildResult:
        checked = self.check(decode_panoramas=False)
        errors = [p for p in checked.problems if p.level == "error"]
        if errors or checked.site is None or checked.theme is None or checked.config is None:
            raise ContentError(errors)
        config, site, theme = checked.config, checked.site, checked.theme
        out = (out_dir or self.root / config.output).resolve()
        try:
            check_output_folder(self.root, out)
        except OutputFolderError as exc:
            raise ContentError([Problem("site.toml", 0, "error", "output-folder", exc.message, exc.hint)]) from None
        missing = [p for p in (feature.missing_viewer(site, theme) for feature in FEATURES) if p is not None]
        if missing:
            raise ContentError(missing[:1])
        later: list[Callable[[], object]] | None = [] if self.settle_later else None
        executor = self.media_executor(config)
        context = ProcessContext(self.root, self.assets, self.cache_dir, executor, self.progress, later)
        processed: dict[str, Any] = {}
        for feature in FEATURES:
            processed[feature.name], failures = feature.process(site, context)
            if failures:
                raise ContentError(failures)
        plan = plan_site(site, theme, self.assets, processed, self.authoring, self.kept_plan)
        self._make_media(plan, executor)
        if self._environment is None or self._environment[0] != theme.digest:
            self._environment = (theme.digest, make_environment(theme))
        renderer = Renderer(
            site,
            plan,
            theme,
            self.cache_dir,
            self.authoring,
            self._environment[1],
            jobs=1 if self.authoring else self.jobs,
        )
        in_place = self.kept_manifest if self.authoring else None
        written = write_site(plan.outputs, renderer.write_many, out, self.progress, in_place)
        unrecorded = self.record_codes(site) if release else unrecorded_codes(site.issued, site.holders)
        self.assets.save()
        pages = sum(1 for o in plan.outputs if o.path.endswith(".html"))
        return BuildResult(
            out,
            pages,
            len(plan.outputs),
            written,
            [p for p in checked.problems if p.level == "warning"],
            unrecorded,
            release,
            time.perf_counter() - started,
            tuple(later or ()),
        )

    def after_build(self, result: BuildResult) -> list[str]:
        """Each feature's work on the written site (`Feature.after_build`), and what it tells the curator."""
        return [line for feature in FEATURES for line in feature.after_build(result, self.flags)]

    def _registry(self, problems: Problems) -> dict[str, Issued]:
        """The registry, re-read only when the file changed (it lists every code ever issued)."""
        path = self.root / REGISTRY_FILE
        stamp = (path.stat().st_size, path.stat().st_mtime_ns) if path.is_file() else (0, 0)
        if self._issued is None or self._issued[0] != stamp:
            found = Problems()
            self._issued = (stamp, load_registry(self.root, found), found.items)
        problems.extend(self._issued[2])
        return self._issued[1]

    def _make_media(self, plan: Plan, executor: Executor) -> None:
        def report(done: int, total: int) -> None:
            if self.progress:
                self.progress("images", done, total)

        ensure_derivatives(plan.derivatives, self.cache_dir / "media", executor, report)

    def record_codes(self, site: ValidatedSite) -> list[str]:
        """Make the site's short codes permanent: from now on they may be printed, so they are
        kept for ever. Returns the codes this added or handed over."""
        recorded = unrecorded_codes(site.issued, site.holders)
        save_registry(self.root, updated_registry_text(site.issued, site.holders))
        return recorded
