"""The viewer's sources by concern, and `disan serve`'s authoring aids outside the published bundle."""

from __future__ import annotations

import pytest

from tests.conftest import REPO

THEME = REPO / "themes/default"


def test_no_viewer_source_is_over_900_lines() -> None:
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in (THEME / "viewer").glob("*.js")}
    assert max(sizes.values()) <= 900, sizes


def test_the_published_tour_bundle_has_no_authoring_code() -> None:
    bundle = THEME / "static/vendor/tour"
    if not (bundle / "tour.js").is_file():
        pytest.skip("the viewer is not built (cd themes/default && npm run build)")
    for chunk in bundle.glob("*.js"):
        assert "tour-authoring-yaml" not in chunk.read_text(encoding="utf-8"), chunk.name
    assert "tour-authoring-yaml" in (THEME / "live/authoring.js").read_text(encoding="utf-8")
