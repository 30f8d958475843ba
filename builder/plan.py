"""Plan stage: every output file, what makes it and a key over all its inputs.

Two outputs with the same key have the same bytes. The write stage reuses a file from the
previous build when its key has not changed, which is what makes rebuilds incremental and
still byte-identical to a clean build. The museum's own pages are planned here; each feature
plans its own outputs through its `plan` hook, with the `Planner`'s keys and helpers.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property, partial
from pathlib import Path
from typing import Any, TypeVar

from . import __version__
from .assets import AssetStore, resolve_asset
from .collation import in_title_order
from .csp import LADDER
from .feature import ContentKind, Feature, all_kinds, entry_page_url
from .features import CROSS_ORIGIN_FOLDERS, FEATURES
from .hosting import Policies, host_files
from .load import CORE_KINDS
from .media import Derivative, ResponsiveImage, plan_image
from .model import ContentModel, Entry, Exhibit, ImageRef
from .outputs import CachedMedia, CopyFile, Output, QrImage, Redirect, RenderPage, TextFile, entry_digest, key_of
from .theme import Theme
from .urls import entry_url, index_url, output_file, short_url
from .validate import ValidatedSite

T = TypeVar("T")

EXHIBITS_PER_INDEX_PAGE = 60
HOME_FEATURED = 8
# The museum's page kinds → the kind of entry each shows (the home page shows the page 'index').
CORE_PAGE_KINDS = {
    "home": "page",
    "page": "page",
    "collection": "collection",
    "exhibit": "exhibit",
    "collection-index": "",
    "exhibit-index": "",
    "404": "",
}


@dataclass
class Plan:
    outputs: list[Output]
    images: dict[tuple[str, str], ResponsiveImage]
    static_urls: dict[str, str]
    derivatives: list[Derivative] = field(default_factory=list)
    processed: dict[str, Any] = field(default_factory=dict)  # each feature's process result, by its name
    policies: tuple[str, ...] = LADDER  # the CSP ladder (csp.PAGE, VIEWER, MODEL) as this site needs it


def code_digest(package: Path) -> str:
    """The builder's own code is an input of every output: every module of the package, sub-packages
    included, and the files it ships (the live-reload script), read once, as the code that runs."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(package.rglob("*"), key=lambda p: p.relative_to(package).as_posix()):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


CODE_DIGEST = code_digest(Path(__file__).resolve().parent)


def plan_site(
    site: ValidatedSite,
    theme: Theme,
    assets: AssetStore,
    processed: dict[str, Any],
    authoring: bool = False,
    kept: KeptPlan | None = None,
) -> Plan:
    """`kept` is what the previous plan of the same site left (`SiteBuilder.kept_plan`)."""
    kept = KeptPlan() if kept is None else kept
    kept.start()
    model = site.model
    config = model.config
    images = _plan_images(site, assets)
    static_urls, static_outputs = _plan_static(site, theme, assets)
    # where the site lies on disk, and where it is deployed to, is not content: neither changes a key
    shown = replace(config, root=Path(), deploy={})
    base = key_of(CODE_DIGEST, theme.digest, repr(shown), authoring, sorted(static_urls.items()))
    shared = key_of(
        base,
        [entry_digest(model, e) for e in model.all_entries() if e.kind in ("page", "collection")],
        image_keys(images, [c.image for by_lang in model.collections.values() for c in by_lang.values() if c.image]),
        [feature.shared_deps(model) for feature in FEATURES],  # e.g. every page's menu links to the tours
    )
    planner = Planner(site, processed, images, base, shared, theme, kept, static_urls)
    outputs = static_outputs + planner.pages()
    for feature in FEATURES:
        outputs += feature.plan(planner)
    for derivative in sorted(
        {d for image in images.values() for d in image.webp + image.jpeg}, key=lambda d: d.cache_name
    ):
        outputs.append(Output(derivative.site_path, derivative.cache_name, CachedMedia(derivative)))
    outputs += _plan_short_codes(planner)
    for feature in FEATURES:
        outputs += feature.plan_last(planner, outputs)
    policies: tuple[str, ...] = LADDER
    for feature in FEATURES:
        policies = feature.policies(site, theme, policies)
    outputs.extend(_host_outputs(site, outputs, policies, kept.host_files))
    derivatives = [o.action.derivative for o in outputs if isinstance(o.action, CachedMedia)]
    kept.finish()
    return Plan(outputs, images, static_urls, derivatives, processed, policies)


