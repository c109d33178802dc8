"""The media library's rules at the GraphQL level, in process (tests/conftest.py's app, local backend):
listing and reading assets, who may change them, covers and body links of articles, usage by gazette
issues, and visibility following every step of the content lifecycle."""

from __future__ import annotations

import uuid
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from media.checks import check_upload
from models.base import Status
from models.gazettes import GazetteIssue
from models.media import MediaAsset, MediaRole, MediaUsage
from models.news import Article
from resolvers import lifecycle
from resolvers.media import cleanup, store_checked
from tests.api.factories import gid, make_article, make_column
from tests.conftest import count_queries

from . import samples

pytestmark = pytest.mark.db

ERRORS = "... on FieldErrors { errors { field message code } }"
LIBRARY = """query($kind: MediaKind, $first: Int, $after: String) { mediaAssets(kind: $kind, first: $first,
  after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id kind fileName } } } }"""
NODE = """query($id: ID!) { node(id: $id) { id ... on MediaAsset { kind public url
  thumb: url(rendition: THUMB) } } }"""
OWNER = "query($id: ID!) { node(id: $id) { ... on MediaAsset { owner { username } } } }"
USAGE = """query($id: ID!) { node(id: $id) { ... on MediaAsset { public usage { role targetType targetId title
  published target { id ... on Article { title } } } } } }"""
ARTICLE_CREATE = f"""mutation($input: ArticleCreateInput!) {{ articleCreate(input: $input) {{
  __typename ... on Article {{ id body cover {{ id }} }} {ERRORS} }} }}"""
ARTICLE_UPDATE = f"""mutation($input: ArticleUpdateInput!) {{ articleUpdate(input: $input) {{
  __typename ... on Article {{ id body cover {{ id }} }} {ERRORS} }} }}"""
ARTICLE = "query($id: ID!) { article(id: $id) { body cover { id url } revisions { id number body } } }"
RESTORE = f"""mutation($id: ID!) {{ articleRevisionRestore(input: {{revisionId: $id}}) {{
  __typename ... on Article {{ cover {{ id }} body }} {ERRORS} }} }}"""
MEDIA_UPDATE = f"""mutation($input: MediaUpdateInput!) {{ mediaUpdate(input: $input) {{
  __typename ... on MediaAsset {{ altText caption }} {ERRORS} }} }}"""
MEDIA_DELETE = f"""mutation($id: ID!) {{ mediaDelete(input: {{id: $id}}) {{ __typename {ERRORS} }} }}"""
MEDIA_UPLOAD = f"""mutation($input: MediaUploadInput!) {{ mediaUpload(input: $input) {{ __typename {ERRORS} }} }}"""


async def make_asset(services, name: str = "图.png", alt: str = "替代文字", owner=None, pdf: bool = False,
                     public: bool = False, caption: str = "图片说明") -> MediaAsset:
    """A checked asset stored straight through the resolver, without HTTP."""
    if pdf:
        data = samples.simple_pdf().replace(b"Renda gazette", uuid.uuid4().hex.encode())
    else:
        image = samples.photo(160, 100)
        image.putpixel((0, 0), tuple(uuid.uuid4().bytes[:3]))
        data = samples.encode(image, "PNG")
    asset = await store_checked(services, check_upload(data), name, alt, "" if pdf else caption, owner=owner)
    if public:
        services.storage.set_public(asset.storage_key, True)
        asset.public = True
        await asset.save(update_fields=["public"])
    return asset


def aid(asset: MediaAsset) -> str:
    return gid("MediaAsset", asset.id)


async def fetch(http, url: str):
    """GET a local media URL from the in-process app (its host is MEDIA_BASE_URL's)."""
    parts = urlsplit(url)
    return await http.get(parts.path + (f"?{parts.query}" if parts.query else ""))


# ---- the library ---------------------------------------------------------------------------------------

