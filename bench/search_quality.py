"""Search quality on citizens' questions: precision@3 and MRR.

    python bench/search_quality.py [QUESTIONS] [--laws PATH] [--data-dir DIR] [--verbose]

QUESTIONS (default tests/laws/search_questions.jsonl) holds one JSON object per line:
{"question": ..., "regulation": <manifest title>, "articles": ["第十九条", ...]}. The laws
folder (default: the 160 demo texts in resolvers/demo/laws) is imported with
`python server.py import-laws` into DIR (a temporary folder unless given; an existing DIR
with a database is reused), then every question is asked of the search index as a citizen
types it, without filters, and the first ten hits are read.

A hit answers a question when it is an article hit (REGULATION_ARTICLE) of the expected
regulation's latest version whose label is one of the expected articles.

- precision@3: the share of questions answered within the first three hits (each question
  has one answer, so this is the top-3 hit rate, the figure a citizen notices).
- MRR: mean of 1/rank of the first answering hit (0 when none in the first ten).
- regulation@3: the share whose expected regulation shows up in the first three hits at all
  (as a whole or by any of its articles).
- found@40: the share answered anywhere in the first RERANK_DEPTH (40) hits, the candidates
  the re-ranker orders: no re-ranking can lift precision@3 above it.

Prints ONE JSON line; --verbose also prints each question's first three hits to stderr.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from search import SearchKind, open_backend  # noqa: E402
from search.whoosh_rerank import RERANK_DEPTH  # noqa: E402

DEFAULT_QUESTIONS = REPO / "tests" / "laws" / "search_questions.jsonl"
DEFAULT_LAWS = REPO / "resolvers" / "demo" / "laws"
TOP = 10


@dataclass(frozen=True)
class Question:
    question: str
    regulation: str
    articles: tuple[str, ...]


@dataclass(frozen=True)
class Shown:
    """A hit as a person reads it: which regulation (manifest title), which article."""

    regulation: str
    label: str | None  # None for a whole-regulation hit
    kind: SearchKind
    current: bool = True  # of the regulation's latest version (labels of older ones may differ)


def load_questions(path: Path) -> list[Question]:
    questions = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        articles = row.get("articles") or [row["article"]]
        if not row.get("question") or not row.get("regulation") or not articles:
            raise ValueError(f"{path.name} line {n}: question, regulation and articles are required")
        questions.append(Question(row["question"], row["regulation"], tuple(articles)))
    return questions


def prepare(laws: Path, data_dir: Path, env: dict[str, str] | None = None) -> None:
    """Import (and index) the laws into `data_dir` unless it already holds a database."""
    if (data_dir / "app.db").exists():
        return
    subprocess.run(
        [sys.executable, str(REPO / "server.py"), "import-laws", str(laws), "--data-dir", str(data_dir)],
        cwd=REPO, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )


class Evaluator:
    """Asks the questions of the index in `data_dir` and reads hits through its database."""

    def __init__(self, data_dir: Path, laws: Path) -> None:
        titles = {}
        for line in (laws / "manifest.jsonl").read_text("utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                titles[row["path"]] = row["title"]
        self._titles = titles
        self._db = sqlite3.connect(data_dir / "app.db")
        self._backend = open_backend("whoosh", data_dir / "index")

    def close(self) -> None:
        self._backend.close()
        self._db.close()

    def shown(self, key: str, kind: SearchKind) -> Shown:
        node, pk = key.split(":", 1)
        if node == "RegulationArticle":
            path, label, sequence, latest = self._db.execute(
                "select v.source_path, a.label, v.sequence,"
                " (select max(o.sequence) from regulation_version o where o.regulation_id = v.regulation_id)"
                " from regulation_article a join regulation_version v on v.id = a.version_id where a.id = ?",
                (pk,)).fetchone()
            return Shown(self._titles.get(path, path), label, kind, sequence == latest)
        if node == "RegulationVersion":
            (path,) = self._db.execute("select source_path from regulation_version where id = ?", (pk,)).fetchone()
            return Shown(self._titles.get(path, path), None, kind)
        return Shown(key, None, kind)

    def ask(self, question: Question, limit: int = TOP) -> list[Shown]:
        results = self._backend.search(question.question, limit=limit, highlight=False)
        return [self.shown(hit.key, hit.kind) for hit in results.hits]


def answers(question: Question, hit: Shown) -> bool:
    return hit.regulation == question.regulation and hit.label in question.articles and hit.current


def rank_figures(ranks: list[int | None]) -> dict:
    """precision@3 and MRR (over the first TOP hits) from each question's answering rank."""
    n = max(len(ranks), 1)
    return {"precision_at_3": round(sum(1 for r in ranks if r and r <= 3) / n, 3),
            "mrr": round(sum(1 / r for r in ranks if r and r <= TOP) / n, 3)}


def evaluate(evaluator: Evaluator, questions: list[Question], verbose: bool = False) -> dict:
    reg3 = 0
    ranks = []
    missed = []
    started = time.perf_counter()
    for q in questions:
        hits = evaluator.ask(q, RERANK_DEPTH)
        rank = next((i for i, h in enumerate(hits, 1) if answers(q, h)), None)
        ranks.append(rank)
        if rank is None or rank > 3:
            missed.append({"question": q.question, "rank": rank if rank and rank <= TOP else None})
        if any(h.regulation == q.regulation for h in hits[:3]):
            reg3 += 1
        if verbose:
            mark = "ok " if rank and rank <= 3 else "MISS"
            print(f"{mark} {rank or '-':>2} {q.question}  => {q.regulation} {'/'.join(q.articles)}", file=sys.stderr)
            for h in hits[:3]:
                print(f"          {h.regulation} {h.label or '(全文)'}", file=sys.stderr)
    n = len(questions)
    return {
        "questions": n,
        **rank_figures(ranks),
        "regulation_at_3": round(reg3 / n, 3),
        "found_at_40": round(sum(1 for r in ranks if r) / n, 3),
        "ms_per_question": round((time.perf_counter() - started) * 1000 / n, 1),
        "missed": missed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("questions", nargs="?", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--laws", type=Path, default=DEFAULT_LAWS, help="folder of texts with manifest.jsonl")
    parser.add_argument("--data-dir", type=Path, help="import here (reused when it has a database)")
    parser.add_argument("--verbose", action="store_true", help="each question's first three hits on stderr")
    args = parser.parse_args()
    questions = load_questions(args.questions)
    with tempfile.TemporaryDirectory(prefix="renda-quality-") as tmp:
        data_dir = args.data_dir or Path(tmp)
        prepare(args.laws, data_dir)
        evaluator = Evaluator(data_dir, args.laws)
        try:
            result = evaluate(evaluator, questions, args.verbose)
        finally:
            evaluator.close()
    result["laws"] = str(args.laws)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
