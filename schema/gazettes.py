"""The Standing Committee gazette (常委会公报): numbered issues and the documents they publish."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Annotated

import strawberry

from models import gazettes as m
from models.base import Status
from resolvers import gazettes as ops
from resolvers import law_loaders as loaders
from resolvers.permissions import Action
from resolvers.regulations import readable as readable_regulation
from schema.base import After, Connection, First, Info, Node, PageNumber, pk_of, register_node, result_union, to_global_id
from schema.laws import Regulation
from schema.media import asset_url_of
from schema.news import ContentStatus, Deleted
from schema.permissions import guard

GazetteEntryKind = strawberry.enum(
    Enum("GazetteEntryKind", {v.value: v.value for v in m.GazetteEntryKind}),
    description="What an entry publishes: REGULATION (法规), DECISION (决定决议), APPOINTMENT (人事任免), "
    "REPORT (工作报告), OTHER (其他).",
)
KIND_LABELS = {str(k): v for k, v in m.GAZETTE_ENTRY_KIND_LABELS.items()}


@strawberry.type(description="A document listed in a gazette issue (目录条目).")
class GazetteEntry:
    model: strawberry.Private[m.GazetteEntry]
    position: int = strawberry.field(description="Order in the issue, from 1.")
    kind: GazetteEntryKind = strawberry.field(description="What it publishes.")
    title: str = strawberry.field(description="The document's title as printed.")
    page: int | None = strawberry.field(description="First page in the printed issue.")
    anchor: str = strawberry.field(description="Fragment of the entry in the issue's web page or PDF; may be empty.")

    @strawberry.field(description="The kind in Chinese, e.g. 人事任免.")
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind.value]

    @strawberry.field(description="The regulation it publishes, seen today; null when none is linked or it is not "
                      "published.")
    async def regulation(self, info: Info) -> Regulation | None:
        if self.model.regulation_id is None:
            return None
        found = await loaders.regulation_by_id(info.context).load(self.model.regulation_id)
        found = readable_regulation(info.context, found)
        return Regulation.from_model(found) if found else None

    @classmethod
    def from_model(cls, e: m.GazetteEntry) -> GazetteEntry:
        return cls(model=e, position=e.position, kind=GazetteEntryKind(str(e.kind)), title=e.title, page=e.page,
                   anchor=e.anchor)


@strawberry.type(description="One numbered issue of the Standing Committee gazette, e.g. 2024年第3号.")
class GazetteIssue(Node):
    model: strawberry.Private[m.GazetteIssue]
    title: str = strawberry.field(description="The issue's title, e.g. 2024年第3号.")
    year: int = strawberry.field(description="Year of the issue.")
    number: int = strawberry.field(description="Issue number within the year, from 1.")
    published_on: date | None = strawberry.field(description="出版日期 of the issue.")
    status: ContentStatus = strawberry.field(description="Editorial status; the public sees PUBLISHED or ARCHIVED.")
    published_at: datetime | None = strawberry.field(description="When it was published on the platform.")
    publish_at: datetime | None = strawberry.field(description="When a scheduled issue will be published.")

    @strawberry.field(description="The documents it publishes, in order.")
    async def entries(self, info: Info) -> list[GazetteEntry]:
        rows = await loaders.gazette_entries_by_issue_id(info.context).load(self.model.id)
        return [GazetteEntry.from_model(e) for e in rows]

    @strawberry.field(description="Canonical address on the website: /gazettes/{year}/{number}.")
    def url(self, info: Info) -> str:
        return f"{info.context.settings.public_base_url}/gazettes/{self.model.year}/{self.model.number}"

    @strawberry.field(description="Address of the issue as a PDF from the media library (a public URL once the issue "
                      "is published, a short-lived signed one before); null when no PDF is attached.")
    async def pdf(self, info: Info) -> str | None:
        return await asset_url_of(info, self.model.pdf_asset_id)

    @classmethod
    def from_model(cls, i: m.GazetteIssue) -> GazetteIssue:
        return cls(model=i, id=to_global_id("GazetteIssue", i.id), title=i.title, year=i.year, number=i.number,
                   published_on=i.published_on, status=ContentStatus(str(i.status)), published_at=i.published_at,
                   publish_at=i.publish_at)


async def _fetch_issues(info: Info, ids: list[int]) -> dict:
    return await ops.issues_by_ids(info.context, ids)


register_node("GazetteIssue", _fetch_issues, GazetteIssue.from_model)


@strawberry.type
class GazetteQuery:
    @strawberry.field(description="Published gazette issues, newest first; `year` narrows to one year. Editors may "
                      "list other statuses with `statuses`.")
    async def gazette_issues(
        self, info: Info,
        year: Annotated[int | None, strawberry.argument(description="Only issues of this year.")] = None,
        statuses: Annotated[list[ContentStatus] | None, strawberry.argument(
            description="Editorial statuses to list (editors only); PUBLISHED by default.")] = None,
        first: First = None, after: After = None, page: PageNumber = None,
    ) -> Connection[GazetteIssue]:
        wanted = [Status(s.value) for s in statuses] if statuses else None
        result = await ops.list_issues(info.context, year, wanted, first, after, page)
        return Connection.from_page(result, GazetteIssue.from_model)

    @strawberry.field(description="One issue by year and number (2024, 3 for 2024年第3号); null if there is none "
                      "or it is not published.")
    async def gazette_issue(
        self, info: Info,
        year: Annotated[int, strawberry.argument(description="Year of the issue, e.g. 2024.")],
        number: Annotated[int, strawberry.argument(description="Issue number within the year, e.g. 3.")],
    ) -> GazetteIssue | None:
        found = await ops.find_issue(info.context, year, number)
        return GazetteIssue.from_model(found) if found else None

    @strawberry.field(description="Years with published issues, newest first.")
    async def gazette_years(self, info: Info) -> list[int]:
        return await ops.years(info.context)


# --- mutations ----------------------------------------------------------------------------------


@strawberry.input(description="A document listed in an issue.")
class GazetteEntryInput:
    title: str = strawberry.field(description="The document's title as printed.")
    kind: GazetteEntryKind = strawberry.field(default=GazetteEntryKind.OTHER, description="What it publishes.")
    regulation: strawberry.ID | None = strawberry.field(
        default=None, description="Global ID of the Regulation it publishes, if any.")
    page: int | None = strawberry.field(default=None, description="First page in the printed issue.")
    anchor: str = strawberry.field(default="", description="Fragment in the issue's web page or PDF.")


@strawberry.input(description="A new gazette issue, saved as a DRAFT.")
class GazetteIssueCreateInput:
    year: int = strawberry.field(description="Year, e.g. 2024.")
    number: int = strawberry.field(description="Issue number within the year.")
    title: str | None = strawberry.field(default=None, description="Title; 2024年第3号 by default.")
    published_on: date | None = strawberry.field(default=None, description="出版日期; the day of publishing if omitted.")
    entries: list[GazetteEntryInput] = strawberry.field(default_factory=list, description="Its entries, in order.")


@strawberry.input(description="Changes to an issue; omitted fields stay, `entries` (when given) replaces them all. "
                  "Editors change drafts; chief editors may correct a published issue.")
class GazetteIssueUpdateInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the issue.")
    year: int | None = strawberry.field(default=None, description="Year.")
    number: int | None = strawberry.field(default=None, description="Issue number.")
    title: str | None = strawberry.field(default=None, description="Title; an empty string restores 2024年第3号.")
    published_on: date | None = strawberry.field(default=None, description="出版日期.")
    entries: list[GazetteEntryInput] | None = strawberry.field(default=None, description="Replaces every entry.")


@strawberry.input(description="An issue and an optional note (kept in the audit log).")
class GazetteIssueWorkflowInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the issue.")
    comment: str = strawberry.field(default="", description="A note; required when sending back.")
    publish_at: datetime | None = strawberry.field(
        default=None, description="Publishing only: a future time (with time zone) to publish at instead of now; "
        "the issue stays in review until then.")


GazetteIssueCreateInputArg = Annotated[GazetteIssueCreateInput, strawberry.argument(
    description="The new issue and its entries.")]
GazetteIssueUpdateInputArg = Annotated[GazetteIssueUpdateInput, strawberry.argument(
    description="The issue and its changed fields.")]
GazetteIssueWorkflowInputArg = Annotated[GazetteIssueWorkflowInput, strawberry.argument(
    description="The issue and an optional note.")]

GazetteIssueCreateResult = result_union("GazetteIssueCreateResult", GazetteIssue)
GazetteIssueUpdateResult = result_union("GazetteIssueUpdateResult", GazetteIssue)
GazetteIssueSubmitResult = result_union("GazetteIssueSubmitResult", GazetteIssue)
GazetteIssueSendBackResult = result_union("GazetteIssueSendBackResult", GazetteIssue)
GazetteIssuePublishResult = result_union("GazetteIssuePublishResult", GazetteIssue)
GazetteIssueUnpublishResult = result_union("GazetteIssueUnpublishResult", GazetteIssue)
GazetteIssueArchiveResult = result_union("GazetteIssueArchiveResult", GazetteIssue)
GazetteIssueDeleteResult = result_union("GazetteIssueDeleteResult", Deleted)


def _entries(entries: list[GazetteEntryInput] | None) -> list[ops.EntryFields] | None:
    if entries is None:
        return None
    return [ops.EntryFields(title=e.title, kind=m.GazetteEntryKind(e.kind.value), page=e.page, anchor=e.anchor,
                            regulation_id=pk_of(e.regulation, "Regulation", f"entries.{n}.regulation")
                            if e.regulation else None)
            for n, e in enumerate(entries)]


async def _issue(info: Info, global_id: str) -> m.GazetteIssue:
    return await ops.get_editable(info.context, pk_of(global_id, "GazetteIssue"))


@strawberry.type
class GazetteMutation:
    @strawberry.mutation(description="Create a gazette issue as a DRAFT.", extensions=guard(Action.GAZETTE_EDIT))
    async def gazette_issue_create(self, info: Info, input: GazetteIssueCreateInputArg) -> GazetteIssueCreateResult:
        fields = ops.IssueFields(year=input.year, number=input.number, title=input.title,
                                 published_on=input.published_on, entries=_entries(input.entries))
        return GazetteIssue.from_model(await ops.create_issue(info.context, fields))

    @strawberry.mutation(description="Change an issue and (optionally) replace its entries.",
                         extensions=guard(Action.GAZETTE_EDIT))
    async def gazette_issue_update(self, info: Info, input: GazetteIssueUpdateInputArg) -> GazetteIssueUpdateResult:
        issue = await _issue(info, input.id)
        fields = ops.IssueFields(year=input.year, number=input.number, title=input.title,
                                 published_on=input.published_on, entries=_entries(input.entries))
        return GazetteIssue.from_model(await ops.update_issue(info.context, issue, fields))

    @strawberry.mutation(description="Submit a draft issue for review: DRAFT -> IN_REVIEW.",
                         extensions=guard(Action.GAZETTE_EDIT))
    async def gazette_issue_submit(self, info: Info, input: GazetteIssueWorkflowInputArg) -> GazetteIssueSubmitResult:
        return GazetteIssue.from_model(await ops.submit(info.context, await _issue(info, input.id)))

    @strawberry.mutation(description="Send an issue in review back to DRAFT with a comment (chief editors).",
                         extensions=guard(Action.GAZETTE_PUBLISH))
    async def gazette_issue_send_back(self, info: Info,
                                      input: GazetteIssueWorkflowInputArg) -> GazetteIssueSendBackResult:
        issue = await _issue(info, input.id)
        return GazetteIssue.from_model(await ops.send_back(info.context, issue, input.comment))

    @strawberry.mutation(description="Publish an issue in review (chief editors), now or at `publishAt`; dated the "
                         "day it goes public if it has no date.",
                         extensions=guard(Action.GAZETTE_PUBLISH))
    async def gazette_issue_publish(self, info: Info, input: GazetteIssueWorkflowInputArg) -> GazetteIssuePublishResult:
        return GazetteIssue.from_model(await ops.publish(info.context, await _issue(info, input.id), input.publish_at))

    @strawberry.mutation(description="Take a published, archived or scheduled issue back to DRAFT (chief editors).",
                         extensions=guard(Action.GAZETTE_PUBLISH))
    async def gazette_issue_unpublish(self, info: Info,
                                      input: GazetteIssueWorkflowInputArg) -> GazetteIssueUnpublishResult:
        return GazetteIssue.from_model(await ops.unpublish(info.context, await _issue(info, input.id)))

    @strawberry.mutation(description="Archive a published issue (chief editors): out of lists and search, still "
                         "reachable by its address.", extensions=guard(Action.GAZETTE_PUBLISH))
    async def gazette_issue_archive(self, info: Info, input: GazetteIssueWorkflowInputArg) -> GazetteIssueArchiveResult:
        return GazetteIssue.from_model(await ops.archive(info.context, await _issue(info, input.id)))

    @strawberry.mutation(description="Delete an unpublished issue (chief editors).",
                         extensions=guard(Action.GAZETTE_PUBLISH))
    async def gazette_issue_delete(self, info: Info, input: GazetteIssueWorkflowInputArg) -> GazetteIssueDeleteResult:
        await ops.delete_issue(info.context, await _issue(info, input.id))
        return Deleted(id=input.id)