def _plan_short_codes(planner: Planner) -> list[Output]:
    """Each code's redirect stub (/q/ and /Q/, as a phone may change the case) and its QR images."""
    model = planner.model
    outputs = []
    for kind in all_kinds(FEATURES, CORE_KINDS):
        if kind.code_target is None:
            continue
        for entry in model.default(model.of_kind(kind.name)):
            if entry.id:
                inputs = ("code", entry.ref, planner.base, planner.entry_digest(entry))
                outputs += planner.kept.outputs(inputs, partial(_code_outputs, planner, kind, entry))
    return sorted(outputs, key=lambda o: o.path)


def _code_outputs(planner: Planner, kind: ContentKind, entry: Entry) -> list[Output]:
    """A code's two stubs and its two QR images: made from the settings and the entry alone."""
    assert kind.code_target is not None and entry.id
    config = planner.model.config
    target = kind.code_target(config, entry)
    stub_key = key_of(planner.base, target, planner.entry_digest(entry))
    outputs = [Output(f"{prefix}/{entry.id}/index.html", stub_key, Redirect(target, entry.id)) for prefix in "qQ"]
    url = short_url(config, entry.id)
    for fmt in ("svg", "png"):
        outputs.append(Output(f"q/{entry.id}/qr.{fmt}", key_of(planner.base, url, fmt), QrImage(entry.id, url, fmt)))
    return outputs


def _host_outputs(
    site: ValidatedSite, outputs: list[Output], policies: tuple[str, ...], last: _HostFilesMade
) -> list[Output]:
    """The policy ladder mirrors what the renderer puts in each page's meta tag."""
    pages = {
        o.path: o.action.kind if isinstance(o.action, RenderPage) else "redirect"
        for o in outputs
        if isinstance(o.action, RenderPage | Redirect)
    }

    def needs(kind: str) -> int:
        return max((feature.policy(site, kind) for feature in FEATURES), default=0)

    framed = frozenset().union(*(feature.framed_kinds for feature in FEATURES))
    unlisted = frozenset(kind for feature in FEATURES for kind in feature.unlisted_kinds)
    paths = [o.path for o in outputs]
    # a set: an English title edit moves its pages in the plan's order, not in the files' text
    inputs = (site.model.config, policies, framed, unlisted, pages, frozenset(paths))
    if last.made_from(inputs, needs):
        return last.outputs
    asked: dict[str, int] = {}

    def recorded(kind: str) -> int:
        if kind not in asked:
            asked[kind] = needs(kind)
        return asked[kind]

    files = host_files(
        site.model.config, pages, Policies(policies, recorded), paths, framed, unlisted, CROSS_ORIGIN_FOLDERS
    )
    made = [Output(name, key_of(text), TextFile(text)) for name, text in sorted(files.items())]
    last.keep(inputs, asked, made)
    return made


@dataclass
class _HostFilesMade:
    """The last `_headers`, sitemap and robots.txt and what they were made from. In `disan serve`
    an edit rarely adds or removes a file, and making them again walked every published path
    (150,000 in a province catalogue) a few times; comparing the inputs is one pass in C."""

    inputs: tuple[object, ...] = ()
    rungs: dict[str, int] = field(default_factory=dict)  # each page kind asked → the rung it needed
    outputs: list[Output] = field(default_factory=list)

    def made_from(self, inputs: tuple[object, ...], needs: Callable[[str], int]) -> bool:
        return self.inputs == inputs and all(needs(kind) == rung for kind, rung in self.rungs.items())

    def keep(self, inputs: tuple[object, ...], rungs: dict[str, int], outputs: list[Output]) -> None:
        self.inputs, self.rungs, self.outputs = inputs, rungs, outputs


