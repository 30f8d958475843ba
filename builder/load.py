"""Load stage: files on disk → the typed content model.

Loading is lenient: it keeps going past bad files and records what it could read, so that
`check` can report every problem in one run. Cross-file rules live in the validate stage.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .config import SiteConfig
from .diagnostics import Problems, did_you_mean
from .feature import ContentKind, Keys, NestedKeys, SiteLoad, all_kinds
from .features import FEATURES
from .frontmatter import FrontMatterError, LineDict, ParsedDocument, parse_document
from .model import FACT_KEYS, Collection, ContentModel, Entry, Exhibit, Origin, Page
from .records import image, strings, text, whole_number
from .safepath import OutsideFolderError, contained
from .urls import entry_url, suggest_slug

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COMMON_KEYS = frozenset({"title", "summary"})
IMAGE_KEYS = {"src", "alt", "caption", "credit", "zoom"}


@dataclass
class ParseCache:
    """Parsed files by (path, size, mtime), so `serve` re-reads only what changed."""

    entries: dict[Path, tuple[tuple[int, int], str, ParsedDocument | FrontMatterError]] = field(default_factory=dict)
    records: dict[tuple[str, ...], Entry] = field(default_factory=dict)
    features: dict[str, Any] = field(default_factory=dict)  # each feature's own, by its name

    def read(self, path: Path) -> tuple[str, ParsedDocument | FrontMatterError]:
        stat = path.stat()
        stamp = (stat.st_size, stat.st_mtime_ns)
        cached = self.entries.get(path)
        if cached and cached[0] == stamp:
            return cached[1], cached[2]
        raw = path.read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        try:
            parsed: ParsedDocument | FrontMatterError = parse_document(
                unicodedata.normalize("NFC", raw.decode("utf-8"))
            )
        except UnicodeDecodeError:
            parsed = FrontMatterError(1, "the file is not UTF-8 text", "save the file as UTF-8 in your editor")
        except FrontMatterError as exc:
            parsed = exc
        self.entries[path] = (stamp, digest, parsed)
        return digest, parsed


def load_site(config: SiteConfig, problems: Problems, cache: ParseCache | None = None) -> ContentModel:
    cache = cache or ParseCache()
    kinds = all_kinds(FEATURES, CORE_KINDS)
    root = config.root
    digests: dict[str, str] = {}
    unreadable: list[str] = []
    broken_originals: set[tuple[str, str]] = set()
    documents: dict[str, dict[str, dict[str, tuple[str, ParsedDocument]]]] = {kind.name: {} for kind in kinds}
    for path in _markdown_files(root, kinds):
        rel = path.relative_to(root).as_posix()
        try:
            contained(path, root, rel)
        except OutsideFolderError as exc:
            problems.error(rel, 0, "path-outside", exc.message, exc.hint)
            unreadable.append(rel)
            continue
        stem, lang = _slug_and_lang(path.name, config.languages)
        placed = next(((kind, slug) for kind in kinds if (slug := kind.place(PurePosixPath(rel), stem))), None)
        if placed is None:
            problems.warning(
                rel,
                0,
                "content-unknown-folder",
                "this file is in a folder disan does not read",
                ", ".join(kind.where for kind in kinds if kind.where),
            )
            continue
        kind, slug = placed
        digest, parsed = cache.read(path)
        digests[rel] = digest
        if isinstance(parsed, FrontMatterError):
            problems.error(rel, parsed.line, "front-matter", parsed.message, parsed.hint)
            unreadable.append(rel)
            if lang == config.default_language:
                broken_originals.add((kind.name, slug))
            continue
        bad = next((part for part in slug.split("/") if not SLUG.match(part)), None)
        if bad is not None:
            problems.error(
                rel,
                0,
                "slug",
                f"the name '{bad}' is not a valid slug",
                f"use lower-case a–z, 0–9 and '-' only, for example '{suggest_slug(bad)}'",
            )
            continue
        documents[kind.name].setdefault(slug, {})[lang] = (rel, parsed)
    entries: dict[str, dict[str, dict[str, Entry]]] = {}
    for kind in kinds:
        keys = _keys_of(kind)
        entries[kind.name] = {}
        for slug, by_lang in sorted(documents[kind.name].items()):
            base = by_lang.get(config.default_language)
            if base is None:
                if (kind.name, slug) not in broken_originals:
                    rel = next(iter(by_lang.values()))[0]
                    problems.error(
                        rel,
                        0,
                        "translation-orphan",
                        f"this translation has no {config.default_language} original",
                        f"create the default-language file {rel.removesuffix('.md').rsplit('.', 1)[0]}.md first",
                    )
                continue
            for rel, parsed in by_lang.values():
                _warn_unknown_keys(rel, parsed.meta, keys, problems)
                if parsed is not base[1]:
                    _warn_ignored_in_translation(rel, parsed.meta, base, keys.inherited, problems)
            by_language = {}
            for lang in config.languages:
                translation = by_lang.get(lang)
                key = (kind.name, slug, lang, digests[base[0]], digests[translation[0]] if translation else "")
                if key not in cache.records:
                    cache.records[key] = _record(kind, keys, slug, lang, base, translation)
                by_language[lang] = cache.records[key]
            entries[kind.name][slug] = by_language
    loading = SiteLoad(
        config, {kind.name: kind for kind in kinds}, entries, digests, problems, unreadable, cache.features
    )
    for feature in FEATURES:
        feature.load(loading)
    return ContentModel(config=config, entries=entries, source_digests=digests, unreadable=tuple(unreadable))


def _keys_of(kind: ContentKind) -> Keys:
    """A kind's own keys, the keys every entry takes and those that features add to it."""
    added = [feature.extends[kind.name] for feature in FEATURES if kind.name in feature.extends]
    if kind.short_code:  # a code of a deleted object may pass on to this one (registry.py)
        added.append(Keys(frozenset({"replaces"}), inherited=frozenset({"replaces"})))
    return Keys(
        COMMON_KEYS.union(kind.keys.top, *(keys.top for keys in added)),
        {k: v for keys in (kind.keys, *added) for k, v in keys.nested.items()},
        kind.keys.inherited.union(*(keys.inherited for keys in added)),
    )


