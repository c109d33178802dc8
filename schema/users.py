"""Users, roles and their administration."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry

from models import users as m
from resolvers import users as ops
from resolvers.auth import create_user
from resolvers.permissions import Action, can
from schema.base import (
    After,
    Connection,
    First,
    Info,
    Node,
    PageNumber,
    pk_of,
    register_node,
    result_union,
    to_global_id,
)
from schema.permissions import guard, restricted

Role = strawberry.enum(
    Enum("Role", {r.value: r.value for r in m.Role}),
    description="What a user is on the platform: CITIZEN (registered public), DEPUTY (人大代表), "
    "MEMBER (常委会组成人员), EDITOR (编辑), CHIEF_EDITOR (主编, approves and publishes), MODERATOR, "
    "OFFICE_STAFF (代表工作委员会办公室、法工委等), HANDLING_UNIT (承办单位), ADMIN.",
)


def _may_see_private(info: Info, user: m.User) -> bool:
    viewer = info.context.user
    return viewer is not None and (viewer.id == user.id or can(viewer, Action.USER_READ))


@strawberry.type(description="An account on the platform.")
class User(Node):
    model: strawberry.Private[m.User]
    username: str = strawberry.field(description="Log-in name.")
    display_name: str = strawberry.field(description="Name shown to others.")
    role: Role = strawberry.field(description="The user's role.")
    created_at: datetime = strawberry.field(description="When the account was created.")

    @strawberry.field(description="Chinese label of the role, e.g. 主编.")
    def role_label(self) -> str:
        return m.ROLE_LABELS[m.Role(self.model.role)]

    @strawberry.field(description="E-mail address; masked (z***@example.cn) except to the owner and admins.")
    def email(self, info: Info) -> str | None:
        return self.model.email if _may_see_private(info, self.model) else ops.mask_email(self.model.email)

    @strawberry.field(description="Mobile number; masked (138****1234) except to the owner and admins.")
    def phone(self, info: Info) -> str | None:
        return self.model.phone if _may_see_private(info, self.model) else ops.mask_phone(self.model.phone)

    @strawberry.field(description="Whether the account may log in; visible to the owner and admins.")
    def is_active(self, info: Info) -> bool | None:
        return self.model.is_active if _may_see_private(info, self.model) else None

    @strawberry.field(description="Last successful log-in; visible to the owner and admins.")
    def last_login_at(self, info: Info) -> datetime | None:
        return self.model.last_login_at if _may_see_private(info, self.model) else None

    @classmethod
    def from_model(cls, user: m.User) -> User:
        return cls(model=user, id=to_global_id("User", user.id), username=user.username,
                   display_name=user.display_name, role=Role(user.role), created_at=user.created_at)


async def _fetch_users(info: Info, ids: list[int]) -> dict[int, m.User]:
    # Accounts are visible as nodes to themselves and to admins only.
    viewer = info.context.user
    if viewer is None:
        return {}
    rows = await m.User.filter(id__in=ids)
    return {u.id: u for u in rows if u.id == viewer.id or can(viewer, Action.USER_READ)}


register_node("User", _fetch_users, User.from_model)


@strawberry.input(description="A new account created by an admin, of any role.")
class UserCreateInput:
    username: str = strawberry.field(description="3 to 32 letters, digits, Chinese characters or _ . -.")
    password: str = strawberry.field(description="At least 10 characters of three classes (upper, lower, digits, symbols).")
    role: Role = strawberry.field(description="The role of the new account.")
    email: str | None = strawberry.field(default=None, description="E-mail address, for password resets.")
    phone: str | None = strawberry.field(default=None, description="Mainland mobile number.")
    display_name: str | None = strawberry.field(default=None, description="Name shown to others.")


@strawberry.input(description="Changes to an account by an admin; omitted fields stay as they are.")
class UserUpdateInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the user.")
    role: Role | None = strawberry.field(default=None, description="New role; ends the user's log-ins.")
    is_active: bool | None = strawberry.field(default=None, description="False disables the account and ends its log-ins.")
    display_name: str | None = strawberry.field(default=None, description="New display name.")


UserCreateResult = result_union("UserCreateResult", User)
UserUpdateResult = result_union("UserUpdateResult", User)


@strawberry.type
class UserQuery:
    @strawberry.field(description="The logged-in user, or null for anonymous requests.")
    def me(self, info: Info) -> User | None:
        return User.from_model(info.context.user) if info.context.user else None

    @strawberry.field(description="All accounts, newest first (admins only).",
                      extensions=restricted(Action.USER_READ))
    async def users(self, info: Info,
                    role: Annotated[Role | None, strawberry.argument(description="Only users of this role.")] = None,
                    search: Annotated[str | None, strawberry.argument(
                        description="Part of a username or display name.")] = None,
                    first: First = None, after: After = None, page: PageNumber = None) -> Connection[User]:
        result = await ops.list_users(m.Role(role.value) if role else None, search, first, after, page)
        return Connection.from_page(result, User.from_model)


# The `input` argument of each mutation, described.
UserCreateInputArg = Annotated[UserCreateInput, strawberry.argument(description="The new account.")]
UserUpdateInputArg = Annotated[UserUpdateInput, strawberry.argument(description="The account and its changes.")]


@strawberry.type
class UserMutation:
    @strawberry.mutation(description="Create an account of any role (admins only).",
                         extensions=guard(Action.USER_MANAGE))
    async def user_create(self, info: Info, input: UserCreateInputArg) -> UserCreateResult:
        user = await create_user(input.username, input.password, m.Role(input.role.value), input.email,
                                 input.phone, input.display_name or "")
        return User.from_model(user)

    @strawberry.mutation(description="Change an account's role, state or name (admins only).",
                         extensions=guard(Action.USER_MANAGE))
    async def user_update(self, info: Info, input: UserUpdateInputArg) -> UserUpdateResult:
        user = await ops.get_user(pk_of(input.id, "User"))
        user = await ops.update_user(info.context, user, m.Role(input.role.value) if input.role else None,
                                     input.is_active, input.display_name)
        return User.from_model(user)
