"""The media library (媒体库): uploading, direct uploads, reading, editing and deleting assets.

Every upload is judged by its bytes (`media.checks.check_upload`): images are decoded and
re-encoded without metadata, PDFs scanned for scripts, and what is stored is the cleaned result,
under a key named by its SHA-256, so uploading the same bytes again gives back the same asset.
Assets start private; they become public while published content uses them (resolvers/media_usage.py).
Blocking work (Pillow, storage I/O) runs in threads; decoding runs at most two at a time.
"""

from __future__ import annotations

import functools
import logging
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import BinaryIO

import anyio
from starlette.concurrency import run_in_threadpool
from tortoise.exceptions import IntegrityError

from media.checks import MB, CheckedUpload, UploadLimits, UploadRejected, check_upload
from media.renditions import Rendition, delete_renditions, ensure_rendition, rendition_key
from media.storage import NotFoundInStorage
from models.media import MediaAsset, MediaKind, MediaUpload
from models.users import User
from resolvers import media_links, media_usage
from resolvers.errors import Collector, Forbidden, Invalid, NotFound
from resolvers.pagination import Page, paginate
from resolvers.permissions import Action, can, require
from resolvers.tokens import now

log = logging.getLogger("renda.media")

UPLOAD_URL_TTL = timedelta(minutes=30)
INCOMING_PREFIX = "incoming/"
ALT_TEXT_MAX = 500
CAPTION_MAX = 2000
LIST_ORDER = ["-created_at", "-id"]
ACCEPTED_TYPES = {
    "image/jpeg": MediaKind.IMAGE, "image/png": MediaKind.IMAGE, "image/webp": MediaKind.IMAGE,
    "image/gif": MediaKind.IMAGE, "application/pdf": MediaKind.DOCUMENT,
}
# Chinese messages for the codes of media.checks.UploadRejected; its English detail follows.
REJECTED = {
    "EMPTY": "文件为空",
    "TOO_LARGE": "文件过大",
    "UNSUPPORTED_TYPE": "不支持的文件类型：仅接受 JPEG、PNG、WebP、GIF 图片和 PDF 文档",
    "IMAGE_TOO_LARGE": "图片像素过多",
    "CORRUPT": "文件已损坏或不完整",
    "UNSAFE_CONTENT": "文件含有不安全的内容",
}


# ---- limits and threads ----------------------------------------------------------------------------

def upload_limits(settings) -> UploadLimits:
    return UploadLimits(image_max_bytes=int(settings.media_max_image_mb * MB),
                        pdf_max_bytes=int(settings.media_max_document_mb * MB))


def max_upload_bytes(settings) -> int:
    """The largest file any upload may carry."""
    limits = upload_limits(settings)
    return max(limits.image_max_bytes, limits.pdf_max_bytes)


@functools.cache
def _decode_limiter() -> anyio.CapacityLimiter:
    # Decoding a 50-megapixel image holds hundreds of MB: two at a time, whatever the request load.
    return anyio.CapacityLimiter(2)


async def decode_in_thread(fn, *args, **kwargs):
    """Run CPU- and memory-heavy image work (checks, renditions) in a thread, two at a time."""
    return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs), limiter=_decode_limiter())


def _services(ctx):
    return getattr(ctx, "services", ctx)


def storage_of(ctx):
    storage = _services(ctx).storage
    if storage is None:
        raise RuntimeError("no media storage is configured")
    return storage


def may_see_private(user: User | None) -> bool:
    """Staff who upload see the whole library; everyone else only assets published content uses."""
    return can(user, Action.MEDIA_UPLOAD)


def _may_change(user: User, asset: MediaAsset) -> bool:
    return can(user, Action.MEDIA_MANAGE) or (asset.owner_id is not None and asset.owner_id == user.id)


def rejected(field_name: str | None, error: UploadRejected, limits: UploadLimits | None = None) -> Invalid:
    message = REJECTED.get(error.code, "文件被拒绝")
    if error.code == "TOO_LARGE" and limits is not None:
        message += (f"（图片不超过 {limits.image_max_bytes / MB:g} MB，"
                    f"PDF 不超过 {limits.pdf_max_bytes / MB:g} MB）")
    return Invalid(field_name, f"{message}：{error.message}", error.code)


