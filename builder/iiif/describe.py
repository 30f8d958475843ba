"""What an entry's manifest says: its titles and summaries in every language it was written in,
the facts table keyed as on its page, the attribution, its pages, its open-data file and one
canvas per photograph, with the theme's words for every label.

The plan gathers a `ManifestSource` (the entry in each language, its planned images, the site's
words) and keys it from digests it already has; the manifest is described only when the file is
written, so a rebuild where nothing changed describes none (2,000 illustrated exhibits took a
second to describe on every rebuild of `disan serve` when the plan did it)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..catalogue.kinds import Listed
from ..catalogue.render import fact_rows
from ..media import ResponsiveImage
from ..model import Entry
from ..opendata.datasets import FOLDER as OPEN_DATA_FOLDER
from ..opendata.datasets import title as dataset_title
from ..opendata.records import published_kinds
from .links import Illustrated
from .manifest import CanvasImage, LangMap, Link, Manifest, image_resource, manifest_json, manifest_path, rights_uri

if TYPE_CHECKING:
    from ..plan import Planner


@dataclass(frozen=True)
class SiteWords:
    """What every manifest of a site shares: its address, languages, title and licence, and the
    theme's strings (fact labels, 'credits'). Made once per plan."""

    base_url: str
    default_language: str
    titles: Mapping[str, str]  # the site's title by language, in the site's order of languages
    licences: Mapping[str, str]  # the licence as written, by language
    rights: str
    strings: Mapping[str, Mapping[str, str]]

    def each_language(self, key: str) -> LangMap:
        """A theme string in every language of the site."""
        return tuple((lang, (self.strings[lang].get(key, key),)) for lang in self.titles)


def site_words(planner: Planner) -> SiteWords:
    config = planner.model.config
    return SiteWords(
        config.base_url,
        config.default_language,
        {lang: config.text("title", lang) for lang in config.languages},
        {lang: config.text("license", lang) for lang in config.languages},
        rights_uri(config.license),
        {lang: planner.strings(lang) for lang in config.languages},
    )


@dataclass(frozen=True)
class ManifestSource:
    """What one entry's manifest is made from; `produce` describes it and makes its bytes
    (outputs.MadeFile). Its key is the plan's (`feature.IiifFeature.plan`)."""

    site: SiteWords
    entries: Mapping[str, Illustrated]  # by language
    images: tuple[ResponsiveImage, ...]  # the default language's images, planned
    services: tuple[str, ...]  # each image's deep-zoom IIIF Image service, or ''
    pages: Mapping[str, str]  # the entry's page by language, absolute
    collections: Mapping[str, str]  # an exhibit's collection title by language
    see_also: tuple[Link, ...]

    def produce(self, cache_dir: Path) -> bytes:
        data = manifest_json(describe(self))
        return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


def describe(source: ManifestSource) -> Manifest:
    site = source.site
    default = source.entries[site.default_language]
    written = {  # a fallback page shows the original's words: they are not the language's
        lang: entry for lang, entry in source.entries.items() if entry.translated or lang == site.default_language
    }

    def each_written(text: Callable[[Illustrated], str]) -> LangMap:
        return tuple((lang, (text(entry),)) for lang, entry in written.items() if text(entry))

    def title_in(entry: Entry) -> LangMap:
        return ((entry.lang if entry.translated else site.default_language, (entry.title,)),)

    canvases = tuple(
        CanvasImage(
            each_written(_caption(number)),
            image_resource(site.base_url, image.jpeg[-1], service),
            image_resource(site.base_url, image.jpeg[0]),
        )
        for number, (image, service) in enumerate(zip(source.images, source.services, strict=True))
    )
    return Manifest(
        url=site.base_url + manifest_path(default.id),
        label=each_written(lambda entry: entry.title),
        summary=each_written(lambda entry: entry.summary),
        metadata=_metadata(source, written),
        rights=site.rights,
        attribution=(site.each_language("credits"), _attribution(source, written)),
        homepages=tuple(
            Link(source.pages[lang], "Text", "text/html", title_in(entry), lang)
            for lang, entry in source.entries.items()
        ),
        see_also=source.see_also,
        canvases=canvases,
    )


def _metadata(source: ManifestSource, written: Mapping[str, Illustrated]) -> tuple[tuple[LangMap, LangMap], ...]:
    """The facts table's rows in the default language's order, each value in the languages it is written in."""
    rows = {lang: dict(_facts(source, entry)) for lang, entry in written.items()}
    return tuple(
        (
            source.site.each_language(f"fact_{key}"),
            tuple((lang, (row[key],)) for lang, row in rows.items() if key in row),
        )
        for key in rows[source.site.default_language]
    )


def _caption(number: int) -> Callable[[Illustrated], str]:
    """An image's caption, or its description when it has none, in an entry's language."""

    def caption(entry: Illustrated) -> str:
        ref = entry.images[number] if number < len(entry.images) else None
        return (ref.caption or ref.alt) if ref else ""

    return caption


def _facts(source: ManifestSource, entry: Illustrated) -> list[tuple[str, str]]:
    """The facts table as on the entry's page, by key, in the entry's language: its code first."""
    if isinstance(entry, Listed):
        return [("id", entry.id), *fact_rows(source.site.strings[entry.lang], entry)]
    collection = source.collections.get(entry.lang)
    shown = [("id", entry.id), *((key, value) for key, value in entry.facts if value)]
    return shown + ([("collection", collection)] if collection else [])


def _attribution(source: ManifestSource, written: Mapping[str, Illustrated]) -> LangMap:
    """The museum, the photographs' credits and the licence in every language. Credits are
    names, quoted as written: a language without its own carries the original's, since a viewer
    shows one language and the attribution must always be there."""
    site = source.site
    default = source.entries[site.default_language]
    made = []
    for lang, title in site.titles.items():
        entry = written.get(lang, default)
        credits = dict.fromkeys(ref.credit for ref in entry.images if ref.credit)
        licence = (
            [f"{site.strings[lang].get('license', 'License')}: {site.licences[lang]}"] if site.licences[lang] else []
        )
        made.append((lang, (title, *credits, *licence)))
    return tuple(made)


def open_data_links(planner: Planner, kind: str) -> tuple[Link, ...]:
    """The open-data JSON file that holds the entry's record, when the site publishes its kind."""
    if kind not in published_kinds(planner.model):
        return ()
    config = planner.model.config
    label = tuple((lang, (dataset_title(kind, lang),)) for lang in config.languages)
    return (Link(f"{config.base_url}{OPEN_DATA_FOLDER}{kind}.json", "Dataset", "application/json", label),)
