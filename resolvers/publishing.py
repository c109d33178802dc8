"""The editorial lifecycle of publishable content other than news articles (regulations, gazette
issues ...): DRAFT -> IN_REVIEW -> PUBLISHED -> ARCHIVED, with the same rules as articles
(resolvers/workflow.py) minus review stages and stored revisions.

Each kind names the actions that guard it (`Rules`); the search index and subscribers follow
every change through resolvers/lifecycle.py. Publishing may be scheduled (`publishAt`): the
item stays IN_REVIEW until the scheduler's `publish_due` publishes it (also after a restart).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from models.base import Status
from resolvers import lifecycle
from resolvers.errors import Conflict, Invalid
from resolvers.permissions import Action, can, require
from resolvers.tokens import now


@dataclass(frozen=True)
class Rules:
    """Who may edit and who may publish one kind, and how a reader names it in messages."""

    edit: Action
    publish: Action
    noun: str  # 法规, 公报


def wrong_status(rules: Rules, expected: str) -> Conflict:
    return Conflict("id", f"{rules.noun}当前状态不能执行此操作（需为{expected}）", "WRONG_STATUS")


def may_edit(ctx, rules: Rules, item) -> bool:
    """Editors change drafts; those who may publish also correct an item at any stage."""
    return can(ctx.user, rules.edit) and (item.status == Status.DRAFT or can(ctx.user, rules.publish))


def require_editable(ctx, rules: Rules, item) -> None:
    require(ctx.user, rules.edit)
    if not may_edit(ctx, rules, item):
        raise Conflict(None, f"只有草稿状态的{rules.noun}可以修改；请主编修改或先退回为草稿", "WRONG_STATUS")


async def _save_status(item, status: Status, **values) -> None:
    item.status = status
    for name, value in values.items():
        setattr(item, name, value)
    await item.save(update_fields=["status", *values, "updated_at"])


async def submit(ctx, rules: Rules, item):
    """DRAFT -> IN_REVIEW."""
    require(ctx.user, rules.edit)
    if item.status != Status.DRAFT:
        raise wrong_status(rules, "草稿")
    await _save_status(item, Status.IN_REVIEW)
    return item


async def send_back(ctx, rules: Rules, item, comment: str):
    """IN_REVIEW -> DRAFT, with the reason (kept in the audit log); a schedule is dropped."""
    require(ctx.user, rules.publish)
    if item.status != Status.IN_REVIEW:
        raise wrong_status(rules, "审核中")
    if not (comment or "").strip():
        raise Invalid("comment", "退回时请填写意见", "REQUIRED")
    await _save_status(item, Status.DRAFT, publish_at=None)
    return item


async def publish(ctx, rules: Rules, item, publish_at: datetime | None = None):
    """IN_REVIEW -> PUBLISHED: public, listed and searchable from now on; or, with a future
    `publish_at`, scheduled: it stays in review until the scheduler publishes it then."""
    require(ctx.user, rules.publish)
    if item.status != Status.IN_REVIEW:
        raise wrong_status(rules, "审核中")
    if publish_at is not None:
        if publish_at.tzinfo is None:
            raise Invalid("publishAt", "发布时间须带时区", "INVALID")
        if publish_at > now():
            await _save_status(item, Status.IN_REVIEW, publish_at=publish_at)
            return item
    await _save_status(item, Status.PUBLISHED, published_at=now(), publish_at=None)
    await lifecycle.published(ctx, item)
    return item


async def publish_due(services, model, record: Callable[[Any], Awaitable[Any]] | None = None) -> list:
    """Publish every item of `model` (articles too) whose scheduled time has come, dated that
    time; `record` notes each in the item's own trail before the index and subscribers hear."""
    published = []
    due = await model.filter(status=Status.IN_REVIEW, publish_at__lte=now()).order_by("publish_at", "id")
    for item in due:
        # Claim the row: with several app processes only one of them publishes it.
        claimed = await model.filter(id=item.id, status=Status.IN_REVIEW, publish_at=item.publish_at).update(
            status=Status.PUBLISHED, published_at=item.publish_at, publish_at=None, updated_at=now())
        if not claimed:
            continue
        await item.refresh_from_db()
        if record is not None:
            await record(item)
        await lifecycle.published(services, item)
        published.append(item)
    return published


async def unpublish(ctx, rules: Rules, item):
    """PUBLISHED, ARCHIVED or scheduled -> DRAFT: out of sight of the public at once."""
    require(ctx.user, rules.publish)
    if item.status not in (Status.PUBLISHED, Status.ARCHIVED) and not item.publish_at:
        raise wrong_status(rules, "已发布、已归档或已排期")
    await _save_status(item, Status.DRAFT, publish_at=None)
    await lifecycle.unpublished(ctx, item)
    return item


async def archive(ctx, rules: Rules, item):
    """PUBLISHED -> ARCHIVED: out of lists and search, still reachable by its address."""
    require(ctx.user, rules.publish)
    if item.status != Status.PUBLISHED:
        raise wrong_status(rules, "已发布")
    await _save_status(item, Status.ARCHIVED)
    await lifecycle.unpublished(ctx, item)
    return item


async def changed(ctx, item) -> None:
    """An item was edited: a published one is re-indexed at once."""
    if item.status == Status.PUBLISHED:
        await lifecycle.changed(ctx, item)