def clean_file_name(name: str | None) -> str:
    """The uploader's file name without directories or control characters; for display only."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(c for c in base if c.isprintable()).strip()[:255]


def _check_texts(errors: Collector, alt_text: str | None, caption: str | None) -> None:
    if alt_text is not None and len(alt_text.strip()) > ALT_TEXT_MAX:
        errors.add("altText", f"替代文字不能超过{ALT_TEXT_MAX}个字符", "TOO_LONG")
    if caption is not None and len(caption.strip()) > CAPTION_MAX:
        errors.add("caption", f"图片说明不能超过{CAPTION_MAX}个字符", "TOO_LONG")


# ---- storing ---------------------------------------------------------------------------------------

def storage_key(checked: CheckedUpload) -> str:
    return f"assets/{checked.sha256[:2]}/{checked.sha256}.{checked.extension}"


async def store_checked(ctx, checked: CheckedUpload, file_name: str, alt_text: str = "", caption: str = "",
                        owner: User | None = None) -> MediaAsset:
    """The asset of checked bytes: the existing one when the same bytes were stored before (its empty
    alt text and caption filled in from these), else a new private asset."""
    alt_text, caption = (alt_text or "").strip(), (caption or "").strip()
    existing = await MediaAsset.filter(sha256=checked.sha256).first()
    if existing is None:
        key = storage_key(checked)
        # Bytes first, row second: a row never names a missing object.
        await run_in_threadpool(storage_of(ctx).save, key, checked.data, checked.content_type, public=False)
        try:
            return await MediaAsset.create(
                kind=checked.kind, storage_key=key, file_name=clean_file_name(file_name),
                content_type=checked.content_type, size=len(checked.data), sha256=checked.sha256,
                width=checked.width, height=checked.height, alt_text=alt_text, caption=caption, owner=owner)
        except IntegrityError:
            existing = await MediaAsset.filter(sha256=checked.sha256).first()  # the same bytes, at the same time
            if existing is None:
                await _forget_object(ctx, key)
                raise
        except BaseException:
            await _forget_object(ctx, key)
            raise
    changes = {}
    if alt_text and not existing.alt_text:
        changes["alt_text"] = alt_text
    if caption and not existing.caption:
        changes["caption"] = caption
    if changes:
        await MediaAsset.filter(id=existing.id).update(**changes)
        for name, value in changes.items():
            setattr(existing, name, value)
    return existing


async def _forget_object(ctx, key: str) -> None:
    """Delete an object whose row could not be written, unless an asset row names it after all."""
    if not await MediaAsset.filter(storage_key=key).exists():
        await run_in_threadpool(storage_of(ctx).delete, key)


async def upload(ctx, file: BinaryIO, file_name: str | None, alt_text: str = "", caption: str = "") -> MediaAsset:
    """Check an uploaded file and store it (or find it stored already)."""
    user = require(ctx.user, Action.MEDIA_UPLOAD)
    errors = Collector()
    _check_texts(errors, alt_text, caption)
    if not hasattr(file, "read"):
        errors.add("file", "请按 GraphQL multipart 请求规范上传文件", "REQUIRED")
    errors.raise_if_any()
    limits = upload_limits(ctx.settings)
    try:
        checked = await decode_in_thread(check_upload, file, limits)
    except UploadRejected as error:
        raise rejected("file", error, limits) from None
    return await store_checked(ctx, checked, file_name or "", alt_text, caption, owner=user)


# ---- direct uploads (presigned PUT) ----------------------------------------------------------------

@dataclass
class UploadTicket:
    upload: MediaUpload
    url: str


async def create_upload_url(ctx, file_name: str, content_type: str, size: int) -> UploadTicket:
    """A URL the client PUTs the file to (with this Content-Type), for files too large for one request."""
    user = require(ctx.user, Action.MEDIA_UPLOAD)
    limits = upload_limits(ctx.settings)
    content_type = (content_type or "").split(";")[0].strip().lower()
    errors = Collector()
    kind = ACCEPTED_TYPES.get(content_type)
    if kind is None:
        errors.add("contentType", REJECTED["UNSUPPORTED_TYPE"], "UNSUPPORTED_TYPE")
    if size <= 0:
        errors.add("size", REJECTED["EMPTY"], "EMPTY")
    elif kind is not None:
        limit = limits.image_max_bytes if kind == MediaKind.IMAGE else limits.pdf_max_bytes
        if size > limit:
            errors.add("size", f"{REJECTED['TOO_LARGE']}（不超过 {limit / MB:g} MB）", "TOO_LARGE")
    errors.raise_if_any()
    upload_id = secrets.token_urlsafe(24)
    key = INCOMING_PREFIX + upload_id
    url = await run_in_threadpool(storage_of(ctx).presigned_put, key, content_type, UPLOAD_URL_TTL)
    row = await MediaUpload.create(upload_id=upload_id, storage_key=key, owner=user,
                                   file_name=clean_file_name(file_name), content_type=content_type,
                                   declared_size=size, expires_at=now() + UPLOAD_URL_TTL)
    return UploadTicket(row, url)


async def _discard_upload(ctx, row: MediaUpload) -> None:
    await run_in_threadpool(storage_of(ctx).delete, row.storage_key)
    await row.delete()


async def confirm_upload(ctx, upload_id: str, alt_text: str = "", caption: str = "") -> MediaAsset:
    """Check what the client PUT and store it as an asset; a refused file leaves nothing behind."""
    user = require(ctx.user, Action.MEDIA_UPLOAD)
    errors = Collector()
    _check_texts(errors, alt_text, caption)
    errors.raise_if_any()
    row = await MediaUpload.filter(upload_id=upload_id or "", owner_id=user.id).first()
    if row is None:
        raise Invalid("uploadId", "上传不存在或已处理", "NOT_FOUND")
    storage = storage_of(ctx)
    limits = upload_limits(ctx.settings)
    try:
        info = await run_in_threadpool(storage.stat, row.storage_key)
    except NotFoundInStorage:
        raise Invalid("uploadId", "尚未收到文件：请先把文件 PUT 到 uploadUrl", "NOT_UPLOADED") from None
    try:
        if info.size > max(limits.image_max_bytes, limits.pdf_max_bytes):
            # Checked before reading: a presigned PUT to S3 cannot limit the size.
            raise UploadRejected("TOO_LARGE", f"{info.size} bytes")
        data = await run_in_threadpool(storage.read, row.storage_key)
        checked = await decode_in_thread(check_upload, data, limits)
    except UploadRejected as error:
        await _discard_upload(ctx, row)
        raise rejected("uploadId", error, limits) from None
    asset = await store_checked(ctx, checked, row.file_name, alt_text, caption, owner=user)
    await _discard_upload(ctx, row)
    return asset


# ---- reading ---------------------------------------------------------------------------------------

async def assets_by_ids(ctx, ids: list[int]) -> dict[int, MediaAsset]:
    """Assets by id as the caller may see them: staff all, others only public ones."""
    query = MediaAsset.filter(id__in=ids)
    if not may_see_private(ctx.user):
        query = query.filter(public=True)
    return {a.id: a for a in await query}


async def list_assets(ctx, kind: MediaKind | None = None, first: int | None = None, after: str | None = None,
                      page: int | None = None) -> Page:
    require(ctx.user, Action.MEDIA_UPLOAD)
    query = MediaAsset.all()
    if kind is not None:
        query = query.filter(kind=kind)
    return await paginate(query, LIST_ORDER, first, after, page)


def _rendition_file(key: str) -> str:
    return key.rsplit("/", 1)[-1]


async def asset_url(ctx, asset: MediaAsset, rendition: Rendition | None = None, fmt: str | None = None,
                    *, granted: bool) -> str | None:
    """A URL of the original or of a rendition (rendered once, then cached in storage).

    Public assets get their stable public URL; private ones a short-lived signed URL when `granted`
    (the caller may see the asset or the content using it), else None. Documents have no renditions.
    """
    if not asset.public and not granted:
        return None
    storage = storage_of(ctx)
    if rendition is None:
        return storage.url(asset.storage_key, public=asset.public)
    if asset.kind != MediaKind.IMAGE:
        return None
    key = rendition_key(asset.storage_key, rendition, fmt)  # type: ignore[arg-type]
    return await _rendition_url(ctx, asset, key, rendition, fmt)


async def _rendition_url(ctx, asset: MediaAsset, key: str, rendition: Rendition, fmt: str | None) -> str:
    storage = storage_of(ctx)
    if _rendition_file(key) not in (asset.renditions or []):
        await decode_in_thread(ensure_rendition, storage, asset.storage_key, rendition, fmt, public=asset.public)
        asset.renditions = sorted({*(asset.renditions or []), _rendition_file(key)})
        await MediaAsset.filter(id=asset.id).update(renditions=asset.renditions)
    return storage.url(key, public=asset.public)


_FORMATS = {"jpg": "jpeg", "webp": "webp", "png": "png"}


async def url_of_key(ctx, asset: MediaAsset, key: str, *, granted: bool) -> str | None:
    """The URL of a key of this asset as found in a body link (the original or one of its renditions)."""
    if not asset.public and not granted:
        return None
    if key == asset.storage_key:
        return storage_of(ctx).url(key, public=asset.public)
    name, _, ext = _rendition_file(key).partition(".")
    try:
        rendition = Rendition[name.upper()]
    except KeyError:
        return None
    if ext not in _FORMATS or asset.kind != MediaKind.IMAGE:
        return None
    return await _rendition_url(ctx, asset, key, rendition, _FORMATS[ext])


async def _assets_by_key(keys: list[str]) -> list[MediaAsset | None]:
    rows = {a.storage_key: a for a in await MediaAsset.filter(storage_key__in=sorted(set(keys)))}
    return [rows.get(k) for k in keys]


async def render_body(ctx, body: str, *, granted: bool) -> str:
    """A stored body with its media links pointing where this reader can fetch them (see media_links)."""
    async def url_for(asset: MediaAsset, key: str) -> str | None:
        return await url_of_key(ctx, asset, key, granted=granted)

    loader = ctx.loaders.get("media_asset_by_key", _assets_by_key) if hasattr(ctx, "loaders") else None
    return await media_links.render(body, url_for, loader.load_many if loader is not None else None)


def public_url(ctx, key: str) -> str:
    """The public URL of a key, the form media links are stored in (resolvers/media_links.py)."""
    return storage_of(ctx).url(key, public=True)


# ---- editing and deleting --------------------------------------------------------------------------

async def get_changeable(ctx, asset_id: int) -> MediaAsset:
    user = require(ctx.user, Action.MEDIA_UPLOAD)
    asset = await MediaAsset.filter(id=asset_id).first()
    if asset is None:
        raise NotFound("媒体文件不存在")
    if not _may_change(user, asset):
        raise Forbidden("只能修改自己上传的媒体文件")
    return asset


async def update_asset(ctx, asset: MediaAsset, alt_text: str | None = None, caption: str | None = None) -> MediaAsset:
    errors = Collector()
    _check_texts(errors, alt_text, caption)
    emptied = []  # descriptions published content relies on cannot be removed
    if alt_text is not None and not alt_text.strip() and asset.alt_text:
        emptied.append(("altText", "替代文字", "MEDIA_ALT_MISSING"))
    if caption is not None and not caption.strip() and asset.caption:
        emptied.append(("caption", "图片说明", "MEDIA_CAPTION_MISSING"))
    if emptied and asset.kind == MediaKind.IMAGE:
        uses = (await media_usage.uses_of([asset.id])).get(asset.id, [])
        published = [u for u in uses if u.published]
        if published:
            for field, noun, code in emptied:
                errors.add(field, f"图片用于已发布的{published[0].label}，{noun}不能为空", code)
    errors.raise_if_any()
    if alt_text is not None:
        asset.alt_text = alt_text.strip()
    if caption is not None:
        asset.caption = caption.strip()
    await asset.save(update_fields=["alt_text", "caption"])
    return asset


async def delete_asset(ctx, asset: MediaAsset) -> None:
    """Delete an unused asset with its renditions; refused, naming every user, while content uses it."""
    uses = (await media_usage.uses_of([asset.id])).get(asset.id, [])
    if uses:
        raise Invalid.many([("id", f"正被{use.label}使用（{use.role.value}），不能删除", "MEDIA_IN_USE")
                            for use in uses])
    await _remove(ctx, asset)


async def _remove(ctx, asset: MediaAsset) -> None:
    try:
        # Covers and usage rows reference assets with ON DELETE RESTRICT: a use added since the check
        # makes the database refuse.
        await asset.delete()
    except IntegrityError:
        raise Invalid("id", "媒体文件正在被使用，不能删除", "MEDIA_IN_USE") from None
    await run_in_threadpool(_delete_objects, storage_of(ctx), asset.storage_key)


def _delete_objects(storage, key: str) -> None:
    delete_renditions(storage, key)
    storage.delete(key)


# ---- maintenance -----------------------------------------------------------------------------------

@dataclass
class CleanupReport:
    assets: list[MediaAsset] = field(default_factory=list)
    uploads: list[MediaUpload] = field(default_factory=list)
    visibility_fixed: list[int] = field(default_factory=list)


async def cleanup(services, older_than: timedelta, dry_run: bool = False, batch: int = 500) -> CleanupReport:
    """Delete assets nothing uses that are older than `older_than`, and direct uploads never confirmed
    within it; then bring every asset's visibility in line with its uses (repairing what a storage
    failure during publishing left behind)."""
    report = CleanupReport()
    cutoff = now() - older_than
    last_id = 0
    while True:
        assets = await MediaAsset.filter(id__gt=last_id).order_by("id").limit(batch)
        if not assets:
            break
        last_id = assets[-1].id
        used = await media_usage.used_asset_ids([a.id for a in assets])
        for asset in assets:
            if asset.id in used or asset.created_at >= cutoff:
                continue
            if not dry_run:
                try:
                    await _remove(services, asset)
                except Invalid:
                    continue  # used since the check
            report.assets.append(asset)
        if not dry_run:
            report.visibility_fixed += await media_usage.refresh_visibility(
                services, [a.id for a in assets if a not in report.assets])
    for row in await MediaUpload.filter(created_at__lt=cutoff).order_by("id"):
        if not dry_run:
            await _discard_upload(services, row)
        report.uploads.append(row)
    return report
