"""The registered features, in the order the stages call them.

3D models come before narration so that an exhibit card lists its model before its audio;
narration comes before tours, whose guided narrations it publishes with its own. The catalogue
comes after them: its rows enrich what the others read, and its menu items follow the tours'.
Deep zoom follows the catalogue, as it tiles the images of its relics and heritage too.
The map follows the catalogue, whose located items it shows; its rung of the policy ladder for
online tiles goes above every other but the stories'. Open data follows every kind it publishes,
and IIIF, whose manifests point to the open-data files, follows it; teaching follows the kinds it
embeds and prints. Stories follow every feature whose views they show, and add the widest rung
(frames of the site's own pages) on top of the map's. Search comes last of those, as it indexes
every other feature's entries; offline follows it, as its pack lists and its service worker's
version list what every other feature publishes.
"""

from .catalogue import CATALOGUE
from .deepzoom import DEEP_ZOOM
from .feature import Feature
from .iiif import IIIF
from .map import MAP
from .models3d import MODELS3D
from .narration import NARRATION
from .offline import OFFLINE
from .opendata import OPEN_DATA
from .search import SEARCH
from .stories import STORIES
from .teaching import TEACHING
from .tours import TOURS

FEATURES: tuple[Feature, ...] = (
    MODELS3D,
    NARRATION,
    TOURS,
    CATALOGUE,
    DEEP_ZOOM,
    MAP,
    OPEN_DATA,
    IIIF,
    TEACHING,
    STORIES,
    SEARCH,
    OFFLINE,
)
# The output folders other sites' viewers fetch with scripts: `_headers` and `disan serve` open them to every origin.
CROSS_ORIGIN_FOLDERS = frozenset(folder for feature in FEATURES for folder in feature.cross_origin_folders)
