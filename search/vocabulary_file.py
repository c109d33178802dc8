"""The editors' vocabulary as a file beside the index folders, read by every process.

    <directory>/vocabulary.json    {"everyday word": ["legal term", ...], ...}

Written whole and swapped in atomically (os.replace) under the index's write lock; readers
look at the file's identity (inode, size, mtime) on each search, which costs one stat, and
parse it again only when it changed. A missing or unreadable file is an empty vocabulary:
searching goes on with the built-in table.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path

from .query import Vocabulary

VOCABULARY_FILE = "vocabulary.json"
log = logging.getLogger("renda.search")


class VocabularyFile:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._seen: tuple[int, int, int] | None = None
        self._loaded: tuple[dict[str, list[str]], Vocabulary | None] = ({}, None)

    def write(self, entries: Mapping[str, Sequence[str]]) -> None:
        """Replace the file (call with the index's write lock held)."""
        data = {word: list(terms) for word, terms in sorted(entries.items())}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f"{self.path.name}.{uuid.uuid4().hex[:8]}")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=0)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)
        for leftover in self.path.parent.glob(f"{self.path.name}.*"):  # of writers that crashed
            leftover.unlink(missing_ok=True)

    def entries(self) -> dict[str, list[str]]:
        self._refresh()
        return {word: list(terms) for word, terms in self._loaded[0].items()}

    def current(self) -> Vocabulary | None:
        """The vocabulary to parse queries with; None when there is none."""
        self._refresh()
        return self._loaded[1]

    def _refresh(self) -> None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            self._seen, self._loaded = None, ({}, None)
            return
        identity = (st.st_ino, st.st_size, st.st_mtime_ns)
        if identity == self._seen:
            return
        try:
            raw = json.loads(self.path.read_text("utf-8"))
            entries = {str(w): [str(t) for t in terms] for w, terms in raw.items() if isinstance(terms, list)}
        except (OSError, ValueError, AttributeError) as exc:
            log.warning("ignoring the search vocabulary %s: %s", self.path, exc)
            entries = {}
        self._loaded = (entries, Vocabulary(entries) if entries else None)
        self._seen = identity
