"""The service worker (`/sw.js`) and the web app manifests, as published text.

The worker's code is the theme's bundle (`viewer/sw.js`, published with the theme's static files
under a content-hashed folder), which `/sw.js` imports; `/sw.js` itself says what this site's
worker must know: the build's version, which names its caches, so that a new build's
worker deletes what the old one cached; the offline page of each language; what it stores when
it installs. The version is a digest of what decides the published bytes (the content files,
site.toml, the theme, disan's release, and every published path, which carries the content hash
of each image, tile and sound), not of disan's code: a rebuild of the same site gives the same
`sw.js`, so returning visitors keep their caches.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..hosting import CACHED_FOREVER, HASHED_SEARCH_FILES
from ..outputs import Output, key_of
from ..urls import lang_prefix
from .icons import BACKGROUND, ICON_SIZES, THEME_COLOUR
from .settings import offline_settings

if TYPE_CHECKING:
    from ..config import SiteConfig
    from ..plan import Planner

WORKER = "sw.js"
WORKER_BUNDLE = "vendor/offline/worker.js"
SHORT_NAME_LETTERS = 12  # what a phone's home screen shows under an icon


def build_version(planner: Planner, outputs: Sequence[Output]) -> str:
    model = planner.model
    shown = replace(model.config, root=Path(), deploy={})
    return key_of(
        __version__,
        planner.theme.digest,
        repr(shown),
        sorted(model.source_digests.items()),
        sorted(output.path for output in outputs),
    )[:16]


def offline_url(config: SiteConfig, lang: str) -> str:
    return f"{lang_prefix(config, lang)}offline/"


def manifest_path(config: SiteConfig, lang: str) -> str:
    return f"{lang_prefix(config, lang)}manifest.webmanifest"


def icon_path(size: int) -> str:
    return f"icons/icon-{size}.png"


def worker_text(code_url: str, version: str, config: SiteConfig, precache: list[str], kiosk_list: str) -> str:
    settings = {
        "version": version,
        "offline": {lang_prefix(config, lang): offline_url(config, lang) for lang in config.languages},
        "precache": precache,
        "kiosk": kiosk_list,
        "hashed": [f"{folder}/" for folder in CACHED_FOREVER],
        "hashedSuffixes": list(HASHED_SEARCH_FILES),
    }
    code = json.dumps(code_url)
    return f"self.DISAN={json.dumps(settings, ensure_ascii=False, sort_keys=True)};\nimportScripts({code});\n"


def manifest_text(config: SiteConfig, lang: str) -> str:
    """The installed app opens at the language's home page; its scope is the whole site."""
    prefix = lang_prefix(config, lang)
    up = "../" * prefix.count("/")
    title = config.text("title", lang)
    settings = offline_settings(config)
    short = settings.get(f"short_name_{lang}") or settings.get("short_name") or short_name(title)
    manifest = {
        "lang": lang,
        "name": title,
        "short_name": short,
        "description": config.text("description", lang),
        "start_url": "./",
        "scope": up or "./",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND,
        "icons": [
            {"src": f"{up}{icon_path(size)}", "sizes": f"{size}x{size}", "type": "image/png", "purpose": "any maskable"}
            for size in ICON_SIZES
        ],
    }
    return json.dumps(manifest, ensure_ascii=False, indent=1) + "\n"


def short_name(title: str) -> str:
    """The title's first words that fit under an icon."""
    words = title.split()
    kept = words[:1]
    for word in words[1:]:
        if len(" ".join([*kept, word])) > SHORT_NAME_LETTERS:
            break
        kept.append(word)
    return " ".join(kept)
