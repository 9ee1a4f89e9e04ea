"""S3 (or any S3-compatible store) as :class:`~sync_server.storage.Storage`, with boto3.

``s3://bucket/prefix?endpoint=http://127.0.0.1:9000&region=us-east-1&create_bucket=true``

- Credentials come from the AWS environment variables or standard configuration files.
- Retries use botocore's "standard" mode. Files over the multipart threshold (8 MiB by
  default) go up in parts (``TransferConfig``); a failed or refused upload is aborted.
- With a custom ``endpoint`` (MinIO, Ceph, R2, moto...) checksums are computed and
  validated only when an operation requires them: boto3 >= 1.36 otherwise sends CRC
  checksums that some S3-compatible stores reject. Our own SHA-256 is computed while
  streaming either way.
- Download URLs are boto3 presigned GET URLs with an expiry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from sync_server.settings import SettingsError
from sync_server.storage import (
    CHUNK_BYTES,
    MeasuredReader,
    NoSuchObject,
    ObjectInfo,
    Readable,
    StorageError,
    StoredObject,
    check_key,
    clean_filename,
    content_disposition,
)

MULTIPART_THRESHOLD = 8 * 1024 * 1024
MULTIPART_CHUNK = 8 * 1024 * 1024
_MISSING = frozenset({"404", "NoSuchKey", "NotFound", "NoSuchBucket"})


class S3Storage:
    """Objects in ``bucket`` under ``prefix``, through one boto3 S3 client."""

    def __init__(
        self, client: Any, bucket: str, prefix: str = "", transfer: TransferConfig | None = None
    ) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.transfer = transfer or TransferConfig(
            multipart_threshold=MULTIPART_THRESHOLD, multipart_chunksize=MULTIPART_CHUNK
        )

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        multipart_threshold: int = MULTIPART_THRESHOLD,
        multipart_chunk: int = MULTIPART_CHUNK,
    ) -> S3Storage:
        """The store an ``s3://bucket/prefix?endpoint=&region=&create_bucket=`` URL names."""
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc:
            raise SettingsError("VIVIDVERSE_STORAGE_URL for S3 must look like s3://bucket/prefix")
        query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
        unknown = set(query) - {"endpoint", "region", "create_bucket"}
        if unknown:
            raise SettingsError(
                f"VIVIDVERSE_STORAGE_URL has unknown options {', '.join(sorted(unknown))}; "
                "known: endpoint, region, create_bucket"
            )
        endpoint = query.get("endpoint") or None
        region = query.get("region") or None
        client = boto3.session.Session(region_name=region).client(
            "s3", endpoint_url=endpoint, config=client_config(endpoint)
        )
        storage = cls(
            client,
            parts.netloc,
            unquote(parts.path),
            TransferConfig(
                multipart_threshold=multipart_threshold, multipart_chunksize=multipart_chunk
            ),
        )
        if query.get("create_bucket", "").lower() in {"1", "true", "yes"}:
            storage.ensure_bucket(region)
        return storage

    def ensure_bucket(self, region: str | None = None) -> None:
        """Create the bucket unless it exists (tests and first runs)."""
        try:
            self.client.head_bucket(Bucket=self.bucket)
            return
        except ClientError as exc:
            if _code(exc) not in _MISSING:
                raise StorageError(f"cannot reach bucket {self.bucket}: {exc}") from exc
        if region and region != "us-east-1":
            self.client.create_bucket(
                Bucket=self.bucket, CreateBucketConfiguration={"LocationConstraint": region}
            )
        else:
            self.client.create_bucket(Bucket=self.bucket)

    def object_name(self, key: str) -> str:
        """The S3 object name of a storage key (the prefix joined in)."""
        check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(
        self,
        key: str,
        source: Readable | bytes,
        *,
        content_type: str,
        max_bytes: int,
        filename: str | None = None,
        inspect: Callable[[bytes], None] | None = None,
    ) -> StoredObject:
        """Stream ``source`` up (multipart past the threshold); nothing stays on failure."""
        name = clean_filename(filename)
        reader = MeasuredReader(source, max_bytes, inspect)
        extra: dict[str, Any] = {"ContentType": content_type}
        if name is not None:
            extra["Metadata"] = {"filename": quote(name, safe="")}
        try:
            self.client.upload_fileobj(
                reader, self.bucket, self.object_name(key), ExtraArgs=extra, Config=self.transfer
            )
        except (ClientError, BotoCoreError) as exc:
            raise StorageError(f"S3 refused the upload of {key}: {exc}") from exc
        return StoredObject(key, reader.size, reader.sha256, content_type, name)

    def get(self, key: str) -> Iterator[bytes]:
        """The object's bytes in chunks; :class:`NoSuchObject` when absent."""
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self.object_name(key))
        except (ClientError, BotoCoreError) as exc:
            raise _translated(exc, key) from exc
        return _chunks(response["Body"])

    def info(self, key: str) -> ObjectInfo:
        """Size, content type and original file name, from a HEAD request."""
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self.object_name(key))
        except (ClientError, BotoCoreError) as exc:
            raise _translated(exc, key) from exc
        raw = head.get("Metadata", {}).get("filename")
        return ObjectInfo(
            key,
            int(head["ContentLength"]),
            str(head.get("ContentType", "application/octet-stream")),
            None if raw is None else unquote(raw),
        )

    def exists(self, key: str) -> bool:
        """Whether the object exists (a HEAD request)."""
        try:
            self.info(key)
        except NoSuchObject:
            return False
        return True

    def size(self, key: str) -> int:
        """The object's size in bytes."""
        return self.info(key).size

    def delete(self, key: str) -> None:
        """Delete the object (S3 treats an absent one as deleted)."""
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self.object_name(key))
        except (ClientError, BotoCoreError) as exc:
            raise _translated(exc, key) from exc

    def download_url(
        self, key: str, *, expires_in: int, base_url: str, filename: str | None = None
    ) -> str:
        """A presigned GET URL valid for ``expires_in`` seconds (``base_url`` is unused)."""
        params: dict[str, Any] = {"Bucket": self.bucket, "Key": self.object_name(key)}
        if filename:
            params["ResponseContentDisposition"] = content_disposition(filename, "inline")
        url: str = self.client.generate_presigned_url(
            "get_object", Params=params, ExpiresIn=expires_in
        )
        return url


def client_config(endpoint: str | None) -> Config:
    """Standard retries; checksums only when required for a custom (non-AWS) endpoint."""
    options: dict[str, Any] = {
        "retries": {"mode": "standard", "max_attempts": 5},
        "signature_version": "s3v4",
    }
    if endpoint is not None:
        options["s3"] = {"addressing_style": "path"}
        options["request_checksum_calculation"] = "when_required"
        options["response_checksum_validation"] = "when_required"
    return Config(**options)


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _translated(exc: ClientError | BotoCoreError, key: str) -> StorageError:
    if isinstance(exc, ClientError) and _code(exc) in _MISSING:
        return NoSuchObject(f"no object {key}")
    return StorageError(f"S3 refused an operation on {key}: {exc}")


def _chunks(body: Any) -> Iterator[bytes]:
    try:
        yield from body.iter_chunks(CHUNK_BYTES)
    finally:
        body.close()
