"""Stories: lessons and themed walks whose steps move a live view beside the text."""

from .feature import STORIES
from .steps import Shortcode, StepText, parse_clock, split_steps

__all__ = ["STORIES", "Shortcode", "StepText", "parse_clock", "split_steps"]
