"""Regulations for the API: reading with visibility rules, a regulation seen on a date, lists
with filters, and the editors' operations (create, edit, versions, lifecycle).

The public reads PUBLISHED regulations (ARCHIVED ones by address only); whoever may edit
regulations (REGULATION_EDIT) reads every status. Versions are a regulation's history, so no
revision is stored on save; a published regulation that changes is re-indexed at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from models.base import PUBLIC_READABLE, Status
from models.laws import (
    Regulation,
    RegulationArticle,
    RegulationLevel,
    RegulationStatus,
    RegulationVersion,
)
from resolvers import law_loaders, publishing
from resolvers.errors import BadRequest, Collector, Conflict, Invalid, NotFound
from resolvers.law_search import forget_versions
from resolvers.laws import (
    refresh_regulation,
    regulation_status,
    short_title_of,
    shown_version,
    today,
    unique_slug,
    version_dates,
    write_version,
)
from resolvers.lawtext import LawTextError, parse_article_label, parse_law
from resolvers.pagination import Page, encode_cursor, offset_after, page_size, paginate
from resolvers.permissions import Action, can, require
from resolvers.slugs import is_valid_slug

RULES = publishing.Rules(edit=Action.REGULATION_EDIT, publish=Action.REGULATION_PUBLISH, noun="法规")
LIST_ORDER = ["-promulgated_day", "-id"]
MAX_TEXT = 3_000_000  # characters; the longest law (民法典) is about 110,000


def can_read_unpublished(user) -> bool:
    return can(user, Action.REGULATION_EDIT)


def readable(ctx, regulation: Regulation | None) -> Regulation | None:
    if regulation is None:
        return None
    if regulation.status in PUBLIC_READABLE or can_read_unpublished(ctx.user):
        return regulation
    return None


# --- reading ------------------------------------------------------------------------------------


async def regulations_by_ids(ctx, ids: list[int]) -> dict[int, Regulation]:
    rows = await Regulation.filter(id__in=ids)
    loader = law_loaders.regulation_by_id(ctx)
    for r in rows:
        loader.prime(r.id, r)
    return {r.id: r for r in rows if readable(ctx, r)}


async def versions_by_ids(ctx, ids: list[int]) -> dict[int, RegulationVersion]:
    versions = await RegulationVersion.filter(id__in=ids)
    regulations = await regulations_by_ids(ctx, list({v.regulation_id for v in versions}))
    loader = law_loaders.version_by_id(ctx)
    for v in versions:
        loader.prime(v.id, v)
    return {v.id: v for v in versions if v.regulation_id in regulations}


async def articles_by_ids(ctx, ids: list[int]) -> dict[int, RegulationArticle]:
    articles = await RegulationArticle.filter(id__in=ids)
    versions = await versions_by_ids(ctx, list({a.version_id for a in articles}))
    return {a.id: a for a in articles if a.version_id in versions}


async def find_regulation(ctx, id: int | None = None, slug: str | None = None) -> Regulation | None:
    if id is not None:
        found = await Regulation.filter(id=id).first()
    elif slug:
        found = await Regulation.filter(slug=slug).first()
    else:
        return None
    return readable(ctx, found)


@dataclass
class RegulationView:
    """A regulation seen on a day: every version, the one shown and the status that day."""

    regulation: Regulation
    on: date
    versions: list[RegulationVersion]
    shown: RegulationVersion | None
    status: RegulationStatus


async def view(ctx, regulation: Regulation, on: date) -> RegulationView:
    versions = await law_loaders.versions_by_regulation_id(ctx).load(regulation.id)
    return RegulationView(regulation, on, versions, shown_version(regulation, versions, on),
                          regulation_status(regulation, versions, on))


@dataclass
class RegulationQuery:
    """The filter of the `regulations` list; None means not filtered."""

    levels: list[RegulationLevel] | None = None
    statuses: list[RegulationStatus] | None = None
    on: date | None = None
    regions: list[str] | None = None
    national: bool | None = None
    issuing_body: str | None = None
    title: str | None = None
    category: str | None = None
    editorial_statuses: list[Status] | None = None


async def list_regulations(ctx, q: RegulationQuery, first: int | None = None, after: str | None = None,
                           page: int | None = None) -> Page:
    """Newest promulgated first. The status is computed on `q.on` (today by default)."""
    query = Regulation.all()
    if q.editorial_statuses and q.editorial_statuses != [Status.PUBLISHED]:
        require(ctx.user, Action.REGULATION_EDIT)
        query = query.filter(status__in=q.editorial_statuses)
    else:
        query = query.filter(status=Status.PUBLISHED)
    if q.levels:
        query = query.filter(level__in=q.levels)
    if q.regions:
        query = query.filter(region__in=q.regions)
    if q.national is not None:
        query = query.filter(region__isnull=q.national)
    if q.issuing_body:
        query = query.filter(issuing_body__icontains=q.issuing_body.strip())
    if q.title:
        text = q.title.strip()
        query = query.filter(Q(title__icontains=text) | Q(short_title__icontains=text))
    if q.category:
        query = query.filter(category=q.category)
    if q.statuses:
        ids = await _ids_with_status(query, set(q.statuses), q.on or today())
        query = Regulation.filter(id__in=ids) if ids else Regulation.filter(id=0)
    return await paginate(query, LIST_ORDER, first, after, page)


async def _ids_with_status(query, wanted: set[RegulationStatus], on: date) -> list[int]:
    """The status is computed from the versions' dates: two light queries over the candidates."""
    candidates = await query.only("id", "repealed", "repealed_on")
    by_regulation: dict[int, list[RegulationVersion]] = {r.id: [] for r in candidates}
    ids = list(by_regulation)
    for start in range(0, len(ids), 500):
        rows = await RegulationVersion.filter(regulation_id__in=ids[start:start + 500]).only(
            "id", "regulation_id", "promulgated_on", "effective_from")
        for v in rows:
            by_regulation[v.regulation_id].append(v)
    return [r.id for r in candidates if regulation_status(r, by_regulation[r.id], on) in wanted]


