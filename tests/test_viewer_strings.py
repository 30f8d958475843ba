"""The tour viewer's text has one source, the theme's i18n files, so a site can override any of it;
its zoom range is the one `check` enforces."""

from __future__ import annotations

import re
import tomllib

import pytest

from builder.tours import MAX_FOV, MIN_FOV
from tests.conftest import REPO

THEME = REPO / "themes/default"
VIEWER_SOURCES = sorted((THEME / "viewer").glob("*.js"))


def _viewer_string_keys() -> set[str]:
    """Every `S.key` the viewer's sources read (S is the page's strings, see viewer/i18n.js)."""
    keys: set[str] = set()
    for source in VIEWER_SOURCES:
        keys.update(re.findall(r"\bS\.([a-z_]+)\b", source.read_text(encoding="utf-8")))
    return keys


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_viewer_string_is_in_the_theme_i18n_file(lang: str) -> None:
    strings = tomllib.loads((THEME / "i18n" / f"{lang}.toml").read_text(encoding="utf-8"))
    model_keys = {"ar", "failed", "levels", "prompt", "ready", "view", "views"}  # a card's 3D model: model_* keys
    missing = sorted(key for key in _viewer_string_keys() - model_keys if f"tour_{key}" not in strings)
    assert not missing, f"i18n/{lang}.toml lacks tour_{', tour_'.join(missing)}"
    missing_model = sorted(key for key in model_keys if f"model_{key}" not in strings)
    assert not missing_model, f"i18n/{lang}.toml lacks model_{', model_'.join(missing_model)}"


def test_the_viewer_has_no_built_in_text() -> None:
    """Strings written into the bundle could not be overridden by a site."""
    for source in VIEWER_SOURCES:
        text = source.read_text(encoding="utf-8")
        assert "Thoát toàn màn hình" not in text and "Exit full screen" not in text, source.name


def test_check_accepts_exactly_the_fov_range_the_viewer_shows() -> None:
    """`check` must refuse a view the viewer would silently clamp (issue 13: one range, checked)."""
    util = (THEME / "viewer" / "util.js").read_text(encoding="utf-8")
    shown = {name: float(value) for name, value in re.findall(r"export const (M(?:IN|AX)_FOV) = ([\d.]+);", util)}
    assert shown == {"MIN_FOV": MIN_FOV, "MAX_FOV": MAX_FOV}
