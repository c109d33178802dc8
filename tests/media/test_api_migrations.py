"""The media library's migration: a database at the migration before it upgrades, keeping its articles
and gazette issues, and the new cover relation and tables work."""

from __future__ import annotations

import sqlite3

import pytest

from tests.api.test_migrations import MIGRATION_FILES, run_db, tables

pytestmark = pytest.mark.db

MEDIA = next(name for name in MIGRATION_FILES if name.endswith("_media_library"))
BEFORE = MIGRATION_FILES[MIGRATION_FILES.index(MEDIA) - 1]
STAMP = "'2024-01-01 00:00:00+00:00'"


async def test_the_previous_schema_upgrades_to_the_media_library(tmp_path):
    path = tmp_path / "before-media.db"
    url = f"sqlite://{path}"
    assert (await run_db("migrate", url, f"models.{BEFORE}"))[-1] == BEFORE
    assert not {"media_assets", "media_usages", "media_uploads"} & tables(path)
    with sqlite3.connect(path) as conn:
        conn.execute(f"""INSERT INTO columns (id, created_at, updated_at, slug, name, description, position,
                         review_stages) VALUES (1, {STAMP}, {STAMP}, 'news', '人大要闻', '', 0, '[]')""")
        conn.execute(f"""INSERT INTO articles (id, created_at, updated_at, status, title, subtitle, slug, summary,
                         body, author, source, view_count, pinned, featured, review_stage, revision_count, column_id)
                         VALUES (1, {STAMP}, {STAMP}, 'PUBLISHED', '旧稿件', '', 'jiu', '', '<p>旧</p>', '', '', 7,
                         0, 0, 0, 1, 1)""")
        conn.execute(f"""INSERT INTO gazette_issue (id, created_at, updated_at, status, year, number, title,
                         pdf_asset_id) VALUES (1, {STAMP}, {STAMP}, 'PUBLISHED', 2024, 3, '2024年第3号', NULL)""")

    later = MIGRATION_FILES[MIGRATION_FILES.index(MEDIA):]
    assert await run_db("migrate", url) == later
    assert await run_db("pending_migrations", url) == []
    assert {"media_assets", "media_usages", "media_uploads"} <= tables(path)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        assert conn.execute("SELECT title, view_count, cover_asset_id FROM articles").fetchall() == [("旧稿件", 7, None)]
        assert conn.execute("SELECT title, pdf_asset_id FROM gazette_issue").fetchall() == [("2024年第3号", None)]
        conn.execute(f"""INSERT INTO media_assets (id, kind, storage_key, file_name, content_type, size, sha256,
                         alt_text, caption, created_at, public, renditions) VALUES (1, 'IMAGE', 'assets/ab/ab.png',
                         'a.png', 'image/png', 10, 'ab', '', '', {STAMP}, 0, '[]')""")
        conn.execute("UPDATE articles SET cover_asset_id = 1")
        # The cover is a real relation: the database refuses to delete an asset in use.
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute("DELETE FROM media_assets WHERE id = 1")
