"""3D models of exhibits: glTF checked at `check` time, packed for phones, shown behind a poster."""

from .feature import DECODERS, MODEL_BUNDLE, MODELS3D, Models, models_of
from .model import Annotation, ExhibitModel, model_digest, parse_annotations

__all__ = [
    "DECODERS",
    "MODELS3D",
    "MODEL_BUNDLE",
    "Annotation",
    "ExhibitModel",
    "Models",
    "model_digest",
    "models_of",
    "parse_annotations",
]
