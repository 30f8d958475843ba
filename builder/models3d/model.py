"""The 3D model of an exhibit page: what validation learned about it, in the record later
stages need, and the annotations a curator pins on it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..diagnostics import Problems
from ..gltf import PACKER_VERSION, ModelReport
from ..model import ImageRef, Origin


@dataclass(frozen=True)
class Annotation:
    """A labelled point on the model's surface; the normal says from which side it is seen."""

    position: tuple[float, float, float]
    normal: tuple[float, float, float]
    label: str

    @property
    def position_attr(self) -> str:
        return " ".join(f"{v:g}m" for v in self.position)

    @property
    def normal_attr(self) -> str:
        return " ".join(f"{v:g}m" for v in self.normal)


@dataclass(frozen=True)
class ExhibitModel:
    source: Path
    digest: str  # of the model and every file it references
    max_texture: int
    triangles: int
    bytes: int
    decoders: tuple[str, ...]
    poster: ImageRef | None
    alt: str
    annotations: tuple[Annotation, ...]

    @property
    def key(self) -> str:
        """Names the packed .glb in the site: it changes when any input file or setting does."""
        return hashlib.sha256(f"{PACKER_VERSION}:{self.max_texture}:{self.digest}".encode()).hexdigest()[:16]

    @property
    def site_path(self) -> str:
        return f"media/{self.key}.glb"


def model_digest(report: ModelReport, digest_of) -> str:
    """One digest for a model spread over several files (.gltf, .bin, textures)."""
    return hashlib.sha256(":".join(digest_of(path) for path in report.files).encode()).hexdigest()


def parse_annotations(value: Any, where: Origin, problems: Problems) -> tuple[Annotation, ...]:
    """`annotations: [{position: [x, y, z], normal: [x, y, z], label: …}]`, in the model's metres."""
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.error(
            where.file,
            where.line,
            "model-annotations",
            "annotations must be a list",
            "write each one like: - { position: [0, 0.63, 0], normal: [0, 1, 0], label: Mặt trống }",
        )
        return ()
    found = []
    for index, item in enumerate(value, 1):
        line = getattr(item, "line", 0) or where.line
        if not isinstance(item, dict):
            problems.error(
                where.file,
                line,
                "model-annotations",
                f"annotation {index} is not a mapping",
                "write it like: - { position: [0, 0.63, 0], normal: [0, 1, 0], label: Mặt trống }",
            )
            continue
        position = _vector(item.get("position"))
        normal = _vector(item.get("normal", [0, 1, 0]))
        label = str(item.get("label") or "").strip()
        if position is None:
            problems.error(
                where.file,
                line,
                "model-annotation-position",
                f"annotation {index} needs a position of three numbers (metres, as in the model)",
                "click the spot in `disan serve`'s 3D view, or read it from your 3D editor: position: [0.12, 0.5, 0.3]",
            )
        if normal is None or normal == (0.0, 0.0, 0.0):
            problems.error(
                where.file,
                line,
                "model-annotation-normal",
                f"annotation {index}: normal must be three numbers, not all zero",
                "the normal points out of the surface, e.g. [0, 1, 0] for a spot on top",
            )
        if not label:
            problems.error(
                where.file,
                line,
                "model-annotation-label",
                f"annotation {index} has no label",
                "add 'label:': it is shown on the model and read by screen readers",
            )
        if position is not None and normal is not None and normal != (0.0, 0.0, 0.0) and label:
            found.append(Annotation(position, normal, label))
    return tuple(found)


def _vector(value: Any) -> tuple[float, float, float] | None:
    if isinstance(value, str):
        value = value.replace("m", " ").replace(",", " ").split()
    if not isinstance(value, list) or len(value) != 3:
        return None
    try:
        numbers = tuple(float(v) for v in value)
    except (TypeError, ValueError):
        return None
    return numbers if all(abs(v) < 1e6 for v in numbers) else None  # type: ignore[return-value]
