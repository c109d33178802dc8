"""Unpublished regulations are invisible to the public everywhere: by ID or slug, as nodes (the
regulation, its versions and articles), in lists and counts, in search and through gazettes."""

from __future__ import annotations

import pytest

from models.base import Status
from models.gazettes import GazetteEntry, GazetteEntryKind, GazetteIssue
from resolvers.law_search import reindex_regulations
from resolvers.laws import create_regulation_from_text
from tests.api.factories import gid

pytestmark = pytest.mark.db

TEXT = """# 隐藏条例

2024年1月10日 示例市人民代表大会常务委员会通过

<!-- INFO END -->

第一条 隐藏条例的内容只给编辑看。

第二条 本条例自公布之日起施行。
"""
BY_ID = "query($id: ID!) { regulation(id: $id) { title } }"
BY_SLUG = "query($slug: String!) { regulation(slug: $slug) { title } }"
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
LIST = "query($filter: RegulationFilter) { regulations(filter: $filter) { totalCount edges { node { title } } } }"
SEARCH = """query($q: String!) { search(query: $q) { totalCount edges { node { id } }
  facets { name values { value count } } } }"""
ENTRY = """{ gazetteIssue(year: 2024, number: 1) { entries { title regulation { title } } } }"""


@pytest.fixture
async def hidden(http, services):
    """A draft, an in-review and an archived regulation (indexed as if they had been published)."""
    found = {}
    for status in (Status.DRAFT, Status.IN_REVIEW, Status.ARCHIVED):
        version = await create_regulation_from_text(TEXT, short_title=f"隐藏条例{status}", status=status)
        found[status] = version
    # Stale index entries must not show either: index them all by hand, then check each hit.
    regulations = [v.regulation for v in found.values()]
    for r in regulations:
        r.status = Status.PUBLISHED
    from resolvers.law_search import regulation_documents

    services.search.index(await regulation_documents(regulations))
    for r in regulations:
        await r.refresh_from_db()
    issue = await GazetteIssue.create(year=2024, number=1, title="2024年第1号", status=Status.PUBLISHED)
    await GazetteEntry.create(issue=issue, position=1, kind=GazetteEntryKind.REGULATION, title="隐藏条例",
                              regulation=found[Status.DRAFT].regulation)
    return found


async def _ids(version) -> list[str]:
    await version.fetch_related("articles")
    return [gid("Regulation", version.regulation_id), gid("RegulationVersion", version.id),
            *[gid("RegulationArticle", a.id) for a in version.articles]]


async def test_the_public_never_sees_unpublished_regulations(anonymous, citizen, hidden):
    for client in (anonymous, citizen):
        await _public_view(client, hidden)


async def _public_view(client, hidden) -> None:
    for status in (Status.DRAFT, Status.IN_REVIEW):
        version = hidden[status]
        assert (await client.ok(BY_ID, {"id": gid("Regulation", version.regulation_id)}))["regulation"] is None
        assert (await client.ok(BY_SLUG, {"slug": version.regulation.slug}))["regulation"] is None
        assert (await client.ok(NODES, {"ids": await _ids(version)}))["nodes"] == [None] * 4
    listed = (await client.ok(LIST))["regulations"]
    assert listed == {"totalCount": 0, "edges": []}
    found = (await client.ok(SEARCH, {"q": "隐藏条例"}))["search"]
    # Every hit is checked against the database: only the archived one (readable by address) shows.
    archived = set(await _ids(hidden[Status.ARCHIVED]))
    assert found["edges"] and all(e["node"]["id"] in archived for e in found["edges"])
    assert (await client.ok(ENTRY))["gazetteIssue"]["entries"] == [{"title": "隐藏条例", "regulation": None}]
    assert await client.error_code(LIST, {"filter": {"editorialStatuses": ["DRAFT"]}}) in {
        "FORBIDDEN", "UNAUTHENTICATED"}


async def test_archived_regulations_are_reachable_but_not_listed(anonymous, hidden):
    version = hidden[Status.ARCHIVED]
    assert (await anonymous.ok(BY_ID, {"id": gid("Regulation", version.regulation_id)}))["regulation"]
    assert None not in (await anonymous.ok(NODES, {"ids": await _ids(version)}))["nodes"]
    assert (await anonymous.ok(LIST))["regulations"]["totalCount"] == 0


async def test_editors_see_every_status(editor, hidden):
    version = hidden[Status.DRAFT]
    assert (await editor.ok(BY_ID, {"id": gid("Regulation", version.regulation_id)}))["regulation"]
    assert None not in (await editor.ok(NODES, {"ids": await _ids(version)}))["nodes"]
    drafts = (await editor.ok(LIST, {"filter": {"editorialStatuses": ["DRAFT", "IN_REVIEW"]}}))["regulations"]
    assert drafts["totalCount"] == 2
    assert (await editor.ok(ENTRY))["gazetteIssue"]["entries"][0]["regulation"] == {"title": "隐藏条例"}


async def test_reindexing_keeps_unpublished_regulations_out(anonymous, hidden, services):
    await reindex_regulations(services, [v.regulation_id for v in hidden.values()])
    assert services.search.count() == 0
    assert (await anonymous.ok(SEARCH, {"q": "隐藏条例"}))["search"]["totalCount"] == 0