def _markdown_files(root: Path, kinds: tuple[ContentKind, ...]) -> list[Path]:
    folders = dict.fromkeys(kind.folder for kind in kinds)
    return [
        path
        for folder in folders
        if (root / folder).is_dir()
        for path in sorted((root / folder).rglob("*.md"), key=str)
    ]


def _slug_and_lang(name: str, languages: tuple[str, ...]) -> tuple[str, str]:
    stem = name[:-3]
    head, _, suffix = stem.rpartition(".")
    if head and suffix in languages[1:]:
        return head, suffix
    return stem, languages[0]


def _warn_unknown_keys(rel: str, meta: LineDict, keys: Keys, problems: Problems) -> None:
    for key in meta:
        if key not in keys.top:
            problems.warning(
                rel,
                meta.line_of(key),
                "unknown-key",
                f"unknown key '{key}'",
                did_you_mean(key, keys.top) or "see docs/authoring.md for the keys this file takes",
            )
        elif key in keys.nested:
            _warn_unknown_nested(rel, meta[key], keys.nested[key], key, meta.line_of(key), problems)


def _warn_ignored_in_translation(
    rel: str, meta: LineDict, base: tuple[str, ParsedDocument], inherited: frozenset[str], problems: Problems
) -> None:
    """A translation takes ids, links and places from the original; a different value there is lost."""
    for key in meta:
        if key in inherited and meta[key] != base[1].meta.get(key):
            problems.warning(
                rel,
                meta.line_of(key),
                "translation-ignored",
                f"'{key}' is taken from {base[0]}; this line is ignored",
                f"change '{key}' in {base[0]}, or delete this line",
            )


def _warn_unknown_nested(rel: str, value: Any, keys: NestedKeys, where: str, line: int, problems: Problems) -> None:
    """`captoin:` under an image or `colour:` in a hotspot is as easy to miss as a top-level typo."""
    if isinstance(keys, list):
        for item in value if isinstance(value, list) else []:
            _warn_unknown_nested(rel, item, keys[0], where, getattr(item, "line", line), problems)
        return
    if not isinstance(value, dict):
        return
    lines = getattr(value, "lines", {})
    for key in value:
        key_line = lines.get(key, line)
        if key not in keys:
            problems.warning(
                rel,
                key_line,
                "unknown-key",
                f"unknown key '{key}' in {where}",
                did_you_mean(str(key), set(keys)) or f"{where} takes: {', '.join(sorted(keys))}",
            )
        elif isinstance(keys, dict) and (inner := keys[key]) is not None:
            _warn_unknown_nested(rel, value[key], inner, f"{where}.{key}", key_line, problems)


def _merge(
    kind: ContentKind, inherited: frozenset[str], base: LineDict, translation: LineDict | None
) -> dict[str, Any]:
    """Text from the translation, everything else from the default language."""
    merged = dict(base)
    if translation is None or translation is base:  # the default language: nested maps keep their lines
        return merged
    for key, value in translation.items():
        if key in inherited:
            continue
        merger = kind.mergers.get(key)
        if merger is not None and isinstance(value, list) and isinstance(base.get(key), list):
            merged[key] = merger(base[key], value)
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = {**base[key], **value}
        else:
            merged[key] = value
    return merged


