"""Validate stage: the rules that span files (references, ids, assets) and the registry.

The museum's own rules (titles, exhibits, collections, images, short codes) are here; each
feature checks what it reads through its `validate` hook and leaves its records in `results`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from .assets import IMAGE_SUFFIXES, AssetStore, check_asset
from .diagnostics import Problems, did_you_mean
from .feature import SiteCheck, all_kinds
from .features import FEATURES
from .load import CORE_KINDS
from .markup import MAX_NESTING, nesting_problem
from .model import ContentModel, Entry, Exhibit, ImageRef
from .records import check_numbers
from .registry import SHORT_CODE, Holder, Issued, check_registry

HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")


@dataclass(frozen=True)
class ValidatedSite:
    """The content model plus what validation learned that later stages need: short-code
    holders and, by feature name, each feature's records (read through its accessors)."""

    model: ContentModel
    holders: dict[str, Holder]
    issued: dict[str, Issued]
    results: dict[str, Any] = field(default_factory=dict)


def validate_site(
    model: ContentModel,
    assets: AssetStore,
    issued: dict[str, Issued],
    problems: Problems,
    decode_panoramas: bool = True,
) -> ValidatedSite:
    """The registry is checked only when every file could be read: a file with broken front
    matter would otherwise show up as a vanished code too, hiding the real problem."""
    default = model.config.default_language
    kinds = all_kinds(FEATURES, CORE_KINDS)
    numbers = {kind.name: kind.keys.numbers for kind in kinds}
    for entry in model.all_entries():
        _check_text(entry, problems)
        if entry.lang == default:
            check_numbers(entry.meta, entry.origin.file, numbers.get(entry.kind, {}), problems)
    coded = [kind for kind in kinds if kind.short_code]
    holders = _check_ids(
        [(by_lang[default], kind.short_code) for kind in coded for by_lang in model.of_kind(kind.name).values()],
        problems,
    )
    ids = {e.id for e in model.default(model.exhibits) if isinstance(e, Exhibit) and e.id}
    for by_lang in model.exhibits.values():
        for exhibit in by_lang.values():
            if exhibit.lang == default or exhibit.translated:
                _check_exhibit(exhibit, model, ids, problems)
    for collections in model.collections.values():
        for collection in collections.values():
            if collection.image and (collection.translated or collection.lang == default):
                check_image(collection.image, model, assets, problems)
    seen_images: set[tuple[str, str, str]] = set()
    for by_lang in model.exhibits.values():
        for exhibit in by_lang.values():
            for image in exhibit.images:
                key = (image.origin.file, image.src, image.alt)
                if key not in seen_images:
                    seen_images.add(key)
                    check_image(image, model, assets, problems)
    check = SiteCheck(
        model,
        assets,
        problems,
        partial(check_image, model=model, assets=assets, problems=problems),
        decode_panoramas=decode_panoramas,
    )
    for feature in FEATURES:
        feature.validate(check)
    if not model.unreadable:
        check_registry(issued, holders, {kind.name: set(model.of_kind(kind.name)) for kind in coded}, problems)
    return ValidatedSite(model=model, holders=holders, issued=issued, results=check.results)


def _check_text(entry: Entry, problems: Problems) -> None:
    origin = entry.origin_of("title")
    if not entry.title:
        problems.error(
            origin.file,
            origin.line,
            "title-missing",
            f"this {entry.kind} has no title",
            "add a line like 'title: Trống đồng Ngọc Lũ' to the front matter"
            if origin.file.endswith(".md")
            else "fill in the title of this row in the spreadsheet",
        )
    for key in ("title", "summary"):
        value = getattr(entry, key)
        if HTML_TAG.search(value):
            where = entry.origin_of(key)
            problems.error(
                where.file,
                where.line,
                "html-in-text",
                f"the {key} contains HTML: {value!r}",
                f"a {key} is plain text; remove the tags (disan shows the text safely as written)",
            )
    nested = nesting_problem(entry.body)
    if nested is not None:
        line, what = nested
        problems.error(
            entry.body_origin.file,
            entry.body_origin.line + line,
            "text-too-nested",
            f"the text nests {what} more than {MAX_NESTING} levels deep",
            "close the brackets, or flatten the lists and quotes; a backslash (\\[) writes a plain bracket",
        )


