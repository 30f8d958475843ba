"""Open data: the catalogue as CSV, JSON and GeoJSON files with a DCAT-AP description, and
Schema.org JSON-LD with Open Graph cards on the pages, so portals and search engines can link to
every record by its permanent id."""

from .feature import OPEN_DATA

__all__ = ["OPEN_DATA"]
