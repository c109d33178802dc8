"""Keys are logical names shared by every backend: the same key means the same object whether it
lives in a directory or in a MinIO bucket, so a key that one backend refuses, every backend refuses."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import BinaryIO, Protocol, runtime_checkable

MAX_KEY_BYTES = 512

# Control characters would end up in file names, HTTP headers or log lines.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class ObjectInfo:
    """What a backend knows about a stored object, without reading it."""

    key: str
    size: int
    content_type: str
    etag: str
    """Opaque validator without quotes; changes whenever the bytes change."""
    modified: datetime
    """Timezone-aware time of the last write."""


class NotFoundInStorage(Exception):
    """The key names no stored object."""

    def __init__(self, key: str) -> None:
        super().__init__(f"no stored object with key {key!r}")
        self.key = key


class InvalidKey(ValueError):
    """The key could escape the storage root or break a URL; keys are made by the app, not users."""

    def __init__(self, key: str, reason: str) -> None:
        super().__init__(f"invalid storage key {key!r}: {reason}")
        self.key = key
        self.reason = reason


def validate_key(key: str) -> str:
    """Return the key unchanged if every backend can store it safely, else raise `InvalidKey`.

    Refused: empty keys, absolute paths, backslashes, `.`/`..`/empty segments, segments starting
    with a dot (hidden files, and the local backend's temporary files), control characters and
    keys longer than 512 UTF-8 bytes.
    """
    if not isinstance(key, str) or not key:
        raise InvalidKey(str(key), "empty")
    if len(key.encode("utf-8")) > MAX_KEY_BYTES:
        raise InvalidKey(key, f"longer than {MAX_KEY_BYTES} bytes")
    if key.startswith("/"):
        raise InvalidKey(key, "absolute path")
    if "\\" in key:
        raise InvalidKey(key, "backslash")
    if _CONTROL.search(key):
        raise InvalidKey(key, "control character")
    for segment in key.split("/"):
        if segment in ("", ".", ".."):
            raise InvalidKey(key, f"path segment {segment!r}")
        if segment.startswith("."):
            raise InvalidKey(key, "segment starting with a dot")
    return key


@runtime_checkable
class Storage(Protocol):
    """Where uploaded media and their renditions live.

    Every method blocks (file system or network I/O); async callers run them in a thread pool.
    Objects are private unless saved with `public=True` or later made public with `set_public`:
    published media become public, unpublished media private again.
    """

    def save(self, key: str, data: bytes | BinaryIO, content_type: str, *, public: bool = False) -> None:
        """Store (or replace) the object atomically: readers see the old bytes or the new, never a mix."""
        ...

    def read(self, key: str) -> bytes:
        """Return all bytes of the object; raise `NotFoundInStorage` if missing."""
        ...

    def stream(
        self, key: str, start: int = 0, end: int | None = None, chunk_size: int = 65536
    ) -> Iterator[bytes]:
        """Yield the bytes `start..end` (inclusive, like an HTTP range; `end=None` means to the last byte).

        The object is opened eagerly: a missing key raises `NotFoundInStorage` from the call itself,
        not from the first iteration. Bounds past the end are clipped, as with a Python slice.
        """
        ...

    def delete(self, key: str) -> None:
        """Remove the object; deleting a missing key is not an error."""
        ...

    def exists(self, key: str) -> bool: ...

    def stat(self, key: str) -> ObjectInfo:
        """Size, content type, etag and modification time; raise `NotFoundInStorage` if missing."""
        ...

    def set_public(self, key: str, public: bool) -> None:
        """Make the object readable anonymously (published) or not (unpublished)."""
        ...

    def is_public(self, key: str) -> bool:
        """Whether anonymous readers may fetch the object; False for a missing key."""
        ...

    def url(self, key: str, *, public: bool) -> str:
        """A URL a browser can fetch.

        `public=True`: the stable anonymous URL (works only while the object is public).
        `public=False`: a signed URL with a short expiry that works for private objects.
        """
        ...

    def presigned_put(self, key: str, content_type: str, expires: timedelta) -> str:
        """A URL to which a client can PUT the bytes of a large file directly; the object is private."""
        ...


def clip_range(size: int, start: int, end: int | None) -> tuple[int, int] | None:
    """The inclusive byte range `start..end` clipped to an object of `size` bytes, or None if empty."""
    if start < 0:
        raise ValueError("start must be >= 0")
    last = size - 1 if end is None else min(end, size - 1)
    if start > last:
        return None
    return start, last
