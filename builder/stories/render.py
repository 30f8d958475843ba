"""A story's page: each step's text and the still picture of its view (a scene's poster, a 3D
model's poster, an image region, an audio clip, a link to the map), which is the whole story
without script; and for the live panel, what each step's view is: a view's `live` items are the
step's data attributes (those in `LIVE_URLS` are site paths, made relative by the template)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from ..catalogue import listed_of
from ..deepzoom import info_path, tiled_images
from ..map.places import map_url
from ..markup import render_markdown
from ..model import Exhibit
from ..models3d import DECODERS, MODEL_BUNDLE, models_of
from ..narration import narration_paths, narrations_of
from ..tours.model import scenes_of, tours_of
from ..tours.panoramas import POSTER_SIZE
from ..tours.plan import poster_path
from ..urls import entry_url
from .crops import CroppedImage
from .model import Story
from .views import CheckedStory, View

if TYPE_CHECKING:
    from ..render import Renderer


LIVE_URLS = ("frame", "model", "image", "zoom-image", "zoom-info")


def fmt(value: float) -> str:
    return f"{value:g}"


def view_hash(scene: str, yaw: float, pitch: float, fov: float) -> str:
    """The tour page's own hash for a view (viewer/navigation.js reads it)."""
    return f"#scene={scene}&yaw={fmt(yaw)}&pitch={fmt(pitch)}&fov={fmt(fov)}"


