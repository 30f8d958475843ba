"""IIIF Presentation 3 manifests of the museum's objects and places (see feature.py)."""

from .feature import IIIF
from .links import manifest_of, schema_subject

__all__ = ["IIIF", "manifest_of", "schema_subject"]
