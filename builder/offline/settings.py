"""`[offline]` in site.toml, and `disan build --kiosk`, which turns its `kiosk` on for one build."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..feature import BuildFlag

if TYPE_CHECKING:
    from ..config import SiteConfig, TableSettings

TABLE = "offline"
KIOSK = BuildFlag(
    "kiosk", "For a device with no network: every tour level saved on the first visit, and <output>-kiosk.zip."
)


def read_offline_settings(settings: TableSettings) -> dict[str, Any]:
    """`[offline]` as written, `kiosk` on if the build was asked for one; the feature's `validate`
    checks its values."""
    known = ("max_pack_mb", "icon", "short_name", "kiosk", *(f"short_name_{lang}" for lang in settings.languages))
    settings.unknown_keys(known)
    return {**settings.table, "kiosk": True} if KIOSK.name in settings.flags else dict(settings.table)


def offline_settings(config: SiteConfig) -> Mapping[str, Any]:
    """The `[offline]` settings of this build."""
    settings: Mapping[str, Any] = config.feature_settings.get(TABLE, {})
    return settings


def is_kiosk(config: SiteConfig) -> bool:
    """`disan build --kiosk`: the site for a device with no network, where a link to another
    site leads nowhere and lets visitors leave the kiosk."""
    return bool(offline_settings(config).get("kiosk"))
