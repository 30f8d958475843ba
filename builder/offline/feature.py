"""Offline as a feature: the web app manifest and its icons, the service worker, the offline
page of each language, the pack lists of the pages a visitor may save, and the kiosk build."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..assets import AssetPathError, resolve_asset
from ..config import setting_line
from ..feature import Feature, PageContext, SiteCheck, missing_bundle
from ..markup import inline_json
from ..outputs import Output, TextFile, key_of
from ..urls import relative_url
from .icons import ICON_SIZES, AppIcon
from .kiosk import offsite_as_text, write_kiosk_zip
from .packs import PACKERS, Saveable, kiosk_pack, max_pack_bytes, page_static, plan_packs
from .settings import KIOSK, TABLE, is_kiosk, offline_settings, read_offline_settings
from .worker import (
    WORKER,
    WORKER_BUNDLE,
    build_version,
    icon_path,
    manifest_path,
    manifest_text,
    offline_url,
    worker_text,
)

if TYPE_CHECKING:
    from ..build import BuildResult
    from ..config import SiteConfig, TableSettings
    from ..diagnostics import Problem
    from ..plan import Planner
    from ..render import Renderer
    from ..theme import Theme
    from ..validate import ValidatedSite

BUNDLE_FOLDER = "vendor/offline/"
REGISTER = BUNDLE_FOLDER + "register.js"
ICON_FORMATS = (".png", ".jpg", ".jpeg", ".webp")
# The `offline_*` strings of the theme that viewer/save.js shows.
BUTTON_STRINGS = ("save", "update", "saving", "saved", "remove", "removed", "too_big", "no_space", "failed")


class OfflineFeature(Feature):
    name = "offline"
    page_kinds = {"offline": ""}
    unlisted_kinds = ("offline",)  # shown in place of a page not kept on the device, never found by search
    static_folders = (BUNDLE_FOLDER,)  # register.js imports save.js beside itself; sw.js imports worker.js
    settings_table = TABLE
    build_flags = (KIOSK,)

    def settings(self, table: TableSettings) -> dict[str, Any]:
        return read_offline_settings(table)

    def after_build(self, result: BuildResult, flags: frozenset[str]) -> list[str]:
        """The kiosk's archive, beside the output folder."""
        if KIOSK.name not in flags:
            return []
        return [f"kiosk archive, with a README to run it: {write_kiosk_zip(result.out_dir)}"]

    def validate(self, check: SiteCheck) -> None:
        """The pack cap and the logo; the logo's digest is left for the icons' keys."""
        config = check.model.config
        settings = offline_settings(config)
        where = config.root / "site.toml"
        limit = settings.get("max_pack_mb", 1)
        if isinstance(limit, bool) or not isinstance(limit, int | float) or limit <= 0:
            check.problems.error(
                "site.toml",
                setting_line(where, "offline", "max_pack_mb"),
                "offline-max-pack",
                f"[offline] max_pack_mb {limit!r} is not a positive number of megabytes",
                "write the largest tour or collection a visitor may save, in MB: max_pack_mb = 150",
            )
        icon = settings.get("icon")
        problem = _icon_problem(config, icon) if icon is not None else None
        if problem:
            check.problems.error(
                "site.toml",
                setting_line(where, "offline", "icon"),
                "offline-icon",
                f"[offline] icon {icon!r} {problem}",
                'give a square PNG or JPEG logo inside the site, like icon = "assets/logo.png"',
            )
        elif icon is not None:
            check.results[self.name] = check.assets.digest(resolve_asset(config.root, icon))

    def missing_viewer(self, site: ValidatedSite, theme: Theme) -> Problem | None:
        return missing_bundle(theme, REGISTER, "offline support (service worker)")

    def plan(self, planner: Planner) -> list[Output]:
        config = planner.model.config
        outputs = []
        for lang in config.languages:
            outputs.append(planner.page("offline.html", lang, "offline", "", offline_url(config, lang), []))
            manifest = manifest_text(config, lang)
            outputs.append(Output(manifest_path(config, lang), key_of(manifest), TextFile(manifest)))
        title = config.text("title", config.default_language)
        icon = offline_settings(config).get("icon")
        logo = resolve_asset(config.root, icon) if icon else None
        for size in ICON_SIZES:
            icon = AppIcon(size, title, logo)
            outputs.append(Output(icon_path(size), key_of(icon, planner.site.results.get(self.name)), icon))
        return outputs

    def plan_last(self, planner: Planner, outputs: Sequence[Output]) -> list[Output]:
        """The pack lists, then the worker: its version covers every other published path."""
        config = planner.model.config
        settings = offline_settings(config)
        made = plan_packs(planner, outputs, max_pack_bytes(settings))
        kiosk_list = ""
        if is_kiosk(config):
            made.append(kiosk_pack([*outputs, *made]))
            kiosk_list = made[-1].path
        version = build_version(planner, [*outputs, *made])
        folder = planner.static_urls[BUNDLE_FOLDER]
        precache = [offline_url(config, lang) for lang in config.languages]
        precache += page_static(planner) + [folder + "register.js", folder + "save.js"]
        precache += [manifest_path(config, lang) for lang in config.languages]
        precache += [icon_path(size) for size in ICON_SIZES]
        text = worker_text(planner.static_urls[WORKER_BUNDLE], version, config, precache, kiosk_list)
        return [*made, Output(WORKER, key_of(text), TextFile(text))]

    def page_context(self, renderer: Renderer, kind: str, slug: str, lang: str, url: str) -> PageContext | None:
        return PageContext(None, {"absolute_links": True}) if kind == "offline" else None

    def page_html(self, renderer: Renderer, page: str) -> str:
        return offsite_as_text(page) if is_kiosk(renderer.model.config) else page

    def head(self, renderer: Renderer, context: dict[str, Any]) -> str:
        """Every page links its language's manifest and loads the small registration module; a
        page a visitor may save also carries where its pack list is and the button's strings."""
        assert renderer.env is not None, "set in Renderer.__post_init__"
        config = renderer.model.config
        lang = context["lang"]
        entry = context["entry"]
        offline: dict[str, Any] | None = None
        if context["kind"] in PACKERS and entry is not None:
            strings = renderer.strings[lang]
            offline = {
                "pack": relative_url(Saveable(context["kind"], entry.slug, lang).list_path, context["page_url"]),
                "strings": {key: strings.get(f"offline_{key}", key) for key in BUTTON_STRINGS},
            }
        template = renderer.env.get_template("partials/offline_head.html")
        return template.render(
            {
                **context,
                "manifest": manifest_path(config, lang),
                "worker": WORKER,
                "offline_json": inline_json(offline) if offline else "",
            }
        )


def _icon_problem(config: SiteConfig, icon: object) -> str | None:
    if not isinstance(icon, str):
        return "is not a path"
    try:
        path = resolve_asset(config.root, icon)
    except AssetPathError as exc:
        return f"cannot be used: {exc.message}"
    if not path.is_file():
        return "there is no such file"
    if path.suffix.lower() not in ICON_FORMATS:
        return "is not a PNG, JPEG or WebP image"
    return None


OFFLINE = OfflineFeature()