async def test_library_lists_newest_first_for_staff_only(services, editor, citizen, anonymous):
    images = [await make_asset(services, f"图{i}.png") for i in range(3)]
    pdf = await make_asset(services, "公报.pdf", pdf=True)
    page = (await editor.ok(LIBRARY, {"first": 2}))["mediaAssets"]
    assert page["totalCount"] == 4 and page["pageInfo"]["hasNextPage"]
    rest = (await editor.ok(LIBRARY, {"first": 2, "after": page["pageInfo"]["endCursor"]}))["mediaAssets"]
    seen = [e["node"]["id"] for e in page["edges"] + rest["edges"]]
    assert seen == [aid(a) for a in [pdf, *reversed(images)]]
    documents = (await editor.ok(LIBRARY, {"kind": "DOCUMENT"}))["mediaAssets"]
    assert [e["node"]["fileName"] for e in documents["edges"]] == ["公报.pdf"]
    assert await citizen.error_code(LIBRARY) == "FORBIDDEN"
    assert await anonymous.error_code(LIBRARY) == "UNAUTHENTICATED"


async def test_private_assets_are_null_to_outsiders(http, services, editor, citizen, anonymous):
    private = await make_asset(services, owner=editor.user)
    public = await make_asset(services, public=True)
    for client in (anonymous, citizen):
        assert (await client.ok(NODE, {"id": aid(private)}))["node"] is None
        node = (await client.ok(NODE, {"id": aid(public)}))["node"]
        assert node["public"] is True and "sig=" not in node["url"]
        assert (await fetch(http, node["url"])).status_code == 200
        assert (await fetch(http, node["thumb"])).status_code == 200
        assert await client.error_code(OWNER, {"id": aid(public)}) in ("FORBIDDEN", "UNAUTHENTICATED")
    node = (await editor.ok(NODE, {"id": aid(private)}))["node"]
    assert "sig=" in node["url"] and (await fetch(http, node["url"])).status_code == 200
    unsigned = urlsplit(node["url"]).path
    assert (await http.get(unsigned)).status_code == 403
    assert (await editor.ok(OWNER, {"id": aid(private)}))["node"]["owner"] == {"username": "editor"}


async def test_uploaders_change_their_own_assets_the_newsroom_any(http, services, editor):
    from models.users import Role
    from tests.conftest import make_client

    office = await make_client(http, Role.OFFICE_STAFF)
    own = await make_asset(services, owner=office.user)
    editors = await make_asset(services, owner=editor.user)
    changed = (await office.ok(MEDIA_UPDATE, {"input": {"id": aid(own), "caption": "  图片说明  "}}))["mediaUpdate"]
    assert changed == {"__typename": "MediaAsset", "altText": "替代文字", "caption": "图片说明"}
    assert await office.error_code(MEDIA_UPDATE, {"input": {"id": aid(editors), "caption": "x"}}) == "FORBIDDEN"
    assert await office.error_code(MEDIA_DELETE, {"id": aid(editors)}) == "FORBIDDEN"
    assert (await editor.ok(MEDIA_UPDATE, {"input": {"id": aid(own), "altText": "编辑改的"}}))["mediaUpdate"][
        "altText"] == "编辑改的"
    too_long = (await editor.ok(MEDIA_UPDATE, {"input": {"id": aid(own), "altText": "长" * 501}}))["mediaUpdate"]
    assert [(e["field"], e["code"]) for e in too_long["errors"]] == [("altText", "TOO_LONG")]
    assert (await office.ok(MEDIA_DELETE, {"id": aid(own)}))["mediaDelete"]["__typename"] == "Deleted"
    assert not services.storage.exists(own.storage_key)


async def test_upload_without_a_file_part_is_a_field_error(editor):
    result = (await editor.ok(MEDIA_UPLOAD, {"input": {"file": "not a file"}}))["mediaUpload"]
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("file", "REQUIRED")]


# ---- articles ------------------------------------------------------------------------------------------

async def test_cover_must_be_an_existing_image(services, editor):
    await make_column(slug="news")
    pdf = await make_asset(services, "文件.pdf", pdf=True)
    for cover, code in ((aid(pdf), "WRONG_MEDIA_KIND"), (gid("MediaAsset", 99999), "MEDIA_NOT_FOUND"),
                        (gid("Article", 1), "INVALID_ID")):
        result = (await editor.ok(ARTICLE_CREATE, {"input": {"title": "题图", "column": "news",
                                                             "coverId": cover}}))["articleCreate"]
        assert [(e["field"], e["code"]) for e in result["errors"]] == [("coverId", code)], cover


