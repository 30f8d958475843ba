"""The short-code registry: every QR short code ever issued, so printed labels never break.

`shortcodes.toml` sits beside site.toml and is committed with the content. A build adds
new codes to it; it never removes one. A code that disappears from the content, or that
comes back on a different object, is an error, because a printed label would then lead
nowhere or to the wrong object.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Problems

REGISTRY_FILE = "shortcodes.toml"
SHORT_CODE = re.compile(r"^[A-Z0-9]{2,8}$")
HEADER = """\
# Short codes issued for QR labels by `disan build`. Commit this file with the content.
# A code listed here may be printed on a label: never delete a line, never give a code to
# another object. To take an object off display, keep its file and set `retired: true`.
"""


@dataclass(frozen=True)
class Issued:
    code: str
    kind: str
    slug: str
    line: int


@dataclass(frozen=True)
class Holder:
    """What holds a short code in the current content."""

    kind: str
    slug: str
    file: str
    line: int


def load_registry(root: Path, problems: Problems) -> dict[str, Issued]:
    path = root / REGISTRY_FILE
    if not path.is_file():
        return {}
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problems.error(
            REGISTRY_FILE,
            0,
            "registry-syntax",
            f"{REGISTRY_FILE} is not valid TOML: {exc}",
            "restore it from version control (git checkout shortcodes.toml)",
        )
        return {}
    lines = {m.group(1): n for n, line in enumerate(text.splitlines(), 1) if (m := re.match(r"\[(\w+)\]", line))}
    return {
        code: Issued(code, str(v.get("kind", "")), str(v.get("slug", "")), lines.get(code, 0))
        for code, v in data.items()
        if isinstance(v, dict)
    }


def check_registry(
    issued: dict[str, Issued], holders: dict[str, Holder], slugs: dict[str, set[str]], problems: Problems
) -> None:
    """Report codes that vanished or were given to another object."""
    for code, old in sorted(issued.items()):
        holder = holders.get(code)
        if holder is None:
            problems.error(
                REGISTRY_FILE,
                old.line,
                "shortcode-vanished",
                f"short code {code} was issued to {old.kind} '{old.slug}' but nothing has it now; "
                "printed QR labels would lead nowhere",
                f"restore the {old.kind} with `id: {code}`; to take it off display keep its file "
                "and add `retired: true`",
            )
        elif holder.kind != old.kind or (holder.slug != old.slug and old.slug in slugs.get(old.kind, set())):
            problems.error(
                holder.file,
                holder.line,
                "shortcode-reused",
                f"short code {code} already belongs to {old.kind} '{old.slug}'; "
                "a code is never given to another object",
                "give this object a new code that is not listed in shortcodes.toml",
            )
        elif holder.slug != old.slug:
            problems.warning(
                holder.file,
                holder.line,
                "shortcode-moved",
                f"short code {code} moves from '{old.slug}' to '{holder.slug}'",
                "printed labels will open the new page; the build records the move in shortcodes.toml",
            )


def updated_registry_text(issued: dict[str, Issued], holders: dict[str, Holder]) -> str:
    """The registry with every current holder recorded; codes are never dropped."""
    records = {code: (old.kind, old.slug) for code, old in issued.items()}
    records.update({code: (h.kind, h.slug) for code, h in holders.items()})
    body = "".join(f'\n[{code}]\nkind = "{kind}"\nslug = "{slug}"\n' for code, (kind, slug) in sorted(records.items()))
    return HEADER + body


def save_registry(root: Path, text: str) -> bool:
    """Write the registry if it changed; returns whether it did."""
    path = root / REGISTRY_FILE
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    tmp = path.with_name(f".{REGISTRY_FILE}.tmp{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return True
