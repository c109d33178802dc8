"""API conventions: connections and paging, coded denials, the audit trail, descriptions everywhere."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from graphql import get_introspection_query

from models.base import Status
from models.news import Article
from tests.api.factories import gid, make_article, make_column

pytestmark = pytest.mark.db

PAGE = """query($first: Int, $after: String, $page: Int) { articles(first: $first, after: $after, page: $page) {
  totalCount totalPages currentPage pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  edges { cursor node { id title pinned } } } }"""
STAFF_PAGE = """query($first: Int, $after: String) { articles(status: [DRAFT], first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }"""
AUDIT_LOG = """query($action: String) { auditLog(action: $action, first: 100) {
  totalCount edges { node { createdAt username action target result detail clientAddress } } } }"""
COLUMN_CREATE = """mutation($name: String!) { columnCreate(input: {name: $name}) {
  __typename ... on Column { id } ... on FieldErrors { errors { code } } } }"""

# Mutations anyone may call: they are not privileged, so denials do not apply to them.
PUBLIC_MUTATIONS = {"login", "tokenRefresh", "logout", "register", "passwordChange", "passwordResetRequest",
                    "passwordResetConfirm"}
BUILT_IN_SCALARS = {"String", "Int", "Float", "Boolean", "ID"}


# ---- connections -------------------------------------------------------------------------------------

@pytest.fixture
async def feed():
    """25 published articles: three pinned, and groups published at the very same instant (ties)."""
    column = await make_column(slug="news")
    same = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
    articles = []
    for i in range(25):
        articles.append(await make_article(column, title=f"第{i:02d}篇", pinned=i % 9 == 0,
                                           published_at=same - timedelta(hours=i // 4)))
    return articles


async def test_first_is_limited_to_100(anonymous):
    body = await anonymous.run(PAGE, {"first": 101})
    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert "100" in body["errors"][0]["message"]
    assert await anonymous.error_code(PAGE, {"first": -1}) == "BAD_REQUEST"
    assert (await anonymous.ok(PAGE, {"first": 100}))["articles"]["totalCount"] == 0


async def test_bad_paging_arguments_are_bad_requests(anonymous, feed):
    assert await anonymous.error_code(PAGE, {"after": "not-a-cursor"}) == "BAD_REQUEST"
    assert await anonymous.error_code(PAGE, {"page": 0}) == "BAD_REQUEST"
    first = (await anonymous.ok(PAGE, {"first": 5}))["articles"]
    assert await anonymous.error_code(PAGE, {"page": 2, "after": first["pageInfo"]["endCursor"]}) == "BAD_REQUEST"


async def test_page_numbers_walk_every_item_once(anonymous, feed):
    seen, pages = [], []
    for number in (1, 2, 3):
        page = (await anonymous.ok(PAGE, {"first": 10, "page": number}))["articles"]
        pages.append(page)
        seen += [e["node"]["title"] for e in page["edges"]]
    assert [(p["totalCount"], p["totalPages"], p["currentPage"]) for p in pages] == [(25, 3, n) for n in (1, 2, 3)]
    assert [p["pageInfo"]["hasNextPage"] for p in pages] == [True, True, False]
    assert [p["pageInfo"]["hasPreviousPage"] for p in pages] == [False, True, True]
    assert len(seen) == len(set(seen)) == 25
    # Pinned (置顶) first, then newest.
    assert seen[:3] == ["第00篇", "第09篇", "第18篇"]


async def test_cursors_walk_every_item_once_in_feed_order(anonymous, feed):
    by_page = []
    for number in (1, 2, 3):
        by_page += [e["node"]["id"] for e in (await anonymous.ok(PAGE, {"first": 10, "page": number}))["articles"]["edges"]]
    seen, after = [], None
    while True:
        page = (await anonymous.ok(PAGE, {"first": 7, "after": after}))["articles"]
        assert page["totalCount"] == 25
        assert page["currentPage"] is None
        seen += [e["node"]["id"] for e in page["edges"]]
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
        assert len(seen) < 25, "cursor paging did not end"
    assert seen == by_page
    assert len(set(seen)) == 25


async def test_cursor_paging_survives_new_publications(anonymous, feed):
    first = (await anonymous.ok(PAGE, {"first": 10}))["articles"]
    # Something is published at the top of the feed in between: the next page neither repeats nor skips.
    await make_article(await make_column(), title="新发布", published_at=datetime.now(UTC))
    rest, after = [], first["pageInfo"]["endCursor"]
    while after:
        page = (await anonymous.ok(PAGE, {"first": 10, "after": after}))["articles"]
        rest += [e["node"]["title"] for e in page["edges"]]
        after = page["pageInfo"]["endCursor"] if page["pageInfo"]["hasNextPage"] else None
    titles = [e["node"]["title"] for e in first["edges"]] + rest
    assert sorted(titles) == sorted(a.title for a in feed)


async def test_newsroom_lists_page_by_cursor_too(editor):
    column = await make_column()
    drafts = [await make_article(column, status=Status.DRAFT) for _ in range(12)]
    # Many drafts saved in the same instant.
    await Article.all().update(updated_at=datetime(2024, 1, 1, tzinfo=UTC))
    seen, after = [], None
    for _ in range(5):
        page = (await editor.ok(STAFF_PAGE, {"first": 5, "after": after}))["articles"]
        seen += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert sorted(seen) == sorted(gid("Article", d.id) for d in drafts)
    assert len(seen) == 12


async def test_denials_carry_a_code(anonymous, citizen, editor):
    await make_column(slug="news")
    assert await anonymous.error_code("{ users { totalCount } }") == "UNAUTHENTICATED"
    assert await citizen.error_code("{ users { totalCount } }") == "FORBIDDEN"
    assert await editor.error_code("{ auditLog { totalCount } }") == "FORBIDDEN"
    assert await anonymous.error_code('{ articles(column: "missing") { totalCount } }') == "NOT_FOUND"
    assert await anonymous.error_code("{ articles(first: 500) { totalCount } }") == "BAD_REQUEST"
    ids = [gid("Article", n) for n in range(1, 102)]
    assert await anonymous.error_code("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ids}) == "BAD_REQUEST"


async def test_unknown_and_malformed_ids_are_null(anonymous):
    for bad in ("nonsense", gid("Article", 999), gid("NoSuchType", 1), "", gid("Article", 10**20), gid("Article", -1)):
        assert (await anonymous.ok("query($id: ID!) { node(id: $id) { id } }", {"id": bad}))["node"] is None
    for bad in (gid("Column", 1), gid("Article", 10**20)):
        assert (await anonymous.ok("query($id: ID!) { article(id: $id) { id } }", {"id": bad}))["article"] is None


# ---- audit -------------------------------------------------------------------------------------------

def rows(data: dict) -> list[dict]:
    return [e["node"] for e in data["auditLog"]["edges"]]


async def test_privileged_mutations_are_audited(admin, editor, chief_editor, anonymous):
    before = datetime.now(UTC) - timedelta(seconds=5)
    created = (await admin.ok(COLUMN_CREATE, {"name": "人大要闻"}))["columnCreate"]
    invalid = (await admin.ok(COLUMN_CREATE, {"name": ""}))["columnCreate"]
    assert invalid["__typename"] == "FieldErrors"
    assert await editor.error_code(COLUMN_CREATE, {"name": "编辑的栏目"}) == "FORBIDDEN"
    assert await anonymous.error_code(COLUMN_CREATE, {"name": "匿名的栏目"}) == "UNAUTHENTICATED"
    log = rows(await admin.ok(AUDIT_LOG, {"action": "column.create"}))
    assert [(r["username"], r["result"]) for r in log] == [("", "DENIED"), ("editor", "DENIED"), ("admin", "INVALID"),
                                                            ("admin", "OK")]
    ok = log[-1]
    assert ok["target"] == created["id"]
    assert ok["clientAddress"] == "127.0.0.2"
    assert before <= datetime.fromisoformat(ok["createdAt"]) <= datetime.now(UTC)
    assert log[2]["detail"]  # why it was invalid
    # Each operation is named for what it did, not only for the permission it needed.
    article = await make_article(await make_column(), status=Status.DRAFT)
    aid = gid("Article", article.id)
    await editor.ok("mutation($id: ID!) { articleSubmit(input: {id: $id}) { __typename } }", {"id": aid})
    assert await editor.error_code("mutation($id: ID!) { articlePublish(input: {id: $id}) { __typename } }",
                                   {"id": aid}) == "FORBIDDEN"
    await chief_editor.ok("mutation($id: ID!) { articlePublish(input: {id: $id}) { __typename } }", {"id": aid})
    published = rows(await admin.ok(AUDIT_LOG, {"action": "article.publish"}))
    assert [(r["username"], r["result"], r["target"]) for r in published] == [
        ("chief_editor", "OK", aid), ("editor", "DENIED", aid)]
    assert [r["result"] for r in rows(await admin.ok(AUDIT_LOG, {"action": "article.submit"}))] == ["OK"]


async def test_logins_are_audited(admin, anonymous):
    await anonymous.run("""mutation { login(input: {username: "admin", password: "Wrong#Passw0rd"}) { __typename } }""")
    log = rows(await admin.ok(AUDIT_LOG, {"action": "user.login"}))
    assert [(r["target"], r["result"]) for r in log] == [("admin", "INVALID"), ("admin", "OK")]


def _dummy(type_ref: dict, types: dict) -> object:
    """A value of the given input type, for calling a mutation to see whether it is refused."""
    kind, name = type_ref["kind"], type_ref.get("name")
    if kind == "NON_NULL":
        return _dummy(type_ref["ofType"], types)
    if kind == "LIST":
        return []
    if kind == "ENUM":
        return types[name]["enumValues"][0]["name"]
    if kind == "INPUT_OBJECT":
        return {f["name"]: _dummy(f["type"], types) for f in types[name]["inputFields"]
                if f["type"]["kind"] == "NON_NULL" and f["defaultValue"] is None}
    return {"ID": gid("Article", 1), "Int": 1, "Float": 1.0, "Boolean": True}.get(name, "2030-01-01")


async def test_every_denied_mutation_writes_an_audit_row(admin, citizen):
    schema = (await admin.ok(get_introspection_query()))["__schema"]
    types = {t["name"]: t for t in schema["types"]}
    denied = []
    for field in types[schema["mutationType"]["name"]]["fields"]:
        if field["name"] in PUBLIC_MUTATIONS:
            continue
        args = {a["name"]: _dummy(a["type"], types) for a in field["args"] if a["type"]["kind"] == "NON_NULL"}
        declared = ", ".join(f"${a['name']}: {_type_name(a['type'])}" for a in field["args"] if a["name"] in args)
        passed = ", ".join(f"{name}: ${name}" for name in args)
        document = (f"mutation{f'({declared})' if declared else ''} {{ {field['name']}"
                    f"{f'({passed})' if passed else ''} {{ __typename }} }}")
        before = (await admin.ok(AUDIT_LOG))["auditLog"]["totalCount"]
        body = await citizen.run(document, args)
        if body.get("errors") and body["errors"][0].get("extensions", {}).get("code") == "FORBIDDEN":
            denied.append(field["name"])
            log = rows(await admin.ok(AUDIT_LOG))
            assert len(log) > before and log[0]["result"] == "DENIED" and log[0]["username"] == "citizen", (
                f"{field['name']} was refused without an audit row")
    assert {"userCreate", "userUpdate", "columnCreate", "columnDelete", "articleCreate", "articlePublish",
            "articleArchive", "articleRevisionRestore", "articlePreviewTokenCreate"} <= set(denied)


def _type_name(type_ref: dict) -> str:
    if type_ref["kind"] == "NON_NULL":
        return _type_name(type_ref["ofType"]) + "!"
    if type_ref["kind"] == "LIST":
        return f"[{_type_name(type_ref['ofType'])}]"
    return type_ref["name"]


# ---- descriptions ------------------------------------------------------------------------------------

async def test_every_type_field_and_argument_is_described(anonymous):
    schema = (await anonymous.ok(get_introspection_query(descriptions=True)))["__schema"]
    missing = []
    for t in schema["types"]:
        if t["name"].startswith("__") or t["name"] in BUILT_IN_SCALARS:
            continue
        if not (t["description"] or "").strip():
            missing.append(t["name"])
        for f in (t["fields"] or []) + (t["inputFields"] or []):
            if not (f["description"] or "").strip():
                missing.append(f"{t['name']}.{f['name']}")
            for a in f.get("args") or []:
                if not (a["description"] or "").strip():
                    missing.append(f"{t['name']}.{f['name']}({a['name']})")
    assert missing == []


async def test_tampered_cursors_are_bad_requests(anonymous, editor, feed):
    from resolvers.pagination import encode_cursor

    for values in (["yes", "not-a-date", "x"], [True, 5, 1], [True, datetime(2024, 1, 1, tzinfo=UTC), "1"], [1, 2]):
        assert await anonymous.error_code(PAGE, {"after": encode_cursor(values)}) == "BAD_REQUEST", values
    assert await editor.error_code(STAFF_PAGE, {"after": encode_cursor(["2024", 1])}) == "BAD_REQUEST"
