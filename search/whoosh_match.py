"""From a parsed query to the matched documents and their order.

Words: a document must have all of them when there are one or two, at least half of
them (rounded up) when there are more, and if nothing qualifies, any of them. Quoted
phrases are always required; excluded words and phrases always removed. Ranking is
BM25F (title boosted), times a coordination factor (share of the words present, squared)
so documents with all the words come first; it re-ranks a pool of the best BM25F hits.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from whoosh import query as wq

from .query import ParsedQuery
from .whoosh_state import SearcherState

#: Candidates scored by BM25F before the coordination factor re-ranks them.
MIN_POOL = 50


@dataclass
class Match:
    docs: set[int]
    query: wq.Query | None  # None: nothing to score, order by date
    counts: Counter | None = None  # words present per document, when not all are required
    words: int = 0


def match(st: SearcherState, parsed: ParsedQuery, allowed: set[int] | None) -> Match:
    excluded: set[int] = set()
    for word in parsed.excluded_words:
        excluded |= st.word_docs(word)
    for phrase in parsed.excluded_phrases:
        excluded |= st.phrase_docs(phrase)
    if parsed.is_empty:
        # An empty query matches nothing, unless a filter browses.
        return Match((allowed - excluded) if allowed is not None else set(), None)
    required = [st.phrase_docs(p) for p in parsed.phrases]
    if allowed is not None:
        required.append(allowed)
    optional = [st.word_docs(w) for w in parsed.words]
    n = len(optional)
    if n <= 2:
        docs = _intersect(optional + required) - excluded
        if docs or n < 2:
            return Match(docs, st.scoring_query(parsed.words, parsed.phrases, strict=True))
    base = _intersect(required) if required else None
    counts: Counter = Counter()
    for word_docs in optional:
        counts.update(word_docs if base is None else word_docs & base)
    for d in excluded & counts.keys():
        del counts[d]
    need = math.ceil(n / 2) if n > 2 else 1
    docs = {d for d, c in counts.items() if c >= need} or set(counts)
    return Match(docs, st.scoring_query(parsed.words, parsed.phrases, strict=False), counts, n)


def rank(st: SearcherState, m: Match, k: int) -> list[tuple[float, int]]:
    """The best `k` matched documents as (score, docnum), best first."""
    assert m.query is not None
    if m.counts is None:
        return st.top_scored(m.query, m.docs, k)
    pool = st.top_scored(m.query, m.docs, max(2 * k, MIN_POOL))
    counts, n = m.counts, m.words
    rescored = [(score * (counts[d] / n) ** 2, d) for score, d in pool]
    rescored.sort(key=lambda item: (-item[0], item[1]))
    return rescored[:k]


def _intersect(sets: list[set[int]]) -> set[int]:
    sets = sorted(sets, key=len)
    return set(sets[0]).intersection(*sets[1:])
