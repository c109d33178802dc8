"""Per-request dataloaders of the laws and gazette slice, registered on `ctx.loaders` by name:
one query per relation per request, whatever the number of regulations on the page.

They load rows without visibility checks: callers reach them from objects already checked.
"""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from models.gazettes import GazetteEntry
from models.laws import Regulation, RegulationArticle, RegulationHeading, RegulationVersion
from resolvers.laws import articles_by_version_ids, headings_by_version_ids, versions_by_regulation_ids
from resolvers.loaders import grouped


def _by_id(model):
    async def load(ids: Sequence[int]) -> list:
        rows = {row.id: row for row in await model.filter(id__in=list(set(ids)))}
        return [rows.get(i) for i in ids]

    return load


async def _versions_by_regulation_id(ids: Sequence[int]) -> list[list[RegulationVersion]]:
    found = await versions_by_regulation_ids(list(ids))
    return [found[i] for i in ids]


async def _articles_by_version_id(ids: Sequence[int]) -> list[list[RegulationArticle]]:
    found = await articles_by_version_ids(list(ids))
    return [found[i] for i in ids]


async def _headings_by_version_id(ids: Sequence[int]) -> list[list[RegulationHeading]]:
    found = await headings_by_version_ids(list(ids))
    return [found[i] for i in ids]


async def _entries_by_issue_id(ids: Sequence[int]) -> list[list[GazetteEntry]]:
    rows = await GazetteEntry.filter(issue_id__in=list(set(ids))).order_by("issue_id", "position")
    return grouped(rows, lambda e: e.issue_id, ids)


def regulation_by_id(ctx) -> DataLoader[int, Regulation | None]:
    return ctx.loaders.get("regulation_by_id", _by_id(Regulation))


def version_by_id(ctx) -> DataLoader[int, RegulationVersion | None]:
    return ctx.loaders.get("regulation_version_by_id", _by_id(RegulationVersion))


def versions_by_regulation_id(ctx) -> DataLoader[int, list[RegulationVersion]]:
    """Every version of a regulation, oldest first."""
    return ctx.loaders.get("regulation_versions_by_regulation_id", _versions_by_regulation_id)


def articles_by_version_id(ctx) -> DataLoader[int, list[RegulationArticle]]:
    """The articles of a version in document order."""
    return ctx.loaders.get("regulation_articles_by_version_id", _articles_by_version_id)


def headings_by_version_id(ctx) -> DataLoader[int, list[RegulationHeading]]:
    return ctx.loaders.get("regulation_headings_by_version_id", _headings_by_version_id)


def gazette_entries_by_issue_id(ctx) -> DataLoader[int, list[GazetteEntry]]:
    return ctx.loaders.get("gazette_entries_by_issue_id", _entries_by_issue_id)
