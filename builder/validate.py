"""Validate stage: the rules that span files (references, ids, assets) and the registry."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .assets import AssetPathError, AssetStore, resolve_asset
from .diagnostics import Problems, did_you_mean
from .model import ContentModel, Entry, Exhibit, ImageRef
from .registry import SHORT_CODE, Holder, Issued, check_registry

HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".tif", ".tiff"}


@dataclass(frozen=True)
class ValidatedSite:
    """The content model plus what validation learned that later stages need."""

    model: ContentModel
    holders: dict[str, Holder]
    issued: dict[str, Issued]


def validate_site(model: ContentModel, assets: AssetStore, issued: dict[str, Issued],
                  problems: Problems) -> ValidatedSite:
    """The registry is checked only when every file could be read: a file with broken front
    matter would otherwise show up as a vanished code too, hiding the real problem."""
    for entry in model.all_entries():
        _check_text(entry, problems)
    exhibits = [by_lang[model.config.default_language] for by_lang in model.exhibits.values()]
    holders = _check_ids(exhibits, problems)
    ids = {e.id for e in exhibits if e.id}
    for by_lang in model.exhibits.values():
        for exhibit in by_lang.values():
            if exhibit.lang == model.config.default_language or exhibit.translated:
                _check_exhibit(exhibit, model, ids, problems)
    for by_lang in model.collections.values():
        for collection in by_lang.values():
            if collection.image and (collection.translated or collection.lang == model.config.default_language):
                check_image(collection.image, model, assets, problems)
    seen_images: set[tuple[str, str, str]] = set()
    for by_lang in model.exhibits.values():
        for exhibit in by_lang.values():
            for image in exhibit.images:
                key = (image.origin.file, image.src, image.alt)
                if key not in seen_images:
                    seen_images.add(key)
                    check_image(image, model, assets, problems)
    if not model.unreadable:
        check_registry(issued, holders, {"exhibit": set(model.exhibits)}, problems)
    return ValidatedSite(model=model, holders=holders, issued=issued)


def _check_text(entry: Entry, problems: Problems) -> None:
    origin = entry.origin_of("title")
    if not entry.title:
        problems.error(origin.file, origin.line, "title-missing", f"this {entry.kind} has no title",
                       "add a line like 'title: Trống đồng Ngọc Lũ' to the front matter")
    for key in ("title", "summary"):
        value = getattr(entry, key)
        if HTML_TAG.search(value):
            where = entry.origin_of(key)
            problems.error(where.file, where.line, "html-in-text", f"the {key} contains HTML: {value!r}",
                           f"a {key} is plain text; remove the tags (disan shows the text safely as written)")


def _check_ids(exhibits: list[Exhibit], problems: Problems) -> dict[str, Holder]:
    holders: dict[str, Holder] = {}
    for exhibit in exhibits:
        where = exhibit.origin_of("id")
        if not exhibit.id:
            problems.error(where.file, where.line, "id-missing", "this exhibit has no id (its QR short code)",
                           "add a line like 'id: TD01': 2 to 8 capital letters and digits, never reused")
            continue
        if not SHORT_CODE.match(exhibit.id):
            problems.error(where.file, where.line, "id-format", f"the id '{exhibit.id}' is not a valid short code",
                           "use 2 to 8 capital letters A–Z and digits 0–9, like TD01")
            continue
        other = holders.get(exhibit.id)
        if other:
            problems.error(where.file, where.line, "id-duplicate",
                           f"the id {exhibit.id} is also used by {other.file}:{other.line}",
                           "every exhibit needs its own id; give one of them a new id")
            continue
        holders[exhibit.id] = Holder("exhibit", exhibit.slug, where.file, where.line)
    return holders


def _check_exhibit(exhibit: Exhibit, model: ContentModel, ids: set[str], problems: Problems) -> None:
    if exhibit.lang == model.config.default_language:
        if exhibit.collection and exhibit.collection not in model.collections:
            where = exhibit.origin_of("collection")
            problems.error(where.file, where.line, "unknown-collection",
                           f"there is no collection '{exhibit.collection}'",
                           did_you_mean(exhibit.collection, model.collections)
                           or "collections are the files in content/collections/ (name without .md)")
        for code in exhibit.related:
            if code not in ids:
                where = exhibit.origin_of("related")
                problems.error(where.file, where.line, "unknown-exhibit", f"no exhibit has the id {code}",
                               did_you_mean(code, ids) or "related lists exhibit ids, like [TD02, TD05]")
    for index, image in enumerate(exhibit.images):
        if not image.alt:
            where = image.origin if image.origin.line else exhibit.origin_of("images")
            problems.error(where.file, where.line, "alt-missing",
                           f"image {index + 1} ({image.src or 'no src'}) has no alt text",
                           "add 'alt:' describing what the image shows, for visitors who cannot see it")


def check_image(image: ImageRef, model: ContentModel, assets: AssetStore, problems: Problems) -> None:
    where = image.origin
    try:
        path = resolve_asset(model.config.root, image.src)
    except AssetPathError as exc:
        problems.error(where.file, where.line, "image-path", exc.message, exc.hint)
        return
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        problems.error(where.file, where.line, "image-type", f"'{image.src}' is not an image file",
                       "use a JPEG, PNG or WebP image")
        return
    info = assets.image_info(path, model.config.max_image_pixels)
    if info.error:
        too_big = "max_image_pixels" in info.error
        hint = ("make a smaller copy (for example 6000 px on the long side), or raise max_image_pixels in site.toml"
                if too_big else "open and re-save the image, or export it again")
        problems.error(where.file, where.line, "image-unreadable", f"'{image.src}': {info.error}", hint)


