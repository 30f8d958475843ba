"""An IIIF Presentation 3 manifest as a record of plain values and as JSON. IIIF viewers (Mirador,
Universal Viewer) and aggregators read these files.

Every `id` is absolute (the site's `base_url`); each language map holds only the languages a
text was written in, so no Vietnamese text is ever labelled English.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..hosting import CONTENT_TYPES
from ..media import Derivative

PRESENTATION_CONTEXT = "http://iiif.io/api/presentation/3/context.json"
# What a link to a manifest says it is: JSON-LD with the Presentation 3 context as its profile.
MANIFEST_TYPE = f'application/ld+json;profile="{PRESENTATION_CONTEXT}"'
FOLDER = "iiif/"
# (language, its values) pairs: an IIIF language map, kept as tuples so the record is a value.
LangMap = tuple[tuple[str, tuple[str, ...]], ...]
# "CC BY-SA 4.0", "cc-by-nc-nd-4.0", "CC0 1.0", "CC0": the licence names curators write.
CC_LICENSE = re.compile(r"cc[\s-]*(by(?:[\s-]+(?:nc|sa|nd))*)[\s-]+(\d\.\d)", re.IGNORECASE)
CC_ZERO = re.compile(r"cc[\s-]*0(?:[\s-]+1\.0)?", re.IGNORECASE)
# A rights URI must come from these two (Presentation 3, `rights`), written with http:.
RIGHTS_HOSTS = re.compile(r"https?://(creativecommons\.org/(?:licenses|publicdomain)|rightsstatements\.org)/")


def manifest_path(code: str) -> str:
    """Where an entry's manifest is published, under its permanent short code."""
    return f"{FOLDER}{code}/manifest.json"


def rights_uri(license_name: str) -> str:
    """The Creative Commons or RightsStatements.org URI of a licence as written in site.toml, or ''
    when it names neither (the attribution still says it in words)."""
    name = license_name.strip()
    if RIGHTS_HOSTS.match(name):
        return "http://" + name.split("://", 1)[1].rstrip("/") + "/"
    if CC_ZERO.fullmatch(name):
        return "http://creativecommons.org/publicdomain/zero/1.0/"
    found = CC_LICENSE.fullmatch(name)
    if not found:
        return ""
    terms = "-".join(re.split(r"[\s-]+", found.group(1).lower()))
    return f"http://creativecommons.org/licenses/{terms}/{found.group(2)}/"


@dataclass(frozen=True)
class ImageResource:
    """A published image file: a canvas's painting body or a thumbnail. `service` is the absolute
    id of a level-0 IIIF Image API service of the same picture (deep-zoom tiles), if there is one."""

    url: str
    media_type: str
    width: int
    height: int
    service: str = ""

    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.url,
            "type": "Image",
            "format": self.media_type,
            "width": self.width,
            "height": self.height,
        }
        if self.service:
            data["service"] = [{"id": self.service, "type": "ImageService3", "profile": "level0"}]
        return data


def image_resource(base_url: str, derivative: Derivative, service: str = "") -> ImageResource:
    """An image derivative as IIIF names it; `service`: its deep-zoom Image API service, absolute."""
    return ImageResource(
        base_url + derivative.site_path, CONTENT_TYPES[derivative.fmt], derivative.width, derivative.height, service
    )


@dataclass(frozen=True)
class CanvasImage:
    """One photograph: a canvas the size of its largest derivative, which paints it whole."""

    label: LangMap
    image: ImageResource
    thumbnail: ImageResource


@dataclass(frozen=True)
class Link:
    """A web page or a data file about the entry (`homepage`, `seeAlso`)."""

    url: str
    kind: str  # Text, Dataset
    media_type: str
    label: LangMap
    language: str = ""


@dataclass(frozen=True)
class Manifest:
    """Everything one entry's manifest shows."""

    url: str
    label: LangMap
    summary: LangMap
    metadata: tuple[tuple[LangMap, LangMap], ...]
    rights: str
    attribution: tuple[LangMap, LangMap]
    homepages: tuple[Link, ...]
    see_also: tuple[Link, ...]
    canvases: tuple[CanvasImage, ...]


def language_map(pairs: LangMap) -> dict[str, list[str]]:
    return {lang: list(values) for lang, values in pairs}


def manifest_json(manifest: Manifest) -> dict[str, Any]:
    base = manifest.url.rsplit("/", 1)[0] + "/"
    label, value = manifest.attribution
    data: dict[str, Any] = {
        "@context": PRESENTATION_CONTEXT,
        "id": manifest.url,
        "type": "Manifest",
        "label": language_map(manifest.label),
        "metadata": [{"label": language_map(k), "value": language_map(v)} for k, v in manifest.metadata],
        "requiredStatement": {"label": language_map(label), "value": language_map(value)},
        "homepage": [_link(link) for link in manifest.homepages],
        "thumbnail": [manifest.canvases[0].thumbnail.json()],
        "items": [_canvas(f"{base}canvas/{number}", canvas) for number, canvas in enumerate(manifest.canvases, 1)],
    }
    if manifest.summary:
        data["summary"] = language_map(manifest.summary)
    if manifest.rights:
        data["rights"] = manifest.rights
    if manifest.see_also:
        data["seeAlso"] = [_link(link) for link in manifest.see_also]
    return data


def _canvas(url: str, canvas: CanvasImage) -> dict[str, Any]:
    page = f"{url}/page"
    return {
        "id": url,
        "type": "Canvas",
        **({"label": language_map(canvas.label)} if canvas.label else {}),
        "width": canvas.image.width,
        "height": canvas.image.height,
        "thumbnail": [canvas.thumbnail.json()],
        "items": [
            {
                "id": page,
                "type": "AnnotationPage",
                "items": [
                    {
                        "id": f"{page}/image",
                        "type": "Annotation",
                        "motivation": "painting",
                        "body": canvas.image.json(),
                        "target": url,
                    }
                ],
            }
        ],
    }


def _link(link: Link) -> Mapping[str, Any]:
    return {
        "id": link.url,
        "type": link.kind,
        "label": language_map(link.label),
        "format": link.media_type,
        **({"language": [link.language]} if link.language else {}),
    }
