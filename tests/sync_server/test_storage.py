"""File storage: a local directory and an S3-compatible store (moto's real HTTP server)."""

from __future__ import annotations

import hashlib
import io
import os
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from sync_server.settings import SettingsError
from sync_server.storage import (
    LocalStorage,
    NoSuchObject,
    ObjectTooLarge,
    Storage,
    is_key,
    new_key,
    open_storage,
)
from sync_server.storage_s3 import S3Storage, client_config
from tests.services import ServiceUnavailable, s3_server

SIGNING_KEY = b"k" * 32
MiB = 1024 * 1024


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server on loopback, with dummy credentials in the environment."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_ACCESS_KEY_ID", "vividverse-test")
        patch.setenv("AWS_SECRET_ACCESS_KEY", "vividverse-test-secret")
        patch.delenv("AWS_PROFILE", raising=False)
        try:
            with s3_server() as endpoint:
                yield endpoint
        except ServiceUnavailable as exc:
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail(f"the S3 test server is required under CI: {exc}")
            pytest.skip(f"S3 test server unavailable: {exc}")


def s3_url(endpoint: str, bucket: str = "vividverse-test") -> str:
    """A storage URL for a bucket on ``endpoint`` that creates it when missing."""
    return f"s3://{bucket}/studio?endpoint={endpoint}&region=us-east-1&create_bucket=true"


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    """Each backend: a local directory, and a bucket on the S3 test server."""
    if request.param == "local":
        return LocalStorage(tmp_path / "storage", SIGNING_KEY)
    endpoint: str = request.getfixturevalue("s3_endpoint")
    return S3Storage.from_url(s3_url(endpoint))