async def test_body_links_are_resolved_stored_canonical_and_tracked(http, services, editor):
    await make_column(slug="news")
    first, second = await make_asset(services, "一.png"), await make_asset(services, "二.png")
    signed = services.storage.url(first.storage_key, public=False)
    assert "sig=" in signed
    body = (f'<p>图</p><img src="{signed}"><a href="{services.storage.url(second.storage_key, public=False)}">下载</a>'
            '<img src="https://www.example.cn/elsewhere.png">')
    created = (await editor.ok(ARTICLE_CREATE, {"input": {"title": "正文图片", "column": "news",
                                                          "body": body}}))["articleCreate"]
    stored = (await Article.get(title="正文图片")).body
    assert "sig=" not in stored and "expires=" not in stored  # links are stored without signatures
    assert services.storage.url(first.storage_key, public=True) in stored
    assert "https://www.example.cn/elsewhere.png" in stored
    # What editors read back works (signed again), and the usage is recorded.
    rendered = created["body"]
    assert rendered.count("sig=") == 2
    usage = (await editor.ok(USAGE, {"id": aid(first)}))["node"]["usage"]
    assert [(u["role"], u["targetType"], u["title"], u["published"]) for u in usage] == [
        ("INLINE", "Article", "正文图片", False)]
    assert usage[0]["target"] == {"id": created["id"], "title": "正文图片"}
    # Saving what was read back keeps the links; dropping one drops its use.
    again = (await editor.ok(ARTICLE_UPDATE, {"input": {"id": created["id"], "body": rendered}}))["articleUpdate"]
    assert again["__typename"] == "Article"
    assert sorted(await MediaUsage.all().values_list("asset_id", flat=True)) == sorted([first.id, second.id])
    await editor.ok(ARTICLE_UPDATE, {"input": {"id": created["id"], "body": f'<img src="{signed}">'}})
    assert await MediaUsage.all().values_list("asset_id", flat=True) == [first.id]
    # A link to a media key the library does not hold is refused.
    ghost = services.storage.url(f"assets/ab/{'ab' * 32}.png", public=True)
    refused = (await editor.ok(ARTICLE_UPDATE, {"input": {"id": created["id"],
                                                          "body": f'<img src="{ghost}">'}}))["articleUpdate"]
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("body", "MEDIA_NOT_FOUND")]


async def test_revisions_keep_the_cover_and_body_media(services, editor):
    await make_column(slug="news")
    old, new = await make_asset(services, "旧.png"), await make_asset(services, "新.png")
    body = f'<img src="{services.storage.url(old.storage_key, public=True)}">'
    created = (await editor.ok(ARTICLE_CREATE, {"input": {"title": "修订", "column": "news", "coverId": aid(old),
                                                          "body": body}}))["articleCreate"]
    await editor.ok(ARTICLE_UPDATE, {"input": {"id": created["id"], "coverId": aid(new), "body": "<p>无图</p>"}})
    revisions = (await editor.ok(ARTICLE, {"id": created["id"]}))["article"]["revisions"]
    first = next(r for r in revisions if r["number"] == 1)
    assert "sig=" in first["body"]  # revision bodies read like article bodies
    restored = (await editor.ok(RESTORE, {"id": first["id"]}))["articleRevisionRestore"]
    assert restored["cover"] == {"id": aid(old)}
    assert await MediaUsage.filter(role=MediaRole.INLINE).values_list("asset_id", flat=True) == [old.id]


