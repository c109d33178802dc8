"""What happens when publishable content changes state, from one place:
the search index follows, subscribers hear of it, and later features hook in here
(webhooks, notifications, cache invalidation).
"""

from __future__ import annotations

import logging

from resolvers import indexing

log = logging.getLogger("renda.lifecycle")


def _services(ctx_or_services):
    return getattr(ctx_or_services, "services", ctx_or_services)


async def published(ctx, item) -> None:
    services = _services(ctx)
    await indexing.index_items(services, [item])
    if services.events is not None:
        services.events.publish(f"published:{type(item).__name__}", item)


async def changed(ctx, item) -> None:
    """A published item was edited: keep its search entry current."""
    await indexing.index_items(_services(ctx), [item])


async def unpublished(ctx, item) -> None:
    await indexing.remove_items(_services(ctx), [item])


async def removed(ctx, item) -> None:
    await indexing.remove_items(_services(ctx), [item])
