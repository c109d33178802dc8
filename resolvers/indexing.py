"""Turning published content into search documents, and keeping the index in step with the database.

Each content kind registers how to build its documents; the index only ever holds
published content, so a search can never reveal a draft.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from anyio import to_thread

log = logging.getLogger("renda.indexing")


@dataclass
class Indexer:
    """How one model kind goes into the index."""

    documents: Callable[[list], Awaitable[list]]  # published items -> SearchDocuments
    keys: Callable[[object], list[str]]  # the keys of an item's documents, for removal
    parent_keys: Callable[[object], list[str]] = lambda item: []
    all_published: Callable[[], AsyncIterator[list]] | None = None  # batches, for reindex


INDEXERS: dict[type, Indexer] = {}


def register(model: type, indexer: Indexer) -> None:
    INDEXERS[model] = indexer


async def index_items(services, items: list) -> None:
    backend = services.search
    if backend is None or not items:
        return
    indexer = INDEXERS.get(type(items[0]))
    if indexer is None:
        return
    public = [i for i in items if getattr(i, "status", "PUBLISHED") == "PUBLISHED"]
    hidden = [i for i in items if i not in public]
    docs = await indexer.documents(public) if public else []
    if docs:
        await to_thread.run_sync(backend.index, docs)
    if hidden:
        await remove_items(services, hidden)


async def remove_items(services, items: list) -> None:
    backend = services.search
    if backend is None or not items:
        return
    indexer = INDEXERS.get(type(items[0]))
    if indexer is None:
        return
    keys = [k for item in items for k in indexer.keys(item)]
    parents = [k for item in items for k in indexer.parent_keys(item)]
    if keys:
        await to_thread.run_sync(backend.delete, keys)
    if parents:
        await to_thread.run_sync(backend.delete_by_parent, parents)


async def all_documents(progress: Callable[[int], None] | None = None) -> list:
    """Every published document of every registered kind, for a full rebuild."""
    docs: list = []
    for indexer in INDEXERS.values():
        if indexer.all_published is None:
            continue
        async for batch in indexer.all_published():
            built = await indexer.documents(batch)
            docs.extend(built)
            if progress:
                progress(len(batch))
    return docs
