"""Turning published content into search documents, and keeping the index in step with the database.

Each content kind registers how to build its documents; the index only ever holds
published content, so a search can never reveal a draft.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from anyio import to_thread

from models.base import Status

log = logging.getLogger("renda.indexing")


@dataclass
class Indexer:
    """How one model kind goes into the index."""

    documents: Callable[[list], Awaitable[list]]  # published items -> SearchDocuments
    keys: Callable[[object], list[str]]  # the keys of an item's documents, for removal
    parent_keys: Callable[[object], list[str]] = lambda item: []
    batch_size: int = 100  # items read and turned into documents at a time, for reindex


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


async def published_batches(model: type, size: int) -> AsyncIterator[list]:
    """Every published item of `model`, `size` at a time, in id order (keyset paging)."""
    last = 0
    while True:
        batch = await model.filter(status=Status.PUBLISHED, id__gt=last).order_by("id").limit(size)
        if not batch:
            return
        yield batch
        last = batch[-1].id


async def all_documents(progress: Callable[[int], None] | None = None) -> list:
    """Every published document of every registered kind, for a full rebuild."""
    docs: list = []
    for model, indexer in INDEXERS.items():
        async for batch in published_batches(model, indexer.batch_size):
            built = await indexer.documents(batch)
            docs.extend(built)
            if progress:
                progress(len(batch))
    return docs
