"""Open data as a feature: the dataset files and their DCAT-AP description, the human page that
lists them (/open-data/ in every language), and Schema.org JSON-LD in every page's head."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..config import setting_line
from ..diagnostics import Problem
from ..feature import Feature, PageContext, ProcessContext, SiteCheck
from ..markup import inline_json
from ..outputs import Output, TextFile, key_of
from ..urls import lang_prefix
from .datasets import FOLDER, Dataset, datasets, modified, title, valid_date
from .dcat import CATALOG_FILE, catalog
from .records import published_kinds
from .schema import structured_data
from .settings import TABLE, open_data_settings

if TYPE_CHECKING:
    from ..config import SiteConfig
    from ..model import ContentModel
    from ..plan import Planner
    from ..render import Renderer
    from ..validate import ValidatedSite


def page_url(config: SiteConfig, lang: str) -> str:
    return lang_prefix(config, lang) + FOLDER


class OpenDataFeature(Feature):
    name = "opendata"
    page_kinds = {"open-data": ""}
    settings_table = TABLE  # kept as written

    def validate(self, check: SiteCheck) -> None:
        setting = open_data_settings(check.model.config).get("modified")
        if setting is not None and not valid_date(setting):
            check.problems.error(
                "site.toml",
                setting_line(check.model.config.root / "site.toml", "open_data", "modified"),
                "open-data-modified",
                f"[open_data] modified {setting!r} is not a date",
                "write the date the published data last changed as year-month-day: modified = 2026-12-01",
            )

    def process(self, site: ValidatedSite, context: ProcessContext) -> tuple[list[Dataset], list[Problem]]:
        """The dataset files, made once per build: the plan publishes them, the open-data page
        gives their sizes (10,000 relics take about a second, so unchanged kinds come from the cache)."""
        from ..plan import CODE_DIGEST  # the plan stage imports every feature: read its digest when it runs

        return datasets(site.model, context.cache_dir, CODE_DIGEST), []

    def plan(self, planner: Planner) -> list[Output]:
        model = planner.model
        config = model.config
        found: list[Dataset] = planner.processed[self.name]
        if not found:
            return []
        files = [file for dataset in found for file in dataset.distributions]
        outputs = [Output(file.path, key_of(file.digest), TextFile(file.content.decode("utf-8"))) for file in files]
        description = inline_json(catalog(config, found, modified(model)))
        outputs.append(Output(CATALOG_FILE, key_of(description), TextFile(description + "\n")))
        deps = [file.digest for file in files] + [modified(model)]
        for lang in config.languages:
            outputs.append(planner.page("open_data.html", lang, "open-data", "", page_url(config, lang), deps))
        return outputs

    def shared_deps(self, model: ContentModel) -> object:
        return published_kinds(model)  # the menu links to the open-data page

    def nav(self, renderer: Renderer, lang: str) -> list[dict[str, str]]:
        if not published_kinds(renderer.model):
            return []
        title_text = renderer.strings[lang].get("nav_open_data", "Open data")
        return [{"title": title_text, "lang": lang, "url": page_url(renderer.model.config, lang)}]

    def page_context(self, renderer: Renderer, kind: str, slug: str, lang: str, url: str) -> PageContext | None:
        if kind != "open-data":
            return None
        model = renderer.model
        return PageContext(
            None,
            {
                "datasets": [
                    {
                        "title": title(dataset.title_key, lang),
                        "count": dataset.count,
                        "files": [
                            {"url": file.path, "format": file.format_name, "size": _size(len(file.content), lang)}
                            for file in dataset.distributions
                        ],
                    }
                    for dataset in renderer.plan.processed[self.name]
                ],
                "catalog_url": CATALOG_FILE,
                "modified": modified(model),
            },
        )

    def head(self, renderer: Renderer, context: dict[str, Any]) -> str:
        data = structured_data(renderer.model, context)
        return f'<script type="application/ld+json">{inline_json(data)}</script>\n' if data else ""


def _size(count: int, lang: str) -> str:
    """A file size for people: 12.3 kB (12,3 kB in Vietnamese, which writes a decimal comma)."""
    text = f"{count / 1000:.1f} kB" if count >= 1000 else f"{count} B"
    return text.replace(".", ",") if lang == "vi" else text


OPEN_DATA = OpenDataFeature()
