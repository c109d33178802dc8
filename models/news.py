"""The news CMS: columns (栏目), articles, tags, revisions and the review trail."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields

from models.base import BaseModel, PublishableMixin, TimestampMixin


class Column(BaseModel, TimestampMixin):
    """A column (栏目) of the official window. Columns form a tree."""

    slug = fields.CharField(max_length=100, unique=True)
    name = fields.CharField(max_length=64)
    description = fields.TextField(default="")
    parent: fields.ForeignKeyNullableRelation[Column] = fields.ForeignKeyField(
        "models.Column", related_name="children", null=True, on_delete=fields.RESTRICT
    )
    position = fields.IntField(default=0)
    # The review stages an article of this column passes before a chief editor may
    # publish it, in order: [{"name": "初审", "role": "EDITOR"}, ...]; [] publishes directly.
    review_stages = fields.JSONField(default=list)

    class Meta:
        table = "columns"
        ordering = ["position", "id"]


class Tag(BaseModel):
    slug = fields.CharField(max_length=100, unique=True)
    name = fields.CharField(max_length=64, unique=True)

    class Meta:
        table = "tags"


class Article(BaseModel, PublishableMixin):
    """A news article (新闻稿件)."""

    title = fields.CharField(max_length=200)
    subtitle = fields.CharField(max_length=200, default="")
    slug = fields.CharField(max_length=120, unique=True)
    summary = fields.TextField(default="")
    body = fields.TextField(default="")  # sanitized HTML
    author = fields.CharField(max_length=100, default="")  # byline as printed
    source = fields.CharField(max_length=100, default="")
    column: fields.ForeignKeyRelation[Column] = fields.ForeignKeyField(
        "models.Column", related_name="articles", on_delete=fields.RESTRICT
    )
    created_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name="articles_created", null=True, on_delete=fields.SET_NULL
    )
    view_count = fields.IntField(default=0)
    pinned = fields.BooleanField(default=False)
    featured = fields.BooleanField(default=False)
    # Index into the column's review stages while IN_REVIEW; equal to their count once all approved.
    review_stage = fields.IntField(default=0)
    revision_count = fields.IntField(default=0)
    # The cover image (题图) from the media library; deleting an asset in use is refused.
    cover_asset: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.MediaAsset", related_name="covered_articles", null=True, on_delete=fields.RESTRICT
    )

    class Meta:
        table = "articles"
        # Keyset pagination of feeds walks (published_at, id) within the public statuses.
        indexes = [("status", "published_at", "id"), ("column_id", "status", "published_at")]


class ArticleTag(BaseModel):
    article: fields.ForeignKeyRelation[Article] = fields.ForeignKeyField(
        "models.Article", related_name="tag_links", on_delete=fields.CASCADE
    )
    tag: fields.ForeignKeyRelation[Tag] = fields.ForeignKeyField(
        "models.Tag", related_name="article_links", on_delete=fields.CASCADE
    )
    position = fields.IntField(default=0)

    class Meta:
        table = "article_tags"
        unique_together = (("article", "tag"),)


class ArticleSlug(BaseModel):
    """A slug an article had before: old links keep finding the article."""

    slug = fields.CharField(max_length=120, unique=True)
    article: fields.ForeignKeyRelation[Article] = fields.ForeignKeyField(
        "models.Article", related_name="old_slugs", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "article_slugs"


class ArticleRevision(BaseModel):
    """A snapshot of an article's editable fields, stored on every save."""

    article: fields.ForeignKeyRelation[Article] = fields.ForeignKeyField(
        "models.Article", related_name="revisions", on_delete=fields.CASCADE
    )
    number = fields.IntField()
    snapshot = fields.JSONField()
    author: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    note = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "article_revisions"
        unique_together = (("article", "number"),)
        ordering = ["-number"]


class ReviewDecision(StrEnum):
    SUBMIT = "SUBMIT"
    APPROVE = "APPROVE"
    SEND_BACK = "SEND_BACK"
    PUBLISH = "PUBLISH"
    SCHEDULE = "SCHEDULE"
    UNPUBLISH = "UNPUBLISH"
    ARCHIVE = "ARCHIVE"


class ReviewAction(BaseModel):
    """One step of the editorial trail: who submitted, approved, sent back or published, and why."""

    article: fields.ForeignKeyRelation[Article] = fields.ForeignKeyField(
        "models.Article", related_name="review_actions", on_delete=fields.CASCADE
    )
    decision = fields.CharEnumField(ReviewDecision, max_length=16)
    stage = fields.IntField(null=True)
    stage_name = fields.CharField(max_length=32, default="")
    user: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    comment = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "review_actions"
        ordering = ["id"]


class PreviewToken(BaseModel):
    """A share link for an unpublished article. Only its hash is stored."""

    token_hash = fields.CharField(max_length=64, unique=True)
    article: fields.ForeignKeyRelation[Article] = fields.ForeignKeyField(
        "models.Article", related_name="preview_tokens", on_delete=fields.CASCADE
    )
    created_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()

    class Meta:
        table = "preview_tokens"


__all__ = [
    "Article",
    "ArticleRevision",
    "ArticleSlug",
    "ArticleTag",
    "Column",
    "PreviewToken",
    "ReviewAction",
    "ReviewDecision",
    "Tag",
]
