"""One open whoosh searcher and everything derived from it, as sets of document numbers.

Rule: whatever is cached here is valid for this searcher only (document numbers move
when segments merge), except the per-segment column arrays in `SegmentArrays`, which
are immutable with their segment and are shared by the backend across refreshes.
Matching, filtering and faceting are set algebra on cached docsets; whoosh scores only
the page (`top_scored`), and stored fields are read only for the page.
"""

from __future__ import annotations

import contextlib
import heapq
from collections import Counter, OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from whoosh import query as wq
from whoosh.reading import TermNotFound
from whoosh.searching import Searcher

from .analyzer import split_word
from .base import FACET_NAMES, SearchFilter
from .query import Phrase
from .whoosh_schema import FIELD_BOOSTS, FILTER_FIELDS, NO_TIMESTAMP, TEXT_FIELDS, day_number

#: Below this many candidates, score them by jumping to each; above, let whoosh's
#: block-skipping top-N collector walk the postings.
DIRECT_SCORING_LIMIT = 2000


class LRU:
    """A small LRU cache bounded by the total size of its values (len of each set)."""

    def __init__(self, max_weight: int) -> None:
        self.max_weight = max_weight
        self.weight = 0
        self.items: OrderedDict[Any, Any] = OrderedDict()

    def get(self, key: Any) -> Any:
        value = self.items.get(key)
        if value is not None:
            self.items.move_to_end(key)
        return value

    def put(self, key: Any, value: Any) -> Any:
        size = len(value) + 1
        if size > self.max_weight:
            return value
        self.items[key] = value
        self.weight += size
        while self.weight > self.max_weight:
            _, old = self.items.popitem(last=False)
            self.weight -= len(old) + 1
        return value


@dataclass
class SegmentArrays:
    """Column values of one segment, by segment-local document number."""

    facet_ids: list[int]
    promulgated: list[int]
    effective_from: list[int]
    effective_to: list[int]
    sort_ts: list[int]


class FacetTable:
    """Interns facet value tuples: one small int per distinct (kind, level, ..., year)."""

    def __init__(self) -> None:
        self.ids: dict[bytes, int] = {}
        self.values: list[tuple[str, ...]] = []

    def intern(self, raw: bytes) -> int:
        found = self.ids.get(raw)
        if found is None:
            from .whoosh_schema import decode_facets

            values = decode_facets(raw) if raw else ("",) * len(FACET_NAMES)
            found = self.ids[raw] = len(self.values)
            self.values.append(values)
        return found


def load_segment_arrays(reader: Any, table: FacetTable) -> SegmentArrays:
    def column(name: str) -> list[Any]:
        return list(reader.column_reader(name))

    intern = table.intern
    return SegmentArrays(
        facet_ids=[intern(raw) for raw in column("facets")],
        promulgated=column("promulgated"),
        effective_from=column("effective_from"),
        effective_to=column("effective_to"),
        sort_ts=column("sort_ts"),
    )


