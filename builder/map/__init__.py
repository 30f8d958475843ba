"""The map: every located item and its protection zones on a page that works offline."""

from .feature import MAP

__all__ = ["MAP"]
