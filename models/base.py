"""Shared model pieces: timestamps and the publishable content lifecycle.

Every publishable kind (news articles, regulations, gazette issues, livestreams,
consultations) shares one lifecycle: DRAFT -> IN_REVIEW -> PUBLISHED -> ARCHIVED.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Status(StrEnum):
    """Editorial status of a publishable item."""

    DRAFT = "DRAFT"
    IN_REVIEW = "IN_REVIEW"
    PUBLISHED = "PUBLISHED"
    ARCHIVED = "ARCHIVED"


# Statuses the public may read: archived items stay reachable by their URL,
# but only PUBLISHED ones appear in lists, search and counts.
PUBLIC_READABLE = (Status.PUBLISHED, Status.ARCHIVED)


class TimestampMixin:
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)


class PublishableMixin(TimestampMixin):
    """Lifecycle fields; the operations on them live in resolvers/workflow.py."""

    status = fields.CharEnumField(Status, default=Status.DRAFT, max_length=16, db_index=True)
    # When set on an item in review, the scheduler publishes it at that time.
    publish_at = fields.DatetimeField(null=True, db_index=True)
    published_at = fields.DatetimeField(null=True, db_index=True)

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_READABLE


class BaseModel(Model):
    id = fields.BigIntField(primary_key=True)

    class Meta:
        abstract = True
