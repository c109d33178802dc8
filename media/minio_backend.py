"""Visibility is a key prefix: the object for key `k` is stored as `private/k` or `public/k`, never
both for long. The bucket policy lets anyone `s3:GetObject` on `public/*` and nothing else, so
publishing is a server-side copy to `public/k` followed by deleting `private/k` (and the reverse to
unpublish). This is the scheme real MinIO (and S3) supports: MinIO ignores object ACLs, and a
prefix policy is one statement an operator can read. Readers that do not know the visibility look
in `private/` first, then `public/`."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import BinaryIO
from urllib.parse import quote, urlsplit

from minio import Minio
from minio.commonconfig import CopySource
from minio.error import S3Error

from media.storage import NotFoundInStorage, ObjectInfo, validate_key

PUBLIC_PREFIX = "public/"
PRIVATE_PREFIX = "private/"
_MISSING_CODES = frozenset({"NoSuchKey", "NoSuchObject", "ResourceNotFound"})
_PART_SIZE = 16 * 1024 * 1024


def _now() -> datetime:
    return datetime.now(UTC)


def _missing(error: S3Error) -> bool:
    return error.code in _MISSING_CODES


class MinioStorage:
    """A `Storage` in a MinIO (or any S3-compatible) bucket, through the `minio` SDK.

    The bucket is created on first use if missing, and the public-prefix read statement is merged
    into its policy (statements an operator added are kept; `manage_policy=False` leaves the policy
    to the operator, or to a server without policies such as s3rver). Private media are served by presigned
    GET URLs that expire after `presign_expiry`; public media by plain URLs under
    `public_base_url`, which is the URL of the bucket root as browsers see it (a CDN or reverse
    proxy in production; default `http(s)://endpoint/bucket`).
    """

    def __init__(
        self,
        endpoint: str,
        access_key: str,
        secret_key: str,
        bucket: str,
        secure: bool = False,
        region: str = "us-east-1",
        public_base_url: str | None = None,
        presign_expiry: timedelta = timedelta(minutes=10),
        *,
        manage_policy: bool = True,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        if "://" in endpoint:
            parts = urlsplit(endpoint)
            secure = parts.scheme == "https"
            endpoint = parts.netloc
        self.client = Minio(endpoint, access_key, secret_key, secure=secure, region=region)
        self.bucket = bucket
        self.region = region
        scheme = "https" if secure else "http"
        self.public_base_url = (public_base_url or f"{scheme}://{endpoint}/{bucket}").rstrip("/")
        self.presign_expiry = presign_expiry
        self.manage_policy = manage_policy
        self._clock = clock
        self._ready = False
        self._ready_lock = threading.Lock()

    # -- bucket ------------------------------------------------------------------------------

    def public_read_statement(self) -> dict:
        return {
            "Sid": "PublicMediaRead",
            "Effect": "Allow",
            "Principal": {"AWS": ["*"]},
            "Action": ["s3:GetObject"],
            "Resource": [f"arn:aws:s3:::{self.bucket}/{PUBLIC_PREFIX}*"],
        }

    def ensure_bucket(self) -> None:
        """Create the bucket if missing and make sure its policy opens `public/*` to anonymous reads."""
        if self._ready:
            return
        with self._ready_lock:
            if self._ready:
                return
            if not self.client.bucket_exists(self.bucket):
                try:
                    self.client.make_bucket(self.bucket, location=self.region)
                except S3Error as error:
                    # Another process created it between our check and our request.
                    if error.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                        raise
            if self.manage_policy:
                self._ensure_policy()
            self._ready = True

    def _ensure_policy(self) -> None:
        ours = self.public_read_statement()
        try:
            policy = json.loads(self.client.get_bucket_policy(self.bucket))
        except S3Error as error:
            if error.code != "NoSuchBucketPolicy":
                raise
            policy = {"Version": "2012-10-17", "Statement": []}
        statements = policy.setdefault("Statement", [])
        if any(s.get("Sid") == ours["Sid"] or s == ours for s in statements):
            return
        statements.append(ours)
        self.client.set_bucket_policy(self.bucket, json.dumps(policy))

    # -- helpers -----------------------------------------------------------------------------

    @staticmethod
    def _name(key: str, public: bool) -> str:
        return (PUBLIC_PREFIX if public else PRIVATE_PREFIX) + key

    def _stat_where(self, key: str) -> tuple[bool, object]:
        """(public, minio stat) of the stored object, private location first."""
        validate_key(key)
        self.ensure_bucket()
        for public in (False, True):
            try:
                return public, self.client.stat_object(self.bucket, self._name(key, public))
            except S3Error as error:
                if not _missing(error):
                    raise
        raise NotFoundInStorage(key)

    def _open(self, key: str, offset: int = 0, length: int = 0):
        validate_key(key)
        self.ensure_bucket()
        for public in (False, True):
            try:
                return self.client.get_object(self.bucket, self._name(key, public), offset=offset, length=length)
            except S3Error as error:
                if not _missing(error):
                    raise
        raise NotFoundInStorage(key)

    # -- Storage -----------------------------------------------------------------------------

    def save(self, key: str, data: bytes | BinaryIO, content_type: str, *, public: bool = False) -> None:
        validate_key(key)
        self.ensure_bucket()
        if isinstance(data, bytes | bytearray | memoryview):
            body: BinaryIO = io.BytesIO(data)
            length = len(data)
        elif data.seekable():
            here = data.tell()
            length = data.seek(0, io.SEEK_END) - here
            data.seek(here)
            body = data
        else:
            body, length = data, -1
        self.client.put_object(
            self.bucket,
            self._name(key, public),
            body,
            length,
            content_type=content_type,
            part_size=_PART_SIZE if length < 0 else 0,
        )
        # A key lives under one prefix: drop a copy left under the other one by an earlier save.
        self.client.remove_object(self.bucket, self._name(key, not public))

    def read(self, key: str) -> bytes:
        response = self._open(key)
        try:
            return response.read()
        finally:
            response.close()
            response.release_conn()

    def stream(
        self, key: str, start: int = 0, end: int | None = None, chunk_size: int = 65536
    ) -> Iterator[bytes]:
        if start < 0:
            raise ValueError("start must be >= 0")
        if end is not None and end < start:
            self.stat(key)  # still report a missing key
            return iter(())
        length = 0 if end is None else end - start + 1  # 0 means "to the end" for the SDK
        try:
            response = self._open(key, offset=start, length=length)
        except S3Error as error:
            if error.code != "InvalidRange":  # start beyond the last byte: an empty slice
                raise
            return iter(())
        # HTTP lets a server ignore Range (200) or send a wider one (s3rver answers "bytes=0-0" with
        # the whole object as 206): slice what arrived to what was asked for.
        served_from = _served_from(response.status, response.headers.get("Content-Range"))
        if served_from > start:
            response.close()
            response.release_conn()
            raise ValueError(f"server sent bytes from {served_from}, asked for {start}")
        return _slice(_response_chunks(response, chunk_size), start - served_from, length or None)

    def delete(self, key: str) -> None:
        validate_key(key)
        self.ensure_bucket()
        for public in (False, True):
            self.client.remove_object(self.bucket, self._name(key, public))

    def exists(self, key: str) -> bool:
        try:
            self._stat_where(key)
        except NotFoundInStorage:
            return False
        return True

    def stat(self, key: str) -> ObjectInfo:
        _, found = self._stat_where(key)
        modified = found.last_modified
        if modified is not None and modified.tzinfo is None:
            modified = modified.replace(tzinfo=UTC)
        return ObjectInfo(
            key=key,
            size=found.size,
            content_type=found.content_type or "application/octet-stream",
            etag=(found.etag or "").strip('"'),
            modified=modified or self._clock(),
        )

    def set_public(self, key: str, public: bool) -> None:
        is_public, _ = self._stat_where(key)
        if is_public == public:
            return
        target = self._name(key, public)
        self.client.copy_object(self.bucket, target, CopySource(self.bucket, self._name(key, is_public)))
        self.client.remove_object(self.bucket, self._name(key, is_public))

    def is_public(self, key: str) -> bool:
        validate_key(key)
        self.ensure_bucket()
        try:
            self.client.stat_object(self.bucket, self._name(key, True))
        except S3Error as error:
            if _missing(error):
                return False
            raise
        return True

    def url(self, key: str, *, public: bool) -> str:
        """`public=True`: the anonymous URL of `public/<key>`; `public=False`: a presigned GET of `private/<key>`.

        No request is made: `public` must match the object's visibility as the app records it
        (the published flag), otherwise the URL answers 403/404.
        """
        validate_key(key)
        if public:
            return f"{self.public_base_url}/{quote(self._name(key, True))}"
        return self.client.presigned_get_object(
            self.bucket, self._name(key, False), expires=self.presign_expiry, request_date=self._clock()
        )

    def presigned_put(self, key: str, content_type: str, expires: timedelta) -> str:
        """A presigned PUT to `private/<key>`.

        SigV4 query presigning cannot bind the Content-Type header, so `content_type` is advisory:
        the client must send it, and the app checks the bytes (`media.checks`) before using them.
        """
        validate_key(key)
        self.ensure_bucket()
        return self.client.get_presigned_url(
            "PUT", self.bucket, self._name(key, False), expires=expires, request_date=self._clock()
        )


def _response_chunks(response, chunk_size: int) -> Iterator[bytes]:
    try:
        yield from response.stream(chunk_size)
    finally:
        response.close()
        response.release_conn()


def _served_from(status: int, content_range: str | None) -> int:
    if status != 206 or not content_range:
        return 0
    # "bytes 100-199/1000"
    first = content_range.removeprefix("bytes").strip().split("-", 1)[0]
    return int(first) if first.isdigit() else 0


def _slice(chunks: Iterator[bytes], skip: int, limit: int | None) -> Iterator[bytes]:
    for chunk in chunks:
        if skip:
            if skip >= len(chunk):
                skip -= len(chunk)
                continue
            chunk, skip = chunk[skip:], 0
        if limit is not None:
            chunk = chunk[:limit]
            limit -= len(chunk)
        if chunk:
            yield chunk
        if limit == 0:
            return
