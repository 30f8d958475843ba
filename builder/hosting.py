"""What static hosts and search engines read beside the pages: _headers, sitemap.xml, robots.txt;
and the Content-Type and Cache-Control of every published file, for hosts that take them per file
(`disan serve`, `disan deploy` to a bucket).

`_headers` (Netlify, Cloudflare Pages) carries what a page's meta tag cannot say:
`frame-ancestors`. Both hosts join the values of every rule that matches a path, and a
browser enforces each policy it gets, so rules must never overlap: a wide rule on `/*` would
narrow every page to the strictest page, and a framing rule on `/*` would forbid embeds. The
rules below tile the site by page type instead, with placeholders so their number does not
grow with the number of tours (Cloudflare reads at most 100).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from html import escape

from .config import SiteConfig
from .urls import lang_prefix

EMBEDDABLE = "frame-ancestors *"
# Views of a page for other places (a lesson's iframe, a printed sheet): search engines get the page itself.
NOT_EMBEDDABLE = "frame-ancestors 'self'"
CACHED_FOREVER = ("static", "media", "tiles")
ANY_ORIGIN = "*"
# Pagefind names its index, metadata and fragment files after their content; its entry files keep their names.
HASHED_SEARCH_FILES = (".pf_fragment", ".pf_index", ".pf_meta")
IMMUTABLE = "public, max-age=31536000, immutable"
# Pages and other files that keep their name revalidate on every visit: a page held for minutes
# after a deploy could ask for a content-hashed file the deploy has since deleted.
REVALIDATE = "public, no-cache"
# By suffix, not by the platform's mime.types, so every machine publishes the same headers.
CONTENT_TYPES = {
    "html": "text/html",
    "css": "text/css",
    "js": "text/javascript",
    "mjs": "text/javascript",
    "json": "application/json",
    "geojson": "application/geo+json",
    "jsonld": "application/ld+json",
    "webmanifest": "application/manifest+json",
    "xml": "application/xml",
    "txt": "text/plain",
    "csv": "text/csv",
    "vtt": "text/vtt",
    "svg": "image/svg+xml",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
    "avif": "image/avif",
    "gif": "image/gif",
    "ico": "image/x-icon",
    "glb": "model/gltf-binary",
    "gltf": "model/gltf+json",
    "bin": "application/octet-stream",
    "ktx2": "image/ktx2",
    "wasm": "application/wasm",
    "opus": "audio/ogg",
    "ogg": "audio/ogg",
    "oga": "audio/ogg",
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "flac": "audio/flac",
    "wav": "audio/wav",
    "mp4": "video/mp4",
    "webm": "video/webm",
    "woff2": "font/woff2",
    "woff": "font/woff",
    "pdf": "application/pdf",
}
TEXT_TYPES = (
    "application/json",
    "application/geo+json",
    "application/ld+json",
    "application/manifest+json",
    "application/xml",
    "image/svg+xml",
    "model/gltf+json",
)
# The open-data formats' registered types, which neither every host nor Python's mimetypes (it
# reads the system's list) knows: served as application/octet-stream or text/plain, a GeoJSON
# layer or the DCAT description is not recognised by the GIS tools and data portals that fetch it.
TYPED_FOR_HOSTS = (".geojson", ".jsonld")


class Policies:
    """Content-Security-Policies from narrowest to widest, each allowing all the narrower ones do,
    and `needs(kind)`: the rung a page kind needs."""

    def __init__(self, ladder: Sequence[str], needs: Callable[[str], int]) -> None:
        self.ladder = tuple(ladder)
        self.needs = needs

    def of(self, *kinds: str) -> str:
        return self.ladder[max(self.needs(kind) for kind in kinds)]


def content_type(name: str) -> str:
    """The Content-Type of a published file, UTF-8 for text; Pagefind's own files are plain bytes."""
    kind = CONTENT_TYPES.get(_suffix(name).lstrip("."), "application/octet-stream")
    return f"{kind}; charset=utf-8" if kind.startswith("text/") or kind in TEXT_TYPES else kind


def cache_control(path: str) -> str:
    """Forever for files named after their content (the folders `_headers` marks, Pagefind's
    hashed files); revalidated for everything else. `path` is relative to the output folder."""
    hashed = path.split("/", 1)[0] in CACHED_FOREVER or (
        path.startswith("pagefind/") and path.endswith(HASHED_SEARCH_FILES)
    )
    return IMMUTABLE if hashed else REVALIDATE


