"""3D models as a feature: the `model:` of an exhibit, relic or heritage is inspected at check
time, packed into one phone-sized .glb by the build (cached by content), and shown behind its
poster on the entry's page and in tour cards, with the 3D viewer and its decoders published
only by sites that use them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..assets import check_asset
from ..csp import MODEL, with_style_hashes
from ..diagnostics import Problem
from ..feature import OBJECT_KINDS, Feature, Keys, ProcessContext, SiteCheck, missing_bundle
from ..gltf import ModelError, ModelReport, PackResult, cached_pack_model, inspect_model, packed_model_in_cache
from ..jobs import run_missing
from ..model import Entry, ImageRef
from ..outputs import CopyFile, Output
from .model import ExhibitModel, model_digest, parse_annotations

if TYPE_CHECKING:
    from ..plan import Planner
    from ..render import Renderer
    from ..theme import Theme
    from ..validate import ValidatedSite

MODEL_SUFFIXES = {".glb", ".gltf"}
MODEL_BUNDLE = "vendor/model-viewer.js"
# model-viewer fetches its decoders by fixed file names inside one folder: the folder is
# versioned as a whole instead of file by file.
DECODERS = "vendor/decoders/"
MODEL_KEYS: Keys = Keys(
    frozenset({"model"}),
    {"model": {"src": None, "poster": None, "alt": None, "annotations": [{"position", "normal", "label"}]}},
)
Models = dict[tuple[str, str, str], ExhibitModel]  # the `ref` of an exhibit, relic or heritage → its model
Packed = dict[Path, PackResult]  # model source → its packed .glb


def packed_in_cache(source: Path, cache_dir: Path, root: Path, max_texture: int) -> PackResult | None:
    """The packed model if the cache has it; a model that cannot even be read goes to the packer,
    which says why."""
    try:
        return packed_model_in_cache(source, cache_dir, root, max_texture)
    except (OSError, ValueError):
        return None


def pack_or_problems(source: Path, cache_dir: Path, root: Path, max_texture: int) -> PackResult | list[Problem]:
    """Pack one model into the cache (in a worker, maybe on another machine); a model that
    cannot be packed comes back as its problems, named by its file in the site."""
    rel = source.relative_to(root).as_posix()
    try:
        return cached_pack_model(source, cache_dir, root, max_texture)
    except ModelError as exc:
        return [p.to_problem(rel, 0, rel) for p in exc.problems]
    except (OSError, ValueError) as exc:  # e.g. a texture whose header is fine but whose pixels are not
        hint = "open it in a 3D editor (e.g. Blender) and export it again as .glb"
        return [Problem(rel, 0, "error", "model-pack", f"the model cannot be packed: {exc}", hint)]


def models_of(results: dict[str, Any]) -> Models:
    models: Models = results.setdefault(Models3dFeature.name, {})
    return models


class Models3dFeature(Feature):
    name = "models3d"
    extends = dict.fromkeys(OBJECT_KINDS, MODEL_KEYS)
    static_folders = (DECODERS,)

    def validate(self, check: SiteCheck) -> None:
        """Translations share the model file, so it is inspected once; each language has its own
        alt text, poster and annotation labels. An untranslated page shows the original's."""
        models = models_of(check.results)
        inspected: dict[str, ModelReport | None] = {}
        default = check.model.config.default_language
        for kind in self.extends:
            for by_lang in check.model.of_kind(kind).values():
                for entry in by_lang.values():
                    spec = entry.meta.get("model")
                    original = (kind, entry.slug, default)
                    if spec is not None and (entry.lang == default or entry.translated):
                        found = _check_model(entry, spec, check, inspected)
                        if found is not None:
                            models[entry.ref] = found
                    elif original in models:
                        models[entry.ref] = models[original]

    def missing_viewer(self, site: ValidatedSite, theme: Theme) -> Problem | None:
        return missing_bundle(theme, MODEL_BUNDLE, "3D viewer") if models_of(site.results) else None

    def unused_static(self, site: ValidatedSite, name: str) -> bool:
        """The 3D viewer and its decoders (2.4 MB) are published only by sites that show a model."""
        return not models_of(site.results) and (
            name.startswith(DECODERS) or name.startswith(("vendor/model-viewer.", "vendor/model."))
        )

    def policies(self, site: ValidatedSite, theme: Theme, ladder: tuple[str, ...]) -> tuple[str, ...]:
        bundle = theme.static_files().get(MODEL_BUNDLE)
        if not models_of(site.results) or bundle is None:
            return ladder
        return (*ladder[:MODEL], with_style_hashes(ladder[MODEL], bundle), *ladder[MODEL + 1 :])

    def policy(self, site: ValidatedSite, page_kind: str) -> int:
        """The 3D policy in _headers for the pages of a kind when one of them shows a model; a tour
        opens its exhibits' cards, so it takes it when an exhibit has one; an object's embed as its page."""
        shown_on = {"tour": "exhibit", "tour-embed": "exhibit"}.get(page_kind, page_kind.removesuffix("-embed"))
        return MODEL if any(kind == shown_on for kind, _, _ in models_of(site.results)) else 0

    def process(self, site: ValidatedSite, context: ProcessContext) -> tuple[Packed, list[Problem]]:
        """Each model once, into one .glb with phone-sized textures, through the build's executor;
        cached across builds. The first model that cannot be packed stops the build."""
        sources = sorted({m.source: m.max_texture for m in models_of(site.results).values()}.items())
        calls = [(source, context.cache_dir / "models", context.root, max_texture) for source, max_texture in sources]
        results: list[PackResult | list[Problem]] = [[] for _ in sources]
        made = run_missing(context.executor, packed_in_cache, pack_or_problems, calls)
        for done, (index, result) in enumerate(made, 1):
            results[index] = result
            if context.progress:
                context.progress("models", done, len(sources))
        failures = next((r for r in results if isinstance(r, list) and r), [])
        packed = {source: r for (source, _), r in zip(sources, results, strict=True) if isinstance(r, PackResult)}
        return packed, failures

    def image_refs(self, site: ValidatedSite) -> Iterable[ImageRef]:
        return [m.poster for m in models_of(site.results).values() if m.poster]

    def entry_deps(self, planner: Planner, entry: Entry) -> object:
        model = models_of(planner.site.results).get(entry.ref)
        return (model.key, planner.image_keys([model.poster])) if model else ""

    def entry_facts(self, planner: Planner) -> object:
        models = models_of(planner.site.results).items()
        return sorted((ref, model.key, planner.image_keys([model.poster])) for ref, model in models)

    def plan(self, planner: Planner) -> list[Output]:
        packed: Packed = planner.processed[self.name]
        unique = {m.key: m for m in models_of(planner.site.results).values()}
        return [
            Output(m.site_path, m.key, CopyFile(packed[m.source].path))
            for m in sorted(unique.values(), key=lambda m: m.key)
        ]

    def entry_context(self, renderer: Renderer, entry: Entry) -> dict[str, Any]:
        if entry.kind not in self.extends:
            return {}
        model = _model_view(renderer, entry)
        return {"model": model, "csp": renderer.plan.policies[MODEL]} if model else {"model": None}

    def card_viewers(
        self, renderer: Renderer, lang: str, rel: Callable[[str], str], cards: list[dict[str, Any]]
    ) -> tuple[dict[str, Any], int]:
        if not any("model" in card for card in cards):
            return {}, 0
        strings = renderer.strings[lang]
        viewer = {
            "viewer": rel(renderer.plan.static_urls[MODEL_BUNDLE]),
            "decoders": rel(renderer.plan.static_urls[DECODERS]),
            "strings": {k[6:]: v for k, v in strings.items() if k.startswith("model_")},
        }
        return {"model_viewer": viewer}, MODEL

    def card_media(self, renderer: Renderer, entry: Entry, rel: Callable[[str], str]) -> dict[str, Any]:
        model = _model_view(renderer, entry)
        if not model:
            return {}
        return {
            "model": {
                "src": rel(model["src"]),
                "alt": model["alt"],
                "size": model["size"],
                "poster": rel(model["poster"]["fallback"]) if model["poster"] else None,
                "annotations": [
                    {"position": a.position_attr, "normal": a.normal_attr, "label": a.label}
                    for a in model["annotations"]
                ],
            }
        }


