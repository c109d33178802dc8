"""Schema migrations: a database made by the first migration upgrades to the latest, keeping its data."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
from pathlib import Path

import pytest
from tortoise import Tortoise

import models.migrations

pytestmark = pytest.mark.db

ROOT = Path(__file__).resolve().parents[2]
MIGRATION_FILES = sorted(p.stem for p in Path(models.migrations.__file__).parent.glob("[0-9]*.py"))
FIRST = "0001_initial"


async def run_db(function: str, url: str, *args: str) -> list[str]:
    """`models.db.<function>(url, *args)` in a child process: migrating binds the models to the migrated
    database's dialect, which must not leak into the app the other tests use (it may be PostgreSQL)."""
    code = (f"import asyncio, json; from models import db; "
            f"print(json.dumps(asyncio.run(db.{function}(*{[url, *args]!r}))))")
    process = await asyncio.create_subprocess_exec(sys.executable, "-c", code, cwd=ROOT,
                                                   stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return json.loads(out.decode().strip().splitlines()[-1])


def tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


async def test_first_migration_upgrades_to_the_latest_keeping_data(app, tmp_path):
    path = tmp_path / "upgrade.db"
    url = f"sqlite://{path}"
    assert MIGRATION_FILES[0] == FIRST
    assert await run_db("migrate", url, f"models.{FIRST}") == [FIRST]
    first_tables = tables(path)
    assert {"users", "articles", "columns", "audit_log"} <= first_tables

    # Data written by a release that had only the first migration.
    with sqlite3.connect(path) as conn:
        conn.execute("""INSERT INTO users (id, created_at, updated_at, username, email, display_name, role,
                        password_hash, is_active) VALUES (1, '2024-01-01 00:00:00+00:00', '2024-01-01 00:00:00+00:00',
                        'laoyonghu', 'lao@example.cn', '老用户', 'EDITOR', 'x', 1)""")
        conn.execute("""INSERT INTO columns (id, created_at, updated_at, slug, name, description, position,
                        review_stages) VALUES (1, '2024-01-01 00:00:00+00:00', '2024-01-01 00:00:00+00:00',
                        'news', '人大要闻', '', 0, '[]')""")

    later = MIGRATION_FILES[1:]
    assert await run_db("pending_migrations", url) == later
    assert await run_db("migrate", url) == later
    assert await run_db("pending_migrations", url) == []
    assert await run_db("migrate", url) == []  # nothing left to do

    with sqlite3.connect(path) as conn:
        history = sorted(r[0] for r in conn.execute("SELECT name FROM tortoise_migrations WHERE app = 'models'"))
        assert history == MIGRATION_FILES
        assert conn.execute("SELECT username, display_name, role FROM users").fetchall() == [
            ("laoyonghu", "老用户", "EDITOR")]
        assert conn.execute("SELECT slug, name FROM columns").fetchall() == [("news", "人大要闻")]

    # The upgraded database has a table for every model the app uses, including those added later.
    model_tables = {m._meta.db_table for m in Tortoise.apps["models"].values() if not m._meta.abstract}
    upgraded = tables(path)
    assert model_tables <= upgraded
    assert first_tables <= upgraded
    if later:
        assert upgraded - first_tables, "the later migrations created no table"


async def test_fresh_database_migrates_in_one_go(tmp_path):
    url = f"sqlite://{tmp_path / 'fresh.db'}"
    assert await run_db("pending_migrations", url) == MIGRATION_FILES
    assert await run_db("migrate", url) == MIGRATION_FILES
    assert await run_db("pending_migrations", url) == []
