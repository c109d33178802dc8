"""Accounts: registration, log-in, token rotation, log-out, password change and reset, lockout."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from models.users import LoginFailure, PasswordResetCode, Role
from resolvers.auth import create_user
from resolvers.tokens import now
from tests.api.factories import http_from
from tests.conftest import LOGIN, PASSWORD, GraphQLClient

pytestmark = pytest.mark.db

PAYLOAD = """__typename
  ... on LoginPayload { token refreshToken user { id username role email } }
  ... on FieldErrors { errors { field code message } }"""

REGISTER = f"""mutation($input: RegisterInput!) {{ register(input: $input) {{ {PAYLOAD} }} }}"""
TOKEN_REFRESH = f"""mutation($r: String!) {{ tokenRefresh(input: {{refreshToken: $r}}) {{ {PAYLOAD} }} }}"""
LOGOUT = "mutation { logout }"
ME = "{ me { username role } }"
DRAFTS = "{ articles(status: [DRAFT]) { totalCount } }"
PASSWORD_CHANGE = """mutation($old: String!, $new: String!) {
  passwordChange(input: {oldPassword: $old, newPassword: $new}) {
    __typename ... on User { username } ... on FieldErrors { errors { field code } } } }"""
RESET_REQUEST = """mutation($email: String!) { passwordResetRequest(input: {email: $email}) {
  __typename ... on Done { ok } ... on FieldErrors { errors { field code } } } }"""
RESET_CONFIRM = """mutation($email: String!, $code: String!, $pw: String!) {
  passwordResetConfirm(input: {email: $email, code: $code, newPassword: $pw}) {
    __typename ... on Done { ok } ... on FieldErrors { errors { field code } } } }"""

NEW_PASSWORD = "Another#Passw0rd"


def registration(**changes) -> dict:
    values = {"username": "zhangsan", "password": "Strong#Pass123", "email": "zhangsan@example.cn"}
    values.update(changes)
    return {"input": values}


def codes(result: dict) -> set[tuple[str | None, str]]:
    assert result["__typename"] == "FieldErrors", result
    return {(e["field"], e["code"]) for e in result["errors"]}


async def login(client: GraphQLClient, username: str, password: str = PASSWORD) -> dict:
    body = await client.run(LOGIN, {"u": username, "p": password})
    return body


def mailed_code(services, to: str) -> str:
    messages = [m for m in services.mailer.sent if m.to == to]
    assert messages, f"no mail to {to}"
    return re.search(r"验证码为 (\d{6})", messages[-1].text).group(1)


# ---- registration ----------------------------------------------------------------------------------

async def test_register_creates_a_logged_in_citizen(anonymous, http):
    result = (await anonymous.ok(REGISTER, registration()))["register"]
    assert result["__typename"] == "LoginPayload"
    assert result["user"]["username"] == "zhangsan"
    assert result["user"]["role"] == "CITIZEN"
    me = await GraphQLClient(http, result["token"]).ok(ME)
    assert me["me"] == {"username": "zhangsan", "role": "CITIZEN"}


@pytest.mark.parametrize(("password", "code"), [
    ("Sh0rt#pw", "PASSWORD_TOO_SHORT"),
    ("onlylowercaseletters", "PASSWORD_TOO_WEAK"),
    ("lowercase1234567", "PASSWORD_TOO_WEAK"),
    ("Zhangsan#2024x", "PASSWORD_CONTAINS_USERNAME"),
])
async def test_register_enforces_the_password_policy(anonymous, password, code):
    result = (await anonymous.ok(REGISTER, registration(password=password)))["register"]
    assert ("password", code) in codes(result)


@pytest.mark.parametrize("username", ["ab", "has space", "x" * 33, "semi;colon", "at@sign"])
async def test_register_refuses_bad_usernames(anonymous, username):
    result = (await anonymous.ok(REGISTER, registration(username=username)))["register"]
    assert ("username", "INVALID_USERNAME") in codes(result)


async def test_register_accepts_chinese_usernames(anonymous):
    result = (await anonymous.ok(REGISTER, registration(username="张三_武汉")))["register"]
    assert result["user"]["username"] == "张三_武汉"


async def test_register_refuses_taken_username_and_email(anonymous):
    await anonymous.ok(REGISTER, registration())
    again = (await anonymous.ok(REGISTER, registration(email="other@example.cn")))["register"]
    assert codes(again) == {("username", "TAKEN")}
    same_email = (await anonymous.ok(REGISTER, registration(username="lisi",
                                                             email="ZhangSan@Example.cn")))["register"]
    assert codes(same_email) == {("email", "TAKEN")}


async def test_usernames_differing_only_in_case_are_the_same_name(anonymous):
    await anonymous.ok(REGISTER, registration())
    result = (await anonymous.ok(REGISTER, registration(username="ZhangSan", email="z2@example.cn")))["register"]
    assert codes(result) == {("username", "TAKEN")}


async def test_register_reports_every_problem_at_once(anonymous):
    result = (await anonymous.ok(REGISTER, registration(username="a", password="short", email="nope",
                                                        phone="12345")))["register"]
    fields = {field for field, _ in codes(result)}
    assert fields == {"username", "password", "email", "phone"}


# ---- log-in, refresh, log-out ------------------------------------------------------------------------

async def test_login_by_username_or_email(http, anonymous):
    await create_user("wangwu", PASSWORD, Role.CITIZEN, "wangwu@example.cn")
    by_name = (await login(anonymous, "wangwu"))["data"]["login"]
    by_email = (await login(anonymous, "WangWu@example.cn"))["data"]["login"]
    for payload in (by_name, by_email):
        assert payload["__typename"] == "LoginPayload"
        assert payload["token"] and payload["refreshToken"]
        assert payload["user"]["username"] == "wangwu"
    me = await GraphQLClient(http, by_email["token"]).ok(ME)
    assert me["me"]["username"] == "wangwu"


async def test_wrong_password_is_invalid_credentials(anonymous):
    await create_user("wangwu", PASSWORD, Role.CITIZEN, "wangwu@example.cn")
    for username in ("wangwu", "nobody"):
        result = (await login(anonymous, username, "Wrong#Passw0rd"))["data"]["login"]
        assert codes(result) == {(None, "INVALID_CREDENTIALS")}


async def test_token_refresh_rotates_the_refresh_token(http, anonymous):
    await create_user("wangwu", PASSWORD, Role.CITIZEN, "wangwu@example.cn")
    first = (await login(anonymous, "wangwu"))["data"]["login"]
    second = (await anonymous.ok(TOKEN_REFRESH, {"r": first["refreshToken"]}))["tokenRefresh"]
    assert second["__typename"] == "LoginPayload"
    assert second["refreshToken"] != first["refreshToken"]
    assert (await GraphQLClient(http, second["token"]).ok(ME))["me"]["username"] == "wangwu"
    # The used refresh token is spent.
    reuse = (await anonymous.ok(TOKEN_REFRESH, {"r": first["refreshToken"]}))["tokenRefresh"]
    assert codes(reuse) == {("refreshToken", "INVALID_TOKEN")}
    # The new one still works once.
    third = (await anonymous.ok(TOKEN_REFRESH, {"r": second["refreshToken"]}))["tokenRefresh"]
    assert third["__typename"] == "LoginPayload"


async def test_logout_ends_the_session(http, editor):
    assert (await editor.ok(ME))["me"]["username"] == "editor"
    assert (await editor.ok(DRAFTS))["articles"]["totalCount"] == 0
    assert (await editor.ok(LOGOUT))["logout"] is True
    assert (await editor.ok(ME))["me"] is None
    assert await editor.error_code(DRAFTS) == "UNAUTHENTICATED"
    assert await editor.error_code(LOGOUT) == "UNAUTHENTICATED"


async def test_logout_also_revokes_the_refresh_token(http, anonymous):
    await create_user("wangwu", PASSWORD, Role.CITIZEN, "wangwu@example.cn")
    payload = (await login(anonymous, "wangwu"))["data"]["login"]
    await GraphQLClient(http, payload["token"]).ok(LOGOUT)
    result = (await anonymous.ok(TOKEN_REFRESH, {"r": payload["refreshToken"]}))["tokenRefresh"]
    assert codes(result) == {("refreshToken", "INVALID_TOKEN")}


async def test_logout_of_one_session_keeps_the_others(http, anonymous):
    await create_user("wangwu", PASSWORD, Role.CITIZEN, "wangwu@example.cn")
    phone = GraphQLClient(http, (await login(anonymous, "wangwu"))["data"]["login"]["token"])
    laptop = GraphQLClient(http, (await login(anonymous, "wangwu"))["data"]["login"]["token"])
    await phone.ok(LOGOUT)
    assert (await laptop.ok(ME))["me"]["username"] == "wangwu"


async def test_garbage_token_is_anonymous(http):
    client = GraphQLClient(http, "not-a-token")
    assert (await client.ok(ME))["me"] is None
    assert await client.error_code(DRAFTS) == "UNAUTHENTICATED"


# ---- passwords ---------------------------------------------------------------------------------------

async def test_password_change_ends_other_sessions(http, anonymous):
    await create_user("wangwu", PASSWORD, Role.CITIZEN, "wangwu@example.cn")
    here = GraphQLClient(http, (await login(anonymous, "wangwu"))["data"]["login"]["token"])
    elsewhere = GraphQLClient(http, (await login(anonymous, "wangwu"))["data"]["login"]["token"])
    result = (await here.ok(PASSWORD_CHANGE, {"old": PASSWORD, "new": NEW_PASSWORD}))["passwordChange"]
    assert result == {"__typename": "User", "username": "wangwu"}
    assert (await here.ok(ME))["me"]["username"] == "wangwu"
    assert (await elsewhere.ok(ME))["me"] is None
    assert codes((await login(anonymous, "wangwu"))["data"]["login"]) == {(None, "INVALID_CREDENTIALS")}
    assert (await login(anonymous, "wangwu", NEW_PASSWORD))["data"]["login"]["__typename"] == "LoginPayload"


async def test_password_change_checks_old_password_and_policy(editor, anonymous):
    wrong_old = (await editor.ok(PASSWORD_CHANGE, {"old": "Wrong#Passw0rd", "new": NEW_PASSWORD}))["passwordChange"]
    assert codes(wrong_old) == {("oldPassword", "INVALID_CREDENTIALS")}
    weak = (await editor.ok(PASSWORD_CHANGE, {"old": PASSWORD, "new": "weak"}))["passwordChange"]
    assert ("newPassword", "PASSWORD_TOO_SHORT") in codes(weak)
    assert await anonymous.error_code(PASSWORD_CHANGE, {"old": PASSWORD, "new": NEW_PASSWORD}) == "UNAUTHENTICATED"


async def test_password_reset_by_mailed_code(http, anonymous, services):
    await create_user("wangwu", PASSWORD, Role.CITIZEN, "wangwu@example.cn")
    session = GraphQLClient(http, (await login(anonymous, "wangwu"))["data"]["login"]["token"])
    result = (await anonymous.ok(RESET_REQUEST, {"email": "WangWu@example.cn"}))["passwordResetRequest"]
    assert result == {"__typename": "Done", "ok": True}
    code = mailed_code(services, "wangwu@example.cn")
    confirmed = (await anonymous.ok(RESET_CONFIRM, {"email": "wangwu@example.cn", "code": code,
                                                    "pw": NEW_PASSWORD}))["passwordResetConfirm"]
    assert confirmed == {"__typename": "Done", "ok": True}
    # Every log-in ended; only the new password works; the code is single-use.
    assert (await session.ok(ME))["me"] is None
    assert codes((await login(anonymous, "wangwu"))["data"]["login"]) == {(None, "INVALID_CREDENTIALS")}
    assert (await login(anonymous, "wangwu", NEW_PASSWORD))["data"]["login"]["__typename"] == "LoginPayload"
    again = (await anonymous.ok(RESET_CONFIRM, {"email": "wangwu@example.cn", "code": code,
                                                "pw": "Third#Passw0rd"}))["passwordResetConfirm"]
    assert codes(again) == {("code", "INVALID_CODE")}


async def test_password_reset_answer_does_not_reveal_registration(http, anonymous, services):
    await create_user("wangwu", PASSWORD, Role.CITIZEN, "wangwu@example.cn")
    known = await anonymous.post(RESET_REQUEST, {"email": "wangwu@example.cn"})
    unknown = await anonymous.post(RESET_REQUEST, {"email": "nobody@example.cn"})
    assert known.status_code == unknown.status_code
    assert known.json() == unknown.json() == {"data": {"passwordResetRequest": {"__typename": "Done", "ok": True}}}
    assert [m.to for m in services.mailer.sent] == ["wangwu@example.cn"]


async def test_password_reset_code_attempts_are_limited(anonymous, services):
    await create_user("wangwu", PASSWORD, Role.CITIZEN, "wangwu@example.cn")
    await anonymous.ok(RESET_REQUEST, {"email": "wangwu@example.cn"})
    code = mailed_code(services, "wangwu@example.cn")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        result = (await anonymous.ok(RESET_CONFIRM, {"email": "wangwu@example.cn", "code": wrong,
                                                     "pw": NEW_PASSWORD}))["passwordResetConfirm"]
        assert codes(result) == {("code", "INVALID_CODE")}
    # The right code no longer helps once the attempts are used up.
    result = (await anonymous.ok(RESET_CONFIRM, {"email": "wangwu@example.cn", "code": code,
                                                 "pw": NEW_PASSWORD}))["passwordResetConfirm"]
    assert codes(result) == {("code", "INVALID_CODE")}
    assert (await login(anonymous, "wangwu"))["data"]["login"]["__typename"] == "LoginPayload"


async def test_expired_reset_code_is_refused(anonymous, services):
    await create_user("wangwu", PASSWORD, Role.CITIZEN, "wangwu@example.cn")
    await anonymous.ok(RESET_REQUEST, {"email": "wangwu@example.cn"})
    code = mailed_code(services, "wangwu@example.cn")
    await PasswordResetCode.all().update(expires_at=now() - timedelta(seconds=1))
    result = (await anonymous.ok(RESET_CONFIRM, {"email": "wangwu@example.cn", "code": code,
                                                 "pw": NEW_PASSWORD}))["passwordResetConfirm"]
    assert codes(result) == {("code", "INVALID_CODE")}


# ---- lockout -----------------------------------------------------------------------------------------

async def fail_logins(client: GraphQLClient, usernames: list[str]) -> None:
    for username in usernames:
        result = (await login(client, username, "Wrong#Passw0rd"))["data"]["login"]
        assert codes(result) == {(None, "INVALID_CREDENTIALS")}


async def test_repeated_failures_lock_the_account_for_a_while(app, http, anonymous, settings):
    await create_user("wangwu", PASSWORD, Role.CITIZEN, "wangwu@example.cn")
    await fail_logins(anonymous, ["wangwu"] * settings.login_max_failures)
    body = await login(anonymous, "wangwu")  # the right password, but locked
    assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    # The lock is per account: another address is refused too.
    async with http_from(app, "10.1.2.3") as other_http:
        body = await login(GraphQLClient(other_http), "wangwu")
        assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    # Once the failures are older than the window, the account opens again.
    await LoginFailure.all().update(created_at=now() - timedelta(minutes=settings.login_window_minutes + 1))
    assert (await login(anonymous, "wangwu"))["data"]["login"]["__typename"] == "LoginPayload"


async def test_lockout_counts_username_and_email_attempts_together(anonymous, settings):
    await create_user("wangwu", PASSWORD, Role.CITIZEN, "wangwu@example.cn")
    names = ["wangwu", "wangwu@example.cn", "WANGWU"] * settings.login_max_failures
    await fail_logins(anonymous, names[:settings.login_max_failures])
    body = await login(anonymous, "wangwu@example.cn")
    assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    body = await login(anonymous, "wangwu")
    assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"


async def test_successful_login_clears_the_account_failures(anonymous, settings):
    await create_user("wangwu", PASSWORD, Role.CITIZEN, "wangwu@example.cn")
    await fail_logins(anonymous, ["wangwu"] * (settings.login_max_failures - 1))
    assert (await login(anonymous, "wangwu@example.cn"))["data"]["login"]["__typename"] == "LoginPayload"
    await fail_logins(anonymous, ["wangwu"] * (settings.login_max_failures - 1))
    assert (await login(anonymous, "wangwu"))["data"]["login"]["__typename"] == "LoginPayload"


async def test_guessing_many_accounts_from_one_address_locks_the_address(app, anonymous, settings):
    await create_user("wangwu", PASSWORD, Role.CITIZEN, "wangwu@example.cn")
    guesses = [f"guess{i}" for i in range(settings.login_max_failures_per_address)]
    await fail_logins(anonymous, guesses)
    body = await login(anonymous, "wangwu")
    assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    # The account itself is not locked: its owner logs in from elsewhere.
    async with http_from(app, "10.1.2.3") as other_http:
        result = (await login(GraphQLClient(other_http), "wangwu"))["data"]["login"]
        assert result["__typename"] == "LoginPayload"


async def test_forged_forwarded_for_does_not_escape_the_address_lock(app, anonymous, settings):
    await create_user("wangwu", PASSWORD, Role.CITIZEN, "wangwu@example.cn")
    for i in range(settings.login_max_failures_per_address):
        response = await anonymous.post(LOGIN, {"u": f"guess{i}", "p": "Wrong#Passw0rd"},
                                        headers={"X-Forwarded-For": f"198.51.100.{i}"})
        assert codes(response.json()["data"]["login"]) == {(None, "INVALID_CREDENTIALS")}
    body = (await anonymous.post(LOGIN, {"u": "wangwu", "p": PASSWORD}, headers={"X-Forwarded-For": "198.51.100.99"})).json()
    assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    # Behind our trusted proxy, the forwarded address is the client's: other clients are not locked out.
    async with http_from(app, "127.0.0.1") as proxy_http:
        proxied = await proxy_http.post("/graphql", json={"query": LOGIN, "variables": {"u": "wangwu", "p": PASSWORD}},
                                        headers={"X-Forwarded-For": "203.0.113.7"})
        assert proxied.json()["data"]["login"]["__typename"] == "LoginPayload"
