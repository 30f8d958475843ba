"""disan: a static-site builder for virtual museums."""

__version__ = "0.1.0"
