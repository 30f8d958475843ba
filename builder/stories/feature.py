"""Stories as a feature: content/stories/<slug>.md becomes a page whose steps move one live view
(a tour scene, a 3D model, an image region, a map) beside the text, with narration clips; an
index of stories, listed on the home page too (a ninth menu link would not fit the header on a
wide screen); each step's still picture for browsers without script."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..assets import resolve_asset
from ..collation import in_title_order
from ..csp import PAGE
from ..feature import Feature, PageContext, SiteCheck, missing_bundle
from ..model import ContentModel, Entry, ImageRef
from ..narration import narrations_of
from ..outputs import Output, key_of
from ..tours.model import scenes_of, tours_of
from ..urls import entry_url, index_url
from .crops import CroppedImage
from .model import STORY_KIND, Story, stories_of
from .render import StoryPage
from .views import CheckedStory, View, check_story

if TYPE_CHECKING:
    from ..diagnostics import Problem
    from ..plan import Planner
    from ..render import Renderer
    from ..theme import Theme
    from ..validate import ValidatedSite

STORY_BUNDLE = "vendor/story.js"
FRAMES = "; frame-src 'self'"  # the live panel shows the site's own tour and map pages in a frame
CROPS = "stories:crops"  # each image region's CroppedImage, made in validate where file digests are known
RUNG = "stories:rung"  # where `policies` leaves the index of the rung it added, for `policy` and the pages
Checked = dict[tuple[str, str, str], CheckedStory]  # a story's `ref` → its steps and views


def checked_of(results: dict[str, Any]) -> Checked:
    checked: Checked = results.setdefault(StoriesFeature.name, {})
    return checked


class StoriesFeature(Feature):
    name = "stories"
    kinds = (STORY_KIND,)
    page_kinds = {"story": "story", "story-index": ""}
    framed_kinds = frozenset(page_kinds)  # a lesson page embeds the story whole

    def validate(self, check: SiteCheck) -> None:
        """Each language with its own text is checked; an untranslated one shows the original's steps."""
        checked = checked_of(check.results)
        default = check.model.config.default_language
        for by_lang in stories_of(check.model).values():
            original = check_story(check, by_lang[default])
            for lang, story in by_lang.items():
                checked[story.ref] = check_story(check, story) if story.translated and lang != default else original
        check.results[CROPS] = _crops(check, checked)

    def missing_viewer(self, site: ValidatedSite, theme: Theme) -> Problem | None:
        return missing_bundle(theme, STORY_BUNDLE, "story page's script") if stories_of(site.model) else None

    def unused_static(self, site: ValidatedSite, name: str) -> bool:
        return name == STORY_BUNDLE and not stories_of(site.model)

    def policies(self, site: ValidatedSite, theme: Theme, ladder: tuple[str, ...]) -> tuple[str, ...]:
        """A rung above the widest: the story's frames show pages that may need any narrower one."""
        if not stories_of(site.model):
            return ladder
        site.results[RUNG] = len(ladder)
        return (*ladder, ladder[-1] + FRAMES)

    def policy(self, site: ValidatedSite, page_kind: str) -> int:
        rung: int = site.results.get(RUNG, PAGE)
        return rung if page_kind == "story" else PAGE

    def image_refs(self, site: ValidatedSite) -> list[ImageRef]:
        return [story.image for by_lang in stories_of(site.model).values() for story in by_lang.values() if story.image]

    def plan(self, planner: Planner) -> list[Output]:
        model = planner.model
        stories = stories_of(model)
        if not stories:
            return []
        checked = checked_of(planner.site.results)
        crops = sorted(set(planner.site.results[CROPS].values()), key=lambda c: c.site_path)
        outputs = [Output(crop.site_path, key_of(crop.digest, crop.region), crop) for crop in crops]
        for lang in model.config.languages:
            keys = {
                slug: _story_key(planner, by_lang[lang], checked[by_lang[lang].ref])
                for slug, by_lang in stories.items()
            }
            index = index_url(model.config, "story", lang)
            outputs.append(planner.page("stories.html", lang, "story-index", "", index, sorted(keys.items())))
            for slug, key in keys.items():
                url = entry_url(model.config, "story", slug, lang)
                outputs.append(planner.page("story.html", lang, "story", slug, url, [key]))
        return outputs

    def index_deps(self, planner: Planner, kind: str, lang: str) -> object:
        """The home page lists the stories: the menu has no room left for them on a wide screen."""
        if kind != "home":
            return ""
        return [(planner.entry_digest(s), planner.image_keys([s.image])) for s in self._listed(planner.model, lang)]

    def index_context(self, renderer: Renderer, kind: str, lang: str) -> dict[str, Any]:
        if kind != "home":
            return {}
        model = renderer.model
        return {
            "stories": [_card(renderer, story) for story in self._listed(model, lang)],
            "stories_url": index_url(model.config, "story", lang),
        }

    @staticmethod
    def _listed(model: ContentModel, lang: str) -> list[Story]:
        """In `order`, then in Vietnamese title order."""
        listed = in_title_order(by_lang[lang] for by_lang in stories_of(model).values())
        return sorted(listed, key=lambda story: story.order)

    def page_context(self, renderer: Renderer, kind: str, slug: str, lang: str, url: str) -> PageContext | None:
        if kind not in self.page_kinds:
            return None
        stories = stories_of(renderer.model)
        if kind == "story-index":
            return PageContext(
                None, {"stories": [_card(renderer, story) for story in self._listed(renderer.model, lang)]}
            )
        story = stories[slug][lang]
        checked = checked_of(renderer.site.results)
        extra = StoryPage(renderer, story, checked[story.ref], renderer.site.results[CROPS]).context()
        extra["csp"] = renderer.plan.policies[renderer.site.results[RUNG]]
        extra["stories_url"] = index_url(renderer.model.config, "story", lang)
        return PageContext(story, {**renderer.entry_context(story), **extra})


