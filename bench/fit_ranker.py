"""Fit the search re-ranker's weights on citizens' questions, and measure them honestly.

    python bench/fit_ranker.py QUESTIONS... --laws PATH --data-dir DIR [--l2 1.0]

Each QUESTIONS file (the format of bench/search_quality.py) is one question set. The laws
are imported into DIR as search_quality.py does. Every question is asked once; for its best
RERANK_DEPTH candidates the re-ranker's FEATURES are recorded, and which of them answer it.
The weights are a pairwise logistic regression: each answering candidate against each other
candidate shown with it, every question weighing the same, with an L2 penalty.

Leave one set out: each set is ranked with weights fit on the other sets only, so the
figures are those of questions the weights never saw. Prints ONE JSON line: per set the
precision@3 and MRR of the plain BM25 order and of the re-ranked one, pooled figures, and
the weights fit on all sets (to copy into search/whoosh_rerank.py WEIGHTS). Needs numpy.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from search_quality import Evaluator, answers, load_questions, prepare, rank_figures

from search.whoosh_rerank import FEATURES, RERANK_DEPTH, Ranker

SCORE_ONLY = {"score": 1.0}


class Recorder(Ranker):
    """Keeps BM25's order and records each tier's features (a widened search has two)."""

    def __init__(self) -> None:
        super().__init__(SCORE_ONLY)
        self.tiers: list[np.ndarray] = []

    def score(self, rows: list[list[float]]) -> list[float]:
        self.tiers.append(np.array(rows, dtype=float))
        return super().score(rows)


def record(evaluator: Evaluator, path: Path) -> list[tuple[list[np.ndarray], list[np.ndarray]]]:
    """Per question: its tiers' feature rows, and per tier which rows answer it."""
    backend = evaluator._backend  # the bench reads the backend it opened
    recorder = backend.ranker = Recorder()
    out = []
    for q in load_questions(path):
        recorder.tiers = []
        hits = backend.search(q.question, limit=RERANK_DEPTH, highlight=False).hits
        good = np.array([answers(q, evaluator.shown(h.key, h.kind)) for h in hits], dtype=bool)
        tiers, labels, at = [], [], 0
        for rows in recorder.tiers:
            rows = rows[: max(0, len(hits) - at)]
            if len(rows):
                tiers.append(rows)
                labels.append(good[at : at + len(rows)])
            at += len(rows)
        out.append((tiers, labels))
    return out


def fit(questions, l2: float) -> np.ndarray:
    diffs, weights = [], []
    for tiers, labels in questions:
        pairs = [(rows[y][:, None, :] - rows[~y][None, :, :]).reshape(-1, len(FEATURES))
                 for rows, y in zip(tiers, labels, strict=True) if y.any() and (~y).any()]
        if pairs:
            d = np.vstack(pairs)
            diffs.append(d)
            weights.append(np.full(len(d), 1 / len(d)))
    if not diffs:
        return np.array([SCORE_ONLY.get(name, 0.0) for name in FEATURES])
    d, c = np.vstack(diffs), np.concatenate(weights)
    scale = np.vstack([rows for tiers, _ in questions for rows in tiers]).std(axis=0) + 1e-9
    d = d / scale
    w = np.zeros(len(FEATURES))
    for _ in range(50):  # Newton's method: the loss is convex and smooth
        z = d @ w
        p = 1 / (1 + np.exp(z))  # the chance each pair is misordered
        grad = -(c * p) @ d + 2 * l2 * w
        hess = (d * (c * p * (1 - p))[:, None]).T @ d + 2 * l2 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w / scale


def rank_of(tiers, labels, w: np.ndarray | None) -> int | None:
    at = 0
    for rows, y in zip(tiers, labels, strict=True):
        order = np.arange(len(rows)) if w is None else np.argsort(-(rows @ w), kind="stable")
        hit = np.nonzero(y[order])[0]
        if len(hit):
            return at + int(hit[0]) + 1
        at += len(rows)
    return None


def figures(questions, w) -> dict:
    return rank_figures([rank_of(t, y, w) for t, y in questions])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("questions", nargs="+", type=Path)
    parser.add_argument("--laws", type=Path, required=True, help="folder of texts with manifest.jsonl")
    parser.add_argument("--data-dir", type=Path, help="import here (reused when it has a database)")
    parser.add_argument("--l2", type=float, default=1.0, help="penalty on the (standardised) weights")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="renda-fit-") as tmp:
        data_dir = args.data_dir or Path(tmp)
        prepare(args.laws, data_dir)
        evaluator = Evaluator(data_dir, args.laws)
        try:
            sets = {path.stem: record(evaluator, path) for path in args.questions}
        finally:
            evaluator.close()
    result: dict = {"sets": {}}
    for name, questions in sets.items():
        others = [q for other, qs in sets.items() if other != name for q in qs]
        result["sets"][name] = {"questions": len(questions), "bm25": figures(questions, None),
                                "reranked": figures(questions, fit(others, args.l2))}
    total = sum(s["questions"] for s in result["sets"].values())
    for key in ("bm25", "reranked"):
        result[key] = {m: round(sum(s[key][m] * s["questions"] for s in result["sets"].values()) / total, 3)
                       for m in ("precision_at_3", "mrr")}
    everything = [q for qs in sets.values() for q in qs]
    result["weights"] = {name: round(float(v), 2) for name, v in zip(FEATURES, fit(everything, args.l2), strict=True)}
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
