"""Where a site goes: a bucket and a prefix on an S3-compatible endpoint (AWS, Cloudflare R2,
MinIO), from the command line or the `[deploy]` table of site.toml. Credentials never come from
here: a site.toml is committed and shared, so they come from the standard AWS variables and
profiles only."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..diagnostics import did_you_mean

DEPLOY_KEYS = ("target", "endpoint_url", "region")
SECRET_KEYS = re.compile(r"(access|secret|token|password|credential|key_id)", re.IGNORECASE)
# S3's bucket naming rules: 3 to 63 lower-case letters, digits, dots and hyphens
BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


class DeployError(Exception):
    """A problem the curator can fix, told in one line; `usage` when the command itself is wrong."""

    def __init__(self, message: str, usage: bool = False) -> None:
        super().__init__(message)
        self.usage = usage


@dataclass(frozen=True)
class Target:
    bucket: str
    prefix: str  # '' or a folder path ending in '/'
    endpoint_url: str | None = None
    region: str | None = None

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"


def resolve_target(url: str | None, endpoint_url: str | None, table: dict[str, Any], site_toml: Path) -> Target:
    """The command line's TARGET and --endpoint-url win over `[deploy]`; either may give each."""
    _check_table(table, site_toml)
    url = url or table.get("target")
    if not url:
        raise DeployError(
            "no deploy target: give one like `disan deploy s3://bucket/prefix`, "
            'or add to site.toml: [deploy] target = "s3://bucket/prefix"',
            usage=True,
        )
    bucket, prefix = _parse_url(url)
    endpoint = endpoint_url or table.get("endpoint_url")
    if endpoint and urlsplit(endpoint).scheme not in ("http", "https"):
        raise DeployError(
            f"endpoint '{endpoint}' is not an http(s) address; for example "
            "--endpoint-url https://<account>.r2.cloudflarestorage.com",
            usage=True,
        )
    return Target(bucket, prefix, endpoint or None, table.get("region") or None)


def _parse_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    if parts.scheme != "s3" or not BUCKET_NAME.match(parts.netloc) or parts.query or parts.fragment:
        raise DeployError(
            f"deploy target '{url}' is not an s3://bucket/prefix address; for example s3://museum-site/ "
            "or s3://museum-site/v2/ (bucket names: 3 to 63 lower-case letters, digits, '.' and '-')",
            usage=True,
        )
    folders = [part for part in parts.path.split("/") if part]
    if any(part in (".", "..") for part in folders):
        raise DeployError(f"deploy target '{url}': the prefix may not hold '.' or '..'", usage=True)
    return parts.netloc, "".join(f"{part}/" for part in folders)


def _check_table(table: dict[str, Any], site_toml: Path) -> None:
    for key, value in table.items():
        where = f"{site_toml.name}:{_line_in_deploy_table(site_toml, key)}"
        if SECRET_KEYS.search(key):
            raise DeployError(
                f"{where}: [deploy] {key}: credentials never go in site.toml, which is shared; remove the line "
                "and set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) in your environment",
                usage=True,
            )
        if key not in DEPLOY_KEYS:
            hint = did_you_mean(key, DEPLOY_KEYS) or f"[deploy] takes {', '.join(DEPLOY_KEYS)}"
            raise DeployError(f"{where}: unknown [deploy] setting '{key}'; {hint}", usage=True)
        if not isinstance(value, str):
            raise DeployError(f'{where}: [deploy] {key} must be text in "double quotes", not {value!r}', usage=True)


def _line_in_deploy_table(site_toml: Path, key: str) -> int:
    """The line of `key = ...` under `[deploy]`, so the curator is sent to it (tomllib gives no lines)."""
    inside = False
    for number, line in enumerate(site_toml.read_text(encoding="utf-8").splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            inside = stripped == "[deploy]"
        elif inside and stripped.split("=", 1)[0].strip() == key:
            return number
    return 0