def _check_ids(entries: list[tuple[Entry, str]], problems: Problems) -> dict[str, Holder]:
    """Short codes of every kind that takes one ("required" or "optional"): one object each."""
    holders: dict[str, Holder] = {}
    for entry, need in entries:
        where = entry.origin_of("id")
        if not entry.id:
            if need == "required":
                problems.error(
                    where.file,
                    where.line,
                    "id-missing",
                    f"this {entry.kind} has no id (its QR short code)",
                    "add a line like 'id: TD01': 2 to 8 capital letters and digits, never reused",
                )
            elif entry.meta.get("replaces"):
                taken = entry.origin_of("replaces")
                problems.error(
                    taken.file,
                    taken.line,
                    "replaces-without-id",
                    f"this {entry.kind} has 'replaces' but no id to carry the code",
                    f"add 'id: {str(entry.meta['replaces']).strip().upper()}' so the printed labels lead here",
                )
            continue
        raw = entry.meta.get("id")
        if not isinstance(raw, str):
            problems.error(
                where.file,
                where.line,
                "id-format",
                f"the id was read as the number {raw!r}: YAML turns an unquoted 0012 into 10 and 0x1F into 31",
                'put the id in quotes so it stays exactly as written, like id: "0012"',
            )
            continue
        if not SHORT_CODE.match(entry.id):
            problems.error(
                where.file,
                where.line,
                "id-format",
                f"the id '{entry.id}' is not a valid short code",
                "use 2 to 8 capital letters A–Z and digits 0–9, like TD01",
            )
            continue
        other = holders.get(entry.id)
        if other:
            problems.error(
                where.file,
                where.line,
                "id-duplicate",
                f"the id {entry.id} is also used by {other.file}" + (f":{other.line}" if other.line else ""),
                f"every {entry.kind} needs its own id; give one of them a new id",
            )
            continue
        replaces = str(entry.meta.get("replaces") or "").strip().upper()
        holders[entry.id] = Holder(
            entry.kind, entry.slug, where.file, where.line, replaces, entry.origin_of("replaces").line
        )
    return holders


def _check_exhibit(exhibit: Exhibit, model: ContentModel, ids: set[str], problems: Problems) -> None:
    if exhibit.lang == model.config.default_language:
        if exhibit.collection and exhibit.collection not in model.collections:
            where = exhibit.origin_of("collection")
            problems.error(
                where.file,
                where.line,
                "unknown-collection",
                f"there is no collection '{exhibit.collection}'",
                did_you_mean(exhibit.collection, model.collections)
                or "collections are the files in content/collections/ (name without .md)",
            )
        for code in exhibit.related:
            if code not in ids:
                where = exhibit.origin_of("related")
                problems.error(
                    where.file,
                    where.line,
                    "unknown-exhibit",
                    f"no exhibit has the id {code}",
                    did_you_mean(code, ids) or "related lists exhibit ids, like [TD02, TD05]",
                )
        if exhibit.id and exhibit.id in exhibit.related:
            where = exhibit.origin_of("related")
            problems.warning(
                where.file,
                where.line,
                "related-to-itself",
                f"{exhibit.id} lists itself as related",
                "remove its own id from 'related'; list other exhibits a visitor may like",
            )
        retired = exhibit.meta.get("retired")
        if retired is not None and not isinstance(retired, bool):
            where = exhibit.origin_of("retired")
            problems.error(
                where.file,
                where.line,
                "retired-format",
                f"retired must be true or false, not {retired!r}",
                "write 'retired: true' (no quotes) if the object is no longer on display",
            )
        images = exhibit.meta.get("images")
        if images is not None and (not isinstance(images, list) or len(images) != len(exhibit.images)):
            where = exhibit.origin_of("images")
            problems.error(
                where.file,
                where.line,
                "images-format",
                "images must be a list, one '- src: …' item per image",
                "write it like: images: [ { src: assets/images/x.jpg, alt: what the image shows } ]",
            )
    for index, image in enumerate(exhibit.images):
        if not image.alt:
            where = image.origin if image.origin.line else exhibit.origin_of("images")
            problems.error(
                where.file,
                where.line,
                "alt-missing",
                f"image {index + 1} ({image.src or 'no src'}) has no alt text",
                "add 'alt:' describing what the image shows, for visitors who cannot see it",
            )


def check_image(image: ImageRef, model: ContentModel, assets: AssetStore, problems: Problems) -> None:
    where = image.origin
    path = check_asset(image.src, where.file, where.line, model.config.root, IMAGE_SUFFIXES, "image", problems)
    if path is None:
        return
    info = assets.image_info(path, model.config.max_image_pixels)
    if info.error:
        too_big = "max_image_pixels" in info.error
        hint = (
            "make a smaller copy (for example 6000 px on the long side), or raise max_image_pixels in site.toml"
            if too_big
            else "open and re-save the image, or export it again"
        )
        problems.error(where.file, where.line, "image-unreadable", f"'{image.src}': {info.error}", hint)
