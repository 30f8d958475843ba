"""The feature protocol: how tours, 3D models, narration and later features plug into the stages.

The stage modules (load, validate, build's process step, plan, render) loop over `FEATURES`
and never name a feature; nor do site.toml's reader, the command line and the hosting rules,
which take a feature's own table, build options and shared folders from it too. A feature is a
sub-package that exports one `Feature` object; each hook has a do-nothing default, so a feature
implements only the stages it touches. What a feature learns in one stage reaches the next
through `results`, keyed by the feature's name and read back through the typed accessors each
feature exports (for example `narration.narrations_of(site)`).

Order matters where one feature uses another's results: narration runs before tours, because a
guided tour's audio is checked and published as a narration.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from .diagnostics import Problem
from .urls import entry_url

if TYPE_CHECKING:
    from .assets import AssetStore
    from .build import BuildResult
    from .config import SiteConfig, TableSettings
    from .diagnostics import Problems
    from .jobs import Executor
    from .model import ContentModel, Entry, ImageRef
    from .outputs import Output
    from .plan import Planner
    from .render import Renderer
    from .theme import Theme
    from .validate import ValidatedSite

# What nested keys take: a set lists a mapping's keys, a dict also says what some of them hold,
# and a one-item list means "a list of such mappings".
NestedKeys = set[str] | dict[str, "NestedKeys | None"] | list["NestedKeys"]
# (the fields every entry has, the merged front matter) → the record of one language
RecordBuilder = Callable[[dict[str, Any], dict[str, Any]], "Entry"]
ListMerger = Callable[[list[Any], list[Any]], list[Any]]
# The kinds whose page shows one object or place: an exhibit, a relic, an intangible heritage.
# The features that show an object's media (its 3D model, its narration, the tour it is seen in)
# extend these kinds, so a relic's Markdown file takes the same keys as an exhibit's.
OBJECT_KINDS = ("exhibit", "relic", "heritage")


@dataclass(frozen=True)
class Keys:
    """Front-matter keys, with what nested maps take, which keys a translation cannot change, and
    which hold numbers (text there would silently become the default, so it is an error)."""

    top: frozenset[str] = frozenset()
    nested: Mapping[str, NestedKeys] = field(default_factory=dict)
    inherited: frozenset[str] = frozenset()
    numbers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # number keys (and their nested ones)


@dataclass(frozen=True)
class ContentKind:
    """A kind of Markdown file: where it sits, what it may say and how it becomes a record.

    `place` gives the slug of a file of this kind from its path relative to the site and its
    name without language and `.md` (`tours/den/san.en.md` → `den/san`), or None if the file is
    not of this kind. `short_code` says whether its `id:` is a QR short code it must have
    ("required"), may have ("optional") or does not take (""); `code_target` is the page such a
    code leads to; `shown_at` the URL of the page that shows an entry in its language, for kinds
    without pages of their own (a scene is shown in its tour). `mergers` pair a translation's list
    items with the original's.
    """

    name: str
    keys: Keys
    place: Callable[[PurePosixPath, str], str | None]
    read: RecordBuilder
    folder: str = "content"  # the top-level folder its files are in
    where: str = ""  # where its files go, for the hint about a file in no known folder
    short_code: str = ""
    code_target: Callable[[SiteConfig, Entry], str] | None = None
    shown_at: Callable[[SiteConfig, Entry], str] | None = None  # the page showing an entry, if not its own
    label_context: Callable[[ContentModel, Entry], str] | None = None  # e.g. a scene's tour, on its QR label
    mergers: Mapping[str, ListMerger] = field(default_factory=dict)


@dataclass
class SiteLoad:
    """What the load stage hands each feature after reading the Markdown files: entries by kind,
    slug and language, which a feature may add to or enrich, the source digests, which
    decide every page's key, and a cache the feature keeps between rebuilds."""

    config: SiteConfig
    kinds: Mapping[str, ContentKind]  # every content kind by name, to make records with
    entries: dict[str, dict[str, dict[str, Entry]]]
    digests: dict[str, str]
    problems: Problems
    unreadable: list[str]
    cache: dict[str, Any]


