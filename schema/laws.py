"""Laws and regulations (法律法规): a regulation seen on a date, its versions and articles, and
comparisons between versions. The editors' mutations are in schema/law_edits.py."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from enum import Enum
from typing import Annotated
from urllib.parse import quote

import strawberry

from models import laws as m
from models.base import Status
from resolvers import law_loaders as loaders
from resolvers import law_render
from resolvers import regulations as ops
from resolvers.errors import BadRequest, NotFound
from resolvers.laws import (
    compare_versions,
    shown_version,
    today,
    version_ranges,
    version_status,
)
from resolvers.lawtext import article_label, document_number
from schema.base import (
    After,
    Connection,
    First,
    Info,
    Node,
    PageNumber,
    from_global_id,
    pk_of,
    register_node,
    to_global_id,
)
from schema.news import ContentStatus
from schema.search import register_facet_labels

RegulationLevel = strawberry.enum(
    Enum("RegulationLevel", {v.value: v.value for v in m.RegulationLevel}),
    description="效力级别: CONSTITUTION (宪法), LAW (法律), ADMINISTRATIVE_REGULATION (行政法规), LOCAL_REGULATION "
    "(地方性法规), DECISION (决定), JUDICIAL_INTERPRETATION (司法解释), OTHER (其他).",
)
RegulationStatus = strawberry.enum(
    Enum("RegulationStatus", {v.value: v.value for v in m.RegulationStatus}),
    description="时效性 on a given day: NOT_YET_EFFECTIVE (尚未生效), IN_FORCE (有效), AMENDED (已修改: a later version "
    "applies), REPEALED (已废止). Computed from the versions' dates, never stored.",
)
HeadingLevel = strawberry.enum(
    Enum("HeadingLevel", {v.value: v.value for v in m.HeadingLevel}),
    description="PART (编), CHAPTER (章), SECTION (节), SUBSECTION (目).",
)
LEVEL_LABELS = {str(k): v for k, v in m.REGULATION_LEVEL_LABELS.items()}
STATUS_LABELS = {str(k): v for k, v in m.REGULATION_STATUS_LABELS.items()}
register_facet_labels("level", LEVEL_LABELS)
register_facet_labels("status", STATUS_LABELS)
register_facet_labels("region", {"": "全国"})

AsOf = Annotated[date | None, strawberry.argument(
    description="The day to see the regulation on (YYYY-MM-DD); today (Beijing time) by default.")]


def _law_url(info: Info, slug: str, label: str | None = None, as_of: date | None = None) -> str:
    url = f"{info.context.settings.public_base_url}/laws/{slug}"
    if label:
        url += f"/{quote(label)}"
    return url + (f"?asOf={as_of.isoformat()}" if as_of else "")


# --- text structure -----------------------------------------------------------------------------


@strawberry.type(description="An item (项) of a paragraph, e.g. （一）….")
class RegulationItem:
    label: str = strawberry.field(description="The item's label as printed, e.g. （一）.")
    text: str = strawberry.field(description="The item's text.")


@strawberry.type(description="A paragraph (款) with its items (项).")
class RegulationParagraph:
    text: str = strawberry.field(description="The paragraph's own text (may be empty when it is only items).")
    items: list[RegulationItem] = strawberry.field(description="Its items, in order.")

    @classmethod
    def from_json(cls, data: dict) -> RegulationParagraph:
        return cls(text=data.get("text", ""),
                   items=[RegulationItem(label=i.get("label", ""), text=i.get("text", "")) for i in data.get("items", [])])


@strawberry.type(description="A heading of a version: 编, 章, 节 or 目 (or an unlabelled one such as 序言).")
class RegulationHeading:
    level: HeadingLevel = strawberry.field(description="PART, CHAPTER, SECTION or SUBSECTION.")
    label: str = strawberry.field(description="The label, e.g. 第一章; empty for unlabelled headings.")
    title: str = strawberry.field(description="The title, e.g. 总则.")
    text: str = strawberry.field(description="Label and title as printed, e.g. 第一章 总则.")
    depth: int = strawberry.field(description="Nesting depth, 0 at the top.")
    position: int = strawberry.field(description="Order in the text, shared with the articles' `position`.")

    @strawberry.field(description="The level in Chinese: 编, 章, 节 or 目.")
    def level_label(self) -> str:
        return m.HEADING_LEVEL_LABELS[m.HeadingLevel(self.level.value)]

    @classmethod
    def from_model(cls, h: m.RegulationHeading) -> RegulationHeading:
        return cls(level=HeadingLevel(str(h.level)), label=h.label, title=h.title, text=h.text, depth=h.depth,
                   position=h.position)


# --- shared readers of a version's content --------------------------------------------------------


async def _articles(info: Info, version_id: int) -> list[m.RegulationArticle]:
    return await loaders.articles_by_version_id(info.context).load(version_id)


async def _headings(info: Info, version_id: int) -> list[m.RegulationHeading]:
    return await loaders.headings_by_version_id(info.context).load(version_id)


async def _regulation_of(info: Info, version: m.RegulationVersion) -> m.Regulation:
    return await loaders.regulation_by_id(info.context).load(version.regulation_id)


async def _day_of(info: Info, version: m.RegulationVersion) -> date | None:
    """The day to see a version's regulation on to show this version: None (today) when it is the
    version shown today, else the day it started (or promulgation, adoption)."""
    regulation = await _regulation_of(info, version)
    versions = await loaders.versions_by_regulation_id(info.context).load(version.regulation_id)
    shown = shown_version(regulation, versions, today())
    if shown is not None and shown.id == version.id:
        return None
    return version.starts_on or version.adopted_on


ArticleNumber = Annotated[int | None, strawberry.argument(
    description="Only article N (e.g. 120), with its inserted articles 之一, 之二… unless `suffix` is given.")]
ArticleSuffix = Annotated[int | None, strawberry.argument(
    description="With `number`: only this inserted article (1 for 之一); 0 for the article itself.")]
ArticleLabel = Annotated[str, strawberry.argument(
    description="The article as readers write it: 第十二条, 第12条, 十二, 12, 第一百二十条之一.")]


def _article_connection(articles, version, regulation, as_of, number, suffix, first, after, page):
    result = ops.articles_page(articles, number, suffix, first, after, page)
    return Connection.from_page(result, lambda a: RegulationArticle.from_model(a, version, regulation, as_of))


@strawberry.type(description="An article (条) of one version of a regulation, with its paragraphs (款) and items (项).")
class RegulationArticle(Node):
    model: strawberry.Private[m.RegulationArticle]
    version_model: strawberry.Private[m.RegulationVersion | None] = None
    regulation_model: strawberry.Private[m.Regulation | None] = None
    # The day the reader asked for (regulation(asOf:)), kept in the addresses.
    as_of: strawberry.Private[date | None] = None
    number: int = strawberry.field(description="The article number: 120 for 第一百二十条 and 第一百二十条之一.")
    suffix: int = strawberry.field(description="The 之N of an inserted article: 1 for 第一百二十条之一, else 0.")
    label: str = strawberry.field(description="The label as printed, e.g. 第一百二十条之一.")
    position: int = strawberry.field(description="Order in the text, shared with the headings' `position`.")
    heading_path: list[str] = strawberry.field(
        description="The headings above it, outermost first, e.g. [\"第二章 法律\", \"第一节 立法权限\"].")
    text: str = strawberry.field(description="The article's text without its label, paragraphs on separate lines.")

    @strawberry.field(description="Its paragraphs (款), each with its items (项).")
    def paragraphs(self) -> list[RegulationParagraph]:
        return [RegulationParagraph.from_json(p) for p in self.model.paragraphs]

    async def _version(self, info: Info) -> m.RegulationVersion:
        if self.version_model is None:
            self.version_model = await loaders.version_by_id(info.context).load(self.model.version_id)
        return self.version_model

    @strawberry.field(description="The version this article belongs to.")
    async def version(self, info: Info) -> RegulationVersion:
        return RegulationVersion.from_model(await self._version(info), self.as_of)

    @strawberry.field(description="The regulation, seen on the day this article's version applies (or the day asked).")
    async def regulation(self, info: Info) -> Regulation:
        version = await self._version(info)
        regulation = self.regulation_model or await _regulation_of(info, version)
        day = self.as_of or await _day_of(info, version)
        return Regulation.from_model(regulation, day)

    @strawberry.field(description="Canonical address of the article on the website: /laws/{slug}/{label}, with "
                      "`?asOf=` when the article is not in today's text.")
    async def url(self, info: Info) -> str:
        version = await self._version(info)
        regulation = self.regulation_model or await _regulation_of(info, version)
        day = self.as_of or await _day_of(info, version)
        return _law_url(info, regulation.slug, article_label(self.model.number, self.model.suffix), day)

    @classmethod
    def from_model(cls, a: m.RegulationArticle, version: m.RegulationVersion | None = None,
                   regulation: m.Regulation | None = None, as_of: date | None = None) -> RegulationArticle:
        return cls(model=a, version_model=version, regulation_model=regulation, as_of=as_of,
                   id=to_global_id("RegulationArticle", a.id), number=a.number, suffix=a.suffix, label=a.label,
                   position=a.position, heading_path=list(a.heading_path or []), text=a.text)


@strawberry.type(description="One version (text) of a regulation as adopted or amended (修正/修订) on a date. "
                 "Also the hit of a REGULATION search: what was in force on a day is a version.")
class RegulationVersion(Node):
    model: strawberry.Private[m.RegulationVersion]
    # The day its status is computed on: the day the regulation was asked on, else today.
    as_of: strawberry.Private[date | None] = None
    title: str = strawberry.field(description="The full title of this version, e.g. 中华人民共和国立法法.")
    adopted_on: date | None = strawberry.field(description="First adoption (通过) of the regulation, from the history.")
    promulgated_on: date | None = strawberry.field(description="公布日期 of this version.")
    effective_from: date | None = strawberry.field(
        description="施行日期 of this version; null when unknown (it then applies from its promulgation).")

    @strawberry.field(description="1 for the oldest version, counting up.")
    def number(self) -> int:
        return self.model.sequence + 1

    @strawberry.field(description="The day it starts to apply: `effectiveFrom`, else `promulgatedOn`.")
    def starts_on(self) -> date | None:
        return self.model.starts_on

    async def _context(self, info: Info):
        regulation = await _regulation_of(info, self.model)
        versions = await loaders.versions_by_regulation_id(info.context).load(self.model.regulation_id)
        return regulation, versions

    @strawberry.field(description="The first day it no longer applies (the next version's start, or the repeal); "
                      "null while open-ended.")
    async def ends_on(self, info: Info) -> date | None:
        regulation, versions = await self._context(info)
        end = version_ranges(regulation, versions).get(self.model.id, (None, None))[1]
        return None if end == date.min else end

    @strawberry.field(description="Its status on the day the regulation is seen (today outside a regulation).")
    async def status(self, info: Info) -> RegulationStatus:
        regulation, versions = await self._context(info)
        return RegulationStatus(str(version_status(self.model, regulation, versions, self.as_of or today())))

    @strawberry.field(description="The status in Chinese: 尚未生效, 有效, 已修改 or 已废止.")
    async def status_label(self, info: Info) -> str:
        return STATUS_LABELS[(await self.status(info)).value]

    @strawberry.field(description="The order number in its history, e.g. 国务院令第596号; null when none is given.")
    def document_number(self) -> str | None:
        return document_number(self.model.history.splitlines())

    @strawberry.field(description="The adoption and amendment lines (题注), one per line.")
    def history(self) -> list[str]:
        return [line for line in self.model.history.splitlines() if line.strip()]

    @strawberry.field(description="The text as plain text: headings, articles and paragraphs, one per line.")
    async def text(self, info: Info) -> str:
        return law_render.plain_text(self.model, await _headings(info, self.model.id),
                                     await _articles(info, self.model.id))

    @strawberry.field(description="The whole text in the corpus Markdown format (title, history, "
                      "`<!-- INFO END -->`, `##` headings, 第N条 lines): what `regulationVersionAdd` accepts.")
    async def markdown(self, info: Info) -> str:
        return law_render.markdown(self.model, await _headings(info, self.model.id),
                                   await _articles(info, self.model.id))

    @strawberry.field(description="Headings (编/章/节) in document order, with their depth.")
    async def headings(self, info: Info) -> list[RegulationHeading]:
        return [RegulationHeading.from_model(h) for h in await _headings(info, self.model.id)]

    @strawberry.field(description="The preamble (序言), or the whole body of a text without articles (决定).")
    def preamble(self) -> list[RegulationParagraph]:
        return [RegulationParagraph.from_json(p) for p in self.model.body or []]

    @strawberry.field(description="Paragraphs after the last article (附件 …).")
    def appendix(self) -> list[RegulationParagraph]:
        return [RegulationParagraph.from_json(p) for p in self.model.appendix or []]

    @strawberry.field(description="Its articles in order, optionally only article `number`.")
    async def articles(self, info: Info, number: ArticleNumber = None, suffix: ArticleSuffix = None,
                       first: First = None, after: After = None, page: PageNumber = None
                       ) -> Connection[RegulationArticle]:
        articles = await _articles(info, self.model.id)
        return _article_connection(articles, self.model, None, None, number, suffix, first, after, page)

    @strawberry.field(description="One article by label; null if this version has no such article.")
    async def article(self, info: Info, label: ArticleLabel) -> RegulationArticle | None:
        found = ops.find_article(await _articles(info, self.model.id), label)
        return RegulationArticle.from_model(found, self.model) if found else None

    @strawberry.field(description="The regulation, seen on the day this version applies (today for today's text).")
    async def regulation(self, info: Info) -> Regulation:
        regulation = await _regulation_of(info, self.model)
        return Regulation.from_model(regulation, await _day_of(info, self.model))

    @strawberry.field(description="Address of this text on the website: /laws/{slug}, with `?asOf=` (its start) "
                      "unless it is today's text.")
    async def url(self, info: Info) -> str:
        regulation = await _regulation_of(info, self.model)
        return _law_url(info, regulation.slug, None, await _day_of(info, self.model))

    @classmethod
    def from_model(cls, v: m.RegulationVersion, as_of: date | None = None) -> RegulationVersion:
        return cls(model=v, as_of=as_of, id=to_global_id("RegulationVersion", v.id), title=v.title,
                   adopted_on=v.adopted_on, promulgated_on=v.promulgated_on, effective_from=v.effective_from)


@strawberry.type(description="An article whose text changed between two versions.")
class RegulationArticleChange:
    label: str = strawberry.field(description="Its label in the newer version.")
    old_label: str = strawberry.field(description="Its label in the older version (differs when renumbered).")
    old_text: str = strawberry.field(description="The text before.")
    new_text: str = strawberry.field(description="The text after.")


@strawberry.type(description="An article that moved to another number, e.g. 第十条 -> 第十一条.")
class RegulationArticleRenumbering:
    old_label: str = strawberry.field(description="Label in the older version.")
    new_label: str = strawberry.field(description="Label in the newer version.")


@strawberry.type(description="What changed between two versions, article by article (texts without articles: "
                 "paragraph by paragraph, labelled 第N段). Articles are matched by text, wherever they moved.")
class RegulationComparison:
    from_version: RegulationVersion = strawberry.field(description="The version compared from (usually older).")
    to_version: RegulationVersion = strawberry.field(description="The version compared to.")
    added: list[str] = strawberry.field(description="Labels (in `toVersion`) of articles that are new.")
    removed: list[str] = strawberry.field(description="Labels (in `fromVersion`) of articles that were dropped.")
    changed: list[RegulationArticleChange] = strawberry.field(description="Articles whose text changed.")
    renumbered: list[RegulationArticleRenumbering] = strawberry.field(
        description="Matched articles whose label changed (with or without a change of text).")
    unchanged_count: int = strawberry.field(description="How many articles stayed word for word.")


async def _compare(info: Info, old: m.RegulationVersion, new: m.RegulationVersion,
                   as_of: date | None) -> RegulationComparison:
    diff = await compare_versions(old, new)
    old_label = {new_label: old_label for old_label, new_label in diff.renumbered}
    return RegulationComparison(
        from_version=RegulationVersion.from_model(old, as_of), to_version=RegulationVersion.from_model(new, as_of),
        added=diff.added, removed=diff.removed,
        changed=[RegulationArticleChange(label=c.label, old_label=old_label.get(c.label, c.label),
                                         old_text=c.old_text, new_text=c.new_text) for c in diff.changed],
        renumbered=[RegulationArticleRenumbering(old_label=a, new_label=b) for a, b in diff.renumbered],
        unchanged_count=diff.unchanged,
    )


# --- the regulation -----------------------------------------------------------------------------


@strawberry.type(description="A law or regulation (法律法规) seen on a date (`asOf`, today by default): its status "
                 "that day and the text of the version in force then. `versions` lists every version.")
class Regulation(Node):
    model: strawberry.Private[m.Regulation]
    day: strawberry.Private[date]
    asked: strawberry.Private[bool] = False  # a day was asked for: addresses carry ?asOf=
    cache: strawberry.Private[dict] = dataclasses.field(default_factory=dict)
    slug: str = strawberry.field(description="URL name, for `regulation(slug:)` and /laws/{slug}.")
    short_title: str = strawberry.field(description="How readers name it, e.g. 立法法.")
    level: RegulationLevel = strawberry.field(description="效力级别.")
    category: str = strawberry.field(description="Subject category (分类), e.g. 宪法相关法; for local texts the place.")
    region: str | None = strawberry.field(description="Region of a local regulation (e.g. 上海); null for national texts.")
    issuing_body: str = strawberry.field(description="制定机关, e.g. 全国人民代表大会常务委员会.")
    repealed: bool = strawberry.field(description="Repealed (已废止) with no later version.")
    repealed_on: date | None = strawberry.field(description="The day the repeal took effect, when known.")
    editorial_status: ContentStatus = strawberry.field(
        description="Editorial status (DRAFT … PUBLISHED); the public only ever sees PUBLISHED or ARCHIVED.")
    published_at: datetime | None = strawberry.field(description="When it was published on the platform.")
    publish_at: datetime | None = strawberry.field(description="When a scheduled regulation will be published.")

    async def _view(self, info: Info) -> ops.RegulationView:
        if "view" not in self.cache:
            self.cache["view"] = await ops.view(info.context, self.model, self.day)
        return self.cache["view"]

    async def _shown(self, info: Info) -> m.RegulationVersion | None:
        return (await self._view(info)).shown

    @strawberry.field(description="The day it is seen on.")
    def as_of(self) -> date:
        return self.day

    @strawberry.field(description="The title of the version shown, e.g. 中华人民共和国立法法.")
    async def title(self, info: Info) -> str:
        shown = await self._shown(info)
        return shown.title if shown else self.model.title

    @strawberry.field(description="The level in Chinese, e.g. 法律, 地方性法规.")
    def level_label(self) -> str:
        return LEVEL_LABELS[str(self.model.level)]

    @strawberry.field(description="时效性 on `asOf`.")
    async def status(self, info: Info) -> RegulationStatus:
        return RegulationStatus(str((await self._view(info)).status))

    @strawberry.field(description="The status in Chinese: 尚未生效, 有效, 已修改 or 已废止.")
    async def status_label(self, info: Info) -> str:
        return STATUS_LABELS[str((await self._view(info)).status)]

    @strawberry.field(description="The version shown: the one in force on `asOf`; for a repealed regulation the last "
                      "that applied; before anything took effect the first (its coming text).")
    async def version(self, info: Info) -> RegulationVersion | None:
        shown = await self._shown(info)
        return RegulationVersion.from_model(shown, self.day) if shown else None

    @strawberry.field(description="Every version, oldest first, each with its own dates and its status on `asOf`.")
    async def versions(self, info: Info) -> list[RegulationVersion]:
        return [RegulationVersion.from_model(v, self.day) for v in (await self._view(info)).versions]

    @strawberry.field(description="The order number of the version shown (e.g. 国务院令第596号), if any.")
    async def document_number(self, info: Info) -> str | None:
        shown = await self._shown(info)
        found = document_number(shown.history.splitlines()) if shown else None
        return found or self.model.document_number or None

    @strawberry.field(description="公布日期 of the version shown.")
    async def promulgated_on(self, info: Info) -> date | None:
        shown = await self._shown(info)
        return shown.promulgated_on if shown else None

    @strawberry.field(description="施行日期 of the version shown (null when unknown: it applies from promulgation).")
    async def effective_from(self, info: Info) -> date | None:
        shown = await self._shown(info)
        return shown.effective_from if shown else None

    @strawberry.field(description="The adoption and amendment lines (题注) of the version shown.")
    async def history(self, info: Info) -> list[str]:
        shown = await self._shown(info)
        return [line for line in shown.history.splitlines() if line.strip()] if shown else []

    @strawberry.field(description="The text of the version shown, as plain text (headings, articles, paragraphs "
                      "one per line).")
    async def text(self, info: Info) -> str:
        shown = await self._shown(info)
        if shown is None:
            return ""
        return law_render.plain_text(shown, await _headings(info, shown.id), await _articles(info, shown.id))

    @strawberry.field(description="Headings (编/章/节) of the version shown, in document order.")
    async def headings(self, info: Info) -> list[RegulationHeading]:
        shown = await self._shown(info)
        return [RegulationHeading.from_model(h) for h in await _headings(info, shown.id)] if shown else []

    @strawberry.field(description="Articles of the version shown, in order; `number` picks article N (and its 之一…).")
    async def articles(self, info: Info, number: ArticleNumber = None, suffix: ArticleSuffix = None,
                       first: First = None, after: After = None, page: PageNumber = None
                       ) -> Connection[RegulationArticle]:
        shown = await self._shown(info)
        articles = await _articles(info, shown.id) if shown else []
        return _article_connection(articles, shown, self.model, self._url_day(), number, suffix, first, after,
                                   page)

    @strawberry.field(description="One article of the version shown, by label (第十二条, 第一百二十条之一); null if "
                      "that version has no such article.")
    async def article(self, info: Info, label: ArticleLabel) -> RegulationArticle | None:
        shown = await self._shown(info)
        if shown is None:
            return None
        found = ops.find_article(await _articles(info, shown.id), label)
        return RegulationArticle.from_model(found, shown, self.model, self._url_day()) if found else None

    @strawberry.field(description="What changed between two of its versions (global IDs of RegulationVersion). By "
                      "default from the version before the one shown to the one shown; null when there is none.")
    async def compare(
        self, info: Info,
        from_: Annotated[strawberry.ID | None, strawberry.argument(name="from", description="Older version.")] = None,
        to: Annotated[strawberry.ID | None, strawberry.argument(description="Newer version.")] = None,
    ) -> RegulationComparison | None:
        view = await self._view(info)
        by_id = {v.id: v for v in view.versions}
        new = by_id.get(pk_of(to, "RegulationVersion", "to")) if to else view.shown
        if new is None:
            raise BadRequest("to 不是此法规的版本")
        if from_:
            old = by_id.get(pk_of(from_, "RegulationVersion", "from"))
            if old is None:
                raise BadRequest("from 不是此法规的版本")
        else:
            index = view.versions.index(new)
            if index == 0:
                return None
            old = view.versions[index - 1]
        return await _compare(info, old, new, self.day)

    def _url_day(self) -> date | None:
        return self.day if self.asked else None

    @strawberry.field(description="Canonical address on the website: /laws/{slug}, with `?asOf=` when a day was asked.")
    def url(self, info: Info) -> str:
        return _law_url(info, self.model.slug, None, self._url_day())

    @classmethod
    def from_model(cls, r: m.Regulation, as_of: date | None = None) -> Regulation:
        return cls(model=r, day=as_of or today(), asked=as_of is not None, id=to_global_id("Regulation", r.id),
                   slug=r.slug, short_title=r.short_title, level=RegulationLevel(str(r.level)), category=r.category,
                   region=r.region, issuing_body=r.issuing_body, repealed=r.repealed, repealed_on=r.repealed_on,
                   editorial_status=ContentStatus(str(r.status)), published_at=r.published_at,
                   publish_at=r.publish_at)


async def _fetch_regulations(info: Info, ids: list[int]) -> dict:
    return await ops.regulations_by_ids(info.context, ids)


async def _fetch_versions(info: Info, ids: list[int]) -> dict:
    return await ops.versions_by_ids(info.context, ids)


async def _fetch_articles(info: Info, ids: list[int]) -> dict:
    return await ops.articles_by_ids(info.context, ids)


register_node("Regulation", _fetch_regulations, Regulation.from_model)
register_node("RegulationVersion", _fetch_versions, RegulationVersion.from_model)
register_node("RegulationArticle", _fetch_articles, RegulationArticle.from_model)


# --- root fields --------------------------------------------------------------------------------


@strawberry.input(description="Narrows `regulations`; every given criterion must hold, lists mean any of.")
class RegulationFilter:
    levels: list[RegulationLevel] | None = strawberry.field(default=None, description="效力级别, e.g. [LAW].")
    statuses: list[RegulationStatus] | None = strawberry.field(
        default=None, description="时效性 on `asOf`, e.g. [IN_FORCE].")
    as_of: date | None = strawberry.field(
        default=None, description="The day statuses are computed on and texts shown; today by default.")
    regions: list[str] | None = strawberry.field(default=None, description="Regions of local texts, e.g. [\"上海\"].")
    national: bool | None = strawberry.field(
        default=None, description="true: national texts only (no region); false: local texts only.")
    issuing_body: str | None = strawberry.field(default=None, description="制定机关 containing this text.")
    title: str | None = strawberry.field(default=None, description="Title or short title containing this text.")
    category: str | None = strawberry.field(default=None, description="Category (分类), exactly.")
    editorial_statuses: list[ContentStatus] | None = strawberry.field(
        default=None, description="Editorial statuses to list (editors only); PUBLISHED by default.")


def _query(flt: RegulationFilter | None) -> ops.RegulationQuery:
    if flt is None:
        return ops.RegulationQuery()
    return ops.RegulationQuery(
        levels=[m.RegulationLevel(v.value) for v in flt.levels] if flt.levels else None,
        statuses=[m.RegulationStatus(v.value) for v in flt.statuses] if flt.statuses else None,
        on=flt.as_of, regions=flt.regions, national=flt.national, issuing_body=flt.issuing_body, title=flt.title,
        category=flt.category,
        editorial_statuses=[Status(v.value) for v in flt.editorial_statuses] if flt.editorial_statuses else None,
    )


@strawberry.type
class LawsQuery:
    @strawberry.field(description="Published laws and regulations, newest promulgated first, each seen on "
                      "`filter.asOf` (today by default). `totalCount` counts the whole filtered list.")
    async def regulations(self, info: Info, filter: Annotated[RegulationFilter | None, strawberry.argument(
                          description="Criteria; published regulations seen today by default.")] = None,
                          first: First = None,
                          after: After = None, page: PageNumber = None) -> Connection[Regulation]:
        result = await ops.list_regulations(info.context, _query(filter), first, after, page)
        as_of = filter.as_of if filter else None
        return Connection.from_page(result, lambda r: Regulation.from_model(r, as_of))

    @strawberry.field(description="One regulation by global ID or slug, seen on `asOf`: the status that day and the "
                      "text of the version in force. Null if it does not exist or is not published (editors see all).")
    async def regulation(
        self, info: Info,
        id: Annotated[strawberry.ID | None, strawberry.argument(description="Global ID of the regulation.")] = None,
        slug: Annotated[str | None, strawberry.argument(description="URL name, e.g. li-fa-fa.")] = None,
        as_of: AsOf = None,
    ) -> Regulation | None:
        pk = None
        if id is not None:
            parsed = from_global_id(id)
            if parsed is None or parsed[0] != "Regulation":
                return None
            pk = parsed[1]
        found = await ops.find_regulation(info.context, pk, slug)
        return Regulation.from_model(found, as_of) if found else None

    @strawberry.field(description="Compare two versions (global IDs of RegulationVersion), usually of one "
                      "regulation: articles added, removed, changed and renumbered.")
    async def regulation_compare(
        self, info: Info,
        from_: Annotated[strawberry.ID, strawberry.argument(name="from", description="Older version.")],
        to: Annotated[strawberry.ID, strawberry.argument(description="Newer version.")],
    ) -> RegulationComparison:
        found = await ops.versions_by_ids(info.context, [pk_of(from_, "RegulationVersion", "from"),
                                                          pk_of(to, "RegulationVersion", "to")])
        old = found.get(pk_of(from_, "RegulationVersion", "from"))
        new = found.get(pk_of(to, "RegulationVersion", "to"))
        if old is None or new is None:
            raise NotFound("法规版本不存在")
        return await _compare(info, old, new, None)


__all__ = ["LawsQuery", "Regulation", "RegulationArticle", "RegulationVersion"]
