"""The province catalogue: relics and intangible heritage, and spreadsheets as a content source."""

from .feature import CATALOGUE
from .kinds import Heritage, Listed, Relic, listed_of

__all__ = ["CATALOGUE", "Heritage", "Listed", "Relic", "listed_of"]
