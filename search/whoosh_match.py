"""From a parsed query to the matched documents (per segment) and their order.

Words: a document has a word when it has the word, one of its synonyms, or all of either's
split pieces. Words no document has are ignored. Of the rest, a document must have the
word when there is one, and when there are more, at least half of them by count or by
weight (idf: 人民陪审员 says more than 年龄); if no document qualifies, any of them. A long
question (five words or more) that fewer than a page of documents half answer is widened
by one word: documents lacking one more word follow those that qualify, never ahead of them.
Soft words (one character, hints) only rank.
Quoted phrases are always required (a question quoting what no text has falls back to the
quote's words); excluded words and phrases always removed; so are deleted documents.
Ranking is BM25F (title boosted) times a coordination factor, the squared idf-weighted
share of the words a document has, so documents with all the words come first.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .base import SearchFilter
from .query import ParsedQuery
from .whoosh_state import SearcherState


@dataclass
class Match:
    docs: list[set[int]]  # per segment view, local document numbers
    terms: list[tuple[str, float]] = field(default_factory=list)  # what to score, weighted; empty: by date
    shares: list[dict[int, float]] | None = None  # per document, the idf-weighted share of words it has
    weights: dict[str, float] = field(default_factory=dict)  # word -> its share of the query's weight
    #: When few documents have half the words, those that lack one more follow them:
    #: `first` is the documents that have half (ranked first), `docs` all of them.
    first: list[set[int]] | None = None

    @property
    def total(self) -> int:
        return sum(map(len, self.docs))


HALF = 0.5 - 1e-9  # "at least half the words", robust to rounding
FEW = 10  # fewer documents than a page have half the words: widen by one word


def match(st: SearcherState, parsed: ParsedQuery, filt: SearchFilter | None) -> Match:
    found = _match(st, parsed, filt)
    if found.total or not parsed.phrases or not parsed.words:
        return found
    # A question quoting something (店里贴着“最终解释权归本店所有”，有效吗) whose quote no text
    # has: the quote's words count as words. A quote alone stays exact.
    quoted = [w for p in parsed.phrases for w, _ in p.words if len(w) > 1]
    loose = ParsedQuery(words=list(dict.fromkeys(parsed.words + quoted)),
                        excluded_words=parsed.excluded_words, excluded_phrases=parsed.excluded_phrases,
                        soft_words=parsed.soft_words, hints=parsed.hints, synonyms=parsed.synonyms)
    return _match(st, loose, filt)


def _match(st: SearcherState, parsed: ParsedQuery, filt: SearchFilter | None) -> Match:
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
    optional = [[st.group_docs(v, w, parsed.synonyms) for w in parsed.words] for v in views]
    # A word no text has cannot tell texts apart: it neither counts nor is required.
    df = [sum(len(o[i]) for o in optional) for i in range(len(parsed.words))]
    present = [i for i, n in enumerate(df) if n]
    if not present and not parsed.phrases:
        return Match([set() for _ in views], terms)
    if len(present) <= 1:
        docs = [_intersect([o[i] for i in present] + r) - x for o, r, x in zip(optional, required, excluded, strict=True)]
        return Match(docs, terms)
    # Words weigh by rarity (idf): 人民陪审员 says more than 年龄 about what is asked.
    total = max(st.doc_count, 1)
    idf = {i: math.log(1 + total / df[i]) for i in present}
    share_of = {i: w / sum(idf.values()) for i, w in idf.items()}
    need = math.ceil(len(present) / 2)
    shares, docs = _tally(optional, required, excluded, share_of, need)
    first = None
    # Five words or more: widened, a document still has two of them.
    if need > 2 and any(docs) and sum(map(len, docs)) < FEW:
        wider_shares, wider = _tally(optional, required, excluded, share_of, need - 1)
        if sum(map(len, wider)) > sum(map(len, docs)):
            first, shares, docs = docs, wider_shares, wider
    if not any(docs):  # nothing has half the words: anything with one of them
        shares, docs = _tally(optional, required, excluded, share_of, 0)
    return Match(docs, terms, shares, {parsed.words[i]: w for i, w in share_of.items()}, first)


def _tally(optional, required, excluded, share_of: dict[int, float],
           need: int) -> tuple[list[dict[int, float]], list[set[int]]]:
    """Per view: the share of the words each document has, and the documents having at least
    half of them by count (`need`) or by weight; `need` 0 keeps every document with any.
    Rarest words first: once the words left could no longer bring a new document to half,
    the common ones only add to documents already seen (a pruning that keeps the result)."""
    order = sorted(share_of, key=share_of.__getitem__, reverse=True)
    left_weight = [sum(share_of[i] for i in order[j:]) for j in range(len(order))]
    shares, docs = [], []
    for o, r, x in zip(optional, required, excluded, strict=True):
        base = _intersect(r) if r else None
        share: dict[int, float] = defaultdict(float)
        count: Counter = Counter()
        for j, i in enumerate(order):
            having = o[i] if base is None else o[i] & base
            if need and len(order) - j < need and left_weight[j] < HALF:
                having = having & share.keys()
            w = share_of[i]
            for d in having:
                share[d] += w
            count.update(having)
        for d in x & share.keys():
            del share[d]
        shares.append(share)
        # Half the words, by count or by weight: many common words, or the rare ones.
        # By weight, one rare word is not enough among three or more (回家 in any article).
        pair = min(2, len(order))
        docs.append({d for d, v in share.items() if count[d] >= need or (v >= HALF and count[d] >= pair)})
    return shares, docs


def _intersect(sets: list[set[int]]) -> set[int]:
    sets = sorted(sets, key=len)
    return set(sets[0]).intersection(*sets[1:])
