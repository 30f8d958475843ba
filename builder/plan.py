"""Plan stage: every output file, what makes it and a key over all its inputs.

Two outputs with the same key have the same bytes. The write stage reuses a file from the
previous build when its key has not changed, which is what makes rebuilds incremental and
still byte-identical to a clean build.
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import __version__
from .assets import AssetStore, resolve_asset
from .audio import MP3_KBPS
from .config import SiteConfig
from .guide import guide_key
from .hosting import Policies, host_files
from .media import Derivative, ResponsiveImage, plan_image
from .model import ContentModel, Entry, Exhibit, ImageRef, Scene, Tour
from .model3d import ExhibitModel
from .narration import Narration
from .panoramas import ScenePanorama
from .theme import Theme
from .urls import entry_url, index_url, output_file, short_url
from .validate import ValidatedSite

EXHIBITS_PER_INDEX_PAGE = 60
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; "
    "font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'"
)
# The 360° viewer decodes tiles into blob: URLs and styles its own elements from script.
TOUR_CSP = PAGE_CSP.replace("img-src 'self' data:", "img-src 'self' data: blob:") + "; worker-src 'self' blob:"
# Draco and Basis decoders are WebAssembly, and glTF textures are decoded from blob: URLs.
MODEL_CSP = TOUR_CSP.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'").replace(
    "connect-src 'self'", "connect-src 'self' blob:"
)
TOUR_BUNDLE = "vendor/tour.js"
MODEL_BUNDLE = "vendor/model-viewer.js"
# model-viewer fetches its decoders by fixed file names inside one folder: the folder is
# versioned as a whole instead of file by file.
DECODERS = "vendor/decoders/"
HOME_FEATURED = 8


@dataclass(frozen=True)
class RenderPage:
    """A page made from a template. `slug` names the entry; `number` pages through indexes."""

    template: str
    lang: str
    kind: str
    slug: str = ""
    number: int = 1
    url: str = ""


@dataclass(frozen=True)
class CopyFile:
    source: Path


@dataclass(frozen=True)
class EncodedAudio:
    """A WAV narration, published as MP3; the encoding is cached by the source's digest."""

    source: Path
    digest: str

    @property
    def cache_name(self) -> str:
        return f"{self.digest[:16]}-{MP3_KBPS}k.mp3"


@dataclass(frozen=True)
class CachedMedia:
    derivative: Derivative


@dataclass(frozen=True)
class QrImage:
    code: str
    url: str
    fmt: str


@dataclass(frozen=True)
class PackedModel:
    """A 3D model packed into one phone-sized .glb by the build before rendering."""

    source: Path


@dataclass(frozen=True)
class TextFile:
    text: str


@dataclass(frozen=True)
class Redirect:
    target: str
    code: str


Action = RenderPage | CopyFile | EncodedAudio | CachedMedia | QrImage | Redirect | TextFile | PackedModel


@dataclass(frozen=True)
class Output:
    path: str
    key: str
    action: Action


@dataclass
class Plan:
    outputs: list[Output]
    images: dict[tuple[str, str], ResponsiveImage]
    static_urls: dict[str, str]
    derivatives: list[Derivative] = field(default_factory=list)
    panoramas: dict[str, ScenePanorama] = field(default_factory=dict)
    media_urls: dict[str, str] = field(default_factory=dict)
    model_csp: str = MODEL_CSP


def model_csp(theme: Theme) -> str:
    """model-viewer's shadow DOM holds one fixed <style> element: it is allowed by its hash,
    which keeps 'unsafe-inline' out of the policy."""
    path = theme.static_files().get(MODEL_BUNDLE)
    if path is None:
        return MODEL_CSP
    blocks = re.findall(r"<style>(.*?)</style>", path.read_text(encoding="utf-8"), re.S)
    hashes = [base64.b64encode(hashlib.sha256(b.encode()).digest()).decode() for b in blocks if "${" not in b]
    return MODEL_CSP.replace("style-src 'self'", " ".join(["style-src 'self'"] + [f"'sha256-{h}'" for h in hashes]))


