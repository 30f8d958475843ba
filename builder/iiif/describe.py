"""What an entry's manifest says, gathered from the site: its titles and summaries in every
language it was written in, the facts table keyed as on its page, the attribution, its pages, its
open-data file and one canvas per photograph, with the theme's words for every label."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from ..catalogue.kinds import Listed
from ..catalogue.render import fact_rows
from ..model import Entry, ImageRef
from ..opendata.datasets import FOLDER as OPEN_DATA_FOLDER
from ..opendata.datasets import title as dataset_title
from ..opendata.records import published_kinds
from .links import Illustrated
from .manifest import CanvasImage, LangMap, Link, Manifest, image_resource, manifest_path, rights_uri

if TYPE_CHECKING:
    from ..plan import Planner

# An image's deep-zoom IIIF Image API service, absolute, or '': the seam for the tiles feature.
ServiceOf = Callable[[ImageRef], str]


def describe(
    planner: Planner, by_lang: Mapping[str, Illustrated], service_of: ServiceOf, see_also: tuple[Link, ...]
) -> Manifest:
    """`see_also`: the open-data file of the entry's kind (`open_data_links`)."""
    config = planner.model.config
    default = by_lang[config.default_language]
    written = {  # a fallback page shows the original's words: they are not the language's
        lang: entry for lang, entry in by_lang.items() if entry.translated or lang == config.default_language
    }

    def each_written(text: Callable[[Illustrated], str]) -> LangMap:
        return tuple((lang, (text(entry),)) for lang, entry in written.items() if text(entry))

    def title_in(entry: Entry) -> LangMap:
        return ((entry.lang if entry.translated else config.default_language, (entry.title,)),)

    canvases = []
    for number, ref in enumerate(default.images):
        image = planner.images[(ref.src, ref.credit)]
        largest = image_resource(config.base_url, image.jpeg[-1], service_of(ref))
        canvases.append(
            CanvasImage(each_written(_caption(number)), largest, image_resource(config.base_url, image.jpeg[0]))
        )
    return Manifest(
        url=config.base_url + manifest_path(default.id),
        label=each_written(lambda entry: entry.title),
        summary=each_written(lambda entry: entry.summary),
        metadata=_metadata(planner, default, written),
        rights=rights_uri(config.license),
        attribution=(_each_language(planner, "credits"), _attribution(planner, by_lang, written)),
        homepages=tuple(
            Link(config.base_url + planner.page_url(entry), "Text", "text/html", title_in(entry), lang)
            for lang, entry in by_lang.items()
        ),
        see_also=see_also,
        canvases=tuple(canvases),
    )


def _each_language(planner: Planner, key: str) -> LangMap:
    """A theme string in every language of the site."""
    return tuple((lang, (planner.strings(lang).get(key, key),)) for lang in planner.model.config.languages)


def _metadata(
    planner: Planner, default: Illustrated, written: Mapping[str, Illustrated]
) -> tuple[tuple[LangMap, LangMap], ...]:
    """The facts table's rows in the default language's order, each value in the languages it is written in."""
    rows = {lang: dict(_facts(planner, entry)) for lang, entry in written.items()}
    return tuple(
        (
            _each_language(planner, f"fact_{key}"),
            tuple((lang, (rows[lang][key],)) for lang in written if key in rows[lang]),
        )
        for key, _ in _facts(planner, default)
    )


def _caption(number: int) -> Callable[[Illustrated], str]:
    """An image's caption, or its description when it has none, in an entry's language."""

    def caption(entry: Illustrated) -> str:
        ref = entry.images[number] if number < len(entry.images) else None
        return (ref.caption or ref.alt) if ref else ""

    return caption


def _facts(planner: Planner, entry: Illustrated) -> list[tuple[str, str]]:
    """The facts table as on the entry's page, by key, in the entry's language: its code first."""
    if isinstance(entry, Listed):
        return [("id", entry.id), *fact_rows(planner.strings(entry.lang), entry)]
    collection = planner.model.collections.get(entry.collection, {}).get(entry.lang)
    shown = [("id", entry.id), *((key, value) for key, value in entry.facts if value)]
    return shown + ([("collection", collection.title)] if collection else [])


def _attribution(planner: Planner, by_lang: Mapping[str, Illustrated], written: Mapping[str, Illustrated]) -> LangMap:
    """The museum, the photographs' credits and the licence in every language. Credits are
    names, quoted as written: a language without its own carries the original's, since a viewer
    shows one language and the attribution must always be there."""
    config = planner.model.config
    default = by_lang[config.default_language]
    made = []
    for lang in config.languages:
        entry = written.get(lang, default)
        credits = dict.fromkeys(ref.credit for ref in entry.images if ref.credit)
        license_name = config.text("license", lang)
        licence = [f"{planner.strings(lang).get('license', 'License')}: {license_name}"] if license_name else []
        made.append((lang, (config.text("title", lang), *credits, *licence)))
    return tuple(made)


def open_data_links(planner: Planner, kind: str) -> tuple[Link, ...]:
    """The open-data JSON file that holds the entry's record, when the site publishes its kind."""
    if kind not in published_kinds(planner.model):
        return ()
    config = planner.model.config
    label = tuple((lang, (dataset_title(kind, lang),)) for lang in config.languages)
    return (Link(f"{config.base_url}{OPEN_DATA_FOLDER}{kind}.json", "Dataset", "application/json", label),)