class StoryPage:
    """The context of one story page in one language."""

    def __init__(self, renderer: Renderer, story: Story, checked: CheckedStory, crops: dict[View, CroppedImage]):
        self.renderer, self.story, self.checked, self.crops = renderer, story, checked, crops
        self.model = renderer.model
        self.lang = story.lang

    def context(self) -> dict[str, Any]:
        markdown = self.renderer.markdown
        steps: list[dict[str, Any]] = []
        for number, step in enumerate(self.checked.steps, 1):
            views = [self.view(view) for view in step.views]
            live = next((v for v, raw in zip(views, step.views, strict=True) if raw is step.live), None)
            steps.append(
                {
                    "number": number,
                    "title": step.title,
                    "html": Markup(render_markdown(markdown, step.text, 1)),
                    "views": views,
                    "live": live,
                }
            )
        uses_model = any(v["kind"] == "model" for step in steps for v in step["views"])
        zooms = any(step["live"] and "zoom-info" in step["live"].get("live", {}) for step in steps)
        return {
            "story": self.story,
            "intro": Markup(render_markdown(markdown, self.checked.intro, 1)),
            "steps": steps,
            "live_urls": LIVE_URLS,
            "image": self.renderer.picture(self.story.image) if self.story.image else None,
            "model_viewer": {
                "viewer": self.renderer.plan.static_urls[MODEL_BUNDLE],
                "decoders": self.renderer.plan.static_urls[DECODERS],
            }
            if uses_model
            else None,
            "zooms": zooms,
        }

    def view(self, view: View) -> dict[str, Any]:
        return {
            "scene": self._scene,
            "model": self._model,
            "image": self._image,
            "audio": self._audio,
            "map": self._map,
        }[view.kind](view)

    def _scene(self, view: View) -> dict[str, Any]:
        scene = scenes_of(self.model)[view.target[1]][self.lang]
        tour = tours_of(self.model)[scene.tour][self.lang]
        panorama = self.renderer.plan.processed["tours"].panoramas[scene.slug]
        yaw = scene.view.yaw if view.yaw is None else view.yaw
        pitch = scene.view.pitch if view.pitch is None else view.pitch
        fov = scene.view.fov if view.fov is None else view.fov
        tour_url = entry_url(self.model.config, "tour", tour.slug, self.lang)
        hash_ = view_hash(scene.name, yaw, pitch, fov)
        return {
            "kind": "scene",
            "title": scene.title,
            "context": tour.title,
            "poster": poster_path(panorama),
            "poster_size": POSTER_SIZE,
            "link": tour_url,
            "hash": hash_,
            "live": {
                "frame": tour_url + "embed/",
                "scene": scene.name,
                "yaw": fmt(yaw),
                "pitch": fmt(pitch),
                "fov": fmt(fov),
                "title": scene.title,
            },
        }

    def _exhibit(self, view: View) -> Exhibit:
        return self.model.exhibits[view.target[1]][self.lang]

    def _model(self, view: View) -> dict[str, Any]:
        exhibit = self._exhibit(view)
        found = models_of(self.renderer.site.results)[exhibit.ref]
        poster = found.poster or (exhibit.images[0] if exhibit.images else None)
        orbit = f"{fmt(view.yaw or 0)}deg {fmt(90 - (view.pitch or 0))}deg auto"
        return {
            "kind": "model",
            "title": exhibit.title,
            "alt": found.alt,
            "picture": self.renderer.picture(poster) if poster else None,
            "link": entry_url(self.model.config, "exhibit", exhibit.slug, self.lang),
            "live": {
                "model": found.site_path,
                "alt": found.alt,
                "orbit": orbit,
                "fov": f"{fmt(view.fov)}deg" if view.fov else "auto",
            },
        }

    def _image(self, view: View) -> dict[str, Any]:
        exhibit = self._exhibit(view)
        ref = exhibit.images[view.image]
        picture = self.renderer.picture(ref)
        crop = self.crops.get(view)
        image = self.renderer.plan.images[(ref.src, ref.credit)]
        region = ",".join(str(n) for n in view.region) if view.region else ""
        size = ",".join(str(n) for n in view.size or (image.width, image.height))
        tiles = tiled_images(self.renderer.plan).get(ref.src)
        return {
            "kind": "image",
            "live": {
                "image": crop.site_path if crop else image.jpeg[min(1, len(image.jpeg) - 1)].site_path,
                "alt": ref.alt,
                "zoom-image": image.jpeg[-1].site_path,
                "region": region,
                "image-size": size,
                **({"zoom-info": info_path(tiles)} if tiles else {}),
            },
            "title": exhibit.title,
            "alt": ref.alt,
            "caption": ref.caption,
            "credit": ref.credit,
            "picture": picture if crop is None else None,
            "crop": {"src": crop.site_path, "width": crop.size[0], "height": crop.size[1]} if crop else None,
            "zoom_image": image.jpeg[-1].site_path,
            "region": region,
            "image_size": size,
            "link": entry_url(self.model.config, "exhibit", exhibit.slug, self.lang),
        }

    def _audio(self, view: View) -> dict[str, Any]:
        kind, slug = view.target
        narrations = narrations_of(self.renderer.site.results)
        default = self.model.config.default_language
        narration = narrations.get((kind, slug, self.lang)) or narrations[(kind, slug, default)]
        audio, vtt = narration_paths(narration)
        entry = self.model.of_kind(kind)[slug][self.lang]
        minutes, seconds = divmod(int(view.start), 60)
        return {
            "kind": "audio",
            "title": entry.title,
            "src": audio,
            "vtt": vtt,
            "mime": narration.published_mime,
            "narration_lang": narration.lang,
            "start": fmt(view.start),
            "start_label": f"{minutes}:{seconds:02d}",
        }

    def _map(self, view: View) -> dict[str, Any]:
        kind, slug = view.target
        entry = listed_of(self.model, kind)[slug][self.lang]
        return {
            "kind": "map",
            "title": entry.title,
            "link": entry_url(self.model.config, kind, slug, self.lang),
            "map": map_url(self.model.config, self.lang),
            "hash": f"#{entry.id}",
            "coordinates": f"{entry.latitude:.5f}, {entry.longitude:.5f}",
            "live": {"frame": map_url(self.model.config, self.lang), "place": entry.id, "title": entry.title},
        }
