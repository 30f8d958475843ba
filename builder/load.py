"""Load stage: files on disk → the typed content model.

Loading is lenient: it keeps going past bad files and records what it could read, so that
`check` can report every problem in one run. Cross-file rules live in the validate stage.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .config import SiteConfig
from .diagnostics import Problems, did_you_mean
from .frontmatter import FrontMatterError, LineDict, ParsedDocument, parse_document
from .model import (
    FACT_KEYS,
    HOTSPOT_KINDS,
    VIEW_KEYS,
    Collection,
    ContentModel,
    Entry,
    Exhibit,
    Hotspot,
    ImageRef,
    Origin,
    Page,
    Scene,
    Tour,
    View,
)
from .safepath import OutsideFolderError, contained

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COMMON_KEYS = {"title", "summary"}
EXHIBIT_KEYS = (
    COMMON_KEYS
    | set(FACT_KEYS)
    | {"id", "replaces", "collection", "images", "model", "audio", "related", "tags", "retired"}
)
COLLECTION_KEYS = COMMON_KEYS | {"image", "order"}
PAGE_KEYS = COMMON_KEYS | {"order"}
TOUR_KEYS = COMMON_KEYS | {"start", "plan", "autorotate", "narration"}
SCENE_KEYS = COMMON_KEYS | {
    "id",
    "replaces",
    "order",
    "panorama",
    "haov",
    "vaov",
    "voffset",
    "view",
    "north",
    "plan_position",
    "hotspots",
    "audio",
}
HOTSPOT_TEXT_KEYS = ("label", "text")
IMAGE_KEYS = {"src", "alt", "caption", "credit", "zoom"}
# What nested keys take: a set lists a mapping's keys, a dict also says what some of them hold,
# and a one-item list means "a list of such mappings". Tour narration keys are checked in guide.py.
NestedKeys = set[str] | dict[str, "NestedKeys | None"] | list["NestedKeys"]
AUDIO_KEYS = {"src", "transcript"}
NESTED_KEYS: dict[str, dict[str, NestedKeys]] = {
    "exhibit": {
        "images": [IMAGE_KEYS],
        "audio": AUDIO_KEYS,
        "model": {"src": None, "poster": None, "alt": None, "annotations": [{"position", "normal", "label"}]},
    },
    "scene": {
        "view": set(VIEW_KEYS),
        "plan_position": {"x", "y", "heading"},
        "audio": AUDIO_KEYS,
        "hotspots": [{**dict.fromkeys(("yaw", "pitch", "label", *HOTSPOT_KINDS)), "view": set(VIEW_KEYS)}],
    },
}
INHERITED_KEYS = {
    "id",
    "replaces",
    "collection",
    "related",
    "retired",
    "order",
    "start",
    "plan",
    "autorotate",
    "panorama",
    "haov",
    "vaov",
    "voffset",
    "view",
    "north",
    "plan_position",
}


@dataclass
class ParseCache:
    """Parsed files by (path, size, mtime), so `serve` re-reads only what changed."""

    entries: dict[Path, tuple[tuple[int, int], str, ParsedDocument | FrontMatterError]] = field(default_factory=dict)
    records: dict[tuple[str, ...], Entry] = field(default_factory=dict)

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
    root = config.root
    digests: dict[str, str] = {}
    unreadable: list[str] = []
    broken_originals: set[tuple[str, str]] = set()
    documents: dict[str, dict[str, dict[str, tuple[str, ParsedDocument]]]] = {
        "page": {},
        "exhibit": {},
        "collection": {},
        "tour": {},
        "scene": {},
    }
    for path in _markdown_files(root):
        rel = path.relative_to(root).as_posix()
        try:
            contained(path, root, rel)
        except OutsideFolderError as exc:
            problems.error(rel, 0, "path-outside", exc.message, exc.hint)
            unreadable.append(rel)
            continue
        kind = _kind_of(PurePosixPath(rel))
        if kind is None:
            problems.warning(
                rel,
                0,
                "content-unknown-folder",
                "this file is in a folder disan does not read",
                "pages go in content/, exhibits in content/exhibits/, collections in "
                "content/collections/, tours in tours/<tour>/",
            )
            continue
        slug, lang = _slug_and_lang(path.name, config.languages)
        if kind in ("tour", "scene"):
            slug = path.parent.name if kind == "tour" else f"{path.parent.name}/{slug}"
        digest, parsed = cache.read(path)
        digests[rel] = digest
        if isinstance(parsed, FrontMatterError):
            problems.error(rel, parsed.line, "front-matter", parsed.message, parsed.hint)
            unreadable.append(rel)
            if lang == config.default_language:
                broken_originals.add((kind, slug))
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
        documents[kind].setdefault(slug, {})[lang] = (rel, parsed)
    builders = {"page": _page, "exhibit": _exhibit, "collection": _collection, "tour": _tour, "scene": _scene}
    known = {
        "page": PAGE_KEYS,
        "exhibit": EXHIBIT_KEYS,
        "collection": COLLECTION_KEYS,
        "tour": TOUR_KEYS,
        "scene": SCENE_KEYS,
    }
    model: dict[str, dict[str, dict[str, Any]]] = {kind: {} for kind in builders}
    for kind, by_slug in documents.items():
        for slug, by_lang in sorted(by_slug.items()):
            base = by_lang.get(config.default_language)
            if base is None:
                rel = next(iter(by_lang.values()))[0]
                if (kind, slug) in broken_originals:
                    continue
                problems.error(
                    rel,
                    0,
                    "translation-orphan",
                    f"this translation has no {config.default_language} original",
                    f"create the default-language file content/…/{slug}.md first",
                )
                continue
            for rel, parsed in by_lang.values():
                _warn_unknown_keys(rel, parsed.meta, known[kind], NESTED_KEYS.get(kind, {}), problems)
                if parsed is not base[1]:
                    _warn_ignored_in_translation(rel, parsed.meta, base, problems)
            by_language = {}
            for lang in config.languages:
                translation = by_lang.get(lang)
                key = (kind, slug, lang, digests[base[0]], digests[translation[0]] if translation else "")
                if key not in cache.records:
                    cache.records[key] = builders[kind](slug, lang, base, translation)
                by_language[lang] = cache.records[key]
            model[kind][slug] = by_language
    return ContentModel(
        config=config,
        pages=model["page"],
        exhibits=model["exhibit"],
        collections=model["collection"],
        source_digests=digests,
        unreadable=tuple(unreadable),
        tours=model["tour"],
        scenes=model["scene"],
    )


def _markdown_files(root: Path) -> list[Path]:
    return [
        path
        for folder in ("content", "tours")
        if (root / folder).is_dir()
        for path in sorted((root / folder).rglob("*.md"), key=str)
    ]


def _kind_of(rel: PurePosixPath) -> str | None:
    """What a Markdown file is, from where it sits (relative to the site root)."""
    parts = rel.parts
    if parts[0] == "content":
        if len(parts) == 2:
            return "page"
        if len(parts) == 3 and parts[1] in ("exhibits", "collections"):
            return parts[1][:-1]
    elif parts[0] == "tours" and len(parts) == 3:
        return "tour" if parts[2].split(".")[0] == "tour" else "scene"
    return None


def _slug_and_lang(name: str, languages: tuple[str, ...]) -> tuple[str, str]:
    stem = name[:-3]
    head, _, suffix = stem.rpartition(".")
    if head and suffix in languages[1:]:
        return head, suffix
    return stem, languages[0]


def suggest_slug(text: str) -> str:
    """Vietnamese-aware slug: 'Trống đồng Ngọc Lũ' → 'trong-dong-ngoc-lu'."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "trang"


