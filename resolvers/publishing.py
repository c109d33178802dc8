"""The editorial lifecycle of publishable content other than news articles (regulations, gazette
issues ...): DRAFT -> IN_REVIEW -> PUBLISHED -> ARCHIVED, with the same rules as articles
(resolvers/workflow.py) minus review stages and stored revisions.

Each kind names the actions that guard it (`Rules`); the search index and subscribers follow
every change through resolvers/lifecycle.py. Scheduled publishing (`publishAt`) is for articles
only: the scheduler does not run these kinds.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    """IN_REVIEW -> DRAFT, with the reason (kept in the audit log)."""
    require(ctx.user, rules.publish)
    if item.status != Status.IN_REVIEW:
        raise wrong_status(rules, "审核中")
    if not (comment or "").strip():
        raise Invalid("comment", "退回时请填写意见", "REQUIRED")
    await _save_status(item, Status.DRAFT)
    return item


async def publish(ctx, rules: Rules, item):
    """IN_REVIEW -> PUBLISHED: public, listed and searchable from now on."""
    require(ctx.user, rules.publish)
    if item.status != Status.IN_REVIEW:
        raise wrong_status(rules, "审核中")
    await _save_status(item, Status.PUBLISHED, published_at=now(), publish_at=None)
    await lifecycle.published(ctx, item)
    return item


async def unpublish(ctx, rules: Rules, item):
    """PUBLISHED or ARCHIVED -> DRAFT: out of sight of the public at once."""
    require(ctx.user, rules.publish)
    if item.status not in (Status.PUBLISHED, Status.ARCHIVED):
        raise wrong_status(rules, "已发布或已归档")
    await _save_status(item, Status.DRAFT)
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
