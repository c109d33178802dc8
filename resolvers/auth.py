"""Log-in, sessions, registration and password changes and resets."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from tortoise.transactions import in_transaction

from models.users import LoginFailure, PasswordResetCode, Role, Session, User
from notify.mailer import Message
from resolvers import audit
from resolvers.errors import Collector, Invalid, RateLimited, Unauthenticated
from resolvers.passwords import hash_password, needs_rehash, policy_errors, verify_password
from resolvers.tokens import digest, issue_access_token, new_secret, now, read_access_token

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{3,32}$")
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
RESET_CODE_MINUTES = 30
RESET_CODE_ATTEMPTS = 5


@dataclass
class LoginPayload:
    token: str
    refresh_token: str
    user: User


async def authenticate(ctx, token: str) -> tuple[User, int] | None:
    """The user and session of a bearer token, if the token and its session are valid."""
    ids = read_access_token(ctx.settings.secret_key, token)
    if ids is None:
        return None
    user_id, session_id = ids
    session = await Session.filter(id=session_id, user_id=user_id, revoked_at=None,
                                   expires_at__gt=now()).select_related("user").first()
    if session is None or not session.user.is_active:
        return None
    return session.user, session.id


async def _start_session(ctx, user: User) -> LoginPayload:
    refresh = new_secret()
    session = await Session.create(
        user=user, refresh_hash=digest(refresh), client_address=ctx.client_address[:64],
        expires_at=now() + timedelta(days=ctx.settings.refresh_token_days),
    )
    token = issue_access_token(ctx.settings.secret_key, user.id, session.id,
                               ctx.settings.access_token_minutes)
    return LoginPayload(token=token, refresh_token=refresh, user=user)


async def _check_not_locked(ctx, account: str) -> None:
    s = ctx.settings
    since = now() - timedelta(minutes=s.login_window_minutes)
    per_account = await LoginFailure.filter(username=account, created_at__gt=since).count()
    per_address = 0
    if ctx.client_address:
        per_address = await LoginFailure.filter(client_address=ctx.client_address,
                                                created_at__gt=since).count()
    if per_account >= s.login_max_failures or per_address >= s.login_max_failures_per_address:
        raise RateLimited(f"登录失败次数过多，请{s.login_lock_minutes}分钟后再试")


async def find_account(identifier: str) -> User | None:
    """The user a log-in name means: a username (any letter case) or an e-mail address."""
    user = await User.filter(username__iexact=identifier).first()
    if user is None and "@" in identifier:
        user = await User.filter(email=identifier.lower()).first()
    return user


async def login(ctx, username: str, password: str) -> LoginPayload:
    username = (username or "").strip()
    if not username or not password:
        raise Invalid("username" if not username else "password", "请输入用户名和密码", "REQUIRED")
    user = await find_account(username)
    # Failures count against the account, however it was named (username, other letter case, e-mail),
    # so alternating the spellings does not multiply the guesses.
    account = (user.username if user else username).lower()[:64]
    await _check_not_locked(ctx, account)
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.is_active:
        await LoginFailure.create(username=account, client_address=ctx.client_address[:64])
        raise Invalid(None, "用户名或密码错误", "INVALID_CREDENTIALS")
    # A success clears this account's failures, not the address's: guessing many accounts stays limited.
    await LoginFailure.filter(username=account).delete()
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now()
    await user.save(update_fields=["password_hash", "last_login_at"])
    ctx.user = user
    return await _start_session(ctx, user)


async def refresh(ctx, refresh_token: str) -> LoginPayload:
    """Rotate a refresh token: the old one stops working, a new session continues the log-in."""
    session = await Session.filter(refresh_hash=digest(refresh_token or "")).select_related("user").first()
    if session is None or session.revoked_at or session.expires_at <= now() or not session.user.is_active:
        raise Invalid("refreshToken", "登录已失效，请重新登录", "INVALID_TOKEN")
    session.revoked_at = now()
    await session.save(update_fields=["revoked_at"])
    ctx.user = session.user
    return await _start_session(ctx, session.user)


async def logout(ctx) -> bool:
    if ctx.user is None or ctx.session_id is None:
        raise Unauthenticated()
    await Session.filter(id=ctx.session_id).update(revoked_at=now())
    return True


def _check_identity(errors: Collector, username: str, email: str | None, phone: str | None) -> None:
    if not USERNAME_RE.match(username or ""):
        errors.add("username", "用户名为3至32位字母、数字、汉字或 _ . -", "INVALID_USERNAME")
    if email is not None and email != "" and not EMAIL_RE.match(email):
        errors.add("email", "邮箱地址格式不正确", "INVALID_EMAIL")
    if phone is not None and phone != "" and not PHONE_RE.match(phone):
        errors.add("phone", "手机号码格式不正确", "INVALID_PHONE")


async def create_user(username: str, password: str, role: Role, email: str | None = None,
                      phone: str | None = None, display_name: str = "") -> User:
    """Create an account after checking identity fields, uniqueness and the password policy."""
    username = (username or "").strip()
    email = (email or "").strip().lower() or None
    phone = (phone or "").strip() or None
    errors = Collector()
    _check_identity(errors, username, email, phone)
    for err in policy_errors(password or "", username):
        errors.add(*err)
    if not errors.errors:
        # Names differing only in letter case would pass for one another.
        if await User.filter(username__iexact=username).exists():
            errors.add("username", "该用户名已被使用", "TAKEN")
        if email and await User.filter(email=email).exists():
            errors.add("email", "该邮箱已注册", "TAKEN")
    errors.raise_if_any()
    return await User.create(username=username, email=email, phone=phone, role=role,
                             display_name=(display_name or username)[:64],
                             password_hash=hash_password(password))


async def register(ctx, username: str, password: str, email: str, phone: str | None,
                   display_name: str = "") -> LoginPayload:
    if not email:
        raise Invalid("email", "请填写邮箱，用于找回密码", "REQUIRED")
    user = await create_user(username, password, Role.CITIZEN, email, phone, display_name)
    ctx.user = user
    return await _start_session(ctx, user)


async def change_password(ctx, old_password: str, new_password: str) -> User:
    user = ctx.user
    if user is None:
        raise Unauthenticated()
    if not verify_password(user.password_hash, old_password or ""):
        raise Invalid("oldPassword", "原密码不正确", "INVALID_CREDENTIALS")
    errors = policy_errors(new_password or "", user.username, "newPassword")
    if errors:
        raise Invalid.many(errors)
    await _set_password(user, new_password, keep_session=ctx.session_id)
    return user


async def _set_password(user: User, password: str, keep_session: int | None = None) -> None:
    async with in_transaction():
        user.password_hash = hash_password(password)
        user.password_changed_at = now()
        await user.save(update_fields=["password_hash", "password_changed_at"])
        # Other log-ins end: whoever knew the old password is signed out everywhere.
        await Session.filter(user_id=user.id, revoked_at=None).exclude(id=keep_session or 0).update(
            revoked_at=now())


async def request_password_reset(ctx, email: str) -> bool:
    """Mail a one-time code; answers the same whether or not the address is registered."""
    email = (email or "").strip().lower()
    if not EMAIL_RE.match(email):
        raise Invalid("email", "邮箱地址格式不正确", "INVALID_EMAIL")
    user = await User.filter(email=email, is_active=True).first()
    if user is None:
        return True
    recent = await PasswordResetCode.filter(user=user, created_at__gt=now() - timedelta(minutes=1)).exists()
    if recent:
        return True  # at most one mail a minute per account
    code = f"{secrets.randbelow(1_000_000):06d}"
    await PasswordResetCode.create(user=user, code_hash=digest(code),
                                   expires_at=now() + timedelta(minutes=RESET_CODE_MINUTES))
    await ctx.mailer.send(Message(
        to=email,
        subject="线上人大：重置密码验证码",
        text=(f"{user.display_name or user.username}，您好：\n\n您正在重置线上人大账号的密码，验证码为 {code}，"
              f"{RESET_CODE_MINUTES}分钟内有效。\n如非本人操作，请忽略本邮件。\n\n{ctx.settings.public_base_url}"),
    ))
    return True


async def confirm_password_reset(ctx, email: str, code: str, new_password: str) -> bool:
    email = (email or "").strip().lower()
    user = await User.filter(email=email, is_active=True).first()
    invalid = Invalid("code", "验证码错误或已过期", "INVALID_CODE")
    if user is None:
        raise invalid
    pending = await PasswordResetCode.filter(user=user, used_at=None, expires_at__gt=now()).order_by("-id").first()
    if pending is None or pending.attempts >= RESET_CODE_ATTEMPTS:
        raise invalid
    if not secrets.compare_digest(pending.code_hash, digest((code or "").strip())):
        pending.attempts += 1
        await pending.save(update_fields=["attempts"])
        raise invalid
    errors = policy_errors(new_password or "", user.username, "newPassword")
    if errors:
        raise Invalid.many(errors)
    pending.used_at = now()
    await pending.save(update_fields=["used_at"])
    await _set_password(user, new_password)
    await LoginFailure.filter(username=user.username.lower()).delete()
    ctx.user = user
    await audit.record(ctx, "user.password_reset", f"User:{user.id}")
    return True
