"""A story (content/stories/<slug>.md): a lesson or themed walk whose steps show live views."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, cast

from ..feature import ContentKind, Keys
from ..model import ContentModel, Entry, ImageRef
from ..records import image, whole_number

IMAGE_KEYS = {"src", "alt", "caption", "credit"}


@dataclass(frozen=True, kw_only=True)
class Story(Entry):
    image: ImageRef | None = None  # the card's and the share preview's picture
    order: int = 0
    kind = "story"


def stories_of(model: ContentModel) -> dict[str, dict[str, Story]]:
    return cast(dict[str, dict[str, Story]], model.of_kind("story"))


def _place(rel: PurePosixPath, stem: str) -> str | None:
    return stem if rel.parts[:-1] == ("content", "stories") else None


def _read(common: dict[str, Any], meta: dict[str, Any]) -> Story:
    return Story(image=image(meta.get("image"), common["origin"].file), order=whole_number(meta.get("order")), **common)


STORY_KIND = ContentKind(
    "story",
    Keys(frozenset({"image", "order"}), {"image": IMAGE_KEYS}, frozenset({"order"}), numbers={"order": ()}),
    _place,
    _read,
    folder="content",
    where="stories in content/stories/",
)
