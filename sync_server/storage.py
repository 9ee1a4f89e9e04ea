"""File storage for script sources and movies: a local directory or an S3-compatible store.

Objects live under generated keys (``scripts/<uuid hex>``, ``movies/<uuid hex>``): a
file name sent by a client never becomes a path, it is kept as metadata only. Every
``put`` streams: it counts bytes against a limit (refusing past it) and computes the
SHA-256 on the way, never holding the whole file in memory.

``open_storage(url)`` picks the backend from ``VIVIDVERSE_STORAGE_URL``:

- ``file:///srv/vividverse/storage`` (or a plain path): :class:`LocalStorage`;
- ``s3://bucket/prefix?endpoint=http://host:9000&region=eu-west-1``:
  :class:`~sync_server.storage_s3.S3Storage` (credentials from the AWS environment or
  standard configuration files; ``create_bucket=true`` creates a missing bucket).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol
from urllib.parse import quote, unquote, urlencode, urlsplit

from sync_server.settings import SettingsError

CHUNK_BYTES = 1024 * 1024
KEY_PATTERN = re.compile(r"[a-z]{1,16}/[0-9a-f]{32}")
KINDS = frozenset({"scripts", "movies"})
MAX_FILENAME = 200


class StorageError(Exception):
    """A storage operation failed; the message says what and where."""


class ObjectTooLarge(StorageError):
    """The stream passed the size limit; nothing was stored."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the file is larger than {limit} bytes")
        self.limit = limit


class NoSuchObject(StorageError):
    """No object is stored under the key."""


class Readable(Protocol):
    """A source of bytes: ``read(n)`` returns up to ``n`` bytes, ``b""`` at the end."""

    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True, slots=True)
class StoredObject:
    """What a ``put`` stored: its key, size in bytes and SHA-256 (hex)."""

    key: str
    size: int
    sha256: str
    content_type: str
    filename: str | None


@dataclass(frozen=True, slots=True)
class ObjectInfo:
    """An object's size, content type and the original file name (metadata only)."""

    key: str
    size: int
    content_type: str
    filename: str | None


class Storage(Protocol):
    """Where uploaded files live. Every method may block: call it off the event loop."""

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
        """Stream ``source`` into ``key``; :class:`ObjectTooLarge` past ``max_bytes``.

        ``inspect`` sees each chunk as it passes and may raise to refuse the content;
        whatever is raised, nothing stays stored.
        """
        ...

    def get(self, key: str) -> Iterator[bytes]:
        """The object's bytes in chunks; :class:`NoSuchObject` when absent."""
        ...

    def info(self, key: str) -> ObjectInfo:
        """Size, content type and file name; :class:`NoSuchObject` when absent."""
        ...

    def exists(self, key: str) -> bool:
        """Whether an object is stored under ``key``."""
        ...

    def size(self, key: str) -> int:
        """The object's size in bytes; :class:`NoSuchObject` when absent."""
        ...

    def delete(self, key: str) -> None:
        """Remove the object; removing an absent one is not an error."""
        ...

    def download_url(
        self, key: str, *, expires_in: int, base_url: str, filename: str | None = None
    ) -> str:
        """A URL anyone holding it may GET the object with, until ``expires_in`` seconds pass.

        ``base_url`` is this server's signed-download route (used by local storage only).
        """
        ...


def new_key(kind: str) -> str:
    """A fresh key for a ``kind`` of file (``scripts`` or ``movies``)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of file {kind!r}")
    return f"{kind}/{uuid.uuid4().hex}"


def is_key(value: str) -> bool:
    """Whether ``value`` has the shape of a generated key (and so is safe as a path)."""
    return KEY_PATTERN.fullmatch(value) is not None


def check_key(key: str) -> str:
    """``key`` itself; :class:`NoSuchObject` when it is not a generated key."""
    if not is_key(key):
        raise NoSuchObject(f"{key!r} is not a storage key")
    return key


def clean_filename(raw: str | None) -> str | None:
    """A client's file name reduced to a safe label: last path part, no control characters."""
    if raw is None:
        return None
    name = re.split(r"[/\\]", raw)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".")
    return name[:MAX_FILENAME] or None


class MeasuredReader:
    """Wraps a source: counts bytes against a limit and hashes them as they pass."""

    def __init__(
        self,
        source: Readable | bytes,
        max_bytes: int,
        inspect: Callable[[bytes], None] | None = None,
    ) -> None:
        self._source = source
        self._offset = 0
        self.max_bytes = max_bytes
        self.size = 0
        self._hash = hashlib.sha256()
        self._inspect = inspect

    def read(self, size: int = -1, /) -> bytes:
        """Up to ``size`` bytes (all when negative); :class:`ObjectTooLarge` past the limit."""
        if isinstance(self._source, bytes):
            end = len(self._source) if size < 0 else self._offset + size
            chunk = self._source[self._offset : end]
            self._offset += len(chunk)
        else:
            chunk = self._source.read(size)
        if chunk:
            self.size += len(chunk)
            if self.size > self.max_bytes:
                raise ObjectTooLarge(self.max_bytes)
            self._hash.update(chunk)
            if self._inspect is not None:
                self._inspect(chunk)
        return chunk

    @property
    def sha256(self) -> str:
        """The hex SHA-256 of the bytes read so far."""
        return self._hash.hexdigest()


