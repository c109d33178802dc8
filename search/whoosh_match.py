"""From a parsed query to the matched documents (per segment) and their order.

Words: a document must have all of them when there are one or two, at least half of
them (rounded up) when there are more, and if no document qualifies, any of them. A
document has a word when it has the word, one of its synonyms, or all of either's split
pieces. Soft words (one character, hints) only rank.
Quoted phrases are always required; excluded words and phrases always removed; so are
deleted documents. Ranking is BM25F (title boosted) times a coordination factor, the
squared share of the words a document has, so documents with all the words come first.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from .base import SearchFilter
from .query import ParsedQuery
from .whoosh_state import SearcherState


@dataclass
class Match:
    docs: list[set[int]]  # per segment view, local document numbers
    terms: list[tuple[str, float]] = field(default_factory=list)  # what to score, weighted; empty: by date
    counts: list[Counter] | None = None  # words present per document, when not all are required
    words: int = 0

    @property
    def total(self) -> int:
        return sum(map(len, self.docs))


def match(st: SearcherState, parsed: ParsedQuery, filt: SearchFilter | None) -> Match:
    views = st.views
    allowed = [st.filter_docs(v, filt) for v in views]
    if all(a is None for a in allowed):
        filt = None  # no filter, or one that restricts nothing (None or empty lists)
    excluded = []
    for v in views:
        out = set(v.deleted)
        for word in parsed.excluded_words:
            out |= st.word_docs(v, word)
        for phrase in parsed.excluded_phrases:
            out |= st.phrase_docs(v, phrase)
        excluded.append(out)
    if parsed.is_empty:
        # An empty query matches nothing, unless a filter browses.
        if filt is None:
            return Match([set() for _ in views])
        return Match([a - x for a, x in zip(allowed, excluded, strict=True)])  # type: ignore[operator]
    terms = st.scoring_terms(parsed)
    required = []
    for v, a in zip(views, allowed, strict=True):
        sets = [st.phrase_docs(v, p) for p in parsed.phrases]
        if a is not None:
            sets.append(a)
        required.append(sets)
    optional = [[st.group_docs(v, w, parsed.synonyms.get(w, ())) for w in parsed.words] for v in views]
    n = len(parsed.words)
    if n <= 2:
        docs = [_intersect(o + r) - x for o, r, x in zip(optional, required, excluded, strict=True)]
        if n < 2 or any(docs):
            return Match(docs, terms)
    counts = []
    for o, r, x in zip(optional, required, excluded, strict=True):
        base = _intersect(r) if r else None
        c: Counter = Counter()
        for word_docs in o:
            c.update(word_docs if base is None else word_docs & base)
        for d in x & c.keys():
            del c[d]
        counts.append(c)
    need = math.ceil(n / 2) if n > 2 else 1
    docs = [{d for d, k in c.items() if k >= need} for c in counts]
    if not any(docs):
        docs = [set(c) for c in counts]
    return Match(docs, terms, counts, n)


def _intersect(sets: list[set[int]]) -> set[int]:
    sets = sorted(sets, key=len)
    return set(sets[0]).intersection(*sets[1:])
