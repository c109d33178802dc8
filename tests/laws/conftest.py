"""Fixtures of the laws tests: a fresh in-memory database with the law and gazette models, and
the demo corpus folder (a copy of 160 real texts kept in the repository)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tortoise.context import tortoise_test_context

DEMO_LAWS = Path(__file__).resolve().parents[2] / "resolvers" / "demo" / "laws"


@pytest.fixture
async def db():
    async with tortoise_test_context(["models.laws", "models.gazettes"]) as ctx:
        yield ctx


@pytest.fixture
def demo_laws() -> Path:
    return DEMO_LAWS


@pytest.fixture(scope="module")
async def demo_db():
    """The demo corpus imported once per test module; tests using it must only read."""
    from resolvers.law_import import import_laws

    async with tortoise_test_context(["models.laws", "models.gazettes"]) as ctx:
        ctx.demo_summary = await import_laws(DEMO_LAWS)
        yield ctx
