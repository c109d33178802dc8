"""Searching published content: the query goes to the search backend; each hit is checked
against the database before it is shown, so a stale index entry never reveals a draft."""

from __future__ import annotations

from dataclasses import dataclass

from anyio import to_thread

import resolvers.article_search  # noqa: F401  registers the article indexer
from resolvers import law_search  # noqa: F401  registers the regulation and gazette indexers
from resolvers.errors import BadRequest
from resolvers.pagination import MAX_PAGE_SIZE, offset_after, page_size
from search.base import SearchFilter, SearchResults, SearchSort

MAX_OFFSET = 10_000


@dataclass
class SearchPage:
    results: SearchResults
    offset: int
    size: int


async def run_search(ctx, query: str, filter: SearchFilter, sort: SearchSort, first: int | None,
                     after: str | None, page: int | None, facets: bool, highlight: bool = True) -> SearchPage:
    backend = ctx.services.search
    if backend is None:
        raise BadRequest("搜索服务未启用")
    size = page_size(first)
    offset = offset_after(after, page, first)
    if offset > MAX_OFFSET:
        raise BadRequest(f"搜索结果最多翻到第{MAX_OFFSET // MAX_PAGE_SIZE * MAX_PAGE_SIZE}条")
    results = await to_thread.run_sync(
        lambda: backend.search(query or "", filter=filter, sort=sort, offset=offset, limit=size,
                               facets=facets, highlight=highlight))
    counter = ctx.services.searches
    if counter is not None and offset == 0 and sort == SearchSort.RELEVANCE and (query or "").strip():
        counter.record(query, results.total)  # a new question, not a further page or a browse
    return SearchPage(results, offset, size)
