"""What citizens search for, counted per query and day, so editors can see which questions
found nothing and teach the search their words (see search_vocabulary).

Searches are counted in memory and written by the scheduler, one row per query and day:
a search never waits for a database write. Only a relevance search's first page with words
counts (paging through results or browsing by date is not a new question). The statistics
hold the words only, never who searched or from where, and numbers and addresses typed into
the box are blotted out; rows older than `search_stats_days` are deleted.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.functions import Count, Max, Sum

from models.search import SearchQueryDay
from resolvers.errors import BadRequest
from resolvers.laws import today
from resolvers.pagination import Page, decode_cursor, encode_cursor, page_size
from search.analyzer import normalize

log = logging.getLogger("renda.search_stats")
MAX_QUERY = 200  # the longest query a search honours
_MAX_PENDING = 50_000  # distinct queries held between two writes; beyond it, new ones wait
# Citizens sometimes type their phone, ID card, plate or case number, or an e-mail address,
# into the search box: those are never kept (an address; letters and digits with 5+ digits).
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", re.ASCII)
_CODE = re.compile(r"[0-9a-z]{5,}", re.ASCII)


def _blot(text: str) -> str:
    text = _ADDRESS.sub("*", text)
    return _CODE.sub(lambda m: "*" if sum(c.isdigit() for c in m.group()) >= 5 else m.group(), text)


class QueryCounter:
    """Searches counted since the last write: (day, query) -> [searches, found nothing]."""

    def __init__(self) -> None:
        self._pending: dict[tuple[date, str], list[int]] = {}

    def record(self, query: str, found: int, on: date | None = None) -> None:
        text = _blot(" ".join(normalize(query or "").split()))[:MAX_QUERY]
        if not text:
            return
        key = (on or today(), text)
        counts = self._pending.get(key)
        if counts is None:
            if len(self._pending) >= _MAX_PENDING:
                return
            counts = self._pending[key] = [0, 0]
        counts[0] += 1
        if not found:
            counts[1] += 1

    def take(self) -> dict[tuple[date, str], list[int]]:
        pending, self._pending = self._pending, {}
        return pending

    def put_back(self, pending: dict[tuple[date, str], list[int]]) -> None:
        for key, (searches, empty) in pending.items():
            counts = self._pending.setdefault(key, [0, 0])
            counts[0] += searches
            counts[1] += empty


async def write_counts(counter: QueryCounter) -> int:
    """Add the counted searches to the database; returns the rows touched. What cannot be
    written stays counted for the next attempt."""
    pending = counter.take()
    done = 0
    try:
        for (day, query), (searches, empty) in list(pending.items()):
            await _add(day, query, searches, empty)
            del pending[(day, query)]
            done += 1
    finally:
        counter.put_back(pending)
    return done


async def _add(day: date, query: str, searches: int, empty: int) -> None:
    changes = {"searches": F("searches") + searches, "empty": F("empty") + empty}
    if await SearchQueryDay.filter(day=day, query=query).update(**changes):
        return
    try:
        await SearchQueryDay.create(day=day, query=query, searches=searches, empty=empty)
    except IntegrityError:  # another server process created the row in between
        await SearchQueryDay.filter(day=day, query=query).update(**changes)


async def forget_before(day: date) -> int:
    return await SearchQueryDay.filter(day__lt=day).delete()


@dataclass
class QueryStat:
    query: str
    searches: int
    empty: int
    last_day: date


async def query_stats(since: date | None, until: date | None, empty_only: bool, first: int | None,
                      after: str | None) -> Page:
    """Queries of the period (the last 30 days by default), most searched first; `empty_only`:
    those that found nothing at least once, most often empty first."""
    until = until or today()
    since = since or until - timedelta(days=29)
    if since > until:
        raise BadRequest("since 不能晚于 until")
    size = page_size(first)
    offset = decode_cursor(after, 1)[0] if after else 0
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise BadRequest("after 不是有效的游标")
    rows = SearchQueryDay.filter(day__gte=since, day__lte=until)
    if empty_only:
        rows = rows.filter(empty__gt=0)
    grouped = rows.annotate(total=Sum("searches"), total_empty=Sum("empty"), last=Max("day")).group_by("query")
    counted = await rows.annotate(n=Count("query", distinct=True)).values_list("n", flat=True)
    total_count = int(counted[0]) if counted else 0
    order = ["-total_empty", "-total", "query"] if empty_only else ["-total", "-total_empty", "query"]
    found = await grouped.order_by(*order).offset(offset).limit(size).values(
        "query", "total", "total_empty", "last")
    items = [QueryStat(r["query"], int(r["total"]), int(r["total_empty"]), _as_date(r["last"])) for r in found]
    cursors = [encode_cursor([offset + i + 1]) for i in range(len(items))]
    return Page(items, cursors, total_count, has_next_page=offset + len(items) < total_count,
                has_previous_page=offset > 0, page_size=size)


def _as_date(value) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value
