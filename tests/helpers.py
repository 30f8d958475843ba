"""Small helpers shared by tests."""

from __future__ import annotations

import hashlib
from pathlib import Path


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file under `folder` with its content hash, for byte-for-byte comparisons."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def write_exhibits(site: Path, count: int, words: int = 300) -> None:
    """Many plain exhibits, for build-size tests."""
    folder = site / "content" / "exhibits"
    folder.mkdir(parents=True, exist_ok=True)
    paragraph = " ".join(f"từ{i % 50} đồng{i % 7}" for i in range(words // 2))
    for number in range(count):
        (folder / f"vat-{number:04d}.md").write_text(
            f"---\nid: V{number:04d}\ntitle: Hiện vật số {number}\nsummary: Tóm tắt {number}.\n---\n"
            f"## Lịch sử\n\n{paragraph}\n", encoding="utf-8")
