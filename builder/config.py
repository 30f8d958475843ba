"""site.toml: the few settings a museum sets once."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .diagnostics import Problems, did_you_mean

LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English", "fr": "Français", "zh": "中文", "ja": "日本語", "ko": "한국어"}

KNOWN_KEYS = {
    "title",
    "description",
    "base_url",
    "languages",
    "theme",
    "qr_base_url",
    "license",
    "output",
    "i18n",
    "markdown",
    "images",
    "models",
    "max_image_pixels",
    "max_panorama_pixels",
    "catalogue",
    "deploy",
    "build",
}
# The folders a site keeps its sources in: watched by `serve`, never the output folder.
SOURCE_FOLDERS = ("content", "tours", "assets", "themes", "data")
DEFAULT_MAX_TEXTURE = 2048  # the field notes' rule for phones: 2048 px, 4096 at most
TRANSLATABLE_KEYS = {"title", "description", "license"}
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")  # ISO 639: what <html lang> and the file suffix (.en.md) need
TABLE_KEYS = ("i18n", "markdown", "images", "models", "deploy", "build")
SCHEDULER_ADDRESS = re.compile(r"^(tcp|tls)://[A-Za-z0-9.:\[\]-]+:\d+$")
BUILD_KEYS = {"scheduler", "cache"}
PIXEL_LIMIT_KEYS = ("max_image_pixels", "max_panorama_pixels")
THEME_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")  # a folder under themes/, never a path out of it


@dataclass(frozen=True)
class ImageSettings:
    """Responsive derivative widths: small enough for a 360 px phone, sharp on 2× screens."""

    widths: tuple[int, ...] = (480, 800, 1200, 1600)
    jpeg_quality: int = 80
    webp_quality: int = 75


@dataclass(frozen=True)
class SiteConfig:
    root: Path
    title: str
    base_url: str
    languages: tuple[str, ...]
    theme: str = "default"
    qr_base_url: str = ""
    license: str = ""
    description: str = ""
    output: str = "_site"
    raw_html: bool = False
    images: ImageSettings = field(default_factory=ImageSettings)
    max_image_pixels: int = 100_000_000
    max_panorama_pixels: int = 300_000_000
    max_texture: int = DEFAULT_MAX_TEXTURE  # 3D model textures are downscaled to this many pixels a side
    translations: dict[str, dict[str, str]] = field(default_factory=dict)
    catalogue: tuple[dict[str, Any], ...] = ()  # the [[catalogue]] tables as written; the catalogue feature reads them
    deploy: dict[str, Any] = field(default_factory=dict)  # the [deploy] table as written; `disan deploy` reads it
    scheduler: str = ""  # [build] scheduler: a Dask scheduler's address for the media work ('' local processes)
    cache: str = ""  # [build] cache: the build cache folder, relative to the site ('' .disan-cache)
    # what each feature made of its own table (`Feature.settings`), by table name: only the
    # feature reads it, through the accessor it exports (`deepzoom.zoom_min_pixels(config)`)
    feature_settings: dict[str, Any] = field(default_factory=dict)

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def text(self, key: str, lang: str) -> str:
        """A site-level text in `lang`, falling back to the default language."""
        return self.translations.get(lang, {}).get(key) or getattr(self, key)

    @property
    def short_url_base(self) -> str:
        """The base printed in QR codes: scheme and host upper-cased so codes use alphanumeric mode."""
        base = self.qr_base_url or self.base_url
        parts = urlsplit(base)
        path = parts.path if parts.path.endswith("/") else parts.path + "/"
        return f"{parts.scheme.upper()}://{parts.netloc.upper()}{path}"


def load_config(root: Path, problems: Problems, flags: Collection[str] = ()) -> SiteConfig | None:
    """Read site.toml; report problems instead of raising so `check` can list them all. `flags`
    are the features' `disan build` options given (`BuildFlag`), which their settings may follow."""
    path = root / "site.toml"
    if not path.is_file():
        problems.error(
            "site.toml",
            0,
            "config-missing",
            f"no site.toml in {root}",
            "run the command in the folder that holds site.toml, pass --site DIR, "
            "or create a new museum with `disan new DIR`",
        )
        return None
    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        problems.error(
            "site.toml",
            raw[: exc.start].count(b"\n") + 1,
            "config-encoding",
            "site.toml is not UTF-8 text",
            "save site.toml as UTF-8 in your editor (Notepad: Save As, Encoding: UTF-8)",
        )
        return None
    except tomllib.TOMLDecodeError as exc:
        line = _toml_error_line(str(exc))
        problems.error(
            "site.toml",
            line,
            "config-syntax",
            f"site.toml is not valid TOML: {exc}",
            'check quotes and brackets; text values need "double quotes"',
        )
        return None
    return _parse_config(root, data, problems, frozenset(flags))


