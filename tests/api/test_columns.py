"""Columns (栏目): administration of the tree, and reading it."""

from __future__ import annotations

import pytest

from tests.api.factories import gid, make_article, make_column

pytestmark = pytest.mark.db

COLUMN_FIELDS = "id slug name position parent { slug } reviewStages { name role }"
COLUMN_CREATE = f"""mutation($input: ColumnCreateInput!) {{ columnCreate(input: $input) {{
  __typename ... on Column {{ {COLUMN_FIELDS} }} ... on FieldErrors {{ errors {{ field code }} }} }} }}"""
COLUMN_UPDATE = f"""mutation($input: ColumnUpdateInput!) {{ columnUpdate(input: $input) {{
  __typename ... on Column {{ {COLUMN_FIELDS} }} ... on FieldErrors {{ errors {{ field code }} }} }} }}"""
COLUMN_DELETE = """mutation($id: ID!) { columnDelete(input: {id: $id}) {
  __typename ... on Deleted { id } ... on FieldErrors { errors { field code } } } }"""
COLUMNS = "{ columns { slug children { slug children { slug } } } }"
COLUMN = "query($slug: String!) { column(slug: $slug) { name slug parent { slug } children { slug } } }"


def errors_of(result: dict) -> set[tuple[str, str]]:
    assert result["__typename"] == "FieldErrors", result
    return {(e["field"], e["code"]) for e in result["errors"]}


async def test_admin_builds_a_column_tree(admin, anonymous):
    top = (await admin.ok(COLUMN_CREATE, {"input": {"name": "人大要闻", "slug": "news"}}))["columnCreate"]
    assert top["__typename"] == "Column"
    assert top["parent"] is None
    await admin.ok(COLUMN_CREATE, {"input": {"name": "常委会动态", "slug": "committee", "parent": "news",
                                             "position": 2}})
    await admin.ok(COLUMN_CREATE, {"input": {"name": "代表工作", "slug": "deputies", "parent": "news",
                                             "position": 1}})
    await admin.ok(COLUMN_CREATE, {"input": {"name": "会议", "slug": "meetings", "parent": "committee"}})
    tree = (await anonymous.ok(COLUMNS))["columns"]
    assert tree == [{"slug": "news", "children": [
        {"slug": "deputies", "children": []},
        {"slug": "committee", "children": [{"slug": "meetings"}]},
    ]}]
    one = (await anonymous.ok(COLUMN, {"slug": "committee"}))["column"]
    assert one == {"name": "常委会动态", "slug": "committee", "parent": {"slug": "news"},
                   "children": [{"slug": "meetings"}]}
    assert (await anonymous.ok(COLUMN, {"slug": "nope"}))["column"] is None


async def test_column_slug_comes_from_pinyin(admin):
    created = (await admin.ok(COLUMN_CREATE, {"input": {"name": "重庆代表团"}}))["columnCreate"]
    assert created["slug"] == "chong-qing-dai-biao-tuan"


async def test_column_create_validates(admin):
    await make_column(slug="news")
    result = (await admin.ok(COLUMN_CREATE, {"input": {
        "name": "", "slug": "news", "parent": "missing",
        "reviewStages": [{"name": "初审", "role": "CITIZEN"}]}}))["columnCreate"]
    assert errors_of(result) == {("name", "INVALID"), ("slug", "TAKEN"), ("parent", "NOT_FOUND"),
                                 ("reviewStages.0.role", "INVALID")}
    bad_slug = (await admin.ok(COLUMN_CREATE, {"input": {"name": "x", "slug": "Not A Slug"}}))["columnCreate"]
    assert errors_of(bad_slug) == {("slug", "INVALID_SLUG")}


async def test_column_update_moves_and_renames(admin):
    await make_column(slug="news")
    other = await make_column(slug="other")
    moved = (await admin.ok(COLUMN_UPDATE, {"input": {
        "id": gid("Column", other.id), "parent": "news", "name": "新名称",
        "reviewStages": [{"name": "初审", "role": "EDITOR"}]}}))["columnUpdate"]
    assert moved["parent"] == {"slug": "news"}
    assert moved["name"] == "新名称"
    assert moved["reviewStages"] == [{"name": "初审", "role": "EDITOR"}]
    top = (await admin.ok(COLUMN_UPDATE, {"input": {"id": gid("Column", other.id), "parent": None}}))
    assert top["columnUpdate"]["parent"] is None
    assert top["columnUpdate"]["name"] == "新名称"  # omitted fields stay


async def test_column_cannot_move_below_itself(admin):
    a = await make_column(slug="a")
    b = await make_column(slug="b", parent=a)
    await make_column(slug="c", parent=b)
    for parent in ("a", "c"):
        result = (await admin.ok(COLUMN_UPDATE, {"input": {"id": gid("Column", a.id), "parent": parent}}))
        assert errors_of(result["columnUpdate"]) == {("parent", "CYCLE")}
    tree = (await admin.ok(COLUMNS))["columns"]
    assert tree == [{"slug": "a", "children": [{"slug": "b", "children": [{"slug": "c"}]}]}]


async def test_column_delete_refused_while_in_use(admin, anonymous):
    parent = await make_column(slug="parent")
    child = await make_column(slug="child", parent=parent)
    article = await make_article(child)
    result = (await admin.ok(COLUMN_DELETE, {"id": gid("Column", parent.id)}))["columnDelete"]
    assert errors_of(result) == {("id", "HAS_CHILDREN")}
    result = (await admin.ok(COLUMN_DELETE, {"id": gid("Column", child.id)}))["columnDelete"]
    assert errors_of(result) == {("id", "IN_USE")}
    await article.delete()
    assert (await admin.ok(COLUMN_DELETE, {"id": gid("Column", child.id)}))["columnDelete"]["__typename"] == "Deleted"
    assert (await admin.ok(COLUMN_DELETE, {"id": gid("Column", parent.id)}))["columnDelete"]["__typename"] == "Deleted"
    assert (await anonymous.ok(COLUMNS))["columns"] == []


async def test_only_admins_manage_columns(editor, chief_editor, anonymous):
    column = await make_column(slug="news")
    for client, code in ((editor, "FORBIDDEN"), (chief_editor, "FORBIDDEN"), (anonymous, "UNAUTHENTICATED")):
        assert await client.error_code(COLUMN_CREATE, {"input": {"name": "x"}}) == code
        assert await client.error_code(COLUMN_UPDATE, {"input": {"id": gid("Column", column.id), "name": "y"}}) == code
        assert await client.error_code(COLUMN_DELETE, {"id": gid("Column", column.id)}) == code
    assert [c["slug"] for c in (await anonymous.ok(COLUMNS))["columns"]] == ["news"]


async def test_column_articles_include_sub_columns(anonymous):
    parent = await make_column(slug="parent")
    child = await make_column(slug="child", parent=parent)
    await make_article(parent, title="上级栏目稿件")
    await make_article(child, title="下级栏目稿件")
    query = "query($slug: String!) { column(slug: $slug) { articles { totalCount edges { node { title } } } } }"
    in_parent = (await anonymous.ok(query, {"slug": "parent"}))["column"]["articles"]
    assert in_parent["totalCount"] == 2
    in_child = (await anonymous.ok(query, {"slug": "child"}))["column"]["articles"]
    assert [e["node"]["title"] for e in in_child["edges"]] == ["下级栏目稿件"]
