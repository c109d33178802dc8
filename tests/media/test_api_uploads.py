"""Uploading media through the API of a running server, on the local backend and on MinIO (moto):
real files through the GraphQL multipart request spec, crafted bad files, the CSRF and permission
gates in front of the body, and direct (presigned PUT) uploads."""

from __future__ import annotations

import io
import json

import httpx
import pytest
from PIL import ExifTags, Image

from . import samples
from .live import (
    ASSET_URL,
    LIBRARY_COUNT,
    MAX_BODY,
    MEDIA_UPLOAD,
    UPLOAD_CONFIRM,
    UPLOAD_URL_CREATE,
    MediaSite,
    fetch,
    sha256,
)

pytestmark = pytest.mark.db

# A decoded 20000 x 20000 bomb would hold over a gigabyte; a refusal from the header holds nothing.
MEMORY_SLACK_KB = 150 * 1024


def image_bytes(fmt: str, width: int = 640, height: int = 480, **options) -> bytes:
    return samples.encode(samples.photo(width, height), fmt, **options)


def gif_animation() -> bytes:
    frames = [samples.photo(120, 90, seed=i).convert("P") for i in range(3)]
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:], duration=80, loop=0)
    return out.getvalue()


GOOD_FILES = {
    "jpeg": (lambda: image_bytes("JPEG", quality=85), "photo.jpg", "IMAGE", "image/jpeg", (640, 480)),
    "png": (lambda: image_bytes("PNG", 320, 240), "diagram.png", "IMAGE", "image/png", (320, 240)),
    "webp": (lambda: image_bytes("WEBP", 500, 300, quality=80), "photo.webp", "IMAGE", "image/webp", (500, 300)),
    "gif": (gif_animation, "banner.gif", "IMAGE", "image/gif", (120, 90)),
    "pdf": (samples.simple_pdf, "公报2024年第3号.pdf", "DOCUMENT", "application/pdf", (None, None)),
}


@pytest.mark.parametrize("kind", GOOD_FILES)
def test_real_files_upload_and_read_back(media_site: MediaSite, kind: str):
    make, name, expected_kind, content_type, (width, height) = GOOD_FILES[kind]
    content = make()
    before = media_site.library_count()
    asset = media_site.uploaded(content, name, alt="说明", caption="图片说明")
    assert (asset["kind"], asset["contentType"], asset["fileName"]) == (expected_kind, content_type, name)
    assert (asset["width"], asset["height"]) == (width, height)
    assert (asset["altText"], asset["caption"], asset["public"]) == ("说明", "图片说明", False)
    assert media_site.library_count() == before + 1
    # The editor's URL is signed (the asset is private); what it serves is what the checksum says.
    response = fetch(asset["url"])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == content_type
    assert sha256(response.content) == asset["checksum"] and len(response.content) == asset["size"]
    if expected_kind == "DOCUMENT":
        assert response.content == content  # PDFs are kept byte for byte
    else:
        with Image.open(io.BytesIO(response.content)) as stored:
            assert stored.size == (width, height)
            assert getattr(stored, "n_frames", 1) == (3 if kind == "gif" else 1)


def test_gps_and_exif_are_stripped_and_orientation_applied(media_site: MediaSite):
    original = samples.jpeg(400, 300, orientation=6)  # a phone photo held upright, with GPS
    with Image.open(io.BytesIO(original)) as image:
        assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert b"SecretCam" in original
    asset = media_site.uploaded(original, "手机照片.jpg")
    assert (asset["width"], asset["height"]) == (300, 400)  # turned as the EXIF orientation said
    stored = fetch(asset["url"]).content
    for marker in (b"Exif\x00\x00", b"SecretCam"):
        assert marker not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert not image.getexif()


def test_the_same_bytes_give_the_same_asset(media_site: MediaSite):
    content = image_bytes("PNG", 200, 100)
    first = media_site.uploaded(content, "first.png", alt="")
    count = media_site.library_count()
    keys = media_site.stored_keys()
    again = media_site.upload(media_site.editor2, content, "again.png", alt="补上的替代文字")
    assert again["id"] == first["id"] and again["checksum"] == first["checksum"]
    assert again["fileName"] == "first.png"
    assert again["altText"] == "补上的替代文字"  # an empty alt text is filled in, a set one kept
    assert media_site.library_count() == count
    assert media_site.stored_keys() == keys


