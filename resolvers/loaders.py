"""Per-request dataloaders, named `<result>_by_<key>`: one SQL query per relation per request."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from strawberry.dataloader import DataLoader

from models.news import ArticleRevision, ArticleTag, Column, ReviewAction, Tag
from models.users import User


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


class Loaders:
    """Fresh for every request, so nothing cached leaks between users."""

    def __init__(self) -> None:
        self.user_by_id = DataLoader(load_fn=_by_id(User))
        self.column_by_id = DataLoader(load_fn=_by_id(Column))
        self.columns_by_parent_id = DataLoader(load_fn=_columns_by_parent_id)
        self.tags_by_article_id = DataLoader(load_fn=_tags_by_article_id)
        self.review_actions_by_article_id = DataLoader(load_fn=_review_actions_by_article_id)
        self.revisions_by_article_id = DataLoader(load_fn=_revisions_by_article_id)
        self.extra: dict[str, DataLoader] = {}

    def get(self, name: str, load_fn) -> DataLoader:
        """A loader registered by a feature slice (laws, media ...) under a unique name."""
        if name not in self.extra:
            self.extra[name] = DataLoader(load_fn=load_fn)
        return self.extra[name]
