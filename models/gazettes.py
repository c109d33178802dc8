"""The Standing Committee gazette (常委会公报): numbered issues and the documents they publish."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields

from models.base import BaseModel, PublishableMixin
from models.laws import Regulation


class GazetteEntryKind(StrEnum):
    """What a gazette entry publishes."""

    REGULATION = "REGULATION"
    DECISION = "DECISION"
    APPOINTMENT = "APPOINTMENT"
    REPORT = "REPORT"
    OTHER = "OTHER"


GAZETTE_ENTRY_KIND_LABELS = {
    GazetteEntryKind.REGULATION: "法规",
    GazetteEntryKind.DECISION: "决定决议",
    GazetteEntryKind.APPOINTMENT: "人事任免",
    GazetteEntryKind.REPORT: "工作报告",
    GazetteEntryKind.OTHER: "其他",
}


def gazette_issue_title(year: int, number: int) -> str:
    """2024, 3 -> 2024年第3号."""
    return f"{year}年第{number}号"


class GazetteIssue(BaseModel, PublishableMixin):
    """One numbered issue of the gazette: `2024年第3号` is year 2024, number 3."""

    year = fields.SmallIntField(db_index=True)
    number = fields.SmallIntField()
    title = fields.CharField(max_length=128)
    published_on = fields.DateField(null=True, db_index=True)
    # The issue as a PDF: the id of a DOCUMENT MediaAsset (models/media.py), kept as a plain id.
    # The media library reads this column for usage (deletion refused while set) and visibility
    # (public while the issue is published): see resolvers/media_usage.py.
    pdf_asset_id = fields.BigIntField(null=True)

    entries: fields.ReverseRelation[GazetteEntry]

    class Meta:
        table = "gazette_issue"
        unique_together = (("year", "number"),)
        ordering = ["-year", "-number"]

    def __str__(self) -> str:
        return self.title


class GazetteEntry(BaseModel):
    """A document listed in an issue, optionally linked to the regulation it publishes."""

    issue: fields.ForeignKeyRelation[GazetteIssue] = fields.ForeignKeyField(
        "models.GazetteIssue", related_name="entries", on_delete=fields.CASCADE
    )
    position = fields.IntField()
    kind = fields.CharEnumField(GazetteEntryKind, max_length=16, default=GazetteEntryKind.OTHER)
    title = fields.CharField(max_length=255)
    regulation: fields.ForeignKeyNullableRelation[Regulation] = fields.ForeignKeyField(
        "models.Regulation", related_name="gazette_entries", null=True, on_delete=fields.SET_NULL
    )
    page = fields.IntField(null=True)  # first page in the printed issue
    anchor = fields.CharField(max_length=64, default="")  # fragment in the issue's web page or PDF

    class Meta:
        table = "gazette_entry"
        unique_together = (("issue", "position"),)
        ordering = ["issue_id", "position"]

    def __str__(self) -> str:
        return self.title


__all__ = [
    "GAZETTE_ENTRY_KIND_LABELS",
    "GazetteEntry",
    "GazetteEntryKind",
    "GazetteIssue",
    "gazette_issue_title",
]