@dataclass
class KeptPlan:
    """What a plan leaves for the next plan of the same `SiteBuilder` (serve plans after every
    save): each entry's outputs by everything they are made from, and the host files. A one-row
    edit of a catalogue re-planned every entry's pages, embeds, QR sheets and codes (51,000
    outputs at 5,000 rows); now only the edited row's and the lists it is in. Owned by the
    SiteBuilder, not the module, so another site built in the same process never sees it."""

    host_files: _HostFilesMade = field(default_factory=_HostFilesMade)
    replanned: int = 0  # outputs the last plan made rather than took from the one before (tests count them)
    _before: dict[Hashable, Any] = field(default_factory=dict)
    _now: dict[Hashable, Any] = field(default_factory=dict)

    def start(self) -> None:
        self._now, self.replanned = {}, 0

    def outputs(self, inputs: Hashable, make: Callable[[], list[Output]]) -> list[Output]:
        """The outputs `make` gives, or the previous plan's for equal `inputs`."""
        made = self._before.get(inputs)
        if made is None:
            made = make()
            self.replanned += len(made)
        self._now[inputs] = made
        return made

    def value(self, inputs: Hashable, make: Callable[[], T]) -> T:
        """What `make` gives, or what it gave in the previous plan for equal `inputs`. Here and in
        `outputs`, `inputs` must hold all `make` reads: the entry's identity, digests of its
        sources and of what it shows (`Planner.entry_key`), and `Planner.shared` or `base` for
        the code, theme and settings."""
        made: T = self._before[inputs] if inputs in self._before else make()
        self._now[inputs] = made
        return made

    def finish(self) -> None:
        """Only a plan that ran to its end is kept: one that failed may have made half an entry."""
        self._before, self._now = self._now, {}


def _plan_images(site: ValidatedSite, assets: AssetStore) -> dict[tuple[str, str], ResponsiveImage]:
    """One responsive set per (source, credit); the credit is written into the file.
    Every language's entries are planned: a translation with its own credit shows its own set,
    and a source with the same credit in two languages is made once."""
    model = site.model
    config = model.config
    refs: list[ImageRef] = []
    for exhibits in model.exhibits.values():
        refs += [ref for exhibit in exhibits.values() for ref in exhibit.images]
    for collections in model.collections.values():
        refs += [c.image for c in collections.values() if c.image]
    for feature in FEATURES:
        refs += feature.image_refs(site)
    planned: dict[tuple[str, str], ResponsiveImage] = {}
    for ref in refs:
        key = (ref.src, ref.credit)
        if key in planned:
            continue
        path = resolve_asset(config.root, ref.src)
        info = assets.image_info(path, config.max_image_pixels)
        planned[key] = plan_image(path, assets.digest(path), info, config.images, ref.credit)
    return planned


def _plan_static(site: ValidatedSite, theme: Theme, assets: AssetStore) -> tuple[dict[str, str], list[Output]]:
    """Theme files get a content hash in their name, so phones may cache them for ever. A folder
    whose files a script fetches by fixed names is versioned as a whole; a feature leaves out
    what this site does not use."""
    urls: dict[str, str] = {}
    outputs: list[Output] = []
    files = {
        name: path
        for name, path in theme.static_files().items()
        if not any(feature.unused_static(site, name) for feature in FEATURES)
    }
    folders = {
        folder: sorted(n for n in files if n.startswith(folder)) for f in FEATURES for folder in f.static_folders
    }
    fixed: dict[str, str] = {}
    for folder, names in folders.items():
        if names:
            urls[folder] = f"static/{folder[:-1]}.{key_of([assets.digest(files[n]) for n in names])[:10]}/"
            fixed.update({name: urls[folder] + name[len(folder) :] for name in names})
    for name, path in files.items():
        digest = assets.digest(path)
        stem, dot, suffix = name.rpartition(".")
        hashed = fixed.get(name) or (f"static/{stem}.{digest[:10]}.{suffix}" if dot else f"static/{name}")
        urls[name] = hashed
        outputs.append(Output(hashed, digest, CopyFile(path)))
    return urls, outputs


