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

from .analyzer import word_pieces
from .base import FACET_NAMES, SearchFilter
from .query import ParsedQuery, Phrase
from .whoosh_schema import FIELD_BOOSTS, NO_TIMESTAMP, TEXT_FIELDS
from .whoosh_segment import K1, LRU, FacetTable, SegmentData, SegmentView, filter_clauses

#: Ranking weights of a synonym (of the word typed) and of a soft word (one character).
SYNONYM_WEIGHT = 0.7
SOFT_WEIGHT = 0.5
#: A citizen asking a question wants the law as it stands: older versions rank lower.
STATUS_WEIGHTS = {"AMENDED": 0.6, "REPEALED": 0.5}
STATUS_AT = FACET_NAMES.index("status")
REGION_AT = FACET_NAMES.index("region")
#: Local regulations apply in their region only. A question naming a place (在上海…) ranks
#: other regions' local rules lower; one naming none is asked where the site is (its home
#: regions, none by default): other regions' local rules rank lower than national laws.
#: Measured on the question sets: 0.5 to 0.15 alike for a place named, 0.7 a little worse;
#: 0.5 better than 0.7 for none named.
PLACE_NAMED_WEIGHT = 0.3
NO_PLACE_WEIGHT = 0.5


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
        self._status_cache: list[float] = []
        self._present: dict[str, bool] = {}

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

    def group_docs(self, view: SegmentView, word: str, synonyms: dict[str, tuple[str, ...]], depth: int = 0) -> set[int]:
        """Documents having `word`, or one of its synonyms, or all of its split pieces (拖欠工资
        in 拖欠劳动者工资: 拖欠 + 工资), pieces and synonyms widened the same way, two levels deep."""
        found = set(view.word_docs(word))
        if depth < 2:
            for synonym in synonyms.get(word, ()):
                found |= self.group_docs(view, synonym, synonyms, depth + 1)
            # Pieces no text has are left out (三八妇女节 -> 妇女节), as whole words are.
            pieces = [p for p in word_pieces(word) if self.in_index(p)]
            if pieces:
                found |= set.intersection(*(self.group_docs(view, p, synonyms, depth + 1) for p in pieces))
        return found

    def in_index(self, term: str) -> bool:
        """Whether any live or deleted document has `term` (cached for this reader)."""
        known = self._present.get(term)
        if known is None:
            known = self._present[term] = any(view.word_docs(term) for view in self.views)
        return known

    def scoring_terms(self, parsed: ParsedQuery) -> list[tuple[str, float]]:
        """(term, weight) to rank by: typed words and hints count fully, split pieces half,
        synonyms a bit less than the word, one-character words half."""
        weights: dict[str, float] = {}

        def add(term: str, weight: float, depth: int = 0) -> None:
            weights[term] = max(weights.get(term, 0.0), weight)
            if depth < 2:
                for synonym in parsed.synonyms.get(term, ()):
                    add(synonym, weight * SYNONYM_WEIGHT, depth + 1)
                for piece in word_pieces(term):
                    add(piece, weight / 2, depth + 1)

        for phrase in parsed.phrases:
            for word, _ in phrase.words:
                weights[word] = 1.0
                for piece in word_pieces(word):
                    weights.setdefault(piece, 0.5)
        for words, weight in ((parsed.words, 1.0), (parsed.hints, 1.0), (parsed.soft_words, SOFT_WEIGHT)):
            for word in words:
                add(word, weight)
        return list(weights.items())

    def top_scored(
        self,
        docs: list[set[int]],
        terms: list[tuple[str, float]],
        k: int,
        shares: list[dict[int, float]] | None = None,
        place: tuple[tuple[str, ...], float] = ((), 1.0),
    ) -> list[tuple[float, int, int]]:
        """The best `k` of `docs` (local sets, one per view) by BM25F for weighted `terms`,
        times the squared share of the query's words a document has (when `shares` are
        given), times the status weight (superseded and repealed texts below those in
        force) and the place weight (`place`: regions and the weight of other regions' local
        rules): (score, view index, local)."""
        if k <= 0:
            return []
        weights = self._facet_weights(place)
        best: list[tuple[float, int, int, int]] = []
        for i, (view, local) in enumerate(zip(self.views, docs, strict=True)):
            if not local:
                continue
            tables = []
            for term, boost in terms:
                for f in TEXT_FIELDS:
                    freqs = view.term_freqs(f, term)
                    if freqs:
                        norms = view.length_norms(f, self.avg_lengths[f])
                        tables.append((freqs.get, norms, boost * FIELD_BOOSTS[f] * self.idf(f, term) * (K1 + 1)))
            coord = shares[i] if shares is not None else None
            base = view.base
            facet_ids = view.data.facet_ids
            scored = []
            for d in local:
                s = 0.0
                for get, norms, weight in tables:
                    tf = get(d)
                    if tf:
                        s += weight * tf / (tf + norms[d])
                if coord is not None:
                    s *= coord[d] ** 2
                s *= weights[facet_ids[d]]
                scored.append((s, -(base + d), d))
            best.extend((s, neg, i, d) for s, neg, d in heapq.nlargest(k, scored))
        return [(s, i, d) for s, _, i, d in heapq.nlargest(k, best)]

    def _facet_weights(self, place: tuple[tuple[str, ...], float]) -> list[float]:
        """Ranking weight per facet id, from the status in it, and from its region: local rules
        of regions other than `place`'s rank lower (times its weight)."""
        values = self._facets.values
        known = self._status_cache
        while len(known) < len(values):
            known.append(STATUS_WEIGHTS.get(values[len(known)][STATUS_AT], 1.0))
        regions, weight = place
        if weight == 1.0:
            return known
        return [w * (weight if v[REGION_AT] and v[REGION_AT] not in regions else 1.0)
                for w, v in zip(known, values, strict=False)]

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

    def facet_values(self, view_index: int, docnum: int) -> tuple[str, ...]:
        """(kind, level, status, region, year) of a document, as FACET_NAMES."""
        return self._facets.values[self.views[view_index].data.facet_ids[docnum]]

    def stored(self, view_index: int, docnum: int) -> dict[str, Any]:
        return self.views[view_index].stored(docnum)


def _oldest_key(ts: int) -> int:
    return ts if ts != NO_TIMESTAMP else 2**63
