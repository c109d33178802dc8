"""Writing the audit trail."""

from __future__ import annotations

import logging

from models.audit import AuditLog

log = logging.getLogger("renda.audit")


async def record(ctx, action: str, target: str = "", result: str = "OK", detail: str = "") -> None:
    """One audit row: time, user, action, target, result, client address. Never fails the request."""
    user = ctx.user
    try:
        await AuditLog.create(
            user_id=user.id if user else None,
            username=user.username if user else "",
            action=str(action)[:64],
            target=str(target)[:128],
            result=result,
            detail=detail[:255],
            client_address=ctx.client_address[:64],
        )
    except Exception:  # the audit must not turn a done action into an error
        log.exception("could not write audit row for %s", action)
