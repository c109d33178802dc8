"""Articles: creating and editing drafts, slugs, sanitized bodies, tags, revisions, preview links."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from models.base import Status
from models.news import ArticleRevision, PreviewToken
from resolvers.tokens import now
from tests.api.factories import gid, make_article, make_column, make_tag

pytestmark = pytest.mark.db

ARTICLE_FIELDS = "id title slug body status url tags { slug } column { slug }"
ARTICLE_CREATE = f"""mutation($input: ArticleCreateInput!) {{ articleCreate(input: $input) {{
  __typename ... on Article {{ {ARTICLE_FIELDS} }} ... on FieldErrors {{ errors {{ field code }} }} }} }}"""
ARTICLE_UPDATE = f"""mutation($input: ArticleUpdateInput!) {{ articleUpdate(input: $input) {{
  __typename ... on Article {{ {ARTICLE_FIELDS} }} ... on FieldErrors {{ errors {{ field code }} }} }} }}"""
ARTICLE_BY_SLUG = "query($slug: String!) { article(slug: $slug) { id title slug } }"
ARTICLE_BY_ID = "query($id: ID!, $token: String) { article(id: $id, previewToken: $token) { title status } }"
REVISIONS = """query($id: ID!) { article(id: $id) { revisions { id number note title body author { username } } } }"""
RESTORE = f"""mutation($id: ID!) {{ articleRevisionRestore(input: {{revisionId: $id}}) {{
  __typename ... on Article {{ {ARTICLE_FIELDS} }} ... on FieldErrors {{ errors {{ field code }} }} }} }}"""
PREVIEW = """mutation($id: ID!, $hours: Int!) { articlePreviewTokenCreate(input: {id: $id, expiresInHours: $hours}) {
  __typename ... on ArticlePreview { token expiresAt article { title } } ... on FieldErrors { errors { field code } } } }"""
SUBMIT = """mutation($id: ID!) { articleSubmit(input: {id: $id}) { __typename } }"""
VIEWS = "query($slug: String!) { article(slug: $slug) { viewCount } }"


async def create(client, **values) -> dict:
    values.setdefault("column", "news")
    result = (await client.ok(ARTICLE_CREATE, {"input": values}))["articleCreate"]
    assert result["__typename"] == "Article", result
    return result


async def test_editor_creates_a_draft_with_a_pinyin_slug(editor):
    await make_column(slug="news")
    article = await create(editor, title="重庆市人大代表来汉考察", body="<p>内容</p>")
    assert article["slug"] == "chong-qing-shi-ren-da-dai-biao-lai-han-kao-cha"
    assert article["status"] == "DRAFT"
    assert article["url"] == "https://renda.example.cn/news/chong-qing-shi-ren-da-dai-biao-lai-han-kao-cha"
    same_title = await create(editor, title="重庆市人大代表来汉考察")
    assert same_title["slug"] == "chong-qing-shi-ren-da-dai-biao-lai-han-kao-cha-2"


async def test_body_is_sanitized(editor):
    await make_column(slug="news")
    body = ('<p onclick="steal()">文字<script>alert(1)</script></p><img src="https://x.cn/a.png" onerror="alert(2)">'
            '<a href="javascript:alert(3)">链接</a><iframe src="https://evil.example"></iframe>')
    article = await create(editor, title="安全", body=body)
    stored = article["body"]
    for bad in ("<script", "alert(1)", "onerror", "onclick", "javascript:", "<iframe"):
        assert bad not in stored
    assert "文字" in stored
    assert 'src="https://x.cn/a.png"' in stored
    updated = (await editor.ok(ARTICLE_UPDATE, {"input": {"id": article["id"],
                                                          "body": "<p>再来<script>x()</script></p>"}}))
    assert updated["articleUpdate"]["body"] == "<p>再来</p>"


async def test_article_create_validates(editor):
    await make_tag("renda")
    result = (await editor.ok(ARTICLE_CREATE, {"input": {"title": " ", "column": "missing",
                                                         "tags": ["renda", "nope"]}}))["articleCreate"]
    assert {(e["field"], e["code"]) for e in result["errors"]} == {
        ("title", "REQUIRED"), ("column", "NOT_FOUND"), ("tags", "NOT_FOUND")}


async def test_tags_keep_the_editors_order(editor, anonymous):
    await make_column(slug="news")
    await make_tag("a-tag")
    await make_tag("b-tag")
    article = await create(editor, title="标签", tags=["b-tag", "a-tag"])
    assert article["tags"] == [{"slug": "b-tag"}, {"slug": "a-tag"}]
    updated = (await editor.ok(ARTICLE_UPDATE, {"input": {"id": article["id"], "tags": ["a-tag"]}}))["articleUpdate"]
    assert updated["tags"] == [{"slug": "a-tag"}]


async def test_only_the_newsroom_creates_articles(citizen, anonymous):
    await make_column(slug="news")
    assert await citizen.error_code(ARTICLE_CREATE, {"input": {"title": "x", "column": "news"}}) == "FORBIDDEN"
    assert await anonymous.error_code(ARTICLE_CREATE, {"input": {"title": "x", "column": "news"}}) == "UNAUTHENTICATED"


async def test_editor_renames_a_draft_and_the_old_slug_still_finds_it(editor):
    await make_column(slug="news")
    article = await create(editor, title="旧标题")
    updated = (await editor.ok(ARTICLE_UPDATE, {"input": {"id": article["id"], "slug": "new-slug"}}))
    assert updated["articleUpdate"]["slug"] == "new-slug"
    found = (await editor.ok(ARTICLE_BY_SLUG, {"slug": "jiu-biao-ti"}))["article"]
    assert found == {"id": article["id"], "title": "旧标题", "slug": "new-slug"}


async def test_slug_change_redirects_old_links(chief_editor, anonymous, editor):
    column = await make_column(slug="news")
    article = await make_article(column, title="旧标题")
    other = await make_article(column)
    old_slug = article.slug
    updated = (await chief_editor.ok(ARTICLE_UPDATE, {"input": {"id": gid("Article", article.id),
                                                                "slug": "new-slug"}}))["articleUpdate"]
    assert updated["slug"] == "new-slug"
    for client in (anonymous, editor):
        assert (await client.ok(ARTICLE_BY_SLUG, {"slug": old_slug}))["article"]["slug"] == "new-slug"
        assert (await client.ok(ARTICLE_BY_SLUG, {"slug": "new-slug"}))["article"]["id"] == gid("Article", article.id)
    # Another article may not take the old slug while it redirects, nor an invalid one.
    taken = (await chief_editor.ok(ARTICLE_UPDATE, {"input": {"id": gid("Article", other.id), "slug": old_slug}}))
    assert taken["articleUpdate"]["errors"] == [{"field": "slug", "code": "TAKEN"}]
    invalid = (await chief_editor.ok(ARTICLE_UPDATE, {"input": {"id": gid("Article", other.id), "slug": "Bad Slug"}}))
    assert invalid["articleUpdate"]["errors"] == [{"field": "slug", "code": "INVALID_SLUG"}]
    # Taking back its own old slug works, and the other one now redirects.
    back = (await chief_editor.ok(ARTICLE_UPDATE, {"input": {"id": gid("Article", article.id), "slug": old_slug}}))
    assert back["articleUpdate"]["slug"] == old_slug
    assert (await anonymous.ok(ARTICLE_BY_SLUG, {"slug": "new-slug"}))["article"]["slug"] == old_slug


async def test_editor_edits_drafts_only(editor, chief_editor):
    await make_column(slug="news")
    article = await create(editor, title="草稿")
    await editor.ok(SUBMIT, {"id": article["id"]})
    refused = (await editor.ok(ARTICLE_UPDATE, {"input": {"id": article["id"], "title": "改"}}))["articleUpdate"]
    assert refused["errors"] == [{"field": None, "code": "WRONG_STATUS"}]
    fixed = (await chief_editor.ok(ARTICLE_UPDATE, {"input": {"id": article["id"], "title": "改"}}))["articleUpdate"]
    assert fixed["title"] == "改"


async def test_every_save_stores_a_revision(editor, chief_editor):
    await make_column(slug="news")
    article = await create(editor, title="第一版", body="<p>一</p>")
    await editor.ok(ARTICLE_UPDATE, {"input": {"id": article["id"], "title": "第二版", "body": "<p>二</p>"}})
    await editor.ok(ARTICLE_UPDATE, {"input": {"id": article["id"], "summary": "摘要"}})
    revisions = (await editor.ok(REVISIONS, {"id": article["id"]}))["article"]["revisions"]
    assert [(r["number"], r["title"], r["note"]) for r in revisions] == [
        (3, "第二版", "修改"), (2, "第二版", "修改"), (1, "第一版", "创建")]
    assert revisions[2]["body"] == "<p>一</p>"
    assert {r["author"]["username"] for r in revisions} == {"editor"}


async def test_restore_a_revision(editor):
    await make_column(slug="news")
    await make_column(slug="other")
    await make_tag("a-tag")
    await make_tag("b-tag")
    article = await create(editor, title="第一版", body="<p>一</p>", tags=["b-tag", "a-tag"])
    await editor.ok(ARTICLE_UPDATE, {"input": {"id": article["id"], "title": "第二版", "body": "<p>二</p>",
                                               "column": "other", "tags": []}})
    first = (await editor.ok(REVISIONS, {"id": article["id"]}))["article"]["revisions"][-1]
    restored = (await editor.ok(RESTORE, {"id": first["id"]}))["articleRevisionRestore"]
    assert restored["title"] == "第一版"
    assert restored["body"] == "<p>一</p>"
    assert restored["column"] == {"slug": "news"}
    assert restored["tags"] == [{"slug": "b-tag"}, {"slug": "a-tag"}]
    revisions = (await editor.ok(REVISIONS, {"id": article["id"]}))["article"]["revisions"]
    assert (revisions[0]["number"], revisions[0]["note"], revisions[0]["title"]) == (3, "恢复至第1版", "第一版")


async def test_revisions_are_newsroom_only(editor, citizen, anonymous):
    column = await make_column(slug="news")
    article = await make_article(column)
    revision = await ArticleRevision.create(article=article, number=1, snapshot={"title": article.title})
    revision_id = gid("ArticleRevision", revision.id)
    node = await editor.ok("query($id: ID!) { node(id: $id) { ... on ArticleRevision { title } } }", {"id": revision_id})
    assert node["node"] == {"title": article.title}
    for client, code in ((citizen, "FORBIDDEN"), (anonymous, "UNAUTHENTICATED")):
        assert await client.error_code(REVISIONS, {"id": gid("Article", article.id)}) == code
        assert await client.error_code(RESTORE, {"id": revision_id}) == code
        node = await client.ok("query($id: ID!) { node(id: $id) { id } }", {"id": revision_id})
        assert node["node"] is None


async def test_preview_token_shows_a_draft_until_it_expires(editor, anonymous):
    column = await make_column(slug="news")
    draft = await make_article(column, title="未发布稿件", status=Status.DRAFT)
    article_id = gid("Article", draft.id)
    assert (await anonymous.ok(ARTICLE_BY_ID, {"id": article_id}))["article"] is None
    preview = (await editor.ok(PREVIEW, {"id": article_id, "hours": 24}))["articlePreviewTokenCreate"]
    assert preview["article"] == {"title": "未发布稿件"}
    token = preview["token"]
    shown = (await anonymous.ok(ARTICLE_BY_ID, {"id": article_id, "token": token}))["article"]
    assert shown == {"title": "未发布稿件", "status": "DRAFT"}
    by_slug = await anonymous.ok("query($s: String!, $t: String) { article(slug: $s, previewToken: $t) { title } }",
                                 {"s": draft.slug, "t": token})
    assert by_slug["article"] == {"title": "未发布稿件"}
    # A token is for its own article only.
    other = await make_article(column, status=Status.DRAFT)
    assert (await anonymous.ok(ARTICLE_BY_ID, {"id": gid("Article", other.id), "token": token}))["article"] is None
    assert (await anonymous.ok(ARTICLE_BY_ID, {"id": article_id, "token": "wrong"}))["article"] is None
    await PreviewToken.filter(article_id=draft.id).update(expires_at=now() - timedelta(seconds=1))
    assert (await anonymous.ok(ARTICLE_BY_ID, {"id": article_id, "token": token}))["article"] is None


async def test_preview_token_validity_is_bounded(editor, citizen):
    column = await make_column(slug="news")
    draft = await make_article(column, status=Status.DRAFT)
    result = (await editor.ok(PREVIEW, {"id": gid("Article", draft.id), "hours": 24 * 15}))
    assert result["articlePreviewTokenCreate"]["errors"] == [{"field": "expiresInHours", "code": "OUT_OF_RANGE"}]
    assert await citizen.error_code(PREVIEW, {"id": gid("Article", draft.id), "hours": 1}) == "FORBIDDEN"


async def test_reading_counts_every_view(http, anonymous):
    column = await make_column(slug="news")
    article = await make_article(column)
    await asyncio.gather(*(anonymous.ok(VIEWS, {"slug": article.slug}) for _ in range(10)))
    assert (await anonymous.ok(VIEWS, {"slug": article.slug}))["article"]["viewCount"] == 11


TAG_CREATE = """mutation($name: String!, $slug: String) { tagCreate(input: {name: $name, slug: $slug}) {
  __typename ... on Tag { slug name } ... on FieldErrors { errors { field code } } } }"""
DELETE = """mutation($id: ID!) { articleDelete(input: {id: $id}) {
  __typename ... on Deleted { id } ... on FieldErrors { errors { field code } } } }"""


async def test_newsroom_creates_tags(editor, citizen, anonymous):
    created = (await editor.ok(TAG_CREATE, {"name": "长江日报"}))["tagCreate"]
    assert created == {"__typename": "Tag", "slug": "chang-jiang-ri-bao", "name": "长江日报"}
    again = (await editor.ok(TAG_CREATE, {"name": "长江日报", "slug": "chang-jiang-ri-bao"}))["tagCreate"]
    assert {(e["field"], e["code"]) for e in again["errors"]} == {("name", "TAKEN"), ("slug", "TAKEN")}
    assert await citizen.error_code(TAG_CREATE, {"name": "公众标签"}) == "FORBIDDEN"
    assert await anonymous.error_code(TAG_CREATE, {"name": "匿名标签"}) == "UNAUTHENTICATED"
    assert (await anonymous.ok("{ tags { slug } }"))["tags"] == [{"slug": "chang-jiang-ri-bao"}]


async def test_only_unpublished_articles_are_deleted(editor, chief_editor):
    column = await make_column(slug="news")
    published = await make_article(column)
    draft = await make_article(column, status=Status.DRAFT)
    assert await editor.error_code(DELETE, {"id": gid("Article", draft.id)}) == "FORBIDDEN"
    refused = (await chief_editor.ok(DELETE, {"id": gid("Article", published.id)}))["articleDelete"]
    assert refused["errors"] == [{"field": "id", "code": "WRONG_STATUS"}]
    deleted = (await chief_editor.ok(DELETE, {"id": gid("Article", draft.id)}))["articleDelete"]
    assert deleted == {"__typename": "Deleted", "id": gid("Article", draft.id)}
    assert (await chief_editor.ok(ARTICLE_BY_ID, {"id": gid("Article", draft.id)}))["article"] is None