class SearcherState:
    def __init__(
        self,
        searcher: Searcher,
        name: str,
        segment_arrays: dict[str, SegmentArrays],
        facets: FacetTable,
        cache_weight: int = 2_000_000,
    ) -> None:
        self.searcher = searcher
        self.name = name  # the index folder this searcher reads
        self.leaves: list[tuple[Any, int]] = list(searcher.reader().leaf_readers())
        self._segment_arrays = segment_arrays
        self._facets = facets
        self._arrays: SegmentArrays | None = None
        self._alive: list[int] | None = None
        self._cache = LRU(cache_weight)

    # -- arrays over the whole searcher -------------------------------------------------

    @property
    def arrays(self) -> SegmentArrays:
        if self._arrays is None:
            parts = []
            for reader, _ in self.leaves:
                if reader.segment() is None:  # an empty index
                    continue
                segid = reader.segment().segment_id()
                part = self._segment_arrays.get(segid)
                if part is None:
                    part = self._segment_arrays[segid] = load_segment_arrays(reader, self._facets)
                parts.append(part)
            self._arrays = SegmentArrays(
                *([x for part in parts for x in getattr(part, name)] for name in SegmentArrays.__dataclass_fields__)
            )
        return self._arrays

    def segment_ids(self) -> set[str]:
        return {reader.segment().segment_id() for reader, _ in self.leaves if reader.segment() is not None}

    @property
    def alive(self) -> list[int]:
        if self._alive is None:
            self._alive = [off + d for reader, off in self.leaves for d in reader.all_doc_ids()]
        return self._alive

    # -- docsets ------------------------------------------------------------------------

    def term_docs(self, field: str, text: str) -> set[int]:
        key = ("t", field, text)
        found = self._cache.get(key)
        if found is None:
            found = set()
            for reader, off in self.leaves:
                try:
                    ids = reader.postings(field, text).all_ids()
                except TermNotFound:
                    continue
                found.update((off + d for d in ids) if off else ids)
            self._cache.put(key, found)
        return found

    def word_docs(self, word: str) -> set[int]:
        key = ("w", word)
        found = self._cache.get(key)
        if found is None:
            found = set().union(*(self.term_docs(f, word) for f in TEXT_FIELDS))
            self._cache.put(key, found)
        return found

    def phrase_docs(self, phrase: Phrase) -> set[int]:
        key = ("p", phrase.words)
        found = self._cache.get(key)
        if found is None:
            found = self._cache.put(key, self._match_phrase(phrase))
        return found

    def filter_docs(self, filt: SearchFilter) -> set[int] | None:
        """Documents passing `filt`, or None when it restricts nothing."""
        key = ("f", repr(filt))
        found = self._cache.get(key)
        if found is None:
            clauses = list(self._filter_clauses(filt))
            if not clauses:
                return None
            clauses.sort(key=len)
            found = set(clauses[0]).intersection(*clauses[1:])
            self._cache.put(key, found)
        return found

    def _filter_clauses(self, f: SearchFilter) -> Iterable[set[int]]:
        for attr, field in FILTER_FIELDS.items():
            values = getattr(f, attr)
            if values:
                yield set().union(*(self.term_docs(field, str(v)) for v in values))
        if f.promulgated_from or f.promulgated_to:
            yield self._day_range("promulgated", f.promulgated_from, f.promulgated_to)
        if f.effective_from or f.effective_to:
            yield self._day_range("effective_from", f.effective_from, f.effective_to)
        if f.in_force_on:
            day = day_number(f.in_force_on)
            key = ("force", day)
            found = self._cache.get(key)
            if found is None:
                a = self.arrays
                start, end, prom = a.effective_from, a.effective_to, a.promulgated
                found = {d for d in self.alive if (start[d] or prom[d]) <= day and (not end[d] or day < end[d])}
                self._cache.put(key, found)
            yield found

    def _day_range(self, column: str, lo: Any, hi: Any) -> set[int]:
        low, high = day_number(lo) or 1, day_number(hi) or 99999999
        key = ("range", column, low, high)
        found = self._cache.get(key)
        if found is None:
            values = getattr(self.arrays, column)
            found = self._cache.put(key, {d for d in self.alive if low <= values[d] <= high})
        return found

    # -- phrases --------------------------------------------------------------------------

    def _match_phrase(self, phrase: Phrase) -> set[int]:
        # Each word may also match as its split pieces (代表建议 = 代表 + 建议 when the
        # text was segmented 人大代表/建议): alternatives of (term, offset) lists.
        alts: list[tuple[tuple[str, int], ...]] = []
        candidates: set[int] | None = None
        for word, off in phrase.words:
            options = [((word, off),)]
            docs = set(self.word_docs(word))
            pieces = split_word(word)
            if pieces and all(len(p) > 1 for p, _ in pieces):
                options.append(tuple((p, off + o) for p, o in pieces))
                docs |= set.intersection(*(self.word_docs(p) for p, _ in pieces))
            alts.append(tuple(options))
            candidates = docs if candidates is None else candidates & docs
            if not candidates:
                return set()
        assert candidates is not None
        terms = sorted({t for options in alts for option in options for t, _ in option})
        found: set[int] = set()
        for reader, base in self.leaves:
            end = base + reader.doc_count_all()
            local = sorted(d - base for d in candidates if base <= d < end)
            for field in TEXT_FIELDS:
                todo = [d for d in local if d + base not in found]
                if todo:
                    found.update(base + d for d in _verify(reader, field, terms, alts, todo))
        return found

    # -- query -> matched set ----------------------------------------------------------

    def scoring_query(self, words: list[str], phrases: list[Phrase], strict: bool) -> wq.Query:
        clauses: list[wq.Query] = [_fields_or([w]) for w in words]
        for phrase in phrases:
            terms = {w for w, _ in phrase.words}
            terms.update(p for w, _ in phrase.words for p, _ in split_word(w) if len(p) > 1)
            clauses.append(_fields_or(sorted(terms)))
        if len(clauses) == 1:
            return clauses[0]
        return wq.And(clauses) if strict else wq.Or(clauses)

    def top_scored(self, q: wq.Query, allowed: set[int], k: int) -> list[tuple[float, int]]:
        """The best `k` of `allowed` by BM25F for `q`, as (score, docnum), best first."""
        if k <= 0 or not allowed:
            return []
        if len(allowed) > DIRECT_SCORING_LIMIT:
            results = self.searcher.search(q, limit=k, filter=allowed)
            return [(hit.score, hit.docnum) for hit in results]
        context = self.searcher.context()
        heap: list[tuple[float, int]] = []
        for sub, base in self.searcher.leaf_searchers():
            end = base + sub.reader().doc_count_all()
            local = sorted(d - base for d in allowed if base <= d < end)
            if not local:
                continue
            m = q.matcher(sub, context)
            for d in local:
                if not m.is_active():
                    break
                if m.id() < d:
                    m.skip_to(d)
                    if not m.is_active():
                        break
                if m.id() == d:
                    item = (m.score(), -(base + d))
                    if len(heap) < k:
                        heapq.heappush(heap, item)
                    elif item > heap[0]:
                        heapq.heapreplace(heap, item)
        return [(score, -neg) for score, neg in sorted(heap, reverse=True)]

    def top_by_date(self, allowed: set[int], k: int, newest: bool) -> list[int]:
        ts = self.arrays.sort_ts
        if newest:
            return heapq.nlargest(k, allowed, key=lambda d: (ts[d], -d))
        # Undated documents last in both directions.
        return heapq.nsmallest(k, allowed, key=lambda d: (ts[d] if ts[d] != NO_TIMESTAMP else 2**63, d))

    def facet_counts(self, docs: set[int]) -> dict[str, dict[str, int]]:
        ids = self.arrays.facet_ids
        by_id = Counter(map(ids.__getitem__, docs))
        out: dict[str, dict[str, int]] = {name: {} for name in FACET_NAMES}
        values = self._facets.values
        for fid, n in by_id.items():
            for name, value in zip(FACET_NAMES, values[fid], strict=True):
                if value:
                    bucket = out[name]
                    bucket[value] = bucket.get(value, 0) + n
        return {name: dict(sorted(b.items(), key=lambda kv: (-kv[1], kv[0]))) for name, b in out.items()}

    def stored(self, docnum: int) -> dict[str, Any]:
        return self.searcher.stored_fields(docnum)

    def close(self) -> None:
        self.searcher.close()


