"""Validate stage: the rules that span files (references, ids, assets) and the registry."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .assets import AssetStore, check_asset, resolve_asset
from .audio import AUDIO_SUFFIXES
from .diagnostics import Problems, did_you_mean
from .gltf import ModelReport, inspect_model
from .guide import check_tour_narrations
from .markup import MAX_NESTING, nesting_problem
from .model import MAX_FOV, MIN_FOV, ContentModel, Entry, Exhibit, Hotspot, ImageRef, Origin, Scene
from .model3d import ExhibitModel, model_digest, parse_annotations
from .narration import Narration, check_narration
from .registry import SHORT_CODE, Holder, Issued, check_registry
from .tiling import PanoramaAngles, TileSettings, TilingError, check_panorama, verify_image

HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")
MAX_AUTOROTATE = 30  # degrees per second; faster turns a phone visitor's stomach
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".tif", ".tiff"}


@dataclass(frozen=True)
class ValidatedSite:
    """The content model plus what validation learned that later stages need."""

    model: ContentModel
    holders: dict[str, Holder]
    issued: dict[str, Issued]
    # (exhibit or scene slug, or tours/<tour> for a guided tour; lang)
    narrations: dict[tuple[str, str], Narration] = field(default_factory=dict)
    models: dict[tuple[str, str], ExhibitModel] = field(default_factory=dict)  # (exhibit slug, lang)


def validate_site(
    model: ContentModel, assets: AssetStore, issued: dict[str, Issued], problems: Problems
) -> ValidatedSite:
    """The registry is checked only when every file could be read: a file with broken front
    matter would otherwise show up as a vanished code too, hiding the real problem."""
    for entry in model.all_entries():
        _check_text(entry, problems)
    exhibits = [by_lang[model.config.default_language] for by_lang in model.exhibits.values()]
    scenes = [by_lang[model.config.default_language] for by_lang in model.scenes.values()]
    holders = _check_ids(exhibits + scenes, problems)
    ids = {e.id for e in exhibits if e.id}
    narrations: dict[tuple[str, str], Narration] = {}
    checked: dict[str, Narration | None] = {}
    models: dict[tuple[str, str], ExhibitModel] = {}
    inspected: dict[str, ModelReport | None] = {}
    for by_lang in model.exhibits.values():
        for exhibit in by_lang.values():
            if exhibit.lang == model.config.default_language or exhibit.translated:
                _check_exhibit(exhibit, model, ids, problems)
            if exhibit.model is not None and (exhibit.lang == model.config.default_language or exhibit.translated):
                found = _check_model(exhibit, model, assets, inspected, problems)
                if found is not None:
                    models[(exhibit.slug, exhibit.lang)] = found
            elif (exhibit.slug, model.config.default_language) in models:  # an untranslated page shows the original
                models[(exhibit.slug, exhibit.lang)] = models[(exhibit.slug, model.config.default_language)]
    for entry in model.all_entries():
        if isinstance(entry, Exhibit | Scene) and entry.audio is not None:
            same = repr(sorted(entry.audio.items()))  # languages sharing one narration check it once
            if same not in checked:
                checked[same] = check_narration(
                    entry.audio, entry.lang, entry.origin_of("audio"), model.config.root, assets, problems
                )
            narration = checked[same]
            if narration is not None:
                narrations[(entry.slug, entry.lang)] = narration
    for collections in model.collections.values():
        for collection in collections.values():
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
    _check_tours(model, assets, problems)
    narrations.update(check_tour_narrations(model, assets, problems))  # keyed (guide.guide_key(tour), lang)
    if not model.unreadable:
        check_registry(issued, holders, {"exhibit": set(model.exhibits), "scene": set(model.scenes)}, problems)
    return ValidatedSite(model=model, holders=holders, issued=issued, narrations=narrations, models=models)


def _check_text(entry: Entry, problems: Problems) -> None:
    origin = entry.origin_of("title")
    if not entry.title:
        problems.error(
            origin.file,
            origin.line,
            "title-missing",
            f"this {entry.kind} has no title",
            "add a line like 'title: Trống đồng Ngọc Lũ' to the front matter",
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


def _check_ids(entries: list[Exhibit | Scene], problems: Problems) -> dict[str, Holder]:
    """Short codes of exhibits (required) and scenes (optional): one object each."""
    holders: dict[str, Holder] = {}
    for exhibit in entries:
        where = exhibit.origin_of("id")
        if not exhibit.id:
            if exhibit.kind == "exhibit":
                problems.error(
                    where.file,
                    where.line,
                    "id-missing",
                    "this exhibit has no id (its QR short code)",
                    "add a line like 'id: TD01': 2 to 8 capital letters and digits, never reused",
                )
            continue
        if not SHORT_CODE.match(exhibit.id):
            problems.error(
                where.file,
                where.line,
                "id-format",
                f"the id '{exhibit.id}' is not a valid short code",
                "use 2 to 8 capital letters A–Z and digits 0–9, like TD01",
            )
            continue
        other = holders.get(exhibit.id)
        if other:
            problems.error(
                where.file,
                where.line,
                "id-duplicate",
                f"the id {exhibit.id} is also used by {other.file}:{other.line}",
                "every exhibit needs its own id; give one of them a new id",
            )
            continue
        replaces = str(exhibit.meta.get("replaces") or "").strip().upper()
        holders[exhibit.id] = Holder(
            exhibit.kind, exhibit.slug, where.file, where.line, replaces, exhibit.origin_of("replaces").line
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
    path = _check_file(image.src, where, model, IMAGE_SUFFIXES, "image", problems)
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


MEDIA_SUFFIXES = {"audio": set(AUDIO_SUFFIXES), "video": {".mp4", ".webm"}}


def _check_tours(model: ContentModel, assets: AssetStore, problems: Problems) -> None:
    lang = model.config.default_language
    for name, by_lang in model.tours.items():
        tour = by_lang[lang]
        scenes = {scene.name: scene for scene in model.tour_scenes(name, lang)}
        if not scenes:
            problems.error(
                tour.origin.file,
                0,
                "tour-empty",
                f"the tour '{name}' has no scenes",
                f"add one Markdown file per panorama in tours/{name}/, next to tour.md",
            )
            continue
        if tour.start and tour.start not in scenes:
            where = tour.origin_of("start")
            problems.error(
                where.file,
                where.line,
                "unknown-scene",
                f"the start scene '{tour.start}' does not exist",
                did_you_mean(tour.start, scenes) or f"scenes of this tour: {', '.join(scenes)}",
            )
        if tour.plan:
            check_image(ImageRef(tour.plan, "", origin=tour.origin_of("plan")), model, assets, problems)
        _check_range(
            tour.autorotate,
            -MAX_AUTOROTATE,
            MAX_AUTOROTATE,
            tour.origin_of("autorotate"),
            "autorotate",
            f"autorotate is degrees per second while idle (2 is gentle, at most {MAX_AUTOROTATE}); false turns it off",
            problems,
        )
        for scene in scenes.values():
            _check_scene(scene, scenes, model, assets, problems)
    for slug in model.scenes:
        if slug.split("/")[0] not in model.tours:
            scene = model.scenes[slug][lang]
            problems.error(
                scene.origin.file,
                0,
                "tour-missing",
                f"tours/{scene.tour}/ has no tour.md",
                "add tour.md with the tour's title and its start scene",
            )


def _check_scene(
    scene: Scene, scenes: dict[str, Scene], model: ContentModel, assets: AssetStore, problems: Problems
) -> None:
    _check_angles(scene.view.pitch, scene.view.fov, scene.origin_of("view"), problems)
    _check_range(
        scene.north,
        -360,
        360,
        scene.origin_of("north"),
        "north",
        "north is the yaw (degrees) at which the compass points north, from -360 to 360",
        problems,
    )
    if scene.plan_position is not None:
        where = scene.origin_of("plan_position")
        for axis in ("x", "y"):
            _check_range(
                scene.plan_position[axis],
                0,
                1,
                where,
                f"plan_position {axis}",
                "x and y are fractions of the plan image: 0 is the left/top edge, 1 the right/bottom",
                problems,
            )
    _check_panorama(scene, model, assets, problems)
    exhibits = model.exhibit_by_id()
    for index, hotspot in enumerate(scene.hotspots, 1):
        _check_hotspot(index, hotspot, scenes, exhibits, model, problems)
        if hotspot.kind == "image":
            check_image(ImageRef(hotspot.target, hotspot.label, origin=hotspot.origin), model, assets, problems)
    raw = scene.meta.get("hotspots")
    if len(raw if isinstance(raw, list) else []) != len(scene.hotspots):
        where = scene.origin_of("hotspots")
        problems.error(
            where.file,
            where.line,
            "hotspot-format",
            "every hotspot must be a '{ yaw: …, pitch: … }' map",
            "write each hotspot like: - { yaw: 95, pitch: -2, go: san-trong, label: Vào sân trong }",
        )


def _check_range(
    value: float, low: float, high: float, where: Origin, what: str, hint: str, problems: Problems
) -> None:
    if not low <= value <= high:
        problems.error(where.file, where.line, "value-range", f"{what} {value:g} is outside {low:g}…{high:g}", hint)


def _check_angles(pitch: float, fov: float, where: Origin, problems: Problems) -> None:
    if not -90 <= pitch <= 90:
        problems.error(
            where.file,
            where.line,
            "pitch-range",
            f"pitch {pitch:g} is outside -90…90 degrees",
            "pitch is the angle above (+) or below (-) the horizon; 90 is straight up",
        )
    if not MIN_FOV <= fov <= MAX_FOV:
        problems.error(
            where.file,
            where.line,
            "fov-range",
            f"fov {fov:g} is outside {MIN_FOV:g}…{MAX_FOV:g} degrees",
            f"fov is how wide the view is: the viewer zooms from {MIN_FOV:g} (closest) to {MAX_FOV:g} "
            "(widest); 80 is a natural starting view",
        )


def _check_hotspot(
    index: int,
    hotspot: Hotspot,
    scenes: dict[str, Scene],
    exhibits: dict[str, Exhibit],
    model: ContentModel,
    problems: Problems,
) -> None:
    where = hotspot.origin
    label = f"hotspot {index}"
    if hotspot.yaw != hotspot.yaw or hotspot.pitch != hotspot.pitch:
        problems.error(
            where.file,
            where.line,
            "hotspot-position",
            f"{label} needs numbers for yaw and pitch",
            "click the spot in `disan serve` to get a ready-made line with yaw and pitch",
        )
        return
    if not -90 <= hotspot.pitch <= 90:
        problems.error(
            where.file,
            where.line,
            "pitch-range",
            f"{label}: pitch {hotspot.pitch:g} is outside -90…90",
            "pitch is the angle above (+) or below (-) the horizon; 90 is straight up",
        )
    if not hotspot.kind:
        problems.error(
            where.file,
            where.line,
            "hotspot-kind",
            f"{label} needs exactly one of go, exhibit, audio, image, video, text, url",
            "for example 'go: san-trong' to walk to another scene or 'exhibit: TD01' to open an object",
        )
        return
    if hotspot.kind != "exhibit" and not hotspot.label:
        problems.error(
            where.file,
            where.line,
            "hotspot-label",
            f"{label} ({hotspot.kind}) has no label",
            "add 'label:'; it is what screen readers and the list of hotspots say",
        )
    if hotspot.view is not None:
        _check_angles(hotspot.view.pitch, hotspot.view.fov, where, problems)
    if hotspot.kind == "go" and hotspot.target not in scenes:
        problems.error(
            where.file,
            where.line,
            "unknown-scene",
            f"{label} goes to '{hotspot.target}', which is not a scene of this tour",
            did_you_mean(hotspot.target, scenes) or f"scenes of this tour: {', '.join(scenes)}",
        )
    elif hotspot.kind == "exhibit" and hotspot.target not in exhibits:
        problems.error(
            where.file,
            where.line,
            "unknown-exhibit",
            f"{label}: no exhibit has the id {hotspot.target}",
            did_you_mean(hotspot.target, exhibits) or "exhibit hotspots name an exhibit id, like TD01",
        )
    elif hotspot.kind in ("audio", "video"):
        _check_file(hotspot.target, where, model, MEDIA_SUFFIXES[hotspot.kind], hotspot.kind, problems)
    elif hotspot.kind == "url" and not hotspot.target.startswith(("https://", "http://")):
        problems.error(
            where.file,
            where.line,
            "hotspot-url",
            f"{label}: '{hotspot.target}' is not a web address",
            "write the full address, starting with https://",
        )


def _check_file(
    src: str, where: Origin, model: ContentModel, suffixes: set[str], what: str, problems: Problems
) -> Path | None:
    return check_asset(src, where.file, where.line, model.config.root, suffixes, what, problems)


def panorama_source(scene: Scene, root: Path) -> Path | dict[str, Path]:
    """The file (or six cube faces) a scene shows; call only after validation passed."""
    if isinstance(scene.panorama, Mapping):
        return {face: resolve_asset(root, src) for face, src in scene.panorama.items()}
    return resolve_asset(root, scene.panorama)


def panorama_angles(scene: Scene) -> PanoramaAngles | None:
    return PanoramaAngles(*scene.angles) if scene.angles else None


def _check_panorama(scene: Scene, model: ContentModel, assets: AssetStore, problems: Problems) -> None:
    where = scene.origin_of("panorama")
    if not scene.panorama:
        problems.error(
            where.file,
            where.line,
            "panorama-missing",
            "this scene has no panorama",
            "add 'panorama: assets/panoramas/<file>.jpg' (an equirectangular JPEG, PNG or TIFF)",
        )
        return
    sources = scene.panorama if isinstance(scene.panorama, Mapping) else {"": scene.panorama}
    checked = [_check_file(src, where, model, IMAGE_SUFFIXES, "panorama", problems) for src in sources.values()]
    paths = [path for path in checked if path is not None]
    if len(paths) != len(checked):
        return
    settings = TileSettings(max_pixels=model.config.max_panorama_pixels)
    try:
        _, warnings = check_panorama(panorama_source(scene, model.config.root), settings, panorama_angles(scene))
        for path in paths:
            failure = assets.probe(path, "decodes", _decode_failure)
            if failure:
                raise TilingError(failure["message"], failure["hint"])
    except TilingError as exc:
        problems.error(where.file, where.line, "panorama", exc.message, exc.hint)
        return
    for warning in warnings:
        problems.warning(
            where.file,
            where.line,
            "panorama-metadata",
            warning,
            "check the panorama's angles; give haov/vaov/voffset in the scene to override them",
        )


def _decode_failure(path: Path) -> dict:
    try:
        verify_image(path)
    except TilingError as exc:
        return {"message": exc.message, "hint": exc.hint}
    return {}


MODEL_SUFFIXES = {".glb", ".gltf"}


def _check_model(
    exhibit: Exhibit,
    model: ContentModel,
    assets: AssetStore,
    inspected: dict[str, ModelReport | None],
    problems: Problems,
) -> ExhibitModel | None:
    """A 3D model that would not load on a visitor's phone is an error at its `model:` line.

    Translations share the model file, so it is inspected once; each language has its own
    alt text, poster and annotation labels."""
    where = exhibit.origin_of("model")
    spec = exhibit.model or {}
    if not isinstance(spec, dict) or not spec.get("src"):
        problems.error(
            where.file,
            where.line,
            "model-format",
            "model needs a 'src' file",
            "write it like: model: { src: assets/models/x.glb, poster: assets/images/x.jpg, alt: … }",
        )
        return None
    src = str(spec["src"])
    if src not in inspected:
        path = _check_file(src, where, model, MODEL_SUFFIXES, "model", problems)
        report = inspect_model(path, model.config.root, model.config.max_image_pixels) if path is not None else None
        if report is not None:
            problems.extend(p.to_problem(where.file, where.line, src) for p in report.problems)
        inspected[src] = report if report is not None and report.ok else None
    report = inspected[src]
    poster = None
    if spec.get("poster"):
        poster = ImageRef(str(spec["poster"]), str(spec.get("alt") or ""), origin=where)
        check_image(poster, model, assets, problems)
    if not spec.get("alt"):
        problems.warning(
            where.file,
            where.line,
            "model-alt",
            "the 3D model has no alt text",
            "add 'alt:' to model, describing the object for visitors who cannot see it",
        )
    annotations = parse_annotations(spec.get("annotations"), where, problems)
    if report is None:
        return None
    return ExhibitModel(
        report.path,
        model_digest(report, assets.digest),
        model.config.max_texture,
        report.triangles,
        report.bytes,
        report.decoders,
        poster,
        str(spec.get("alt") or ""),
        annotations,
    )
