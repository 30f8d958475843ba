"""`[map]` in site.toml: online tiles the map page may lay over its own basemap."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import SiteConfig, TableSettings

TABLE = "map"
TILES_URL = re.compile(r"^https://[A-Za-z0-9.-]+(:\d+)?/\S*\{z\}\S*\{x\}\S*\{y\}\S*$")


def read_map_settings(settings: TableSettings) -> str:
    """`[map] tiles_url`: an https template with {z}, {x} and {y}, or '' (the basemap alone)."""
    url = settings.table.get("tiles_url", "")
    if url == "" or (isinstance(url, str) and TILES_URL.match(url)):
        return url
    settings.problems.error(
        "site.toml",
        settings.line,
        "config-map",
        f"[map] tiles_url {url!r} is not an https address with {{z}}, {{x}} and {{y}}",
        'for example: tiles_url = "https://tile.example.org/{z}/{x}/{y}.png" '
        "(or leave it out: the map has its own basemap)",
    )
    return ""


def tiles_url(config: SiteConfig) -> str:
    """The online tiles' URL template, or '' for the map's own basemap alone."""
    url: str = config.feature_settings.get(TABLE, "")
    return url
