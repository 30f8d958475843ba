"""The province catalogue: relics and intangible heritage, and spreadsheets as a content source."""

from .feature import CATALOGUE
from .kinds import Heritage, Listed, Relic, is_located, listed_in, listed_of, zones_file

__all__ = ["CATALOGUE", "Heritage", "Listed", "Relic", "is_located", "listed_in", "listed_of", "zones_file"]
