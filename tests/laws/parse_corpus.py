"""One-off check: parse every text of a corpus folder and report failures and oddities.

    python tests/laws/parse_corpus.py CORPUS

Not a CI test (the full corpus lives outside the repository).
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from resolvers.lawtext import LawTextError, parse_law


def main(root: Path) -> int:
    rows = [json.loads(line) for line in (root / "manifest.jsonl").read_text("utf-8").splitlines() if line]
    failures: list[tuple[str, str]] = []
    stats: Counter[str] = Counter()
    oddities: list[str] = []
    started = time.perf_counter()
    for row in rows:
        path = row["path"]
        try:
            law = parse_law((root / path).read_text("utf-8"))
        except (LawTextError, OSError, UnicodeDecodeError) as exc:
            failures.append((path, str(exc)))
            continue
        stats["texts"] += 1
        stats["articles"] += len(law.articles)
        stats["headings"] += len(law.headings)
        stats["paragraphs in articles"] += sum(len(a.paragraphs) for a in law.articles)
        stats["items"] += sum(len(p.items) for a in law.articles for p in a.paragraphs)
        if not law.articles:
            stats["texts without articles"] += 1
        elif law.paragraphs:
            stats["texts with a preamble"] += 1
        if law.appendix:
            stats["texts with an appendix"] += 1
        if any(h.level == "PART" and h.label.endswith("编") for h in law.headings):
            stats["texts with parts (编)"] += 1
        if any(a.suffix for a in law.articles):
            stats["texts with inserted articles (之一)"] += 1
        keys = [(a.number, a.suffix) for a in law.articles]
        if len(set(keys)) != len(keys):
            dupes = [k for k, n in Counter(keys).items() if n > 1]
            oddities.append(f"{path}: repeated article numbers {dupes[:5]}")
        if keys and keys != sorted(keys):
            oddities.append(f"{path}: articles out of order")
        if any(not a.paragraphs for a in law.articles):
            oddities.append(f"{path}: article without text")
    elapsed = time.perf_counter() - started
    print(f"parsed {stats['texts']} of {len(rows)} texts in {elapsed:.1f}s")
    for key, value in stats.items():
        print(f"  {key}: {value}")
    print(f"failures: {len(failures)}")
    for path, reason in failures:
        print(f"  {path}: {reason}")
    print(f"oddities: {len(oddities)}")
    for line in oddities:
        print(f"  {line}")
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: parse_corpus.py CORPUS (a folder of law texts with manifest.jsonl)")
    raise SystemExit(main(Path(sys.argv[1])))
