"""The news CMS: columns (栏目), tags and articles, and the editorial workflow."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from models import news as m
from models.base import Status
from resolvers import articles as ops
from resolvers import columns as column_ops
from resolvers import media as media_ops
from resolvers import media_usage, workflow
from resolvers import tags as tag_ops
from resolvers.errors import Forbidden, NotFound
from resolvers.permissions import Action, can
from resolvers.preview import create_preview_token
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
from schema.permissions import guard, restricted
from schema.users import Role, User

if TYPE_CHECKING:
    from schema.media import MediaAsset

ContentStatus = strawberry.enum(
    Enum("ContentStatus", {s.value: s.value for s in Status}),
    description="Editorial status: DRAFT (草稿) -> IN_REVIEW (审核中) -> PUBLISHED (已发布) -> ARCHIVED (已归档).",
)
STATUS_LABELS = {"DRAFT": "草稿", "IN_REVIEW": "审核中", "PUBLISHED": "已发布", "ARCHIVED": "已归档"}


@strawberry.type(description="A review stage a column requires before publishing, e.g. 初审 by an EDITOR.")
class ReviewStage:
    name: str = strawberry.field(description="Name of the stage, e.g. 初审, 复审, 终审.")
    role: Role = strawberry.field(description="The role that approves this stage.")


@strawberry.type(description="A column (栏目) of the official window; columns form a tree.")
class Column(Node):
    model: strawberry.Private[m.Column]
    slug: str = strawberry.field(description="URL name, used as the `column` argument of `articles`.")
    name: str = strawberry.field(description="Display name, e.g. 人大要闻.")
    description: str = strawberry.field(description="What the column carries.")
    position: int = strawberry.field(description="Order among its siblings.")

    @strawberry.field(description="Review stages an article of this column passes before publishing, in order.")
    def review_stages(self) -> list[ReviewStage]:
        return [ReviewStage(name=s["name"], role=Role(s["role"])) for s in self.model.review_stages or []]

    @strawberry.field(description="The parent column, null for a top-level column.")
    async def parent(self, info: Info) -> Column | None:
        if self.model.parent_id is None:
            return None
        parent = await info.context.loaders.column_by_id.load(self.model.parent_id)
        return Column.from_model(parent) if parent else None

    @strawberry.field(description="Sub-columns, in order.")
    async def children(self, info: Info) -> list[Column]:
        rows = await info.context.loaders.columns_by_parent_id.load(self.model.id)
        return [Column.from_model(c) for c in sorted(rows, key=lambda c: (c.position, c.id))]

    @strawberry.field(description="Published articles of this column and its sub-columns, pinned first, newest first.")
    async def articles(self, info: Info, first: First = None, after: After = None,
                       page: PageNumber = None) -> Connection[Article]:
        result = await ops.column_articles(info.context, self.model, first=first, after=after, page=page)
        return Connection.from_page(result, Article.from_model)

    @strawberry.field(description="Canonical address of the column page on the website.")
    def url(self, info: Info) -> str:
        return f"{info.context.settings.public_base_url}/columns/{self.model.slug}"

    @classmethod
    def from_model(cls, column: m.Column) -> Column:
        return cls(model=column, id=to_global_id("Column", column.id), slug=column.slug, name=column.name,
                   description=column.description, position=column.position)


@strawberry.type(description="A tag (标签) that groups articles across columns.")
class Tag(Node):
    model: strawberry.Private[m.Tag]
    slug: str = strawberry.field(description="URL name, used as the `tag` argument of `articles`.")
    name: str = strawberry.field(description="Display name.")

    @classmethod
    def from_model(cls, tag: m.Tag) -> Tag:
        return cls(model=tag, id=to_global_id("Tag", tag.id), slug=tag.slug, name=tag.name)


ReviewDecision = strawberry.enum(
    Enum("ReviewDecision", {d.value: d.value for d in m.ReviewDecision}),
    description="A step of the editorial trail.",
)


@strawberry.type(description="One step of an article's editorial trail: submitted, approved, sent back, published.")
class ReviewStep:
    model: strawberry.Private[m.ReviewAction]
    decision: ReviewDecision = strawberry.field(description="What happened.")
    stage_name: str = strawberry.field(description="The review stage concerned, e.g. 复审; empty for other steps.")
    comment: str = strawberry.field(description="The reviewer's comment (required when sending back).")
    created_at: datetime = strawberry.field(description="When it happened.")

    @strawberry.field(description="Who did it (null for the scheduler).")
    async def user(self, info: Info) -> User | None:
        if self.model.user_id is None:
            return None
        user = await info.context.loaders.user_by_id.load(self.model.user_id)
        return User.from_model(user) if user else None

    @classmethod
    def from_model(cls, action: m.ReviewAction) -> ReviewStep:
        return cls(model=action, decision=ReviewDecision(action.decision), stage_name=action.stage_name,
                   comment=action.comment, created_at=action.created_at)


@strawberry.type(description="A stored version of an article, saved on every edit; restorable.")
class ArticleRevision(Node):
    model: strawberry.Private[m.ArticleRevision]
    number: int = strawberry.field(description="1 for the first save, counting up.")
    note: str = strawberry.field(description="What the save was, e.g. 创建, 修改, 恢复至第2版.")
    created_at: datetime = strawberry.field(description="When it was saved.")
    title: str = strawberry.field(description="The title in this version.")

    @strawberry.field(description="The body (sanitized HTML) in this version, media links as in `Article.body`.")
    async def body(self, info: Info) -> str:
        return await media_ops.render_body(info.context, self.model.snapshot.get("body", ""), granted=True)

    @strawberry.field(description="Who saved it.")
    async def author(self, info: Info) -> User | None:
        if self.model.author_id is None:
            return None
        user = await info.context.loaders.user_by_id.load(self.model.author_id)
        return User.from_model(user) if user else None

    @classmethod
    def from_model(cls, rev: m.ArticleRevision) -> ArticleRevision:
        return cls(model=rev, id=to_global_id("ArticleRevision", rev.id), number=rev.number, note=rev.note,
                   created_at=rev.created_at, title=rev.snapshot.get("title", ""))


@strawberry.type(description="A news article (新闻稿件).")
class Article(Node):
    model: strawberry.Private[m.Article]
    title: str = strawberry.field(description="Headline.")
    subtitle: str = strawberry.field(description="Subheading (副标题); may be empty.")
    slug: str = strawberry.field(description="URL name (from the title's pinyin); old slugs keep finding the article.")
    summary: str = strawberry.field(description="Short summary for lists, WeChat digests and Weibo posts.")
    author: str = strawberry.field(description="Byline as printed (记者、通讯员).")
    source: str = strawberry.field(description="Where the article comes from, e.g. 长江日报.")
    status: ContentStatus = strawberry.field(description="Editorial status.")
    publish_at: datetime | None = strawberry.field(description="When a scheduled article will be published.")
    published_at: datetime | None = strawberry.field(description="When it was published.")
    created_at: datetime = strawberry.field(description="When the draft was created.")
    updated_at: datetime = strawberry.field(description="Last change.")
    view_count: int = strawberry.field(description="How often the article was read.")
    pinned: bool = strawberry.field(description="Pinned (置顶) at the top of its column.")
    featured: bool = strawberry.field(description="An editor's pick (推荐).")

    @strawberry.field(description="Chinese label of the status, e.g. 已发布.")
    def status_label(self) -> str:
        return STATUS_LABELS[self.model.status]

    @strawberry.field(description="Rich text body as sanitized HTML. Images and documents from the media library "
                      "point where this reader can fetch them: public URLs once published, short-lived signed URLs "
                      "in drafts; images without alt get the asset's alt text.")
    async def body(self, info: Info) -> str:
        return await media_ops.render_body(info.context, self.model.body, granted=True)

    @strawberry.field(description="The cover image (题图) from the media library; use `url(rendition: WECHAT_COVER)` "
                      "and the like for sized versions.")
    async def cover(self, info: Info) -> Annotated[MediaAsset, strawberry.lazy("schema.media")] | None:
        from schema.media import asset_of

        return await asset_of(info, self.model.cover_asset_id)

    @strawberry.field(description="The column the article is filed under.")
    async def column(self, info: Info) -> Column:
        return Column.from_model(await info.context.loaders.column_by_id.load(self.model.column_id))

    @strawberry.field(description="Tags, in the order the editor gave them.")
    async def tags(self, info: Info) -> list[Tag]:
        return [Tag.from_model(t) for t in await info.context.loaders.tags_by_article_id.load(self.model.id)]

    @strawberry.field(description="Canonical address on the website.")
    def url(self, info: Info) -> str:
        return f"{info.context.settings.public_base_url}/news/{self.model.slug}"

    @strawberry.field(description="How many review stages have approved the current submission (newsroom only).",
                      extensions=restricted(Action.ARTICLE_READ_UNPUBLISHED))
    def review_stage(self) -> int:
        return self.model.review_stage

    @strawberry.field(description="Who created the draft (newsroom only).",
                      extensions=restricted(Action.ARTICLE_READ_UNPUBLISHED))
    async def created_by(self, info: Info) -> User | None:
        if self.model.created_by_id is None:
            return None
        user = await info.context.loaders.user_by_id.load(self.model.created_by_id)
        return User.from_model(user) if user else None

    @strawberry.field(description="Stored versions, newest first (newsroom only).",
                      extensions=restricted(Action.ARTICLE_READ_UNPUBLISHED))
    async def revisions(self, info: Info) -> list[ArticleRevision]:
        rows = await info.context.loaders.revisions_by_article_id.load(self.model.id)
        return [ArticleRevision.from_model(r) for r in rows]

    @strawberry.field(description="The editorial trail, oldest first (newsroom only).",
                      extensions=restricted(Action.ARTICLE_READ_UNPUBLISHED))
    async def review_trail(self, info: Info) -> list[ReviewStep]:
        rows = await info.context.loaders.review_actions_by_article_id.load(self.model.id)
        return [ReviewStep.from_model(a) for a in rows]

    @classmethod
    def from_model(cls, a: m.Article) -> Article:
        return cls(model=a, id=to_global_id("Article", a.id), title=a.title, subtitle=a.subtitle, slug=a.slug,
                   summary=a.summary, author=a.author, source=a.source,
                   status=ContentStatus(a.status), publish_at=a.publish_at, published_at=a.published_at,
                   created_at=a.created_at, updated_at=a.updated_at, view_count=a.view_count,
                   pinned=a.pinned, featured=a.featured)


async def _fetch_articles(info: Info, ids: list[int]) -> dict:
    return await ops.articles_by_ids(info.context, ids)


async def _fetch_columns(info: Info, ids: list[int]) -> dict:
    return {c.id: c for c in await m.Column.filter(id__in=ids)}


async def _fetch_tags(info: Info, ids: list[int]) -> dict:
    return {t.id: t for t in await m.Tag.filter(id__in=ids)}


async def _fetch_revisions(info: Info, ids: list[int]) -> dict:
    if not can(info.context.user, Action.ARTICLE_READ_UNPUBLISHED):
        return {}
    return {r.id: r for r in await m.ArticleRevision.filter(id__in=ids)}


register_node("Article", _fetch_articles, Article.from_model)
register_node("Column", _fetch_columns, Column.from_model)
register_node("Tag", _fetch_tags, Tag.from_model)
register_node("ArticleRevision", _fetch_revisions, ArticleRevision.from_model)


# ---- inputs -------------------------------------------------------------------------------------------

@strawberry.input(description="A review stage of a column.")
class ReviewStageInput:
    name: str = strawberry.field(description="Stage name, e.g. 初审.")
    role: Role = strawberry.field(description="EDITOR, CHIEF_EDITOR or ADMIN.")


@strawberry.input(description="A new column (admins only).")
class ColumnCreateInput:
    name: str = strawberry.field(description="Display name.")
    slug: str | None = strawberry.field(default=None, description="URL name; derived from the name's pinyin if omitted.")
    parent: str | None = strawberry.field(default=None, description="Slug of the parent column.")
    description: str = strawberry.field(default="", description="What the column carries.")
    position: int = strawberry.field(default=0, description="Order among siblings.")
    review_stages: list[ReviewStageInput] = strawberry.field(default_factory=list,
                                                             description="Review stages before publishing.")


@strawberry.input(description="Changes to a column; omitted fields stay as they are.")
class ColumnUpdateInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the column.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="Display name.")
    slug: str | None = strawberry.field(default=strawberry.UNSET, description="URL name.")
    parent: str | None = strawberry.field(default=strawberry.UNSET,
                                          description="Slug of the new parent; null makes it top-level.")
    description: str | None = strawberry.field(default=strawberry.UNSET, description="Description.")
    position: int | None = strawberry.field(default=strawberry.UNSET, description="Order among siblings.")
    review_stages: list[ReviewStageInput] | None = strawberry.field(default=strawberry.UNSET,
                                                                    description="Replaces the review stages.")


@strawberry.input(description="The column to delete; refused while it has sub-columns or articles.")
class ColumnDeleteInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the column.")


@strawberry.input(description="A new tag.")
class TagCreateInput:
    name: str = strawberry.field(description="Display name.")
    slug: str | None = strawberry.field(default=None, description="URL name; from the pinyin if omitted.")


@strawberry.input(description="A new draft article.")
class ArticleCreateInput:
    title: str = strawberry.field(description="Headline (up to 200 characters).")
    column: str = strawberry.field(description="Slug of the column.")
    body: str = strawberry.field(default="", description="Rich text as HTML; sanitized on save (scripts removed).")
    subtitle: str = strawberry.field(default="", description="Subheading.")
    summary: str = strawberry.field(default="", description="Short summary.")
    author: str = strawberry.field(default="", description="Byline.")
    source: str = strawberry.field(default="", description="Source.")
    tags: list[str] = strawberry.field(default_factory=list, description="Tag slugs.")
    pinned: bool = strawberry.field(default=False, description="Pin at the top of the column.")
    featured: bool = strawberry.field(default=False, description="Editor's pick.")
    slug: str | None = strawberry.field(default=None, description="URL name; from the title's pinyin if omitted.")
    cover_id: strawberry.ID | None = strawberry.field(
        default=None, description="Global ID of a MediaAsset image to use as the cover (题图).")


@strawberry.input(description="Changes to an article; omitted fields stay as they are. A new slug keeps the old one "
                  "redirecting. Editors change drafts; chief editors may correct an article at any stage.")
class ArticleUpdateInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the article.")
    title: str | None = strawberry.field(default=None, description="Headline.")
    column: str | None = strawberry.field(default=None, description="Slug of the column.")
    body: str | None = strawberry.field(default=None, description="Rich text as HTML; sanitized on save.")
    subtitle: str | None = strawberry.field(default=None, description="Subheading.")
    summary: str | None = strawberry.field(default=None, description="Short summary.")
    author: str | None = strawberry.field(default=None, description="Byline.")
    source: str | None = strawberry.field(default=None, description="Source.")
    tags: list[str] | None = strawberry.field(default=None, description="Tag slugs; replaces the tags.")
    pinned: bool | None = strawberry.field(default=None, description="Pin at the top of the column.")
    featured: bool | None = strawberry.field(default=None, description="Editor's pick.")
    slug: str | None = strawberry.field(default=None, description="New URL name.")
    cover_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Global ID of a MediaAsset image as the new cover; null removes it.")


@strawberry.input(description="Submit a draft for review (DRAFT -> IN_REVIEW).")
class ArticleSubmitInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the article.")
    comment: str = strawberry.field(default="", description="A note for the reviewers.")


@strawberry.input(description="A reviewer's decision on the current review stage.")
class ArticleReviewInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the article.")
    approve: bool = strawberry.field(description="True approves the stage; false sends the article back to DRAFT.")
    comment: str = strawberry.field(default="", description="Required when sending back.")


@strawberry.input(description="Publish an approved article now, or schedule it with `publishAt`.")
class ArticlePublishInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the article.")
    publish_at: datetime | None = strawberry.field(
        default=None, description="A future time (with time zone) to publish at; now if omitted or past.")


@strawberry.input(description="Take an article back to DRAFT (also cancels a scheduled publication).")
class ArticleUnpublishInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the article.")
    comment: str = strawberry.field(default="", description="Why.")


@strawberry.input(description="Archive a published article: out of lists and search, still reachable by its URL.")
class ArticleArchiveInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the article.")
    comment: str = strawberry.field(default="", description="Why.")


@strawberry.input(description="Delete an unpublished article for good.")
class ArticleDeleteInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the article.")


@strawberry.input(description="Restore an earlier revision; stored as a new revision.")
class ArticleRevisionRestoreInput:
    revision_id: strawberry.ID = strawberry.field(description="Global ID of the ArticleRevision.")


@strawberry.input(description="Create a share link that shows an unpublished article until it expires.")
class ArticlePreviewTokenCreateInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the article.")
    expires_in_hours: int = strawberry.field(default=72, description="Validity, 1 to 336 hours.")


@strawberry.type(description="A preview share link for a draft.")
class ArticlePreview:
    token: str = strawberry.field(description="Pass as `article(id|slug, previewToken)`; shown only once.")
    expires_at: datetime = strawberry.field(description="When the link stops working.")
    article: Article = strawberry.field(description="The article it shows.")


@strawberry.type(description="Result of a deletion.")
class Deleted:
    id: strawberry.ID = strawberry.field(description="Global ID of what was deleted.")


ColumnCreateResult = result_union("ColumnCreateResult", Column)
ColumnUpdateResult = result_union("ColumnUpdateResult", Column)
ColumnDeleteResult = result_union("ColumnDeleteResult", Deleted)
TagCreateResult = result_union("TagCreateResult", Tag)
ArticleCreateResult = result_union("ArticleCreateResult", Article)
ArticleUpdateResult = result_union("ArticleUpdateResult", Article)
ArticleSubmitResult = result_union("ArticleSubmitResult", Article)
ArticleReviewResult = result_union("ArticleReviewResult", Article)
ArticlePublishResult = result_union("ArticlePublishResult", Article)
ArticleUnpublishResult = result_union("ArticleUnpublishResult", Article)
ArticleArchiveResult = result_union("ArticleArchiveResult", Article)
ArticleDeleteResult = result_union("ArticleDeleteResult", Deleted)
ArticleRevisionRestoreResult = result_union("ArticleRevisionRestoreResult", Article)
ArticlePreviewTokenCreateResult = result_union("ArticlePreviewTokenCreateResult", ArticlePreview)


def _fields(input, names) -> dict:
    return {n: getattr(input, n) for n in names if getattr(input, n) is not strawberry.UNSET}


async def _article(info: Info, global_id: str) -> m.Article:
    return await ops.get_editable(info.context, pk_of(global_id, "Article"))


def _article_fields(input) -> ops.ArticleFields:
    names = ("title", "subtitle", "summary", "body", "author", "source", "column", "tags", "pinned", "featured",
             "slug")
    fields = ops.ArticleFields(**{n: getattr(input, n) for n in names})
    if input.cover_id is None and isinstance(input, ArticleUpdateInput):
        fields.clear_cover = True
    elif input.cover_id not in (None, strawberry.UNSET):
        fields.cover_id = pk_of(input.cover_id, "MediaAsset", "coverId")
    return fields


@strawberry.type
class NewsQuery:
    @strawberry.field(description="The column tree (栏目): top-level columns, each with its `children`.")
    async def columns(self, info: Info) -> list[Column]:
        return [Column.from_model(c) for c in await column_ops.all_columns() if c.parent_id is None]

    @strawberry.field(description="One column by slug.")
    async def column(self, info: Info, slug: Annotated[str, strawberry.argument(
            description="The column's URL name, e.g. ren-da-yao-wen (人大要闻).")]) -> Column | None:
        try:
            return Column.from_model(await column_ops.column_by_slug(slug))
        except NotFound:
            return None

    @strawberry.field(description="All tags, by name.")
    async def tags(self, info: Info) -> list[Tag]:
        return [Tag.from_model(t) for t in await tag_ops.all_tags()]

    @strawberry.field(description="Published articles, pinned first then newest; filter by column slug (sub-columns "
                      "included) or tag slug. The newsroom may list other statuses with `status`.")
    async def articles(
        self, info: Info,
        column: Annotated[str | None, strawberry.argument(description="Column slug.")] = None,
        tag: Annotated[str | None, strawberry.argument(description="Tag slug.")] = None,
        status: Annotated[list[ContentStatus] | None, strawberry.argument(
            description="Statuses to list (newsroom only); published only by default.")] = None,
        featured: Annotated[bool | None, strawberry.argument(description="Only editor's picks (true).")] = None,
        first: First = None, after: After = None, page: PageNumber = None,
    ) -> Connection[Article]:
        statuses = [Status(s.value) for s in status] if status else None
        result = await ops.list_articles(info.context, column, tag, statuses, featured, first, after, page)
        return Connection.from_page(result, Article.from_model)

    @strawberry.field(description="One article by global ID or slug (old slugs still work). Unpublished articles are "
                      "null except to the newsroom or with a valid `previewToken`. Reading counts a view.")
    async def article(
        self, info: Info,
        id: Annotated[strawberry.ID | None, strawberry.argument(description="Global ID of the article.")] = None,
        slug: Annotated[str | None, strawberry.argument(
            description="URL name of the article; a former slug finds it too.")] = None,
        preview_token: Annotated[str | None, strawberry.argument(
            description="Token from `articlePreviewTokenCreate`, to show a draft.")] = None,
    ) -> Article | None:
        pk = None
        if id is not None:
            from schema.base import from_global_id

            parsed = from_global_id(id)
            if parsed is None or parsed[0] != "Article":
                return None
            pk = parsed[1]
        elif not slug:
            return None
        found = await ops.find_article(info.context, pk, slug, preview_token, count_view=True)
        return Article.from_model(found) if found else None


# The `input` argument of each mutation, described.
ColumnCreateInputArg = Annotated[ColumnCreateInput, strawberry.argument(description="The new column.")]
ColumnUpdateInputArg = Annotated[ColumnUpdateInput, strawberry.argument(description="The column and its changed fields.")]
ColumnDeleteInputArg = Annotated[ColumnDeleteInput, strawberry.argument(description="The column to delete.")]
TagCreateInputArg = Annotated[TagCreateInput, strawberry.argument(description="The new tag.")]
ArticleCreateInputArg = Annotated[ArticleCreateInput, strawberry.argument(description="The new draft.")]
ArticleUpdateInputArg = Annotated[ArticleUpdateInput, strawberry.argument(description="The article and its changed fields.")]
ArticleSubmitInputArg = Annotated[ArticleSubmitInput, strawberry.argument(
    description="The draft to submit, with a note for the reviewers.")]
ArticleReviewInputArg = Annotated[ArticleReviewInput, strawberry.argument(
    description="The article and the decision on its current review stage.")]
ArticlePublishInputArg = Annotated[ArticlePublishInput, strawberry.argument(
    description="The article, and optionally when to publish it.")]
ArticleUnpublishInputArg = Annotated[ArticleUnpublishInput, strawberry.argument(description="The article to take back, and why.")]
ArticleArchiveInputArg = Annotated[ArticleArchiveInput, strawberry.argument(description="The article to archive, and why.")]
ArticleDeleteInputArg = Annotated[ArticleDeleteInput, strawberry.argument(description="The article to delete.")]
ArticleRevisionRestoreInputArg = Annotated[ArticleRevisionRestoreInput, strawberry.argument(
    description="The revision to restore.")]
ArticlePreviewTokenCreateInputArg = Annotated[ArticlePreviewTokenCreateInput, strawberry.argument(
    description="The article and how long the link stays valid.")]


@strawberry.type
class NewsMutation:
    @strawberry.mutation(description="Create a column (admins only).", extensions=guard(Action.COLUMN_MANAGE))
    async def column_create(self, info: Info, input: ColumnCreateInputArg) -> ColumnCreateResult:
        column = await column_ops.create_column(
            info.context, input.name, input.slug, input.parent, input.description, input.position,
            [{"name": s.name, "role": s.role.value} for s in input.review_stages])
        return Column.from_model(column)

    @strawberry.mutation(description="Change a column (admins only).", extensions=guard(Action.COLUMN_MANAGE))
    async def column_update(self, info: Info, input: ColumnUpdateInputArg) -> ColumnUpdateResult:
        column = await m.Column.filter(id=pk_of(input.id, "Column")).first()
        if column is None:
            raise NotFound("栏目不存在")
        changes = _fields(input, ("name", "slug", "parent", "description", "position"))
        if input.review_stages is not strawberry.UNSET:
            changes["review_stages"] = [{"name": s.name, "role": s.role.value} for s in input.review_stages or []]
        return Column.from_model(await column_ops.update_column(info.context, column, changes))

    @strawberry.mutation(description="Delete an empty column (admins only).", extensions=guard(Action.COLUMN_MANAGE))
    async def column_delete(self, info: Info, input: ColumnDeleteInputArg) -> ColumnDeleteResult:
        column = await m.Column.filter(id=pk_of(input.id, "Column")).first()
        if column is None:
            raise NotFound("栏目不存在")
        await column_ops.delete_column(info.context, column)
        return Deleted(id=input.id)

    @strawberry.mutation(description="Create a tag (newsroom).", extensions=guard(Action.TAG_MANAGE))
    async def tag_create(self, info: Info, input: TagCreateInputArg) -> TagCreateResult:
        return Tag.from_model(await tag_ops.create_tag(input.name, input.slug))

    @strawberry.mutation(description="Create a draft article (editors).", extensions=guard(Action.ARTICLE_EDIT))
    async def article_create(self, info: Info, input: ArticleCreateInputArg) -> ArticleCreateResult:
        return Article.from_model(await ops.create_article(info.context, _article_fields(input)))

    @strawberry.mutation(description="Edit an article; every save stores a revision.",
                         extensions=guard(Action.ARTICLE_EDIT))
    async def article_update(self, info: Info, input: ArticleUpdateInputArg) -> ArticleUpdateResult:
        article = await _article(info, input.id)
        return Article.from_model(await ops.update_article(info.context, article, _article_fields(input)))

    @strawberry.mutation(description="Submit a draft for review: DRAFT -> IN_REVIEW.",
                         extensions=guard(Action.ARTICLE_SUBMIT))
    async def article_submit(self, info: Info, input: ArticleSubmitInputArg) -> ArticleSubmitResult:
        article = await _article(info, input.id)
        return Article.from_model(await workflow.submit(info.context, article, input.comment))

    @strawberry.mutation(description="Approve the current review stage, or send the article back to DRAFT with a "
                         "comment. Only the stage's role may decide.", extensions=guard(Action.ARTICLE_REVIEW))
    async def article_review(self, info: Info, input: ArticleReviewInputArg) -> ArticleReviewResult:
        article = await _article(info, input.id)
        return Article.from_model(await workflow.review(info.context, article, input.approve, input.comment))

    @strawberry.mutation(description="Publish an article that passed every review stage, now or at `publishAt` "
                         "(chief editors only).", extensions=guard(Action.ARTICLE_PUBLISH))
    async def article_publish(self, info: Info, input: ArticlePublishInputArg) -> ArticlePublishResult:
        article = await _article(info, input.id)
        await media_usage.require_descriptions(article)  # images need alt text and a caption before publishing
        return Article.from_model(await workflow.publish(info.context, article, input.publish_at))

    @strawberry.mutation(description="Unpublish (or unschedule) an article back to DRAFT (chief editors only).",
                         extensions=guard(Action.ARTICLE_PUBLISH))
    async def article_unpublish(self, info: Info, input: ArticleUnpublishInputArg) -> ArticleUnpublishResult:
        article = await _article(info, input.id)
        return Article.from_model(await workflow.unpublish(info.context, article, input.comment))

    @strawberry.mutation(description="Archive a published article (chief editors only).",
                         extensions=guard(Action.ARTICLE_ARCHIVE))
    async def article_archive(self, info: Info, input: ArticleArchiveInputArg) -> ArticleArchiveResult:
        article = await _article(info, input.id)
        return Article.from_model(await workflow.archive(info.context, article, input.comment))

    @strawberry.mutation(description="Delete an unpublished article (chief editors and admins).",
                         extensions=guard(Action.ARTICLE_DELETE))
    async def article_delete(self, info: Info, input: ArticleDeleteInputArg) -> ArticleDeleteResult:
        article = await _article(info, input.id)
        await ops.delete_article(info.context, article)
        return Deleted(id=input.id)

    @strawberry.mutation(description="Restore an earlier revision of an article.",
                         extensions=guard(Action.ARTICLE_EDIT))
    async def article_revision_restore(self, info: Info,
                                       input: ArticleRevisionRestoreInputArg) -> ArticleRevisionRestoreResult:
        article = await ops.restore_revision(info.context, pk_of(input.revision_id, "ArticleRevision", "revisionId"))
        return Article.from_model(article)

    @strawberry.mutation(description="Create an expiring preview link for an unpublished article.",
                         extensions=guard(Action.ARTICLE_PREVIEW_SHARE))
    async def article_preview_token_create(self, info: Info, input: ArticlePreviewTokenCreateInputArg
                                           ) -> ArticlePreviewTokenCreateResult:
        article = await _article(info, input.id)
        secret, token = await create_preview_token(info.context, article, input.expires_in_hours)
        return ArticlePreview(token=secret, expires_at=token.expires_at, article=Article.from_model(article))


__all__ = ["Article", "Column", "Forbidden", "NewsMutation", "NewsQuery", "Tag"]
