"""The editors' mutations of regulations: create, edit, versions, and the lifecycle shared with
articles (DRAFT -> IN_REVIEW -> PUBLISHED -> ARCHIVED) without review stages or stored revisions:
a regulation's versions are its history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry

from models import laws as m
from resolvers import regulations as ops
from resolvers.permissions import Action
from schema.base import Info, pk_of, result_union
from schema.laws import Regulation, RegulationLevel, RegulationVersion
from schema.news import Deleted
from schema.permissions import guard

TEXT_HELP = ("The text in the corpus Markdown format: an optional `# title` line, the history lines (题注, e.g. "
             "2023年3月13日 第十四届全国人民代表大会第一次会议通过), `<!-- INFO END -->`, then `## 第一章 …` headings, "
             "articles starting a line with 第N条, and items （一）….")


@strawberry.input(description="A new regulation, saved as a DRAFT with its first version.")
class RegulationCreateInput:
    text: str = strawberry.field(description=TEXT_HELP)
    level: RegulationLevel = strawberry.field(description="效力级别.")
    title: str | None = strawberry.field(
        default=None, description="Full title; replaces the text's `# title` line (required if the text has none).")
    short_title: str | None = strawberry.field(
        default=None, description="How readers name it (立法法); from the title without 中华人民共和国 if omitted.")
    slug: str | None = strawberry.field(default=None, description="URL name; from the short title's pinyin if omitted.")
    region: str | None = strawberry.field(default=None, description="Region of a local regulation; omit for national.")
    category: str | None = strawberry.field(default=None, description="Category (分类).")
    issuing_body: str | None = strawberry.field(default=None, description="制定机关.")
    document_number: str | None = strawberry.field(default=None, description="Order number (文号), if any.")
    promulgated_on: date | None = strawberry.field(
        default=None, description="公布日期; from the last dated history line if omitted.")
    effective_from: date | None = strawberry.field(
        default=None, description="施行日期; from the text (本法自…起施行) if omitted and not earlier than promulgation.")


@strawberry.input(description="Changes to a regulation's properties; omitted fields stay. Editors change drafts; "
                  "chief editors may correct a published regulation (the search index follows at once). "
                  "No revision is stored: versions are a regulation's history.")
class RegulationUpdateInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the regulation.")
    title: str | None = strawberry.field(default=None, description="Full title (renames its latest version too).")
    short_title: str | None = strawberry.field(default=None, description="Short title.")
    slug: str | None = strawberry.field(default=None, description="URL name.")
    level: RegulationLevel | None = strawberry.field(default=None, description="效力级别.")
    region: str | None = strawberry.field(default=None, description="Region; an empty string makes it national.")
    category: str | None = strawberry.field(default=None, description="Category (分类).")
    issuing_body: str | None = strawberry.field(default=None, description="制定机关.")
    document_number: str | None = strawberry.field(default=None, description="Order number (文号).")
    repealed: bool | None = strawberry.field(
        default=None, description="Repealed (已废止) with no later version; false also clears `repealedOn`.")
    repealed_on: date | None = strawberry.field(
        default=None, description="The day the repeal takes effect (sets `repealed`).")


@strawberry.input(description="A new version (an amendment, 修正/修订) of a regulation, from its full text. The "
                  "other versions keep their texts; which one is in force on a day follows from the dates.")
class RegulationVersionAddInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the regulation.")
    text: str = strawberry.field(description=TEXT_HELP)
    title: str | None = strawberry.field(default=None, description="Full title; replaces the text's `# title` line.")
    promulgated_on: date | None = strawberry.field(default=None, description="公布日期 of this version.")
    effective_from: date | None = strawberry.field(default=None, description="施行日期 of this version.")


@strawberry.input(description="Correct a version: a new text replaces its headings and articles (whose IDs change); "
                  "omitted fields stay.")
class RegulationVersionUpdateInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the RegulationVersion.")
    text: str | None = strawberry.field(default=None, description=TEXT_HELP)
    title: str | None = strawberry.field(default=None, description="Full title of this version.")
    promulgated_on: date | None = strawberry.field(default=None, description="公布日期.")
    effective_from: date | None = strawberry.field(default=None, description="施行日期.")


@strawberry.input(description="Delete a version entered by mistake; a regulation keeps at least one.")
class RegulationVersionDeleteInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the RegulationVersion.")


@strawberry.input(description="A regulation and an optional note (kept in the audit log).")
class RegulationWorkflowInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the regulation.")
    comment: str = strawberry.field(default="", description="A note; required when sending back.")
    publish_at: datetime | None = strawberry.field(
        default=None, description="Publishing only: a future time (with time zone) to publish at instead of now; "
        "the regulation stays in review until then.")


@strawberry.input(description="The regulation to delete; refused while it is published.")
class RegulationDeleteInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the regulation.")


RegulationCreateInputArg = Annotated[RegulationCreateInput, strawberry.argument(
    description="The new regulation: its text and properties.")]
RegulationUpdateInputArg = Annotated[RegulationUpdateInput, strawberry.argument(
    description="The regulation and its changed properties.")]
RegulationVersionAddInputArg = Annotated[RegulationVersionAddInput, strawberry.argument(
    description="The regulation and the new version's text and dates.")]
RegulationVersionUpdateInputArg = Annotated[RegulationVersionUpdateInput, strawberry.argument(
    description="The version and its corrected text, title or dates.")]
RegulationVersionDeleteInputArg = Annotated[RegulationVersionDeleteInput, strawberry.argument(
    description="The version to delete.")]
RegulationWorkflowInputArg = Annotated[RegulationWorkflowInput, strawberry.argument(
    description="The regulation and an optional note.")]
RegulationDeleteInputArg = Annotated[RegulationDeleteInput, strawberry.argument(
    description="The regulation to delete.")]

RegulationCreateResult = result_union("RegulationCreateResult", Regulation)
RegulationUpdateResult = result_union("RegulationUpdateResult", Regulation)
RegulationVersionAddResult = result_union("RegulationVersionAddResult", RegulationVersion)
RegulationVersionUpdateResult = result_union("RegulationVersionUpdateResult", RegulationVersion)
RegulationVersionDeleteResult = result_union("RegulationVersionDeleteResult", Regulation)
RegulationSubmitResult = result_union("RegulationSubmitResult", Regulation)
RegulationSendBackResult = result_union("RegulationSendBackResult", Regulation)
RegulationPublishResult = result_union("RegulationPublishResult", Regulation)
RegulationUnpublishResult = result_union("RegulationUnpublishResult", Regulation)
RegulationArchiveResult = result_union("RegulationArchiveResult", Regulation)
RegulationDeleteResult = result_union("RegulationDeleteResult", Deleted)


def _fields(input) -> ops.RegulationFields:
    names = ("title", "short_title", "slug", "region", "category", "issuing_body", "document_number", "repealed",
             "repealed_on")
    values = {n: getattr(input, n, None) for n in names}
    level = getattr(input, "level", None)
    return ops.RegulationFields(**values, level=m.RegulationLevel(level.value) if level is not None else None)


async def _regulation(info: Info, global_id: str) -> m.Regulation:
    return await ops.get_editable(info.context, pk_of(global_id, "Regulation"))


async def _version(info: Info, global_id: str) -> m.RegulationVersion:
    return await ops.get_editable_version(info.context, pk_of(global_id, "RegulationVersion"))


@strawberry.type
class LawsMutation:
    @strawberry.mutation(description="Create a regulation as a DRAFT from its text (editors and legislative affairs "
                         "staff).", extensions=guard(Action.REGULATION_EDIT))
    async def regulation_create(self, info: Info, input: RegulationCreateInputArg) -> RegulationCreateResult:
        regulation = await ops.create_regulation(info.context, _fields(input), input.text, input.promulgated_on,
                                                 input.effective_from)
        return Regulation.from_model(regulation)

    @strawberry.mutation(description="Change a regulation's properties. No revision is stored (versions are its "
                         "history).", extensions=guard(Action.REGULATION_EDIT))
    async def regulation_update(self, info: Info, input: RegulationUpdateInputArg) -> RegulationUpdateResult:
        regulation = await _regulation(info, input.id)
        return Regulation.from_model(await ops.update_regulation(info.context, regulation, _fields(input)))

    @strawberry.mutation(description="Add a version (amendment) from its full text.",
                         extensions=guard(Action.REGULATION_EDIT))
    async def regulation_version_add(self, info: Info, input: RegulationVersionAddInputArg) -> RegulationVersionAddResult:
        regulation = await _regulation(info, input.id)
        version = await ops.add_version(info.context, regulation, input.text, input.promulgated_on,
                                        input.effective_from, input.title)
        return RegulationVersion.from_model(version)

    @strawberry.mutation(description="Correct a version's text, title or dates.", extensions=guard(Action.REGULATION_EDIT))
    async def regulation_version_update(self, info: Info,
                                        input: RegulationVersionUpdateInputArg) -> RegulationVersionUpdateResult:
        version = await _version(info, input.id)
        updated = await ops.update_version(info.context, version, input.text, input.promulgated_on,
                                           input.effective_from, input.title)
        return RegulationVersion.from_model(updated)

    @strawberry.mutation(description="Delete a version entered by mistake; returns the regulation.",
                         extensions=guard(Action.REGULATION_EDIT))
    async def regulation_version_delete(self, info: Info,
                                        input: RegulationVersionDeleteInputArg) -> RegulationVersionDeleteResult:
        version = await _version(info, input.id)
        return Regulation.from_model(await ops.delete_version(info.context, version))

    @strawberry.mutation(description="Submit a draft regulation for review: DRAFT -> IN_REVIEW.",
                         extensions=guard(Action.REGULATION_EDIT))
    async def regulation_submit(self, info: Info, input: RegulationWorkflowInputArg) -> RegulationSubmitResult:
        return Regulation.from_model(await ops.submit(info.context, await _regulation(info, input.id)))

    @strawberry.mutation(description="Send a regulation in review back to DRAFT, with a comment (chief editors).",
                         extensions=guard(Action.REGULATION_PUBLISH))
    async def regulation_send_back(self, info: Info, input: RegulationWorkflowInputArg) -> RegulationSendBackResult:
        regulation = await _regulation(info, input.id)
        return Regulation.from_model(await ops.send_back(info.context, regulation, input.comment))

    @strawberry.mutation(description="Publish a regulation in review (chief editors): public, listed and searchable "
                         "at once, or at `publishAt`.", extensions=guard(Action.REGULATION_PUBLISH))
    async def regulation_publish(self, info: Info, input: RegulationWorkflowInputArg) -> RegulationPublishResult:
        return Regulation.from_model(await ops.publish(info.context, await _regulation(info, input.id),
                                                       input.publish_at))

    @strawberry.mutation(description="Take a published, archived or scheduled regulation back to DRAFT (chief "
                         "editors); it leaves lists and search at once.", extensions=guard(Action.REGULATION_PUBLISH))
    async def regulation_unpublish(self, info: Info, input: RegulationWorkflowInputArg) -> RegulationUnpublishResult:
        return Regulation.from_model(await ops.unpublish(info.context, await _regulation(info, input.id)))

    @strawberry.mutation(description="Archive a published regulation (chief editors): out of lists and search, still "
                         "reachable by its address.", extensions=guard(Action.REGULATION_PUBLISH))
    async def regulation_archive(self, info: Info, input: RegulationWorkflowInputArg) -> RegulationArchiveResult:
        return Regulation.from_model(await ops.archive(info.context, await _regulation(info, input.id)))

    @strawberry.mutation(description="Delete an unpublished regulation with all its versions (chief editors).",
                         extensions=guard(Action.REGULATION_PUBLISH))
    async def regulation_delete(self, info: Info, input: RegulationDeleteInputArg) -> RegulationDeleteResult:
        await ops.delete_regulation(info.context, await _regulation(info, input.id))
        return Deleted(id=input.id)