@dataclass
class SiteCheck:
    """What the validate stage hands each feature: the model, the asset store, the problem list,
    and `results`, where each feature leaves what later stages need."""

    model: ContentModel
    assets: AssetStore
    problems: Problems
    check_image: Callable[[ImageRef], None]  # the museum's own image rules: file, format, pixel limit
    results: dict[str, Any] = field(default_factory=dict)
    # decode whole panoramas to find truncated files; a build leaves that to the tiler, which
    # decodes them anyway and reports the same error at the same line
    decode_panoramas: bool = True


@dataclass(frozen=True)
class ProcessContext:
    """What the process step gives a feature's heavy media work (tiling, packing).

    The work goes through `executor` (local processes or a Dask cluster, `jobs.Executor`):
    top-level functions with plain arguments that write their results into `cache_dir`
    under a content key and return small records, bad input as values."""

    root: Path
    assets: AssetStore
    cache_dir: Path
    executor: Executor
    progress: Callable[[str, int, int], None] | None
    # `disan serve` only: slow work (the search index) a feature may leave for after the pages are
    # published, showing its previous result meanwhile; None: everything is done before the write.
    settle_later: list[Callable[[], object]] | None = None


@dataclass(frozen=True)
class BuildFlag:
    """An on/off option a feature adds to `disan build` (`--kiosk`). The names of those given reach
    the feature's `settings` (`TableSettings.flags`) and its `after_build`."""

    name: str  # the option is `--<name>`
    help: str


