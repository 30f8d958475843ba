"""A tour's page: the first view's poster and an HTML index of scenes and hotspots rendered on
the server (so the tour works before, and without, any script), and the viewer's JSON
configuration beside them."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from markupsafe import Markup
from PIL import Image

from ..csp import VIEWER
from ..markup import inline_json, render_markdown
from ..narration import Narration, narration_paths, narration_view, narrations_of
from ..urls import entry_url, readable_url, relative_url, short_url
from .guide import resolve_cues
from .model import Scene, Tour, tour_scenes
from .panoramas import POSTER_SIZE
from .plan import Panoramas, poster_path

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..config import SiteConfig
    from ..model import ContentModel
    from ..render import Renderer


@dataclass
class TourPages:
    """Renders tour pages and cards with what the process step made: tiles, posters, media."""

    renderer: Renderer
    panoramas: Panoramas
    media_urls: dict[str, str]  # source as written → published path
    first_view_modules: list[str]  # theme static files the viewer's entry imports, preloaded beside it

    @property
    def model(self) -> ContentModel:
        return self.renderer.model

    def card(self, tour: Tour) -> dict[str, Any]:
        config = self.model.config
        scenes = tour_scenes(self.model, tour.slug, tour.lang)
        start = next((s for s in scenes if s.name == tour.start), scenes[0] if scenes else None)
        panorama = self.panoramas.get(start.slug) if start else None
        return {
            "title": tour.title,
            "summary": tour.summary,
            "translated": tour.translated,
            "id": "",
            "retired": False,
            "url": entry_url(config, "tour", tour.slug, tour.lang),
            "poster": poster_path(panorama) if panorama else "",
            "scenes": len(scenes),
        }

    def context(self, tour: Tour, page_url: str) -> dict[str, Any]:
        """The tour page: server-rendered poster and index, plus the viewer's JSON configuration."""
        config, lang = self.model.config, tour.lang
        scenes = tour_scenes(self.model, tour.slug, lang)
        start = next((s for s in scenes if s.name == tour.start), scenes[0])

        def rel(target: str) -> str:
            return relative_url(target, page_url)

        plan_image = None
        if tour.plan:
            with Image.open(config.root / tour.plan) as image:
                plan_image = {"src": rel(self.media_urls[tour.plan]), "width": image.width, "height": image.height}
        scene_views = [self._scene_view(scene, rel) for scene in scenes]
        viewer: dict[str, Any] = {
            "tour": tour.slug,
            "lang": lang,
            "start": start.name,
            "autorotate": tour.autorotate or False,
            "plan": plan_image,
            "strings": {k[5:]: v for k, v in self.renderer.strings[lang].items() if k.startswith("tour_")},
            "scenes": [view["config"] for view in scene_views],
        }
        guide = narrations_of(self.renderer.site.results).get(tour.ref)
        if guide is not None:
            viewer["narration"] = self._guide_config(tour, scenes, guide, rel)
        cards = [h for view in scene_views for h in view["config"]["hotspots"]]
        level = VIEWER
        for feature in self.renderer.features:
            config_part, needs = feature.card_viewers(self.renderer, lang, rel, cards)
            viewer.update(config_part)
            level = max(level, needs)
        start_panorama = self.panoramas[start.slug]
        return {
            **self.renderer.entry_context(tour),  # the teacher box
            "tour": tour,
            "scenes": scene_views,
            "start": start,
            "authoring": self.renderer.authoring,
            "viewer_json": inline_json(viewer),
            "poster": poster_path(start_panorama),
            "poster_size": POSTER_SIZE,
            "preview": f"tiles/{start_panorama.tileset.key}/{start_panorama.tileset.preview}",
            "tour_url": entry_url(config, "tour", tour.slug, lang),
            "narration": narration_view(guide),
            "csp": self.renderer.plan.policies[level],
            "first_view_modules": self.first_view_modules,
        }

    def _guide_config(
        self, tour: Tour, scenes: list[Scene], guide: Narration, rel: Callable[[str], str]
    ) -> dict[str, Any]:
        """The guided tour for the viewer: audio, cues (seconds, scene, view in degrees) and captions."""
        audio, vtt = narration_paths(guide)
        return {
            "src": rel(audio),
            "mime": guide.published_mime,
            "vtt": rel(vtt) if vtt else None,
            "duration": round(guide.duration, 3),
            "lang": guide.lang,
            "cues": resolve_cues(tour, scenes),
            "captions": [
                {"start": cue["start"], "end": cue["end"], "text": cue["text"]}
                for cue in guide.cues
                if cue["start"] is not None
            ],
        }

    def _scene_view(self, scene: Scene, rel: Callable[[str], str]) -> dict[str, Any]:
        """One scene for the viewer config and for the HTML index that mirrors it."""
        config, lang = self.model.config, scene.lang
        panorama = self.panoramas[scene.slug]
        base = f"tiles/{panorama.tileset.key}/"
        hotspots, links = [], []
        for hotspot in scene.hotspots:
            item: dict[str, Any] = {
                "type": hotspot.kind,
                "yaw": hotspot.yaw,
                "pitch": hotspot.pitch,
                "label": hotspot.label,
            }
            href = f"#scene={scene.name}"
            if hotspot.kind == "go":
                item["target"] = hotspot.target
                if hotspot.view is not None:
                    item["view"] = asdict(hotspot.view)
                href = f"#scene={hotspot.target}"
            elif hotspot.kind == "exhibit":
                exhibit = self.model.exhibits[self.renderer.by_id[hotspot.target].slug][lang]
                card = self.renderer.card(exhibit)
                picture = card["image"]
                item.update(
                    label=hotspot.label or exhibit.title,
                    code=exhibit.id,
                    url=rel(card["url"]),
                    summary=exhibit.summary,
                    image={
                        "src": rel(picture["fallback"]),
                        "alt": picture["alt"],
                        "srcset": ", ".join(f"{rel(p)} {w}w" for p, w in picture["jpeg_items"]),
                    }
                    if picture
                    else None,
                )
                item.update(self.renderer.card_media(exhibit, rel))
                href = rel(card["url"])
            elif hotspot.kind in ("audio", "video"):
                item["src"] = href = rel(self.media_urls[hotspot.target])
            elif hotspot.kind == "image":
                image = self.renderer.plan.images[(hotspot.target, "")]
                item.update(
                    src=rel(image.jpeg[-1].site_path),
                    alt=hotspot.label,
                    srcset=", ".join(f"{rel(d.site_path)} {d.width}w" for d in image.jpeg),
                )
                href = item["src"]
            elif hotspot.kind == "text":
                item["text"] = hotspot.target
            elif hotspot.kind == "url" and _kiosk(config):  # no network: an address to note, not a way out
                item.update(type="text", text=readable_url(hotspot.target))
            elif hotspot.kind == "url":
                item["href"] = href = hotspot.target
            hotspots.append(item)
            links.append({"label": item["label"], "href": href, "kind": item["type"], "text": item.get("text", "")})
        description = render_markdown(self.renderer.markdown, scene.body, 2)
        scene_config = {
            "id": scene.name,
            "title": scene.title,
            "code": scene.id or None,
            "north": scene.north,
            "view": asdict(scene.view),
            "plan_position": dict(scene.plan_position) if scene.plan_position else None,
            "base": rel(base),
            "panorama": panorama.tileset.psv_config(),
            "fallback": {face: rel(base + path) for face, path in panorama.tileset.fallback_faces.items()},
            "equirect": rel(base + panorama.tileset.equirect),
            "hotspots": hotspots,
        }
        return {
            "scene": scene,
            "config": scene_config,
            "links": links,
            "description": Markup(description),
            "short_url": short_url(config, scene.id) if scene.id else "",
            **self.renderer.entry_context(scene),
        }


def _kiosk(config: SiteConfig) -> bool:
    """A kiosk has no network: a `url:` hotspot is an address to note, not a way out. (Imported
    here: the offline feature lists the tours' files, so it imports this package first.)"""
    from ..offline.settings import is_kiosk

    return is_kiosk(config)
