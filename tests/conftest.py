"""Shared fixtures: one app per test session (migrated once), a clean database for every test,
and role-named GraphQL clients that talk to the app over ASGI.

Set DATABASE_URL=postgres://... to run the database tests against PostgreSQL.
"""

from __future__ import annotations

import logging
import os
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from tortoise import Tortoise, connections

from models.users import Role
from settings import Settings

DOCS_ROLES = {
    "admin": Role.ADMIN,
    "editor": Role.EDITOR,
    "chief_editor": Role.CHIEF_EDITOR,
    "citizen": Role.CITIZEN,
    "moderator": Role.MODERATOR,
    "office_staff": Role.OFFICE_STAFF,
    "deputy": Role.DEPUTY,
}
PASSWORD = "Test#Passw0rd!"


class GraphQLClient:
    """Runs GraphQL documents as one user; `ok()` fails the test on unexpected errors."""

    def __init__(self, http: httpx.AsyncClient, token: str | None = None, user=None):
        self.http, self.token, self.user = http, token, user

    async def post(self, query: str, variables: dict | None = None, **kw) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        headers.update(kw.pop("headers", {}))
        return await self.http.post("/graphql", json={"query": query, "variables": variables or {}},
                                    headers=headers, **kw)

    async def run(self, query: str, variables: dict | None = None) -> dict:
        response = await self.post(query, variables)
        return response.json()

    async def ok(self, query: str, variables: dict | None = None) -> dict:
        body = await self.run(query, variables)
        assert not body.get("errors"), body["errors"]
        return body["data"]

    async def error_code(self, query: str, variables: dict | None = None) -> str:
        body = await self.run(query, variables)
        assert body.get("errors"), f"expected an error, got {body}"
        return body["errors"][0]["extensions"]["code"]


def test_settings(tmp: Path) -> Settings:
    return Settings(
        data_dir=tmp,
        database_url=os.environ.get("TEST_DATABASE_URL", ""),
        secret_key="test-secret-key-that-is-long-enough-0123456789",
        app_env="test",
        public_base_url="https://renda.example.cn",
        search_backend=os.environ.get("TEST_SEARCH_BACKEND", "whoosh"),
        scheduler_interval_seconds=3600,
        trusted_proxies=("127.0.0.1",),
    )


@pytest.fixture(scope="session")
def settings(tmp_path_factory) -> Settings:
    return test_settings(tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="session")
async def app(settings):
    from server import build_app

    application = build_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(scope="session")
def services(app):
    return app.state.services["services"]


async def _wipe() -> None:
    conn = connections.get("default")
    for model in Tortoise.apps["models"].values():
        table = model._meta.db_table
        if model._meta.abstract:
            continue
        await conn.execute_script(f'DELETE FROM "{table}"')


@pytest.fixture
async def http(app, services):
    if services.search is not None:
        services.search.clear()
        services.search.set_vocabulary({})
    if services.searches is not None:
        services.searches.take()
    if services.mailer is not None and hasattr(services.mailer, "sent"):
        services.mailer.sent.clear()
    # Foreign keys would order the deletes; switching them off for the wipe keeps it simple.
    conn = connections.get("default")
    if conn.capabilities.dialect == "sqlite":
        await conn.execute_script("PRAGMA foreign_keys=OFF")
        await _wipe()
        await conn.execute_script("PRAGMA foreign_keys=ON")
    else:
        tables = ", ".join(f'"{m._meta.db_table}"' for m in Tortoise.apps["models"].values())
        await conn.execute_script(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    transport = httpx.ASGITransport(app=app, client=("127.0.0.2", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def make_client(http, role: Role, username: str | None = None) -> GraphQLClient:
    from resolvers.auth import create_user

    username = username or role.value.lower()
    user = await create_user(username, PASSWORD, role, f"{username}@example.cn")
    body = (await http.post("/graphql", json={"query": LOGIN, "variables": {
        "u": username, "p": PASSWORD}})).json()
    return GraphQLClient(http, body["data"]["login"]["token"], user)


LOGIN = """mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) {
  __typename ... on LoginPayload { token refreshToken user { id username role } }
  ... on FieldErrors { errors { field message code } } } }"""


@pytest.fixture
def anonymous(http) -> GraphQLClient:
    return GraphQLClient(http)


@pytest.fixture
async def editor(http) -> GraphQLClient:
    return await make_client(http, Role.EDITOR)


@pytest.fixture
async def chief_editor(http) -> GraphQLClient:
    return await make_client(http, Role.CHIEF_EDITOR)


@pytest.fixture
async def admin(http) -> GraphQLClient:
    return await make_client(http, Role.ADMIN)


@pytest.fixture
async def citizen(http) -> GraphQLClient:
    return await make_client(http, Role.CITIZEN)


class QueryCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.queries: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")):
            self.queries.append(message)


@contextmanager
def count_queries():
    """Counts the SQL statements the ORM sends while the block runs."""
    logger = logging.getLogger("tortoise.db_client")
    counter, level = QueryCounter(), logger.level
    logger.addHandler(counter)
    logger.setLevel(logging.DEBUG)
    try:
        yield counter
    finally:
        logger.removeHandler(counter)
        logger.setLevel(level)
