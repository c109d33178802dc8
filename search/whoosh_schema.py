"""The whoosh schema and how a SearchDocument maps onto it.

Text fields carry character-offset positions (see analyzer). Facets, dates and the
filters on kind, level, status, region and dates come from columns read in bulk once per
segment (see whoosh_segment); key, parent_key, group_key and issuing_body are indexed IDs.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from whoosh import columns, fields
from whoosh.codec.whoosh3 import W3Codec

from .analyzer import chinese_analyzer
from .base import FACET_NAMES, SearchDocument

TEXT_FIELDS = ("title", "body", "extra")
FIELD_BOOSTS = {"title": 3.0, "body": 1.0, "extra": 1.5}
FACET_COLUMNS = tuple(f"facet_{name}" for name in FACET_NAMES)
NO_TIMESTAMP = -(2**62)


class Codec(W3Codec):
    """whoosh's default codec minus per-block field-length statistics: those only serve
    whoosh's own BM25 block skipping, which we do not use, and cost a length lookup per
    posting when writing (about a tenth of the build time). Segments remember their codec,
    so this class must stay importable under this name."""

    length_stats = False


def build_schema() -> fields.Schema:
    analyzer = chinese_analyzer()
    return fields.Schema(
        key=fields.ID(stored=True, unique=True),
        kind=fields.STORED,  # kind, level, status, region: filtered through the facet columns
        issuing_body=fields.ID,
        parent_key=fields.ID,
        group_key=fields.ID,
        title=fields.TEXT(analyzer=analyzer, phrase=True, stored=True),
        body=fields.TEXT(analyzer=analyzer, phrase=True, stored=True),
        extra=fields.TEXT(analyzer=analyzer, phrase=True, stored=True),
        # The facet values (few distinct ones each), read in bulk per segment.
        **{name: fields.COLUMN(columns.RefBytesColumn()) for name in FACET_COLUMNS},
        promulgated=fields.COLUMN(columns.NumericColumn("i", default=0)),
        effective_from=fields.COLUMN(columns.NumericColumn("i", default=0)),
        effective_to=fields.COLUMN(columns.NumericColumn("i", default=0)),
        sort_ts=fields.COLUMN(columns.NumericColumn("q", default=NO_TIMESTAMP)),
    )


def day_number(d: date | None) -> int:
    """20240131 for 2024-01-31; 0 for None."""
    return d.year * 10000 + d.month * 100 + d.day if d else 0


def _timestamp(doc: SearchDocument) -> int:
    moment = doc.published_at
    if moment is None and doc.promulgated_on is not None:
        moment = datetime.combine(doc.promulgated_on, time(), tzinfo=UTC)
    if moment is None:
        return NO_TIMESTAMP
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def facet_values(doc: SearchDocument) -> tuple[str, ...]:
    year = doc.year
    for moment in (doc.published_at, doc.promulgated_on, doc.effective_from):
        if year is None and moment is not None:
            year = moment.year
    return (str(doc.kind), doc.level or "", doc.status or "", doc.region or "", str(year or ""))


def document_fields(doc: SearchDocument) -> dict[str, Any]:
    out: dict[str, Any] = {
        "key": doc.key,
        "kind": str(doc.kind),
        "title": doc.title or "",
        "body": doc.body or "",
        "extra": doc.extra_terms or "",
        **{name: value.encode("utf-8") for name, value in zip(FACET_COLUMNS, facet_values(doc), strict=True)},
        "promulgated": day_number(doc.promulgated_on),
        "effective_from": day_number(doc.effective_from),
        "effective_to": day_number(doc.effective_to),
        "sort_ts": _timestamp(doc),
    }
    for name in ("issuing_body", "parent_key", "group_key"):
        value = getattr(doc, name)
        if value:
            out[name] = value
    return out
