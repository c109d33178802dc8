"""Where media are used, and what follows from it: an asset is public exactly while published
content uses it (PUBLISHED, or ARCHIVED, which stays reachable by its address).

Uses come from two places, both declared here:

- reference columns, a column of a content table holding one asset id (`Article.cover_asset_id`,
  `GazetteIssue.pdf_asset_id`; a deputy's portrait or a livestream's poster later): read from
  the table itself, so usage can never disagree with the content;
- `MediaUsage` rows, for uses that are not a column (the images and documents linked from an
  article body), replaced whenever the content is saved (`set_usage`).

Content calls `content_changed(services, item)` after any change of status or media
(resolvers/lifecycle.py does for every publishable kind) and `content_removed` when deleted;
both recompute the visibility of the assets concerned and move their storage objects.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool

from media.renditions import set_public_with_renditions
from models.base import PUBLIC_READABLE, Status
from models.gazettes import GazetteIssue
from models.media import MediaAsset, MediaKind, MediaRole, MediaUsage
from models.news import Article
from resolvers import media_links
from resolvers.errors import Invalid

log = logging.getLogger("renda.media")


@dataclass(frozen=True)
class ReferenceColumn:
    model: type
    column: str  # e.g. "cover_asset_id"
    role: MediaRole
    field: str  # the GraphQL input field that sets it, for errors


# Content kinds that may use media, by model name (MediaUsage.target_type).
TARGETS: dict[str, type] = {}
REFERENCE_COLUMNS: list[ReferenceColumn] = []


def register_target(model: type) -> None:
    TARGETS[model.__name__] = model


def register_reference_column(model: type, column: str, role: MediaRole, field: str) -> None:
    """Declare a column holding one asset id; its rows count as uses of that asset."""
    register_target(model)
    REFERENCE_COLUMNS.append(ReferenceColumn(model, column, role, field))


register_target(Article)
register_reference_column(Article, "cover_asset_id", MediaRole.COVER, "coverId")
register_reference_column(GazetteIssue, "pdf_asset_id", MediaRole.PDF, "pdfId")


@dataclass(frozen=True)
class Use:
    """One use of an asset by one piece of content."""

    asset_id: int
    target_type: str
    target_id: int
    role: MediaRole
    title: str
    status: Status

    @property
    def published(self) -> bool:
        return self.status in PUBLIC_READABLE

    @property
    def label(self) -> str:
        noun = {"Article": "稿件", "GazetteIssue": "公报"}.get(self.target_type, self.target_type)
        return f"{noun}“{self.title}”"


def _title(item) -> str:
    return str(getattr(item, "title", "") or getattr(item, "name", "") or f"#{item.id}")


async def uses_of(asset_ids: Iterable[int]) -> dict[int, list[Use]]:
    """Every use of each asset, by asset id; a constant number of queries for any number of assets."""
    ids = sorted(set(asset_ids))
    found: dict[int, list[Use]] = defaultdict(list)
    if not ids:
        return found
    for ref in REFERENCE_COLUMNS:
        for item in await ref.model.filter(**{f"{ref.column}__in": ids}).order_by("id"):
            found[getattr(item, ref.column)].append(
                Use(getattr(item, ref.column), ref.model.__name__, item.id, ref.role, _title(item), item.status))
    rows = await MediaUsage.filter(asset_id__in=ids).order_by("id")
    wanted: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        wanted[row.target_type].add(row.target_id)
    targets = {}
    for type_name, target_ids in wanted.items():
        model = TARGETS.get(type_name)
        if model is not None:
            targets[type_name] = {t.id: t for t in await model.filter(id__in=sorted(target_ids))}
    for row in rows:
        target = targets.get(row.target_type, {}).get(row.target_id)
        if target is not None:  # rows of content deleted behind our back count for nothing
            found[row.asset_id].append(
                Use(row.asset_id, row.target_type, row.target_id, MediaRole(row.role), _title(target), target.status))
    return found


async def used_asset_ids(asset_ids: Iterable[int], published_only: bool = False) -> set[int]:
    uses = await uses_of(asset_ids)
    return {aid for aid, found in uses.items() if any(u.published or not published_only for u in found)}


async def asset_ids_of(item) -> set[int]:
    """The assets a piece of content uses now."""
    if type(item).__name__ not in TARGETS:
        return set()
    ids = {getattr(item, ref.column) for ref in REFERENCE_COLUMNS if isinstance(item, ref.model)}
    ids.discard(None)
    rows = await MediaUsage.filter(target_type=type(item).__name__, target_id=item.id).values_list(
        "asset_id", flat=True)
    return ids | set(rows)


async def set_usage(target_type: str, target_id: int, role: MediaRole, asset_ids: Iterable[int]) -> set[int]:
    """Replace the `role` uses of one piece of content; the assets used before or after, whose
    visibility may have changed."""
    wanted = set(asset_ids)
    before = set(await MediaUsage.filter(target_type=target_type, target_id=target_id, role=role).values_list(
        "asset_id", flat=True))
    if before - wanted:
        await MediaUsage.filter(target_type=target_type, target_id=target_id, role=role,
                                asset_id__in=sorted(before - wanted)).delete()
    if wanted - before:
        await MediaUsage.bulk_create([MediaUsage(asset_id=a, target_type=target_type, target_id=target_id, role=role)
                                      for a in sorted(wanted - before)])
    return before | wanted


async def refresh_visibility(services, asset_ids: Iterable[int]) -> list[int]:
    """Make each asset public exactly while published content uses it; the ids that changed.

    The storage object moves first and the flag follows, so a public URL is handed out only once the
    object is public; a storage failure is logged and leaves the flag as it was, for the next
    refresh (or `media-cleanup`) to retry.
    """
    ids = sorted(set(asset_ids) - {None})
    storage = getattr(services, "storage", None)
    if not ids or storage is None:
        # Without storage (a CLI that publishes) nothing can move: `media-cleanup` realigns later.
        return []
    assets = await MediaAsset.filter(id__in=ids)
    published = await used_asset_ids(ids, published_only=True)
    changed = []
    for asset in assets:
        want = asset.id in published
        if asset.public == want:
            continue
        try:
            await run_in_threadpool(set_public_with_renditions, storage, asset.storage_key, want)
        except Exception:
            log.exception("could not make media asset %s %s", asset.id, "public" if want else "private")
            continue
        await MediaAsset.filter(id=asset.id).update(public=want)
        asset.public = want
        changed.append(asset.id)
    return changed


async def content_changed(services, item, also: Iterable[int] = ()) -> None:
    """After a change of status or media: the item's assets (and `also`, the ones it just dropped)
    become public or private as their uses now say."""
    await refresh_visibility(services, await asset_ids_of(item) | set(also))


async def content_removed(services, item) -> None:
    """After deleting content: forget its usage rows, and its assets follow their remaining uses."""
    ids = await asset_ids_of(item)
    await MediaUsage.filter(target_type=type(item).__name__, target_id=item.id).delete()
    await refresh_visibility(services, ids)


async def missing_descriptions(article: Article) -> list[tuple[str | None, str, str]]:
    """What stops an article from being published for want of descriptions: the cover image
    needs the asset's alt text (替代文字, read out by screen readers) and caption (图片说明);
    a body image needs alt text (its own `alt` or the asset's) and a caption (the asset's, or a
    `<figcaption>` of the `<figure>` it is in)."""
    errors: list[tuple[str | None, str, str]] = []
    if article.cover_asset_id is not None:
        cover = await MediaAsset.filter(id=article.cover_asset_id).first()
        if cover is not None and cover.kind == MediaKind.IMAGE:
            name = cover.file_name or cover.id
            if not cover.alt_text.strip():
                errors.append(("coverId", f"题图“{name}”缺少替代文字（altText），请在媒体库中填写", "MEDIA_ALT_MISSING"))
            if not cover.caption.strip():
                errors.append(("coverId", f"题图“{name}”缺少图片说明（caption），请在媒体库中填写",
                               "MEDIA_CAPTION_MISSING"))
    links = [link for link in media_links.find_links(article.body)
             if link.tag == "img" and not (link.has_alt and link.has_caption)]
    assets = await media_links.assets_of(links)
    reported = set()
    for link in links:
        asset = assets.get(link.original_key)
        if asset is None or asset.kind != MediaKind.IMAGE:
            continue
        name = asset.file_name or asset.id
        if not link.has_alt and not asset.alt_text.strip() and (asset.id, "alt") not in reported:
            reported.add((asset.id, "alt"))
            errors.append(("body", f"正文图片“{name}”缺少替代文字（altText），请在媒体库中填写", "MEDIA_ALT_MISSING"))
        if not link.has_caption and not asset.caption.strip() and (asset.id, "caption") not in reported:
            reported.add((asset.id, "caption"))
            errors.append(("body", f"正文图片“{name}”缺少图片说明（caption），请在媒体库中填写或加图注（figcaption）",
                           "MEDIA_CAPTION_MISSING"))
    return errors


async def require_descriptions(article: Article) -> None:
    errors = await missing_descriptions(article)
    if errors:
        raise Invalid.many(errors)


async def check_reference(asset_id: int | None, kind: MediaKind, field: str) -> MediaAsset | None:
    """The asset a reference column is about to hold, refused unless it exists and is of `kind`
    (for content that sets one: a cover must be an image, a gazette PDF a document)."""
    if asset_id is None:
        return None
    asset = await MediaAsset.filter(id=asset_id).first()
    if asset is None:
        raise Invalid(field, "媒体文件不存在", "MEDIA_NOT_FOUND")
    if asset.kind != kind:
        raise Invalid(field, "需要图片" if kind == MediaKind.IMAGE else "需要 PDF 文档", "WRONG_MEDIA_KIND")
    return asset
