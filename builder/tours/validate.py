"""The rules of tours and scenes: start scene, plan, panoramas (checked from their headers and
decoded once, cached), hotspots and their targets, angles within what the viewer shows."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..assets import IMAGE_SUFFIXES, AssetStore, check_asset, read_image_header, resolve_asset
from ..audio import AUDIO_SUFFIXES
from ..diagnostics import Problems, did_you_mean
from ..feature import SiteCheck
from ..model import ContentModel, Exhibit, ImageRef, Origin
from ..records import check_numbers
from ..tiling import PanoramaAngles, TileSettings, TilingError, check_panorama, verify_image
from .model import MAX_FOV, MIN_FOV, VIEW_KEYS, Hotspot, Scene, scenes_of, tour_scenes, tours_of

MAX_AUTOROTATE = 30  # degrees per second; faster turns a phone visitor's stomach
MIN_PANORAMA_WIDTH = 512  # one viewer tile: anything narrower is a thumbnail exported by mistake


MEDIA_SUFFIXES = {"audio": set(AUDIO_SUFFIXES), "video": {".mp4", ".webm"}}


def check_tours(check: SiteCheck) -> None:
    model, problems = check.model, check.problems
    lang = model.config.default_language
    for name, by_lang in tours_of(model).items():
        tour = by_lang[lang]
        scenes = {scene.name: scene for scene in tour_scenes(model, name, lang)}
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
            check.check_image(ImageRef(tour.plan, "", origin=tour.origin_of("plan")))
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
            _check_scene(scene, scenes, check)
            if scene.plan_position is not None and not tour.plan:
                where = scene.origin_of("plan_position")
                problems.warning(
                    where.file,
                    where.line,
                    "plan-missing",
                    "plan_position places this scene on a plan, but the tour has no plan",
                    f"add 'plan: assets/images/<plan>.png' to {tour.origin.file}, or delete this line",
                )
    for slug in scenes_of(model):
        if slug.split("/")[0] not in tours_of(model):
            scene = scenes_of(model)[slug][lang]
            problems.error(
                scene.origin.file,
                0,
                "tour-missing",
                f"tours/{scene.tour}/ has no tour.md",
                "add tour.md with the tour's title and its start scene",
            )


def _check_scene(scene: Scene, scenes: dict[str, Scene], check: SiteCheck) -> None:
    model, assets, problems = check.model, check.assets, check.problems
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
    _check_panorama(scene, model, assets, problems, check.decode_panoramas)
    exhibits = model.exhibit_by_id()
    for index, hotspot in enumerate(scene.hotspots, 1):
        _check_hotspot(index, hotspot, scenes, exhibits, model, problems)
        if hotspot.kind == "go" and hotspot.target == scene.name:
            problems.warning(
                hotspot.origin.file,
                hotspot.origin.line,
                "hotspot-go-itself",
                f"hotspot {index} goes to '{scene.name}', the scene it is in",
                "point 'go:' at another scene of the tour; a visitor clicking it would see nothing happen",
            )
        if hotspot.kind == "image":
            check.check_image(ImageRef(hotspot.target, hotspot.label, origin=hotspot.origin))
    raw = scene.meta.get("hotspots")
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, Mapping):
            check_numbers(item, scene.origin.file, {"view": VIEW_KEYS}, problems)
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


def _check_panorama(scene: Scene, model: ContentModel, assets: AssetStore, problems: Problems, decode: bool) -> None:
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
        for path in paths if decode else ():
            failure = assets.probe(path, "decodes", _decode_failure)
            if failure:
                raise TilingError(failure["message"], failure["hint"])
    except TilingError as exc:
        problems.error(where.file, where.line, "panorama", exc.message, exc.hint)
        return
    header = read_image_header(paths[0])
    if not isinstance(scene.panorama, Mapping) and header.width < MIN_PANORAMA_WIDTH:
        problems.warning(
            where.file,
            where.line,
            "panorama-small",
            f"the panorama is only {header.width}×{header.height} pixels; it will look blurred in the viewer",
            "export the full-size panorama from the camera or stitching app; 4096×2048 or more looks sharp",
        )
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
