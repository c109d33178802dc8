"""Per-request dataloaders, named `<result>_by_<key>`: one SQL query per relation per request."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from strawberry.dataloader import DataLoader
from tortoise.functions import Count

from models.base import Status
from models.news import Article, ArticleRevision, ArticleTag, Column, ReviewAction, Tag
from models.users import User
from resolvers.columns import descendant_ids
from resolvers.pagination import Page, encode_cursor


def _by_id(model) -> Callable[[Sequence[int]], Any]:
    async def load(ids: Sequence[int]) -> list:
        rows = {row.id: row for row in await model.filter(id__in=list(set(ids)))}
        return [rows.get(i) for i in ids]

    return load


def grouped(rows: Iterable, key: Callable[[Any], int], ids: Sequence[int]) -> list[list]:
    groups: dict[int, list] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    return [groups.get(i, []) for i in ids]


async def _tags_by_article_id(ids: Sequence[int]) -> list[list[Tag]]:
    links = await ArticleTag.filter(article_id__in=list(set(ids))).order_by("position", "id").prefetch_related("tag")
    by_article: dict[int, list[Tag]] = defaultdict(list)
    for link in links:
        by_article[link.article_id].append(link.tag)
    return [by_article.get(i, []) for i in ids]


async def _columns_by_parent_id(ids: Sequence[int]) -> list[list[Column]]:
    rows = await Column.filter(parent_id__in=list(set(ids)))
    return grouped(rows, lambda c: c.parent_id, ids)


async def _review_actions_by_article_id(ids: Sequence[int]) -> list[list[ReviewAction]]:
    rows = await ReviewAction.filter(article_id__in=list(set(ids))).order_by("id")
    return grouped(rows, lambda a: a.article_id, ids)


async def _revisions_by_article_id(ids: Sequence[int]) -> list[list[ArticleRevision]]:
    rows = await ArticleRevision.filter(article_id__in=list(set(ids))).order_by("-number")
    return grouped(rows, lambda r: r.article_id, ids)


# A column's public feed, as `articles(column:)` orders it: pinned (置顶) first, then newest.
FEED_FIELDS = ("pinned", "published_at", "id")
FeedKey = tuple[int, int, int, int | None]  # column id, page size, offset, page number


def _feed_order(article: Article) -> tuple:
    return (not article.pinned, -article.published_at.timestamp(), -article.id)


async def _feeds_by_column_id(keys: Sequence[FeedKey]) -> list[Page]:
    """The first pages of the feeds of many columns (each with its sub-columns) in three queries, for
    `columns { articles }`: every column's leading published articles in one windowed query; a feed
    is the merge of its columns' leaders, which hold its first `offset + size` items."""
    columns = await Column.all()
    feeds = {key[0]: descendant_ids(columns, key[0]) for key in keys}
    ids = sorted({i for members in feeds.values() for i in members})
    depth = max(size + offset + 1 for _, size, offset, _ in keys)
    counts = dict(await Article.filter(status=Status.PUBLISHED, column_id__in=ids).group_by("column_id")
                  .annotate(n=Count("id")).values_list("column_id", "n"))
    fields = ", ".join(f'"{f}"' for f in Article._meta.db_fields)
    # Only integers from our own rows and a constant go into the statement.
    rows = await Article.raw(
        f'SELECT {fields} FROM (SELECT {fields}, ROW_NUMBER() OVER (PARTITION BY "column_id" '
        f'ORDER BY "pinned" DESC, "published_at" DESC, "id" DESC) AS "feed_rank" FROM "articles" '
        f"WHERE \"status\" = '{Status.PUBLISHED.value}' AND \"column_id\" IN ({', '.join(str(int(i)) for i in ids)})"
        f') AS "ranked" WHERE "feed_rank" <= {int(depth)}') if ids else []
    leaders = grouped(rows, lambda a: a.column_id, ids)
    by_column = dict(zip(ids, leaders, strict=True))
    pages = []
    for column_id, size, offset, page in keys:
        merged = sorted((a for c in feeds[column_id] for a in by_column.get(c, [])), key=_feed_order)
        window = merged[offset:offset + size + 1]
        items = window[:size]
        pages.append(Page(items=items, cursors=[encode_cursor([getattr(a, f) for f in FEED_FIELDS]) for a in items],
                          total_count=sum(counts.get(c, 0) for c in feeds[column_id]),
                          has_next_page=len(window) > size, has_previous_page=offset > 0, page_size=size, page=page))
    return pages


class Loaders:
    """Fresh for every request, so nothing cached leaks between users."""

    def __init__(self) -> None:
        self.user_by_id = DataLoader(load_fn=_by_id(User))
        self.column_by_id = DataLoader(load_fn=_by_id(Column))
        self.columns_by_parent_id = DataLoader(load_fn=_columns_by_parent_id)
        self.tags_by_article_id = DataLoader(load_fn=_tags_by_article_id)
        self.review_actions_by_article_id = DataLoader(load_fn=_review_actions_by_article_id)
        self.revisions_by_article_id = DataLoader(load_fn=_revisions_by_article_id)
        self.feeds_by_column_id = DataLoader(load_fn=_feeds_by_column_id)
        self.extra: dict[str, DataLoader] = {}

    def get(self, name: str, load_fn) -> DataLoader:
        """A loader registered by a feature slice (laws, media ...) under a unique name."""
        if name not in self.extra:
            self.extra[name] = DataLoader(load_fn=load_fn)
        return self.extra[name]
