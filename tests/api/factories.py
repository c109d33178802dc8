"""Test data made straight through the models: fast, and only what a test asks for.

Going through GraphQL is for the behaviour under test; everything a test merely needs to exist
(columns, tags, published articles) is written here without password hashing or workflow steps.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import httpx

from models.base import Status
from models.news import Article, ArticleTag, Column, Tag
from schema.base import to_global_id

# The review stages of the tests' reviewed column: 初审 by an editor, then 复审 and 终审 by chief editors.
THREE_STAGES = [
    {"name": "初审", "role": "EDITOR"},
    {"name": "复审", "role": "CHIEF_EDITOR"},
    {"name": "终审", "role": "CHIEF_EDITOR"},
]

_counter = itertools.count(1)


def gid(type_name: str, pk: int) -> str:
    return to_global_id(type_name, pk)


async def make_column(slug: str | None = None, name: str | None = None, parent: Column | None = None,
                      stages: list[dict] | None = None, position: int = 0) -> Column:
    n = next(_counter)
    return await Column.create(slug=slug or f"column-{n}", name=name or f"栏目{n}", parent=parent,
                               review_stages=stages or [], position=position)


async def make_tag(slug: str, name: str | None = None) -> Tag:
    return await Tag.create(slug=slug, name=name or slug)


async def make_article(column: Column, title: str | None = None, status: Status = Status.PUBLISHED,
                       published_at: datetime | None = None, pinned: bool = False, tags: list[Tag] = (),
                       created_by=None, body: str = "<p>正文</p>") -> Article:
    n = next(_counter)
    if status in (Status.PUBLISHED, Status.ARCHIVED) and published_at is None:
        published_at = datetime.now(UTC) - timedelta(minutes=n)
    article = await Article.create(title=title or f"稿件{n}", slug=f"article-{n}", column=column, status=status,
                                   published_at=published_at, pinned=pinned, created_by=created_by, body=body)
    for position, tag in enumerate(tags):
        await ArticleTag.create(article=article, tag=tag, position=position)
    return article


def http_from(app, address: str) -> httpx.AsyncClient:
    """An HTTP client whose requests come from another client address."""
    transport = httpx.ASGITransport(app=app, client=(address, 50001))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")
