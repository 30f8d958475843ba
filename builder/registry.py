"""The short-code registry: every QR short code made permanent, so printed labels never break.

`shortcodes.toml` sits beside site.toml and is committed with the content. Only a release
(`disan build --release`, or `disan qr`, which prints labels) adds codes to it: trial builds
check against it but record nothing, so a new museum renames and renumbers freely until it
publishes. A code is never removed. A code that disappears from the content is an error; one
that comes back on another object is an error too, unless that object says `replaces: CODE`
and the object that held it is gone. The hand-over is then recorded beside the code.
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
# Short codes made permanent by `disan build --release` (or `disan qr`). Commit this file.
# A code listed here may be printed on a label: never delete a line. To take an object off
# display, keep its file and set `retired: true`. A code goes to another object only when the
# object it was issued to is gone and the new one says `replaces: CODE`; `replaced` lists the
# objects that held a code before.
"""
Record = tuple[str, str]  # (kind, slug) of an object that holds or held a code


@dataclass(frozen=True)
class Issued:
    code: str
    kind: str
    slug: str
    line: int
    replaced: tuple[Record, ...] = ()  # earlier holders, oldest first


@dataclass(frozen=True)
class Holder:
    """What holds a short code in the current content."""

    kind: str
    slug: str
    file: str
    line: int
    replaces: str = ""  # the code its `replaces:` names, upper case
    replaces_line: int = 0


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
        code: Issued(code, str(v.get("kind", "")), str(v.get("slug", "")), lines.get(code, 0), _replaced(v))
        for code, v in data.items()
        if isinstance(v, dict)
    }


def _replaced(record: dict) -> tuple[Record, ...]:
    earlier = record.get("replaced", [])
    return (
        tuple((str(r.get("kind", "")), str(r.get("slug", ""))) for r in earlier if isinstance(r, dict))
        if isinstance(earlier, list)
        else ()
    )


def check_registry(
    issued: dict[str, Issued], holders: dict[str, Holder], slugs: dict[str, set[str]], problems: Problems
) -> None:
    """Report codes that vanished or were given to another object, and every `replaces:` that
    cannot hand a code over; a valid hand-over not yet recorded is explained, not refused."""
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
        elif (holder.kind, holder.slug) == (old.kind, old.slug) or holder.replaces == code:
            continue  # a `replaces:` is judged below, at its own line
        elif old.slug in slugs.get(old.kind, set()):
            problems.error(
                holder.file,
                holder.line,
                "shortcode-reused",
                f"short code {code} already belongs to {old.kind} '{old.slug}'; "
                "a code is never given to another object",
                "give this object a new code that is not listed in shortcodes.toml",
            )
        else:
            problems.error(
                holder.file,
                holder.line,
                "shortcode-reused",
                f"short code {code} was issued to {old.kind} '{old.slug}', which is gone; its printed "
                f"labels would now open {holder.kind} '{holder.slug}'",
                f"if this is the same object under a new file name, or it takes over the labels of "
                f"'{old.slug}', add `replaces: {code}`; otherwise give it a new code not listed in "
                "shortcodes.toml",
            )
    for code, holder in sorted(holders.items()):
        if holder.replaces:
            _check_replaces(code, holder, issued, slugs, problems)


def _check_replaces(
    code: str, holder: Holder, issued: dict[str, Issued], slugs: dict[str, set[str]], problems: Problems
) -> None:
    """`replaces: CODE` on the object whose `id` is CODE: it takes the printed labels of CODE."""
    named, old = holder.replaces, issued.get(holder.replaces)
    if named != code:
        problems.error(
            holder.file,
            holder.replaces_line,
            "replaces-other",
            f"`replaces: {named}` names another code than this {holder.kind}'s id {code}",
            f"to take over the printed labels of {named}, set `id: {named}` as well; "
            "otherwise delete the `replaces:` line",
        )
    elif old is None:
        problems.error(
            holder.file,
            holder.replaces_line,
            "replaces-unknown",
            f"`replaces: {named}` names a code that was never issued: shortcodes.toml does not list it",
            "a code that was never published is on no printed label, so there is nothing to take over: "
            "delete the `replaces:` line",
        )
    elif (old.kind, old.slug) == (holder.kind, holder.slug):
        return  # handed over already, or the line is simply not needed
    elif old.slug in slugs.get(old.kind, set()):
        problems.error(
            holder.file,
            holder.replaces_line,
            "replaces-live",
            f"short code {named} still belongs to {old.kind} '{old.slug}', which is still in the museum; "
            "its labels stand by that object",
            f"'{old.slug}' keeps its code even when retired: give it back `id: {named}` and give this "
            f"object a new code; to hand the labels over instead, delete '{old.slug}' first",
        )
    else:
        problems.warning(
            holder.file,
            holder.replaces_line,
            "shortcode-handover",
            f"short code {named} passes from {old.kind} '{old.slug}' (gone) to this {holder.kind}, as "
            "`replaces:` says: its printed labels will open this page",
            "`disan build --release` records the hand-over in shortcodes.toml; commit that file",
        )


def unrecorded_codes(issued: dict[str, Issued], holders: dict[str, Holder]) -> list[str]:
    """Codes a release would record: new ones, and hand-overs to another holder."""
    return sorted(
        code
        for code, h in holders.items()
        if code not in issued or (issued[code].kind, issued[code].slug) != (h.kind, h.slug)
    )


def updated_registry_text(issued: dict[str, Issued], holders: dict[str, Holder]) -> str:
    """The registry with every current holder recorded; codes are never dropped, and a code
    handed over keeps the list of the objects that held it before."""
    records = dict(issued)
    for code in unrecorded_codes(issued, holders):
        holder, old = holders[code], issued.get(code)
        earlier = () if old is None else (*old.replaced, (old.kind, old.slug))
        records[code] = Issued(code, holder.kind, holder.slug, 0, earlier)
    return HEADER + "".join(_record_text(record) for _, record in sorted(records.items()))


def _record_text(record: Issued) -> str:
    text = f'\n[{record.code}]\nkind = "{record.kind}"\nslug = "{record.slug}"\n'
    if record.replaced:
        earlier = ", ".join(f'{{ kind = "{kind}", slug = "{slug}" }}' for kind, slug in record.replaced)
        text += f"replaced = [{earlier}]\n"
    return text


def save_registry(root: Path, text: str) -> bool:
    """Write the registry if it changed; returns whether it did."""
    path = root / REGISTRY_FILE
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    tmp = path.with_name(f".{REGISTRY_FILE}.tmp{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return True
