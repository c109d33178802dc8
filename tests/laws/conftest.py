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


# --- GraphQL-level tests: the shared app of tests/conftest.py with a few demo texts ---------------

LIFAFA = ["national/立法法(2015-03-15).md", "national/立法法(2023-03-13).md"]
SUGGESTION_RULES = [
    "local/上海市人民代表大会关于代表建议、批评和意见的规定.md",
    "local/北京市人民代表大会代表建议、批评和意见办理条例(2014-01-22).md",
]
CRIMINAL_LAW = ["national/刑法.md"]


def corpus_subset(root: Path, paths: list[str]) -> Path:
    """A corpus folder under `root` holding only these demo texts (and their manifest rows)."""
    import json
    import shutil

    wanted = set(paths)
    rows = [line for line in (DEMO_LAWS / "manifest.jsonl").read_text("utf-8").splitlines()
            if line.strip() and json.loads(line)["path"] in wanted]
    assert len(rows) == len(wanted), "a wanted text is not in the demo corpus"
    for path in paths:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(DEMO_LAWS / path, root / path)
    (root / "manifest.jsonl").write_text("\n".join(rows) + "\n", "utf-8")
    return root


@pytest.fixture
async def laws(http, tmp_path):
    """立法法 (2015 and 2023 versions), 刑法 and the Shanghai and Beijing rules on deputies'
    suggestions, imported as published regulations; a dict short title -> Regulation."""
    from models.laws import Regulation
    from resolvers.law_import import import_laws

    summary = await import_laws(corpus_subset(tmp_path / "corpus", LIFAFA + CRIMINAL_LAW + SUGGESTION_RULES))
    assert not summary.skipped
    return {r.short_title: r for r in await Regulation.all()}


@pytest.fixture
async def indexed_laws(laws, services):
    """`laws` with everything but 刑法 (500 articles: slow to index) in the search index."""
    from resolvers.law_search import reindex_regulations

    assert services.search is not None, "these tests need a search backend (TEST_SEARCH_BACKEND=whoosh)"
    await reindex_regulations(services, [r.id for name, r in laws.items() if name != "刑法"])
    return laws
