"""The registered features, in the order the stages call them.

3D models come before narration so that an exhibit card lists its model before its audio;
narration comes before tours, whose guided narrations it publishes with its own. The catalogue
comes last: its rows enrich what the others read, and its menu items follow the tours'. Open data
follows every kind it publishes.
"""

from .catalogue import CATALOGUE
from .feature import Feature
from .models3d import MODELS3D
from .narration import NARRATION
from .opendata import OPEN_DATA
from .tours import TOURS

FEATURES: tuple[Feature, ...] = (MODELS3D, NARRATION, TOURS, CATALOGUE, OPEN_DATA)
