"""The command line and what a running server writes where: /healthz, --host/--port, --data-dir and
DATA_DIR, SQLite in WAL mode, `schema`, `migrate` and --no-migrate, `create-user`, CORS."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from pathlib import Path

import httpx

from tests.http.conftest import ALLOWED_ORIGIN, LiveServer, publish_article, server_env


def test_healthz_on_the_given_host_and_port(live):
    response = httpx.get(f"{live.url}/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert f"Uvicorn running on http://127.0.0.1:{live.port}" in live.log()


def sqlite_journal_mode(database: Path) -> str:
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        return db.execute("PRAGMA journal_mode").fetchone()[0]


def assert_everything_under(server: LiveServer) -> None:
    assert (server.data_dir / "app.db").is_file()
    assert sqlite_journal_mode(server.data_dir / "app.db") == "wal"
    assert (server.data_dir / "logs" / "app.log").stat().st_size > 0
    assert list(server.cwd.iterdir()) == [], "the server wrote into its working directory"


def test_data_dir_holds_database_index_and_logs(live, newsroom):
    publish_article(newsroom, "数据目录检查")  # writes to the database, the index and the log
    assert_everything_under(live)
    if server_env()["SEARCH_BACKEND"] != "none":
        assert any((live.data_dir / "index").iterdir())


def test_data_dir_from_the_environment(production):
    assert_everything_under(production)


def test_schema_prints_the_sdl(one_shots):
    done = one_shots["schema"]
    assert done.returncode == 0, done.stderr
    for definition in ("type Query", "type Mutation", "type Subscription", "interface Node"):
        assert definition in done.stdout
    assert list((one_shots["root"] / "schema").iterdir()) == []


def test_migrate_then_no_migrate_starts(servers):
    assert servers.migrate.returncode == 0
    assert re.match(r"applied \d+ migration\(s\): 0001_initial", servers.migrate.stdout)
    assert "--no-migrate" in servers.live.process.args
    assert httpx.get(f"{servers.live.url}/healthz").status_code == 200


def test_no_migrate_refuses_an_empty_data_dir(one_shots):
    done = one_shots["no_migrate"]
    assert done.returncode != 0
    assert "python server.py migrate" in done.stderr and "no database" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (one_shots["root"] / "empty").exists()


def test_create_user_makes_a_user_who_can_log_in(servers, live_admin):
    assert servers.create_admin.returncode == 0
    assert "admin" in servers.create_admin.stdout
    assert live_admin.ok("{ me { username role } }") == {"me": {"username": "admin", "role": "ADMIN"}}


def test_create_user_applies_the_password_policy(one_shots):
    done = one_shots["weak_password"]
    assert done.returncode != 0
    assert "PASSWORD_TOO_WEAK" in done.stderr and "PASSWORD_CONTAINS_USERNAME" in done.stderr
    assert "Traceback" not in done.stderr


# ---- CORS ---------------------------------------------------------------------------------------------

def preflight(server: LiveServer, origin: str) -> httpx.Response:
    return httpx.options(server.graphql_url, headers={
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})


def test_cors_preflight_from_an_allowed_origin(live):
    response = preflight(live, ALLOWED_ORIGIN)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "authorization" in response.headers["access-control-allow-headers"].lower()
    simple = httpx.post(live.graphql_url, json={"query": "{ __typename }"}, headers={"Origin": ALLOWED_ORIGIN})
    assert simple.headers["access-control-allow-origin"] == ALLOWED_ORIGIN


def test_cors_other_origins_get_no_cors_headers(live, production):
    for server in (live, production):  # production has no CORS_ORIGINS at all
        response = preflight(server, "https://evil.example.com")
        assert response.status_code >= 400
        assert "access-control-allow-origin" not in response.headers
        simple = httpx.post(server.graphql_url, json={"query": "{ __typename }"},
                            headers={"Origin": "https://evil.example.com"})
        assert "access-control-allow-origin" not in simple.headers


def test_every_command_takes_data_dir():
    import argparse

    from server import build_parser

    parser = build_parser()
    [commands] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert {"schema", "migrate", "create-user", "import-laws", "reindex", "media-cleanup"} <= set(commands.choices)
    for name, sub in commands.choices.items():
        assert any("--data-dir" in a.option_strings for a in sub._actions), name
    assert any("--data-dir" in a.option_strings for a in parser._actions)  # the server itself
