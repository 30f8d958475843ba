"""`[open_data]` in site.toml, as written: the open-data feature checks its `modified` date."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..config import SiteConfig

TABLE = "open_data"


def open_data_settings(config: SiteConfig) -> Mapping[str, Any]:
    settings: Mapping[str, Any] = config.feature_settings.get(TABLE, {})
    return settings
