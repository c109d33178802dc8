"""The media library: uploaded images and documents, where they are used, and pending direct uploads.

An asset's bytes live in the configured `media.Storage` under a key named by their SHA-256, so the
same bytes are stored once. Whether an asset is public follows from its usage: it is public while
published content (an article's cover or body, a gazette issue's PDF ...) uses it.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields

from models.base import BaseModel


class MediaKind(StrEnum):
    IMAGE = "IMAGE"
    DOCUMENT = "DOCUMENT"


class MediaRole(StrEnum):
    """How content uses an asset."""

    COVER = "COVER"  # an article's cover image (Article.cover_asset)
    INLINE = "INLINE"  # an image or linked document in a rich text body
    PDF = "PDF"  # a gazette issue as a PDF (GazetteIssue.pdf_asset_id)
    PORTRAIT = "PORTRAIT"  # a deputy's portrait (later)
    POSTER = "POSTER"  # a livestream's poster (later)


class MediaAsset(BaseModel):
    """An uploaded image or PDF, checked and cleaned (images re-encoded without metadata)."""

    kind = fields.CharEnumField(MediaKind, max_length=16, db_index=True)
    storage_key = fields.CharField(max_length=255, unique=True)  # assets/<sha[:2]>/<sha>.<ext>
    file_name = fields.CharField(max_length=255, default="")  # as the uploader named it, for people
    content_type = fields.CharField(max_length=100)
    size = fields.BigIntField()
    sha256 = fields.CharField(max_length=64, unique=True)  # of the stored bytes
    width = fields.IntField(null=True)
    height = fields.IntField(null=True)
    alt_text = fields.CharField(max_length=500, default="")
    caption = fields.TextField(default="")
    owner: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name="media_assets", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)
    # True while published content uses the asset; the storage object (and renditions) follow it.
    public = fields.BooleanField(default=False)
    # Rendition keys already rendered into storage, so URLs need no storage round trip.
    renditions = fields.JSONField(default=list)

    class Meta:
        table = "media_assets"
        indexes = [("kind", "created_at", "id")]


class MediaUsage(BaseModel):
    """One use of an asset by a piece of content, for uses that are not a column of the content.

    Article body images are rows here. Single-asset columns (Article.cover_asset, GazetteIssue.pdf_asset_id)
    are read from their tables (see resolvers/media_usage.py), so they can never disagree.
    """

    asset: fields.ForeignKeyRelation[MediaAsset] = fields.ForeignKeyField(
        "models.MediaAsset", related_name="usages", on_delete=fields.RESTRICT
    )
    target_type = fields.CharField(max_length=32)  # the model name: Article, GazetteIssue ...
    target_id = fields.BigIntField()
    role = fields.CharEnumField(MediaRole, max_length=16)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "media_usages"
        unique_together = (("asset", "target_type", "target_id", "role"),)
        indexes = [("target_type", "target_id")]


class MediaUpload(BaseModel):
    """A direct upload in progress: the client PUTs the bytes to `incoming/<upload_id>`, then confirms."""

    upload_id = fields.CharField(max_length=64, unique=True)
    storage_key = fields.CharField(max_length=255)
    owner: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.CASCADE
    )
    file_name = fields.CharField(max_length=255, default="")
    content_type = fields.CharField(max_length=100)
    declared_size = fields.BigIntField()
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)
    expires_at = fields.DatetimeField()

    class Meta:
        table = "media_uploads"


__all__ = ["MediaAsset", "MediaKind", "MediaRole", "MediaUpload", "MediaUsage"]
