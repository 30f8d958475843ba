"""The demo museum builds to the same bytes as recorded: a guard for moves that should change nothing.

A refactor (a module split, a new feature room) must leave every published file as it was.
When a change is meant to alter the output, record the new sums and commit them with it:

    DISAN_WRITE_CHECKSUMS=1 .venv/bin/python -m pytest tests/test_demo_bytes.py

Encoders decide the bytes of images and audio, so the sums are only compared under the
library versions they were recorded with (the file's first line); other versions skip.
"""

from __future__ import annotations

import os
from importlib.metadata import version
from pathlib import Path

import pytest
import pyvips

from builder.write import MANIFEST
from tests.helpers import tree_digest

CHECKSUMS = Path(__file__).parent / "demo-checksums.txt"


def _encoders() -> str:
    libvips = ".".join(str(pyvips.version(i)) for i in range(3))
    return (
        f"# pillow {version('pillow')}, libvips {libvips}, lameenc {version('lameenc')}, "
        f"zxing-cpp {version('zxing-cpp')}"
    )


def test_the_demo_builds_to_the_recorded_bytes(built_demo: Path) -> None:
    sums = tree_digest(built_demo)
    del sums[MANIFEST]  # the build's cache keys, which hash disan's own code: they change with every edit
    listing = _encoders() + "\n" + "".join(f"{digest}  {path}\n" for path, digest in sorted(sums.items()))
    if os.environ.get("DISAN_WRITE_CHECKSUMS"):
        CHECKSUMS.write_text(listing, encoding="utf-8")
    recorded = CHECKSUMS.read_text(encoding="utf-8")
    header, _, body = recorded.partition("\n")
    if header != _encoders():
        pytest.skip(f"the sums were recorded with {header[2:]}; this machine has {_encoders()[2:]}")
    expected = dict(reversed(line.split("  ", 1)) for line in body.splitlines())
    changed = sorted(p for p in expected.keys() & sums.keys() if expected[p] != sums[p])
    assert not changed and expected.keys() == sums.keys(), (
        f"changed: {changed[:10]}; new: {sorted(sums.keys() - expected.keys())[:10]}; "
        f"gone: {sorted(expected.keys() - sums.keys())[:10]} (if this is meant, see this test's docstring)"
    )
