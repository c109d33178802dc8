"""Per-segment data and caches: everything here is keyed by a whoosh segment id.

Rule: a segment's documents never change (an update deletes and adds elsewhere), so what
is derived from its columns and postings stays valid for the segment's life, whatever
reader it came from; deletions are applied by the caller at the very end. An edit adds a
small segment and leaves the caches of the big ones warm. Document numbers here are
local to the segment.
"""

from __future__ import annotations

import contextlib
import math
from collections import Counter, OrderedDict
from dataclasses import dataclass
from typing import Any

from whoosh.reading import TermNotFound

from .analyzer import split_word
from .query import Phrase
from .whoosh_columns import LENGTH_OF_BYTE, length_bytes, numeric_column, postings, ref_column
from .whoosh_schema import FACET_COLUMNS, TEXT_FIELDS, day_number

# BM25 parameters (the usual ones, as whoosh's BM25F defaults).
K1 = 1.2
B = 0.75


class LRU:
    """An LRU cache bounded by the total size of its values (len of each, plus one)."""

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
        old = self.items.pop(key, None)
        if old is not None:
            self.weight -= len(old) + 1
        self.items[key] = value
        self.weight += size
        while self.weight > self.max_weight:
            _, old = self.items.popitem(last=False)
            self.weight -= len(old) + 1
        return value

    def clear(self) -> None:
        self.items.clear()
        self.weight = 0


class FacetTable:
    """Interns facet value tuples: one small int per distinct (kind, level, ..., year)."""

    def __init__(self) -> None:
        self.ids: dict[tuple[bytes, ...], int] = {}
        self.values: list[tuple[str, ...]] = []

    def intern(self, raw: tuple[bytes, ...]) -> int:
        found = self.ids.get(raw)
        if found is None:
            found = self.ids[raw] = len(self.values)
            self.values.append(tuple(v.decode("utf-8") for v in raw))
        return found


@dataclass
class SegmentData:
    """Column values of one segment by local document number, loaded in bulk once."""

    segid: str
    size: int  # documents, deleted ones included
    facet_ids: list[int]
    promulgated: list[int]
    effective_from: list[int]
    effective_to: list[int]
    sort_ts: list[int]
    _by_facet: dict[int, list[int]] | None = None

    def by_facet(self) -> dict[int, list[int]]:
        """Local documents per facet id (see FacetTable)."""
        if self._by_facet is None:
            ids = self.facet_ids
            order = sorted(range(len(ids)), key=ids.__getitem__)  # stable: ascending docnums
            groups, start = {}, 0
            for fid, n in sorted(Counter(ids).items()):
                groups[fid] = order[start : start + n]
                start += n
            self._by_facet = groups
        return self._by_facet

    @classmethod
    def load(cls, reader: Any, facets: FacetTable) -> SegmentData:
        columns = [ref_column(reader, name) for name in FACET_COLUMNS]
        intern = facets.intern
        return cls(
            segid=reader.segment().segment_id(),
            size=reader.doc_count_all(),
            facet_ids=[intern(values) for values in zip(*columns, strict=True)],
            promulgated=numeric_column(reader, "promulgated"),
            effective_from=numeric_column(reader, "effective_from"),
            effective_to=numeric_column(reader, "effective_to"),
            sort_ts=numeric_column(reader, "sort_ts"),
        )


