"""Render stage: turns planned outputs into bytes (pages, QR codes, copies, media)."""

from __future__ import annotations

import multiprocessing
import os
import posixpath
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .collation import in_title_order
from .config import LANGUAGE_NAMES
from .csp import PAGE_CSP
from .diagnostics import ContentError, Problem
from .feature import Feature, PageContext
from .features import FEATURES
from .jobs import die_with_parent
from .markup import make_markdown, render_markdown
from .model import ContentModel, Entry, Exhibit, ImageRef
from .outputs import CachedMedia, CopyFile, Output, QrImage, Redirect, RenderPage, TextFile
from .plan import CORE_PAGE_KINDS, EXHIBITS_PER_INDEX_PAGE, HOME_FEATURED, Plan
from .qr import qr_png, qr_svg
from .theme import Theme
from .urls import entry_url, index_url, relative_url, short_url
from .validate import ValidatedSite
from .write import link_file, write_file

PARALLEL_THRESHOLD = 400
WORKER_CHUNK = 64


@jinja2.pass_context
def _url(context: jinja2.runtime.Context, target: str) -> str:
    """A link relative to the page being rendered; absolute from the site root on a page served at
    any address (the 404 page, the offline page: `absolute_links` in its context)."""
    page = context["page_url"]
    if page == "404.html" or context.get("absolute_links"):
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

    site: ValidatedSite
    plan: Plan
    theme: Theme
    cache_dir: Path
    authoring: bool = False

    env: jinja2.Environment | None = None
    jobs: int = 1
    features: tuple[Feature, ...] = FEATURES

    def __post_init__(self) -> None:
        self.env = self.env or make_environment(self.theme)
        self.model: ContentModel = self.site.model
        self.markdown = make_markdown(self.model.config.raw_html)
        config = self.model.config
        self.strings = {lang: self.theme.strings(lang, config.default_language) for lang in config.languages}
        self.by_id = self.model.exhibit_by_id()
        self._codes: dict[str, Entry] = {
            code: self.model.of_kind(holder.kind)[holder.slug][config.default_language]
            for code, holder in self.site.holders.items()
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

    def cached_file(self, output: Output) -> Path | None:
        """The file of the build cache that holds an output's bytes. Only cache files may be
        hard-linked into the output: the cache replaces its files whole and never edits them,
        where an editor may save a source in place and so change a published file."""
        action = output.action
        if isinstance(action, CachedMedia):
            return self.cache_dir / "media" / action.derivative.cache_name
        if isinstance(action, CopyFile) and action.source.is_relative_to(self.cache_dir):
            return action.source
        return None

    def render(self, output: Output) -> bytes:
        action = output.action
        if isinstance(action, RenderPage):
            return self._finished(self._page(action)).encode("utf-8")
        if isinstance(action, CopyFile):
            return action.source.read_bytes()
        if isinstance(action, CachedMedia):
            return (self.cache_dir / "media" / action.derivative.cache_name).read_bytes()
        if isinstance(action, QrImage):
            return qr_svg(action.url) if action.fmt == "svg" else qr_png(action.url)
        if isinstance(action, TextFile):
            return action.text.encode("utf-8")
        if isinstance(action, Redirect):
            return self._finished(self._redirect(action, output.path)).encode("utf-8")
        return action.produce(self.cache_dir)

    def _finished(self, page: str) -> str:
        for feature in self.features:
            page = feature.page_html(self, page)
        return page

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
            "head_extra": Markup(""),
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
        for feature in self.features:
            items.extend(feature.nav(self, lang))
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
                own = entry_url(config, entry.kind, entry.slug, lang)
                view = page_url[len(own) :] if page_url.startswith(own) else ""  # e.g. a tour's embed/
                url = entry_url(config, entry.kind, entry.slug, other) + view
                translated = self.model.of_kind(entry.kind)[entry.slug][other].translated
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
                "featured": [self.card(e) for e in listed[:HOME_FEATURED]],
                "collections": [self._collection_card(c[lang]) for c in self._collections()],
                "total": len(listed),
            }
            for feature in self.features:
                extra.update(feature.index_context(self, "home", lang))
        elif action.kind == "page":
            entry = model.pages[action.slug][lang]
        elif action.kind == "collection":
            entry = model.collections[action.slug][lang]
            extra = {
                "members": [self.card(e) for e in self._listed(lang) if e.collection == action.slug],
                "image": self.picture(entry.image) if entry.image else None,
            }
        elif action.kind == "collection-index":
            extra = {"collections": [self._collection_card(c[lang]) for c in self._collections()]}
        elif action.kind == "exhibit-index":
            listed = self._listed(lang)
            pages = max(1, -(-len(listed) // EXHIBITS_PER_INDEX_PAGE))
            chunk = listed[(action.number - 1) * EXHIBITS_PER_INDEX_PAGE : action.number * EXHIBITS_PER_INDEX_PAGE]
            extra = {
                "exhibits": [self.card(e) for e in chunk],
                "number": action.number,
                "pages": pages,
                "page_urls": [index_url(model.config, "exhibit", lang, n) for n in range(1, pages + 1)],
            }
            for feature in self.features:
                extra.update(feature.index_context(self, "exhibit", lang))
        elif action.kind == "exhibit":
            entry = model.exhibits[action.slug][lang]
            extra = self._exhibit_context(entry)
        elif action.kind not in CORE_PAGE_KINDS:
            entry, extra = self._feature_page(action)
        context = self._base_context(lang, action.url, action.kind, entry)
        context.update(extra)
        offset = 1 if action.kind == "exhibit" else 0
        context["body"] = render_markdown(self.markdown, entry.body, offset) if entry is not None else ""
        context["head_extra"] = Markup("".join(feature.head(self, context) for feature in self.features))
        return self._template(action.template, context)

    def _listed(self, lang: str) -> list[Exhibit]:
        return in_title_order(by_lang[lang] for by_lang in self.model.exhibits.values())

    def _collections(self) -> list[dict[str, Any]]:
        lang = self.model.config.default_language
        return sorted(self.model.collections.values(), key=lambda c: (c[lang].order, c[lang].title.casefold()))

    def picture(self, ref: ImageRef) -> dict[str, Any] | None:
        image = self.plan.images.get((ref.src, ref.credit))
        if image is None:
            return None
        return {
            "src": ref.src,
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

    def card(self, exhibit: Exhibit) -> dict[str, Any]:
        config = self.model.config
        return {
            "title": exhibit.title,
            "summary": exhibit.summary,
            "id": exhibit.id,
            "retired": exhibit.retired,
            "url": entry_url(config, "exhibit", exhibit.slug, exhibit.lang),
            "translated": exhibit.translated,
            "image": self.picture(exhibit.images[0]) if exhibit.images else None,
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
            "image": self.picture(collection.image) if collection.image else None,
        }

    def _exhibit_context(self, exhibit: Exhibit) -> dict[str, Any]:
        config, lang = self.model.config, exhibit.lang
        collection = self.model.collections.get(exhibit.collection, {}).get(lang)
        related = [self.model.exhibits[self.by_id[code].slug][lang] for code in exhibit.related if code in self.by_id]
        code_url = f"q/{exhibit.id}/"
        return {
            "exhibit": exhibit,
            "facts": [(self.strings[lang].get(f"fact_{key}", key), value) for key, value in exhibit.facts],
            "pictures": [p for p in (self.picture(ref) for ref in exhibit.images) if p],
            "collection": {"title": collection.title, "url": entry_url(config, "collection", collection.slug, lang)}
            if collection
            else None,
            "related": [self.card(e) for e in related],
            "short_url": short_url(config, exhibit.id),
            "qr_svg": code_url + "qr.svg",
            "qr_png": code_url + "qr.png",
            **self.entry_context(exhibit),
        }

    def entry_context(self, entry: Entry) -> dict[str, Any]:
        """What the features add to the page or view of `entry` (its narration, its 3D model)."""
        context: dict[str, Any] = {}
        for feature in self.features:
            context.update(feature.entry_context(self, entry))
        return context

    def card_media(self, exhibit: Exhibit, rel: Callable[[str], str]) -> dict[str, Any]:
        """The 3D model and narration an exhibit card in another view shows, as on the exhibit page."""
        media: dict[str, Any] = {}
        for feature in self.features:
            media.update(feature.card_media(self, exhibit, rel))
        return media

    def _feature_page(self, action: RenderPage) -> tuple[Entry | None, dict[str, Any]]:
        for feature in self.features:
            found: PageContext | None = feature.page_context(self, action.kind, action.slug, action.lang, action.url)
            if found is not None:
                return found.entry, found.extra
        raise TypeError(f"no feature renders pages of kind {action.kind!r}")

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
    """Write outputs under `root`, whose folders exist; `atomic` replaces each file whole (for a
    folder being served). What the build cache holds is linked, not read and written again."""
    for output in outputs:
        final = root / output.path
        target = final.with_name(f".{final.name}.tmp{os.getpid()}") if atomic else final
        cached = renderer.cached_file(output)
        if cached is None or not link_file(cached, target):
            write_file(target, renderer.render(output))
        if atomic:
            os.replace(target, final)
            with suppress(FileNotFoundError):  # rename is a no-op when both name one file (a cached file linked again)
                os.unlink(target)
    return len(outputs)


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
