"""The audit trail: one row for every privileged action, allowed or not."""

from __future__ import annotations

from tortoise import fields

from models.base import BaseModel


class AuditLog(BaseModel):
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)
    user: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    username = fields.CharField(max_length=64, default="")  # kept if the user is deleted
    action = fields.CharField(max_length=64, db_index=True)
    target = fields.CharField(max_length=128, default="")
    result = fields.CharField(max_length=16)  # OK | INVALID | DENIED | ERROR
    detail = fields.CharField(max_length=255, default="")
    client_address = fields.CharField(max_length=64, default="")

    class Meta:
        table = "audit_log"
        ordering = ["-id"]


__all__ = ["AuditLog"]