def _warn_unknown_keys(
    rel: str, meta: LineDict, known: set[str], nested: dict[str, NestedKeys], problems: Problems
) -> None:
    for key in meta:
        if key not in known:
            problems.warning(
                rel,
                meta.line_of(key),
                "unknown-key",
                f"unknown key '{key}'",
                did_you_mean(key, known) or "see docs/authoring.md for the keys this file takes",
            )
        elif key in nested:
            _warn_unknown_nested(rel, meta[key], nested[key], key, meta.line_of(key), problems)


def _warn_ignored_in_translation(
    rel: str, meta: LineDict, base: tuple[str, ParsedDocument], problems: Problems
) -> None:
    """A translation takes ids, links and places from the original; a different value there is lost."""
    for key in meta:
        if key in INHERITED_KEYS and meta[key] != base[1].meta.get(key):
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


def _merge(base: LineDict, translation: LineDict | None) -> dict[str, Any]:
    """Text from the translation, everything else from the default language."""
    merged = dict(base)
    if translation is None or translation is base:  # the default language: nested maps keep their lines
        return merged
    for key, value in translation.items():
        if key in INHERITED_KEYS:
            continue
        if key == "images" and isinstance(value, list) and isinstance(base.get("images"), list):
            merged[key] = _merge_images(base["images"], value)
        elif key == "hotspots" and isinstance(value, list) and isinstance(base.get("hotspots"), list):
            merged[key] = _merge_hotspots(base["hotspots"], value)
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = {**base[key], **value}
        else:
            merged[key] = value
    return merged


