"""The number of SQL queries of a request does not grow with the number of items it returns."""

from __future__ import annotations

import pytest

from models.news import ArticleRevision, ReviewAction, ReviewDecision
from models.users import Role
from resolvers.auth import create_user
from tests.api.factories import gid, make_article, make_column, make_tag
from tests.conftest import count_queries

pytestmark = pytest.mark.db

ARTICLE_LIST = """query($first: Int) { articles(first: $first) { totalCount edges { node {
  title column { name parent { name } } tags { slug } createdBy { username }
  reviewTrail { decision user { username } } revisions { number author { username } } } } } }"""
COLUMN_TREE = "{ columns { name children { name reviewStages { name } children { name parent { name } } } } }"
NODES = """query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Article { title column { name } tags { slug } }
  ... on Column { name } ... on Tag { name } } }"""


async def queries_of(client, document: str, variables: dict | None = None) -> int:
    with count_queries() as counter:
        data = await client.ok(document, variables)
    assert data
    return len(counter.queries)


@pytest.fixture
async def newsroom():
    """Articles spread over columns, tags and authors, so every relation has many distinct rows."""
    parents = [await make_column(name=f"上级{i}") for i in range(3)]
    columns = [await make_column(parent=parents[i % 3]) for i in range(6)]
    tags = [await make_tag(f"tag-{i}") for i in range(5)]
    authors = [await create_user(f"author{i}", "Author#Passw0rd", Role.EDITOR) for i in range(2)]
    articles = []
    for i in range(50):
        article = await make_article(columns[i % 6], tags=[tags[i % 5], tags[(i + 1) % 5]], created_by=authors[i % 2])
        await ReviewAction.create(article=article, decision=ReviewDecision.PUBLISH, user=authors[(i + 1) % 2])
        await ArticleRevision.create(article=article, number=1, snapshot={"title": article.title}, author=authors[i % 2])
        articles.append(article)
    return articles


async def test_article_list_queries_do_not_grow_with_page_size(chief_editor, newsroom):
    small = await queries_of(chief_editor, ARTICLE_LIST, {"first": 5})
    large = await queries_of(chief_editor, ARTICLE_LIST, {"first": 50})
    assert small == large


async def test_column_tree_queries_do_not_grow_with_columns(anonymous):
    async def tree(width: int) -> None:
        for _ in range(width):
            top = await make_column()
            for _ in range(width):
                middle = await make_column(parent=top)
                await make_column(parent=middle)

    await tree(2)
    small = await queries_of(anonymous, COLUMN_TREE)
    await tree(4)
    large = await queries_of(anonymous, COLUMN_TREE)
    assert small == large


async def test_nodes_queries_do_not_grow_with_ids(editor, newsroom):
    def ids(n: int) -> list[str]:
        return ([gid("Article", a.id) for a in newsroom[:n]] + [gid("Column", a.column_id) for a in newsroom[:n]]
                + [gid("Tag", t) for t in range(1, min(n, 5) + 1)])

    small = await queries_of(editor, NODES, {"ids": ids(2)})
    large = await queries_of(editor, NODES, {"ids": ids(30)})
    assert small == large


COLUMN_FEEDS = """{ columns { slug articles(first: 3) { totalCount totalPages pageInfo { hasNextPage endCursor }
  edges { cursor node { title column { name } } } }
  children { slug articles(first: 2) { totalCount edges { node { title } } } } } }"""
ROOT_FEED = """query($slug: String!, $first: Int) { articles(column: $slug, first: $first) {
  totalCount totalPages pageInfo { hasNextPage endCursor } edges { cursor node { title } } } }"""


async def test_column_feeds_queries_do_not_grow_with_columns(anonymous):
    async def columns_with_articles(count: int) -> None:
        for _ in range(count):
            top = await make_column()
            await make_article(top)
            for _ in range(2):
                child = await make_column(parent=top)
                for _ in range(3):
                    await make_article(child)

    await columns_with_articles(2)
    small = await queries_of(anonymous, COLUMN_FEEDS)
    await columns_with_articles(5)
    large = await queries_of(anonymous, COLUMN_FEEDS)
    assert small == large


async def test_column_feeds_match_the_articles_list(anonymous):
    top = await make_column(slug="top")
    await make_article(top, title="置顶", pinned=True)
    for i in range(2):
        child = await make_column(slug=f"child-{i}", parent=top)
        for j in range(4):
            await make_article(child, title=f"子栏目{i}-{j}")
    await make_article(await make_column(slug="child-0-0", parent=child), title="孙栏目")
    tree = (await anonymous.ok(COLUMN_FEEDS))["columns"]
    assert [c["slug"] for c in tree] == ["top"]
    nested = tree[0]["articles"]
    direct = (await anonymous.ok(ROOT_FEED, {"slug": "top", "first": 3}))["articles"]
    assert nested["totalCount"] == direct["totalCount"] == 10
    assert nested["totalPages"] == direct["totalPages"] == 4
    assert nested["pageInfo"] == direct["pageInfo"]
    assert [(e["cursor"], e["node"]["title"]) for e in nested["edges"]] == [
        (e["cursor"], e["node"]["title"]) for e in direct["edges"]]
    assert nested["edges"][0]["node"]["title"] == "置顶"
    for child in tree[0]["children"]:
        direct = (await anonymous.ok(ROOT_FEED, {"slug": child["slug"], "first": 2}))["articles"]
        assert child["articles"]["totalCount"] == direct["totalCount"]
        assert child["articles"]["edges"] == [{"node": e["node"]} for e in direct["edges"]]
    # The cursor of the nested list continues in the root list.
    rest = (await anonymous.ok("""query($after: String) { column(slug: "top") { articles(first: 10, after: $after) {
      edges { node { title } } } } }""", {"after": nested["pageInfo"]["endCursor"]}))["column"]["articles"]["edges"]
    assert len(rest) == 7
