"""Re-ranking the best candidates with what BM25 cannot see.

BM25 counts words. A citizen's question is answered by one article, and whether an article
answers shows in more than counts: whether the question's words stand in one of its
sentences (承办单位应当自交办之日起三个月内答复), in the law's title or its chapter heading,
whether it is a penalty article when a penalty is asked about, whether it is a purpose or
scope article (第一条, 第二条: they mention everything and answer nothing), a whole-text hit, a
superseded version or another region's rule.

The top RERANK_DEPTH candidates are re-scored by a linear model over those signals
(FEATURES), its weights fit on citizens' questions by `bench/fit_ranker.py` (pairwise
logistic regression: the answering article against the others shown with it). Candidates
below that depth keep their order after them, so paging stays consistent.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .analyzer import word_pieces
from .query import ParsedQuery

RERANK_DEPTH = 40
_SENTENCE_END = re.compile(r"[。；;！？!?\n]")
_OPENING = ("第一条", "第二条")
_PENALTY_CHAPTER = "法律责任"

#: What the model reads of a candidate; each value is 0..1 except `score` (<= 0).
FEATURES = (
    "score",  # log of its BM25 score over the best candidate's
    "words",  # idf-weighted share of the question's words the document has (title, headings, text)
    "sentence",  # the same share in its best sentence
    "title",  # ... in its title (the law's title)
    "headings",  # ... in its short title and chapter headings
    "hint",  # it has a word the kind of question asks for (多久 -> 之日起, 期限)
    "penalty_chapter",  # a penalty is asked about and it stands in the chapter 法律责任
    "local",  # a local regulation
    "other_region",  # ... of a region other than the one asked about (or the site's)
    "opening",  # 第一条 or 第二条: purpose and scope
    "whole_text",  # a whole regulation rather than one article
    "superseded",  # an amended or repealed version
)
#: Fit by bench/fit_ranker.py on 609 questions (see the README's search quality section).
WEIGHTS: dict[str, float] = {
    "score": 1.96,
    "words": 4.35,
    "sentence": 2.31,
    "title": 0.6,
    "headings": 0.75,
    "hint": 1.0,
    "penalty_chapter": 1.27,
    "local": 1.98,
    "other_region": -3.95,
    "opening": -0.82,
    "whole_text": -1.08,
    "superseded": -3.13,
}


@dataclass(frozen=True)
class Candidate:
    """What the re-ranker reads of one candidate document."""

    title: str
    body: str
    extra: str  # short title and headings
    kind: str
    level: str
    status: str
    region: str


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


class Ranker:
    """Scores candidates by `weights` (FEATURES -> weight); see the module's docstring."""

    def __init__(self, weights: dict[str, float] | None = None) -> None:
        weights = WEIGHTS if weights is None else weights
        self.weights = [weights.get(name, 0.0) for name in FEATURES]

    def rerank(
        self,
        page: list[tuple[float, int, int]],
        parsed: ParsedQuery,
        word_weights: dict[str, float],
        regions: Sequence[str],
        candidate: Callable[[int, int], Candidate],
    ) -> list[tuple[float, int, int]]:
        """`page`: (score, view, docnum) best first; `word_weights`: word -> its share of the
        question (they sum to 1; empty: the words count alike); `regions`: where the question
        is asked."""
        if not page:
            return page
        head, tail = page[:RERANK_DEPTH], page[RERANK_DEPTH:]
        rows = features(head, parsed, word_weights, regions, candidate)
        scored = [(value, -rank) for rank, value in enumerate(self.score(rows))]
        order = sorted(range(len(head)), key=scored.__getitem__, reverse=True)
        # Scores shown stay in the documents' order: the best keeps its BM25 score, the others
        # follow by the model's odds, never below the first candidate left out.
        top, floor = head[0][0], tail[0][0] if tail else 0.0
        best = scored[order[0]][0]
        out = [(max(top * math.exp(scored[i][0] - best), floor), head[i][1], head[i][2]) for i in order]
        return out + tail

    def score(self, rows: list[list[float]]) -> list[float]:
        """The model's value of each row of FEATURES (higher ranks first)."""
        return [sum(w * x for w, x in zip(self.weights, row, strict=True)) for row in rows]


def features(
    head: list[tuple[float, int, int]],
    parsed: ParsedQuery,
    word_weights: dict[str, float],
    regions: Sequence[str],
    candidate: Callable[[int, int], Candidate],
) -> list[list[float]]:
    """One row of FEATURES per candidate of `head`."""
    if not word_weights and parsed.words:
        word_weights = {w: 1 / len(parsed.words) for w in parsed.words}
    forms = {word: word_forms(parsed, word) for word in word_weights}

    def share(text: str) -> float:
        return sum(w for word, w in word_weights.items() if _has(text, forms[word]))

    top = max(head[0][0], 1e-9)
    penalty = _PENALTY_CHAPTER in parsed.hints
    rows = []
    for score, view, docnum in head:
        c = candidate(view, docnum)
        whole = c.kind == "REGULATION"
        # A whole text has every word somewhere: its body says nothing of fit.
        body, title, extra = "" if whole else c.body.lower(), c.title.lower(), c.extra.lower()
        sentence = max((share(s) for s in _SENTENCE_END.split(body) if len(s) > 1), default=0.0)
        rows.append([
            math.log(max(score, 1e-9) / top),
            share(" ".join((title, extra, body))),
            sentence,
            share(title),
            share(extra.partition(" ")[2]),
            float(any(h in body for h in parsed.hints)),
            float(penalty and _PENALTY_CHAPTER in extra),
            float(c.level == "LOCAL_REGULATION"),
            float(bool(c.region) and c.region not in regions),
            float(c.kind == "REGULATION_ARTICLE" and title.endswith(_OPENING)),
            float(whole),
            float(c.status in ("AMENDED", "REPEALED")),
        ])
    return rows


def _has(text: str, forms: list[tuple[str, ...]]) -> bool:
    return any(all(part in text for part in form) for form in forms)
