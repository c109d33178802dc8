"""Full-text search behind the `SearchBackend` protocol (search.base); whoosh + jieba by default.

Rules every backend keeps (tests/search/test_contract.py): traditional characters match
simplified ones; "quoted phrases" are exact; one or two words are all required, more need
at least half and documents with more of them rank first; -word excludes; a malformed
query never raises; an empty query returns nothing unless a filter browses; facets count
the whole matched set; highlights are escaped HTML with <em> marks.

The whoosh backend (whoosh_backend) keeps its index in the given directory (layout and
crash recovery: index_dir). Several processes may search it while one writes; a writer
that died leaves no lock behind (the OS releases it), and a rebuild that died leaves the
previous index live and its half-built folder for the next rebuild to remove.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .base import (
    FACET_NAMES,
    MAX_QUERY_LENGTH,
    Hit,
    SearchBackend,
    SearchDocument,
    SearchError,
    SearchFilter,
    SearchKind,
    SearchResults,
    SearchSort,
)

BACKENDS = ("whoosh",)

__all__ = [
    "BACKENDS",
    "FACET_NAMES",
    "MAX_QUERY_LENGTH",
    "Hit",
    "SearchBackend",
    "SearchDocument",
    "SearchError",
    "SearchFilter",
    "SearchKind",
    "SearchResults",
    "SearchSort",
    "open_backend",
]


def open_backend(name: str, directory: Path, **options: Any) -> SearchBackend:
    """Open (creating if needed) the named backend on `directory`; options go to its
    constructor (e.g. `lock_timeout`)."""
    if name == "whoosh":
        from .whoosh_backend import WhooshBackend

        return WhooshBackend(Path(directory), **options)
    raise SearchError(f"Unknown search backend {name!r}; available: {', '.join(BACKENDS)}.")
