"""Objects live under `root/objects/<key>`; what a file system cannot hold (content type, etag,
public flag) lives beside it in `root/meta/<key>.json`. Both are written to a temporary file in the
same directory and renamed into place, so a reader never sees half a file."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote, urlencode

from media.storage import InvalidKey, NotFoundInStorage, ObjectInfo, clip_range, validate_key

_COPY_CHUNK = 1024 * 1024


def _now() -> datetime:
    return datetime.now(UTC)


class LocalStorage:
    """A `Storage` in a local directory, served by the app itself (see `media.http.media_routes`).

    Private objects are reached through app URLs signed with HMAC-SHA256 over the method, the key,
    the expiry time (and, for uploads, the content type), using `secret`.
    """

    def __init__(
        self,
        root: Path,
        base_url: str,
        secret: str,
        *,
        url_expiry: timedelta = timedelta(minutes=10),
        clock: Callable[[], datetime] = _now,
    ) -> None:
        if not secret:
            raise ValueError("LocalStorage needs a secret to sign private URLs")
        self.root = Path(root).resolve()
        self.base_url = base_url.rstrip("/")
        self._secret = secret.encode("utf-8")
        self.url_expiry = url_expiry
        self._clock = clock
        self._objects = self.root / "objects"
        self._meta = self.root / "meta"
        self._objects.mkdir(parents=True, exist_ok=True)
        self._meta.mkdir(parents=True, exist_ok=True)

    # -- paths -------------------------------------------------------------------------------

    def _paths(self, key: str) -> tuple[Path, Path]:
        validate_key(key)
        data = (self._objects / key).resolve()
        meta = (self._meta / (key + ".json")).resolve()
        # Defence in depth: validate_key already refuses `..`, but a symlink planted inside the
        # root must not lead outside it either.
        if not data.is_relative_to(self._objects) or not meta.is_relative_to(self._meta):
            raise InvalidKey(key, "leads outside the storage root")
        return data, meta

    def _read_meta(self, key: str, meta: Path) -> dict:
        try:
            return json.loads(meta.read_bytes())
        except FileNotFoundError:
            raise NotFoundInStorage(key) from None

    # -- Storage -----------------------------------------------------------------------------

    def save(self, key: str, data: bytes | BinaryIO, content_type: str, *, public: bool = False) -> None:
        path, meta = self._paths(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        meta.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.md5(usedforsecurity=False)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out:
                if isinstance(data, bytes | bytearray | memoryview):
                    digest.update(data)
                    out.write(data)
                else:
                    while chunk := data.read(_COPY_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
                written = os.fstat(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        # The file's size and mtime go into the metadata, so a reader can tell metadata left from an
        # earlier version (a crash or a concurrent save between the two renames) from current metadata.
        self._write_meta(
            meta,
            {
                "content_type": content_type,
                "etag": digest.hexdigest(),
                "public": public,
                "size": written.st_size,
                "mtime_ns": written.st_mtime_ns,
            },
        )

    def _write_meta(self, meta: Path, values: dict) -> None:
        fd, tmp = tempfile.mkstemp(dir=meta.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(values, out)
            os.replace(tmp, meta)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise

    def read(self, key: str) -> bytes:
        path, _ = self._paths(key)
        try:
            return path.read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            raise NotFoundInStorage(key) from None

    def stream(
        self, key: str, start: int = 0, end: int | None = None, chunk_size: int = 65536
    ) -> Iterator[bytes]:
        path, _ = self._paths(key)
        try:
            st = path.stat()
        except FileNotFoundError:
            raise NotFoundInStorage(key) from None
        if not path.is_file():
            raise NotFoundInStorage(key)
        # The file is opened by the generator, so an iterator that is never consumed holds no handle.
        return _file_chunks(key, path, clip_range(st.st_size, start, end), chunk_size)

    def delete(self, key: str) -> None:
        path, meta = self._paths(key)
        for p in (path, meta):
            with contextlib.suppress(FileNotFoundError):
                p.unlink()

    def exists(self, key: str) -> bool:
        path, _ = self._paths(key)
        return path.is_file()

    def stat(self, key: str) -> ObjectInfo:
        path, meta = self._paths(key)
        try:
            st = path.stat()
        except FileNotFoundError:
            raise NotFoundInStorage(key) from None
        if not path.is_file():
            raise NotFoundInStorage(key)
        try:
            values = self._read_meta(key, meta)
        except NotFoundInStorage:
            values = {}
        etag = values.get("etag")
        if (values.get("size"), values.get("mtime_ns")) != (st.st_size, st.st_mtime_ns):
            # Metadata missing or describing other bytes: fall back to a validator from the file.
            etag = f"{st.st_size:x}-{st.st_mtime_ns:x}"
        return ObjectInfo(
            key=key,
            size=st.st_size,
            content_type=values.get("content_type", "application/octet-stream"),
            etag=etag,
            modified=datetime.fromtimestamp(st.st_mtime, UTC),
        )

    def set_public(self, key: str, public: bool) -> None:
        path, meta = self._paths(key)
        try:
            values = self._read_meta(key, meta)
        except NotFoundInStorage:
            if not path.is_file():
                raise
            values = {"content_type": self.stat(key).content_type}  # metadata lost: recreate it
            meta.parent.mkdir(parents=True, exist_ok=True)
        if values.get("public") != public:
            self._write_meta(meta, {**values, "public": public})

    def is_public(self, key: str) -> bool:
        _, meta = self._paths(key)
        try:
            return bool(self._read_meta(key, meta).get("public"))
        except NotFoundInStorage:
            return False

    def url(self, key: str, *, public: bool) -> str:
        validate_key(key)
        base = f"{self.base_url}/media/{quote(key)}"
        if public:
            return base
        expires = self._expires_at(self.url_expiry)
        return f"{base}?" + urlencode({"expires": expires, "sig": self._sign("GET", key, expires)})

    def presigned_put(self, key: str, content_type: str, expires: timedelta) -> str:
        validate_key(key)
        at = self._expires_at(expires)
        query = {"expires": at, "sig": self._sign("PUT", key, at, content_type), "ct": content_type}
        return f"{self.base_url}/media-upload/{quote(key)}?" + urlencode(query)

    # -- signing -----------------------------------------------------------------------------

    def _expires_at(self, delta: timedelta) -> int:
        return int((self._clock() + delta).timestamp())

    def _sign(self, method: str, key: str, expires: int, content_type: str = "") -> str:
        message = f"{method}\n{key}\n{expires}\n{content_type}".encode()
        mac = hmac.new(self._secret, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")

    def verify_signed(
        self, key: str, expires: str | int, sig: str, *, method: str = "GET", content_type: str = ""
    ) -> bool:
        """True if `sig` was made by this storage for this key (and method, content type) and has not expired.

        The comparison is constant-time; malformed input is simply not valid.
        """
        try:
            at = int(expires)
        except (TypeError, ValueError):
            return False
        if at < self._clock().timestamp():
            return False
        expected = self._sign(method, key, at, content_type)
        return hmac.compare_digest(expected.encode("ascii"), str(sig).encode("utf-8", "replace"))


def _file_chunks(key: str, path: Path, span: tuple[int, int] | None, chunk_size: int) -> Iterator[bytes]:
    if span is None:
        return
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise NotFoundInStorage(key) from None
    with handle:
        start, last = span
        handle.seek(start)
        remaining = last - start + 1
        while remaining > 0:
            chunk = handle.read(min(chunk_size, remaining))
            if not chunk:
                return
            remaining -= len(chunk)
            yield chunk

