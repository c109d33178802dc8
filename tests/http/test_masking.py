"""Unexpected exceptions are masked for clients and logged to <data dir>/logs/app.log.

An in-process app (the shared `app` fixture), because the fault is injected by monkeypatching a
resolver; the HTTP endpoint is the same one the live server runs.
"""

from __future__ import annotations

import pytest

from resolvers import columns

pytestmark = pytest.mark.db

SECRET_DETAIL = "connection to db-internal.renda:5432 refused (password=hunter2)"


async def test_unexpected_exception_is_masked_and_logged(http, settings, monkeypatch):
    async def broken(*args, **kwargs):
        raise RuntimeError(SECRET_DETAIL)

    monkeypatch.setattr(columns, "all_columns", broken)
    response = await http.post("/graphql", json={"query": "{ columns { name } }"},
                               headers={"accept": "application/graphql-response+json"})
    assert response.status_code == 200  # a field error: data is present (null)
    body = response.json()
    assert body["data"] is None
    assert body["errors"] == [{"message": "Internal server error", "locations": [{"line": 1, "column": 3}],
                               "path": ["columns"], "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]
    assert "hunter2" not in response.text and "Traceback" not in response.text and "RuntimeError" not in response.text
    log = (settings.log_dir / "app.log").read_text(encoding="utf-8")
    assert SECRET_DETAIL in log
    assert "Traceback" in log and "RuntimeError" in log
