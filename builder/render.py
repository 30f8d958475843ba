"""Render stage: turns planned outputs into bytes (pages, QR codes, copies, media)."""

from __future__ import annotations

import multiprocessing
import os
import posixpath
from collections.abc import Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup
from PIL import Image

from .audio import wav_to_mp3
from .config import LANGUAGE_NAMES
from .diagnostics import ContentError, Problem
from .gltf import PackResult
from .guide import guide_key, resolve_cues
from .jobs import die_with_parent
from .markup import inline_json, make_markdown, render_markdown
from .model import ContentModel, Entry, Exhibit, Scene, Tour
from .model3d import ExhibitModel
from .narration import Narration
from .panoramas import POSTER_SIZE
from .plan import (
    DECODERS,
    EXHIBITS_PER_INDEX_PAGE,
    HOME_FEATURED,
    MODEL_BUNDLE,
    PAGE_CSP,
    TOUR_CSP,
    CachedMedia,
    CopyFile,
    EncodedAudio,
    Output,
    PackedModel,
    Plan,
    QrImage,
    Redirect,
    RenderPage,
    TextFile,
    narration_paths,
    poster_path,
)
from .qr import qr_png, qr_svg
from .theme import Theme
from .urls import entry_url, index_url, relative_url, short_url

PARALLEL_THRESHOLD = 400
WORKER_CHUNK = 64


@jinja2.pass_context
def _url(context: jinja2.runtime.Context, target: str) -> str:
    """A link relative to the page being rendered (absolute from the site root on the 404 page)."""
    page = context["page_url"]
    if page == "404.html":
        return context["root_path"] + target
    return relative_url(target, page)


@jinja2.pass_context
def _static(context: jinja2.runtime.Context, name: str) -> str:
    return _url(context, context["static_urls"][name])


@jinja2.pass_context
def _translate(context: jinja2.runtime.Context, key: str, **values: Any) -> str:
    text = context["strings"].get(key, key)
    return text.format(**values) if values else text