def _card(renderer: Renderer, story: Story) -> dict[str, Any]:
    return {
        "title": story.title,
        "summary": story.summary,
        "translated": story.translated,
        "id": "",
        "retired": False,
        "url": entry_url(renderer.model.config, "story", story.slug, story.lang),
        "image": renderer.picture(story.image) if story.image else None,
    }


def _crops(check: SiteCheck, checked: Checked) -> dict[View, CroppedImage]:
    """Every image region a story shows, cut once whatever the language."""
    model = check.model
    crops: dict[View, CroppedImage] = {}
    for story in checked.values():
        for step in story.steps:
            for view in step.views:
                if view.kind == "image" and view.region is not None and view not in crops:
                    exhibit = model.exhibits[view.target[1]][model.config.default_language]
                    source = resolve_asset(model.config.root, exhibit.images[view.image].src)
                    crops[view] = CroppedImage(source, check.assets.digest(source), view.region)
    return crops


def _story_key(planner: Planner, story: Story, checked: CheckedStory) -> str:
    """Everything a story page shows: its text, picture, and what each view shows (titles, posters,
    models, images, narrations), so an edit to a scene's title re-renders the stories that show it."""
    model = planner.model
    shown: list[object] = []
    for step in checked.steps:
        for view in step.views:
            kind, slug = view.target
            entry: Entry = model.of_kind(kind)[slug][story.lang]
            shown.append((view, planner.entry_digest(entry), _view_deps(planner, view, entry)))
    return key_of(planner.entry_digest(story), planner.image_keys([story.image]), shown)


def _view_deps(planner: Planner, view: View, entry: Entry) -> object:
    model = planner.model
    if view.kind == "scene":
        scene = scenes_of(model)[entry.slug][entry.lang]
        panorama = planner.processed["tours"].panoramas.get(scene.slug)
        tour = tours_of(model)[scene.tour][entry.lang]
        return (planner.entry_digest(tour), panorama.poster.stem if panorama else "")
    if view.kind in ("model", "image"):
        return planner.exhibit_key(model.exhibits[entry.slug][entry.lang])
    if view.kind == "audio":
        narrations = narrations_of(planner.site.results)
        found = narrations.get(entry.ref) or narrations.get((entry.kind, entry.slug, model.config.default_language))
        return found.key if found else ""
    return ""


STORIES = StoriesFeature()
