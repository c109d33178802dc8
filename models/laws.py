"""Laws and regulations (法律法规): a regulation, its versions over time, and their structure.

A regulation's legal status (尚未生效 / 有效 / 已修改 / 已废止) is computed from its versions'
dates, never stored: see `RegulationStatus` and `resolvers/laws.py`.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index

from models.base import BaseModel, PublishableMixin


class RegulationLevel(StrEnum):
    """效力级别: where a text sits in the hierarchy of norms."""

    CONSTITUTION = "CONSTITUTION"
    LAW = "LAW"
    ADMINISTRATIVE_REGULATION = "ADMINISTRATIVE_REGULATION"
    LOCAL_REGULATION = "LOCAL_REGULATION"
    DECISION = "DECISION"
    JUDICIAL_INTERPRETATION = "JUDICIAL_INTERPRETATION"
    OTHER = "OTHER"


REGULATION_LEVEL_LABELS = {
    RegulationLevel.CONSTITUTION: "宪法",
    RegulationLevel.LAW: "法律",
    RegulationLevel.ADMINISTRATIVE_REGULATION: "行政法规",
    RegulationLevel.LOCAL_REGULATION: "地方性法规",
    RegulationLevel.DECISION: "决定",
    RegulationLevel.JUDICIAL_INTERPRETATION: "司法解释",
    RegulationLevel.OTHER: "其他",
}
_LEVEL_BY_LABEL = {label: level for level, label in REGULATION_LEVEL_LABELS.items()}
_LEVEL_BY_LABEL.update({"有关法律问题和重大问题的决定": RegulationLevel.DECISION, "监察法规": RegulationLevel.OTHER})


def level_from_label(label: str | None) -> RegulationLevel:
    """宪法 -> CONSTITUTION, 地方性法规 -> LOCAL_REGULATION; anything unknown is OTHER."""
    return _LEVEL_BY_LABEL.get((label or "").strip(), RegulationLevel.OTHER)


class RegulationStatus(StrEnum):
    """时效性 of a regulation or a version on a given day (computed, not stored)."""

    NOT_YET_EFFECTIVE = "NOT_YET_EFFECTIVE"
    IN_FORCE = "IN_FORCE"
    AMENDED = "AMENDED"
    REPEALED = "REPEALED"


REGULATION_STATUS_LABELS = {
    RegulationStatus.NOT_YET_EFFECTIVE: "尚未生效",
    RegulationStatus.IN_FORCE: "有效",
    RegulationStatus.AMENDED: "已修改",
    RegulationStatus.REPEALED: "已废止",
}


class HeadingLevel(StrEnum):
    """编 / 章 / 节 / 目. Headings without such a label (序言, 附件一) take the level of their rank."""

    PART = "PART"
    CHAPTER = "CHAPTER"
    SECTION = "SECTION"
    SUBSECTION = "SUBSECTION"


HEADING_LEVEL_LABELS = {
    HeadingLevel.PART: "编",
    HeadingLevel.CHAPTER: "章",
    HeadingLevel.SECTION: "节",
    HeadingLevel.SUBSECTION: "目",
}


class Regulation(BaseModel, PublishableMixin):
    """A law or regulation across all its versions (立法法 is one regulation with several versions)."""

    slug = fields.CharField(max_length=100, unique=True)
    # The full title of the latest version (中华人民共和国立法法); short_title is how the
    # corpus and readers name it (立法法) and, with region, how versions are grouped.
    title = fields.CharField(max_length=255)
    short_title = fields.CharField(max_length=255)
    level = fields.CharEnumField(RegulationLevel, max_length=32, db_index=True)
    issuing_body = fields.CharField(max_length=128, default="")
    region = fields.CharField(max_length=32, null=True, db_index=True)  # null: national
    category = fields.CharField(max_length=64, default="", db_index=True)
    document_number = fields.CharField(max_length=128, default="")
    # Repealed (已废止) with no successor. The date may be unknown (the corpus only flags it).
    repealed = fields.BooleanField(default=False)
    repealed_on = fields.DateField(null=True)
    # 公布日期 of the latest version as yyyymmdd (0 when unknown), kept by the importer and the
    # editing operations: lists show the newest first and page by it without NULL ordering issues.
    promulgated_day = fields.IntField(default=0, db_index=True)

    versions: fields.ReverseRelation[RegulationVersion]

    class Meta:
        table = "regulation"
        ordering = ["id"]
        indexes = (Index(fields=("short_title", "region")),)

    def __str__(self) -> str:
        return self.title


class RegulationVersion(BaseModel):
    """One text of a regulation as adopted or amended on a date (`立法法(2023-03-13).md`)."""

    regulation: fields.ForeignKeyRelation[Regulation] = fields.ForeignKeyField(
        "models.Regulation", related_name="versions", on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=255)
    adopted_on = fields.DateField(null=True)  # first adoption (通过), from the history
    promulgated_on = fields.DateField(null=True, db_index=True)  # 公布日期 of this version
    effective_from = fields.DateField(null=True, db_index=True)  # 施行日期 of this version
    history = fields.TextField(default="")  # the adoption and amendment lines, one per line
    # Where the text came from, so that an import can recognise it again.
    source_id = fields.CharField(max_length=64, null=True, unique=True)
    source_path = fields.CharField(max_length=500, null=True, db_index=True)
    content_hash = fields.CharField(max_length=64, default="")
    # The source's own "superseded or repealed" flag for this text.
    expired = fields.BooleanField(default=False)
    # Preamble (序言), or the whole body of a text without numbered articles (decisions), and
    # loose paragraphs after the articles (附件): lists of {text, items: [{label, text}], heading_path}.
    body = fields.JSONField(default=list)
    appendix = fields.JSONField(default=list)
    # Order among the regulation's versions (0 = oldest), kept by the importer.
    sequence = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    headings: fields.ReverseRelation[RegulationHeading]
    articles: fields.ReverseRelation[RegulationArticle]

    class Meta:
        table = "regulation_version"
        ordering = ["regulation_id", "sequence", "id"]
        indexes = (Index(fields=("regulation_id", "sequence")),)

    @property
    def starts_on(self) -> date | None:
        """When this text applies: its effective date, else its promulgation date (the corpus
        lacks the effective date for most texts)."""
        return self.effective_from or self.promulgated_on

    def __str__(self) -> str:
        return f"{self.title} ({self.promulgated_on or '?'})"


class RegulationHeading(BaseModel):
    """编 / 章 / 节 heading of a version. `position` orders headings and articles together."""

    version: fields.ForeignKeyRelation[RegulationVersion] = fields.ForeignKeyField(
        "models.RegulationVersion", related_name="headings", on_delete=fields.CASCADE
    )
    parent: fields.ForeignKeyNullableRelation[RegulationHeading] = fields.ForeignKeyField(
        "models.RegulationHeading", related_name="children", null=True, on_delete=fields.CASCADE
    )
    level = fields.CharEnumField(HeadingLevel, max_length=16)
    label = fields.CharField(max_length=32, default="")  # 第一章
    title = fields.CharField(max_length=255, default="")  # 总则
    depth = fields.SmallIntField(default=0)
    position = fields.IntField()

    children: fields.ReverseRelation[RegulationHeading]

    class Meta:
        table = "regulation_heading"
        ordering = ["version_id", "position"]
        unique_together = (("version", "position"),)

    @property
    def text(self) -> str:
        if self.label and self.title:
            return f"{self.label}{'' if self.label.endswith('、') else ' '}{self.title}"
        return self.label or self.title


class RegulationArticle(BaseModel):
    """条: an article of a version, with its paragraphs (款) and items (项).

    `paragraphs` is a list of {text, items: [{label, text}]}; `text` is the plain text (label
    excluded) for search and comparison."""

    version: fields.ForeignKeyRelation[RegulationVersion] = fields.ForeignKeyField(
        "models.RegulationVersion", related_name="articles", on_delete=fields.CASCADE
    )
    heading: fields.ForeignKeyNullableRelation[RegulationHeading] = fields.ForeignKeyField(
        "models.RegulationHeading", related_name="articles", null=True, on_delete=fields.SET_NULL
    )
    number = fields.IntField()
    suffix = fields.SmallIntField(default=0)  # 第一百二十条之一 -> number 120, suffix 1
    label = fields.CharField(max_length=32)
    heading_path = fields.JSONField(default=list)  # ["第一编 总则", "第二章 犯罪", ...]
    position = fields.IntField()  # shared order with the version's headings
    paragraphs = fields.JSONField(default=list)
    text = fields.TextField(default="")

    class Meta:
        table = "regulation_article"
        ordering = ["version_id", "position"]
        unique_together = (("version", "position"),)
        indexes = (Index(fields=("version_id", "number", "suffix")),)

    def __str__(self) -> str:
        return self.label


__all__ = [
    "HEADING_LEVEL_LABELS",
    "REGULATION_LEVEL_LABELS",
    "REGULATION_STATUS_LABELS",
    "HeadingLevel",
    "Regulation",
    "RegulationArticle",
    "RegulationHeading",
    "RegulationLevel",
    "RegulationStatus",
    "RegulationVersion",
    "level_from_label",
]
