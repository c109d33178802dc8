"""The audit trail, readable by admins."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from models.audit import AuditLog as AuditLogModel
from resolvers.pagination import paginate
from resolvers.permissions import Action
from schema.base import After, Connection, First, Info, Node, PageNumber, to_global_id
from schema.permissions import restricted


@strawberry.type(description="One audited action: who did what to which target, from where, with what result.")
class AuditEntry(Node):
    created_at: datetime = strawberry.field(description="When.")
    username: str = strawberry.field(description="Who (empty for anonymous attempts).")
    action: str = strawberry.field(description="What, e.g. article.publish, user.login.")
    target: str = strawberry.field(description="The target's global ID or name.")
    result: str = strawberry.field(description="OK, INVALID, DENIED or ERROR.")
    detail: str = strawberry.field(description="Why it failed, if it did.")
    client_address: str = strawberry.field(description="The client's address.")

    @classmethod
    def from_model(cls, row: AuditLogModel) -> AuditEntry:
        return cls(id=to_global_id("AuditEntry", row.id), created_at=row.created_at, username=row.username,
                   action=row.action, target=row.target, result=row.result, detail=row.detail,
                   client_address=row.client_address)


@strawberry.type
class AuditQuery:
    @strawberry.field(description="The audit log, newest first (admins only).", extensions=restricted(Action.AUDIT_READ))
    async def audit_log(
        self, info: Info,
        action: Annotated[str | None, strawberry.argument(description="Only this action.")] = None,
        first: First = None, after: After = None, page: PageNumber = None,
    ) -> Connection[AuditEntry]:
        query = AuditLogModel.all()
        if action:
            query = query.filter(action=action)
        return Connection.from_page(await paginate(query, ["-id"], first, after, page), AuditEntry.from_model)
