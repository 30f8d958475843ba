"""The views a story's steps show, checked against the museum: every tour, scene, exhibit, image,
narration and relic a short code names must exist, and every number must be one the viewer can
show. Each problem names the short code's line, not the file's first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..assets import AssetPathError, ImageInfo, resolve_asset
from ..catalogue import is_located, listed_of
from ..diagnostics import Problems, did_you_mean
from ..feature import SiteCheck
from ..model import Exhibit
from ..models3d import models_of
from ..narration import narrations_of
from ..tours.model import MAX_FOV, MIN_FOV, scenes_of, tours_of
from .model import Story
from .steps import Shortcode, StepText, parse_clock, split_steps

MODEL_FOV = (10.0, 90.0)  # what model-viewer's field-of-view takes comfortably
ARGUMENTS = {
    "scene": {"tour", "scene", "yaw", "pitch", "fov"},
    "model": {"exhibit", "yaw", "pitch", "fov"},
    "image": {"exhibit", "image", "region"},
    "audio": {"exhibit", "tour", "scene", "start"},
    "map": {"relic", "heritage"},
}
Region = tuple[int, int, int, int]
SHOWN_LIVE = ("scene", "model", "image", "map")  # the kinds the story's live view shows beside the text


@dataclass(frozen=True)
class View:
    """One checked short code: what it shows (`target`, an entry's (kind, slug)) and how."""

    kind: str
    line: int
    target: tuple[str, str]
    yaw: float | None = None
    pitch: float | None = None
    fov: float | None = None
    image: int = 0  # which of the exhibit's images, from 0
    region: Region | None = None  # x, y, width, height in the image's pixels
    size: tuple[int, int] | None = None  # the image's own width and height, which `region` is in
    start: float = 0.0  # seconds into the narration


@dataclass(frozen=True)
class Step:
    title: str
    line: int
    text: str
    views: tuple[View, ...]

    @property
    def live(self) -> View | None:
        """The view the story's live panel shows for this step: its first that is not a sound."""
        return next((view for view in self.views if view.kind in SHOWN_LIVE), None)


@dataclass(frozen=True)
class CheckedStory:
    intro: str
    steps: tuple[Step, ...]


class _Reader:
    """Reads one story's short codes, reporting each problem at its line."""

    def __init__(self, check: SiteCheck, story: Story):
        self.check, self.story, self.file = check, story, story.body_origin.file
        self.problems: Problems = check.problems

    def error(self, line: int, code: str, message: str, hint: str) -> None:
        self.problems.error(self.file, line, code, message, hint)

    def number(self, code: Shortcode, key: str, low: float, high: float, meaning: str) -> float | None:
        raw = code.get(key)
        if raw is None:
            return None
        try:
            value = float(raw.replace(",", "."))
        except ValueError:
            self.error(
                code.line, "story-number", f'{key}="{raw}" is not a number', f'write {key} in degrees, like {key}="30"'
            )
            return None
        if not low <= value <= high:
            self.error(code.line, "story-range", f"{key} {value:g} is outside {low:g}…{high:g}", meaning)
            return None
        return value

    def angles(self, code: Shortcode, fov: tuple[float, float]) -> tuple[float | None, float | None, float | None]:
        return (
            self.number(code, "yaw", -180, 360, "yaw is the direction in degrees: 0 ahead, 90 to the right"),
            self.number(code, "pitch", -90, 90, "pitch is the angle above (+) or below (-) the horizon"),
            self.number(code, "fov", *fov, f"fov is how wide the view is, from {fov[0]:g} (closest) to {fov[1]:g}"),
        )

    def exhibit(self, code: Shortcode) -> Exhibit | None:
        wanted = (code.get("exhibit") or "").upper()
        by_id = self.check.model.exhibit_by_id()
        if not wanted:
            self.error(
                code.line,
                "story-argument",
                f'the {code.name} view needs exhibit="…"',
                'name the exhibit by its code, like exhibit="TD01"',
            )
            return None
        if wanted not in by_id:
            self.error(
                code.line,
                "story-unknown",
                f"no exhibit has the code '{wanted}'",
                did_you_mean(wanted, by_id) or "use the id: written in the exhibit's file",
            )
            return None
        return by_id[wanted]

    def scene(self, code: Shortcode) -> str | None:
        """The scene's slug, '<tour>/<scene>'."""
        tour, name = code.get("tour") or "", code.get("scene") or ""
        tours = tours_of(self.check.model)
        if tour not in tours:
            hint = did_you_mean(tour, tours) or f"the tours are: {', '.join(sorted(tours)) or 'none yet'}"
            self.error(code.line, "story-unknown", f"there is no tour '{tour}'", hint)
            return None
        names = {slug.partition("/")[2] for slug in scenes_of(self.check.model) if slug.startswith(tour + "/")}
        if name not in names:
            hint = did_you_mean(name, names) or f"the scenes of {tour} are: {', '.join(sorted(names))}"
            self.error(code.line, "story-unknown", f"tour '{tour}' has no scene '{name}'", hint)
            return None
        return f"{tour}/{name}"

    def read(self, code: Shortcode) -> View | None:
        if code.name not in ARGUMENTS:
            hint = did_you_mean(code.name, ARGUMENTS) or f"a view is one of: {', '.join(ARGUMENTS)}"
            self.error(code.line, "story-shortcode", f"unknown view '{code.name}'", hint)
            return None
        for key, _ in code.arguments:
            if key not in ARGUMENTS[code.name]:
                self.problems.warning(
                    self.file,
                    code.line,
                    "story-argument",
                    f"the {code.name} view does not take '{key}'",
                    did_you_mean(key, ARGUMENTS[code.name]) or f"it takes: {', '.join(sorted(ARGUMENTS[code.name]))}",
                )
        return READERS[code.name](self, code)


def _scene_view(reader: _Reader, code: Shortcode) -> View | None:
    slug = reader.scene(code)
    yaw, pitch, fov = reader.angles(code, (MIN_FOV, MAX_FOV))
    return View("scene", code.line, ("scene", slug), yaw, pitch, fov) if slug else None


def _model_view(reader: _Reader, code: Shortcode) -> View | None:
    exhibit = reader.exhibit(code)
    yaw, pitch, fov = reader.angles(code, MODEL_FOV)
    if exhibit is None:
        return None
    if exhibit.ref not in models_of(reader.check.results):
        reader.error(
            code.line,
            "story-no-model",
            f"exhibit {exhibit.id} has no 3D model to show",
            "add model: to its file, or show one of its images with {{< image … >}}",
        )
        return None
    return View("model", code.line, ("exhibit", exhibit.slug), yaw, pitch, fov)


def _image_view(reader: _Reader, code: Shortcode) -> View | None:
    exhibit = reader.exhibit(code)
    if exhibit is None:
        return None
    raw_index = code.get("image") or "1"
    if not raw_index.isdigit() or not 1 <= int(raw_index) <= len(exhibit.images):
        reader.error(
            code.line,
            "story-unknown",
            f"exhibit {exhibit.id} has no image {raw_index}",
            f'it has {len(exhibit.images)} image(s): write image="1" for the first',
        )
        return None
    index = int(raw_index) - 1
    config = reader.check.model.config
    try:
        info = reader.check.assets.image_info(
            resolve_asset(config.root, exhibit.images[index].src), config.max_image_pixels
        )
    except (AssetPathError, OSError):
        return None  # the exhibit's own check reports its image
    if info.error:
        return None
    readable, region = _region(reader, code, info)
    if not readable:
        return None
    return View(
        "image", code.line, ("exhibit", exhibit.slug), image=index, region=region, size=(info.width, info.height)
    )


def _region(reader: _Reader, code: Shortcode, info: ImageInfo) -> tuple[bool, Region | None]:
    """Whether the region could be read, and it in pixels (None: the whole image)."""
    raw = code.get("region")
    if raw is None:
        return True, None
    parts = [part.strip() for part in raw.split(",")]
    percent = all(part.endswith("%") for part in parts)
    try:
        numbers = [float(part.rstrip("%")) for part in parts]
    except ValueError:
        numbers = []
    if len(numbers) != 4 or numbers[2] <= 0 or numbers[3] <= 0:
        reader.error(
            code.line,
            "story-region",
            f'region="{raw}" is not x, y, width, height',
            'write it in pixels of the image, like region="820, 310, 400, 300", '
            'or in percent, like region="40%, 20%, 25%, 25%"',
        )
        return False, None
    if percent:
        numbers = [
            numbers[0] * info.width / 100,
            numbers[1] * info.height / 100,
            numbers[2] * info.width / 100,
            numbers[3] * info.height / 100,
        ]
    x, y, width, height = (round(n) for n in numbers)
    if x < 0 or y < 0 or x + width > info.width or y + height > info.height:
        reader.error(
            code.line,
            "story-region",
            f"region {x}, {y}, {width}, {height} goes outside the image ({info.width} × {info.height} pixels)",
            "measure the region in an image editor: x and y from the top left corner, then its width and height",
        )
        return False, None
    return True, (x, y, width, height)


def _audio_view(reader: _Reader, code: Shortcode) -> View | None:
    if code.get("exhibit") is not None:
        exhibit = reader.exhibit(code)
        target = ("exhibit", exhibit.slug) if exhibit else None
    else:
        slug = reader.scene(code)
        target = ("scene", slug) if slug else None
    if target is None:
        return None
    narrations = narrations_of(reader.check.results)
    default = reader.check.model.config.default_language
    narration = narrations.get((*target, reader.story.lang)) or narrations.get((*target, default))
    if narration is None:
        reader.error(
            code.line, "story-no-audio", f"{target[0]} {target[1]} has no narration", "add audio: to its file first"
        )
        return None
    raw = code.get("start") or "0"
    start = parse_clock(raw)
    if start is None:
        reader.error(
            code.line,
            "story-number",
            f'start="{raw}" is not a time',
            'write minutes:seconds, like start="1:20", or seconds, like start="80"',
        )
        return None
    if start >= narration.duration:
        minutes, seconds = divmod(int(narration.duration), 60)
        reader.error(
            code.line,
            "story-range",
            f"start {raw} is past the end of the narration ({minutes}:{seconds:02d})",
            "choose a start inside the clip",
        )
        return None
    return View("audio", code.line, target, start=start)


def _map_view(reader: _Reader, code: Shortcode) -> View | None:
    kind = "heritage" if code.get("heritage") is not None else "relic"
    wanted = code.get(kind) or ""
    default = reader.check.model.config.default_language
    found = listed_of(reader.check.model, kind)
    by_id = {by_lang[default].id: slug for slug, by_lang in found.items()}
    slug = wanted if wanted in found else by_id.get(wanted.upper())
    if slug is None:
        hint = did_you_mean(wanted, [*found, *by_id]) or f"name the {kind} by its file name or its id"
        reader.error(code.line, "story-unknown", f"there is no {kind} '{wanted}'", hint)
        return None
    if not is_located(found[slug][default]):
        reader.error(
            code.line,
            "story-unlocated",
            f"{kind} '{wanted}' has no latitude and longitude",
            "add latitude: and longitude: to its file (or its spreadsheet row), so the map can show it",
        )
        return None
    return View("map", code.line, (kind, slug))


READERS: dict[str, Callable[[_Reader, Shortcode], View | None]] = {
    "scene": _scene_view,
    "model": _model_view,
    "image": _image_view,
    "audio": _audio_view,
    "map": _map_view,
}


def check_story(check: SiteCheck, story: Story) -> CheckedStory:
    """The story's steps with their checked views; a step with no words is a warning."""
    split = split_steps(story.body, story.body_origin.line)
    file = story.body_origin.file
    for problem in split.problems:
        check.problems.error(file, problem.line, "story-syntax", problem.message, problem.hint)
    if not split.steps:
        check.problems.warning(
            file,
            story.body_origin.line,
            "story-no-steps",
            "the story has no steps",
            "start each step with a '## heading' line",
        )
    reader = _Reader(check, story)
    steps = tuple(_step(reader, step) for step in split.steps)
    return CheckedStory(split.intro, steps)


def _step(reader: _Reader, step: StepText) -> Step:
    if not step.text:
        reader.problems.warning(
            reader.file,
            step.line,
            "story-empty-step",
            f"step '{step.title}' has no text",
            "write a few sentences under the heading: they are what a visitor without the view reads",
        )
    views = tuple(view for view in (reader.read(code) for code in step.shortcodes) if view is not None)
    return Step(step.title, step.line, step.text, views)