def _toml_error_line(message: str) -> int:
    marker = "line "
    if marker in message:
        digits = message.split(marker, 1)[1].split(",")[0].split(")")[0]
        if digits.isdigit():
            return int(digits)
    return 0


def _parse_config(root: Path, data: dict[str, Any], problems: Problems, flags: frozenset[str]) -> SiteConfig | None:
    from .features import FEATURES  # here, not at the top: the features import this module

    lines = _key_lines(root / "site.toml")
    feature_tables = tuple(feature.settings_table for feature in FEATURES if feature.settings_table)
    known = KNOWN_KEYS | set(feature_tables)
    for key in data:
        if key not in known:
            problems.warning(
                "site.toml",
                lines.get(key, 0),
                "config-unknown-key",
                f"unknown setting '{key}'",
                did_you_mean(key, known) or "see docs/authoring.md for the settings site.toml takes",
            )
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.error(
            "site.toml",
            lines.get("title", 0),
            "config-title",
            "site.toml needs a title",
            'add a line like: title = "Bảo tàng tỉnh"',
        )
        return None
    languages = data.get("languages", ["vi"])
    if (
        not isinstance(languages, list)
        or not languages
        or not all(isinstance(x, str) and LANGUAGE_CODE.match(x) for x in languages)
        or len(set(languages)) != len(languages)
    ):
        problems.error(
            "site.toml",
            lines.get("languages", 0),
            "config-languages",
            f"languages must be a list of different two- or three-letter language codes, not {languages!r}",
            'for example: languages = ["vi", "en"] (ISO 639 codes, lower case)',
        )
        return None
    for table in (*TABLE_KEYS, *feature_tables):
        if not isinstance(data.get(table, {}), dict):
            problems.error(
                "site.toml",
                lines.get(table, 0),
                "config-table",
                f"'{table}' must be a [{table}] section, not {data[table]!r}",
                f"write the settings under a line [{table}]; see docs/authoring.md",
            )
            return None
    pixel_limits = {key: data.get(key, getattr(SiteConfig, key)) for key in PIXEL_LIMIT_KEYS}
    for key, limit in pixel_limits.items():
        if not isinstance(limit, int) or isinstance(limit, bool) or limit <= 0:
            problems.error(
                "site.toml",
                lines.get(key, 0),
                "config-pixels",
                f"{key} must be a whole number of pixels, not {limit!r}",
                f"for example: {key} = {getattr(SiteConfig, key)} (no quotes, no units)",
            )
            return None
    theme = str(data.get("theme", "default"))
    if not THEME_NAME.match(theme):
        problems.error(
            "site.toml",
            lines.get("theme", 0),
            "config-theme",
            f"theme '{theme}' is not a theme name",
            "name a folder in themes/ (letters, digits, '-' and '_'), like theme = \"default\"",
        )
        return None
    base_url = str(data.get("base_url", "/"))
    for key, url, unset in (("base_url", base_url, "/"), ("qr_base_url", str(data.get("qr_base_url", "")), "")):
        if url != unset and urlsplit(url).scheme not in ("http", "https"):
            problems.error(
                "site.toml",
                lines.get(key, 0),
                "config-base-url",
                f"{key} '{url}' is not an http(s) address",
                f'for example: {key} = "https://museum.example.vn/"',
            )
    translations = {
        lang: {k: v for k, v in values.items() if k in TRANSLATABLE_KEYS and isinstance(v, str)}
        for lang, values in data.get("i18n", {}).items()
        if isinstance(values, dict)
    }
    markdown = data.get("markdown", {})
    images = data.get("images", {})
    try:
        image_settings = ImageSettings(
            widths=tuple(sorted(int(w) for w in images.get("widths", ImageSettings.widths))),
            jpeg_quality=int(images.get("jpeg_quality", ImageSettings.jpeg_quality)),
            webp_quality=int(images.get("webp_quality", ImageSettings.webp_quality)),
        )
    except (TypeError, ValueError):
        problems.error(
            "site.toml",
            lines.get("images", 0),
            "config-images",
            "[images] widths and qualities must be whole numbers",
            "for example: widths = [480, 800, 1200]",
        )
        image_settings = ImageSettings()
    models = data.get("models", {})
    max_texture = models.get("max_texture", DEFAULT_MAX_TEXTURE) if isinstance(models, dict) else None
    if not isinstance(max_texture, int) or isinstance(max_texture, bool) or not 256 <= max_texture <= 8192:
        problems.error(
            "site.toml",
            lines.get("models", 0),
            "config-models",
            "[models] max_texture must be a whole number of pixels from 256 to 8192",
            "for example: max_texture = 2048 (phones handle 2048; 4096 at most)",
        )
        max_texture = DEFAULT_MAX_TEXTURE
    scheduler, cache = _build_settings(data.get("build", {}), lines.get("build", 0), problems)
    return SiteConfig(
        root=root,
        title=title,
        base_url=base_url if base_url.endswith("/") else base_url + "/",
        languages=tuple(languages),
        theme=theme,
        qr_base_url=str(data.get("qr_base_url", "")),
        license=str(data.get("license", "")),
        description=str(data.get("description", "")),
        output=str(data.get("output", "_site")),
        raw_html=bool(markdown.get("raw_html", False)) if isinstance(markdown, dict) else False,
        images=image_settings,
        max_image_pixels=pixel_limits["max_image_pixels"],
        max_panorama_pixels=pixel_limits["max_panorama_pixels"],
        max_texture=max_texture,
        translations=translations,
        catalogue=_tables(data.get("catalogue", [])),
        deploy=dict(data.get("deploy", {})),
        scheduler=scheduler,
        cache=cache,
        feature_settings={
            table: feature.settings(
                TableSettings(table, data.get(table, {}), lines.get(table, 0), tuple(languages), flags, problems)
            )
            for feature in FEATURES
            if (table := feature.settings_table)
        },
    )