def image_keys(images: dict[tuple[str, str], ResponsiveImage], refs: Iterable[ImageRef | None]) -> list[str]:
    keys = []
    for ref in refs:
        if ref is not None:
            image = images.get((ref.src, ref.credit))
            keys.append(image.webp[-1].cache_name if image else ref.src)
    return keys


@dataclass
class Planner:
    """What a feature's plan hook works with: the site, the process results, the planned images,
    keys shared by every output (`base`) and by every page (`shared`), and the theme's strings."""

    site: ValidatedSite
    processed: dict[str, Any]
    images: dict[tuple[str, str], ResponsiveImage]
    base: str
    shared: str
    theme: Theme
    kept: KeptPlan
    static_urls: dict[str, str] = field(default_factory=dict)  # theme static file or folder → published path
    _digests: dict[tuple[str, str, str], str] = field(default_factory=dict)
    _keys: dict[tuple[str, str, str], str] = field(default_factory=dict)
    _strings: dict[str, dict[str, str]] = field(default_factory=dict)
    _translated: dict[tuple[str, str], list[bool]] = field(default_factory=dict)

    @property
    def model(self) -> ContentModel:
        return self.site.model

    def entry_digest(self, entry: Entry) -> str:
        """Memoised for this plan: the core pages, search, short codes and the catalogue each
        ask it of every entry."""
        if entry.ref not in self._digests:
            self._digests[entry.ref] = entry_digest(self.model, entry)
        return self._digests[entry.ref]

    def image_keys(self, refs: Iterable[ImageRef | None]) -> list[str]:
        return image_keys(self.images, refs)

    def strings(self, lang: str) -> dict[str, str]:
        """The theme's UI strings in `lang`, for outputs that are not pages but speak in words
        (an IIIF manifest's labels); read once per plan. The theme digest is in `base`."""
        if lang not in self._strings:
            self._strings[lang] = self.theme.strings(lang, self.model.config.default_language)
        return self._strings[lang]

    def page_url(self, entry: Entry) -> str:
        """Where a visitor reads `entry`, whatever its kind (a scene is read in its tour)."""
        return entry_page_url(self._content_kinds[entry.kind], self.model.config, entry)

    @cached_property
    def _content_kinds(self) -> dict[str, ContentKind]:
        """Made once per plan: `page_url` and `page` are asked for every entry of the site."""
        return {kind.name: kind for kind in all_kinds(FEATURES, CORE_KINDS)}

    @cached_property
    def _page_kinds(self) -> dict[str, str]:
        return {**CORE_PAGE_KINDS, **{k: v for f in FEATURES for k, v in f.page_kinds.items()}}

    def entry_deps(self, entry: Entry) -> list[object]:
        """What every feature adds to a page that shows `entry` (its narration, its 3D model)."""
        return [feature.entry_deps(self, entry) for feature in FEATURES]

    def exhibit_key(self, exhibit: Exhibit) -> str:
        """Everything an exhibit's page or card shows."""
        return self.entry_key(exhibit)

    def entry_key(self, entry: Entry) -> str:
        """Everything the page or card of an entry shows, its images included. Memoised for this
        plan: the exhibit pages, the facet pages and the embeds each ask it of every entry; and
        kept for the next plan while the entry's languages, its images and what the features'
        `entry_deps` read (`entry_facts`) are the same, as asking every feature of every entry
        was a tenth of a one-row edit."""
        if entry.ref not in self._keys:
            images = self.image_keys(getattr(entry, "images", ()))

            def made() -> str:
                return key_of(self.entry_digest(entry), images, self.entry_deps(entry))

            if self._entry_facts is None:
                self._keys[entry.ref] = made()
            else:
                languages = self.model.of_kind(entry.kind).get(entry.slug, {}).values()
                siblings = tuple(self.entry_digest(each) for each in languages)
                inputs = ("entry key", entry.ref, self._entry_facts, self.entry_digest(entry), siblings, tuple(images))
                self._keys[entry.ref] = self.kept.value(inputs, made)
        return self._keys[entry.ref]

    @cached_property
    def _entry_facts(self) -> str | None:
        """A key over what every feature's `entry_deps` reads beyond the entry and the settings,
        or None if a feature that adds to entries' keys cannot say."""
        facts = []
        for feature in FEATURES:
            if type(feature).entry_deps is not Feature.entry_deps:
                told = feature.entry_facts(self)
                if told is None:
                    return None
                facts.append(told)
        return key_of(self.base, facts)

    def pages(self) -> list[Output]:
        config = self.model.config
        outputs: list[Output] = []
        exhibits_by_id = self.model.exhibit_by_id()
        for lang in config.languages:
            listed = in_title_order(by_lang[lang] for by_lang in self.model.exhibits.values())
            all_keys = [self.exhibit_key(e) for e in listed]
            outputs.append(
                self.page(
                    "home.html",
                    lang,
                    "home",
                    "index",
                    entry_url(config, "page", "index", lang),
                    [all_keys[:HOME_FEATURED], len(listed), [f.index_deps(self, "home", lang) for f in FEATURES]],
                )
            )
            for slug, by_lang in self.model.pages.items():
                if slug != "index":
                    outputs.append(
                        self.page(
                            "page.html",
                            lang,
                            "page",
                            slug,
                            entry_url(config, "page", slug, lang),
                            [self.entry_digest(by_lang[lang])],
                        )
                    )
            for slug in self.model.collections:
                members = [k for e, k in zip(listed, all_keys, strict=True) if e.collection == slug]
                outputs.append(
                    self.page(
                        "collection.html",
                        lang,
                        "collection",
                        slug,
                        entry_url(config, "collection", slug, lang),
                        members,
                    )
                )
            outputs.append(
                self.page("collections.html", lang, "collection-index", "", index_url(config, "collection", lang), [])
            )
            pages = max(1, math.ceil(len(listed) / EXHIBITS_PER_INDEX_PAGE))
            for number in range(1, pages + 1):
                chunk = all_keys[(number - 1) * EXHIBITS_PER_INDEX_PAGE : number * EXHIBITS_PER_INDEX_PAGE]
                outputs.append(
                    self.page(
                        "exhibits.html",
                        lang,
                        "exhibit-index",
                        "",
                        index_url(config, "exhibit", lang, number),
                        chunk + [pages, [feature.index_deps(self, "exhibit", lang) for feature in FEATURES]],
                        number,
                    )
                )
            for exhibit, key in zip(listed, all_keys, strict=True):
                related = tuple(
                    self.exhibit_key(self.model.exhibits[exhibits_by_id[code].slug][lang])
                    for code in exhibit.related
                    if code in exhibits_by_id
                )
                outputs += self.entry_pages("exhibit.html", exhibit, key, related)
        outputs.append(self.page("404.html", config.default_language, "404", "", "404.html", []))
        return outputs

    def entry_pages(self, template: str, entry: Entry, *keys: str | tuple[str, ...]) -> list[Output]:
        """An entry's own page, or the previous plan's while the keys of all it shows (`entry_key`,
        a related exhibit's) and the language switch are the same."""
        translated = tuple(self._translations(entry.kind, entry.slug))
        url = entry_url(self.model.config, entry.kind, entry.slug, entry.lang)
        inputs = (template, entry.ref, self.shared, keys, translated)
        return self.kept.outputs(
            inputs, lambda: [self.page(template, entry.lang, entry.kind, entry.slug, url, list(keys))]
        )

    def page(
        self, template: str, lang: str, kind: str, slug: str, url: str, deps: list[Any], number: int = 1
    ) -> Output:
        action = RenderPage(template, lang, kind, slug, number, url)
        return Output(output_file(url), key_of(self.shared, action, deps, self._translations(kind, slug)), action)

    def _translations(self, kind: str, slug: str) -> list[bool]:
        """The language switch marks which languages the entry is translated into. Memoised for
        this plan: an object has its page, its embed and its QR sheet."""
        shown = (self._page_kinds.get(kind, ""), slug)
        if shown not in self._translated:
            entries = self.model.of_kind(shown[0]).get(slug, {}) if shown[0] else {}
            self._translated[shown] = [entry.translated for entry in entries.values()]
        return self._translated[shown]