def _merge_images(base: list[Any], translated: list[Any]) -> list[Any]:
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


def _merge_hotspots(base: list[Any], translated: list[Any]) -> list[Any]:
    """Hotspots pair up by position; a translation changes only their words, never where they point."""
    result = []
    for index, item in enumerate(base):
        other = translated[index] if index < len(translated) else None
        if isinstance(item, LineDict) and isinstance(other, dict):
            merged = LineDict({**item, **{k: other[k] for k in HOTSPOT_TEXT_KEYS if k in other}})
            merged.line, merged.lines = item.line, dict(item.lines)
            result.append(merged)
        else:
            result.append(item)
    return result


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return ""
    return unicodedata.normalize("NFC", str(value)).strip()


def _common(
    slug: str, lang: str, base: tuple[str, ParsedDocument], translation: tuple[str, ParsedDocument] | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    base_rel, base_doc = base
    chosen_rel, chosen_doc = translation or base
    meta = _merge(base_doc.meta, translation[1].meta if translation else None)
    lines = LineDict(meta)
    lines.line, lines.lines = chosen_doc.meta.line or 1, {**base_doc.meta.lines, **chosen_doc.meta.lines}
    common = dict(
        slug=slug,
        lang=lang,
        title=_text(meta.get("title")),
        summary=_text(meta.get("summary")),
        body=chosen_doc.body,
        origin=Origin(chosen_rel, 1),
        body_origin=Origin(chosen_rel, chosen_doc.body_line),
        sources=tuple(dict.fromkeys([base_rel, chosen_rel])),
        translated=translation is not None,
        meta=lines,
    )
    return common, meta


def _image(value: Any, origin_file: str) -> ImageRef | None:
    if isinstance(value, str):
        return ImageRef(src=value.strip(), alt="", origin=Origin(origin_file, 0))
    if not isinstance(value, dict):
        return None
    line = getattr(value, "line", 0)
    return ImageRef(
        src=_text(value.get("src")),
        alt=_text(value.get("alt")),
        caption=_text(value.get("caption")),
        credit=_text(value.get("credit")),
        zoom=value.get("zoom") is True,
        origin=Origin(origin_file, line),
    )


def _audio(value: Any) -> dict[str, Any] | None:
    """`audio: file.mp3` is short for `audio: { src: file.mp3 }`."""
    if isinstance(value, str) and value.strip():
        return {"src": value.strip()}
    return value if isinstance(value, dict) else None


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(_text(v) for v in value if _text(v))
    if isinstance(value, str) and value.strip():
        return tuple(v.strip() for v in value.split(",") if v.strip())
    return ()


def _page(
    slug: str, lang: str, base: tuple[str, ParsedDocument], translation: tuple[str, ParsedDocument] | None
) -> Page:
    common, meta = _common(slug, lang, base, translation)
    return Page(order=_int(meta.get("order")), **common)


def _collection(
    slug: str, lang: str, base: tuple[str, ParsedDocument], translation: tuple[str, ParsedDocument] | None
) -> Collection:
    common, meta = _common(slug, lang, base, translation)
    return Collection(image=_image(meta.get("image"), common["origin"].file), order=_int(meta.get("order")), **common)


def _exhibit(
    slug: str, lang: str, base: tuple[str, ParsedDocument], translation: tuple[str, ParsedDocument] | None
) -> Exhibit:
    common, meta = _common(slug, lang, base, translation)
    images = meta.get("images") or []
    file = common["origin"].file
    return Exhibit(
        id=_text(meta.get("id")).upper() if isinstance(meta.get("id"), str) else _text(meta.get("id")),
        facts=tuple((key, _text(meta[key])) for key in FACT_KEYS if _text(meta.get(key))),
        collection=_text(meta.get("collection")),
        images=tuple(
            ref
            for ref in (_image(item, file) for item in (images if isinstance(images, list) else []))
            if ref is not None
        ),
        related=tuple(r.upper() for r in _strings(meta.get("related"))),
        tags=_strings(meta.get("tags")),
        retired=meta.get("retired") is True,
        model=meta.get("model") if isinstance(meta.get("model"), dict) else None,
        audio=_audio(meta.get("audio")),
        **common,
    )


def _number(value: Any, default: float) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else default


def _view(value: Any, default: View | None = None) -> View | None:
    """A view from front matter; missing angles keep the default's."""
    if not isinstance(value, dict):
        return default
    base = default or View()
    return View(
        yaw=_number(value.get("yaw"), base.yaw),
        pitch=_number(value.get("pitch"), base.pitch),
        fov=_number(value.get("fov"), base.fov),
    )


def _hotspot(value: Any, file: str) -> Hotspot | None:
    """A hotspot as written; validation reports what is wrong with it."""
    if not isinstance(value, dict):
        return None
    kinds = [k for k in HOTSPOT_KINDS if k in value]
    kind = kinds[0] if len(kinds) == 1 else ""
    target = value.get(kind) if kind else ""
    return Hotspot(
        yaw=_number(value.get("yaw"), float("nan")),
        pitch=_number(value.get("pitch"), float("nan")),
        kind=kind,
        target=_text(target).upper() if kind == "exhibit" else _text(target),
        label=_text(value.get("label")),
        view=_view(value.get("view")),
        origin=Origin(file, getattr(value, "line", 0)),
    )


def _tour(
    slug: str, lang: str, base: tuple[str, ParsedDocument], translation: tuple[str, ParsedDocument] | None
) -> Tour:
    common, meta = _common(slug, lang, base, translation)
    autorotate = meta.get("autorotate", 2)
    return Tour(
        start=_text(meta.get("start")),
        plan=_text(meta.get("plan")),
        autorotate=0.0 if autorotate is False else _number(autorotate, 2.0),
        narration=meta.get("narration") if isinstance(meta.get("narration"), dict) else None,
        **common,
    )


def _scene(
    slug: str, lang: str, base: tuple[str, ParsedDocument], translation: tuple[str, ParsedDocument] | None
) -> Scene:
    common, meta = _common(slug, lang, base, translation)
    tour, name = slug.split("/", 1)
    panorama = meta.get("panorama")
    angles = None
    if any(key in meta for key in ("haov", "vaov", "voffset")):
        angles = (_number(meta.get("haov"), 360.0), _number(meta.get("vaov"), 180.0), _number(meta.get("voffset"), 0.0))
    listed = meta.get("hotspots")
    hotspots: list[Any] = listed if isinstance(listed, list) else []
    position = meta.get("plan_position")
    return Scene(
        tour=tour,
        name=name,
        id=_text(meta.get("id")).upper(),
        order=_int(meta.get("order")),
        panorama={k: _text(v) for k, v in panorama.items()} if isinstance(panorama, dict) else _text(panorama),
        angles=angles,
        view=_view(meta.get("view"), View()) or View(),
        north=_number(meta.get("north"), 0.0),
        plan_position={k: _number(position.get(k), 0.0) for k in ("x", "y", "heading")}
        if isinstance(position, dict)
        else None,
        hotspots=tuple(h for h in (_hotspot(item, common["origin"].file) for item in hotspots) if h is not None),
        audio=_audio(meta.get("audio")),
        **common,
    )
