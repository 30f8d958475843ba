"""Search: every page of every kind in a Pagefind index, with Vietnamese folded both ways."""

from .feature import SEARCH, SEARCH_BUNDLE
from .index import SearchRecord, folded_words

__all__ = ["SEARCH", "SEARCH_BUNDLE", "SearchRecord", "folded_words"]