def make_environment(theme: Theme) -> jinja2.Environment:
    """Compiling templates takes ~0.1 s: `serve` keeps one environment while the theme is unchanged."""
    env = jinja2.Environment(
        loader=theme.loader(),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.globals.update(url=_url, static=_static, t=_translate)
    return env


@dataclass
class Renderer:
    """Holds what every page shares; renders one output at a time."""

    model: ContentModel
    plan: Plan
    theme: Theme
    media_cache: Path
    authoring: bool = False

    env: jinja2.Environment | None = None
    jobs: int = 1
    site_narrations: dict[tuple[str, str], Narration] = field(default_factory=dict)
    site_models: dict[tuple[str, str], ExhibitModel] = field(default_factory=dict)
    packed_models: dict[Path, PackResult] = field(default_factory=dict)  # model source → its packed .glb

    def __post_init__(self) -> None:
        self.env = self.env or make_environment(self.theme)
        self.markdown = make_markdown(self.model.config.raw_html)
        config = self.model.config
        self.strings = {lang: self.theme.strings(lang, config.default_language) for lang in config.languages}
        self._by_id = self.model.exhibit_by_id()
        self._codes: dict[str, Entry] = {
            **self._by_id,
            **{s.id: s for s in self.model.default(self.model.scenes) if isinstance(s, Scene) and s.id},
        }

    def write_many(self, outputs: list[Output], root: Path, atomic: bool = False) -> Iterator[int]:
        """Render and write each output under `root`; yields how many are done, for progress.

        Big batches are shared with forked worker processes that also write their files:
        a 2,000-object site has ~10,000 outputs, and both the rendering and the file system
        calls cost more than passing work to a second core.
        """
        chunks = [outputs[i : i + WORKER_CHUNK] for i in range(0, len(outputs), WORKER_CHUNK)]
        if self.jobs <= 1 or len(outputs) < PARALLEL_THRESHOLD:
            yield from (write_outputs(self, chunk, root, atomic) for chunk in chunks)
            return
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(
            self.jobs, mp_context=context, initializer=_adopt_renderer, initargs=(self, os.getpid())
        ) as pool:
            yield from pool.map(_write_in_worker, chunks, [root] * len(chunks), [atomic] * len(chunks))

    def render(self, output: Output) -> bytes:
        action = output.action
        if isinstance(action, RenderPage):
            return self._page(action).encode("utf-8")
        if isinstance(action, CopyFile):
            return action.source.read_bytes()
        if isinstance(action, EncodedAudio):
            cached = self.media_cache.parent / "audio" / action.cache_name
            if not cached.is_file():
                wav_to_mp3(action.source, cached)
            return cached.read_bytes()
        if isinstance(action, CachedMedia):
            return (self.media_cache / action.derivative.cache_name).read_bytes()
        if isinstance(action, PackedModel):
            return self.packed_models[action.source].path.read_bytes()
        if isinstance(action, QrImage):
            return qr_svg(action.url) if action.fmt == "svg" else qr_png(action.url)
        if isinstance(action, TextFile):
            return action.text.encode("utf-8")
        if isinstance(action, Redirect):
            return self._redirect(action, output.path).encode("utf-8")
        raise TypeError(f"unknown output action {action!r}")

    def _template(self, name: str, context: dict[str, Any]) -> str:
        assert self.env is not None, "set in __post_init__"
        try:
            return self.env.get_template(name).render(context)
        except jinja2.TemplateSyntaxError as exc:
            problem = Problem(
                _theme_file(self.theme, exc.name or name),
                exc.lineno or 0,
                "error",
                "theme-syntax",
                f"template error: {exc.message}",
                "fix the template syntax on that line",
            )
        except jinja2.UndefinedError as exc:
            file, line = _template_frame(exc, self.theme, name)
            problem = Problem(
                file,
                line,
                "error",
                "theme-undefined",
                f"template error: {exc.message}",
                "the template uses a name disan does not provide; check its spelling",
            )
        raise ContentError([problem])

    def _base_context(self, lang: str, page_url: str, kind: str, entry: Entry | None) -> dict[str, Any]:
        config = self.model.config
        root_path = "/" + config.base_url.split("://", 1)[-1].partition("/")[2]
        return {
            "lang": lang,
            "kind": kind,
            "page_url": page_url,
            "root_path": root_path,
            "strings": self.strings[lang],
            "static_urls": self.plan.static_urls,
            "site": {
                "title": config.text("title", lang),
                "description": config.text("description", lang),
                "license": config.text("license", lang),
                "home": entry_url(config, "page", "index", lang),
                "default_language": config.default_language,
                "base_url": config.base_url,
            },
            "canonical": config.base_url
            + (
                page_url
                if entry is None or entry.translated
                else entry_url(config, entry.kind, entry.slug, config.default_language)
            ),
            "csp": PAGE_CSP,
            "authoring": self.authoring,
            "nav": self._nav(lang),
            "alternates": self._alternates(kind, entry, page_url, lang),
            "entry": entry,
        }

    def _nav(self, lang: str) -> list[dict[str, str]]:
        config = self.model.config
        items = [
            {
                "title": self.strings[lang].get("nav_exhibits", "Exhibits"),
                "lang": lang,
                "url": index_url(config, "exhibit", lang),
            }
        ]
        if self.model.collections:
            items.append(
                {
                    "title": self.strings[lang].get("nav_collections", "Collections"),
                    "lang": lang,
                    "url": index_url(config, "collection", lang),
                }
            )
        if self.model.tours:
            items.append(
                {
                    "title": self.strings[lang].get("nav_tours", "Tours"),
                    "lang": lang,
                    "url": index_url(config, "tour", lang),
                }
            )
        pages = sorted(
            (by_lang[lang] for slug, by_lang in self.model.pages.items() if slug != "index"),
            key=lambda p: (p.order, p.title.casefold()),
        )
        items.extend(
            {
                "title": p.title,
                "url": entry_url(config, "page", p.slug, lang),
                "lang": lang if p.translated else config.default_language,
            }
            for p in pages
        )
        return items

    def _alternates(self, kind: str, entry: Entry | None, page_url: str, lang: str) -> list[dict[str, Any]]:
        """The same page in every language, for the language switch and hreflang links."""
        config = self.model.config
        result = []
        for other in config.languages:
            if entry is not None:
                url = entry_url(config, entry.kind, entry.slug, other)
                groups: dict[str, Mapping[str, Mapping[str, Entry]]] = {
                    "page": self.model.pages,
                    "collection": self.model.collections,
                    "exhibit": self.model.exhibits,
                    "tour": self.model.tours,
                }
                group = groups[entry.kind]
                translated = group[entry.slug][other].translated
                if kind == "tour-embed":
                    url += "embed/"
            elif kind == "404":
                url, translated = entry_url(config, "page", "index", other), True
            else:
                prefix_now = "" if lang == config.default_language else f"{lang}/"
                rest = page_url[len(prefix_now) :] if page_url.startswith(prefix_now) else page_url
                url = ("" if other == config.default_language else f"{other}/") + rest
                translated = True
            result.append(
                {
                    "lang": other,
                    "name": LANGUAGE_NAMES.get(other, other),
                    "url": url,
                    "current": other == lang,
                    "translated": translated,
                }
            )
        return result

    def _page(self, action: RenderPage) -> str:
        model, lang = self.model, action.lang
        entry: Entry | None = None
        extra: dict[str, Any] = {}
        if action.kind == "home":
            entry = model.pages.get("index", {}).get(lang)
            listed = self._listed(lang)
            extra = {
                "featured": [self._card(e) for e in listed[:HOME_FEATURED]],
                "collections": [self._collection_card(c[lang]) for c in self._collections()],
                "total": len(listed),
            }
        elif action.kind == "page":
            entry = model.pages[action.slug][lang]
        elif action.kind == "collection":
            entry = model.collections[action.slug][lang]
            extra = {
                "members": [self._card(e) for e in self._listed(lang) if e.collection == action.slug],
                "image": self._picture(entry.image) if entry.image else None,
            }
        elif action.kind == "collection-index":
            extra = {"collections": [self._collection_card(c[lang]) for c in self._collections()]}
        elif action.kind == "exhibit-index":
            listed = self._listed(lang)
            pages = max(1, -(-len(listed) // EXHIBITS_PER_INDEX_PAGE))
            chunk = listed[(action.number - 1) * EXHIBITS_PER_INDEX_PAGE : action.number * EXHIBITS_PER_INDEX_PAGE]
            extra = {
                "exhibits": [self._card(e) for e in chunk],
                "number": action.number,
                "pages": pages,
                "page_urls": [index_url(model.config, "exhibit", lang, n) for n in range(1, pages + 1)],
            }
        elif action.kind == "exhibit":
            entry = model.exhibits[action.slug][lang]
            extra = self._exhibit_context(entry)
        elif action.kind in ("tour", "tour-embed"):
            entry = model.tours[action.slug][lang]
            extra = self._tour_context(entry, action.url)
        elif action.kind == "tour-index":
            extra = {"tours": [self._tour_card(model.tours[name][lang]) for name in sorted(model.tours)]}
        context = self._base_context(lang, action.url, action.kind, entry)
        if action.kind in ("tour", "tour-embed"):
            context["csp"] = TOUR_CSP
        if extra.get("model") or extra.get("shows_models"):
            context["csp"] = self.plan.model_csp
        context.update(extra)
        offset = 1 if action.kind == "exhibit" else 0
        context["body"] = render_markdown(self.markdown, entry.body, offset) if entry is not None else ""
        return self._template(action.template, context)

    def _listed(self, lang: str) -> list[Exhibit]:
        return sorted(
            (by_lang[lang] for by_lang in self.model.exhibits.values()), key=lambda e: (e.title.casefold(), e.slug)
        )

    def _collections(self) -> list[dict[str, Any]]:
        lang = self.model.config.default_language
        return sorted(self.model.collections.values(), key=lambda c: (c[lang].order, c[lang].title.casefold()))

    def _picture(self, ref) -> dict[str, Any] | None:
        image = self.plan.images.get((ref.src, ref.credit))
        if image is None:
            return None
        return {
            "alt": ref.alt,
            "caption": ref.caption,
            "credit": ref.credit,
            "width": image.width,
            "height": image.height,
            "webp": ", ".join(f"{d.site_path} {d.width}w" for d in image.webp),
            "jpeg": ", ".join(f"{d.site_path} {d.width}w" for d in image.jpeg),
            "webp_items": [(d.site_path, d.width) for d in image.webp],
            "jpeg_items": [(d.site_path, d.width) for d in image.jpeg],
            "fallback": image.jpeg[min(1, len(image.jpeg) - 1)].site_path,
            "smallest": image.jpeg[0].site_path,
            "smallest_webp": image.webp[0].site_path,
        }

    def _card(self, exhibit: Exhibit) -> dict[str, Any]:
        config = self.model.config
        return {
            "title": exhibit.title,
            "summary": exhibit.summary,
            "id": exhibit.id,
            "retired": exhibit.retired,
            "url": entry_url(config, "exhibit", exhibit.slug, exhibit.lang),
            "translated": exhibit.translated,
            "image": self._picture(exhibit.images[0]) if exhibit.images else None,
        }

    def _collection_card(self, collection) -> dict[str, Any]:
        config = self.model.config
        return {
            "title": collection.title,
            "summary": collection.summary,
            "translated": collection.translated,
            "id": "",
            "retired": False,
            "url": entry_url(config, "collection", collection.slug, collection.lang),
            "image": self._picture(collection.image) if collection.image else None,
        }

    def _exhibit_context(self, exhibit: Exhibit) -> dict[str, Any]:
        config, lang = self.model.config, exhibit.lang
        collection = self.model.collections.get(exhibit.collection, {}).get(lang)
        related = [self.model.exhibits[self._by_id[code].slug][lang] for code in exhibit.related if code in self._by_id]
        code_url = f"q/{exhibit.id}/"
        return {
            "exhibit": exhibit,
            "facts": [(self.strings[lang].get(f"fact_{key}", key), value) for key, value in exhibit.facts],
            "pictures": [p for p in (self._picture(ref) for ref in exhibit.images) if p],
            "collection": {"title": collection.title, "url": entry_url(config, "collection", collection.slug, lang)}
            if collection
            else None,
            "related": [self._card(e) for e in related],
            "short_url": short_url(config, exhibit.id),
            "narration": self._narration(exhibit),
            "model": self._model(exhibit),
            "qr_svg": code_url + "qr.svg",
            "qr_png": code_url + "qr.png",
        }

    def _model(self, exhibit: Exhibit) -> dict[str, Any] | None:
        found = self.site_models.get((exhibit.slug, exhibit.lang))
        if found is None:
            return None
        size = self.packed_models[found.source].bytes_after
        megabytes, triangles = f"{size / 1e6:.1f}" if size >= 100_000 else f"{size / 1e6:.2f}", f"{found.triangles:,}"
        if exhibit.lang != "en":  # Vietnamese writes 1,5 MB and 17.456
            megabytes, triangles = megabytes.replace(".", ","), triangles.replace(",", ".")
        return {
            "src": found.site_path,
            "alt": found.alt,
            "size": f"{megabytes} MB",
            "triangles": triangles,
            "poster": self._picture(found.poster) if found.poster else None,
            "annotations": found.annotations,
        }

    def _narration(self, exhibit: Exhibit) -> dict[str, Any] | None:
        return self._narration_view(self.site_narrations.get((exhibit.slug, exhibit.lang)))

    def _narration_view(self, narration: Narration | None) -> dict[str, Any] | None:
        """partials/narration.html's context: exhibits and guided tours."""
        if narration is None:
            return None
        audio, vtt = narration_paths(narration)
        minutes, seconds = divmod(round(narration.duration), 60)
        return {
            "src": audio,
            "vtt": vtt,
            "mime": narration.published_mime,
            "duration": f"{minutes}:{seconds:02d}",
            "lang": narration.lang,
            "cues": [dict(cue, start_label=_clock(cue["start"])) for cue in narration.cues],
        }

    def _card_media(self, exhibit: Exhibit, rel) -> dict[str, Any]:
        """The 3D model and narration an exhibit card in a tour shows, as on the exhibit page."""
        media: dict[str, Any] = {}
        model = self._model(exhibit)
        if model:
            media["model"] = {
                "src": rel(model["src"]),
                "alt": model["alt"],
                "size": model["size"],
                "poster": rel(model["poster"]["fallback"]) if model["poster"] else None,
                "annotations": [
                    {"position": a.position_attr, "normal": a.normal_attr, "label": a.label}
                    for a in model["annotations"]
                ],
            }
        narration = self._narration(exhibit)
        if narration:
            media["audio"] = {
                "src": rel(narration["src"]),
                "mime": narration["mime"],
                "lang": narration["lang"],
                "vtt": rel(narration["vtt"]) if narration["vtt"] else None,
            }
        return media

    def _tour_card(self, tour: Tour) -> dict[str, Any]:
        config = self.model.config
        scenes = self.model.tour_scenes(tour.slug, tour.lang)
        start = next((s for s in scenes if s.name == tour.start), scenes[0] if scenes else None)
        panorama = self.plan.panoramas.get(start.slug) if start else None
        return {
            "title": tour.title,
            "summary": tour.summary,
            "translated": tour.translated,
            "id": "",
            "retired": False,
            "url": entry_url(config, "tour", tour.slug, tour.lang),
            "poster": poster_path(panorama) if panorama else "",
            "scenes": len(scenes),
        }

    def _tour_context(self, tour: Tour, page_url: str) -> dict[str, Any]:
        """The tour page: server-rendered poster and index, plus the viewer's JSON configuration."""
        config, lang = self.model.config, tour.lang
        scenes = self.model.tour_scenes(tour.slug, lang)
        start = next((s for s in scenes if s.name == tour.start), scenes[0])

        def rel(target: str) -> str:
            return relative_url(target, page_url)

        plan_image = None
        if tour.plan:
            with Image.open(config.root / tour.plan) as image:
                plan_image = {"src": rel(self.plan.media_urls[tour.plan]), "width": image.width, "height": image.height}
        scene_views = [self._scene_view(scene, rel) for scene in scenes]
        viewer: dict[str, Any] = {
            "tour": tour.slug,
            "lang": lang,
            "start": start.name,
            "autorotate": tour.autorotate or False,
            "plan": plan_image,
            "strings": {k[5:]: v for k, v in self.strings[lang].items() if k.startswith("tour_")},
            "scenes": [view["config"] for view in scene_views],
        }
        guide = self.site_narrations.get((guide_key(tour.slug), lang))
        if guide is not None:
            viewer["narration"] = self._guide_config(tour, scenes, guide, rel)
        shows_models = any("model" in h for view in scene_views for h in view["config"]["hotspots"])
        if shows_models:
            viewer["model_viewer"] = {
                "viewer": rel(self.plan.static_urls[MODEL_BUNDLE]),
                "decoders": rel(self.plan.static_urls[DECODERS]),
                "strings": {k[6:]: v for k, v in self.strings[lang].items() if k.startswith("model_")},
            }
        start_panorama = self.plan.panoramas[start.slug]
        return {
            "tour": tour,
            "scenes": scene_views,
            "start": start,
            "authoring": self.authoring,
            "viewer_json": inline_json(viewer),
            "poster": poster_path(start_panorama),
            "poster_size": POSTER_SIZE,
            "preview": f"tiles/{start_panorama.tileset.key}/{start_panorama.tileset.preview}",
            "embed_url": config.base_url + entry_url(config, "tour", tour.slug, lang) + "embed/",
            "tour_url": entry_url(config, "tour", tour.slug, lang),
            "narration": self._narration_view(guide),
            "shows_models": shows_models,
        }

    def _guide_config(self, tour: Tour, scenes: list[Scene], guide: Narration, rel) -> dict[str, Any]:
        """The guided tour for the viewer: audio, cues (seconds, scene, view in degrees) and captions."""
        audio, vtt = narration_paths(guide)
        return {
            "src": rel(audio),
            "mime": guide.published_mime,
            "vtt": rel(vtt) if vtt else None,
            "duration": round(guide.duration, 3),
            "lang": guide.lang,
            "cues": resolve_cues(tour, scenes),
            "captions": [
                {"start": cue["start"], "end": cue["end"], "text": cue["text"]}
                for cue in guide.cues
                if cue["start"] is not None
            ],
        }

    def _scene_view(self, scene: Scene, rel) -> dict[str, Any]:
        """One scene for the viewer config and for the HTML index that mirrors it."""
        config, lang = self.model.config, scene.lang
        panorama = self.plan.panoramas[scene.slug]
        base = f"tiles/{panorama.tileset.key}/"
        hotspots, links = [], []
        for hotspot in scene.hotspots:
            item: dict[str, Any] = {
                "type": hotspot.kind,
                "yaw": hotspot.yaw,
                "pitch": hotspot.pitch,
                "label": hotspot.label,
            }
            href = f"#scene={scene.name}"
            if hotspot.kind == "go":
                item["target"] = hotspot.target
                if hotspot.view is not None:
                    item["view"] = asdict(hotspot.view)
                href = f"#scene={hotspot.target}"
            elif hotspot.kind == "exhibit":
                exhibit = self.model.exhibits[self._by_id[hotspot.target].slug][lang]
                card = self._card(exhibit)
                picture = card["image"]
                item.update(
                    label=hotspot.label or exhibit.title,
                    code=exhibit.id,
                    url=rel(card["url"]),
                    summary=exhibit.summary,
                    image={
                        "src": rel(picture["fallback"]),
                        "alt": picture["alt"],
                        "srcset": ", ".join(f"{rel(p)} {w}w" for p, w in picture["jpeg_items"]),
                    }
                    if picture
                    else None,
                )
                item.update(self._card_media(exhibit, rel))
                href = rel(card["url"])
            elif hotspot.kind in ("audio", "video"):
                item["src"] = href = rel(self.plan.media_urls[hotspot.target])
            elif hotspot.kind == "image":
                image = self.plan.images[(hotspot.target, "")]
                item.update(
                    src=rel(image.jpeg[-1].site_path),
                    alt=hotspot.label,
                    srcset=", ".join(f"{rel(d.site_path)} {d.width}w" for d in image.jpeg),
                )
                href = item["src"]
            elif hotspot.kind == "text":
                item["text"] = hotspot.target
            elif hotspot.kind == "url":
                item["href"] = href = hotspot.target
            hotspots.append(item)
            links.append(
                {
                    "label": item["label"],
                    "href": href,
                    "kind": hotspot.kind,
                    "text": hotspot.target if hotspot.kind == "text" else "",
                }
            )
        description = render_markdown(self.markdown, scene.body, 2)
        scene_config = {
            "id": scene.name,
            "title": scene.title,
            "code": scene.id or None,
            "north": scene.north,
            "view": asdict(scene.view),
            "plan_position": dict(scene.plan_position) if scene.plan_position else None,
            "base": rel(base),
            "panorama": panorama.tileset.psv_config(),
            "fallback": {face: rel(base + path) for face, path in panorama.tileset.fallback_faces.items()},
            "equirect": rel(base + panorama.tileset.equirect),
            "hotspots": hotspots,
        }
        return {
            "scene": scene,
            "config": scene_config,
            "links": links,
            "description": Markup(description),
            "short_url": short_url(config, scene.id) if scene.id else "",
            "narration": self._narration_view(self.site_narrations.get((scene.slug, lang))),
        }

    def _redirect(self, action: Redirect, path: str) -> str:
        config = self.model.config
        holder = self._codes[action.code]
        page_url = posixpath.dirname(path) + "/"
        context = self._base_context(config.default_language, page_url, "redirect", None)
        context.update(
            {
                "target": action.target,
                "code": action.code,
                "title": holder.title,
                "canonical": config.base_url + action.target,
            }
        )
        return self._template("shortcode.html", context)


_worker_renderer: Renderer | None = None


def _adopt_renderer(renderer: Renderer, parent: int) -> None:
    """Runs once in each forked worker: the renderer arrives by fork, not by pickling."""
    global _worker_renderer
    die_with_parent(parent)
    _worker_renderer = renderer


def _write_in_worker(outputs: list[Output], root: Path, atomic: bool) -> int:
    assert _worker_renderer is not None
    return write_outputs(_worker_renderer, outputs, root, atomic)


def write_outputs(renderer: Renderer, outputs: list[Output], root: Path, atomic: bool) -> int:
    """Write outputs under `root`; `atomic` replaces each file whole (for a folder being served)."""
    made: set[Path] = set()
    for output in outputs:
        target = root / output.path
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        if atomic:
            tmp = target.with_name(f".{target.name}.tmp{os.getpid()}")
            tmp.write_bytes(renderer.render(output))
            os.replace(tmp, target)
        else:
            target.write_bytes(renderer.render(output))
    return len(outputs)


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return ""
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}:{rest:02d}"


def _template_frame(exc: Exception, theme: Theme, name: str) -> tuple[str, int]:
    """The innermost template file and line in a traceback (Jinja maps frames to template lines)."""
    found = (_theme_file(theme, name), 0)
    traceback = exc.__traceback__
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt")):
            found = (filename, traceback.tb_lineno)
        traceback = traceback.tb_next
    return found


def _theme_file(theme: Theme, name: str) -> str:
    for folder in theme.folders:
        candidate = folder / "templates" / name
        if candidate.is_file():
            return candidate.as_posix()
    return name