def host_files(
    config: SiteConfig,
    pages: dict[str, str],
    policies: Policies,
    files: Iterable[str] = (),
    framed: frozenset[str] = frozenset(),
    unlisted: Collection[str] = (),
    shared: Collection[str] = (),
) -> dict[str, str]:
    """`pages` maps each HTML output path to its page kind; `files` are every published path,
    of which those of a type hosts may not know get a Content-Type rule each (exact paths: the
    hosts' wildcards differ, and the open-data files are few); a folder whose page kinds are all
    `framed` may be framed by other sites, as `/embed/` is. Pages of the `unlisted` kinds (the
    offline page) are left out of the sitemap, as the 404 page and redirects are. The `shared`
    folders (`Feature.cross_origin_folders`: IIIF manifests, which Mirador and Universal Viewer
    load with scripts) are readable from every origin, as they hold only what the pages publish."""
    listed = sorted(p for p in pages if p != "404.html" and pages[p] not in ("redirect", *unlisted))
    urls = "".join(f"<url><loc>{escape(config.base_url + p.removesuffix('index.html'))}</loc></url>\n" for p in listed)
    sitemap = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n'
    )
    robots = f"User-agent: *\nAllow: /\nSitemap: {config.base_url}sitemap.xml\n"
    rules = header_rules(config, pages, policies, framed)
    headers = "".join(f"{path}\n  Content-Security-Policy: {policy}\n" for path, policy in rules)
    headers += "/*\n  X-Content-Type-Options: nosniff\n  Referrer-Policy: strict-origin-when-cross-origin\n" + "".join(
        f"/{folder}/*\n  Cache-Control: {IMMUTABLE}\n" for folder in CACHED_FOREVER
    )
    paths = list(files)
    readable = sorted({path.split("/", 1)[0] for path in paths if cross_origin(path, shared)})
    headers += "".join(f"/{folder}/*\n  Access-Control-Allow-Origin: {ANY_ORIGIN}\n" for folder in readable)
    typed = sorted(path for path in paths if _suffix(path) in TYPED_FOR_HOSTS)
    headers += "".join(f"/{path}\n  Content-Type: {content_type(path)}\n" for path in typed)
    return {"sitemap.xml": sitemap, "robots.txt": robots, "_headers": headers}


def cross_origin(path: str, shared: Collection[str]) -> bool:
    """Whether a published file (`path` relative to the output folder) is in one of the `shared`
    folders, readable from any origin."""
    return path.split("/", 1)[0] in shared and "/" in path


def _suffix(path: str) -> str:
    """`PurePosixPath(path).suffix.lower()` without making a path object: it is asked of every
    published file (300,000 in a province catalogue), once per rebuild in `disan serve`."""
    name = path.rpartition("/")[2].lower()
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def header_rules(
    config: SiteConfig, pages: dict[str, str], policies: Policies, framed: frozenset[str] = frozenset()
) -> list[tuple[str, str]]:
    """(path pattern, policy) pairs that cover every page once; only embeds may be framed."""
    rules: list[tuple[str, str]] = []
    other_languages = {lang_prefix(config, lang) for lang in config.languages} - {""}
    for lang in config.languages:
        prefix = lang_prefix(config, lang)
        mine = {
            path[len(prefix) :]: kind
            for path, kind in pages.items()
            if path.startswith(prefix) and (prefix or not any(path.startswith(other) for other in other_languages))
        }
        rules += _language_rules("/" + prefix, mine, policies, framed)
    return rules


def _language_rules(
    base: str, pages: dict[str, str], policies: Policies, framed: frozenset[str]
) -> list[tuple[str, str]]:
    folders: dict[str, set[str]] = {}
    rules: list[tuple[str, str, str]] = []  # path pattern, policy, framing
    for path, kind in sorted(pages.items()):
        folder, _, rest = path.partition("/")
        if not rest:  # a page file at the top: index.html, 404.html
            rules += _exact(base + ("" if path == "index.html" else path), policies.of(kind))
        elif folder != "tours":
            folders.setdefault(folder, set()).add(kind)
    rules += [
        (
            f"{base}{folder}/*",
            policies.of(*kinds),
            EMBEDDABLE if kinds <= framed else NOT_EMBEDDABLE,
        )
        for folder, kinds in sorted(folders.items())
    ]
    kinds = {kind for path, kind in pages.items() if path.startswith("tours/")}
    if kinds:
        rules += _exact(f"{base}tours/", policies.of("tour-index"))
        if "tour" in kinds:
            rules += _exact(f"{base}tours/:tour/", policies.of("tour"))
        if "tour-embed" in kinds:
            rules.append((f"{base}tours/:tour/embed/*", policies.of("tour-embed"), EMBEDDABLE))
    return [(path, f"{policy}; {framing}") for path, policy, framing in rules]


def _exact(url: str, policy: str) -> list[tuple[str, str, str]]:
    """A directory page answers both as `/x/` and as `/x/index.html`; neither may be framed."""
    urls = [url, url + "index.html"] if url.endswith("/") else [url]
    return [(each, policy, NOT_EMBEDDABLE) for each in urls]