def test_put_reports_size_and_sha256_and_get_returns_the_bytes(storage: Storage) -> None:
    """A stored stream comes back byte for byte, with its size and SHA-256 reported."""
    data = os.urandom(300_000)
    key = new_key("scripts")
    stored = storage.put(key, io.BytesIO(data), content_type="application/pdf", max_bytes=MiB)
    assert (stored.size, stored.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert b"".join(storage.get(key)) == data
    assert storage.size(key) == len(data)


def test_file_name_is_metadata_only(storage: Storage) -> None:
    """The client's name is kept (last path part) as a label; the key stays generated."""
    key = new_key("scripts")
    storage.put(
        key, b"INT. ROOM", content_type="text/plain", max_bytes=MiB, filename="../../ré sumé.txt"
    )
    info = storage.info(key)
    assert (info.filename, info.content_type, info.size) == ("ré sumé.txt", "text/plain", 9)
    assert is_key(key)
    assert "sumé" not in key


def test_exists_and_delete(storage: Storage) -> None:
    """A deleted object no longer exists, reads as missing, and deleting again is fine."""
    key = new_key("movies")
    storage.put(key, b"frames", content_type="video/mp4", max_bytes=MiB)
    assert storage.exists(key)
    storage.delete(key)
    storage.delete(key)
    assert not storage.exists(key)
    with pytest.raises(NoSuchObject):
        storage.get(key)
    with pytest.raises(NoSuchObject):
        storage.size(key)


def test_a_stream_past_the_limit_is_refused_and_nothing_stays(storage: Storage) -> None:
    """One byte over the limit raises ObjectTooLarge and leaves no object behind."""
    key = new_key("scripts")
    with pytest.raises(ObjectTooLarge):
        storage.put(key, io.BytesIO(b"x" * 1001), content_type="text/plain", max_bytes=1000)
    assert not storage.exists(key)


def test_a_refused_inspection_leaves_nothing(storage: Storage) -> None:
    """When the content check raises mid-stream, no object is stored."""
    key = new_key("scripts")

    def refuse(chunk: bytes) -> None:
        raise ValueError("not a PDF")

    with pytest.raises(ValueError, match="not a PDF"):
        storage.put(key, b"hello", content_type="text/plain", max_bytes=MiB, inspect=refuse)
    assert not storage.exists(key)


def test_keys_that_are_not_generated_never_reach_the_store(storage: Storage) -> None:
    """Path-like or foreign keys read as missing instead of touching files."""
    for key in ("../../etc/passwd", "scripts/../../x", "/etc/passwd", "movies/ABC"):
        assert not storage.exists(key)
        with pytest.raises(NoSuchObject):
            storage.get(key)


def test_local_write_is_atomic_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    """After a refused upload the directory holds no partial or temporary file."""
    local = LocalStorage(tmp_path, SIGNING_KEY)
    kept = new_key("scripts")
    local.put(kept, b"kept", content_type="text/plain", max_bytes=10)
    with pytest.raises(ObjectTooLarge):
        local.put(new_key("scripts"), b"y" * 11, content_type="text/plain", max_bytes=10)
    names = sorted(path.name for path in (tmp_path / "scripts").iterdir())
    assert names == sorted([kept.split("/")[1], kept.split("/")[1] + ".json"])


def test_local_link_is_signed_and_expires(tmp_path: Path) -> None:
    """A local link checks out until its expiry; a forged or expired one does not."""
    local = LocalStorage(tmp_path, SIGNING_KEY)
    key = new_key("movies")
    local.put(key, b"frames", content_type="video/mp4", max_bytes=MiB)
    url = local.download_url(key, expires_in=60, base_url="http://server/api/files")
    query = {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}
    expires = int(query["expires"])
    assert local.link_is_valid(key, expires, query["signature"])
    assert not local.link_is_valid(key, expires + 1, query["signature"])
    assert not local.link_is_valid(new_key("movies"), expires, query["signature"])
    other = LocalStorage(tmp_path, b"o" * 32)
    assert not other.link_is_valid(key, expires, query["signature"])
    past = int(time.time()) - 1
    assert not local.link_is_valid(key, past, local.sign(key, past))


def test_open_storage_reads_the_url_forms(tmp_path: Path) -> None:
    """file:// URLs and plain paths are local directories; other schemes are refused."""
    from_uri = open_storage((tmp_path / "a").as_uri(), SIGNING_KEY)
    from_path = open_storage(str(tmp_path / "b"), SIGNING_KEY)
    assert isinstance(from_uri, LocalStorage)
    assert from_uri.root == tmp_path / "a"
    assert isinstance(from_path, LocalStorage)
    assert from_path.root == tmp_path / "b"
    with pytest.raises(SettingsError, match="VIVIDVERSE_STORAGE_URL"):
        open_storage("ftp://example.org/files", SIGNING_KEY)
    with pytest.raises(SettingsError, match="unknown options"):
        open_storage("s3://bucket/prefix?endpont=http://x", SIGNING_KEY)


def test_custom_endpoints_compute_checksums_only_when_required() -> None:
    """A non-AWS endpoint gets 'when_required' checksums, path addressing, standard retries."""
    custom = client_config("http://127.0.0.1:9000")
    aws = client_config(None)
    assert custom.request_checksum_calculation == "when_required"
    assert custom.response_checksum_validation == "when_required"
    assert custom.s3 == {"addressing_style": "path"}
    assert custom.retries == {"mode": "standard", "max_attempts": 5}
    assert aws.request_checksum_calculation != "when_required"


def test_s3_large_files_go_up_in_parts(s3_endpoint: str) -> None:
    """Past the multipart threshold the object is assembled from parts, intact."""
    s3 = S3Storage.from_url(
        s3_url(s3_endpoint), multipart_threshold=5 * MiB, multipart_chunk=5 * MiB
    )
    data = os.urandom(11 * MiB)
    key = new_key("movies")
    stored = s3.put(key, io.BytesIO(data), content_type="video/mp4", max_bytes=64 * MiB)
    head = s3.client.head_object(Bucket=s3.bucket, Key=s3.object_name(key))
    assert head["ETag"].strip('"').endswith("-3")
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert hashlib.sha256(b"".join(s3.get(key))).hexdigest() == stored.sha256


def test_s3_multipart_upload_past_the_limit_is_aborted(s3_endpoint: str) -> None:
    """A multipart upload refused past the limit leaves no object and no open upload."""
    s3 = S3Storage.from_url(
        s3_url(s3_endpoint, "vividverse-abort"),
        multipart_threshold=5 * MiB,
        multipart_chunk=5 * MiB,
    )
    key = new_key("movies")
    with pytest.raises(ObjectTooLarge):
        s3.put(key, io.BytesIO(bytes(12 * MiB)), content_type="video/mp4", max_bytes=7 * MiB)
    assert not s3.exists(key)
    assert s3.client.list_multipart_uploads(Bucket=s3.bucket).get("Uploads", []) == []


def test_s3_objects_live_under_the_prefix(s3_endpoint: str) -> None:
    """The URL's path is a prefix inside the bucket."""
    s3 = S3Storage.from_url(s3_url(s3_endpoint, "vividverse-prefix"))
    key = new_key("scripts")
    s3.put(key, b"text", content_type="text/plain", max_bytes=MiB)
    listed = s3.client.list_objects_v2(Bucket=s3.bucket)["Contents"]
    assert [item["Key"] for item in listed] == [f"studio/{key}"]


def test_s3_presigned_url_downloads_and_carries_its_expiry(s3_endpoint: str) -> None:
    """A presigned URL fetched with httpx returns the bytes, named, and states its expiry."""
    s3 = S3Storage.from_url(s3_url(s3_endpoint))
    key = new_key("movies")
    s3.put(key, b"\x00\x00\x00\x18ftypmp42", content_type="video/mp4", max_bytes=MiB)
    url = s3.download_url(key, expires_in=5, base_url="", filename="Final Cut.mp4")
    response = httpx.get(url)
    assert response.status_code == 200
    assert response.content == b"\x00\x00\x00\x18ftypmp42"
    assert 'filename="Final Cut.mp4"' in response.headers["content-disposition"]
    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Expires"] == ["5"]
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]


def test_s3_uploads_to_a_custom_endpoint_send_no_default_crc_checksums(s3_endpoint: str) -> None:
    """Against a non-AWS endpoint boto3 adds no x-amz-checksum headers by default."""
    s3 = S3Storage.from_url(s3_url(s3_endpoint))
    sent: list[dict[str, str]] = []

    def capture(request: object, **_kwargs: object) -> None:
        headers = getattr(request, "headers", {})
        sent.append({name.lower(): str(value) for name, value in headers.items()})

    s3.client.meta.events.register("before-send.s3.PutObject", capture)
    s3.put(new_key("scripts"), b"INT. ROOM", content_type="text/plain", max_bytes=MiB)
    assert len(sent) == 1
    assert [name for name in sent[0] if name.startswith("x-amz-checksum-")] == []
