"""Declared permissions and the handling every mutation shares.

`guard(Action.X)` on a field or mutation checks the caller's role before the resolver runs,
turns the domain's expected failures into `FieldErrors`, and writes the audit row of
privileged actions (allowed, refused, invalid or failed) with the target's ID.
"""

from __future__ import annotations

from typing import Any

from strawberry.extensions import FieldExtension

from resolvers import audit
from resolvers.errors import DomainError, Forbidden, Invalid, Unauthenticated
from resolvers.permissions import AUDITED, Action, require
from schema.base import FieldErrors


def _target(kwargs: dict[str, Any]) -> str:
    data = kwargs.get("input")
    for name in ("id", "article_id", "target_id", "revision_id", "username"):
        value = getattr(data, name, None) if data is not None else kwargs.get(name)
        if isinstance(value, str | int) and value:
            return str(value)
    return ""


def _operation(python_name: str) -> str:
    """The audit name of a mutation: `column_create` -> `column.create`, `article_revision_restore` ->
    `article_revision.restore`; the log tells a deletion from a rename, not only the permission used."""
    noun, _, verb = python_name.rpartition("_")
    return f"{noun}.{verb}" if noun else verb


class Guard(FieldExtension):
    def __init__(self, action: Action | None = None, audit_as: str | None = None,
                 errors_as_data: bool = True) -> None:
        self.action = action
        self.audit_as = audit_as
        self.audited = audit_as is not None or action in AUDITED
        self.errors_as_data = errors_as_data

    async def resolve_async(self, next_, source, info, **kwargs):
        ctx = info.context
        target = _target(kwargs)
        audit_as = self.audit_as or _operation(info.python_name)
        try:
            if self.action is not None:
                require(ctx.user, self.action)
            result = await next_(source, info, **kwargs)
        except Invalid as error:
            await self._audit(ctx, audit_as, target, "INVALID", error.message)
            if not self.errors_as_data:
                raise
            return FieldErrors.of(error.errors)
        except (Forbidden, Unauthenticated) as error:
            await self._audit(ctx, audit_as, target, "DENIED", error.message)
            raise
        except DomainError as error:
            await self._audit(ctx, audit_as, target, "ERROR", error.message)
            raise
        # What a create made has no ID in its input: the audit names the new object.
        await self._audit(ctx, audit_as, target or str(getattr(result, "id", "") or ""), "OK")
        return result

    async def _audit(self, ctx, audit_as: str, target: str, result: str, detail: str = "") -> None:
        if self.audited:
            await audit.record(ctx, audit_as, target, result, detail)


def guard(action: Action | None = None, audit_as: str | None = None) -> list[FieldExtension]:
    return [Guard(action, audit_as)]


def restricted(action: Action) -> list[FieldExtension]:
    """For query fields: refused with FORBIDDEN/UNAUTHENTICATED, never FieldErrors."""
    return [Guard(action, errors_as_data=False)]