def _model_view(renderer: Renderer, entry: Entry) -> dict[str, Any] | None:
    found = models_of(renderer.site.results).get(entry.ref)
    if found is None:
        return None
    packed: Packed = renderer.plan.processed[Models3dFeature.name]
    size = packed[found.source].bytes_after
    megabytes, triangles = f"{size / 1e6:.1f}" if size >= 100_000 else f"{size / 1e6:.2f}", f"{found.triangles:,}"
    if entry.lang != "en":  # Vietnamese writes 1,5 MB and 17.456
        megabytes, triangles = megabytes.replace(".", ","), triangles.replace(",", ".")
    return {
        "src": found.site_path,
        "alt": found.alt,
        "size": f"{megabytes} MB",
        "triangles": triangles,
        "poster": renderer.picture(found.poster) if found.poster else None,
        "annotations": found.annotations,
    }


def _check_model(
    entry: Entry, spec: Any, check: SiteCheck, inspected: dict[str, ModelReport | None]
) -> ExhibitModel | None:
    """A 3D model that would not load on a visitor's phone is an error at its `model:` line."""
    where = entry.origin_of("model")
    config, problems = check.model.config, check.problems
    if not isinstance(spec, dict) or not spec.get("src"):
        problems.error(
            where.file,
            where.line,
            "model-format",
            "model needs a 'src' file",
            "write it like: model: { src: assets/models/x.glb, poster: assets/images/x.jpg, alt: … }",
        )
        return None
    src = str(spec["src"])
    if src not in inspected:
        path = check_asset(src, where.file, where.line, config.root, MODEL_SUFFIXES, "model", problems)
        report = inspect_model(path, config.root, config.max_image_pixels) if path is not None else None
        if report is not None:
            problems.extend(p.to_problem(where.file, where.line, src) for p in report.problems)
        inspected[src] = report if report is not None and report.ok else None
    report = inspected[src]
    poster = None
    if spec.get("poster"):
        poster = ImageRef(str(spec["poster"]), str(spec.get("alt") or ""), origin=where)
        check.check_image(poster)
    if not spec.get("alt"):
        problems.warning(
            where.file,
            where.line,
            "model-alt",
            "the 3D model has no alt text",
            "add 'alt:' to model, describing the object for visitors who cannot see it",
        )
    annotations = parse_annotations(spec.get("annotations"), where, problems)
    if report is None:
        return None
    return ExhibitModel(
        report.path,
        model_digest(report, check.assets.digest),
        config.max_texture,
        report.triangles,
        report.bytes,
        report.decoders,
        poster,
        str(spec.get("alt") or ""),
        annotations,
    )


MODELS3D = Models3dFeature()
