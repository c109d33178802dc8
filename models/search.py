"""What editors teach the search, and what citizens ask it."""

from __future__ import annotations

from tortoise import fields

from models.base import BaseModel, TimestampMixin


class SearchSynonym(BaseModel, TimestampMixin):
    """An everyday word citizens type and the legal terms it should also find (editors' vocabulary).

    电瓶车 -> 电动自行车: applied to searches at once, without a reindex."""

    word = fields.CharField(max_length=20, unique=True)  # normalised: simplified, lower case
    terms = fields.JSONField(default=list)
    note = fields.CharField(max_length=200, default="")
    created_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "search_synonyms"


class SearchQueryDay(BaseModel):
    """How often one query was searched on one day, and how often it found nothing.

    Only the words: no user, no address, so the statistics say what is asked, not who asked."""

    day = fields.DateField()
    query = fields.CharField(max_length=200)  # normalised as the search reads it
    searches = fields.IntField(default=0)
    empty = fields.IntField(default=0)  # searches that found nothing

    class Meta:
        table = "search_query_days"
        unique_together = (("day", "query"),)


__all__ = ["SearchQueryDay", "SearchSynonym"]
