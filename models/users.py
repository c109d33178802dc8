"""Accounts, roles, sessions and the records that protect log-in."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields

from models.base import BaseModel, TimestampMixin


class Role(StrEnum):
    """What a user is on the platform (see DOMAIN.md)."""

    CITIZEN = "CITIZEN"
    DEPUTY = "DEPUTY"
    MEMBER = "MEMBER"
    EDITOR = "EDITOR"
    CHIEF_EDITOR = "CHIEF_EDITOR"
    MODERATOR = "MODERATOR"
    OFFICE_STAFF = "OFFICE_STAFF"
    HANDLING_UNIT = "HANDLING_UNIT"
    ADMIN = "ADMIN"


ROLE_LABELS = {
    Role.CITIZEN: "公众",
    Role.DEPUTY: "人大代表",
    Role.MEMBER: "常委会组成人员",
    Role.EDITOR: "编辑",
    Role.CHIEF_EDITOR: "主编",
    Role.MODERATOR: "审核员",
    Role.OFFICE_STAFF: "工作人员",
    Role.HANDLING_UNIT: "承办单位",
    Role.ADMIN: "系统管理员",
}


class User(BaseModel, TimestampMixin):
    username = fields.CharField(max_length=64, unique=True)
    email = fields.CharField(max_length=254, null=True, unique=True)
    phone = fields.CharField(max_length=32, null=True)
    display_name = fields.CharField(max_length=64, default="")
    role = fields.CharEnumField(Role, max_length=16, default=Role.CITIZEN, db_index=True)
    password_hash = fields.CharField(max_length=255)
    is_active = fields.BooleanField(default=True)
    # Bumped on password change: every session issued before it becomes invalid.
    password_changed_at = fields.DatetimeField(null=True)
    last_login_at = fields.DatetimeField(null=True)

    class Meta:
        table = "users"


class Session(BaseModel):
    """A log-in: the refresh token (stored hashed) and the access tokens that carry its id."""

    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="sessions", on_delete=fields.CASCADE
    )
    refresh_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    client_address = fields.CharField(max_length=64, default="")

    class Meta:
        table = "sessions"


class LoginFailure(BaseModel):
    """One failed log-in, counted per username and per client address to lock out guessing."""

    username = fields.CharField(max_length=64, db_index=True)
    client_address = fields.CharField(max_length=64, db_index=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "login_failures"


class PasswordResetCode(BaseModel):
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="reset_codes", on_delete=fields.CASCADE
    )
    code_hash = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    attempts = fields.IntField(default=0)
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "password_reset_codes"


__all__ = ["ROLE_LABELS", "LoginFailure", "PasswordResetCode", "Role", "Session", "User"]
