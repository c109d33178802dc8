"""The search contract: what the app indexes, how it asks, what it gets back.

Every backend implements `SearchBackend` and passes the same contract tests
(`tests/search/test_contract.py`). Backends block: call them from a thread pool.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol, runtime_checkable

#: Longest query string honoured; the rest is ignored (not an error).
MAX_QUERY_LENGTH = 200


class SearchKind(StrEnum):
    """What a search document stands for in the app."""

    ARTICLE = "ARTICLE"  # news article 新闻
    REGULATION = "REGULATION"  # one version of a law or regulation 法律法规
    REGULATION_ARTICLE = "REGULATION_ARTICLE"  # one article 第N条 of a regulation version
    GAZETTE_ISSUE = "GAZETTE_ISSUE"  # 常委会公报
    DEPUTY = "DEPUTY"  # 人大代表


class SearchSort(StrEnum):
    RELEVANCE = "RELEVANCE"
    NEWEST = "NEWEST"
    OLDEST = "OLDEST"


#: Facets returned by `search(..., facets=True)`, in this order.
FACET_NAMES = ("kind", "level", "status", "region", "year")


@dataclass
class SearchDocument:
    """One searchable unit. `key` is unique across kinds ("Article:12")."""

    key: str
    kind: SearchKind
    title: str  # boosted in ranking
    body: str = ""  # plain text, no markup
    parent_key: str | None = None  # e.g. a regulation article's regulation version, for delete_by_parent
    group_key: str | None = None  # e.g. the regulation id, shared by all its versions
    level: str | None = None  # CONSTITUTION, LAW, ADMINISTRATIVE_REGULATION, LOCAL_REGULATION, DECISION...
    status: str | None = None  # NOT_YET_EFFECTIVE, IN_FORCE, AMENDED, REPEALED
    region: str | None = None
    issuing_body: str | None = None
    promulgated_on: date | None = None
    effective_from: date | None = None
    effective_to: date | None = None  # first day it no longer applies; None = open
    published_at: datetime | None = None  # sort NEWEST/OLDEST (falls back to promulgated_on)
    year: int | None = None  # year facet (falls back to published_at, promulgated_on, effective_from)
    extra_terms: str = ""  # short title, document number, article label 第十二条: searchable, lightly boosted


@dataclass
class SearchFilter:
    """Restricts a search; every given criterion must hold (lists mean "any of"; None or
    an empty list means no restriction).

    - `promulgated_from`/`promulgated_to`: inclusive range on `promulgated_on`; documents
      without the date are excluded once either bound is given.
    - `effective_from`/`effective_to`: inclusive range on the document's `effective_from`
      (its 施行日期), same rule for missing dates.
    - `in_force_on`: `effective_from <= d < effective_to`; a missing `effective_from` falls
      back to `promulgated_on`, and if both are missing the start is open; a missing
      `effective_to` is open. Purely date-based: `status` is not consulted.
    """

    kinds: list[SearchKind] | None = None
    levels: list[str] | None = None
    statuses: list[str] | None = None
    regions: list[str] | None = None
    issuing_bodies: list[str] | None = None
    group_keys: list[str] | None = None
    promulgated_from: date | None = None
    promulgated_to: date | None = None
    effective_from: date | None = None
    effective_to: date | None = None
    in_force_on: date | None = None

    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name in self.__dataclass_fields__)


@dataclass
class Hit:
    key: str
    kind: SearchKind
    score: float  # relevance (BM25F x coordination); 0.0 when sorted by date
    # HTML-safe snippets: everything escaped, matched terms wrapped in <em>…</em>.
    highlights: list[str] = field(default_factory=list)


@dataclass
class SearchResults:
    total: int
    hits: list[Hit]
    # facet name -> value -> count over the whole matched set; None unless asked for.
    facets: dict[str, dict[str, int]] | None = None


class SearchError(Exception):
    """The index cannot serve the request (busy, damaged, closed). The message is
    readable by an end user; it is never raised for a malformed query string."""


@runtime_checkable
class SearchBackend(Protocol):
    """A full-text index of `SearchDocument`s. Implementations are thread-safe; they block."""

    def index(self, docs: Iterable[SearchDocument]) -> None:
        """Add documents, replacing any with the same key."""
        ...

    def delete(self, keys: Iterable[str]) -> None:
        """Remove documents by key; unknown keys are ignored."""
        ...

    def delete_by_parent(self, parent_keys: Iterable[str]) -> None:
        """Remove every document whose `parent_key` is one of `parent_keys`."""
        ...

    def search(
        self,
        query: str,
        filter: SearchFilter | None = None,
        sort: SearchSort = SearchSort.RELEVANCE,
        offset: int = 0,
        limit: int = 20,
        facets: bool = False,
        highlight: bool = True,
    ) -> SearchResults:
        """Search with the citizen query syntax: words (all preferred), "exact phrases",
        -excluded words. Malformed queries degrade to plain words and never raise.
        An empty query returns nothing, unless a non-empty filter is given: then every
        document matching the filter (sorted NEWEST for RELEVANCE)."""
        ...

    def rebuild(self, docs: Iterable[SearchDocument], progress: Callable[[int], None] | None = None) -> int:
        """Build a fresh index from `docs` and swap it in atomically; return how many
        documents it holds. `progress` is called with the running count."""
        ...

    def count(self) -> int:
        """Number of documents in the index."""
        ...

    def set_vocabulary(self, entries: Mapping[str, Sequence[str]]) -> None:
        """Replace the editors' vocabulary: everyday word -> the legal terms it also finds,
        on top of the built-in table. Takes effect for the next search, in every process
        using the index, without reindexing."""
        ...

    def vocabulary(self) -> dict[str, list[str]]:
        """The editors' vocabulary as last set (empty if never)."""
        ...

    def clear(self) -> None:
        """Remove every document."""
        ...

    def close(self) -> None:
        """Release files and caches; the backend is unusable afterwards."""
        ...