def find_article(articles: list[RegulationArticle], label: str) -> RegulationArticle | None:
    """The article a label names (第十二条, 第12条, 十二, 第一百二十条之一) among loaded articles."""
    try:
        number, suffix = parse_article_label(label)
    except ValueError:
        raise BadRequest(f"“{label}”不是条文序号，例如：第十二条、第一百二十条之一") from None
    return next((a for a in articles if a.number == number and a.suffix == suffix), None)


def articles_page(articles: list[RegulationArticle], number: int | None, suffix: int | None,
                  first: int | None, after: str | None, page: int | None) -> Page:
    """A page of loaded articles, optionally only article `number` (with its 之一… unless `suffix`);
    cursors are positions in that list."""
    if number is not None:
        articles = [a for a in articles if a.number == number and (suffix is None or a.suffix == suffix)]
    elif suffix is not None:
        raise BadRequest("suffix 须与 number 一起使用")
    size = page_size(first)
    offset = offset_after(after, page, first)
    items = articles[offset:offset + size]
    return Page(items, [encode_cursor([offset + i + 1]) for i in range(len(items))], len(articles),
                offset + size < len(articles), offset > 0, size, page)


# --- editing ------------------------------------------------------------------------------------

@dataclass
class RegulationFields:
    """Editable properties; `None` means not given. An empty `region` makes it national."""

    title: str | None = None
    short_title: str | None = None
    slug: str | None = None
    level: RegulationLevel | None = None
    region: str | None = None
    category: str | None = None
    issuing_body: str | None = None
    document_number: str | None = None
    repealed: bool | None = None
    repealed_on: date | None = None


