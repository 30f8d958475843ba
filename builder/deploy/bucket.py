"""The bucket side of a deploy, through boto3, with every failure turned into one line.

What was deployed is known from a manifest object beside the site (key → content hash and
headers), read in one request instead of one per object; each object also carries its hash in
its own metadata, so objects the manifest does not list (a deploy stopped half-way) are known
from one HEAD each, and objects disan never uploaded are never deleted. ETags are no help:
they are not an MD5 for multipart uploads, nor on every S3-compatible store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .files import LocalFile, Record
from .target import DeployError, Target

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import ObjectIdentifierTypeDef

MANIFEST = ".disan-deploy.json"
HASH_METADATA = "disan-sha256"  # sent as x-amz-meta-disan-sha256
# the prefix of the site an object belongs to: a deploy to s3://b/ never takes s3://b/v2/'s objects for its own
SITE_METADATA = "disan-site"
SINGLE_PUT_LIMIT = 64 * 1024 * 1024  # larger files go up in parts of this size
DELETE_BATCH = 1000  # the most one DeleteObjects request takes
CREDENTIALS_HINT = "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE for a profile in ~/.aws/credentials"


class Bucket:
    def __init__(self, target: Target, client: S3Client) -> None:
        self.target = target
        self.client = client

    @classmethod
    def connect(cls, target: Target) -> Bucket:
        try:
            import boto3
            from botocore.config import Config
        except ImportError as exc:
            raise DeployError("disan deploy needs boto3: pip install 'disan[deploy]'") from exc
        config = Config(connect_timeout=10, read_timeout=60, retries={"max_attempts": 3, "mode": "standard"})
        with s3_errors(target):
            session = boto3.session.Session(region_name=target.region)
            return cls(target, session.client("s3", endpoint_url=target.endpoint_url, config=config))

    def keys(self) -> set[str]:
        """Every key under the prefix, relative to it, the manifest left out."""
        found: set[str] = set()
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.target.bucket, Prefix=self.target.prefix
        )
        for page in pages:
            found.update(item["Key"].removeprefix(self.target.prefix) for item in page.get("Contents", []))
        found.discard(MANIFEST)
        return found

    def manifest(self) -> dict[str, Record]:
        from botocore.exceptions import ClientError

        try:
            body = self.client.get_object(Bucket=self.target.bucket, Key=self.target.prefix + MANIFEST)["Body"]
        except ClientError as exc:
            if _code(exc) in ("NoSuchKey", "404"):
                return {}
            raise
        try:
            listed = json.loads(body.read())
        except ValueError:
            return {}  # written by something else: every object is looked at instead
        records = {key: Record.from_json(value) for key, value in listed.items()} if isinstance(listed, dict) else {}
        return {key: record for key, record in records.items() if record is not None}

    def record_of(self, key: str) -> Record | None:
        """The hash and headers an object carries, or None if disan did not upload it as part of this site."""
        head = self.client.head_object(Bucket=self.target.bucket, Key=self.target.prefix + key)
        metadata = head.get("Metadata", {})
        digest = metadata.get(HASH_METADATA)
        if not digest or metadata.get(SITE_METADATA) != self._site:
            return None
        return Record(digest, head.get("ContentType", ""), head.get("CacheControl", ""))

    @property
    def _site(self) -> str:
        return quote("/" + self.target.prefix)  # metadata is ASCII; never empty, which some stores drop

    def put(self, file: LocalFile) -> None:
        record = file.record
        extra: dict[str, Any] = {
            "ContentType": record.content_type,
            "CacheControl": record.cache_control,
            "Metadata": {HASH_METADATA: record.sha256, SITE_METADATA: self._site},
        }
        key = self.target.prefix + file.key
        if file.size > SINGLE_PUT_LIMIT:
            from boto3.s3.transfer import TransferConfig

            parts = TransferConfig(multipart_threshold=SINGLE_PUT_LIMIT, multipart_chunksize=SINGLE_PUT_LIMIT)
            self.client.upload_file(str(file.path), self.target.bucket, key, ExtraArgs=extra, Config=parts)
            return
        with file.path.open("rb") as body:
            self.client.put_object(Bucket=self.target.bucket, Key=key, Body=body, **extra)

    def put_manifest(self, records: dict[str, Record]) -> None:
        body = json.dumps({key: records[key].to_json() for key in sorted(records)}, indent=0)
        self.client.put_object(
            Bucket=self.target.bucket,
            Key=self.target.prefix + MANIFEST,
            Body=body.encode("utf-8"),
            ContentType="application/json; charset=utf-8",
            CacheControl="no-store",
        )

    def delete(self, keys: list[str]) -> None:
        for start in range(0, len(keys), DELETE_BATCH):
            batch: list[ObjectIdentifierTypeDef] = [
                {"Key": self.target.prefix + key} for key in keys[start : start + DELETE_BATCH]
            ]
            answer = self.client.delete_objects(Bucket=self.target.bucket, Delete={"Objects": batch, "Quiet": True})
            if answer.get("Errors"):
                first = answer["Errors"][0]
                raise DeployError(
                    f"{self.target}: could not delete {len(answer['Errors'])} old object(s), first "
                    f"{first.get('Key')}: {first.get('Message')}; the new site is up, run `disan deploy` again"
                )


@contextmanager
def s3_errors(target: Target) -> Iterator[None]:
    """What boto3 raises, as the one line a curator can act on."""
    from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError, NoCredentialsError

    where = target.endpoint_url or "AWS S3"
    try:
        yield
    except NoCredentialsError as exc:
        raise DeployError(f"no credentials for {where}: {CREDENTIALS_HINT}") from exc
    except EndpointConnectionError as exc:
        raise DeployError(
            f"cannot reach {where}: check --endpoint-url (or [deploy] endpoint_url) and your network"
        ) from exc
    except ClientError as exc:
        raise DeployError(_client_error(exc, target, where)) from exc
    except BotoCoreError as exc:
        raise DeployError(f"{where}: {exc}") from exc


def _client_error(exc: Any, target: Target, where: str) -> str:
    code = _code(exc)
    if code == "NoSuchBucket":
        return f"bucket '{target.bucket}' does not exist at {where}: create it first, or correct the target"
    if code in ("InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "403", "Forbidden"):
        return f"{where} refused the credentials for bucket '{target.bucket}' ({code}): {CREDENTIALS_HINT}"
    message = exc.response.get("Error", {}).get("Message", "") or str(exc)
    return f"{where}, bucket '{target.bucket}': {code}: {message}"


def _code(exc: Any) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))
