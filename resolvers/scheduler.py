"""The background task: publishes scheduled content when it falls due, once a day refreshes
the search status of laws that took effect or were superseded, and writes the search
statistics counted since its last pass (deleting those past SEARCH_STATS_DAYS)."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from models.gazettes import GazetteIssue
from models.laws import Regulation
from resolvers import publishing, search_stats
from resolvers.law_search import refresh_statuses
from resolvers.laws import today
from resolvers.workflow import publish_due

log = logging.getLogger("renda.scheduler")


def status_marker(settings):
    """The file recording the day the index's regulation statuses were computed for."""
    return settings.data_dir / "search-statuses.day"


async def run_scheduler(services, interval: float) -> None:
    """Runs until cancelled; its first pass at start-up publishes what fell due while stopped."""
    stats_pruned_on = None  # old search statistics go once a day, not every pass
    while True:
        try:
            published = await publish_due(services)
            for model in (Regulation, GazetteIssue):
                published += await publishing.publish_due(services, model)
            if published:
                log.info("published %d scheduled item(s)", len(published))
            if services.search is not None and services.settings is not None:
                await refresh_statuses(services, status_marker(services.settings))
            if services.searches is not None:
                await search_stats.write_counts(services.searches)
                if services.settings is not None and stats_pruned_on != today():
                    await search_stats.forget_before(today() - timedelta(days=services.settings.search_stats_days))
                    stats_pruned_on = today()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("scheduled publishing failed; retrying in %.0fs", interval)
        await asyncio.sleep(interval)
