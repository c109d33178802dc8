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
