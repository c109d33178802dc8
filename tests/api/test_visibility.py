"""Anonymous readers and citizens never see unpublished content, whichever root field they try."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime, timedelta

import pytest

from models.base import Status
from models.news import Article, ArticleSlug
from tests.api.factories import gid, make_article, make_column, make_tag

pytestmark = pytest.mark.db

LIST = """query($column: String, $tag: String, $featured: Boolean, $page: Int) {
  articles(column: $column, tag: $tag, featured: $featured, first: 2, page: $page) {
    totalCount totalPages edges { node { title } } } }"""
LIST_STATUS = "query($status: [ContentStatus!]) { articles(status: $status) { totalCount } }"
BY_ID = "query($id: ID!) { article(id: $id) { title } }"
BY_SLUG = "query($slug: String!) { article(slug: $slug) { title } }"
NODE = "query($id: ID!) { node(id: $id) { id } }"
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
COLUMN = """query($slug: String!) { column(slug: $slug) { articles(first: 2) { totalCount totalPages
  edges { node { title } } } } }"""
COLUMNS = "{ columns { articles { totalCount edges { node { title } } } children { articles { totalCount } } } }"
SEARCH = "query($q: String!) { search(query: $q) { totalCount totalPages edges { node { id } } } }"
NEWSROOM_FIELDS = "query($id: ID!) { article(id: $id) { title reviewTrail { decision } } }"

HIDDEN_STATUSES = ([Status.DRAFT], [Status.IN_REVIEW], [Status.ARCHIVED], [Status.PUBLISHED, Status.DRAFT])


@pytest.fixture
async def content():
    """One published article and one of each unpublished kind, all in one sub-column, tagged and featured."""
    parent = await make_column(slug="news")
    column = await make_column(slug="sub", parent=parent)
    tag = await make_tag("renda")
    public = await make_article(column, title="公开稿件", tags=[tag])
    hidden = [
        await make_article(column, title="草稿稿件", status=Status.DRAFT, tags=[tag]),
        await make_article(column, title="审核中稿件", status=Status.IN_REVIEW, tags=[tag]),
        await make_article(column, title="定时稿件", status=Status.IN_REVIEW, tags=[tag]),
    ]
    await Article.filter(id=hidden[2].id).update(publish_at=datetime.now(UTC) + timedelta(hours=1))
    await Article.filter(id__in=[a.id for a in hidden]).update(featured=True)
    await Article.filter(id=public.id).update(featured=True)
    # A draft that once had another slug, and a draft that was published once.
    await ArticleSlug.create(slug="old-draft-slug", article=hidden[0])
    hidden.append(await make_article(column, title="撤回稿件", status=Status.DRAFT,
                                     published_at=datetime.now(UTC) - timedelta(days=1)))
    return public, hidden


@pytest.fixture(params=["anonymous", "citizen"])
def reader(request, anonymous, citizen):
    return {"anonymous": anonymous, "citizen": citizen}[request.param]


def titles(connection: dict) -> list[str]:
    return [e["node"]["title"] for e in connection["edges"]]


async def test_lists_and_counts_hold_published_articles_only(reader, content):
    for variables in ({}, {"column": "news"}, {"column": "sub"}, {"tag": "renda"}, {"featured": True},
                      {"page": 1}):
        listed = (await reader.ok(LIST, variables))["articles"]
        assert (titles(listed), listed["totalCount"], listed["totalPages"]) == (["公开稿件"], 1, 1), variables
    beyond = (await reader.ok(LIST, {"page": 2}))["articles"]
    assert (beyond["edges"], beyond["totalCount"]) == ([], 1)
    for slug in ("news", "sub"):
        column = (await reader.ok(COLUMN, {"slug": slug}))["column"]["articles"]
        assert (titles(column), column["totalCount"], column["totalPages"]) == (["公开稿件"], 1, 1)
    tree = (await reader.ok(COLUMNS))["columns"]
    assert titles(tree[0]["articles"]) == ["公开稿件"]
    assert tree[0]["children"] == [{"articles": {"totalCount": 1}}]


async def test_status_argument_is_for_the_newsroom(anonymous, citizen, editor, content):
    for status in HIDDEN_STATUSES:
        variables = {"status": [s.value for s in status]}
        assert await anonymous.error_code(LIST_STATUS, variables) == "UNAUTHENTICATED"
        assert await citizen.error_code(LIST_STATUS, variables) == "FORBIDDEN"
    assert (await citizen.ok(LIST_STATUS, {"status": ["PUBLISHED"]}))["articles"]["totalCount"] == 1
    assert (await editor.ok(LIST_STATUS, {"status": ["DRAFT"]}))["articles"]["totalCount"] == 2
    assert (await editor.ok(LIST_STATUS, {"status": ["IN_REVIEW"]}))["articles"]["totalCount"] == 2


async def test_single_lookups_return_null_for_unpublished(reader, editor, content):
    public, hidden = content
    for article in hidden:
        assert (await reader.ok(BY_ID, {"id": gid("Article", article.id)}))["article"] is None
        assert (await reader.ok(BY_SLUG, {"slug": article.slug}))["article"] is None
        assert (await reader.ok(NODE, {"id": gid("Article", article.id)}))["node"] is None
        # The newsroom sees them all.
        assert (await editor.ok(BY_ID, {"id": gid("Article", article.id)}))["article"]["title"] == article.title
    assert (await reader.ok(BY_SLUG, {"slug": "old-draft-slug"}))["article"] is None
    assert (await editor.ok(BY_SLUG, {"slug": "old-draft-slug"}))["article"]["title"] == "草稿稿件"
    ids = [gid("Article", a.id) for a in [public, *hidden]]
    assert (await reader.ok(NODES, {"ids": ids}))["nodes"] == [{"id": ids[0]}] + [None] * len(hidden)
    assert (await reader.ok(BY_ID, {"id": ids[0]}))["article"] == {"title": "公开稿件"}


async def test_newsroom_fields_of_published_articles_are_refused(anonymous, citizen, content):
    public, _ = content
    assert await anonymous.error_code(NEWSROOM_FIELDS, {"id": gid("Article", public.id)}) == "UNAUTHENTICATED"
    assert await citizen.error_code(NEWSROOM_FIELDS, {"id": gid("Article", public.id)}) == "FORBIDDEN"


@pytest.fixture
async def search_backend(services, tmp_path, monkeypatch):
    """A real search index for this test (the shared test app runs without one)."""
    if services.search is not None:
        yield services.search
        return
    import zhconv

    from search import open_backend

    # zhconv reads its dictionary on first use without closing the file (third-party noise).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        zhconv.convert("預熱", "zh-hans")
    backend = open_backend("whoosh", tmp_path / "index")
    monkeypatch.setattr(services, "search", backend)
    yield backend
    backend.close()


async def test_search_finds_published_articles_only(reader, editor, chief_editor, search_backend):
    column = await make_column(slug="news")
    ids = {}
    for title in ("立法听证会公开稿", "立法听证会草稿", "立法听证会归档稿", "立法听证会撤回稿"):
        draft = await make_article(column, title=title, status=Status.DRAFT, body="<p>立法听证会</p>")
        ids[title] = gid("Article", draft.id)
        if title != "立法听证会草稿":
            await editor.ok('mutation($id: ID!) { articleSubmit(input: {id: $id}) { __typename } }', {"id": ids[title]})
            await chief_editor.ok('mutation($id: ID!) { articlePublish(input: {id: $id}) { __typename } }',
                                  {"id": ids[title]})
    await chief_editor.ok('mutation($id: ID!) { articleArchive(input: {id: $id}) { __typename } }',
                          {"id": ids["立法听证会归档稿"]})
    await chief_editor.ok('mutation($id: ID!) { articleUnpublish(input: {id: $id}) { __typename } }',
                          {"id": ids["立法听证会撤回稿"]})
    found = (await reader.ok(SEARCH, {"q": "听证会"}))["search"]
    assert [e["node"]["id"] for e in found["edges"]] == [ids["立法听证会公开稿"]]
    assert (found["totalCount"], found["totalPages"]) == (1, 1)
