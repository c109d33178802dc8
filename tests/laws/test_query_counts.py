"""Relation fields go through dataloaders: the number of SQL queries of a request does not grow
with the page size."""

from __future__ import annotations

import pytest

from models.base import Status
from models.gazettes import GazetteEntry, GazetteEntryKind, GazetteIssue
from models.laws import Regulation
from resolvers.law_import import import_laws
from tests.conftest import count_queries

from .conftest import DEMO_LAWS

pytestmark = pytest.mark.db

LIST = """query($first: Int) { regulations(first: $first) { totalCount edges { node {
  id title shortTitle levelLabel status statusLabel promulgatedOn effectiveFrom documentNumber url
  version { number endsOn status }
  versions { promulgatedOn status }
  articles(first: 3) { totalCount edges { node { label url regulation { slug } version { title } } } }
  headings { text }
} } } }"""
ARTICLES = """query($first: Int) { regulation(slug: "xing-fa") { title articles(first: $first) {
  edges { node { label text headingPath url paragraphs { text }
    regulation { slug status } version { title status } } } } } }"""
GAZETTES = """query($first: Int) { gazetteIssues(first: $first) { edges { node { title url
  entries { title kindLabel regulation { shortTitle status } } } } } }"""


async def _count(client, query: str, first: int) -> tuple[int, int]:
    with count_queries() as counter:
        data = await client.ok(query, {"first": first})
    return len(counter.queries), data


async def test_regulation_lists_of_5_and_50(anonymous, http):
    await import_laws(DEMO_LAWS)
    small, data5 = await _count(anonymous, LIST, 5)
    large, data50 = await _count(anonymous, LIST, 50)
    assert len(data5["regulations"]["edges"]) == 5 and len(data50["regulations"]["edges"]) == 50
    assert small == large, (small, large)
    assert large <= 8


async def test_articles_of_a_regulation(anonymous, laws):
    small, _ = await _count(anonymous, ARTICLES, 5)
    large, more = await _count(anonymous, ARTICLES, 100)
    assert len(more["regulation"]["articles"]["edges"]) == 100
    assert small == large <= 5, (small, large)


async def test_gazette_issues_with_entries(anonymous, laws):
    regulations = list(laws.values())
    for number in range(1, 11):
        issue = await GazetteIssue.create(year=2024, number=number, title=f"2024年第{number}号",
                                          status=Status.PUBLISHED)
        await GazetteEntry.bulk_create([
            GazetteEntry(issue=issue, position=n, kind=GazetteEntryKind.REGULATION, title=r.title, regulation=r)
            for n, r in enumerate(regulations, start=1)])
    small, _ = await _count(anonymous, GAZETTES, 2)
    large, data = await _count(anonymous, GAZETTES, 10)
    assert len(data["gazetteIssues"]["edges"]) == 10
    assert small == large, (small, large)
    assert await Regulation.all().count() == len(regulations)