class SegmentView:
    """One segment as seen by one reader: its data, its current deletions, its place
    (`base`) in the global document numbering, and cached docsets and scores."""

    def __init__(self, reader: Any, data: SegmentData, base: int, cache: LRU) -> None:
        self.reader = reader
        self.data = data
        self.base = base
        self.deleted: frozenset[int] = reader.deleted_docs_set if reader.has_deletions() else frozenset()
        self.cache = self._cache = cache
        self._key = data.segid

    # -- terms -------------------------------------------------------------------------

    def id_docs(self, field: str, value: str) -> set[int]:
        """Documents whose ID `field` is `value`."""
        key = (self._key, "id", field, value)
        found = self._cache.get(key)
        if found is None:
            found = self._cache.put(key, set(postings(self.reader, field, value)[0]))
        return found

    def term_freqs(self, field: str, term: str) -> dict[int, float]:
        """Term frequency per document having `term` in text `field`."""
        key = (self._key, "tf", field, term)
        found = self._cache.get(key)
        if found is None:
            found = self._cache.put(key, dict(zip(*postings(self.reader, field, term), strict=True)))
        return found

    def length_norms(self, field: str, avg_length: float) -> list[float]:
        """Per document, BM25's K1 * (1 - B + B * length / average length) for `field`.
        The average is bucketed to 2 % so edits do not recompute it every time."""
        bucket = round(math.log(max(avg_length, 1.0)) * 50)
        key = (self._key, "norm", field, bucket)
        found = self._cache.get(key)
        if found is None:
            avg = math.exp(bucket / 50)
            by_byte = [K1 * (1 - B + B * LENGTH_OF_BYTE[b] / avg) for b in range(256)]
            found = self._cache.put(key, list(map(by_byte.__getitem__, length_bytes(self.reader, field))))
        return found

    def word_docs(self, word: str) -> set[int]:
        """Documents having `word` in any text field."""
        key = (self._key, "w", word)
        found = self._cache.get(key)
        if found is None:
            found = set()
            for f in TEXT_FIELDS:
                found.update(self.term_freqs(f, word).keys())
            self._cache.put(key, found)
        return found

    # -- phrases ---------------------------------------------------------------------------

    def phrase_docs(self, phrase: Phrase) -> set[int]:
        key = (self._key, "p", phrase.words)
        found = self._cache.get(key)
        if found is None:
            found = self._cache.put(key, self._match_phrase(phrase))
        return found

    def _match_phrase(self, phrase: Phrase) -> set[int]:
        # Each word may also match as its split pieces (代表建议 = 代表 + 建议 where the
        # text was segmented 人大代表/建议): per word, alternatives of (term, offset) lists.
        alts: list[tuple[tuple[tuple[str, int], ...], ...]] = []
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
        terms = sorted({t for options in alts for option in options for t, _ in option})
        found: set[int] = set()
        for field in TEXT_FIELDS:
            todo = sorted(d for d in candidates if d not in found)  # type: ignore[union-attr]
            if todo:
                found.update(_verify(self.reader, field, terms, alts, todo))
        return found

    # -- filters -------------------------------------------------------------------------

    def day_range(self, column: str, low: int, high: int) -> set[int]:
        key = (self._key, "range", column, low, high)
        found = self._cache.get(key)
        if found is None:
            values = getattr(self.data, column)
            found = self._cache.put(key, {d for d, v in enumerate(values) if low <= v <= high})
        return found

    def in_force(self, day: int) -> set[int]:
        key = (self._key, "force", day)
        found = self._cache.get(key)
        if found is None:
            data = self.data
            found = {
                d
                for d, (start, prom, end) in enumerate(zip(data.effective_from, data.promulgated, data.effective_to, strict=True))
                if (start or prom) <= day and (not end or day < end)
            }
            self._cache.put(key, found)
        return found

    def stored(self, docnum: int) -> dict[str, Any]:
        return self.reader.stored_fields(docnum)


def filter_clauses(view: SegmentView, f: Any, facets: FacetTable) -> list[set[int]]:
    """The sets of local documents passing each criterion of SearchFilter `f`."""
    out = []
    # kind, level, status and region are facets: served from the facet column in memory.
    wanted = [(i, {str(v) for v in values}) for i, values in enumerate((f.kinds, f.levels, f.statuses, f.regions)) if values]
    if wanted:
        key = (view.data.segid, "facets", tuple((i, tuple(sorted(v))) for i, v in wanted))
        found = view.cache.get(key)
        if found is None:
            groups = view.data.by_facet()
            found = set()
            for fid, group in groups.items():
                values = facets.values[fid]
                if all(values[i] in allowed for i, allowed in wanted):
                    found.update(group)
            view.cache.put(key, found)
        out.append(found)
    for attr, field in (("issuing_bodies", "issuing_body"), ("group_keys", "group_key")):
        values = getattr(f, attr)
        if values:
            out.append(set().union(*(view.id_docs(field, str(v)) for v in values)))
    if f.promulgated_from or f.promulgated_to:
        out.append(view.day_range("promulgated", day_number(f.promulgated_from) or 1, day_number(f.promulgated_to) or 99999999))
    if f.effective_from or f.effective_to:
        out.append(view.day_range("effective_from", day_number(f.effective_from) or 1, day_number(f.effective_to) or 99999999))
    if f.in_force_on:
        out.append(view.in_force(day_number(f.in_force_on)))
    return out


def _verify(
    reader: Any,
    field: str,
    terms: list[str],
    alts: list[tuple[tuple[tuple[str, int], ...], ...]],
    docs: list[int],
) -> list[int]:
    """Those of the sorted `docs` whose `field` has every phrase word (or its pieces) at
    the phrase's relative character offsets."""
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
