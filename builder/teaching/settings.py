"""`[teaching] pages` in site.toml: a province site may do without the pages for teachers."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import SiteConfig, TableSettings

TABLE = "teaching"


def read_teaching_settings(settings: TableSettings) -> bool:
    """`[teaching] pages`: true (the default) or false. Each object's embeddable page, each
    entry's QR sheet and the teacher box that points to them are four pages per catalogue row in
    two languages."""
    settings.unknown_keys(("pages",))
    value = settings.table.get("pages", True)
    if isinstance(value, bool):
        return value
    settings.problems.error(
        "site.toml",
        settings.line,
        "config-teaching",
        f"[teaching] pages must be true or false, not {value!r}",
        "write pages = false to leave out the embeddable pages, QR sheets and teacher box, or remove the line",
    )
    return True


def teaching_pages(config: SiteConfig) -> bool:
    """Whether this site publishes the pages for teachers."""
    pages: bool = config.feature_settings.get(TABLE, True)
    return pages
