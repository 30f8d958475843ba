"""Offline: the web app manifest, the service worker, the offline page, "save for offline" pack
lists for tours and collections, and the kiosk build (`disan build --kiosk`)."""

from .feature import OFFLINE

__all__ = ["OFFLINE"]
