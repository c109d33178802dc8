"""One open whoosh reader, split into per-segment views, and the index-wide statistics.

Matching, filtering and faceting are set algebra on per-segment docsets (see
whoosh_segment); scoring is BM25 over per-segment term tables, computed only for the
matched documents; stored fields are read only for the returned page. Global document
numbers (`view.base + local`) only break ties and never outlive the reader.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Iterable
from typing import Any

from .analyzer import split_word
from .base import FACET_NAMES, SearchFilter
from .query import Phrase
from .whoosh_schema import FIELD_BOOSTS, NO_TIMESTAMP, TEXT_FIELDS
from .whoosh_segment import K1, LRU, FacetTable, SegmentData, SegmentView, filter_clauses


class SearcherState:
    def __init__(
        self,
        reader: Any,
        generation: int,
        name: str,
        segments: dict[str, SegmentData],
        facets: FacetTable,
        cache: LRU,
    ) -> None:
        self.reader = reader  # its segment readers belong to the backend's ReaderPool
        self.generation = generation
        self.name = name  # the index folder this reader reads
        self._facets = facets
        self.views: list[SegmentView] = []
        for leaf, base in reader.leaf_readers():
            if leaf.segment() is None:  # an empty index
                continue
            segid = leaf.segment().segment_id()
            data = segments.get(segid)
            if data is None:
                data = segments[segid] = SegmentData.load(leaf, facets)
            self.views.append(SegmentView(leaf, data, base, cache))
        self.doc_count = reader.doc_count()
        self.doc_count_all = sum(v.data.size for v in self.views)
        self.avg_lengths = {f: max(reader.field_length(f) / max(self.doc_count_all, 1), 1.0) for f in TEXT_FIELDS}
        self._idf: dict[tuple[str, str], float] = {}

    def segment_ids(self) -> set[str]:
        return {v.data.segid for v in self.views}

    def up_to_date(self, ix: Any) -> bool:
        return ix.latest_generation() == self.generation

    # -- docsets per segment ------------------------------------------------------------

    def word_docs(self, view: SegmentView, word: str) -> set[int]:
        return view.word_docs(word)

    def phrase_docs(self, view: SegmentView, phrase: Phrase) -> set[int]:
        return view.phrase_docs(phrase)

    def filter_docs(self, view: SegmentView, filt: SearchFilter | None) -> set[int] | None:
        """Local documents passing `filt`; None when it restricts nothing."""
        if filt is None:
            return None
        clauses = filter_clauses(view, filt, self._facets)
        if not clauses:
            return None
        clauses.sort(key=len)
        return set(clauses[0]).intersection(*clauses[1:])

    # -- ranking ------------------------------------------------------------------------

    def idf(self, field: str, term: str) -> float:
        key = (field, term)
        found = self._idf.get(key)
        if found is None:
            # Both counts include deleted documents (whoosh's document frequencies do).
            df = self.reader.doc_frequency(field, term)
            n = self.doc_count_all
            found = self._idf[key] = math.log(1 + (n - df + 0.5) / (df + 0.5))
        return found

    def scoring_terms(self, words: list[str], phrases: list[Phrase]) -> list[str]:
        terms = list(words)
        for phrase in phrases:
            for word, _ in phrase.words:
                terms.append(word)
                terms.extend(p for p, _ in split_word(word) if len(p) > 1)
        return list(dict.fromkeys(terms))

    def top_scored(
        self,
        docs: list[set[int]],
        terms: list[str],
        k: int,
        counts: list[Counter] | None = None,
        words: int = 0,
    ) -> list[tuple[float, int, int]]:
        """The best `k` of `docs` (local sets, one per view) by BM25F for `terms`, times
        (share of `words` present)² when `counts` are given: (score, view index, local)."""
        if k <= 0:
            return []
        best: list[tuple[float, int, int, int]] = []
        for i, (view, local) in enumerate(zip(self.views, docs, strict=True)):
            if not local:
                continue
            tables = []
            for term in terms:
                for f in TEXT_FIELDS:
                    freqs = view.term_freqs(f, term)
                    if freqs:
                        norms = view.length_norms(f, self.avg_lengths[f])
                        tables.append((freqs.get, norms, FIELD_BOOSTS[f] * self.idf(f, term) * (K1 + 1)))
            coord = counts[i] if counts is not None else None
            base = view.base
            scored = []
            for d in local:
                s = 0.0
                for get, norms, weight in tables:
                    tf = get(d)
                    if tf:
                        s += weight * tf / (tf + norms[d])
                if coord is not None:
                    s *= (coord[d] / words) ** 2
                scored.append((s, -(base + d), d))
            best.extend((s, neg, i, d) for s, neg, d in heapq.nlargest(k, scored))
        return [(s, i, d) for s, _, i, d in heapq.nlargest(k, best)]

    def top_by_date(self, docs: list[set[int]], k: int, newest: bool) -> list[tuple[float, int, int]]:
        """The `k` newest (or oldest) of `docs`; undated documents last either way."""
        if k <= 0:
            return []
        best = []
        for i, (view, local) in enumerate(zip(self.views, docs, strict=True)):
            ts, base = view.data.sort_ts, view.base
            if newest:
                best.extend((ts[d], -(base + d), i, d) for d in heapq.nlargest(k, local, key=lambda d: (ts[d], -d)))
            else:
                best.extend(
                    (-_oldest_key(ts[d]), -(base + d), i, d)
                    for d in heapq.nsmallest(k, local, key=lambda d: (_oldest_key(ts[d]), d))
                )
        return [(0.0, i, d) for _, _, i, d in heapq.nlargest(k, best)]

    # -- facets and documents -------------------------------------------------------------

    def facet_counts(self, docs: Iterable[set[int]]) -> dict[str, dict[str, int]]:
        by_id: Counter = Counter()
        for view, local in zip(self.views, docs, strict=True):
            by_id.update(map(view.data.facet_ids.__getitem__, local))
        out: dict[str, dict[str, int]] = {name: {} for name in FACET_NAMES}
        values = self._facets.values
        for fid, n in by_id.items():
            for name, value in zip(FACET_NAMES, values[fid], strict=True):
                if value:
                    bucket = out[name]
                    bucket[value] = bucket.get(value, 0) + n
        return {name: dict(sorted(b.items(), key=lambda kv: (-kv[1], kv[0]))) for name, b in out.items()}

    def stored(self, view_index: int, docnum: int) -> dict[str, Any]:
        return self.views[view_index].stored(docnum)


def _oldest_key(ts: int) -> int:
    return ts if ts != NO_TIMESTAMP else 2**63
