"""Gazette issues (常委会公报) and their entries."""

from __future__ import annotations

import pytest
from tortoise.exceptions import IntegrityError

from models.gazettes import (
    GAZETTE_ENTRY_KIND_LABELS,
    GazetteEntry,
    GazetteEntryKind,
    GazetteIssue,
    gazette_issue_title,
)
from models.laws import Regulation, RegulationLevel


async def test_issue_numbers_are_unique_per_year(db):
    issue = await GazetteIssue.create(year=2024, number=3, title=gazette_issue_title(2024, 3))
    assert issue.title == "2024年第3号"
    await GazetteIssue.create(year=2023, number=3, title=gazette_issue_title(2023, 3))
    with pytest.raises(IntegrityError):
        await GazetteIssue.create(year=2024, number=3, title="重复")


async def test_entries_in_order_and_linked_regulations(db):
    issue = await GazetteIssue.create(year=2024, number=1, title=gazette_issue_title(2024, 1))
    regulation = await Regulation.create(
        slug="shi-li", title="示例条例", short_title="示例条例", level=RegulationLevel.LOCAL_REGULATION
    )
    await GazetteEntry.create(issue=issue, position=2, kind=GazetteEntryKind.APPOINTMENT, title="任免名单")
    await GazetteEntry.create(
        issue=issue, position=1, kind=GazetteEntryKind.REGULATION, title="示例条例", regulation=regulation, page=5
    )
    entries = await GazetteEntry.filter(issue=issue)
    assert [(e.position, e.kind) for e in entries] == [(1, "REGULATION"), (2, "APPOINTMENT")]
    assert GAZETTE_ENTRY_KIND_LABELS[GazetteEntryKind.APPOINTMENT] == "人事任免"
    await regulation.delete()
    assert [e.regulation_id for e in await GazetteEntry.filter(issue=issue)] == [None, None]
    with pytest.raises(IntegrityError):
        await GazetteEntry.create(issue=issue, position=1, title="同一位置")
