"""The editorial workflow: submit, staged review, send back, publish (now or scheduled), unpublish, archive."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from models.base import Status
from models.news import Article
from notify.mailer import LogMailer
from resolvers.context import Services
from resolvers.events import Broadcaster
from resolvers.workflow import publish_due
from tests.api.factories import THREE_STAGES, gid, make_article, make_column

pytestmark = pytest.mark.db

RESULT = """__typename ... on Article { status reviewStage publishAt publishedAt }
  ... on FieldErrors { errors { field code message } }"""
SUBMIT = f"mutation($id: ID!) {{ articleSubmit(input: {{id: $id}}) {{ {RESULT} }} }}"
APPROVE = f"mutation($id: ID!) {{ articleReview(input: {{id: $id, approve: true}}) {{ {RESULT} }} }}"
SEND_BACK = f"""mutation($id: ID!, $comment: String!) {{
  articleReview(input: {{id: $id, approve: false, comment: $comment}}) {{ {RESULT} }} }}"""
PUBLISH = f"""mutation($id: ID!, $at: DateTime) {{ articlePublish(input: {{id: $id, publishAt: $at}}) {{ {RESULT} }} }}"""
UNPUBLISH = f"mutation($id: ID!) {{ articleUnpublish(input: {{id: $id, comment: \"撤回\"}}) {{ {RESULT} }} }}"
ARCHIVE = f"mutation($id: ID!) {{ articleArchive(input: {{id: $id}}) {{ {RESULT} }} }}"
TRAIL = """query($id: ID!) { article(id: $id) { status reviewTrail { decision stageName comment user { username } } } }"""
PUBLIC_LIST = "{ articles { totalCount edges { node { title } } } }"
BY_SLUG = "query($slug: String!) { article(slug: $slug) { title status } }"


async def draft_in(stages: list[dict] | None = None, title: str = "稿件") -> Article:
    column = await make_column(stages=stages)
    return await make_article(column, title=title, status=Status.DRAFT)


def error_codes(result: dict) -> list[str]:
    assert result["__typename"] == "FieldErrors", result
    return [e["code"] for e in result["errors"]]


async def test_article_passes_every_review_stage_then_is_published(editor, chief_editor, anonymous):
    article = await draft_in(THREE_STAGES, "三审稿件")
    aid = gid("Article", article.id)
    submitted = (await editor.ok(SUBMIT, {"id": aid}))["articleSubmit"]
    assert (submitted["status"], submitted["reviewStage"]) == ("IN_REVIEW", 0)
    # 初审 is the editor's stage: the chief editor may not take it.
    assert await chief_editor.error_code(APPROVE, {"id": aid}) == "FORBIDDEN"
    assert (await editor.ok(APPROVE, {"id": aid}))["articleReview"]["reviewStage"] == 1
    # 复审 and 终审 are the chief editor's.
    assert await editor.error_code(APPROVE, {"id": aid}) == "FORBIDDEN"
    premature = (await chief_editor.ok(PUBLISH, {"id": aid}))["articlePublish"]
    assert error_codes(premature) == ["REVIEW_PENDING"]
    assert "复审" in premature["errors"][0]["message"]
    assert (await chief_editor.ok(APPROVE, {"id": aid}))["articleReview"]["reviewStage"] == 2
    assert error_codes((await chief_editor.ok(PUBLISH, {"id": aid}))["articlePublish"]) == ["REVIEW_PENDING"]
    assert (await chief_editor.ok(APPROVE, {"id": aid}))["articleReview"]["reviewStage"] == 3
    assert error_codes((await chief_editor.ok(APPROVE, {"id": aid}))["articleReview"]) == ["REVIEW_COMPLETE"]
    assert (await anonymous.ok(PUBLIC_LIST))["articles"]["totalCount"] == 0
    # Only chief editors publish.
    assert await editor.error_code(PUBLISH, {"id": aid}) == "FORBIDDEN"
    published = (await chief_editor.ok(PUBLISH, {"id": aid}))["articlePublish"]
    assert published["status"] == "PUBLISHED"
    assert published["publishedAt"]
    assert (await anonymous.ok(PUBLIC_LIST))["articles"]["edges"] == [{"node": {"title": "三审稿件"}}]
    trail = (await editor.ok(TRAIL, {"id": aid}))["article"]["reviewTrail"]
    assert [(s["decision"], s["stageName"], s["user"]["username"]) for s in trail] == [
        ("SUBMIT", "", "editor"), ("APPROVE", "初审", "editor"), ("APPROVE", "复审", "chief_editor"),
        ("APPROVE", "终审", "chief_editor"), ("PUBLISH", "", "chief_editor")]


async def test_send_back_needs_a_comment_and_returns_to_draft(editor, chief_editor):
    article = await draft_in(THREE_STAGES)
    aid = gid("Article", article.id)
    await editor.ok(SUBMIT, {"id": aid})
    await editor.ok(APPROVE, {"id": aid})
    no_comment = (await chief_editor.ok(SEND_BACK, {"id": aid, "comment": "  "}))["articleReview"]
    assert [(e["field"], e["code"]) for e in no_comment["errors"]] == [("comment", "REQUIRED")]
    back = (await chief_editor.ok(SEND_BACK, {"id": aid, "comment": "标题与正文不符，请修改"}))["articleReview"]
    assert (back["status"], back["reviewStage"]) == ("DRAFT", 0)
    trail = (await editor.ok(TRAIL, {"id": aid}))["article"]["reviewTrail"]
    assert trail[-1] == {"decision": "SEND_BACK", "stageName": "复审", "comment": "标题与正文不符，请修改",
                         "user": {"username": "chief_editor"}}
    # Resubmitted, it starts again at the first stage.
    again = (await editor.ok(SUBMIT, {"id": aid}))["articleSubmit"]
    assert (again["status"], again["reviewStage"]) == ("IN_REVIEW", 0)
    assert await chief_editor.error_code(APPROVE, {"id": aid}) == "FORBIDDEN"


async def test_column_without_stages_publishes_after_submit(editor, chief_editor):
    article = await draft_in([])
    aid = gid("Article", article.id)
    not_submitted = (await chief_editor.ok(PUBLISH, {"id": aid}))["articlePublish"]
    assert error_codes(not_submitted) == ["WRONG_STATUS"]
    await editor.ok(SUBMIT, {"id": aid})
    assert error_codes((await editor.ok(SUBMIT, {"id": aid}))["articleSubmit"]) == ["WRONG_STATUS"]
    assert (await chief_editor.ok(PUBLISH, {"id": aid}))["articlePublish"]["status"] == "PUBLISHED"


async def test_citizens_take_no_part_in_the_workflow(citizen, anonymous):
    article = await draft_in([])
    aid = gid("Article", article.id)
    for document in (SUBMIT, APPROVE, PUBLISH, UNPUBLISH, ARCHIVE):
        assert await citizen.error_code(document, {"id": aid}) == "FORBIDDEN"
        assert await anonymous.error_code(document, {"id": aid}) == "UNAUTHENTICATED"
    assert (await Article.get(id=article.id)).status == Status.DRAFT


async def test_unpublish_returns_to_draft(chief_editor, anonymous):
    column = await make_column()
    article = await make_article(column, title="已发布")
    aid = gid("Article", article.id)
    result = (await chief_editor.ok(UNPUBLISH, {"id": aid}))["articleUnpublish"]
    assert result["status"] == "DRAFT"
    assert (await anonymous.ok(PUBLIC_LIST))["articles"]["totalCount"] == 0
    assert (await anonymous.ok(BY_SLUG, {"slug": article.slug}))["article"] is None
    assert error_codes((await chief_editor.ok(UNPUBLISH, {"id": aid}))["articleUnpublish"]) == ["WRONG_STATUS"]


async def test_archived_article_leaves_lists_but_keeps_its_address(chief_editor, editor, anonymous):
    column = await make_column(slug="news")
    article = await make_article(column, title="旧闻")
    await make_article(column, title="新闻")
    aid = gid("Article", article.id)
    assert await editor.error_code(ARCHIVE, {"id": aid}) == "FORBIDDEN"
    assert (await chief_editor.ok(ARCHIVE, {"id": aid}))["articleArchive"]["status"] == "ARCHIVED"
    listed = (await anonymous.ok(PUBLIC_LIST))["articles"]
    assert (listed["totalCount"], listed["edges"]) == (1, [{"node": {"title": "新闻"}}])
    in_column = await anonymous.ok('{ column(slug: "news") { articles { totalCount } } }')
    assert in_column["column"]["articles"]["totalCount"] == 1
    assert (await anonymous.ok(BY_SLUG, {"slug": article.slug}))["article"] == {"title": "旧闻", "status": "ARCHIVED"}
    # Archiving twice is a state error; unpublishing an archived article makes it a draft again.
    assert error_codes((await chief_editor.ok(ARCHIVE, {"id": aid}))["articleArchive"]) == ["WRONG_STATUS"]
    assert (await chief_editor.ok(UNPUBLISH, {"id": aid}))["articleUnpublish"]["status"] == "DRAFT"
    assert (await anonymous.ok(BY_SLUG, {"slug": article.slug}))["article"] is None


async def approved(editor, title: str = "定时稿件") -> str:
    article = await draft_in([], title)
    aid = gid("Article", article.id)
    await editor.ok(SUBMIT, {"id": aid})
    return aid


async def test_scheduled_article_appears_when_the_scheduler_runs(editor, chief_editor, anonymous, services):
    aid = await approved(editor)
    at = datetime.now(UTC) + timedelta(hours=2)
    scheduled = (await chief_editor.ok(PUBLISH, {"id": aid, "at": at.isoformat()}))["articlePublish"]
    assert scheduled["status"] == "IN_REVIEW"
    assert datetime.fromisoformat(scheduled["publishAt"]) == at
    assert await publish_due(services) == []
    assert (await anonymous.ok(PUBLIC_LIST))["articles"]["totalCount"] == 0
    # The time comes (moved into the past rather than waited for).
    due = datetime.now(UTC) - timedelta(minutes=1)
    await Article.filter(publish_at__isnull=False).update(publish_at=due)
    published = await publish_due(services)
    assert [a.title for a in published] == ["定时稿件"]
    listed = (await anonymous.ok("{ articles { edges { node { title status publishedAt publishAt } } } }"))
    node = listed["articles"]["edges"][0]["node"]
    assert (node["title"], node["status"], node["publishAt"]) == ("定时稿件", "PUBLISHED", None)
    assert datetime.fromisoformat(node["publishedAt"]) == due
    assert await publish_due(services) == []  # published once only
    trail = (await editor.ok(TRAIL, {"id": aid}))["article"]["reviewTrail"]
    assert [s["decision"] for s in trail] == ["SUBMIT", "SCHEDULE", "PUBLISH"]
    assert trail[-1]["user"] is None


async def test_due_items_are_published_after_a_restart(editor, chief_editor, anonymous, settings):
    aid = await approved(editor)
    await chief_editor.ok(PUBLISH, {"id": aid, "at": (datetime.now(UTC) + timedelta(hours=1)).isoformat()})
    await Article.filter(publish_at__isnull=False).update(publish_at=datetime.now(UTC) - timedelta(hours=1))
    fresh = Services(settings=settings, mailer=LogMailer(), events=Broadcaster())
    assert len(await publish_due(fresh)) == 1
    assert (await anonymous.ok(PUBLIC_LIST))["articles"]["totalCount"] == 1


async def test_publishing_a_scheduled_article_now_dates_it_now(editor, chief_editor, anonymous):
    aid = await approved(editor)
    later = datetime.now(UTC) + timedelta(days=3)
    await chief_editor.ok(PUBLISH, {"id": aid, "at": later.isoformat()})
    before = datetime.now(UTC)
    published = (await chief_editor.ok(PUBLISH, {"id": aid}))["articlePublish"]
    assert published["status"] == "PUBLISHED"
    assert before - timedelta(seconds=1) <= datetime.fromisoformat(published["publishedAt"]) < later


async def test_unpublish_cancels_a_schedule(editor, chief_editor, services):
    aid = await approved(editor)
    await chief_editor.ok(PUBLISH, {"id": aid, "at": (datetime.now(UTC) + timedelta(hours=1)).isoformat()})
    cancelled = (await chief_editor.ok(UNPUBLISH, {"id": aid}))["articleUnpublish"]
    assert (cancelled["status"], cancelled["publishAt"]) == ("DRAFT", None)
    await Article.all().update(publish_at=datetime.now(UTC) - timedelta(hours=1))  # even if a time were left
    assert await publish_due(services) == []


async def test_publish_time_without_offset_is_beijing_time(editor, chief_editor):
    aid = await approved(editor)
    result = (await chief_editor.ok(PUBLISH, {"id": aid, "at": "2030-01-01T08:00:00"}))["articlePublish"]
    assert result["publishAt"] == "2030-01-01T08:00:00+08:00"
    stored = await Article.filter(publish_at__isnull=False).first()
    assert stored.publish_at == datetime(2030, 1, 1, 0, 0, tzinfo=UTC)
