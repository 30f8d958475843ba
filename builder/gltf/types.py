"""Shared records, constants and small helpers of the glTF engine (inspect, validate, pack)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeGuard

from ..diagnostics import Problem

#: Bump when the packed output for the same input and settings changes: part of the cache key.
PACKER_VERSION = 1
JPEG_QUALITY = 85  # visually clean on scans at 2048 px; ~25% smaller than 92
WEBP_QUALITY = 85

#: Extensions <model-viewer> 4 can load, so a model may list them in ``extensionsRequired``.
#: Source: the ``EXTENSIONS`` table of three.js' GLTFLoader (examples/jsm/loaders/GLTFLoader.js,
#: r16x-r17x, the revisions model-viewer 4.x bundles), minus the glTF 1.0 ``KHR_binary_glTF``,
#: plus ``KHR_materials_variants``, which model-viewer adds with its own loader plugin
#: (packages/model-viewer/src/three-components/gltf-instance/VariantMaterialLoaderPlugin.ts).
#: model-viewer wires the Draco and KTX2 loaders into GLTFLoader (CachingGLTFLoader.ts) and the
#: meshopt decoder once ``meshoptDecoderLocation`` is set.  Not here on purpose:
#: ``KHR_materials_pbrSpecularGlossiness`` (removed from three.js in r147) and
#: ``KHR_meshopt_compression`` (not in three.js' table yet).
MODEL_VIEWER_EXTENSIONS = frozenset(
    {
        "KHR_draco_mesh_compression",
        "KHR_lights_punctual",
        "KHR_materials_anisotropy",
        "KHR_materials_clearcoat",
        "KHR_materials_dispersion",
        "KHR_materials_emissive_strength",
        "KHR_materials_ior",
        "KHR_materials_iridescence",
        "KHR_materials_sheen",
        "KHR_materials_specular",
        "KHR_materials_transmission",
        "KHR_materials_unlit",
        "KHR_materials_variants",
        "KHR_materials_volume",
        "KHR_mesh_quantization",
        "KHR_texture_basisu",
        "KHR_texture_transform",
        "EXT_materials_bump",
        "EXT_mesh_gpu_instancing",
        "EXT_meshopt_compression",
        "EXT_texture_avif",
        "EXT_texture_webp",
    }
)

#: Extensions whose data model-viewer decodes with a separate decoder script.  By default
#: model-viewer fetches the Draco and KTX2 decoders from a Google CDN and has no meshopt
#: decoder at all: a site that must work offline has to ship them and set
#: ``ModelViewerElement.dracoDecoderLocation`` / ``ktx2TranscoderLocation`` /
#: ``meshoptDecoderLocation``.  ``ModelReport.decoders`` names the ones a model needs.
DECODER_OF_EXTENSION = {
    "KHR_draco_mesh_compression": "draco",
    "EXT_meshopt_compression": "meshopt",
    "KHR_texture_basisu": "ktx2",
}

#: Texture extensions whose ``source`` may point at a non-PNG/JPEG image, and that image's format.
TEXTURE_SOURCE_EXTENSIONS = {
    "KHR_texture_basisu": "ktx2",
    "EXT_texture_webp": "webp",
    "EXT_texture_avif": "avif",
}
MIME_TYPES = {
    "png": "image/png",
    "jpeg": "image/jpeg",
    "ktx2": "image/ktx2",
    "webp": "image/webp",
    "avif": "image/avif",
}
CORE_IMAGE_FORMATS = frozenset({"png", "jpeg"})

GLB_MAGIC = b"glTF"
CHUNK_JSON = 0x4E4F534A
CHUNK_BIN = 0x004E4942
COMPONENT_SIZES = {5120: 1, 5121: 1, 5122: 2, 5123: 2, 5125: 4, 5126: 4}
TYPE_COMPONENTS = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4, "MAT2": 4, "MAT3": 9, "MAT4": 16}
SPARSE_INDEX_TYPES = {5121: 1, 5123: 2, 5125: 4}

Severity = Literal["error", "warning"]

#: A JSON object of the model as parsed: its values are whatever the file holds, so every rule
#: checks a value's type before using it (``_is_int``, ``isinstance``).
JsonObject = dict[str, Any]


# --------------------------------------------------------------------------- public records


@dataclass(frozen=True)
class ModelProblem:
    """One thing wrong with a model, located inside it.

    ``pointer`` is a JSON pointer into the glTF JSON (``/accessors/3/count``) or the name of
    a GLB part (``GLB header``, ``GLB JSON chunk``, ``GLB BIN chunk``), or ``JSON`` for a
    syntax error in a ``.gltf`` file, or ``file`` when the model file itself cannot be read.
    """

    pointer: str
    message: str
    hint: str = ""
    severity: Severity = "error"

    def as_text(self) -> str:
        return f"{self.pointer}: {self.message}" if self.pointer else self.message

    def to_problem(self, file: str, line: int, model: str, code: str = "model-invalid") -> Problem:
        """The site-level Problem: reported at the Markdown line that names ``model``."""
        return Problem(file, line, self.severity, code, f"{model}: {self.as_text()}", self.hint)


@dataclass(frozen=True)
class TextureInfo:
    """One image of the model: where it is, its pixel size and its format (png, jpeg, ...)."""

    pointer: str  # /images/<i>
    width: int
    height: int
    format: str


@dataclass(frozen=True)
class ModelReport:
    """What ``inspect_model`` found.  ``problems`` is empty for a model viewers will load."""

    path: Path
    problems: tuple[ModelProblem, ...] = ()
    triangles: int = 0
    bytes: int = 0  # the model file plus every external file it references
    textures: tuple[TextureInfo, ...] = ()
    extensions_required: tuple[str, ...] = ()
    extensions_used: tuple[str, ...] = ()
    draco: bool = False  # some primitive uses KHR_draco_mesh_compression
    meshopt: bool = False  # some buffer view uses EXT_meshopt_compression
    files: tuple[Path, ...] = ()  # every input file (the model first): for caching and live reload

    @property
    def errors(self) -> list[ModelProblem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[ModelProblem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def decoders(self) -> tuple[str, ...]:
        """Decoder scripts the page must make available locally: ``draco``, ``ktx2``, ``meshopt``."""
        names = set(self.extensions_used) | set(self.extensions_required)
        return tuple(sorted({DECODER_OF_EXTENSION[n] for n in names if n in DECODER_OF_EXTENSION}))


@dataclass(frozen=True)
class ResizedTexture:
    pointer: str  # /images/<i>
    before: tuple[int, int]
    after: tuple[int, int]
    format: str


@dataclass(frozen=True)
class PackResult:
    """The packed ``.glb`` and what packing did."""

    path: Path
    triangles: int
    bytes_before: int  # model file + external files
    bytes_after: int
    textures_resized: tuple[ResizedTexture, ...] = ()
    rewritten: bool = True  # False: the input .glb was copied byte for byte
    notes: tuple[str, ...] = ()  # things packing could not do (e.g. a KTX2 texture left large)

    def to_json(self) -> JsonObject:
        return {
            "packer_version": PACKER_VERSION,
            "triangles": self.triangles,
            "bytes_before": self.bytes_before,
            "bytes_after": self.bytes_after,
            "textures_resized": [
                {"pointer": t.pointer, "before": list(t.before), "after": list(t.after), "format": t.format}
                for t in self.textures_resized
            ],
            "rewritten": self.rewritten,
            "notes": list(self.notes),
        }

    @classmethod
    def from_json(cls, data: JsonObject, path: Path) -> PackResult:
        if data.get("packer_version") != PACKER_VERSION:
            raise ValueError("made by another packer version")
        return cls(
            path=path,
            triangles=int(data["triangles"]),
            bytes_before=int(data["bytes_before"]),
            bytes_after=int(data["bytes_after"]),
            textures_resized=tuple(
                ResizedTexture(t["pointer"], tuple(t["before"]), tuple(t["after"]), t["format"])
                for t in data["textures_resized"]
            ),
            rewritten=bool(data["rewritten"]),
            notes=tuple(data["notes"]),
        )


class ModelError(Exception):
    """``pack_model`` refused a model with errors; ``problems`` says why (as ``inspect_model`` would)."""

    def __init__(self, problems: list[ModelProblem] | tuple[ModelProblem, ...]):
        self.problems = tuple(problems)
        first = self.problems[0].as_text() if self.problems else "invalid model"
        super().__init__(f"{len(self.problems)} error(s) in the model, first: {first}")


# --------------------------------------------------------------------------- small helpers


def _ptr(*parts: object) -> str:
    """A JSON pointer (RFC 6901) from path parts."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _is_int(value: object) -> TypeGuard[int]:
    """An integer of the JSON (``true`` is a bool in Python, and bool is a subclass of int)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _as_list(value: object) -> list[Any]:
    """``value`` if it is a JSON array, else an empty one (the rules report wrong types where it matters)."""
    return value if isinstance(value, list) else []


def _as_object(value: object) -> JsonObject:
    """``value`` if it is a JSON object, else an empty one (the rules report wrong types where it matters)."""
    return value if isinstance(value, dict) else {}


def _internal_error(doing: str, exc: Exception) -> ModelProblem:
    """A bug of ours met while ``doing`` something to a model: reported like a problem, so the build goes on."""
    return ModelProblem(
        "file",
        f"internal error while {doing} the model: {type(exc).__name__}: {exc}",
        "please report this to the disan developers, with the model",
    )


def _align4(n: int) -> int:
    return (n + 3) & ~3


def _element_size(component_size: int, type_: str) -> int:
    """Bytes of one accessor element, with the column padding of MAT2/MAT3 (spec 3.6.2.4)."""
    if type_.startswith("MAT"):
        n = int(type_[3])
        return n * _align4(n * component_size)
    return TYPE_COMPONENTS[type_] * component_size


def _human(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 1_000_000 else f"{n / 1000:.0f} KB" if n >= 1000 else f"{n} B"


def _site_path(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` for messages and cache keys, or as is when it is elsewhere."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
