"""Gazette issues (常委会公报) for the API: reading with visibility rules, lists by year, and the
editors' operations. An issue's entries are edited with it: a given list replaces them all.

The public reads PUBLISHED issues (ARCHIVED ones by address only); GAZETTE_EDIT reads all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from tortoise.transactions import in_transaction

from models.base import PUBLIC_READABLE, Status
from models.gazettes import GazetteEntry, GazetteEntryKind, GazetteIssue, gazette_issue_title
from models.laws import Regulation
from resolvers import publishing
from resolvers.errors import Collector, Conflict, NotFound
from resolvers.laws import SHANGHAI, today
from resolvers.pagination import Page, paginate
from resolvers.permissions import Action, can, require

RULES = publishing.Rules(edit=Action.GAZETTE_EDIT, publish=Action.GAZETTE_PUBLISH, noun="公报")
LIST_ORDER = ["-year", "-number", "-id"]
MAX_ENTRIES = 500


def can_read_unpublished(user) -> bool:
    return can(user, Action.GAZETTE_EDIT)


def readable(ctx, issue: GazetteIssue | None) -> GazetteIssue | None:
    if issue is None:
        return None
    if issue.status in PUBLIC_READABLE or can_read_unpublished(ctx.user):
        return issue
    return None


async def issues_by_ids(ctx, ids: list[int]) -> dict[int, GazetteIssue]:
    return {i.id: i for i in await GazetteIssue.filter(id__in=ids) if readable(ctx, i)}


async def find_issue(ctx, year: int, number: int) -> GazetteIssue | None:
    return readable(ctx, await GazetteIssue.filter(year=year, number=number).first())


async def list_issues(ctx, year: int | None = None, statuses: list[Status] | None = None,
                      first: int | None = None, after: str | None = None, page: int | None = None) -> Page:
    """Newest issue first; published only unless the caller edits gazettes and asks for `statuses`."""
    query = GazetteIssue.all()
    if statuses and statuses != [Status.PUBLISHED]:
        require(ctx.user, Action.GAZETTE_EDIT)
        query = query.filter(status__in=statuses)
    else:
        query = query.filter(status=Status.PUBLISHED)
    if year is not None:
        query = query.filter(year=year)
    return await paginate(query, LIST_ORDER, first, after, page)


async def years(ctx) -> list[int]:
    """The years that have published issues, newest first (for a year selector)."""
    # Ordered by the selected column only: PostgreSQL refuses DISTINCT with the model's default
    # ordering (-year, -number), as number is not selected.
    found = await GazetteIssue.filter(status=Status.PUBLISHED).order_by("-year").distinct().values_list(
        "year", flat=True)
    return list(found)


# --- editing ------------------------------------------------------------------------------------


@dataclass
class EntryFields:
    title: str
    kind: GazetteEntryKind = GazetteEntryKind.OTHER
    regulation_id: int | None = None
    page: int | None = None
    anchor: str = ""


@dataclass
class IssueFields:
    """Editable properties; None means not given. `entries`, when given, replaces every entry."""

    year: int | None = None
    number: int | None = None
    title: str | None = None
    published_on: date | None = None
    entries: list[EntryFields] | None = field(default=None)


async def _validate(fields: IssueFields, issue: GazetteIssue | None) -> dict:
    errors = Collector()
    values: dict = {}
    year = fields.year if fields.year is not None else (issue.year if issue else None)
    number = fields.number if fields.number is not None else (issue.number if issue else None)
    if year is None:
        errors.add("year", "请填写年份", "REQUIRED")
    elif not 1949 <= year <= 2100:
        errors.add("year", "年份应在1949至2100之间", "INVALID")
    if number is None:
        errors.add("number", "请填写期号", "REQUIRED")
    elif not 1 <= number <= 999:
        errors.add("number", "期号应在1至999之间", "INVALID")
    if year is not None and number is not None and (issue is None or (year, number) != (issue.year, issue.number)):
        if await GazetteIssue.filter(year=year, number=number).exclude(id=issue.id if issue else 0).exists():
            errors.add("number", f"{gazette_issue_title(year, number)}已存在", "TAKEN")
        values.update(year=year, number=number)
    if fields.title is not None:
        title = fields.title.strip()
        if len(title) > 128:
            errors.add("title", "不能超过128个字符", "TOO_LONG")
        values["title"] = title
    if fields.published_on is not None:
        values["published_on"] = fields.published_on
    if fields.entries is not None:
        if len(fields.entries) > MAX_ENTRIES:
            errors.add("entries", f"每期最多{MAX_ENTRIES}条目录", "TOO_MANY")
        wanted = {e.regulation_id for e in fields.entries if e.regulation_id}
        found = set(await Regulation.filter(id__in=wanted).values_list("id", flat=True)) if wanted else set()
        for n, entry in enumerate(fields.entries):
            if not entry.title.strip():
                errors.add(f"entries.{n}.title", "不能为空", "REQUIRED")
            elif len(entry.title.strip()) > 255:
                errors.add(f"entries.{n}.title", "不能超过255个字符", "TOO_LONG")
            if entry.regulation_id and entry.regulation_id not in found:
                errors.add(f"entries.{n}.regulation", "法规不存在", "NOT_FOUND")
            if entry.page is not None and entry.page < 1:
                errors.add(f"entries.{n}.page", "页码从1开始", "INVALID")
    errors.raise_if_any()
    return values


async def _set_entries(issue: GazetteIssue, entries: list[EntryFields]) -> None:
    await GazetteEntry.filter(issue_id=issue.id).delete()
    await GazetteEntry.bulk_create([
        GazetteEntry(issue_id=issue.id, position=n, kind=GazetteEntryKind(e.kind), title=e.title.strip(),
                     regulation_id=e.regulation_id, page=e.page, anchor=(e.anchor or "")[:64])
        for n, e in enumerate(entries, start=1)
    ])


async def get_editable(ctx, issue_id: int) -> GazetteIssue:
    require(ctx.user, Action.GAZETTE_EDIT)
    issue = await GazetteIssue.filter(id=issue_id).first()
    if issue is None:
        raise NotFound("公报不存在")
    return issue


async def create_issue(ctx, fields: IssueFields) -> GazetteIssue:
    """A new DRAFT issue; the title defaults to 2024年第3号."""
    require(ctx.user, Action.GAZETTE_EDIT)
    values = await _validate(fields, None)
    values["title"] = values.get("title") or gazette_issue_title(values["year"], values["number"])
    async with in_transaction():
        issue = await GazetteIssue.create(status=Status.DRAFT, **values)
        await _set_entries(issue, fields.entries or [])
    return issue


async def update_issue(ctx, issue: GazetteIssue, fields: IssueFields) -> GazetteIssue:
    publishing.require_editable(ctx, RULES, issue)
    default_title = issue.title == gazette_issue_title(issue.year, issue.number)
    values = await _validate(fields, issue)
    async with in_transaction():
        issue.update_from_dict(values)
        if not issue.title or (default_title and "title" not in values):
            issue.title = gazette_issue_title(issue.year, issue.number)
        await issue.save()
        if fields.entries is not None:
            await _set_entries(issue, fields.entries)
    await publishing.changed(ctx, issue)
    return issue


async def delete_issue(ctx, issue: GazetteIssue) -> None:
    require(ctx.user, Action.GAZETTE_PUBLISH)
    if issue.status == Status.PUBLISHED:
        raise Conflict("id", "已发布的公报须先撤回再删除", "WRONG_STATUS")
    await issue.delete()


async def submit(ctx, issue: GazetteIssue) -> GazetteIssue:
    return await publishing.submit(ctx, RULES, issue)


async def send_back(ctx, issue: GazetteIssue, comment: str) -> GazetteIssue:
    return await publishing.send_back(ctx, RULES, issue, comment)


async def publish(ctx, issue: GazetteIssue, publish_at: datetime | None = None) -> GazetteIssue:
    """Publish now or at `publish_at`; an issue without a date of publication is dated the
    day it goes public (Beijing time)."""
    issue = await publishing.publish(ctx, RULES, issue, publish_at)
    if issue.published_on is None:
        issue.published_on = issue.publish_at.astimezone(SHANGHAI).date() if issue.publish_at else today()
        await issue.save(update_fields=["published_on", "updated_at"])
    return issue


async def unpublish(ctx, issue: GazetteIssue) -> GazetteIssue:
    return await publishing.unpublish(ctx, RULES, issue)


async def archive(ctx, issue: GazetteIssue) -> GazetteIssue:
    return await publishing.archive(ctx, RULES, issue)
