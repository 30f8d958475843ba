"""Coordinates: WGS84 degrees as written, or VN-2000 projected x/y converted to WGS84.

A province's surveys give VN-2000 coordinates in metres on a transverse Mercator grid (zone
width 3°, scale 0.9999, false easting 500 km) around the province's central meridian; x is the
northing and y the easting, as Vietnamese surveyors write them. The conversion is two steps
with PROJ (through pyproj): the grid back to VN-2000 latitude and longitude, then the EPSG:6960
transformation "VN-2000 to WGS 84 (2)" (the seven parameters of Decision 05/2007/QĐ-BTNMT).
A catalogue says which grid: `crs = "VN-2000"` with `central_meridian = 105.75`, or an EPSG
code of a VN-2000 projected system such as `crs = "EPSG:9210"`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..diagnostics import InputError

VN2000_TO_WGS84 = "urn:ogc:def:coordinateOperation:EPSG::6960"
VN2000_GEOGRAPHIC = "EPSG:4756"
# Vietnam with its islands (Hoàng Sa, Trường Sa), with a margin
VIETNAM = (6.0, 24.0, 101.5, 118.0)  # south, north, west, east


@dataclass(frozen=True)
class Grid:
    """How a catalogue's coordinates are written: WGS84 degrees, or a VN-2000 grid."""

    crs: str = "WGS84"  # WGS84 | VN-2000 | EPSG:nnnn
    central_meridian: float = 0.0

    @property
    def projected(self) -> bool:
        return self.crs != "WGS84"


def read_grid(table: dict[str, Any]) -> Grid:
    """The grid a [[catalogue]] table names; raises InputError for one disan cannot convert."""
    crs = str(table.get("crs", "WGS84")).strip()
    if crs.upper() in ("WGS84", "WGS 84", "EPSG:4326"):
        return Grid()
    if crs.upper() in ("VN-2000", "VN2000"):
        meridian = table.get("central_meridian")
        if not isinstance(meridian, (int, float)) or isinstance(meridian, bool) or not 101.0 <= meridian <= 118.0:
            raise InputError(
                'crs = "VN-2000" needs the province\'s central meridian',
                "add for example: central_meridian = 105.75 (the province's kinh tuyến trục, in degrees)",
            )
        return Grid("VN-2000", float(meridian))
    if crs.upper().startswith("EPSG:"):
        try:
            _epsg_to_vn2000(crs.upper())
        except Exception as exc:  # pyproj's errors name the code; ours says what to do
            raise InputError(
                f"'{crs}' is not a VN-2000 projected system PROJ knows",
                'use a VN-2000 / TM-3 code such as EPSG:9210, or crs = "VN-2000" with central_meridian',
            ) from exc
        return Grid(crs.upper())
    raise InputError(
        f"unknown crs '{crs}'",
        'write crs = "WGS84" (degrees), crs = "VN-2000" with central_meridian = …, or an EPSG code like "EPSG:9210"',
    )


def to_wgs84(grid: Grid, first: float, second: float) -> tuple[float, float]:
    """(latitude, longitude) in WGS84 degrees from a latitude/longitude pair or a VN-2000 x (north), y (east)."""
    if not grid.projected:
        return first, second
    if grid.crs == "VN-2000":
        to_geographic = _tm3(grid.central_meridian)
    else:
        to_geographic = _epsg_to_vn2000(grid.crs)
    longitude, latitude = to_geographic.transform(second, first)
    latitude, longitude = _helmert().transform(latitude, longitude)
    return latitude, longitude


def outside_vietnam(latitude: float, longitude: float) -> bool:
    south, north, west, east = VIETNAM
    return not (south <= latitude <= north and west <= longitude <= east)


@lru_cache(maxsize=8)
def _tm3(meridian: float) -> Any:
    """VN-2000 TM-3 grid → VN-2000 longitude, latitude (the datum's ellipsoid is WGS 84's)."""
    from pyproj import Transformer

    return Transformer.from_pipeline(
        f"+proj=pipeline +step +inv +proj=tmerc +lat_0=0 +lon_0={meridian} +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84"
    )


@lru_cache(maxsize=8)
def _epsg_to_vn2000(code: str) -> Any:
    from pyproj import CRS, Transformer

    crs = CRS.from_user_input(code)
    if not crs.is_projected or crs.geodetic_crs is None or crs.geodetic_crs.to_epsg() != 4756:
        raise ValueError(f"{code} is not a VN-2000 projected system")
    return Transformer.from_crs(crs, VN2000_GEOGRAPHIC, always_xy=True)


@lru_cache(maxsize=1)
def _helmert() -> Any:
    """EPSG:6960 as PROJ defines it: VN-2000 latitude, longitude → WGS 84 latitude, longitude."""
    from pyproj import Transformer

    return Transformer.from_pipeline(VN2000_TO_WGS84)
