"""Small helpers shared by tests."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file under `folder` with its content hash, for byte-for-byte comparisons."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def write_exhibits(site: Path, count: int, words: int = 300) -> None:
    """Many plain exhibits, for build-size tests."""
    folder = site / "content" / "exhibits"
    folder.mkdir(parents=True, exist_ok=True)
    paragraph = " ".join(f"từ{i % 50} đồng{i % 7}" for i in range(words // 2))
    for number in range(count):
        (folder / f"vat-{number:04d}.md").write_text(
            f"---\nid: V{number:04d}\ntitle: Hiện vật số {number}\nsummary: Tóm tắt {number}.\n---\n"
            f"## Lịch sử\n\n{paragraph}\n",
            encoding="utf-8",
        )


def validator_dir() -> Path | None:
    """The npm gltf-validator package, if this machine has it (./run test installs it in tests/node)."""
    candidates = [
        os.environ.get("DISAN_GLTF_VALIDATOR", ""),
        str(Path(__file__).parent / "node" / "node_modules" / "gltf-validator"),
    ]
    for candidate in candidates:
        if candidate and (Path(candidate) / "index.js").is_file() and shutil.which("node"):
            return Path(candidate)
    return None


VALIDATE_JS = """
const fs = require('fs'), path = require('path');
const validator = require(process.argv[2]);
(async () => {
  const out = {};
  for (const file of process.argv.slice(3)) {
    const report = await validator.validateBytes(new Uint8Array(fs.readFileSync(file)), {
      uri: path.basename(file), maxIssues: 100,
      externalResourceFunction: (uri) => Promise.reject('external resource ' + uri)});
    out[file] = {errors: report.issues.numErrors, warnings: report.issues.numWarnings, info: report.info,
                 messages: report.issues.messages};
  }
  console.log(JSON.stringify(out));
})().catch((e) => { console.error(String(e)); process.exit(2); });
"""


def khronos_validate(files: list[Path], tmp_path: Path) -> dict:
    """The Khronos glTF-Validator's verdict on each file (keyed by the path as given)."""
    package = validator_dir()
    if package is None:
        pytest.skip(
            "Khronos glTF-Validator not found: set DISAN_GLTF_VALIDATOR to an installed "
            "node_modules/gltf-validator folder (npm install gltf-validator) to run this check"
        )
    script = tmp_path / "validate.js"
    script.write_text(VALIDATE_JS, encoding="utf-8")
    done = subprocess.run(
        ["node", str(script), str(package.resolve()), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


class HostHeaders:
    """`_headers` read the way Netlify and Cloudflare Pages read it: `*` matches the rest of the
    path, `:name` one segment, and every matching rule adds its headers (same names joined
    with ", ", which for Content-Security-Policy means both policies are enforced)."""

    def __init__(self, text: str) -> None:
        self.rules: list[tuple[re.Pattern[str], list[tuple[str, str]]]] = []
        for line in text.splitlines():
            if line.startswith("/"):
                pattern = re.escape(line.strip()).replace(r"\*", ".*")
                pattern = re.sub(r"\\?:[a-z]+", "[^/]+", pattern)
                self.rules.append((re.compile(pattern), []))
            elif line.strip():
                name, _, value = line.strip().partition(":")
                self.rules[-1][1].append((name.strip(), value.strip()))

    def matching(self, path: str, name: str) -> list[str]:
        """The values of header `name` from every rule matching `path`, one per rule."""
        return [
            value
            for pattern, headers in self.rules
            if pattern.fullmatch(path)
            for header, value in headers
            if header.lower() == name.lower()
        ]

    def for_path(self, path: str) -> dict[str, str]:
        names = {header for _, headers in self.rules for header, _ in headers}
        return {name: ", ".join(values) for name in sorted(names) if (values := self.matching(path, name))}
