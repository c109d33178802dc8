"""User administration and personal data masking."""

from __future__ import annotations

from tortoise.expressions import Q

from models.users import Role, Session, User
from resolvers.errors import Conflict, Invalid, NotFound
from resolvers.pagination import Page, paginate
from resolvers.tokens import now


def mask_phone(phone: str | None) -> str | None:
    """138****1234: personal numbers are shown masked to everyone but the owner and admins."""
    if not phone:
        return None
    return phone[:3] + "*" * max(len(phone) - 7, 0) + phone[-4:] if len(phone) >= 7 else "*" * len(phone)


def mask_email(email: str | None) -> str | None:
    if not email or "@" not in email:
        return None
    name, domain = email.split("@", 1)
    return f"{name[:1]}***@{domain}"


async def list_users(role: Role | None, search: str | None, first, after, page) -> Page:
    query = User.all()
    if role:
        query = query.filter(role=role)
    if search:
        query = query.filter(Q(username__icontains=search) | Q(display_name__icontains=search))
    return await paginate(query, ["-id"], first, after, page)


async def get_user(user_id: int) -> User:
    user = await User.filter(id=user_id).first()
    if user is None:
        raise NotFound("用户不存在")
    return user


async def update_user(ctx, user: User, role: Role | None, is_active: bool | None,
                      display_name: str | None) -> User:
    if user.id == ctx.user.id and (role not in (None, Role.ADMIN) or is_active is False):
        raise Conflict("role", "不能降低或停用自己的管理员账号", "SELF_LOCKOUT")
    if display_name is not None:
        display_name = display_name.strip()
        if not display_name or len(display_name) > 64:
            raise Invalid("displayName", "显示名称为1至64个字符", "INVALID")
        user.display_name = display_name
    if role is not None:
        user.role = role
    if is_active is not None:
        user.is_active = is_active
    await user.save()
    if is_active is False or role is not None:
        # A role change or deactivation takes effect at once: existing log-ins end.
        await Session.filter(user_id=user.id, revoked_at=None).update(revoked_at=now())
    return user
