"""Decompression bombs: refused from the header, so the build's memory stays small."""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

BROKEN = Path(__file__).parent / "fixtures" / "broken"
PEAK_LIMIT_MB = 300
# runs one disan command as a child and prints that child's peak memory (KB) after its stderr
MEASURE = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run([sys.executable, '-c', 'from builder.cli import main; main()', *sys.argv[1:]],"
    " capture_output=True, text=True)\n"
    "sys.stderr.write(done.stderr)\n"
    "print(json.dumps([done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]))\n"
)


def bomb_png(width: int, height: int) -> bytes:
    """A real, fully decodable 1-bit PNG: ~50 KB on disk for 20000×20000, 400 MB once decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\0" * (1 + (width + 7) // 8)
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
        + chunk(b"IDAT", idat)
        + chunk(b"IEND", b"")
    )


def _peak(site: Path, command: str) -> tuple[int, float, str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    done = subprocess.run(
        [sys.executable, "-c", "import json\n" + MEASURE, command, "--site", str(site)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    code, peak_kb = json.loads(done.stdout.splitlines()[-1])
    return code, peak_kb / 1024, done.stderr


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize(
    ("case", "image"),
    [
        ("media-exhibit-bomb", "assets/images/ok.png"),
        ("media-hotspot-bomb", "assets/images/bom.png"),
        ("media-plan-bomb", "assets/images/bom.png"),
    ],
)
def test_bomb_is_refused_with_little_memory(case: str, image: str, command: str, tmp_path: Path) -> None:
    site = tmp_path / case
    shutil.copytree(BROKEN / case, site)
    (site / image).write_bytes(bomb_png(20000, 20000) if case != "media-plan-bomb" else bomb_png(12000, 12000))
    code, peak_mb, stderr = _peak(site, command)
    print(f"{case} {command}: peak {peak_mb:.0f} MB")
    assert code == 1, stderr
    assert "Traceback" not in stderr
    assert f"'{image}': the image" in stderr and "max_image_pixels" in stderr
    assert peak_mb < PEAK_LIMIT_MB
    assert not (site / "_site").exists()
