"""Roles and permissions: user administration, personal data masking, users as nodes."""

from __future__ import annotations

import pytest

from models.users import Role
from resolvers.auth import create_user
from tests.api.factories import gid, make_article, make_column
from tests.conftest import LOGIN, PASSWORD, GraphQLClient, make_client

pytestmark = pytest.mark.db

USER_CREATE = """mutation($input: UserCreateInput!) { userCreate(input: $input) {
  __typename ... on User { id username role displayName email phone }
  ... on FieldErrors { errors { field code } } } }"""
USER_UPDATE = """mutation($input: UserUpdateInput!) { userUpdate(input: $input) {
  __typename ... on User { id role isActive displayName } ... on FieldErrors { errors { field code } } } }"""
USERS = "{ users(first: 50) { totalCount edges { node { username email phone } } } }"
ME = "{ me { id username email phone isActive } }"
NODE_USER = "query($id: ID!) { node(id: $id) { __typename ... on User { username email phone } } }"
CREATED_BY = """query($id: ID!) { article(id: $id) { createdBy { username email phone isActive lastLoginAt } } }"""


def new_user(**changes) -> dict:
    values = {"username": "bianji2", "password": "Strong#Pass123", "role": "EDITOR",
              "email": "bianji2@example.cn", "phone": "13812341234", "displayName": "编辑二"}
    values.update(changes)
    return {"input": values}


async def test_admin_creates_a_user_of_any_role(admin, anonymous):
    created = (await admin.ok(USER_CREATE, new_user()))["userCreate"]
    assert created["__typename"] == "User"
    assert created["role"] == "EDITOR"
    assert created["email"] == "bianji2@example.cn"
    login = await anonymous.ok("""mutation { login(input: {username: "bianji2", password: "Strong#Pass123"}) {
      __typename ... on LoginPayload { user { role } } } }""")
    assert login["login"] == {"__typename": "LoginPayload", "user": {"role": "EDITOR"}}


async def test_user_create_validates_like_registration(admin):
    await admin.ok(USER_CREATE, new_user())
    again = (await admin.ok(USER_CREATE, new_user(password="weak")))["userCreate"]
    assert {(e["field"], e["code"]) for e in again["errors"]} >= {("password", "PASSWORD_TOO_SHORT")}
    taken = (await admin.ok(USER_CREATE, new_user(email="x@example.cn")))["userCreate"]
    assert {(e["field"], e["code"]) for e in taken["errors"]} == {("username", "TAKEN")}


async def test_only_admins_manage_users(http, editor, chief_editor, citizen, anonymous):
    target = gid("User", editor.user.id)
    for client in (editor, chief_editor, citizen):
        assert await client.error_code(USER_CREATE, new_user()) == "FORBIDDEN"
        assert await client.error_code(USER_UPDATE, {"input": {"id": target, "role": "ADMIN"}}) == "FORBIDDEN"
        assert await client.error_code(USERS) == "FORBIDDEN"
    assert await anonymous.error_code(USER_CREATE, new_user()) == "UNAUTHENTICATED"
    assert await anonymous.error_code(USER_UPDATE, {"input": {"id": target, "role": "ADMIN"}}) == "UNAUTHENTICATED"
    assert await anonymous.error_code(USERS) == "UNAUTHENTICATED"
    assert (await editor.ok("{ me { role } }"))["me"]["role"] == "EDITOR"


async def test_role_change_takes_effect_and_ends_sessions(admin, editor):
    assert (await editor.ok("{ articles(status: [DRAFT]) { totalCount } }"))["articles"]["totalCount"] == 0
    updated = (await admin.ok(USER_UPDATE, {"input": {"id": gid("User", editor.user.id), "role": "CITIZEN"}}))
    assert updated["userUpdate"]["role"] == "CITIZEN"
    assert (await editor.ok("{ me { role } }"))["me"] is None
    assert await editor.error_code("{ articles(status: [DRAFT]) { totalCount } }") == "UNAUTHENTICATED"


async def test_deactivated_user_cannot_log_in(http, admin, editor, anonymous):
    await admin.ok(USER_UPDATE, {"input": {"id": gid("User", editor.user.id), "isActive": False}})
    assert (await editor.ok("{ me { id } }"))["me"] is None
    login = await anonymous.ok("""mutation($p: String!) { login(input: {username: "editor", password: $p}) {
      __typename ... on FieldErrors { errors { code } } } }""", {"p": PASSWORD})
    assert login["login"]["errors"] == [{"code": "INVALID_CREDENTIALS"}]


async def test_admin_cannot_lock_themselves_out(admin):
    result = (await admin.ok(USER_UPDATE, {"input": {"id": gid("User", admin.user.id), "role": "EDITOR"}}))
    assert result["userUpdate"]["errors"] == [{"field": "role", "code": "SELF_LOCKOUT"}]
    assert (await admin.ok("{ me { role } }"))["me"]["role"] == "ADMIN"


async def test_personal_data_is_masked_for_others(http, admin, editor):
    owner = await create_user("daibiao", PASSWORD, Role.CHIEF_EDITOR, "daibiao@example.cn", "13812341234")
    column = await make_column()
    article = await make_article(column, created_by=owner)
    seen_by_editor = (await editor.ok(CREATED_BY, {"id": gid("Article", article.id)}))["article"]["createdBy"]
    assert seen_by_editor == {"username": "daibiao", "email": "d***@example.cn", "phone": "138****1234",
                              "isActive": None, "lastLoginAt": None}
    seen_by_admin = (await admin.ok(CREATED_BY, {"id": gid("Article", article.id)}))["article"]["createdBy"]
    assert seen_by_admin["email"] == "daibiao@example.cn"
    assert seen_by_admin["phone"] == "13812341234"
    assert seen_by_admin["isActive"] is True
    listed = (await admin.ok(USERS))["users"]
    assert {"username": "daibiao", "email": "daibiao@example.cn", "phone": "13812341234"} in [
        e["node"] for e in listed["edges"]]
    me = (await (await make_client(http, Role.CITIZEN, "daibiao2")).ok(ME))["me"]
    assert me["email"] == "daibiao2@example.cn"
    assert me["isActive"] is True


async def test_owner_sees_own_phone_in_clear(anonymous):
    await create_user("shimin", PASSWORD, Role.CITIZEN, "shimin@example.cn", "13912345678")
    login = (await anonymous.ok(LOGIN, {"u": "shimin", "p": PASSWORD}))["login"]
    assert login["user"]["username"] == "shimin"
    me = await GraphQLClient(anonymous.http, login["token"]).ok(ME)
    assert me["me"]["phone"] == "13912345678"
    assert me["me"]["email"] == "shimin@example.cn"


async def test_user_node_is_null_for_others(http, admin, editor, citizen, anonymous):
    target = gid("User", citizen.user.id)
    assert (await anonymous.ok(NODE_USER, {"id": target}))["node"] is None
    assert (await editor.ok(NODE_USER, {"id": target}))["node"] is None
    assert (await citizen.ok(NODE_USER, {"id": target}))["node"]["username"] == "citizen"
    assert (await admin.ok(NODE_USER, {"id": target}))["node"]["username"] == "citizen"
    both = await editor.ok("query($ids: [ID!]!) { nodes(ids: $ids) { __typename } }",
                           {"ids": [target, gid("User", editor.user.id)]})
    assert both["nodes"] == [None, {"__typename": "User"}]