class Feature:
    """One feature's part in each stage; every hook's default does nothing."""

    name = "feature"
    kinds: tuple[ContentKind, ...] = ()
    extends: Mapping[str, Keys] = {}  # keys it adds to other kinds' files, by kind name
    page_kinds: Mapping[str, str] = {}  # the feature's page kinds → the kind of entry each shows ("" for none)
    static_folders: tuple[str, ...] = ()  # theme folders whose files keep fixed names: versioned as a whole
    framed_kinds: frozenset[str] = frozenset()  # page kinds other sites may frame (a lesson embeds a story)
    unlisted_kinds: tuple[str, ...] = ()  # its page kinds kept out of the sitemap (marked noindex)
    # top-level output folders other sites' viewers fetch with scripts: readable from every origin
    cross_origin_folders: tuple[str, ...] = ()
    settings_table: str = ""  # its own site.toml table, read by `settings` ("" for none)
    build_flags: tuple[BuildFlag, ...] = ()  # its options of `disan build`

    def settings(self, table: TableSettings) -> object:
        """What the feature makes of its site.toml table (checked, problems at the table's line),
        kept in `SiteConfig.feature_settings[settings_table]` for its own accessor to read."""
        return table.table

    def after_build(self, result: BuildResult, flags: frozenset[str]) -> list[str]:
        """Work on the written site that `disan build` does after the pipeline (the kiosk's zip),
        given the build flags; the lines it tells the curator."""
        return []

    def load(self, loading: SiteLoad) -> None:
        """Entries from sources other than Markdown files (a spreadsheet's rows): added to
        `loading.entries`, or merged into the Markdown entries there. A source that cannot be
        read goes into `loading.unreadable`, so that its short codes are not reported as gone."""

    def validate(self, check: SiteCheck) -> None:
        """Check what the feature reads; leave records for later stages in `check.results[self.name]`."""

    def missing_viewer(self, site: ValidatedSite, theme: Theme) -> Problem | None:
        """The theme bundle the feature needs and cannot find, before any media work starts."""
        return None

    def unused_static(self, site: ValidatedSite, name: str) -> bool:
        """Whether a theme static file this feature ships can be left out of this site."""
        return False

    def policies(self, site: ValidatedSite, theme: Theme, ladder: tuple[str, ...]) -> tuple[str, ...]:
        """The CSP ladder (csp.LADDER), with any rung the feature must tighten or widen for this site."""
        return ladder

    def policy(self, site: ValidatedSite, page_kind: str) -> int:
        """The rung of the ladder every page of a kind needs, for `_headers` (csp.PAGE, VIEWER, MODEL)."""
        return 0

    def process(self, site: ValidatedSite, context: ProcessContext) -> tuple[Any, list[Problem]]:
        """Heavy media work, cached by content hash; its result reaches plan and render."""
        return None, []

    def image_refs(self, site: ValidatedSite) -> Iterable[ImageRef]:
        """Images the feature shows, planned with the site's responsive images."""
        return ()

    def entry_deps(self, planner: Planner, entry: Entry) -> object:
        """What the feature adds to a page that shows `entry`, for that page's key."""
        return ""

    def entry_facts(self, planner: Planner) -> object:
        """All `entry_deps` reads besides the entry, its other languages and the settings: while
        they and an entry's sources are unchanged, a rebuild keeps the entry's key from the last
        plan (`Planner.entry_key`). `None` says the feature cannot tell, and every entry's key is
        then made again; a feature that overrides `entry_deps` overrides this too."""
        return None

    def plan(self, planner: Planner) -> list[Output]:
        """The feature's own outputs: pages, media, tiles."""
        return []

    def plan_last(self, planner: Planner, outputs: Sequence[Output]) -> list[Output]:
        """Outputs that list the site's other outputs (the offline packs, the service worker's
        precache), planned once every other output is."""
        return []

    def index_deps(self, planner: Planner, kind: str, lang: str) -> object:
        """What the feature adds to the museum's index of a kind (the exhibits' facet panel), or to
        the home page (kind "home": the stories' cards), for its pages' keys."""
        return ""

    def index_context(self, renderer: Renderer, kind: str, lang: str) -> dict[str, Any]:
        """What the feature adds to the template context of the museum's index of a kind, or of the home page."""
        return {}

    def shared_deps(self, model: ContentModel) -> object:
        """What the feature adds to every page (e.g. a menu link), for every page's key."""
        return ""

    def nav(self, renderer: Renderer, lang: str) -> list[dict[str, str]]:
        """Menu items the feature adds after the museum's own."""
        return []

    def page_context(self, renderer: Renderer, kind: str, slug: str, lang: str, url: str) -> PageContext | None:
        """The entry and template context of one of the feature's own pages (`page_kinds`)."""
        return None

    def entry_context(self, renderer: Renderer, entry: Entry) -> dict[str, Any]:
        """What the feature adds to the page of an entry of another kind (e.g. an exhibit's narration)."""
        return {}

    def head(self, renderer: Renderer, context: dict[str, Any]) -> str:
        """Markup the feature adds to the <head> of a page (structured data), given the page's
        whole template context; it must be safe HTML, as it is inserted unescaped."""
        return ""

    def page_html(self, renderer: Renderer, page: str) -> str:
        """A rendered page, changed as a whole once every template and hook has written it (a kiosk
        build's links to other sites made text, wherever they came from)."""
        return page

    def card_media(self, renderer: Renderer, entry: Entry, rel: Callable[[str], str]) -> dict[str, Any]:
        """What the feature adds to an exhibit's card inside another view (a tour's hotspot card)."""
        return {}

    def card_viewers(
        self, renderer: Renderer, lang: str, rel: Callable[[str], str], cards: list[dict[str, Any]]
    ) -> tuple[dict[str, Any], int]:
        """The script a view needs to open `cards` (from `card_media`), and the CSP rung it needs."""
        return {}, 0


@dataclass(frozen=True)
class PageContext:
    """One of a feature's pages: the entry it shows and its template context (`csp` in it, if the
    page needs more than the plain page policy)."""

    entry: Entry | None
    extra: dict[str, Any]


def missing_bundle(theme: Theme, bundle: str, what: str) -> Problem | None:
    """The error for a theme whose script bundle a feature needs was never built."""
    if bundle in theme.static_files():
        return None
    return Problem(
        "themes/default/package.json",
        0,
        "error",
        "viewer-missing",
        f"the {what} of the theme is not built",
        "run `npm ci && npm run build` in themes/default (./run does this for you)",
    )


def entry_page_url(kind: ContentKind, config: SiteConfig, entry: Entry) -> str:
    """Where a visitor reads an entry: its own page, or the page that shows it (`shown_at`)."""
    return kind.shown_at(config, entry) if kind.shown_at else entry_url(config, kind.name, entry.slug, entry.lang)


def all_kinds(features: Iterable[Feature], core: Iterable[ContentKind]) -> tuple[ContentKind, ...]:
    return (*core, *(kind for feature in features for kind in feature.kinds))