def truncated_jpeg() -> bytes:
    data = samples.jpeg(300, 200, gps=False)
    return data[: len(data) // 2]


SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
       b'<script>alert(document.cookie)</script><rect width="10" height="10"/></svg>')
BAD_FILES = {
    "html-named-jpg": (lambda: b"<!DOCTYPE html><html><script>alert(1)</script></html>", "photo.jpg",
                       "UNSUPPORTED_TYPE", "HTML"),
    "svg-with-script": (lambda: SVG, "logo.svg", "UNSUPPORTED_TYPE", "SVG"),
    "png-bomb": (lambda: samples.png_bomb(20000, 20000), "big.png", "IMAGE_TOO_LARGE", "megapixels"),
    "oversized-image": (lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * int(1.6 * 1024 * 1024), "huge.png", "TOO_LARGE",
                        "MB"),
    "truncated-jpeg": (truncated_jpeg, "cut.jpg", "CORRUPT", "truncated"),
    "pdf-with-javascript": (lambda: samples.build_pdf(
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>", samples.PAGES, samples.PAGE,
        b"<< /S /JavaScript /JS (app.alert(1)) >>"), "report.pdf", "UNSAFE_CONTENT", "JavaScript"),
    "empty": (lambda: b"", "empty.jpg", "EMPTY", "empty"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_bad_files_are_refused_and_leave_nothing(media_site: MediaSite, case: str):
    make, name, code, detail = BAD_FILES[case]
    content = make()
    count, keys, memory = media_site.library_count(), media_site.stored_keys(), media_site.peak_memory_kb()
    result = media_site.upload(media_site.editor, content, name)
    assert result["__typename"] == "FieldErrors", result
    [error] = result["errors"]
    assert (error["field"], error["code"]) == ("file", code)
    assert detail in error["message"]
    assert media_site.library_count() == count
    assert media_site.stored_keys() == keys
    assert media_site.peak_memory_kb() - memory < MEMORY_SLACK_KB


def test_a_body_over_the_limit_is_refused_while_streaming(media_site: MediaSite):
    count, keys, memory = media_site.library_count(), media_site.stored_keys(), media_site.peak_memory_kb()
    content = b"%PDF-1.7\n" + b"0" * (MAX_BODY + 512 * 1024)
    response = media_site.upload_response(media_site.editor, content, "too-big.pdf")
    assert response.status_code == 413, response.text
    assert "data" not in response.json()

    # Without a Content-Length, the limit applies as the body arrives.
    def chunks():
        boundary = b"--b0undary"
        operations = json.dumps({"query": MEDIA_UPLOAD, "variables": {"input": {"file": None}}}).encode()
        yield boundary + b'\r\nContent-Disposition: form-data; name="operations"\r\n\r\n' + operations + b"\r\n"
        yield boundary + b'\r\nContent-Disposition: form-data; name="map"\r\n\r\n{"0": ["variables.input.file"]}\r\n'
        yield boundary + b'\r\nContent-Disposition: form-data; name="0"; filename="big.pdf"\r\n\r\n%PDF-1.7\n'
        for _ in range(MAX_BODY // 65536 + 8):
            yield b"0" * 65536

    headers = media_site.editor.headers({"GraphQL-Preflight": "1",
                                         "Content-Type": "multipart/form-data; boundary=b0undary"})
    streamed = httpx.post(media_site.server.graphql_url, content=chunks(), headers=headers, timeout=60)
    assert streamed.status_code == 413, streamed.text
    assert media_site.library_count() == count
    assert media_site.stored_keys() == keys
    assert media_site.peak_memory_kb() - memory < MEMORY_SLACK_KB


def test_multipart_without_a_preflight_header_is_refused(media_site: MediaSite):
    count, keys = media_site.library_count(), media_site.stored_keys()
    content = image_bytes("PNG", 64, 64)
    response = media_site.upload_response(media_site.editor, content, preflight=False)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert "GraphQL-Preflight" in error["message"]
    # An empty header does not count either; Apollo's header does.
    assert media_site.upload_response(media_site.editor, content, preflight=False,
                                      headers={"GraphQL-Preflight": ""}).status_code == 400
    assert media_site.library_count() == count
    assert media_site.stored_keys() == keys
    apollo = media_site.upload_response(media_site.editor, content, preflight=False,
                                        headers={"Apollo-Require-Preflight": "true"})
    assert apollo.json()["data"]["mediaUpload"]["__typename"] == "MediaAsset"


def test_anonymous_and_citizens_may_not_upload(media_site: MediaSite):
    count, keys = media_site.library_count(), media_site.stored_keys()
    content = image_bytes("PNG", 48, 48)
    anonymous = media_site.upload_response(media_site.anonymous, content)
    assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"] == "Bearer"
    assert media_site.upload_response(media_site.citizen, content).status_code == 403
    # The same mutation over JSON (no file) is refused by its permission, with an audit row.
    body = media_site.citizen.post(MEDIA_UPLOAD, {"input": {"file": "x"}}).json()
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert media_site.citizen.post(LIBRARY_COUNT).json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert media_site.library_count() == count
    assert media_site.stored_keys() == keys
    # Office staff upload (gazette PDFs, for one).
    assert media_site.upload(media_site.office, content, "office.png")["__typename"] == "MediaAsset"


def test_malformed_multipart_requests_are_refused(media_site: MediaSite):
    url, headers = media_site.server.graphql_url, media_site.editor.headers({"GraphQL-Preflight": "1"})
    operations = json.dumps({"query": MEDIA_UPLOAD, "variables": {"input": {"file": None}}})
    file = {"0": ("a.png", image_bytes("PNG", 16, 16), "image/png")}
    cases = {
        "no map": ({"operations": operations}, file),
        "map to a missing file": ({"operations": operations, "map": '{"1": ["variables.input.file"]}'}, file),
        "map outside variables": ({"operations": operations, "map": '{"0": ["query"]}'}, file),
        "map to a missing path": ({"operations": operations, "map": '{"0": ["variables.other.file"]}'}, file),
        "operations not JSON": ({"operations": "{", "map": '{"0": ["variables.input.file"]}'}, file),
        "batched": ({"operations": f"[{operations}]", "map": '{"0": ["0.variables.input.file"]}'}, file),
    }
    for name, (data, files) in cases.items():
        response = httpx.post(url, headers=headers, data=data, files=files, timeout=30)
        assert response.status_code == 400, (name, response.text)
        assert "data" not in response.json(), name


def test_rendition_urls_serve_images_of_the_right_size(media_site: MediaSite):
    asset = media_site.uploaded(samples.jpeg(1200, 800, gps=False), "大图.jpg")
    expected = {"THUMB": (320, 213), "MEDIUM": (800, 533), "LARGE": (1200, 800), "WECHAT_COVER": (900, 383),
                "SQUARE": (600, 600)}
    keys_before = media_site.stored_keys()
    for rendition, size in expected.items():
        for fmt, content_type in ((None, "image/jpeg"), ("WEBP", "image/webp")):
            url = media_site.editor.ok(ASSET_URL, {"id": asset["id"], "r": rendition, "f": fmt})["node"]["url"]
            response = fetch(url)
            assert response.status_code == 200, (rendition, fmt, response.text)
            assert response.headers["content-type"] == content_type
            with Image.open(io.BytesIO(response.content)) as image:
                assert image.size == size, (rendition, fmt)
    rendered = media_site.stored_keys() - keys_before
    assert len(rendered) == 10 and all(k.startswith("renditions/") for k in rendered)
    # Rendered once: asking again renders nothing new and serves the same object.
    again = media_site.editor.ok(ASSET_URL, {"id": asset["id"], "r": "THUMB", "f": None})["node"]["url"]
    assert fetch(again).status_code == 200
    assert media_site.stored_keys() - keys_before == rendered
    # A document has no renditions.
    pdf = media_site.uploaded(samples.simple_pdf().replace(b"Renda gazette", b"Rendition test"), "doc.pdf")
    assert media_site.editor.ok(ASSET_URL, {"id": pdf["id"], "r": "THUMB", "f": None})["node"]["url"] is None


# ---- direct uploads ------------------------------------------------------------------------------------

def start_direct_upload(site: MediaSite, content_type: str, size: int, name: str = "large.png") -> dict:
    ticket = site.editor.ok(UPLOAD_URL_CREATE, {"input": {"fileName": name, "contentType": content_type,
                                                          "size": size}})["mediaUploadUrlCreate"]
    assert ticket["__typename"] == "MediaUploadTicket", ticket
    assert ticket["contentType"] == content_type
    return ticket


def confirm(site: MediaSite, upload_id: str, alt: str = "") -> dict:
    return site.editor.ok(UPLOAD_CONFIRM, {"input": {"uploadId": upload_id, "altText": alt}})["mediaUploadConfirm"]


def test_direct_upload_put_then_confirm(media_site: MediaSite):
    content = samples.jpeg(900, 600)  # with GPS: cleaned like any upload
    keys = media_site.stored_keys()
    ticket = start_direct_upload(media_site, "image/jpeg", len(content), "航拍.jpg")
    put = httpx.put(ticket["uploadUrl"], content=content, headers={"Content-Type": "image/jpeg"}, timeout=60)
    assert put.status_code == 200, put.text
    incoming = media_site.stored_keys() - keys
    assert len(incoming) == 1 and next(iter(incoming)).startswith("incoming/")
    asset = confirm(media_site, ticket["uploadId"], alt="长江航拍")
    assert asset["__typename"] == "MediaAsset", asset
    assert (asset["fileName"], asset["width"], asset["height"], asset["altText"]) == ("航拍.jpg", 900, 600, "长江航拍")
    stored = fetch(asset["url"]).content
    assert sha256(stored) == asset["checksum"] and b"GPS" not in stored
    # The incoming object is gone, the asset's object is there; the upload cannot be confirmed twice.
    added = media_site.stored_keys() - keys
    assert len(added) == 1 and next(iter(added)).startswith("assets/")
    again = confirm(media_site, ticket["uploadId"])
    assert [e["code"] for e in again["errors"]] == ["NOT_FOUND"]


def test_direct_upload_of_a_bad_file_leaves_nothing(media_site: MediaSite):
    count, keys = media_site.library_count(), media_site.stored_keys()
    content = b"<html><body onload='alert(1)'>not a picture</body></html>"
    ticket = start_direct_upload(media_site, "image/png", len(content), "fake.png")
    assert httpx.put(ticket["uploadUrl"], content=content, headers={"Content-Type": "image/png"},
                     timeout=30).status_code == 200
    result = confirm(media_site, ticket["uploadId"])
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("uploadId", "UNSUPPORTED_TYPE")]
    assert media_site.stored_keys() == keys
    assert media_site.library_count() == count


def test_direct_upload_checks_what_is_announced_and_what_arrives(media_site: MediaSite):
    refused = media_site.editor.ok(UPLOAD_URL_CREATE, {"input": {"fileName": "a.svg", "contentType": "image/svg+xml",
                                                                 "size": 100}})["mediaUploadUrlCreate"]
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("contentType", "UNSUPPORTED_TYPE")]
    too_big = media_site.editor.ok(UPLOAD_URL_CREATE, {"input": {"fileName": "a.pdf", "contentType": "application/pdf",
                                                                 "size": 10**9}})["mediaUploadUrlCreate"]
    assert [(e["field"], e["code"]) for e in too_big["errors"]] == [("size", "TOO_LARGE")]
    # Not PUT yet: nothing to confirm, and the upload stays open for the PUT.
    ticket = start_direct_upload(media_site, "image/png", 1000)
    assert [e["code"] for e in confirm(media_site, ticket["uploadId"])["errors"]] == ["NOT_UPLOADED"]
    # Another user cannot confirm someone else's upload.
    other = media_site.editor2.ok(UPLOAD_CONFIRM, {"input": {"uploadId": ticket["uploadId"]}})["mediaUploadConfirm"]
    assert [e["code"] for e in other["errors"]] == ["NOT_FOUND"]
    # S3 cannot cap a presigned PUT: more bytes than any upload may have are refused on confirmation.
    keys = media_site.stored_keys()
    small = start_direct_upload(media_site, "application/pdf", 1000, "claimed-small.pdf")
    put = httpx.put(small["uploadUrl"], content=b"%PDF-1.7\n" + b"0" * MAX_BODY,
                    headers={"Content-Type": "application/pdf"}, timeout=60)
    if put.status_code == 200:  # MinIO takes it; the local route refuses it itself (413)
        assert [e["code"] for e in confirm(media_site, small["uploadId"])["errors"]] == ["TOO_LARGE"]
    else:
        assert put.status_code == 413
    assert media_site.stored_keys() == keys