def _hash(*parts: object) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(repr(part).encode())
        digest.update(b"\0")
    return digest.hexdigest()


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
    site: ValidatedSite, theme: Theme, assets: AssetStore, panoramas: dict[str, ScenePanorama], authoring: bool = False
) -> Plan:
    model = site.model
    config = model.config
    images = _plan_images(model, assets, site.models)
    static_urls, static_outputs = _plan_static(theme, assets, bool(site.models))
    # where the site lies on disk is not content: a moved or copied site keeps every key
    base = _hash(CODE_DIGEST, theme.digest, repr(replace(config, root=Path())), authoring, sorted(static_urls.items()))
    shared = _hash(
        base,
        [_entry_digest(model, e) for e in model.all_entries() if e.kind in ("page", "collection")],
        _image_keys(images, [c.image for by_lang in model.collections.values() for c in by_lang.values() if c.image]),
        sorted(model.tours),
    )  # every page's menu links to the tours when there are any
    planner = _Planner(model, images, shared, site.narrations, site.models)
    outputs = static_outputs + planner.pages()
    outputs += _plan_narrations(site.narrations)
    outputs += [
        Output(m.site_path, m.key, PackedModel(m.source))
        for m in sorted({m.key: m for m in site.models.values()}.values(), key=lambda m: m.key)
    ]
    media = _plan_tour_media(model, assets)
    outputs += [
        Output(path, key, CopyFile(resolve_asset(config.root, source))) for path, (key, source) in sorted(media.items())
    ]
    outputs += _plan_tiles(panoramas)
    outputs += planner.tour_pages(panoramas, media)
    for derivative in sorted(
        {d for image in images.values() for d in image.webp + image.jpeg}, key=lambda d: d.cache_name
    ):
        outputs.append(Output(derivative.site_path, derivative.cache_name, CachedMedia(derivative)))
    holders: dict[str, Exhibit | Scene] = {
        e.id: e for e in model.default(model.exhibits) if isinstance(e, Exhibit) and e.id
    }
    holders.update({s.id: s for s in model.default(model.scenes) if isinstance(s, Scene) and s.id})
    code_targets = {code: code_target(config, entry) for code, entry in holders.items()}
    for code, target in sorted(code_targets.items()):
        stub_key = _hash(base, target, _entry_digest(model, holders[code]))
        for prefix in ("q", "Q"):
            outputs.append(Output(f"{prefix}/{code}/index.html", stub_key, Redirect(target, code)))
        url = short_url(config, code)
        for fmt in ("svg", "png"):
            outputs.append(Output(f"q/{code}/qr.{fmt}", _hash(base, url, fmt), QrImage(code, url, fmt)))
    csp = model_csp(theme) if site.models else MODEL_CSP
    outputs.extend(_host_outputs(config, outputs, csp, bool(site.models)))
    derivatives = [o.action.derivative for o in outputs if isinstance(o.action, CachedMedia)]
    return Plan(
        outputs=outputs,
        images=images,
        static_urls=static_urls,
        derivatives=derivatives,
        panoramas=panoramas,
        media_urls={source: path for path, (_, source) in media.items()},
        model_csp=csp,
    )


def code_target(config, entry: Exhibit | Scene) -> str:
    """Where a short code leads: an exhibit's page, or a tour opened at a scene."""
    if isinstance(entry, Scene):
        return f"{entry_url(config, 'tour', entry.tour, config.default_language)}#scene={entry.name}"
    return entry_url(config, "exhibit", entry.slug, config.default_language)


def _plan_tour_media(model: ContentModel, assets: AssetStore) -> dict[str, tuple[str, str]]:
    """Audio, video and plan files used by tours, copied under a name that changes with their content."""
    files: dict[str, tuple[str, str]] = {}
    sources = [t.plan for t in model.default(model.tours) if isinstance(t, Tour) and t.plan]
    sources += [
        h.target
        for s in model.default(model.scenes)
        if isinstance(s, Scene)
        for h in s.hotspots
        if h.kind in ("audio", "video")
    ]
    for src in sorted(set(sources)):
        path = resolve_asset(model.config.root, src)
        digest = assets.digest(path)
        files[f"media/{digest[:16]}{path.suffix.lower()}"] = (digest, src)
    return files


