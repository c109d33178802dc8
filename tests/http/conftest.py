"""Real server processes: `python server.py ...` started as subprocesses on free ports, and a small
GraphQL client that talks to them over HTTP.

`live` is the development server most tests use: its data dir was migrated and given an admin
with the CLI before it started with --no-migrate; CORS_ORIGINS is set, TRUSTED_PROXIES is not.
`production` runs with APP_ENV=production, its data dir given through DATA_DIR, and trusts
127.0.0.1 as a proxy. Both start once per session, side by side; every server runs in an empty
working directory of its own, so tests can see that nothing is written outside the data dir.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import LOGIN, PASSWORD

REPO = Path(__file__).resolve().parents[2]
SERVER = REPO / "server.py"
SECRET = "live-test-secret-key-0123456789-abcdefghij"
ALLOWED_ORIGIN = "https://www.renda.example.cn"
START_TIMEOUT = 60  # seconds; a guard against a hang, not an assertion on speed
# Everything settings.py reads; the servers get only what a test gives them.
SETTINGS_VARS = {
    "DATA_DIR", "DATABASE_URL", "SECRET_KEY", "APP_ENV", "PUBLIC_BASE_URL", "CORS_ORIGINS", "TRUSTED_PROXIES",
    "MAIL_BACKEND", "MAIL_FROM", "SMTP_HOST", "SMTP_PORT", "SMTP_USERNAME", "SMTP_PASSWORD", "SMTP_TLS",
    "SEARCH_BACKEND", "MEDIA_BACKEND", "MINIO_ENDPOINT", "MINIO_ACCESS_KEY", "MINIO_SECRET_KEY", "MINIO_BUCKET",
    "MINIO_SECURE", "ACCESS_TOKEN_MINUTES", "REFRESH_TOKEN_DAYS", "SCHEDULER_INTERVAL_SECONDS",
}


def _search_backend() -> str:
    try:
        from search import open_backend  # noqa: F401
    except ImportError:
        return "none"
    return "whoosh"


def server_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARS}
    env.update(PYTHONUNBUFFERED="1", PYTHONIOENCODING="utf-8", SECRET_KEY=SECRET, SEARCH_BACKEND=_search_backend(),
               SCHEDULER_INTERVAL_SECONDS="3600")
    env.update(values)
    return {k: v for k, v in env.items() if v is not None}


def run_cli(*args: str | Path, env: dict[str, str] | None = None, cwd: Path | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess:
    """`python server.py ARGS` to completion; stdout and stderr as text."""
    return subprocess.run([sys.executable, str(SERVER), *map(str, args)], env=env or server_env(), cwd=cwd,
                          capture_output=True, text=True, encoding="utf-8", timeout=timeout, check=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    """One `python server.py` process serving on 127.0.0.1:port."""

    port: int
    data_dir: Path
    cwd: Path
    output: Path
    process: subprocess.Popen = field(repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def graphql_url(self) -> str:
        return f"{self.url}/graphql"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql"

    def log(self) -> str:
        return self.output.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(*args: str | Path, env: dict[str, str], cwd: Path, data_dir: Path, output: Path) -> LiveServer:
    """Start `python server.py ARGS --port <free>` and wait until /healthz answers."""
    port = free_port()
    with output.open("wb") as sink:
        process = subprocess.Popen([sys.executable, str(SERVER), *map(str, args), "--port", str(port)], env=env,
                                   cwd=cwd, stdout=sink, stderr=subprocess.STDOUT)
    server = LiveServer(port=port, data_dir=data_dir, cwd=cwd, output=output, process=process)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if process.poll() is not None:
            pytest.fail(f"server exited with {process.returncode} before answering:\n{server.log()}")
        try:
            if httpx.get(f"{server.url}/healthz", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            server.stop()
            pytest.fail(f"server did not answer /healthz within {START_TIMEOUT}s:\n{server.log()}")
        time.sleep(0.1)


class LiveClient:
    """GraphQL over HTTP against a live server, optionally logged in."""

    def __init__(self, server: LiveServer, token: str | None = None):
        self.server, self.token = server, token

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Accept": "application/graphql-response+json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        headers.update(extra or {})
        return headers

    def post(self, query: str, variables: dict | None = None, headers: dict[str, str] | None = None) -> httpx.Response:
        return httpx.post(self.server.graphql_url, json={"query": query, "variables": variables or {}},
                          headers=self.headers(headers), timeout=30)

    def get(self, params: dict[str, str], headers: dict[str, str] | None = None) -> httpx.Response:
        return httpx.get(self.server.graphql_url, params=params, headers=self.headers(headers), timeout=30)

    def ok(self, query: str, variables: dict | None = None, headers: dict[str, str] | None = None) -> dict:
        """The `data` of a request that must succeed without errors."""
        response = self.post(query, variables, headers)
        body = response.json()
        assert response.status_code == 200 and not body.get("errors"), (response.status_code, body)
        return body["data"]

    def login(self, username: str, password: str = PASSWORD, headers: dict[str, str] | None = None) -> dict:
        """The `login` result: LoginPayload or FieldErrors."""
        return self.ok(LOGIN, {"u": username, "p": password}, headers)["login"]

    def as_user(self, username: str, password: str = PASSWORD) -> LiveClient:
        result = self.login(username, password)
        assert result["__typename"] == "LoginPayload", result
        return LiveClient(self.server, result["token"])


def run_many(runs: dict[str, dict]) -> dict[str, subprocess.CompletedProcess]:
    """Several `run_cli(**kwargs)` at once (each start pays for the imports); results by name."""
    with ThreadPoolExecutor(len(runs)) as pool:
        futures = {name: pool.submit(run_cli, *kw["args"], **{k: v for k, v in kw.items() if k != "args"})
                   for name, kw in runs.items()}
        return {name: future.result() for name, future in futures.items()}


@dataclass
class Servers:
    """The two long-running servers, and what the CLI said while their data dirs were prepared."""

    live: LiveServer
    production: LiveServer
    migrate: subprocess.CompletedProcess
    create_admin: subprocess.CompletedProcess


def _start_live(root: Path) -> tuple[LiveServer, subprocess.CompletedProcess, subprocess.CompletedProcess]:
    data, cwd = root / "data", root / "cwd"
    cwd.mkdir()
    migrate = run_cli("migrate", "--data-dir", data, cwd=cwd)
    assert migrate.returncode == 0, migrate.stderr
    admin = run_cli("create-user", "admin", "--role", "ADMIN", "--password", PASSWORD, "--data-dir", data, cwd=cwd)
    assert admin.returncode == 0, admin.stderr
    server = start_server("--host", "127.0.0.1", "--data-dir", data, "--no-migrate",
                          env=server_env(CORS_ORIGINS=ALLOWED_ORIGIN), cwd=cwd, data_dir=data, output=root / "server.out")
    return server, migrate, admin


def _start_production(root: Path) -> LiveServer:
    data, cwd = root / "data", root / "cwd"
    cwd.mkdir()
    env = server_env(APP_ENV="production", DATA_DIR=str(data), TRUSTED_PROXIES="127.0.0.1")
    admin = run_cli("create-user", "admin", "--role", "ADMIN", "--password", PASSWORD, env=env, cwd=cwd)
    assert admin.returncode == 0, admin.stderr
    return start_server("--host", "127.0.0.1", env=env, cwd=cwd, data_dir=data, output=root / "server.out")


@pytest.fixture(scope="session")
def servers(tmp_path_factory):
    """Both servers, prepared and started side by side."""
    with ThreadPoolExecutor(2) as pool:  # leaving the block waits for both
        live_started = pool.submit(_start_live, tmp_path_factory.mktemp("live"))
        production_started = pool.submit(_start_production, tmp_path_factory.mktemp("production"))
    failures = [f.exception() for f in (live_started, production_started) if f.exception() is not None]
    if failures:
        if live_started.exception() is None:
            live_started.result()[0].stop()
        if production_started.exception() is None:
            production_started.result().stop()
        raise failures[0]
    live, migrate, admin = live_started.result()
    production = production_started.result()
    yield Servers(live, production, migrate, admin)
    live.stop()
    production.stop()


BAD_SECRETS = {"missing": None, "default": "change-me-insecure-development-secret", "short": "too-short-0123456789"}


@pytest.fixture(scope="session")
def one_shots(tmp_path_factory) -> dict[str, Any]:
    """Commands that should run and exit (or refuse to start), all at once, each in an empty working
    directory `<root>/<name>`; the root is under the key "root"."""
    root = tmp_path_factory.mktemp("cli")
    runs = {
        "schema": {"args": ["schema"]},
        "no_migrate": {"args": ["--data-dir", root / "empty", "--no-migrate", "--port", free_port()]},
        "weak_password": {"args": ["create-user", "zhangsan", "--role", "CITIZEN", "--password", "zhangsan123",
                                   "--data-dir", root / "weak"]},
    }
    for name, secret in BAD_SECRETS.items():
        runs[f"secret_{name}"] = {"args": ["--data-dir", root / f"secret_{name}" / "data", "--port", free_port()],
                                  "env": server_env(APP_ENV="production", SECRET_KEY=secret)}
    for name, run in runs.items():
        run["cwd"] = root / name
        run["cwd"].mkdir()
    return run_many(runs) | {"root": root}


@pytest.fixture(scope="session")
def live(servers) -> LiveServer:
    return servers.live


@pytest.fixture(scope="session")
def production(servers) -> LiveServer:
    return servers.production


@pytest.fixture(scope="session")
def live_anonymous(live) -> LiveClient:
    return LiveClient(live)


@pytest.fixture(scope="session")
def live_admin(live) -> LiveClient:
    return LiveClient(live).as_user("admin")


USER_CREATE = """mutation($input: UserCreateInput!) { userCreate(input: $input) {
  __typename ... on User { id username role } ... on FieldErrors { errors { field message code } } } }"""


def create_user(admin: LiveClient, username: str, role: str) -> None:
    result = admin.ok(USER_CREATE, {"input": {"username": username, "password": PASSWORD, "role": role,
                                              "email": f"{username}@example.cn"}})["userCreate"]
    assert result["__typename"] == "User", result


_RESULT = "__typename ... on FieldErrors { errors { field message code } }"
COLUMN_CREATE = f"""mutation($input: ColumnCreateInput!) {{ columnCreate(input: $input) {{
  {_RESULT} ... on Column {{ slug name reviewStages {{ name }} }} }} }}"""
ARTICLE_CREATE = f"""mutation($input: ArticleCreateInput!) {{ articleCreate(input: $input) {{
  {_RESULT} ... on Article {{ id status }} }} }}"""
ARTICLE_SUBMIT = f"""mutation($id: ID!) {{ articleSubmit(input: {{id: $id}}) {{ {_RESULT} ... on Article {{ status }} }} }}"""
ARTICLE_PUBLISH = f"""mutation($id: ID!) {{ articlePublish(input: {{id: $id}}) {{
  {_RESULT} ... on Article {{ status title }} }} }}"""


@dataclass
class Newsroom:
    """A chief editor and a column without review stages: submit, then publish."""

    chief: LiveClient
    column: str


@pytest.fixture(scope="session")
def newsroom(live_admin) -> Newsroom:
    create_user(live_admin, "chief", "CHIEF_EDITOR")
    column = live_admin.ok(COLUMN_CREATE, {"input": {"name": "编辑部快讯", "slug": "newsroom-flash",
                                                     "reviewStages": []}})["columnCreate"]
    assert column["__typename"] == "Column" and column["reviewStages"] == [], column
    return Newsroom(LiveClient(live_admin.server).as_user("chief"), column["slug"])


def publish_article(newsroom: Newsroom, title: str) -> str:
    """Create, submit and publish an article through the HTTP API; its global ID."""
    chief = newsroom.chief
    created = chief.ok(ARTICLE_CREATE, {"input": {"title": title, "column": newsroom.column,
                                                  "body": "<p>正文</p>"}})["articleCreate"]
    assert created["__typename"] == "Article", created
    submitted = chief.ok(ARTICLE_SUBMIT, {"id": created["id"]})["articleSubmit"]
    assert submitted == {"__typename": "Article", "status": "IN_REVIEW"}, submitted
    published = chief.ok(ARTICLE_PUBLISH, {"id": created["id"]})["articlePublish"]
    assert published == {"__typename": "Article", "status": "PUBLISHED", "title": title}, published
    return created["id"]