def _fields_or(terms: list[str]) -> wq.Query:
    return wq.Or([wq.Term(f, t, boost=FIELD_BOOSTS[f]) for t in terms for f in TEXT_FIELDS])


def _verify(
    reader: Any,
    field: str,
    terms: list[str],
    alts: list[tuple[tuple[tuple[str, int], ...], ...]],
    docs: list[int],
) -> list[int]:
    """Segment-local `docs` whose `field` has every phrase word (or its pieces) at the
    phrase's relative offsets."""
    matchers: dict[str, Any] = {}
    for term in terms:
        with contextlib.suppress(TermNotFound):
            matchers[term] = reader.postings(field, term)
    if not matchers:
        return []
    out = []
    for d in docs:
        positions: dict[str, set[int]] = {}
        for term, m in matchers.items():
            if m.is_active() and m.id() < d:
                m.skip_to(d)
            if m.is_active() and m.id() == d:
                positions[term] = set(m.value_as("positions"))
        if positions and _phrase_at(positions, alts):
            out.append(d)
    return out


def _phrase_at(positions: dict[str, set[int]], alts: list) -> bool:
    empty: set[int] = set()
    starts: set[int] = set()
    for option in alts[0]:
        term, off = option[0]
        starts.update(p - off for p in positions.get(term, empty))
    for s in starts:
        if all(any(all(s + o in positions.get(t, empty) for t, o in option) for option in options) for options in alts):
            return True
    return False