def narration_paths(narration: Narration) -> tuple[str, str | None]:
    """Where a narration's audio and captions are published."""
    return (
        f"media/{narration.key}{narration.published_suffix}",
        f"media/{narration.key}.vtt" if narration.vtt else None,
    )


def _plan_narrations(narrations: dict[tuple[str, str], Narration]) -> list[Output]:
    outputs = []
    for narration in sorted(set(narrations.values()), key=lambda n: n.key):
        audio, vtt = narration_paths(narration)
        action = EncodedAudio(narration.audio, narration.digest) if narration.encoded else CopyFile(narration.audio)
        outputs.append(
            Output(audio, _hash(narration.digest, MP3_KBPS) if narration.encoded else narration.digest, action)
        )
        if vtt and narration.vtt:
            outputs.append(Output(vtt, _hash(narration.vtt), TextFile(narration.vtt)))
    return outputs


def _plan_tiles(panoramas: dict[str, ScenePanorama]) -> list[Output]:
    outputs = []
    for panorama in sorted(panoramas.values(), key=lambda p: p.tileset.key):
        tileset = panorama.tileset
        for rel in [*tileset.tile_paths(), tileset.preview, *tileset.fallback_faces.values(), tileset.equirect]:
            outputs.append(
                Output(f"tiles/{tileset.key}/{rel}", f"{tileset.key}:{rel}", CopyFile(panorama.folder / rel))
            )
        outputs.append(Output(poster_path(panorama), panorama.poster.stem, CopyFile(panorama.poster)))
    return outputs


def poster_path(panorama: ScenePanorama) -> str:
    return f"tiles/{panorama.tileset.key}/poster-{panorama.poster.stem[:12]}.jpg"


def _host_outputs(config: SiteConfig, outputs: list[Output], model_policy: str, has_models: bool) -> list[Output]:
    """The policy ladder mirrors what the renderer puts in each page's meta tag."""
    pages = {
        o.path: o.action.kind if isinstance(o.action, RenderPage) else "redirect"
        for o in outputs
        if isinstance(o.action, RenderPage | Redirect)
    }
    shows_3d = 2 if has_models else 0

    def needs(kind: str) -> int:
        if kind in ("tour", "tour-embed"):
            return max(1, shows_3d)
        return shows_3d if kind == "exhibit" else 0

    files = host_files(config, pages, Policies((PAGE_CSP, TOUR_CSP, model_policy), needs))
    return [Output(name, _hash(text), TextFile(text)) for name, text in sorted(files.items())]


def _plan_images(
    model: ContentModel, assets: AssetStore, models: dict[tuple[str, str], ExhibitModel]
) -> dict[tuple[str, str], ResponsiveImage]:
    """One responsive set per (source, credit); the credit is written into the file.
    Every language's entries are planned: a translation with its own credit shows its own set,
    and a source with the same credit in two languages is made once."""
    config = model.config
    refs: list[ImageRef] = []
    for exhibits in model.exhibits.values():
        refs += [ref for exhibit in exhibits.values() for ref in exhibit.images]
    refs += [m.poster for m in models.values() if m.poster]
    for collections in model.collections.values():
        refs += [c.image for c in collections.values() if c.image]
    refs += [
        ImageRef(h.target, h.label)
        for scenes in model.scenes.values()
        for s in scenes.values()
        if isinstance(s, Scene)
        for h in s.hotspots
        if h.kind == "image"
    ]
    planned: dict[tuple[str, str], ResponsiveImage] = {}
    for ref in refs:
        key = (ref.src, ref.credit)
        if key in planned:
            continue
        path = resolve_asset(config.root, ref.src)
        info = assets.image_info(path, config.max_image_pixels)
        planned[key] = plan_image(path, assets.digest(path), info, config.images, ref.credit)
    return planned