@dataclass(frozen=True)
class TableSettings:
    """A feature's own site.toml table (`Feature.settings_table`), handed to `Feature.settings`
    to check and turn into what the feature reads: the table as written (`{}` when site.toml has
    none; anything but a table is refused before), the line of its header for problems, the
    site's languages and the names of the build flags given."""

    name: str
    table: dict[str, Any]
    line: int
    languages: tuple[str, ...]
    flags: frozenset[str]
    problems: Problems

    def unknown_keys(self, known: Collection[str]) -> None:
        """Warn about each key of the table not in `known`, with the near one."""
        _unknown_settings(self.name, self.table, known, self.line, self.problems)


def _unknown_settings(name: str, table: dict[str, Any], known: Collection[str], line: int, problems: Problems) -> None:
    """A misspelt key in a table (`max_pak_mb`) would be silently ignored: warn, with the near key."""
    for key in sorted(set(table) - set(known)):
        problems.warning(
            "site.toml",
            line,
            "config-unknown-key",
            f"unknown setting '{key}' in [{name}]",
            did_you_mean(key, known) or f"[{name}] takes {', '.join(sorted(known))}",
        )


def _build_settings(table: dict[str, Any], line: int, problems: Problems) -> tuple[str, str]:
    """`[build] scheduler` (a Dask scheduler's tcp:// or tls:// address) and `cache` (a folder)."""
    _unknown_settings("build", table, BUILD_KEYS, line, problems)
    scheduler, cache = table.get("scheduler", ""), table.get("cache", "")
    if scheduler != "" and not (isinstance(scheduler, str) and SCHEDULER_ADDRESS.match(scheduler)):
        problems.error(
            "site.toml",
            line,
            "config-build",
            f"[build] scheduler {scheduler!r} is not a Dask scheduler address",
            'for example: scheduler = "tcp://10.0.0.5:8786" (or leave it out to build with local processes)',
        )
        scheduler = ""
    if not isinstance(cache, str):
        problems.error(
            "site.toml",
            line,
            "config-build",
            f"[build] cache must be a folder name in quotes, not {cache!r}",
            'for example: cache = "/mnt/museum-cache" (a folder every cluster worker sees at the same path)',
        )
        cache = ""
    return scheduler, cache


def _tables(value: Any) -> tuple[dict[str, Any], ...]:
    """`[[catalogue]]` tables as written; a single `[catalogue]` table counts as one."""
    tables = [value] if isinstance(value, dict) else value if isinstance(value, list) else []
    return tuple(table for table in tables if isinstance(table, dict))


def setting_line(path: Path, section: str, key: str) -> int:
    """The line of `key` in a `[section]` of a TOML file (tomllib gives no lines)."""
    current = ""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            current = stripped.strip("[]").strip()
        elif current == section and stripped.split("=", 1)[0].strip() == key:
            return number
    return 0


def _key_lines(path: Path) -> dict[str, int]:
    """Line numbers of top-level keys, for pointing at a bad setting (tomllib gives none)."""
    lines: dict[str, int] = {}
    section = ""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            section = stripped.strip("[]").split(".")[0]
            lines.setdefault(section, number)
        elif "=" in stripped and not stripped.startswith("#") and not section:
            lines.setdefault(stripped.split("=", 1)[0].strip(), number)
    return lines