async def _validate(fields: RegulationFields, regulation: Regulation | None) -> dict:
    errors = Collector()
    values: dict = {}
    for name, limit in (("title", 200), ("short_title", 200), ("category", 64), ("issuing_body", 128),
                        ("document_number", 128), ("region", 32)):
        value = getattr(fields, name)
        if value is None:
            continue
        value = value.strip()
        if name in ("title", "short_title") and not value:
            errors.add(_camel(name), "不能为空", "REQUIRED")
        elif len(value) > limit:
            errors.add(_camel(name), f"不能超过{limit}个字符", "TOO_LONG")
        values[name] = value
    if "region" in values:
        values["region"] = values["region"] or None
    if fields.level is not None:
        values["level"] = RegulationLevel(fields.level)
    if fields.slug is not None and (regulation is None or fields.slug != regulation.slug):
        if not is_valid_slug(fields.slug):
            errors.add("slug", "别名只能包含小写字母、数字和连字符", "INVALID_SLUG")
        elif await Regulation.filter(slug=fields.slug).exclude(id=regulation.id if regulation else 0).exists():
            errors.add("slug", "别名已被使用", "TAKEN")
        values["slug"] = fields.slug
    if fields.repealed is not None:
        values["repealed"] = fields.repealed
        if not fields.repealed:
            values["repealed_on"] = None
    if fields.repealed_on is not None:
        if fields.repealed is False:
            errors.add("repealedOn", "未废止的法规不能有废止日期", "INVALID")
        values["repealed"] = True
        values["repealed_on"] = fields.repealed_on
    errors.raise_if_any()
    return values


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(w.title() for w in rest)


def _parse(text: str, title: str | None = None):
    """Parse a text in the corpus format; a given `title` replaces (or supplies) its `# title` line."""
    if len(text or "") > MAX_TEXT:
        raise Invalid("text", "正文过长", "TOO_LONG")
    body = (text or "").strip()
    if not title and not body.startswith("# "):
        raise Invalid("title", "请填写标题（或在正文首行写“# 标题”）", "REQUIRED")
    if title:
        lines = body.splitlines()
        if lines and lines[0].startswith("# "):
            lines = lines[1:]
        body = f"# {title.strip()}\n\n" + "\n".join(lines)
    try:
        return parse_law(body)
    except LawTextError as error:
        raise Invalid("text", f"无法识别的法规文本：{error.message}", "INVALID_TEXT") from None


def _check_dates(law, promulgated_on: date | None, effective_from: date | None) -> None:
    _, promulgated, effective = version_dates(law, promulgated_on, effective_from)
    if promulgated is None and effective is None:
        raise Invalid("promulgatedOn", "请填写公布日期或施行日期（正文沿革中也没有日期）", "REQUIRED")


async def get_editable(ctx, regulation_id: int) -> Regulation:
    require(ctx.user, Action.REGULATION_EDIT)
    regulation = await Regulation.filter(id=regulation_id).first()
    if regulation is None:
        raise NotFound("法规不存在")
    return regulation


async def get_editable_version(ctx, version_id: int) -> RegulationVersion:
    require(ctx.user, Action.REGULATION_EDIT)
    version = await RegulationVersion.filter(id=version_id).prefetch_related("regulation").first()
    if version is None:
        raise NotFound("法规版本不存在")
    return version


async def create_regulation(ctx, fields: RegulationFields, text: str, promulgated_on: date | None = None,
                            effective_from: date | None = None) -> Regulation:
    """A new DRAFT regulation with its first version, parsed from `text`."""
    require(ctx.user, Action.REGULATION_EDIT)
    if fields.level is None:
        raise Invalid("level", "请选择效力级别", "REQUIRED")
    values = await _validate(fields, None)
    law = _parse(text, values.get("title"))
    _check_dates(law, promulgated_on, effective_from)
    short = values.pop("short_title", None) or short_title_of(law.title)
    number = values.pop("document_number", None)
    values.pop("title", None)
    async with in_transaction():
        slug = values.pop("slug", None) or await unique_slug(short)
        regulation = await Regulation.create(title=law.title[:255], short_title=short[:255], slug=slug,
                                             status=Status.DRAFT, **values)
        await write_version(regulation, law, promulgated_on=promulgated_on, effective_from=effective_from)
        await refresh_regulation(regulation)
        if number:
            regulation.document_number = number
            await regulation.save(update_fields=["document_number"])
    return regulation