def _plan_static(theme: Theme, assets: AssetStore, models: bool) -> tuple[dict[str, str], list[Output]]:
    """Theme files get a content hash in their name, so phones may cache them for ever.
    The 3D viewer and its decoders (2.4 MB) are published only by sites that show a model."""
    urls: dict[str, str] = {}
    outputs: list[Output] = []
    files = {
        name: path
        for name, path in theme.static_files().items()
        if models or not (name.startswith(DECODERS) or name.startswith(("vendor/model-viewer.", "vendor/model.")))
    }
    fixed = sorted(name for name in files if name.startswith(DECODERS))
    if fixed:
        folder = f"static/{DECODERS[:-1]}.{_hash([assets.digest(files[n]) for n in fixed])[:10]}/"
        urls[DECODERS] = folder
    for name, path in files.items():
        digest = assets.digest(path)
        stem, dot, suffix = name.rpartition(".")
        if name in fixed:
            hashed = folder + name[len(DECODERS) :]
        else:
            hashed = f"static/{stem}.{digest[:10]}.{suffix}" if dot else f"static/{name}"
        urls[name] = hashed
        outputs.append(Output(hashed, digest, CopyFile(path)))
    return urls, outputs


def _entry_digest(model: ContentModel, entry) -> str:
    return _hash(entry.kind, entry.slug, entry.lang, [model.source_digests.get(s, "") for s in entry.sources])


def _image_keys(images: dict[tuple[str, str], ResponsiveImage], refs: Iterable[ImageRef | None]) -> list[str]:
    keys = []
    for ref in refs:
        if ref is not None:
            image = images.get((ref.src, ref.credit))
            keys.append(image.webp[-1].cache_name if image else ref.src)
    return keys


