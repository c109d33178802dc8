"""Re-ranking the best candidates by how close together the query's words are.

A citizen's question is answered by one sentence of an article: an article that has the
words in one sentence (承办单位应当自交办之日起三个月内答复) answers better than one that has
them scattered over its items. BM25 sees only counts, so the top RERANK_DEPTH candidates
are re-scored: score x (1 + SENTENCE_BONUS x the weighted share of the words found in the
article's best sentence). Candidates below that depth keep their order, so paging stays
consistent.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .analyzer import word_pieces
from .query import ParsedQuery

RERANK_DEPTH = 40
SENTENCE_BONUS = 1.0
_SENTENCE_END = re.compile(r"[。；;！？!?\n]")


def word_forms(parsed: ParsedQuery, word: str) -> list[tuple[str, ...]]:
    """The ways a word shows in a text, each a tuple of strings that must all be present:
    the word, its synonyms, and its (or their) multi-character pieces."""
    forms: list[tuple[str, ...]] = []
    for term in (word, *parsed.synonyms.get(word, ())):
        forms.append((term,))
        pieces = tuple(word_pieces(term))
        if len(pieces) > 1:
            forms.append(pieces)
    return forms


def rerank(
    page: list[tuple[float, int, int]],
    parsed: ParsedQuery,
    weights: dict[str, float],
    body_of: Callable[[int, int], str],
) -> list[tuple[float, int, int]]:
    """`page`: (score, view, docnum) best first; `weights`: word -> its weight (they sum to 1)."""
    if len(weights) < 2 or not page:
        return page
    forms = {word: word_forms(parsed, word) for word in weights}
    head, tail = page[:RERANK_DEPTH], page[RERANK_DEPTH:]
    rescored = []
    for rank, (score, view, docnum) in enumerate(head):
        best = 0.0
        for sentence in _SENTENCE_END.split(body_of(view, docnum).lower()):
            if len(sentence) < 2:
                continue
            share = sum(w for word, w in weights.items() if _has(sentence, forms[word]))
            best = max(best, share)
        rescored.append((score * (1 + SENTENCE_BONUS * best), -rank, view, docnum))
    rescored.sort(reverse=True)
    return [(s, v, d) for s, _, v, d in rescored] + tail


def _has(sentence: str, forms: list[tuple[str, ...]]) -> bool:
    return any(all(part in sentence for part in form) for form in forms)
