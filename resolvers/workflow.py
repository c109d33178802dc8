"""The editorial workflow of news articles: DRAFT -> IN_REVIEW -> PUBLISHED -> ARCHIVED.

Each column may require review stages (e.g. 初审, 复审, 终审), each approved by a role;
a chief editor publishes once every stage has approved, now or at `publishAt`.
Unpublishing returns an item to DRAFT; archiving keeps it out of lists but reachable.
"""

from __future__ import annotations

from datetime import datetime

from tortoise.transactions import in_transaction

from models.base import Status
from models.news import Article, Column, ReviewAction, ReviewDecision
from models.users import Role
from resolvers import lifecycle, publishing
from resolvers.errors import Conflict, Forbidden, Invalid
from resolvers.permissions import Action, require
from resolvers.tokens import now


async def _stages(article: Article) -> list[dict]:
    column = await Column.filter(id=article.column_id).first()
    return list(column.review_stages or []) if column else []


def _wrong_status(expected: str) -> Conflict:
    return Conflict("id", f"稿件当前状态不能执行此操作（需为{expected}）", "WRONG_STATUS")


async def _trail(ctx, article: Article, decision: ReviewDecision, comment: str = "",
                 stage: int | None = None, stage_name: str = "") -> None:
    await ReviewAction.create(article=article, decision=decision, comment=comment or "",
                              stage=stage, stage_name=stage_name, user=ctx.user)


async def submit(ctx, article: Article, comment: str = "") -> Article:
    require(ctx.user, Action.ARTICLE_SUBMIT)
    if article.status != Status.DRAFT:
        raise _wrong_status("草稿")
    async with in_transaction():
        article.status = Status.IN_REVIEW
        article.review_stage = 0
        article.publish_at = None
        await article.save(update_fields=["status", "review_stage", "publish_at", "updated_at"])
        await _trail(ctx, article, ReviewDecision.SUBMIT, comment)
    return article


async def review(ctx, article: Article, approve: bool, comment: str = "") -> Article:
    """Approve the current stage, or send the article back to DRAFT with a comment."""
    user = require(ctx.user, Action.ARTICLE_REVIEW)
    if article.status != Status.IN_REVIEW:
        raise _wrong_status("审核中")
    stages = await _stages(article)
    if article.review_stage >= len(stages):
        raise Conflict("id", "审核已全部通过，等待主编发布", "REVIEW_COMPLETE")
    stage = stages[article.review_stage]
    if user.role != stage["role"] and user.role != Role.ADMIN:
        raise Forbidden(f"“{stage['name']}”须由{stage['role']}审核")
    if not approve and not (comment or "").strip():
        raise Invalid("comment", "退回时请填写意见", "REQUIRED")
    async with in_transaction():
        if approve:
            await _trail(ctx, article, ReviewDecision.APPROVE, comment, article.review_stage, stage["name"])
            article.review_stage += 1
        else:
            await _trail(ctx, article, ReviewDecision.SEND_BACK, comment, article.review_stage, stage["name"])
            article.status = Status.DRAFT
            article.review_stage = 0
            article.publish_at = None
        await article.save(update_fields=["status", "review_stage", "publish_at", "updated_at"])
    return article


async def publish(ctx, article: Article, publish_at: datetime | None = None) -> Article:
    """Publish now, or schedule: the scheduler publishes at `publish_at` (also after a restart)."""
    require(ctx.user, Action.ARTICLE_PUBLISH)
    if article.status != Status.IN_REVIEW:
        raise _wrong_status("审核中")
    stages = await _stages(article)
    if article.review_stage < len(stages):
        pending = stages[article.review_stage]["name"]
        raise Conflict("id", f"尚未通过“{pending}”，不能发布", "REVIEW_PENDING")
    if publish_at is not None:
        if publish_at.tzinfo is None:
            raise Invalid("publishAt", "发布时间须带时区", "INVALID")
        if publish_at > now():
            article.publish_at = publish_at
            await article.save(update_fields=["publish_at", "updated_at"])
            await _trail(ctx, article, ReviewDecision.SCHEDULE, f"定时发布：{publish_at.isoformat()}")
            return article
    await _make_public(ctx, article)
    await _trail(ctx, article, ReviewDecision.PUBLISH)
    return article


async def _make_public(ctx, article: Article) -> None:
    # Published now, even if a (future) schedule was set before: the scheduler dates its own.
    article.status = Status.PUBLISHED
    article.published_at = now()
    article.publish_at = None
    await article.save(update_fields=["status", "published_at", "publish_at", "updated_at"])
    await lifecycle.published(ctx, article)


async def unpublish(ctx, article: Article, comment: str = "") -> Article:
    require(ctx.user, Action.ARTICLE_PUBLISH)
    if article.status not in (Status.PUBLISHED, Status.ARCHIVED) and not article.publish_at:
        raise _wrong_status("已发布、已归档或已排期")
    article.status = Status.DRAFT
    article.publish_at = None
    article.review_stage = 0
    await article.save(update_fields=["status", "publish_at", "review_stage", "updated_at"])
    await _trail(ctx, article, ReviewDecision.UNPUBLISH, comment)
    await lifecycle.unpublished(ctx, article)
    return article


async def archive(ctx, article: Article, comment: str = "") -> Article:
    require(ctx.user, Action.ARTICLE_ARCHIVE)
    if article.status != Status.PUBLISHED:
        raise _wrong_status("已发布")
    article.status = Status.ARCHIVED
    await article.save(update_fields=["status", "updated_at"])
    await _trail(ctx, article, ReviewDecision.ARCHIVE, comment)
    await lifecycle.unpublished(ctx, article)
    return article


async def publish_due(services) -> list[Article]:
    """Publish every scheduled article whose time has come; run by the background scheduler."""

    async def record(article: Article) -> None:
        await ReviewAction.create(article=article, decision=ReviewDecision.PUBLISH, comment="定时发布")

    return await publishing.publish_due(services, Article, record)