async def update_regulation(ctx, regulation: Regulation, fields: RegulationFields) -> Regulation:
    """Change the properties; a new title renames the latest version too (a regulation is named
    after its latest text)."""
    publishing.require_editable(ctx, RULES, regulation)
    values = await _validate(fields, regulation)
    async with in_transaction():
        title = values.pop("title", None)
        if title:
            latest = await RegulationVersion.filter(regulation_id=regulation.id).order_by("-sequence", "-id").first()
            if latest is not None:
                latest.title = title
                await latest.save(update_fields=["title", "updated_at"])
            values["title"] = title
        regulation.update_from_dict(values)
        await regulation.save()
    await publishing.changed(ctx, regulation)
    return regulation


async def add_version(ctx, regulation: Regulation, text: str, promulgated_on: date | None = None,
                      effective_from: date | None = None, title: str | None = None) -> RegulationVersion:
    """A new version (an amendment, 修正/修订) parsed from `text`; the others keep their texts and
    their status follows from the dates."""
    publishing.require_editable(ctx, RULES, regulation)
    law = _parse(text, title)
    _check_dates(law, promulgated_on, effective_from)
    async with in_transaction():
        version, _ = await write_version(regulation, law, promulgated_on=promulgated_on,
                                         effective_from=effective_from)
        await refresh_regulation(regulation)
    await version.refresh_from_db()
    await publishing.changed(ctx, regulation)
    return version


async def update_version(ctx, version: RegulationVersion, text: str | None = None,
                         promulgated_on: date | None = None, effective_from: date | None = None,
                         title: str | None = None) -> RegulationVersion:
    """Correct a version: a new text replaces its headings and articles (their IDs change); dates
    not given stay as they are."""
    regulation = version.regulation
    publishing.require_editable(ctx, RULES, regulation)
    promulgated_on = promulgated_on or version.promulgated_on
    effective_from = effective_from or version.effective_from
    if text is not None:
        law = _parse(text, title or (None if text.lstrip().startswith("# ") else version.title))
        if regulation.status == Status.PUBLISHED:
            await forget_versions(ctx.services, [version.id])
        async with in_transaction():
            await write_version(regulation, law, version=version, promulgated_on=promulgated_on,
                                effective_from=effective_from)
            await refresh_regulation(regulation)
    else:
        if title is not None:
            if not title.strip():
                raise Invalid("title", "不能为空", "REQUIRED")
            version.title = title.strip()[:255]
        version.promulgated_on, version.effective_from = promulgated_on, effective_from
        await version.save()
        await refresh_regulation(regulation)
    await version.refresh_from_db()
    await publishing.changed(ctx, regulation)
    return version


async def delete_version(ctx, version: RegulationVersion) -> Regulation:
    regulation = version.regulation
    publishing.require_editable(ctx, RULES, regulation)
    if await RegulationVersion.filter(regulation_id=regulation.id).count() <= 1:
        raise Conflict("id", "法规至少保留一个版本；要删除整部法规请用 regulationDelete", "LAST_VERSION")
    if regulation.status == Status.PUBLISHED:
        await forget_versions(ctx.services, [version.id])
    async with in_transaction():
        await version.delete()
        await refresh_regulation(regulation)
    await publishing.changed(ctx, regulation)
    return regulation


async def delete_regulation(ctx, regulation: Regulation) -> None:
    require(ctx.user, Action.REGULATION_PUBLISH)
    if regulation.status == Status.PUBLISHED:
        raise Conflict("id", "已发布的法规须先撤回再删除", "WRONG_STATUS")
    await regulation.delete()


# --- lifecycle ----------------------------------------------------------------------------------


async def submit(ctx, regulation: Regulation) -> Regulation:
    return await publishing.submit(ctx, RULES, regulation)


async def send_back(ctx, regulation: Regulation, comment: str) -> Regulation:
    return await publishing.send_back(ctx, RULES, regulation, comment)


async def publish(ctx, regulation: Regulation, publish_at: datetime | None = None) -> Regulation:
    return await publishing.publish(ctx, RULES, regulation, publish_at)


async def unpublish(ctx, regulation: Regulation) -> Regulation:
    await regulation.fetch_related("versions")  # the index keys of its documents
    return await publishing.unpublish(ctx, RULES, regulation)


async def archive(ctx, regulation: Regulation) -> Regulation:
    await regulation.fetch_related("versions")
    return await publishing.archive(ctx, RULES, regulation)

