"""Full-text search behind the `SearchBackend` protocol; whoosh + jieba by default."""

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
