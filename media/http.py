"""Serving rules: a URL with `expires`/`sig` is a signed private access and must verify (403
otherwise, even for public objects); a URL without them works only for public objects, and a private
or missing object answers 403 alike, so anonymous readers cannot probe which keys exist."""

from __future__ import annotations

import tempfile
from collections.abc import Awaitable, Callable
from email.utils import format_datetime

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from media.local import LocalStorage
from media.storage import InvalidKey, NotFoundInStorage, ObjectInfo, validate_key

DEFAULT_UPLOAD_MAX_BYTES = 50 * 1024 * 1024
ONE_YEAR = 365 * 24 * 3600
_SPOOL_BYTES = 1024 * 1024
# Types a browser may render in place. Anything else (for instance bytes uploaded through a presigned
# PUT before `media.checks` has looked at them) is sent as a download.
_INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif", "application/pdf"})

IsPublic = Callable[[str], Awaitable[bool]]


class _Unsatisfiable(Exception):
    pass


def _plain(status: int, text: str) -> Response:
    return Response(
        text + "\n",
        status_code=status,
        media_type="text/plain",
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"},
    )


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """The single inclusive byte range a `Range` header asks for, clipped to `size`.

    None means "ignore the header and send everything" (malformed, not bytes, or several ranges,
    which RFC 9110 lets a server ignore); `_Unsatisfiable` means 416.
    """
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, dash, last = spec.strip().partition("-")
    if not dash:
        return None
    first, last = first.strip(), last.strip()
    if first == "":
        if not last.isdigit():
            return None
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise _Unsatisfiable
        return max(0, size - suffix), size - 1
    if not first.isdigit() or (last and not last.isdigit()):
        return None
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= size:
        raise _Unsatisfiable
    return start, min(int(last), size - 1) if last else size - 1


def _etag_matches(header: str, etag: str) -> bool:
    # If-None-Match uses the weak comparison: W/"x" matches "x".
    if header.strip() == "*":
        return True
    candidates = (c.strip().removeprefix("W/") for c in header.split(","))
    return etag in candidates


def media_routes(
    storage: LocalStorage,
    is_public: IsPublic | None = None,
    *,
    upload_max_bytes: int = DEFAULT_UPLOAD_MAX_BYTES,
    public_max_age: int = ONE_YEAR,
) -> list[Route]:
    """Routes serving a `LocalStorage`: GET/HEAD `/media/{key}` and PUT `/media-upload/{key}`.

    `is_public(key)` decides anonymous access (the app asks its database whether the medium is
    published); without it the storage's own public flag is used. Public responses are cacheable
    for `public_max_age` seconds; signed private ones are `private, no-store`. Presigned uploads
    larger than `upload_max_bytes` are refused with 413.
    """

    async def public(key: str) -> bool:
        if is_public is not None:
            return await is_public(key)
        return await run_in_threadpool(storage.is_public, key)

    async def get_media(request: Request) -> Response:
        key = request.path_params["key"]
        try:
            validate_key(key)
        except InvalidKey:
            return _plain(404, "not found")
        query = request.query_params
        signed = "sig" in query or "expires" in query
        if signed:
            if not storage.verify_signed(key, query.get("expires", ""), query.get("sig", "")):
                return _plain(403, "invalid or expired signature")
        elif not await public(key):
            return _plain(403, "forbidden")
        try:
            info = await run_in_threadpool(storage.stat, key)
        except NotFoundInStorage:
            return _plain(404, "not found")
        return await _respond(request, key, info, private=signed)

    async def _respond(request: Request, key: str, info: ObjectInfo, *, private: bool) -> Response:
        etag = f'"{info.etag}"'
        headers = {
            "ETag": etag,
            "Last-Modified": format_datetime(info.modified, usegmt=True),
            "Accept-Ranges": "bytes",
            "Cache-Control": "private, no-store" if private else f"public, max-age={public_max_age}",
            "X-Content-Type-Options": "nosniff",
        }
        if info.content_type != "application/pdf":
            # Browsers' PDF viewers refuse to run in a sandbox; everything else gets one.
            headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
        inm = request.headers.get("if-none-match")
        if inm is not None and _etag_matches(inm, etag):
            return Response(status_code=304, headers=headers)

        span: tuple[int, int] | None = None
        range_header = request.headers.get("range")
        if_range = request.headers.get("if-range")
        if range_header and (if_range is None or if_range.strip() in (etag, headers["Last-Modified"])):
            try:
                span = parse_range(range_header, info.size)
            except _Unsatisfiable:
                headers["Content-Range"] = f"bytes */{info.size}"
                return Response(status_code=416, headers=headers)

        headers["Content-Type"] = info.content_type
        if info.content_type not in _INLINE_TYPES:
            headers["Content-Disposition"] = "attachment"
        status = 200
        start, end = 0, info.size - 1
        if span is not None:
            start, end = span
            status = 206
            headers["Content-Range"] = f"bytes {start}-{end}/{info.size}"
        headers["Content-Length"] = str(end - start + 1)
        if request.method == "HEAD":
            return Response(status_code=status, headers=headers)
        try:
            chunks = await run_in_threadpool(storage.stream, key, start, end)
        except NotFoundInStorage:
            return _plain(404, "not found")
        return StreamingResponse(chunks, status_code=status, headers=headers)

    async def put_upload(request: Request) -> Response:
        key = request.path_params["key"]
        try:
            validate_key(key)
        except InvalidKey:
            return _plain(404, "not found")
        query = request.query_params
        content_type = query.get("ct", "")
        if not storage.verify_signed(
            key, query.get("expires", ""), query.get("sig", ""), method="PUT", content_type=content_type
        ):
            return _plain(403, "invalid or expired signature")
        if request.headers.get("content-type", "") != content_type:
            return _plain(403, "Content-Type differs from the signed one")
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > upload_max_bytes):
            return _plain(413, f"larger than {upload_max_bytes} bytes")
        with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as body:
            received = 0
            async for chunk in request.stream():
                received += len(chunk)
                if received > upload_max_bytes:
                    return _plain(413, f"larger than {upload_max_bytes} bytes")
                body.write(chunk)
            body.seek(0)
            await run_in_threadpool(storage.save, key, body, content_type, public=False)
        info = await run_in_threadpool(storage.stat, key)
        return Response(status_code=200, headers={"ETag": f'"{info.etag}"'})

    return [
        Route("/media/{key:path}", get_media, methods=["GET", "HEAD"], name="media"),
        Route("/media-upload/{key:path}", put_upload, methods=["PUT"], name="media-upload"),
    ]