class LocalStorage:
    """Objects as files under ``root``; metadata in a ``.json`` file beside each.

    Writes are atomic: a temporary file in the same directory, fsync, then rename, so a
    reader never sees half a file and a crash leaves at most an orphan temporary file.
    Download URLs point at this server's own route, signed with ``signing_key`` (HMAC).
    """

    def __init__(self, root: Path, signing_key: bytes) -> None:
        self.root = root
        self._signing_key = signing_key

    def path_of(self, key: str) -> Path:
        """The data file of ``key``; :class:`NoSuchObject` for anything but a generated key."""
        return self.root / check_key(key)

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
        """Stream ``source`` to ``key`` atomically; :class:`ObjectTooLarge` past ``max_bytes``."""
        path = self.path_of(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            data_tmp = _temporary(path)
        except OSError as exc:
            raise StorageError(f"cannot write under {self.root}: {exc}") from exc
        reader = MeasuredReader(source, max_bytes, inspect)
        name = clean_filename(filename)
        meta_tmp: Path | None = None
        try:
            with open(data_tmp, "wb") as out:
                while chunk := reader.read(CHUNK_BYTES):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            meta = {"content_type": content_type, "filename": name, "sha256": reader.sha256}
            meta_tmp = _temporary(path)
            with open(meta_tmp, "w", encoding="utf-8") as out:
                json.dump(meta, out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(meta_tmp, _meta_path(path))
            meta_tmp = None
            os.replace(data_tmp, path)
            _fsync_directory(path.parent)
        except BaseException as exc:
            for leftover in (data_tmp, meta_tmp):
                if leftover is not None:
                    leftover.unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise StorageError(f"cannot write {key} under {self.root}: {exc}") from exc
            raise
        return StoredObject(key, reader.size, reader.sha256, content_type, name)

    def get(self, key: str) -> Iterator[bytes]:
        """The file's bytes in 1 MiB chunks; :class:`NoSuchObject` when absent."""
        path = self.path_of(key)
        try:
            handle = open(path, "rb")  # noqa: SIM115 - closed by the generator
        except FileNotFoundError:
            raise NoSuchObject(f"no object {key}") from None
        return _chunks(handle)

    def info(self, key: str) -> ObjectInfo:
        """Size, content type and original file name of ``key``."""
        path = self.path_of(key)
        try:
            size = path.stat().st_size
            meta = json.loads(_meta_path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise NoSuchObject(f"no object {key}") from None
        return ObjectInfo(key, size, str(meta["content_type"]), meta.get("filename"))

    def exists(self, key: str) -> bool:
        """Whether ``key`` holds a file."""
        return is_key(key) and self.path_of(key).is_file()

    def size(self, key: str) -> int:
        """The file's size in bytes."""
        try:
            return self.path_of(key).stat().st_size
        except FileNotFoundError:
            raise NoSuchObject(f"no object {key}") from None

    def delete(self, key: str) -> None:
        """Remove the file and its metadata (absent is fine)."""
        path = self.path_of(key)
        path.unlink(missing_ok=True)
        _meta_path(path).unlink(missing_ok=True)

    def download_url(
        self, key: str, *, expires_in: int, base_url: str, filename: str | None = None
    ) -> str:
        """``base_url`` with the key, an expiry time and an HMAC signature of both."""
        check_key(key)
        expires = int(time.time()) + expires_in
        query = urlencode({"key": key, "expires": expires, "signature": self.sign(key, expires)})
        return f"{base_url}?{query}"

    def sign(self, key: str, expires: int) -> str:
        """The signature of a download link for ``key`` valid until ``expires`` (epoch s)."""
        message = f"{key}\n{expires}".encode()
        return hmac.new(self._signing_key, message, hashlib.sha256).hexdigest()

    def link_is_valid(self, key: str, expires: int, signature: str) -> bool:
        """Whether a download link is authentic and not yet expired."""
        if not is_key(key) or expires < time.time():
            return False
        return hmac.compare_digest(self.sign(key, expires), signature)


def open_storage(url: str, signing_key: bytes) -> Storage:
    """The storage ``url`` names (``file://...``, a plain path, or ``s3://...``).

    Raises :class:`SettingsError` for a URL of another kind or a malformed S3 URL.
    """
    parts = urlsplit(url)
    if parts.scheme == "s3":
        from sync_server.storage_s3 import S3Storage

        return S3Storage.from_url(url)
    if parts.scheme == "file":
        return LocalStorage(Path(unquote(parts.path)), signing_key)
    if parts.scheme == "":
        return LocalStorage(Path(url), signing_key)
    raise SettingsError(
        f"VIVIDVERSE_STORAGE_URL must be file:///path or s3://bucket/prefix, not {parts.scheme}://"
    )


def content_disposition(filename: str, kind: str = "attachment") -> str:
    """A Content-Disposition value naming ``filename`` (ASCII fallback plus RFC 5987 form)."""
    fallback = "".join(ch if ch.isascii() and ch.isprintable() else "_" for ch in filename)
    fallback = fallback.replace("\\", "_").replace('"', "_")
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def signing_key_from(secret: str) -> bytes:
    """The key download links are signed with, derived from the server's JWT secret."""
    return hmac.new(secret.encode(), b"vividverse download links", hashlib.sha256).digest()


def _chunks(handle: BinaryIO) -> Iterator[bytes]:
    try:
        while chunk := handle.read(CHUNK_BYTES):
            yield chunk
    finally:
        handle.close()


def _temporary(path: Path) -> Path:
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(fd)
    return Path(name)


def _meta_path(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
