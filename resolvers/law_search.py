"""How regulations and gazette issues go into the search index.

Keys are "<GraphQL type>:<pk>" of node types a search hit can show:

- REGULATION: one document per version, "RegulationVersion:<id>" (group "Regulation:<id>"): the
  version's title, short title, document number, issuing body and history, and only the text
  that no article carries (preamble 序言, appendix, or the whole body of a text without
  articles). Versions, not regulations, because what was in force on a day is a version:
  `inForceOn`, the AMENDED status and the date facets are exact per version.
- REGULATION_ARTICLE: one per article of every version, "RegulationArticle:<id>", parent
  "RegulationVersion:<id>" (so `delete_by_parent` drops a version's articles): title = version
  title + label, body = the article's text, with the version's level, status, region, dates and
  end date copied so filters and facets work per article.
- GAZETTE_ISSUE: "GazetteIssue:<id>": the issue title, body = its entries' titles.

Statuses are computed on the day of indexing; `inForceOn` is always exact (date ranges).
A status changes only on a version's start or a repeal date: `status_changes_between` lists the
regulations to re-index on such days, and the scheduler does it daily (`refresh_statuses`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from anyio import to_thread

from models.base import Status
from models.gazettes import GazetteEntry, GazetteIssue
from models.laws import Regulation, RegulationArticle, RegulationVersion
from resolvers import indexing
from resolvers.laws import (
    articles_by_version_ids,
    today,
    version_ranges,
    version_status,
    versions_by_regulation_ids,
)
from resolvers.lawtext import document_number
from search.base import SearchDocument, SearchKind

log = logging.getLogger("renda.law_search")

BATCH = 50  # regulations per batch when walking the whole table


def version_key(version_id: int) -> str:
    return f"RegulationVersion:{version_id}"


def _paragraph_text(paragraphs: Iterable[dict]) -> str:
    lines = []
    for p in paragraphs:
        if p.get("text"):
            lines.append(p["text"])
        lines += [f"{i.get('label', '')}{i.get('text', '')}" for i in p.get("items", [])]
    return "\n".join(lines)


async def regulation_documents(regulations: list[Regulation], on: date | None = None) -> list[SearchDocument]:
    """Documents of every version of each regulation and of their articles."""
    on = on or today()
    versions = await versions_by_regulation_ids([r.id for r in regulations])
    articles = await articles_by_version_ids([v.id for vs in versions.values() for v in vs])
    docs: list[SearchDocument] = []
    for regulation in regulations:
        docs.extend(_regulation_docs(regulation, versions[regulation.id], articles, on))
    return docs


def _regulation_docs(regulation: Regulation, versions: list[RegulationVersion],
                     articles: dict[int, list[RegulationArticle]], on: date) -> list[SearchDocument]:
    docs = []
    # The backend reads an end of None as open and a start of None as "since ever".
    ranges = version_ranges(regulation, versions)
    for version in versions:
        start, end = ranges[version.id]
        history = version.history.splitlines()
        number = document_number(history) or ""
        dated = version.promulgated_on or start or version.adopted_on
        common = dict(
            group_key=f"Regulation:{regulation.id}",
            level=str(regulation.level),
            status=str(version_status(version, regulation, versions, on)),
            region=regulation.region or None,
            issuing_body=regulation.issuing_body or None,
            promulgated_on=version.promulgated_on,
            effective_from=start,
            effective_to=end,
            year=dated.year if dated else None,
        )
        own_text = _paragraph_text(version.body) + "\n" + _paragraph_text(version.appendix)
        docs.append(SearchDocument(
            key=version_key(version.id), kind=SearchKind.REGULATION, title=version.title,
            body="\n".join(filter(None, [own_text.strip(), version.history])),
            extra_terms=" ".join(filter(None, [regulation.short_title, number, regulation.issuing_body,
                                               regulation.category])),
            **common,
        ))
        for article in articles.get(version.id, []):
            docs.append(SearchDocument(
                key=f"RegulationArticle:{article.id}", kind=SearchKind.REGULATION_ARTICLE,
                title=f"{version.title} {article.label}", body=article.text,
                parent_key=version_key(version.id),
                extra_terms=" ".join([regulation.short_title, *article.heading_path]),
                **common,
            ))
    return docs


def _regulation_keys(regulation: Regulation) -> list[str]:
    """The version documents of a regulation; needs `versions` fetched (see `forget_regulation`)."""
    fetched = getattr(regulation.versions, "_fetched", False)
    if not fetched:
        log.warning("regulation %s removed from the index without its versions loaded", regulation.id)
        return []
    return [version_key(v.id) for v in regulation.versions]


async def forget_versions(services, version_ids: Sequence[int]) -> None:
    """Remove versions and their articles from the index (before a version is rewritten or
    deleted, whose article ids then change)."""
    backend = services.search if services is not None else None
    keys = [version_key(i) for i in version_ids]
    if backend is None or not keys:
        return
    await to_thread.run_sync(backend.delete, keys)
    await to_thread.run_sync(backend.delete_by_parent, keys)


async def reindex_regulations(services, regulation_ids: Sequence[int], progress=None) -> int:
    """Bring the index in line with the database for these regulations: their documents are
    dropped and the published ones written again, in batches. Returns the documents written."""
    backend = services.search
    if backend is None or not regulation_ids:
        return 0
    written = 0
    ids = list(dict.fromkeys(regulation_ids))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        regulations = await Regulation.filter(id__in=chunk)
        version_ids = await RegulationVersion.filter(regulation_id__in=chunk).values_list("id", flat=True)
        await forget_versions(services, version_ids)
        published = [r for r in regulations if r.status == Status.PUBLISHED]
        docs = await regulation_documents(published) if published else []
        if docs:
            await to_thread.run_sync(backend.index, docs)
        written += len(docs)
        if progress:
            progress(len(chunk))
    return written


async def status_changes_between(after: date, until: date) -> list[int]:
    """Published regulations whose status or in-force version changed on a day in (after, until]:
    a version started or a repeal took effect. Re-index them to refresh their status facet."""
    starts = await RegulationVersion.filter(
        regulation__status=Status.PUBLISHED, effective_from__gt=after, effective_from__lte=until,
    ).values_list("regulation_id", flat=True)
    promulgated = await RegulationVersion.filter(
        regulation__status=Status.PUBLISHED, effective_from__isnull=True, promulgated_on__gt=after,
        promulgated_on__lte=until,
    ).values_list("regulation_id", flat=True)
    repealed = await Regulation.filter(
        status=Status.PUBLISHED, repealed=True, repealed_on__gt=after, repealed_on__lte=until,
    ).values_list("id", flat=True)
    return sorted({*starts, *promulgated, *repealed})


#: How far back a refresh looks when it has no record of the last one.
REFRESH_LOOKBACK_DAYS = 31


async def refresh_statuses(services, marker: Path, on: date | None = None) -> list[int]:
    """Re-index the regulations whose status changed since the day recorded in `marker` (a
    law took effect, a new version came into force, a repeal began), then record `on`
    (today). Run daily by the scheduler; a full reindex records its own day."""
    on = on or today()
    try:
        last = date.fromisoformat(marker.read_text("utf-8").strip())
    except (OSError, ValueError):
        last = on - timedelta(days=REFRESH_LOOKBACK_DAYS)
    if last >= on or services.search is None:
        return []
    ids = await status_changes_between(last, on)
    if ids:
        await reindex_regulations(services, ids)
        log.info("refreshed the search status of %d regulation(s) for %s", len(ids), on)
    record_status_day(marker, on)
    return ids


def record_status_day(marker: Path, on: date) -> None:
    marker.parent.mkdir(parents=True, exist_ok=True)
    temporary = marker.with_suffix(".tmp")
    temporary.write_text(on.isoformat(), "utf-8")
    temporary.replace(marker)


# --- gazette issues -----------------------------------------------------------------------------


async def gazette_documents(issues: list[GazetteIssue]) -> list[SearchDocument]:
    entries: dict[int, list[GazetteEntry]] = {i.id: [] for i in issues}
    for entry in await GazetteEntry.filter(issue_id__in=list(entries)).order_by("issue_id", "position"):
        entries[entry.issue_id].append(entry)
    docs = []
    for issue in issues:
        when = issue.published_on
        docs.append(SearchDocument(
            key=f"GazetteIssue:{issue.id}", kind=SearchKind.GAZETTE_ISSUE,
            title=f"常委会公报 {issue.title}",
            body="\n".join(e.title for e in entries[issue.id]),
            published_at=datetime.combine(when, time(), tzinfo=UTC) if when else issue.published_at,
            year=issue.year,
        ))
    return docs


indexing.register(Regulation, indexing.Indexer(
    documents=regulation_documents,
    keys=_regulation_keys,
    parent_keys=_regulation_keys,
    batch_size=BATCH,
))
indexing.register(GazetteIssue, indexing.Indexer(
    documents=gazette_documents,
    keys=lambda issue: [f"GazetteIssue:{issue.id}"],
    batch_size=200,
))
