"""Demo laws and gazettes: the 160 real texts in `laws/` imported as published regulations, and a
few gazette issues listing some of them (the issues, their numbers, the appointment lists and the
reports are made up for the demo).

The texts are imported before the server answers (about two seconds); indexing their ~11,000
search documents takes longer, so it runs in the background: regulation titles first, then the
articles, and law search fills in within a minute of start-up (the log says when it is done).
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, date, datetime
from pathlib import Path

from anyio import to_thread

from models.base import Status
from models.gazettes import GazetteEntry, GazetteEntryKind, GazetteIssue, gazette_issue_title
from models.laws import Regulation
from resolvers.law_import import import_laws
from resolvers.law_search import gazette_documents, regulation_documents
from search.base import SearchKind

log = logging.getLogger("renda.demo")
LAWS = Path(__file__).with_name("laws")
INDEX_BATCH = 500  # a few seconds each: a server stopping meanwhile waits for one batch at most
_background: set[asyncio.Task] = set()

# (year, number, published_on, status, entries: (kind, title, regulation short title or None, page))
ISSUES = [
    (2024, 3, date(2024, 5, 20), Status.PUBLISHED, [
        (GazetteEntryKind.REGULATION, "上海市非机动车安全管理条例", "上海市非机动车安全管理条例", 3),
        (GazetteEntryKind.REPORT, "关于本市非机动车安全管理工作情况的报告（示例）", None, 21),
        (GazetteEntryKind.APPOINTMENT, "市人民代表大会常务委员会任免名单（示例）", None, 35),
    ]),
    (2024, 5, date(2024, 10, 15), Status.PUBLISHED, [
        (GazetteEntryKind.REGULATION, "上海市优化营商环境条例", "上海市优化营商环境条例", 2),
        (GazetteEntryKind.REGULATION, "上海市实施《中华人民共和国义务教育法》办法", "上海市实施《义务教育法》办法", 18),
        (GazetteEntryKind.DECISION, "关于批准2023年市级决算的决议（示例）", None, 30),
    ]),
    (2025, 1, date(2025, 1, 20), Status.PUBLISHED, [
        (GazetteEntryKind.REGULATION, "上海市未成年人保护条例", "上海市未成年人保护条例", 2),
        (GazetteEntryKind.REGULATION, "上海市社会救助条例", "上海市社会救助条例", 25),
        (GazetteEntryKind.REGULATION, "上海市人民代表大会常务委员会规范性文件备案审查条例",
         "上海市人民代表大会常务委员会规范性文件备案审查条例", 40),
        (GazetteEntryKind.APPOINTMENT, "市人民代表大会常务委员会任免名单（示例）", None, 52),
    ]),
    (2025, 2, None, Status.DRAFT, [
        (GazetteEntryKind.REPORT, "关于本市代表建议办理工作情况的报告（示例，草稿）", None, None),
    ]),
]


async def load_laws_demo(services) -> None:
    summary = await import_laws(LAWS)
    log.info("demo laws imported: %d texts, %d regulations", summary.imported + summary.updated,
             summary.regulations)
    issues = await _gazettes()
    if services.search is None:
        return
    regulations = await Regulation.filter(id__in=summary.changed_regulation_ids, status=Status.PUBLISHED)
    docs = await regulation_documents(regulations)
    docs += await gazette_documents([i for i in issues if i.status == Status.PUBLISHED])
    # Titles (regulations, gazettes) before the many articles, so they are searchable first.
    docs.sort(key=lambda d: d.kind == SearchKind.REGULATION_ARTICLE)
    task = asyncio.create_task(_index(services.search, docs))
    _background.add(task)
    task.add_done_callback(_background.discard)


async def _index(backend, docs: list) -> None:
    started = time.perf_counter()
    try:
        for start in range(0, len(docs), INDEX_BATCH):
            batch = docs[start:start + INDEX_BATCH]
            await to_thread.run_sync(backend.index, batch)
    except Exception as error:  # the server stopped meanwhile: `reindex` builds the index again
        log.warning("demo laws indexing stopped: %s; run `python server.py reindex` to complete it", error)
        return
    log.info("demo laws indexed: %d search documents in %.1fs", len(docs), time.perf_counter() - started)


async def _gazettes() -> list[GazetteIssue]:
    regulations = {r.short_title: r for r in await Regulation.all()}
    issues = []
    for year, number, published_on, status, entries in ISSUES:
        issue = await GazetteIssue.create(
            year=year, number=number, title=gazette_issue_title(year, number), published_on=published_on,
            status=status, published_at=datetime.now(UTC) if status == Status.PUBLISHED else None)
        await GazetteEntry.bulk_create([
            GazetteEntry(issue=issue, position=n, kind=kind, title=title, page=page,
                         regulation=regulations.get(short) if short else None)
            for n, (kind, title, short, page) in enumerate(entries, start=1)
        ])
        issues.append(issue)
    return issues
