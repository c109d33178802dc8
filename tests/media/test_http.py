"""The local backend's routes over a real HTTP server (uvicorn in a thread), with httpx."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest

from media.local import LocalStorage

from .conftest import SECRET, SHORT, LocalSite, local_app, serve

BODY = bytes(range(256)) * 4  # 1024 bytes


@pytest.fixture
def site(local_site: LocalSite) -> LocalSite:
    return local_site


@pytest.fixture
def key() -> str:
    return f"http/{uuid.uuid4().hex}/photo.jpg"


@pytest.fixture
def public_key(site: LocalSite, key: str) -> str:
    site.storage.save(key, BODY, "image/jpeg", public=True)
    return key


@pytest.fixture
def private_key(site: LocalSite, key: str) -> str:
    site.storage.save(key, BODY, "image/jpeg")
    return key


def get(url: str, **headers: str) -> httpx.Response:
    return httpx.get(url, headers=headers, timeout=30)


class TestPublicGet:
    def test_headers(self, site: LocalSite, public_key: str):
        response = get(site.storage.url(public_key, public=True))
        assert response.status_code == 200
        assert response.content == BODY
        h = response.headers
        assert h["content-type"] == "image/jpeg"
        assert h["content-length"] == str(len(BODY))
        assert h["accept-ranges"] == "bytes"
        assert h["x-content-type-options"] == "nosniff"
        assert h["cache-control"] == "public, max-age=31536000"
        assert h["etag"] == f'"{site.storage.stat(public_key).etag}"'
        assert "last-modified" in h
        assert "sandbox" in h["content-security-policy"]
        assert "content-disposition" not in h

    @pytest.mark.parametrize("form", ["{etag}", "W/{etag}", '"other", {etag}', "*"])
    def test_if_none_match_gives_304(self, site: LocalSite, public_key: str, form: str):
        url = site.storage.url(public_key, public=True)
        etag = get(url).headers["etag"]
        response = get(url, **{"If-None-Match": form.format(etag=etag)})
        assert response.status_code == 304
        assert response.content == b""
        assert response.headers["etag"] == etag
        assert response.headers["cache-control"].startswith("public")

    def test_stale_etag_gives_200(self, site: LocalSite, public_key: str):
        response = get(site.storage.url(public_key, public=True), **{"If-None-Match": '"stale"'})
        assert response.status_code == 200
        assert response.content == BODY

    def test_head(self, site: LocalSite, public_key: str):
        response = httpx.head(site.storage.url(public_key, public=True), timeout=30)
        assert response.status_code == 200
        assert response.content == b""
        assert response.headers["content-length"] == str(len(BODY))
        assert response.headers["content-type"] == "image/jpeg"

    def test_private_object_refused_without_signature(self, site: LocalSite, private_key: str):
        response = get(site.storage.url(private_key, public=True))
        assert response.status_code == 403
        assert BODY not in response.content
        assert response.headers["x-content-type-options"] == "nosniff"

    def test_missing_object_looks_like_private(self, site: LocalSite):
        # Anonymous readers cannot tell a missing key from a private one.
        assert get(f"{site.base_url}/media/http/never-there.jpg").status_code == 403

    @pytest.mark.parametrize("path", ["/media/.hidden", "/media/a/%2E%2E/%2E%2E/etc/passwd", "/media/a%5Cb"])
    def test_unsafe_key_in_path(self, site: LocalSite, path: str):
        response = httpx.get(site.base_url + path, timeout=30)
        assert response.status_code == 404


class TestRanges:
    @pytest.mark.parametrize(
        ("header", "first", "last"),
        [("bytes=0-9", 0, 9), ("bytes=1000-", 1000, 1023), ("bytes=-24", 1000, 1023), ("bytes=1020-5000", 1020, 1023)],
    )
    def test_partial_content(self, site: LocalSite, public_key: str, header: str, first: int, last: int):
        response = get(site.storage.url(public_key, public=True), Range=header)
        assert response.status_code == 206
        assert response.content == BODY[first : last + 1]
        assert response.headers["content-range"] == f"bytes {first}-{last}/{len(BODY)}"
        assert response.headers["content-length"] == str(last - first + 1)

    @pytest.mark.parametrize("header", ["bytes=1024-", "bytes=5000-6000", "bytes=-0"])
    def test_unsatisfiable(self, site: LocalSite, public_key: str, header: str):
        response = get(site.storage.url(public_key, public=True), Range=header)
        assert response.status_code == 416
        assert response.headers["content-range"] == f"bytes */{len(BODY)}"

    @pytest.mark.parametrize("header", ["bytes=0-1,5-6", "bytes=abc", "items=0-1", "bytes=9-2"])
    def test_ignored_range_serves_everything(self, site: LocalSite, public_key: str, header: str):
        response = get(site.storage.url(public_key, public=True), Range=header)
        assert response.status_code == 200
        assert response.content == BODY

    def test_if_range_with_changed_etag_serves_everything(self, site: LocalSite, public_key: str):
        url = site.storage.url(public_key, public=True)
        assert get(url, Range="bytes=0-1", **{"If-Range": '"old"'}).status_code == 200
        etag = get(url).headers["etag"]
        assert get(url, Range="bytes=0-1", **{"If-Range": etag}).status_code == 206

    def test_range_on_signed_private_url(self, site: LocalSite, private_key: str):
        response = get(site.storage.url(private_key, public=False), Range="bytes=10-19")
        assert response.status_code == 206
        assert response.content == BODY[10:20]


class TestSignedGet:
    def test_signed_private_access(self, site: LocalSite, private_key: str):
        response = get(site.storage.url(private_key, public=False))
        assert response.status_code == 200
        assert response.content == BODY
        assert response.headers["cache-control"] == "private, no-store"
        assert response.headers["x-content-type-options"] == "nosniff"

    def test_signed_url_for_missing_object(self, site: LocalSite):
        assert get(site.storage.url("http/never-there.jpg", public=False)).status_code == 404

    def test_is_public_callback_decides(self, tmp_path):
        storage_holder: list[LocalStorage] = []

        async def published(key: str) -> bool:
            return key.startswith("published/")

        def make_app(base_url: str):
            storage_holder.append(LocalStorage(tmp_path, base_url, SECRET))
            return local_app(storage_holder[0], is_public=published)

        with serve(make_app) as _:
            storage = storage_holder[0]
            storage.save("published/a.png", b"a", "image/png")  # private flag, but the app says published
            storage.save("draft/b.png", b"b", "image/png", public=True)  # public flag, app says draft
            assert get(storage.url("published/a.png", public=True)).status_code == 200
            assert get(storage.url("draft/b.png", public=True)).status_code == 403


class TestUntrustedTypes:
    def test_non_media_type_is_downloaded_not_rendered(self, site: LocalSite, key: str):
        # Bytes that arrived by presigned PUT are served before media.checks has judged them.
        url = site.storage.presigned_put(key, "text/html", SHORT)
        html = b"<script>alert(document.cookie)</script>"
        assert httpx.put(url, content=html, headers={"Content-Type": "text/html"}, timeout=30).status_code == 200
        response = get(site.storage.url(key, public=False))
        assert response.headers["content-disposition"] == "attachment"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "sandbox" in response.headers["content-security-policy"]

    def test_pdf_is_inline_without_sandbox(self, site: LocalSite, key: str):
        site.storage.save(key, b"%PDF-1.7 ...", "application/pdf", public=True)
        response = get(site.storage.url(key, public=True))
        assert "content-disposition" not in response.headers
        assert "content-security-policy" not in response.headers


class TestPresignedPut:
    def test_upload(self, site: LocalSite, key: str):
        url = site.storage.presigned_put(key, "image/png", SHORT)
        assert url.startswith(f"{site.base_url}/media-upload/")
        response = httpx.put(url, content=BODY, headers={"Content-Type": "image/png"}, timeout=30)
        assert response.status_code == 200
        assert response.headers["etag"] == f'"{site.storage.stat(key).etag}"'
        assert site.storage.read(key) == BODY
        assert site.storage.stat(key).content_type == "image/png"
        assert not site.storage.is_public(key)

    def test_streamed_upload_without_length(self, site: LocalSite, key: str):
        url = site.storage.presigned_put(key, "application/pdf", SHORT)

        def body() -> Iterator[bytes]:
            yield from (BODY[i : i + 100] for i in range(0, len(BODY), 100))

        response = httpx.put(url, content=body(), headers={"Content-Type": "application/pdf"}, timeout=30)
        assert response.status_code == 200
        assert site.storage.read(key) == BODY

    def test_content_type_must_match_signature(self, site: LocalSite, key: str):
        url = site.storage.presigned_put(key, "image/png", SHORT)
        response = httpx.put(url, content=b"<svg/>", headers={"Content-Type": "image/svg+xml"}, timeout=30)
        assert response.status_code == 403
        assert not site.storage.exists(key)

    def test_signed_content_type_cannot_be_edited(self, site: LocalSite, key: str):
        url = site.storage.presigned_put(key, "image/png", SHORT).replace("ct=image%2Fpng", "ct=text%2Fhtml")
        response = httpx.put(url, content=b"<html>", headers={"Content-Type": "text/html"}, timeout=30)
        assert response.status_code == 403
        assert not site.storage.exists(key)


@pytest.fixture(scope="module")
def tiny_limit_site(tmp_path_factory) -> Iterator[LocalStorage]:
    root = tmp_path_factory.mktemp("tiny-limit")
    holder: list[LocalStorage] = []

    def make_app(base_url: str):
        holder.append(LocalStorage(root, base_url, SECRET))
        return local_app(holder[0], upload_max_bytes=1000)

    with serve(make_app):
        yield holder[0]


class TestUploadLimit:
    def test_declared_length_over_limit(self, tiny_limit_site: LocalStorage):
        url = tiny_limit_site.presigned_put("big/declared.bin", "application/pdf", SHORT)
        response = httpx.put(url, content=b"x" * 4000, headers={"Content-Type": "application/pdf"}, timeout=30)
        assert response.status_code == 413
        assert not tiny_limit_site.exists("big/declared.bin")

    def test_streamed_body_over_limit(self, tiny_limit_site: LocalStorage):
        url = tiny_limit_site.presigned_put("big/streamed.bin", "application/pdf", SHORT)

        def body() -> Iterator[bytes]:
            for _ in range(8):
                yield b"y" * 500

        response = httpx.put(url, content=body(), headers={"Content-Type": "application/pdf"}, timeout=30)
        assert response.status_code == 413
        assert not tiny_limit_site.exists("big/streamed.bin")

    def test_at_limit_is_accepted(self, tiny_limit_site: LocalStorage):
        url = tiny_limit_site.presigned_put("big/exact.bin", "application/pdf", SHORT)
        response = httpx.put(url, content=b"z" * 1000, headers={"Content-Type": "application/pdf"}, timeout=30)
        assert response.status_code == 200


def test_url_quotes_keys(local_site: LocalSite):
    url = local_site.storage.url("新闻/a b#c.jpg", public=True)
    assert url == f"{local_site.base_url}/media/{quote('新闻/a b#c.jpg')}"
