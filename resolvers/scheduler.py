"""The background task that publishes scheduled content when it falls due."""

from __future__ import annotations

import asyncio
import logging

from resolvers.workflow import publish_due

log = logging.getLogger("renda.scheduler")


async def run_scheduler(services, interval: float) -> None:
    """Runs until cancelled; its first pass at start-up publishes what fell due while stopped."""
    while True:
        try:
            published = await publish_due(services)
            if published:
                log.info("published %d scheduled item(s)", len(published))
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("scheduled publishing failed; retrying in %.0fs", interval)
        await asyncio.sleep(interval)
