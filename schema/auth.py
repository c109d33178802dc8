"""Log-in, tokens, registration and passwords."""

from __future__ import annotations

from typing import Annotated

import strawberry

from models.users import Role
from resolvers import auth
from resolvers.errors import Unauthenticated
from schema.base import Info, result_union
from schema.permissions import guard
from schema.users import User


@strawberry.type(description="A log-in: the access token to send as `Authorization: Bearer <token>`, and how to renew it.")
class LoginPayload:
    token: str = strawberry.field(description="Access token; expires after a short time (30 minutes by default).")
    refresh_token: str = strawberry.field(
        description="Use once with `tokenRefresh` for a new pair; `logout` revokes it.")
    user: User = strawberry.field(description="The logged-in user.")

    @classmethod
    def of(cls, payload: auth.LoginPayload) -> LoginPayload:
        return cls(token=payload.token, refresh_token=payload.refresh_token, user=User.from_model(payload.user))


@strawberry.input(description="Credentials for `login`.")
class LoginInput:
    username: str = strawberry.field(description="Username or e-mail address.")
    password: str = strawberry.field(description="Password.")


@strawberry.input(description="A refresh token to exchange for a new token pair.")
class TokenRefreshInput:
    refresh_token: str = strawberry.field(description="The `refreshToken` of the last log-in or refresh.")


@strawberry.input(description="A citizen's self-registration.")
class RegisterInput:
    username: str = strawberry.field(description="3 to 32 letters, digits, Chinese characters or _ . -.")
    password: str = strawberry.field(description="At least 10 characters of three classes (upper, lower, digits, symbols).")
    email: str = strawberry.field(description="E-mail address, used to reset a forgotten password.")
    phone: str | None = strawberry.field(default=None, description="Mainland mobile number (verified later before commenting).")
    display_name: str | None = strawberry.field(default=None, description="Name shown to others.")


@strawberry.input(description="Change one's own password.")
class PasswordChangeInput:
    old_password: str = strawberry.field(description="The current password.")
    new_password: str = strawberry.field(description="The new password (policy as for registration).")


@strawberry.input(description="Ask for a password-reset code by e-mail.")
class PasswordResetRequestInput:
    email: str = strawberry.field(description="The account's e-mail address.")


@strawberry.input(description="Set a new password with the code received by e-mail.")
class PasswordResetConfirmInput:
    email: str = strawberry.field(description="The account's e-mail address.")
    code: str = strawberry.field(description="The 6-digit code from the e-mail; valid 30 minutes, 5 attempts.")
    new_password: str = strawberry.field(description="The new password.")


@strawberry.type(description="Outcome of a mutation that has nothing to return but success.")
class Done:
    ok: bool = strawberry.field(description="Always true: failures come back as FieldErrors.")


LoginResult = result_union("LoginResult", LoginPayload)
RegisterResult = result_union("RegisterResult", LoginPayload)
PasswordChangeResult = result_union("PasswordChangeResult", User)
PasswordResetRequestResult = result_union("PasswordResetRequestResult", Done)
PasswordResetConfirmResult = result_union("PasswordResetConfirmResult", Done)


# The `input` argument of each mutation, described.
LoginInputArg = Annotated[LoginInput, strawberry.argument(description="Username (or e-mail address) and password.")]
TokenRefreshInputArg = Annotated[TokenRefreshInput, strawberry.argument(description="The refresh token to exchange.")]
RegisterInputArg = Annotated[RegisterInput, strawberry.argument(description="The new citizen account.")]
PasswordChangeInputArg = Annotated[PasswordChangeInput, strawberry.argument(description="The current and the new password.")]
PasswordResetRequestInputArg = Annotated[PasswordResetRequestInput, strawberry.argument(
    description="The e-mail address to send the code to.")]
PasswordResetConfirmInputArg = Annotated[PasswordResetConfirmInput, strawberry.argument(
    description="The e-mail address, the mailed code and the new password.")]


@strawberry.type
class AuthMutation:
    @strawberry.mutation(description="Log in with username (or e-mail) and password. Repeated failures lock "
                         "the account and the client address for a while (RATE_LIMITED).",
                         extensions=guard(audit_as="user.login"))
    async def login(self, info: Info, input: LoginInputArg) -> LoginResult:
        return LoginPayload.of(await auth.login(info.context, input.username, input.password))

    @strawberry.mutation(description="Exchange a refresh token for a new token pair; the old refresh token stops working.",
                         extensions=guard())
    async def token_refresh(self, info: Info, input: TokenRefreshInputArg) -> LoginResult:
        return LoginPayload.of(await auth.refresh(info.context, input.refresh_token))

    @strawberry.mutation(description="End the current log-in: its access and refresh tokens stop working.",
                         extensions=guard())
    async def logout(self, info: Info) -> bool:
        return await auth.logout(info.context)

    @strawberry.mutation(description="Register as a citizen (公众) and log in.", extensions=guard())
    async def register(self, info: Info, input: RegisterInputArg) -> RegisterResult:
        payload = await auth.register(info.context, input.username, input.password, input.email, input.phone,
                                      input.display_name or "")
        return LoginPayload.of(payload)

    @strawberry.mutation(description="Change one's own password; other log-ins of the account end.",
                         extensions=guard(audit_as="user.password_change"))
    async def password_change(self, info: Info, input: PasswordChangeInputArg) -> PasswordChangeResult:
        if info.context.user is None:
            raise Unauthenticated()
        return User.from_model(await auth.change_password(info.context, input.old_password, input.new_password))

    @strawberry.mutation(description="Send a reset code to the address if an account has it; the answer is "
                         "the same either way, so it does not reveal who is registered.", extensions=guard())
    async def password_reset_request(self, info: Info, input: PasswordResetRequestInputArg) -> PasswordResetRequestResult:
        await auth.request_password_reset(info.context, input.email)
        return Done(ok=True)

    @strawberry.mutation(description="Set a new password with an e-mailed code; every log-in of the account ends.",
                         extensions=guard())
    async def password_reset_confirm(self, info: Info, input: PasswordResetConfirmInputArg) -> PasswordResetConfirmResult:
        await auth.confirm_password_reset(info.context, input.email, input.code, input.new_password)
        return Done(ok=True)


__all__ = ["AuthMutation", "Role"]