async def test_visibility_follows_publish_archive_and_delete(http, services, editor, chief_editor):
    column = await make_column(slug="news", stages=[])
    asset = await make_asset(services)
    created = (await editor.ok(ARTICLE_CREATE, {"input": {"title": "生命周期", "column": "news",
                                                          "coverId": aid(asset)}}))["articleCreate"]
    article_id = created["id"]
    await editor.ok("mutation($id: ID!) { articleSubmit(input: {id: $id}) { __typename } }", {"id": article_id})
    await chief_editor.ok("mutation($id: ID!) { articlePublish(input: {id: $id}) { __typename } }", {"id": article_id})
    await asset.refresh_from_db()
    assert asset.public and services.storage.is_public(asset.storage_key)
    # Archived articles stay reachable by their address, and so do their media.
    await chief_editor.ok("mutation($id: ID!) { articleArchive(input: {id: $id}) { __typename } }", {"id": article_id})
    await asset.refresh_from_db()
    assert asset.public
    # Another article (a draft) using it does not keep it public once the archived one is deleted.
    draft = await make_article(column, status=Status.DRAFT)
    await MediaUsage.create(asset=asset, target_type="Article", target_id=draft.id, role=MediaRole.INLINE)
    assert (await chief_editor.ok("mutation($id: ID!) { articleDelete(input: {id: $id}) { __typename } }",
                                  {"id": article_id}))["articleDelete"]["__typename"] == "Deleted"
    await asset.refresh_from_db()
    assert not asset.public and not services.storage.is_public(asset.storage_key)
    assert (await http.get(urlsplit(services.storage.url(asset.storage_key, public=True)).path)).status_code == 403


async def test_gazette_pdfs_count_as_usage(services, editor):
    pdf = await make_asset(services, "2024年第3号.pdf", pdf=True)
    issue = await GazetteIssue.create(year=2024, number=3, title="2024年第3号", pdf_asset_id=pdf.id)
    usage = (await editor.ok(USAGE, {"id": aid(pdf)}))["node"]["usage"]
    assert [(u["role"], u["targetType"], u["title"]) for u in usage] == [("PDF", "GazetteIssue", "2024年第3号")]
    refused = (await editor.ok(MEDIA_DELETE, {"id": aid(pdf)}))["mediaDelete"]
    assert [e["code"] for e in refused["errors"]] == ["MEDIA_IN_USE"] and "公报" in refused["errors"][0]["message"]
    # The gazette's lifecycle goes through resolvers/lifecycle.py like any publishable kind.
    issue.status = Status.PUBLISHED
    await issue.save()
    await lifecycle.published(services, issue)
    await pdf.refresh_from_db()
    assert pdf.public
    issue.status = Status.DRAFT
    await issue.save()
    await lifecycle.unpublished(services, issue)
    await pdf.refresh_from_db()
    assert not pdf.public


async def test_media_of_a_page_of_articles_load_in_constant_queries(services, anonymous):
    column = await make_column(slug="news")
    for i in range(8):
        cover, inline = await make_asset(services, public=True), await make_asset(services, public=True)
        body = f'<p>{i}</p><img src="{services.storage.url(inline.storage_key, public=True)}">'
        article = await make_article(column, body=body)
        article.cover_asset_id = cover.id
        await article.save()
    document = """query($first: Int) { articles(first: $first) { edges { node { body
      cover { url altText } } } } }"""

    async def queries(first: int) -> int:
        with count_queries() as counter:
            data = await anonymous.ok(document, {"first": first})
        edges = data["articles"]["edges"]
        assert len(edges) == first and all("<img" in e["node"]["body"] and e["node"]["cover"] for e in edges)
        return len(counter.queries)

    assert await queries(2) == await queries(8)


async def test_a_storage_failure_while_publishing_is_repaired_by_cleanup(services, editor, chief_editor, monkeypatch):
    await make_column(slug="news")
    asset = await make_asset(services)
    created = (await editor.ok(ARTICLE_CREATE, {"input": {"title": "存储故障", "column": "news",
                                                          "coverId": aid(asset)}}))["articleCreate"]
    await editor.ok("mutation($id: ID!) { articleSubmit(input: {id: $id}) { __typename } }", {"id": created["id"]})

    def unavailable(key: str, public: bool) -> None:
        raise OSError("storage unavailable")

    monkeypatch.setattr(services.storage, "set_public", unavailable)
    published = await chief_editor.ok("""mutation($id: ID!) { articlePublish(input: {id: $id}) {
      ... on Article { status } } }""", {"id": created["id"]})
    assert published["articlePublish"]["status"] == "PUBLISHED"  # publishing does not fail for it
    await asset.refresh_from_db()
    assert not asset.public  # the flag did not run ahead of the storage
    monkeypatch.undo()
    report = await cleanup(services, timedelta(hours=24))
    assert (report.assets, report.uploads, report.visibility_fixed) == ([], [], [asset.id])
    await asset.refresh_from_db()
    assert asset.public and services.storage.is_public(asset.storage_key)