@dataclass
class _Planner:
    model: ContentModel
    images: dict[tuple[str, str], ResponsiveImage]
    shared: str
    narrations: dict[tuple[str, str], Narration]
    models: dict[tuple[str, str], ExhibitModel]

    def _narration_key(self, entry: Exhibit | Scene) -> str:
        narration = self.narrations.get((entry.slug, entry.lang))
        return narration.key if narration else ""

    def _exhibit_key(self, exhibit: Exhibit) -> str:
        model = self.models.get((exhibit.slug, exhibit.lang))
        return _hash(
            _entry_digest(self.model, exhibit),
            _image_keys(self.images, exhibit.images),
            self._narration_key(exhibit),
            (model.key, _image_keys(self.images, [model.poster])) if model else "",
        )

    def pages(self) -> list[Output]:
        config = self.model.config
        outputs: list[Output] = []
        exhibits_by_id = self.model.exhibit_by_id()
        for lang in config.languages:
            listed = sorted(
                (by_lang[lang] for by_lang in self.model.exhibits.values()), key=lambda e: (e.title.casefold(), e.slug)
            )
            all_keys = [self._exhibit_key(e) for e in listed]
            outputs.append(
                self._page(
                    "home.html",
                    lang,
                    "home",
                    "index",
                    entry_url(config, "page", "index", lang),
                    [all_keys[:HOME_FEATURED], len(listed)],
                )
            )
            for slug, by_lang in self.model.pages.items():
                if slug != "index":
                    outputs.append(
                        self._page(
                            "page.html",
                            lang,
                            "page",
                            slug,
                            entry_url(config, "page", slug, lang),
                            [_entry_digest(self.model, by_lang[lang])],
                        )
                    )
            for slug in self.model.collections:
                members = [k for e, k in zip(listed, all_keys, strict=True) if e.collection == slug]
                outputs.append(
                    self._page(
                        "collection.html",
                        lang,
                        "collection",
                        slug,
                        entry_url(config, "collection", slug, lang),
                        members,
                    )
                )
            outputs.append(
                self._page("collections.html", lang, "collection-index", "", index_url(config, "collection", lang), [])
            )
            pages = max(1, math.ceil(len(listed) / EXHIBITS_PER_INDEX_PAGE))
            for number in range(1, pages + 1):
                chunk = all_keys[(number - 1) * EXHIBITS_PER_INDEX_PAGE : number * EXHIBITS_PER_INDEX_PAGE]
                outputs.append(
                    self._page(
                        "exhibits.html",
                        lang,
                        "exhibit-index",
                        "",
                        index_url(config, "exhibit", lang, number),
                        chunk + [pages],
                        number,
                    )
                )
            for exhibit, key in zip(listed, all_keys, strict=True):
                related = [
                    self._exhibit_key(self.model.exhibits[exhibits_by_id[code].slug][lang])
                    for code in exhibit.related
                    if code in exhibits_by_id
                ]
                outputs.append(
                    self._page(
                        "exhibit.html",
                        lang,
                        "exhibit",
                        exhibit.slug,
                        entry_url(config, "exhibit", exhibit.slug, lang),
                        [key, related],
                    )
                )
        outputs.append(self._page("404.html", config.default_language, "404", "", "404.html", []))
        return outputs

    def tour_pages(self, panoramas: dict[str, ScenePanorama], media: dict[str, tuple[str, str]]) -> list[Output]:
        """Each tour in each language, full and embeddable; a key over its scenes, tiles and exhibits."""
        config = self.model.config
        exhibits = self.model.exhibit_by_id()
        outputs: list[Output] = []
        media_keys = sorted(key for key, _ in media.values())
        for lang in config.languages:
            tours = sorted(self.model.tours)
            if tours:
                outputs.append(
                    self._page(
                        "tours.html",
                        lang,
                        "tour-index",
                        "",
                        index_url(config, "tour", lang),
                        [
                            (_entry_digest(self.model, self.model.tours[t][lang]), self._scene_keys(t, lang, panoramas))
                            for t in tours
                        ],
                    )
                )
            for name in tours:
                scenes = self.model.tour_scenes(name, lang)
                cards = [
                    self._exhibit_key(self.model.exhibits[exhibits[h.target].slug][lang])
                    for scene in scenes
                    for h in scene.hotspots
                    if h.kind == "exhibit" and h.target in exhibits
                ]
                deps = [
                    _entry_digest(self.model, self.model.tours[name][lang]),
                    self._scene_keys(name, lang, panoramas),
                    cards,
                    media_keys,
                ]
                guide = self.narrations.get((guide_key(name), lang))  # the guided tour's audio and captions
                deps.append(guide.key if guide else "")
                url = entry_url(config, "tour", name, lang)
                outputs.append(self._page("tour.html", lang, "tour", name, url, deps))
                outputs.append(self._page("tour_embed.html", lang, "tour-embed", name, url + "embed/", deps))
        return outputs

    def _scene_keys(self, tour: str, lang: str, panoramas: dict[str, ScenePanorama]) -> list:
        """A tour's scenes as shown on its page and its card: text, tiles, poster and narration."""
        keys: list = []
        for scene in self.model.tour_scenes(tour, lang):
            panorama = panoramas.get(scene.slug)
            keys.append(
                (
                    _entry_digest(self.model, scene),
                    panorama.tileset.key if panorama else "",
                    panorama.poster.stem if panorama else "",
                    self._narration_key(scene),
                )
            )
        return keys

    def _page(self, template: str, lang: str, kind: str, slug: str, url: str, deps: list, number: int = 1) -> Output:
        action = RenderPage(template, lang, kind, slug, number, url)
        return Output(output_file(url), _hash(self.shared, action, deps, self._translations(kind, slug)), action)

    def _translations(self, kind: str, slug: str) -> list[bool]:
        """The language switch marks which languages the entry is translated into."""
        groups: dict[str, Mapping[str, Mapping[str, Entry]]] = {
            "home": self.model.pages,
            "page": self.model.pages,
            "collection": self.model.collections,
            "exhibit": self.model.exhibits,
            "tour": self.model.tours,
            "tour-embed": self.model.tours,
        }
        group = groups.get(kind)
        entries = group.get(slug, {}) if group is not None else {}
        return [entry.translated for entry in entries.values()]
