"""Front matter → record fields: the small readers every content kind's record builder shares.

Reading is lenient (a wrong type reads as empty or as the default); the validate stage reports
what is wrong, with the line, from the raw front matter kept in `Entry.meta`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from .diagnostics import Problems
from .frontmatter import LineDict
from .model import ImageRef, Origin


def text(value: Any) -> str:
    if value is None or isinstance(value, (list, dict)):
        return ""
    return unicodedata.normalize("NFC", str(value)).strip()


def whole_number(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def number(value: Any, default: float) -> float:
    return float(value) if is_number(value) else default


def strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(text(v) for v in value if text(v))
    if isinstance(value, str) and value.strip():
        return tuple(v.strip() for v in value.split(",") if v.strip())
    return ()


def image(value: Any, origin_file: str) -> ImageRef | None:
    if isinstance(value, str):
        return ImageRef(src=value.strip(), alt="", origin=Origin(origin_file, 0))
    if not isinstance(value, dict):
        return None
    line = getattr(value, "line", 0)
    return ImageRef(
        src=text(value.get("src")),
        alt=text(value.get("alt")),
        caption=text(value.get("caption")),
        credit=text(value.get("credit")),
        zoom=value.get("zoom") is True,
        origin=Origin(origin_file, line),
    )


def merge_lists_by_position(base: list[Any], translated: list[Any], text_keys: tuple[str, ...]) -> list[Any]:
    """Items pair up by position; a translation changes only their words (`text_keys`)."""
    result = []
    for index, item in enumerate(base):
        other = translated[index] if index < len(translated) else None
        if isinstance(item, LineDict) and isinstance(other, dict):
            merged = LineDict({**item, **{k: other[k] for k in text_keys if k in other}})
            merged.line, merged.lines = item.line, dict(item.lines)
            result.append(merged)
        else:
            result.append(item)
    return result


def is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_numbers(meta: Mapping[str, Any], file: str, keys: Mapping[str, tuple[str, ...]], problems: Problems) -> None:
    """`north: bắc` or `fov: "80"` would be read as the default angle without a word; say so instead."""
    lines = getattr(meta, "lines", {})
    for key, inner in keys.items():
        value = meta.get(key)
        if not inner:
            named = {key: value}
        else:
            named = {f"{key}.{k}": value[k] for k in inner if k in value} if isinstance(value, Mapping) else {}
        for name, found in named.items():
            turned_off = found is False and key == "autorotate"
            if found is None or turned_off or is_number(found):
                continue
            problems.error(
                file,
                lines.get(key, getattr(meta, "line", 0)),
                "value-type",
                f"{name} must be a number, not {found!r}",
                f"write {name} as a plain number, without quotes or units; see docs/authoring.md",
            )
