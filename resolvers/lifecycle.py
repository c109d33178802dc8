"""What happens when publishable content changes state, from one place:
media follow (public while published content uses them), the search index follows,
subscribers hear of it, and later features hook in here (webhooks, notifications, cache invalidation).
"""

from __future__ import annotations

import logging

from resolvers import indexing, media_usage

log = logging.getLogger("renda.lifecycle")


def _services(ctx_or_services):
    return getattr(ctx_or_services, "services", ctx_or_services)


async def published(ctx, item) -> None:
    services = _services(ctx)
    # Media first: subscribers and the index may hand out the cover's public URL at once.
    await media_usage.content_changed(services, item)
    await indexing.index_items(services, [item])
    if services.events is not None:
        services.events.publish(f"published:{type(item).__name__}", item)


async def changed(ctx, item) -> None:
    """A published item was edited: keep its search entry current, and media it now uses public."""
    await media_usage.content_changed(_services(ctx), item)
    await indexing.index_items(_services(ctx), [item])


async def unpublished(ctx, item) -> None:
    """Unpublished or archived: media no other published content uses become private again
    (archived content stays reachable by its address, so its media stay public)."""
    await media_usage.content_changed(_services(ctx), item)
    await indexing.remove_items(_services(ctx), [item])


async def removed(ctx, item) -> None:
    await media_usage.content_removed(_services(ctx), item)
    await indexing.remove_items(_services(ctx), [item])
