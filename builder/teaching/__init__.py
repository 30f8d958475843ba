"""For teachers: on each tour, exhibit, relic and heritage page, a folded box with the iframe to
embed it in a lesson, the link to its single view and a printable sheet of its QR code."""

from .box import EMBED_FOLDER, embed_path, iframe_snippet, print_path, teacher_box
from .feature import TEACHING

__all__ = ["EMBED_FOLDER", "TEACHING", "embed_path", "iframe_snippet", "print_path", "teacher_box"]
