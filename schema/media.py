"""The media library (媒体库): images and PDFs, their renditions and where they are used."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.file_uploads import Upload

from media.renditions import Rendition
from models import media as m
from resolvers import media as ops
from resolvers import media_usage
from resolvers.permissions import Action
from schema.base import (
    After,
    Connection,
    First,
    Info,
    Node,
    PageNumber,
    pk_of,
    register_node,
    result_union,
    to_global_id,
)
from schema.news import ContentStatus, Deleted
from schema.node import resolve_nodes
from schema.permissions import guard, restricted
from schema.users import User

MediaKind = strawberry.enum(
    Enum("MediaKind", {k.value: k.value for k in m.MediaKind}),
    description="IMAGE (JPEG, PNG, WebP or GIF) or DOCUMENT (PDF).",
)
MediaRole = strawberry.enum(
    Enum("MediaRole", {r.value: r.value for r in m.MediaRole}),
    description="How content uses an asset: COVER (an article's cover, 题图), INLINE (in an article body), PDF (a "
    "gazette issue's PDF), PORTRAIT (a deputy's portrait), POSTER (a livestream's poster).",
)
MediaRendition = strawberry.enum(
    Enum("MediaRendition", {"ORIGINAL": "ORIGINAL", **{r.name: r.name for r in Rendition}}),
    description="Which version of an image: ORIGINAL (as stored: cleaned, metadata removed), THUMB (fits 320x320), "
    "MEDIUM (fits 800x800), LARGE (fits 1600x1600), WECHAT_COVER (exactly 900x383, the WeChat article cover, "
    "center-cropped), SQUARE (exactly 600x600, center-cropped). Fitted renditions never upscale.",
)
MediaFormat = strawberry.enum(
    Enum("MediaFormat", {"WEBP": "webp", "JPEG": "jpeg"}),
    description="Output format of a rendition; by default PNG and GIF originals give PNG, WebP gives WebP, "
    "others JPEG.",
)


@strawberry.type(description="One use of an asset by a piece of content.")
class MediaUse:
    role: MediaRole = strawberry.field(description="How the content uses the asset.")
    target_type: str = strawberry.field(description="The kind of content: Article, GazetteIssue ...")
    target_id: strawberry.ID = strawberry.field(description="Global ID of the content.")
    title: str = strawberry.field(description="The content's title.")
    status: ContentStatus = strawberry.field(description="The content's editorial status.")
    published: bool = strawberry.field(
        description="Whether the content is public (PUBLISHED or ARCHIVED), which makes the asset public.")

    @strawberry.field(description="The content itself, when the caller may see it.")
    async def target(self, info: Info) -> Node | None:
        return (await resolve_nodes(info, [self.target_id]))[0]

    @classmethod
    def from_use(cls, use: media_usage.Use) -> MediaUse:
        return cls(role=MediaRole(use.role.value), target_type=use.target_type,
                   target_id=to_global_id(use.target_type, use.target_id), title=use.title,
                   status=ContentStatus(str(use.status)), published=use.published)


async def _uses_by_asset_id(ids: list[int]) -> list[list[media_usage.Use]]:
    found = await media_usage.uses_of(ids)
    return [found.get(i, []) for i in ids]


@strawberry.type(description="An image or PDF in the media library (媒体库). Images are stored re-encoded without "
                 "metadata (no EXIF or GPS). An asset is public while published content uses it; until then only "
                 "staff who upload media, and readers of the content using it, reach it.")
class MediaAsset(Node):
    model: strawberry.Private[m.MediaAsset]
    granted: strawberry.Private[bool]
    kind: MediaKind = strawberry.field(description="IMAGE or DOCUMENT.")
    file_name: str = strawberry.field(description="The file name it was uploaded with, for display.")
    content_type: str = strawberry.field(description="MIME type as detected from the bytes, e.g. image/jpeg.")
    size: int = strawberry.field(description="Size of the stored original in bytes.")
    checksum: str = strawberry.field(description="SHA-256 (hex) of the stored original; uploading the same bytes "
                                     "again gives back this asset.")
    width: int | None = strawberry.field(description="Width in pixels (images only).")
    height: int | None = strawberry.field(description="Height in pixels (images only).")
    alt_text: str = strawberry.field(description="Alternative text (替代文字) for screen readers; required before "
                                     "content using the image is published.")
    caption: str = strawberry.field(description="Caption (图片说明) shown with the image.")
    created_at: datetime = strawberry.field(description="When it was uploaded.")
    public: bool = strawberry.field(description="Whether published content uses it, making it reachable by anyone.")

    @strawberry.field(description="A URL of the original or of a rendition, rendered on first request and cached. "
                      "Public assets get a stable public URL; others a signed URL valid for minutes. Null for "
                      "renditions of documents.")
    async def url(
        self, info: Info,
        rendition: Annotated[MediaRendition, strawberry.argument(
            description="Which version; ORIGINAL by default.")] = MediaRendition.ORIGINAL,
        format: Annotated[MediaFormat | None, strawberry.argument(
            description="Output format of a rendition (ignored for ORIGINAL).")] = None,
    ) -> str | None:
        chosen = None if rendition.value == "ORIGINAL" else Rendition[rendition.value]
        fmt = format.value if format is not None and chosen is not None else None
        return await ops.asset_url(info.context, self.model, chosen, fmt, granted=self.granted)

    @strawberry.field(description="Who uploaded it (staff only).", extensions=restricted(Action.MEDIA_UPLOAD))
    async def owner(self, info: Info) -> User | None:
        if self.model.owner_id is None:
            return None
        user = await info.context.loaders.user_by_id.load(self.model.owner_id)
        return User.from_model(user) if user else None

    @strawberry.field(description="The content using it: covers, article bodies, gazette PDFs (staff only).",
                      extensions=restricted(Action.MEDIA_UPLOAD))
    async def usage(self, info: Info) -> list[MediaUse]:
        uses = await info.context.loaders.get("media_uses_by_asset_id", _uses_by_asset_id).load(self.model.id)
        return [MediaUse.from_use(u) for u in uses]

    @classmethod
    def from_model(cls, a: m.MediaAsset, granted: bool = True) -> MediaAsset:
        """`granted`: the caller may see this asset even while it is private."""
        return cls(model=a, granted=granted, id=to_global_id("MediaAsset", a.id), kind=MediaKind(str(a.kind)),
                   file_name=a.file_name, content_type=a.content_type, size=a.size, checksum=a.sha256,
                   width=a.width, height=a.height, alt_text=a.alt_text, caption=a.caption,
                   created_at=a.created_at, public=a.public)


async def _asset_by_id(ids: list[int]) -> list[m.MediaAsset | None]:
    rows = {a.id: a for a in await m.MediaAsset.filter(id__in=list(set(ids)))}
    return [rows.get(i) for i in ids]


async def asset_of(info: Info, asset_id: int | None) -> MediaAsset | None:
    """The asset content refers to (a cover, a gazette PDF), for a reader allowed to see that content."""
    if asset_id is None:
        return None
    asset = await info.context.loaders.get("media_asset_by_id", _asset_by_id).load(asset_id)
    return MediaAsset.from_model(asset, granted=True) if asset else None


async def asset_url_of(info: Info, asset_id: int | None, rendition: Rendition | None = None) -> str | None:
    """The URL of the asset content refers to (a gazette issue's PDF ...), for a reader allowed to see that
    content: public once the content is published, signed while it is not; None without an asset."""
    if asset_id is None:
        return None
    asset = await info.context.loaders.get("media_asset_by_id", _asset_by_id).load(asset_id)
    return await ops.asset_url(info.context, asset, rendition, granted=True) if asset else None


async def _fetch_assets(info: Info, ids: list[int]) -> dict:
    # Non-staff only ever get public assets here, so whatever is returned may be shown.
    return await ops.assets_by_ids(info.context, ids)


register_node("MediaAsset", _fetch_assets, MediaAsset.from_model)


# ---- inputs and results ------------------------------------------------------------------------------

@strawberry.input(description="A file sent with the GraphQL multipart request spec (`operations`, `map`, files) and "
                  "a `GraphQL-Preflight: 1` header. JPEG, PNG, WebP and GIF images (at most MEDIA_MAX_IMAGE_MB) and "
                  "PDF documents (at most MEDIA_MAX_DOCUMENT_MB); the type is decided by the bytes, not the name.")
class MediaUploadInput:
    file: Upload = strawberry.field(description="The file (a multipart file part mapped to this variable).")
    alt_text: str = strawberry.field(default="", description="Alternative text for images (替代文字).")
    caption: str = strawberry.field(default="", description="Caption (图片说明).")


@strawberry.input(description="Announce a large file to upload directly to storage with an HTTP PUT.")
class MediaUploadUrlCreateInput:
    file_name: str = strawberry.field(description="The file's name, for display.")
    content_type: str = strawberry.field(
        description="image/jpeg, image/png, image/webp, image/gif or application/pdf; the PUT must send it as "
        "Content-Type. The bytes are checked on confirmation whatever is declared.")
    size: int = strawberry.field(description="Size in bytes.")


@strawberry.type(description="Where to PUT a file for a direct upload, then confirm with `mediaUploadConfirm`.")
class MediaUploadTicket:
    upload_id: str = strawberry.field(description="Pass to `mediaUploadConfirm` once the PUT succeeded.")
    upload_url: str = strawberry.field(description="PUT the bytes here, with the declared Content-Type.")
    content_type: str = strawberry.field(description="The Content-Type header the PUT must send.")
    expires_at: datetime = strawberry.field(description="When `uploadUrl` stops accepting the file.")


@strawberry.input(description="Turn a finished direct upload into a library asset (after checking its bytes).")
class MediaUploadConfirmInput:
    upload_id: str = strawberry.field(description="From `mediaUploadUrlCreate`.")
    alt_text: str = strawberry.field(default="", description="Alternative text for images (替代文字).")
    caption: str = strawberry.field(default="", description="Caption (图片说明).")


@strawberry.input(description="Change an asset's texts; omitted fields stay as they are.")
class MediaUpdateInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the asset.")
    alt_text: str | None = strawberry.field(
        default=None, description="Alternative text; cannot be emptied while published content uses the image.")
    caption: str | None = strawberry.field(default=None, description="Caption.")


@strawberry.input(description="Delete an asset nothing uses, with its renditions.")
class MediaDeleteInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the asset.")


MediaUploadResult = result_union("MediaUploadResult", MediaAsset)
MediaUploadUrlCreateResult = result_union("MediaUploadUrlCreateResult", MediaUploadTicket)
MediaUploadConfirmResult = result_union("MediaUploadConfirmResult", MediaAsset)
MediaUpdateResult = result_union("MediaUpdateResult", MediaAsset)
MediaDeleteResult = result_union("MediaDeleteResult", Deleted)


@strawberry.type
class MediaQuery:
    @strawberry.field(description="The media library, newest first (staff who upload media).",
                      extensions=restricted(Action.MEDIA_UPLOAD))
    async def media_assets(
        self, info: Info,
        kind: Annotated[MediaKind | None, strawberry.argument(description="Only images or only documents.")] = None,
        first: First = None, after: After = None, page: PageNumber = None,
    ) -> Connection[MediaAsset]:
        result = await ops.list_assets(info.context, m.MediaKind(kind.value) if kind else None, first, after, page)
        return Connection.from_page(result, MediaAsset.from_model)


@strawberry.type
class MediaMutation:
    @strawberry.mutation(description="Upload an image or PDF (GraphQL multipart request). Refused files give "
                         "FieldErrors on `file` with EMPTY, TOO_LARGE, UNSUPPORTED_TYPE, IMAGE_TOO_LARGE, CORRUPT or "
                         "UNSAFE_CONTENT; the same bytes uploaded again give the existing asset.",
                         extensions=guard(Action.MEDIA_UPLOAD))
    async def media_upload(self, info: Info, input: Annotated[MediaUploadInput, strawberry.argument(
            description="The file and its texts.")]) -> MediaUploadResult:
        file = input.file
        asset = await ops.upload(info.context, getattr(file, "file", file), getattr(file, "filename", ""),
                                 input.alt_text, input.caption)
        return MediaAsset.from_model(asset)

    @strawberry.mutation(description="Start a direct upload of a large file: PUT it to `uploadUrl`, then call "
                         "`mediaUploadConfirm`.", extensions=guard(Action.MEDIA_UPLOAD))
    async def media_upload_url_create(self, info: Info, input: Annotated[MediaUploadUrlCreateInput, strawberry.argument(
            description="The file about to be uploaded.")]) -> MediaUploadUrlCreateResult:
        ticket = await ops.create_upload_url(info.context, input.file_name, input.content_type, input.size)
        return MediaUploadTicket(upload_id=ticket.upload.upload_id, upload_url=ticket.url,
                                 content_type=ticket.upload.content_type, expires_at=ticket.upload.expires_at)

    @strawberry.mutation(description="Check a directly uploaded file and add it to the library; a refused file is "
                         "deleted, with FieldErrors on `uploadId` as for `mediaUpload`.",
                         extensions=guard(Action.MEDIA_UPLOAD))
    async def media_upload_confirm(self, info: Info, input: Annotated[MediaUploadConfirmInput, strawberry.argument(
            description="The finished upload and the asset's texts.")]) -> MediaUploadConfirmResult:
        asset = await ops.confirm_upload(info.context, input.upload_id, input.alt_text, input.caption)
        return MediaAsset.from_model(asset)

    @strawberry.mutation(description="Change an asset's alt text or caption (its uploader, or the newsroom).",
                         extensions=guard(Action.MEDIA_UPLOAD))
    async def media_update(self, info: Info, input: Annotated[MediaUpdateInput, strawberry.argument(
            description="The asset and its changed texts.")]) -> MediaUpdateResult:
        asset = await ops.get_changeable(info.context, pk_of(input.id, "MediaAsset"))
        return MediaAsset.from_model(await ops.update_asset(info.context, asset, input.alt_text, input.caption))

    @strawberry.mutation(description="Delete an asset (its uploader, or the newsroom). Refused while content uses it: "
                         "one FieldError with code MEDIA_IN_USE per use, naming the article or gazette issue.",
                         extensions=guard(Action.MEDIA_UPLOAD))
    async def media_delete(self, info: Info, input: Annotated[MediaDeleteInput, strawberry.argument(
            description="The asset to delete.")]) -> MediaDeleteResult:
        asset = await ops.get_changeable(info.context, pk_of(input.id, "MediaAsset"))
        await ops.delete_asset(info.context, asset)
        return Deleted(id=input.id)
