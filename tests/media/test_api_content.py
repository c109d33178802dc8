"""Media used by content, through the API of a running server on each backend: covers and body images of
articles, what anonymous readers can fetch before and after publishing, the alt-text rule, deletion
of media in use, and `python server.py media-cleanup`."""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest

from . import samples
from .live import (
    ARTICLE_PUBLISH,
    ARTICLE_READ,
    ARTICLE_UPDATE,
    ASSET_URL,
    ASSET_USAGE,
    MEDIA_DELETE,
    MEDIA_UPDATE,
    UPLOAD_URL_CREATE,
    MediaSite,
    fetch,
)

pytestmark = pytest.mark.db

NODE = "query($id: ID!) { node(id: $id) { id ... on MediaAsset { public url } } }"


def unique_png(width: int = 320, height: int = 200) -> bytes:
    """A PNG no other test uploads (uploads are deduplicated by content)."""
    image = samples.photo(width, height)
    image.putpixel((0, 0), tuple(uuid.uuid4().bytes[:3]))
    return samples.encode(image, "PNG")


def unsigned(url: str) -> str:
    """The URL without its query: what an anonymous reader could guess from a signed one."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def srcs(body: str) -> list[str]:
    return [s.replace("&amp;", "&") for s in re.findall(r'<img[^>]* src="([^"]*)"', body)]


def test_anonymous_reaches_media_only_once_the_article_is_published(media_site: MediaSite):
    cover = media_site.uploaded(unique_png(), "题图.png", alt="常委会会议现场")
    inline = media_site.uploaded(unique_png(), "正文图.png", alt="代表发言")
    signed_inline = media_site.editor.ok(ASSET_URL, {"id": inline["id"], "r": "MEDIUM", "f": None})["node"]["url"]
    # The editor pastes the (signed) URL the API gave them into the body.
    article = media_site.article(body=f'<p>会议</p><img src="{signed_inline}">', cover=cover["id"])
    assert article["cover"]["id"] == cover["id"]
    staff_view = media_site.editor.ok(ARTICLE_READ, {"id": article["id"]})["article"]
    [body_src] = srcs(staff_view["body"])
    assert fetch(body_src).status_code == 200  # staff get working (signed) URLs in a draft
    assert fetch(staff_view["cover"]["wechat"]).status_code == 200

    # Anonymous: no article, no asset node, and the storage refuses the bare URLs.
    anonymous = media_site.anonymous
    assert anonymous.ok(ARTICLE_READ, {"id": article["id"]})["article"] is None
    assert anonymous.ok(NODE, {"id": cover["id"]})["node"] is None
    for url in (cover["url"], body_src, staff_view["cover"]["wechat"]):
        assert fetch(unsigned(url)).status_code in (403, 404), url

    assert media_site.publish(article["id"]) == {"__typename": "Article", "status": "PUBLISHED"}
    public_view = anonymous.ok(ARTICLE_READ, {"id": article["id"]})["article"]
    assert public_view["cover"]["public"] is True
    assert public_view["cover"]["altText"] == "常委会会议现场"
    [public_src] = srcs(public_view["body"])
    assert 'alt="代表发言"' in public_view["body"]  # filled in from the library
    public_urls = [public_view["cover"]["url"], public_view["cover"]["wechat"], public_src]
    for url in public_urls:
        assert not urlsplit(url).query, url  # stable public URLs, no signature
        response = fetch(url)
        assert response.status_code == 200, (url, response.text)
    assert anonymous.ok(NODE, {"id": inline["id"]})["node"]["public"] is True

    # Unpublished again: the same public URLs stop working.
    assert media_site.unpublish(article["id"])["status"] == "DRAFT"
    for url in public_urls:
        assert fetch(url).status_code in (403, 404), url
    assert anonymous.ok(NODE, {"id": cover["id"]})["node"] is None


def test_an_asset_stays_public_while_other_published_content_uses_it(media_site: MediaSite):
    shared = media_site.uploaded(unique_png(), "共用.png", alt="共用图片")
    first = media_site.article(cover=shared["id"])
    second = media_site.article(cover=shared["id"])
    media_site.publish(first["id"])
    media_site.publish(second["id"])
    url = media_site.anonymous.ok(ARTICLE_READ, {"id": first["id"]})["article"]["cover"]["url"]
    media_site.unpublish(first["id"])
    assert fetch(url).status_code == 200
    media_site.unpublish(second["id"])
    assert fetch(url).status_code in (403, 404)


def test_publishing_needs_alt_text_and_a_caption_on_every_image(media_site: MediaSite):
    cover = media_site.uploaded(unique_png(), "无说明.png", alt="", caption="")
    inline = media_site.uploaded(unique_png(), "正文无说明.png", alt="", caption="")
    # Described in the body itself: its own alt and the <figcaption> of its <figure>.
    described = media_site.uploaded(unique_png(), "有说明.png", alt="", caption="")
    article = media_site.article(
        body=f'<img src="{inline["url"]}"><figure><img alt="标签里写了" src="{described["url"]}">'
             f'<figcaption>图注里写了</figcaption></figure>', cover=cover["id"])
    result = media_site.publish(article["id"])
    assert result["__typename"] == "FieldErrors"
    assert sorted((e["field"], e["code"]) for e in result["errors"]) == [
        ("body", "MEDIA_ALT_MISSING"), ("body", "MEDIA_CAPTION_MISSING"),
        ("coverId", "MEDIA_ALT_MISSING"), ("coverId", "MEDIA_CAPTION_MISSING")]
    messages = " ".join(e["message"] for e in result["errors"])
    assert "“无说明.png”" in messages and "“正文无说明.png”" in messages and "“有说明.png”" not in messages
    assert media_site.editor.ok(ASSET_USAGE, {"id": cover["id"]})["node"]["public"] is False
    for asset, alt in ((cover, "题图说明"), (inline, "正文图说明")):
        updated = media_site.editor.ok(MEDIA_UPDATE, {"input": {"id": asset["id"], "altText": alt}})["mediaUpdate"]
        assert updated["altText"] == alt
    still = media_site.chief.ok(ARTICLE_PUBLISH, {"id": article["id"]})["articlePublish"]
    assert sorted((e["field"], e["code"]) for e in still["errors"]) == [
        ("body", "MEDIA_CAPTION_MISSING"), ("coverId", "MEDIA_CAPTION_MISSING")]
    for asset in (cover, inline):
        media_site.editor.ok(MEDIA_UPDATE, {"input": {"id": asset["id"], "caption": "会议现场"}})
    assert media_site.chief.ok("""mutation($id: ID!) { articlePublish(input: {id: $id}) {
        __typename ... on Article { status } } }""", {"id": article["id"]})["articlePublish"]["status"] == "PUBLISHED"
    # The descriptions of an image published content uses cannot be emptied.
    emptied = media_site.editor.ok(MEDIA_UPDATE, {"input": {"id": cover["id"], "altText": " ", "caption": ""}})
    assert [e["code"] for e in emptied["mediaUpdate"]["errors"]] == ["MEDIA_ALT_MISSING", "MEDIA_CAPTION_MISSING"]


def test_deleting_media_in_use_is_refused_naming_the_users(media_site: MediaSite):
    asset = media_site.uploaded(unique_png(), "在用.png", alt="在用")
    rendition = media_site.editor.ok(ASSET_URL, {"id": asset["id"], "r": "THUMB", "f": None})["node"]["url"]
    as_cover = media_site.article(cover=asset["id"], title="用作题图的稿件")
    in_body = media_site.article(body=f'<p><img src="{asset["url"]}"></p>', title="正文引用的稿件")
    usage = media_site.editor.ok(ASSET_USAGE, {"id": asset["id"]})["node"]["usage"]
    assert sorted((u["role"], u["title"], u["status"]) for u in usage) == [
        ("COVER", "用作题图的稿件", "DRAFT"), ("INLINE", "正文引用的稿件", "DRAFT")]
    assert {u["targetId"] for u in usage} == {as_cover["id"], in_body["id"]}

    refused = media_site.editor.ok(MEDIA_DELETE, {"id": asset["id"]})["mediaDelete"]
    assert refused["__typename"] == "FieldErrors"
    assert {e["code"] for e in refused["errors"]} == {"MEDIA_IN_USE"}
    messages = " ".join(e["message"] for e in refused["errors"])
    assert "用作题图的稿件" in messages and "正文引用的稿件" in messages
    assert fetch(asset["url"]).status_code == 200

    # Another editor's upload: only the newsroom's managers or its uploader may delete it.
    assert media_site.office.post(MEDIA_DELETE, {"id": asset["id"]}).json()["errors"][0]["extensions"]["code"] == (
        "FORBIDDEN")
    # Once nothing uses it, it goes with its renditions.
    assert media_site.editor.ok(ARTICLE_UPDATE, {"input": {"id": as_cover["id"], "coverId": None}}
                                )["articleUpdate"]["cover"] is None
    assert media_site.editor.ok(ARTICLE_UPDATE, {"input": {"id": in_body["id"], "body": "<p>删掉了图片</p>"}}
                                )["articleUpdate"]["__typename"] == "Article"
    keys = media_site.stored_keys()
    original_keys = {k for k in keys if asset["checksum"] in k}
    assert len(original_keys) == 2  # the original and its thumbnail
    assert media_site.editor.ok(MEDIA_DELETE, {"id": asset["id"]})["mediaDelete"] == {
        "__typename": "Deleted", "id": asset["id"]}
    assert media_site.stored_keys() == keys - original_keys
    assert media_site.editor.ok(NODE, {"id": asset["id"]})["node"] is None
    assert fetch(rendition).status_code in (403, 404)


def test_media_cleanup_deletes_what_nothing_uses(media_site: MediaSite):
    orphan = media_site.uploaded(unique_png(), "孤儿.png")
    used = media_site.uploaded(unique_png(), "在用.png")
    media_site.article(cover=used["id"])
    ticket = media_site.editor.ok(UPLOAD_URL_CREATE, {"input": {"fileName": "放弃的.pdf",
                                                                "contentType": "application/pdf", "size": 500}}
                                  )["mediaUploadUrlCreate"]
    assert httpx.put(ticket["uploadUrl"], content=samples.simple_pdf(),
                     headers={"Content-Type": "application/pdf"}, timeout=30).status_code == 200
    keys = media_site.stored_keys()
    assert any(k.startswith("incoming/") for k in keys)

    # Within the grace period nothing goes.
    kept = media_site.cli("media-cleanup")
    assert kept.returncode == 0, kept.stderr
    assert "deleted 0 unused asset(s) and 0 unconfirmed upload(s)" in kept.stdout
    assert media_site.stored_keys() == keys

    dry = media_site.cli("media-cleanup", "--older-than-hours", "0", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "would delete unused asset" in dry.stdout and "孤儿.png" in dry.stdout
    assert media_site.stored_keys() == keys

    done = media_site.cli("media-cleanup", "--older-than-hours", "0")
    assert done.returncode == 0, done.stderr
    assert "孤儿.png" in done.stdout and "放弃的.pdf" in done.stdout and "在用.png" not in done.stdout
    remaining = media_site.stored_keys()
    assert not any(orphan["checksum"] in k for k in remaining)
    assert not any(k.startswith("incoming/") for k in remaining)
    assert any(used["checksum"] in k for k in remaining)
    assert media_site.editor.ok(NODE, {"id": orphan["id"]})["node"] is None
    assert media_site.editor.ok(NODE, {"id": used["id"]})["node"]["id"] == used["id"]
