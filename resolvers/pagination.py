"""Cursor pagination: keyset cursors over a fixed ordering, plus page numbers for 第N页/共M页.

A cursor carries the ordering values of the row it points at, so paging does not skip or
repeat rows when items are published in between, and costs no OFFSET scan.
"""

from __future__ import annotations

import base64
import json
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from resolvers.errors import BadRequest

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass
class Page:
    items: list
    cursors: list[str]
    total_count: int
    has_next_page: bool
    has_previous_page: bool
    page_size: int
    page: int | None = None

    @property
    def total_pages(self) -> int:
        return math.ceil(self.total_count / self.page_size) if self.page_size else 0


def page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE_SIZE
    if first < 0:
        raise BadRequest("first 不能为负数")
    if first > MAX_PAGE_SIZE:
        raise BadRequest(f"first 最大为 {MAX_PAGE_SIZE}，请分页获取")
    return first


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    return value


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict) and "t" in value:
        return datetime.fromisoformat(value["t"])
    return value


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps([_encode_value(v) for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, arity: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        if not isinstance(values, list) or len(values) != arity:
            raise ValueError
        return [_decode_value(v) for v in values]
    except (ValueError, TypeError, UnicodeDecodeError):
        raise BadRequest("after 不是有效的游标") from None


def _check_types(query: QuerySet, ordering: list[str], values: list[Any]) -> None:
    """A cursor's values must fit the fields they compare with: a tampered one is a bad request,
    not a database error."""
    fields_map = query.model._meta.fields_map
    for spec, value in zip(ordering, values, strict=True):
        field = fields_map.get(spec.lstrip("-"))
        expected = {bool: bool, int: int, datetime: datetime, str: str}.get(getattr(field, "field_type", None))
        if expected is None or value is None:
            continue
        ok = isinstance(value, expected) and (expected is bool or not isinstance(value, bool))
        if expected is datetime:
            ok = ok and value.tzinfo is not None
        if not ok:
            raise BadRequest("after 不是有效的游标")


def _after(ordering: list[str], values: list[Any]) -> Q:
    """Rows strictly after `values` in `ordering` (fields prefixed '-' descend)."""
    clauses = []
    for i, spec in enumerate(ordering):
        name = spec.lstrip("-")
        op = "lt" if spec.startswith("-") else "gt"
        equal = {f.lstrip("-"): values[j] for j, f in enumerate(ordering[:i])}
        clauses.append(Q(**equal, **{f"{name}__{op}": values[i]}))
    combined = clauses[0]
    for clause in clauses[1:]:
        combined |= clause
    return combined


async def paginate(query: QuerySet, ordering: list[str], first: int | None = None,
                   after: str | None = None, page: int | None = None) -> Page:
    """One page of `query` in `ordering` (which must end in a unique field such as '-id')."""
    size = page_size(first)
    if page is not None and after is not None:
        raise BadRequest("page 与 after 不能同时使用")
    if page is not None and page < 1:
        raise BadRequest("page 从 1 开始")
    total = await query.count()
    ordered = query.order_by(*ordering)
    if page is not None:
        rows = await ordered.offset((page - 1) * size).limit(size + 1)
        has_previous = page > 1
    elif after:
        values = decode_cursor(after, len(ordering))
        _check_types(query, ordering, values)
        rows = await ordered.filter(_after(ordering, values)).limit(size + 1)
        has_previous = True
    else:
        rows = await ordered.limit(size + 1)
        has_previous = False
    has_next = len(rows) > size
    rows = rows[:size]
    cursors = [encode_cursor([getattr(r, f.lstrip("-")) for f in ordering]) for r in rows]
    return Page(rows, cursors, total, has_next, has_previous, size, page)


def page_of(items: list, total: int, first: int | None, offset: int = 0) -> Page:
    """A Page over items fetched some other way (search hits): cursors are offsets."""
    size = page_size(first)
    cursors = [encode_cursor([offset + i + 1]) for i in range(len(items))]
    return Page(items, cursors, total, offset + len(items) < total, offset > 0, size,
                offset // size + 1 if size else None)


def offset_after(after: str | None, page: int | None, first: int | None) -> int:
    """The offset an `after` cursor from `page_of` (or a page number) points past."""
    size = page_size(first)
    if page is not None and after is not None:
        raise BadRequest("page 与 after 不能同时使用")
    if page is not None:
        if page < 1:
            raise BadRequest("page 从 1 开始")
        return (page - 1) * size
    if after:
        value = decode_cursor(after, 1)[0]
        if not isinstance(value, int) or value < 0:
            raise BadRequest("after 不是有效的游标")
        return value
    return 0
