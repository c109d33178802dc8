"""News articles: reading with visibility rules, creating and editing drafts, revisions."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from models.base import PUBLIC_READABLE, Status
from models.media import MediaAsset, MediaKind, MediaRole
from models.news import Article, ArticleRevision, ArticleSlug, ArticleTag, Column, Tag
from models.users import User
from resolvers import lifecycle, media, media_links, media_usage
from resolvers.columns import all_columns, descendant_ids
from resolvers.errors import Collector, Conflict, Invalid, NotFound
from resolvers.pagination import Page, page_size, paginate
from resolvers.permissions import Action, can, require
from resolvers.preview import article_for_preview
from resolvers.sanitize import sanitize_html
from resolvers.slugs import is_valid_slug, slugify, unique_slug

# The fields a revision stores and restores.
EDITABLE = ("title", "subtitle", "summary", "body", "author", "source", "column_id", "pinned", "featured",
            "cover_asset_id")

# Public feeds: pinned (置顶) first, then newest.
FEED_ORDER = ["-pinned", "-published_at", "-id"]
STAFF_ORDER = ["-updated_at", "-id"]


def can_read_unpublished(user: User | None) -> bool:
    return can(user, Action.ARTICLE_READ_UNPUBLISHED)


def readable(ctx, article: Article | None) -> Article | None:
    """The article if the caller may see it: unpublished ones only for the newsroom."""
    if article is None:
        return None
    if article.status in PUBLIC_READABLE or can_read_unpublished(ctx.user):
        return article
    return None


async def articles_by_ids(ctx, ids: list[int]) -> dict[int, Article]:
    rows = await Article.filter(id__in=ids)
    return {a.id: a for a in rows if readable(ctx, a)}


async def list_articles(ctx, column: str | None = None, tag: str | None = None,
                        statuses: list[Status] | None = None, featured: bool | None = None,
                        first: int | None = None, after: str | None = None,
                        page: int | None = None) -> Page:
    query = Article.all()
    if statuses and statuses != [Status.PUBLISHED]:
        require(ctx.user, Action.ARTICLE_READ_UNPUBLISHED)
        query = query.filter(status__in=statuses)
        ordering = STAFF_ORDER
    else:
        # Lists, feeds and counts hold published items only; archived ones are reachable by URL.
        query = query.filter(status=Status.PUBLISHED)
        ordering = FEED_ORDER
    if column:
        columns = await all_columns()
        match = next((c for c in columns if c.slug == column), None)
        if match is None:
            raise NotFound(f"栏目“{column}”不存在")
        query = query.filter(column_id__in=descendant_ids(columns, match.id))
    if tag:
        query = query.filter(tag_links__tag__slug=tag)
    if featured is not None:
        query = query.filter(featured=featured)
    return await paginate(query, ordering, first, after, page)


# Nested column feeds (`columns { articles }`) up to this depth load in one batch for all columns.
BATCHED_FEED_DEPTH = 100


async def column_articles(ctx, column: Column, first: int | None = None, after: str | None = None,
                          page: int | None = None) -> Page:
    """A column's public feed, like `list_articles(column=...)`; the first pages of many columns load
    together, so listing every column with its latest articles costs the same few queries."""
    size = page_size(first)
    offset = ((page or 1) - 1) * size
    if after is None and (page is None or page >= 1) and offset + size <= BATCHED_FEED_DEPTH:
        return await ctx.loaders.feeds_by_column_id.load((column.id, size, offset, page))
    return await list_articles(ctx, column=column.slug, first=first, after=after, page=page)


async def find_article(ctx, id: int | None = None, slug: str | None = None,
                       preview_token: str | None = None, count_view: bool = False) -> Article | None:
    article = None
    if id is not None:
        article = await Article.filter(id=id).first()
    elif slug:
        article = await Article.filter(slug=slug).first()
        if article is None:
            # A changed slug keeps redirecting to its article.
            old = await ArticleSlug.filter(slug=slug).select_related("article").first()
            article = old.article if old else None
    if article is not None and preview_token and article.status not in PUBLIC_READABLE:
        if await article_for_preview(preview_token, article.id):
            return article
    article = readable(ctx, article)
    if article is not None and count_view and article.status == Status.PUBLISHED:
        # Counted in the database: concurrent readers would otherwise overwrite each other's count.
        await Article.filter(id=article.id).update(view_count=F("view_count") + 1)
        article.view_count += 1
    return article


async def get_editable(ctx, article_id: int) -> Article:
    require(ctx.user, Action.ARTICLE_EDIT)
    article = await Article.filter(id=article_id).first()
    if article is None:
        raise NotFound("稿件不存在")
    return article


def _may_edit_in_status(user: User, article: Article) -> bool:
    # Editors work on drafts; chief editors may correct an item at any stage.
    return article.status == Status.DRAFT or can(user, Action.ARTICLE_PUBLISH) or user.role == "ADMIN"


@dataclass
class ArticleFields:
    """Editable fields after validation; None means not given."""

    title: str | None = None
    subtitle: str | None = None
    summary: str | None = None
    body: str | None = None
    author: str | None = None
    source: str | None = None
    column: str | None = None
    tags: list[str] | None = None
    pinned: bool | None = None
    featured: bool | None = None
    slug: str | None = None
    cover_id: int | None = None  # a MediaAsset id
    clear_cover: bool = False
    # Restoring a revision keeps body links to media deleted since, rather than refusing.
    lenient_media: bool = False


async def _validate(fields: ArticleFields, creating: bool, article: Article | None = None, ctx=None) -> dict:
    errors = Collector()
    values: dict = {}
    if creating or fields.title is not None:
        title = (fields.title or "").strip()
        if not title:
            errors.add("title", "标题不能为空", "REQUIRED")
        elif len(title) > 200:
            errors.add("title", "标题不能超过200个字符", "TOO_LONG")
        values["title"] = title
    for name, limit in (("subtitle", 200), ("author", 100), ("source", 100), ("summary", 1000)):
        value = getattr(fields, name)
        if value is not None:
            value = value.strip()
            if len(value) > limit:
                errors.add(name, f"不能超过{limit}个字符", "TOO_LONG")
            values[name] = value
    if fields.body is not None:
        if len(fields.body) > 500_000:
            errors.add("body", "正文过长", "TOO_LONG")
        values["body"] = sanitize_html(fields.body)
        if ctx is not None:
            # Media URLs in the body name library assets: stored canonical, listed as the article's uses.
            values["body"], values["inline_media"], unknown = await media_links.canonicalize(
                values["body"], lambda key: media.public_url(ctx, key))
            if unknown and not fields.lenient_media:
                errors.add("body", f"正文引用的媒体文件不存在：{unknown[0]}", "MEDIA_NOT_FOUND")
    if fields.clear_cover:
        values["cover_asset_id"] = None
    elif fields.cover_id is not None:
        try:
            await media_usage.check_reference(fields.cover_id, MediaKind.IMAGE, "coverId")
            values["cover_asset_id"] = fields.cover_id
        except Invalid as error:
            errors.errors += error.errors
    if creating or fields.column is not None:
        column = await Column.filter(slug=fields.column or "").first()
        if column is None:
            errors.add("column", "请选择存在的栏目", "NOT_FOUND")
        else:
            values["column_id"] = column.id
    for flag in ("pinned", "featured"):
        if getattr(fields, flag) is not None:
            values[flag] = bool(getattr(fields, flag))
    if fields.tags is not None:
        wanted = list(dict.fromkeys(fields.tags))
        found = {t.slug: t for t in await Tag.filter(slug__in=wanted)}
        missing = [s for s in wanted if s not in found]
        if missing:
            errors.add("tags", f"标签不存在：{'、'.join(missing)}", "NOT_FOUND")
        values["tags"] = [found[s] for s in wanted if s in found]
    if fields.slug is not None and (article is None or fields.slug != article.slug):
        if not is_valid_slug(fields.slug):
            errors.add("slug", "别名只能包含小写字母、数字和连字符", "INVALID_SLUG")
        elif await _slug_taken(fields.slug, article.id if article else None):
            errors.add("slug", "别名已被使用", "TAKEN")
        values["slug"] = fields.slug
    errors.raise_if_any()
    return values


async def _slug_taken(slug: str, own_id: int | None = None) -> bool:
    if await Article.filter(slug=slug).exclude(id=own_id or 0).exists():
        return True
    return await ArticleSlug.filter(slug=slug).exclude(article_id=own_id or 0).exists()


async def snapshot(article: Article) -> dict:
    tags = await ArticleTag.filter(article_id=article.id).order_by("position").values_list("tag__slug", flat=True)
    data = {name: getattr(article, name) for name in EDITABLE}
    data["slug"] = article.slug
    data["tags"] = list(tags)
    return data


async def _store_revision(ctx, article: Article, note: str) -> ArticleRevision:
    article.revision_count += 1
    await Article.filter(id=article.id).update(revision_count=article.revision_count)
    return await ArticleRevision.create(article=article, number=article.revision_count,
                                        snapshot=await snapshot(article), author=ctx.user, note=note[:200])


async def _set_tags(article: Article, tags: list[Tag]) -> None:
    await ArticleTag.filter(article_id=article.id).delete()
    await ArticleTag.bulk_create([ArticleTag(article_id=article.id, tag_id=t.id, position=i)
                                  for i, t in enumerate(tags)])


async def create_article(ctx, fields: ArticleFields) -> Article:
    user = require(ctx.user, Action.ARTICLE_EDIT)
    values = await _validate(fields, creating=True, ctx=ctx)
    tags = values.pop("tags", [])
    inline_media = values.pop("inline_media", set())
    slug = values.pop("slug", None) or await unique_slug(slugify(values["title"]), _slug_taken)
    async with in_transaction():
        article = await Article.create(**values, slug=slug, created_by=user, status=Status.DRAFT)
        await _set_tags(article, tags)
        await media_usage.set_usage("Article", article.id, MediaRole.INLINE, inline_media)
        await _store_revision(ctx, article, "创建")
    return article


async def update_article(ctx, article: Article, fields: ArticleFields, note: str = "") -> Article:
    if not _may_edit_in_status(ctx.user, article):
        raise Conflict(None, "只有草稿可以修改；请先退回为草稿", "WRONG_STATUS")
    values = await _validate(fields, creating=False, article=article, ctx=ctx)
    tags = values.pop("tags", None)
    new_slug = values.pop("slug", None)
    inline_media = values.pop("inline_media", None)
    media_touched = {article.cover_asset_id, values.get("cover_asset_id", article.cover_asset_id)}
    async with in_transaction():
        for name, value in values.items():
            setattr(article, name, value)
        if new_slug and new_slug != article.slug:
            await ArticleSlug.filter(slug=new_slug).delete()  # taking back one of its own old slugs
            await ArticleSlug.create(slug=article.slug, article=article)
            article.slug = new_slug
        await article.save()
        if tags is not None:
            await _set_tags(article, tags)
        if inline_media is not None:
            media_touched |= await media_usage.set_usage("Article", article.id, MediaRole.INLINE, inline_media)
        await _store_revision(ctx, article, note or "修改")
    if article.status == Status.PUBLISHED:
        await lifecycle.changed(ctx, article)
    if article.status in PUBLIC_READABLE:
        # Media the edit dropped go private unless other published content uses them.
        await media_usage.refresh_visibility(ctx.services, media_touched)
    return article


async def restore_revision(ctx, revision_id: int) -> Article:
    require(ctx.user, Action.ARTICLE_EDIT)
    revision = await ArticleRevision.filter(id=revision_id).select_related("article").first()
    if revision is None:
        raise NotFound("修订版本不存在")
    data = revision.snapshot
    column = await Column.filter(id=data.get("column_id")).first()
    # Tags deleted since the revision are left out rather than refusing the restore; the order stays.
    existing = set(await Tag.filter(slug__in=data.get("tags", [])).values_list("slug", flat=True))
    # A cover deleted since the revision is left out, like a deleted tag.
    cover_id = data.get("cover_asset_id")
    cover_exists = cover_id is not None and await MediaAsset.filter(id=cover_id).exists()
    fields = ArticleFields(
        title=data.get("title"), subtitle=data.get("subtitle"), summary=data.get("summary"),
        body=data.get("body"), author=data.get("author"), source=data.get("source"),
        column=column.slug if column else None, pinned=data.get("pinned"), featured=data.get("featured"),
        tags=[slug for slug in data.get("tags", []) if slug in existing],
        cover_id=cover_id if cover_exists else None, clear_cover=not cover_exists, lenient_media=True,
    )
    return await update_article(ctx, revision.article, fields, note=f"恢复至第{revision.number}版")


async def delete_article(ctx, article: Article) -> None:
    require(ctx.user, Action.ARTICLE_DELETE)
    if article.status == Status.PUBLISHED:
        raise Conflict("id", "已发布的稿件须先撤回再删除", "WRONG_STATUS")
    await article.delete()
    await lifecycle.removed(ctx, article)