def _merge_images(base: list[Any], translated: list[Any]) -> list[Any]:
    """Images pair up by `src`, or by position when the translation gives words only."""
    by_src = {item.get("src"): item for item in translated if isinstance(item, dict)}
    result = []
    for index, item in enumerate(base):
        if not isinstance(item, dict):
            result.append(item)
            continue
        other = by_src.get(item.get("src"))
        if (
            other is None
            and index < len(translated)
            and isinstance(translated[index], dict)
            and "src" not in translated[index]
        ):
            other = translated[index]
        merged = LineDict({**item, **(other or {}), "src": item.get("src")})
        merged.line, merged.lines = getattr(item, "line", 0), dict(getattr(item, "lines", {}))
        result.append(merged)
    return result


def _record(
    kind: ContentKind,
    keys: Keys,
    slug: str,
    lang: str,
    base: tuple[str, ParsedDocument],
    translation: tuple[str, ParsedDocument] | None,
) -> Entry:
    """One language's record: the fields every entry has, then the kind's own from the merged front matter."""
    base_rel, base_doc = base
    chosen_rel, chosen_doc = translation or base
    meta = _merge(kind, keys.inherited, base_doc.meta, translation[1].meta if translation else None)
    lines = LineDict(meta)
    lines.line, lines.lines = chosen_doc.meta.line or 1, {**base_doc.meta.lines, **chosen_doc.meta.lines}
    common = dict(
        slug=slug,
        lang=lang,
        title=text(meta.get("title")),
        summary=text(meta.get("summary")),
        body=chosen_doc.body,
        origin=Origin(chosen_rel, 1),
        body_origin=Origin(chosen_rel, chosen_doc.body_line),
        sources=tuple(dict.fromkeys([base_rel, chosen_rel])),
        translated=translation is not None,
        meta=lines,
    )
    return kind.read(common, meta)


def _page(common: dict[str, Any], meta: dict[str, Any]) -> Page:
    return Page(order=whole_number(meta.get("order")), **common)


def _collection(common: dict[str, Any], meta: dict[str, Any]) -> Collection:
    return Collection(
        image=image(meta.get("image"), common["origin"].file), order=whole_number(meta.get("order")), **common
    )


def _exhibit(common: dict[str, Any], meta: dict[str, Any]) -> Exhibit:
    images = meta.get("images") or []
    file = common["origin"].file
    return Exhibit(
        id=text(meta.get("id")).upper() if isinstance(meta.get("id"), str) else text(meta.get("id")),
        facts=tuple((key, text(meta[key])) for key in FACT_KEYS if text(meta.get(key))),
        collection=text(meta.get("collection")),
        images=tuple(
            ref for ref in (image(item, file) for item in (images if isinstance(images, list) else [])) if ref
        ),
        related=tuple(r.upper() for r in strings(meta.get("related"))),
        tags=strings(meta.get("tags")),
        retired=meta.get("retired") is True,
        **common,
    )


def _in_content(*folder: str) -> Callable[[PurePosixPath, str], str | None]:
    """Files directly in content/ or in one of its sub-folders."""

    def place(rel: PurePosixPath, stem: str) -> str | None:
        return stem if rel.parts[:-1] == ("content", *folder) else None

    return place


def exhibit_url(config: SiteConfig, entry: Entry) -> str:
    return entry_url(config, "exhibit", entry.slug, config.default_language)


CORE_KINDS = (
    ContentKind(
        "page",
        Keys(frozenset({"order"}), inherited=frozenset({"order"})),
        _in_content(),
        _page,
        folder="content",
        where="pages go in content/",
    ),
    ContentKind(
        "exhibit",
        Keys(
            frozenset(FACT_KEYS) | {"id", "collection", "images", "related", "tags", "retired"},
            {"images": [IMAGE_KEYS]},
            frozenset({"id", "collection", "related", "retired"}),
        ),
        _in_content("exhibits"),
        _exhibit,
        folder="content",
        where="exhibits in content/exhibits/",
        short_code="required",
        code_target=exhibit_url,
        mergers={"images": _merge_images},
    ),
    ContentKind(
        "collection",
        Keys(frozenset({"image", "order"}), inherited=frozenset({"order"}), numbers={"order": ()}),
        _in_content("collections"),
        _collection,
        folder="content",
        where="collections in content/collections/",
    ),
)
