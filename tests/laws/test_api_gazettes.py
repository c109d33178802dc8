"""Gazette issues (常委会公报) through GraphQL: editors compose and publish issues whose entries link
to regulations; the public reads published issues by year and number, and finds them in search."""

from __future__ import annotations

import pytest

from models.base import Status
from models.gazettes import GazetteIssue
from resolvers.laws import today
from tests.api.factories import gid

pytestmark = pytest.mark.db

ERRORS = "... on FieldErrors { errors { field message code } }"
ISSUE_FIELDS = """id title year number publishedOn status url pdf
  entries { position kind kindLabel title page regulation { shortTitle } }"""
CREATE = f"""mutation($input: GazetteIssueCreateInput!) {{ gazetteIssueCreate(input: $input) {{
  __typename ... on GazetteIssue {{ {ISSUE_FIELDS} }} {ERRORS} }} }}"""
UPDATE = f"""mutation($input: GazetteIssueUpdateInput!) {{ gazetteIssueUpdate(input: $input) {{
  __typename ... on GazetteIssue {{ {ISSUE_FIELDS} }} {ERRORS} }} }}"""
STEP = """mutation($id: ID!, $comment: String!) {{ {name}(input: {{id: $id, comment: $comment}}) {{
  __typename ... on GazetteIssue {{ status publishedOn }} ... on FieldErrors {{ errors {{ code }} }} }} }}"""
ONE = f"query($year: Int!, $number: Int!) {{ gazetteIssue(year: $year, number: $number) {{ {ISSUE_FIELDS} }} }}"
LIST = """query($year: Int) { gazetteIssues(year: $year) { totalCount edges { node { title } } } gazetteYears }"""
SEARCH = """query($q: String!) { search(query: $q, kinds: [GAZETTE_ISSUE]) { totalCount
  edges { node { ... on GazetteIssue { title } } highlights } } }"""


async def _step(client, name: str, id: str, comment: str = "") -> dict:
    return (await client.ok(STEP.format(name=name), {"id": id, "comment": comment}))[name]


async def test_compose_publish_and_read_an_issue(editor, chief_editor, anonymous, laws):
    lifafa = gid("Regulation", laws["立法法"].id)
    entries = [
        {"kind": "REGULATION", "title": "中华人民共和国立法法", "regulation": lifafa, "page": 3},
        {"kind": "APPOINTMENT", "title": "任免名单", "page": 40},
    ]
    created = (await editor.ok(CREATE, {"input": {"year": 2024, "number": 3, "entries": entries}}))
    issue = created["gazetteIssueCreate"]
    assert (issue["title"], issue["status"], issue["publishedOn"]) == ("2024年第3号", "DRAFT", None)
    assert [(e["position"], e["kind"], e["kindLabel"]) for e in issue["entries"]] == [
        (1, "REGULATION", "法规"), (2, "APPOINTMENT", "人事任免")]
    assert issue["entries"][0]["regulation"] == {"shortTitle": "立法法"}
    assert (await anonymous.ok(ONE, {"year": 2024, "number": 3}))["gazetteIssue"] is None
    assert (await anonymous.ok(LIST))["gazetteIssues"]["totalCount"] == 0

    assert (await _step(editor, "gazetteIssueSubmit", issue["id"]))["status"] == "IN_REVIEW"
    assert await editor.error_code(STEP.format(name="gazetteIssuePublish"),
                                   {"id": issue["id"], "comment": ""}) == "FORBIDDEN"
    published = await _step(chief_editor, "gazetteIssuePublish", issue["id"])
    assert published == {"__typename": "GazetteIssue", "status": "PUBLISHED", "publishedOn": today().isoformat()}

    seen = (await anonymous.ok(ONE, {"year": 2024, "number": 3}))["gazetteIssue"]
    assert seen["url"] == "https://renda.example.cn/gazettes/2024/3" and seen["pdf"] is None
    assert [e["title"] for e in seen["entries"]] == ["中华人民共和国立法法", "任免名单"]
    node = (await anonymous.ok("query($id: ID!) { node(id: $id) { ... on GazetteIssue { title } } }",
                               {"id": issue["id"]}))["node"]
    assert node == {"title": "2024年第3号"}
    listed = (await anonymous.ok(LIST, {"year": 2024}))
    assert listed["gazetteIssues"]["totalCount"] == 1 and listed["gazetteYears"] == [2024]
    assert (await anonymous.ok(LIST, {"year": 2023}))["gazetteIssues"]["totalCount"] == 0

    found = (await anonymous.ok(SEARCH, {"q": "任免名单"}))["search"]
    assert found["edges"][0]["node"] == {"title": "2024年第3号"}
    assert "<em>" in found["edges"][0]["highlights"][0]

    # A chief editor corrects the published issue; the index follows.
    changed = (await chief_editor.ok(UPDATE, {"input": {"id": issue["id"], "entries": [
        {"kind": "REPORT", "title": "关于代表建议办理情况的报告"}]}}))["gazetteIssueUpdate"]
    assert [e["kindLabel"] for e in changed["entries"]] == ["工作报告"]
    assert (await anonymous.ok(SEARCH, {"q": "任免名单"}))["search"]["totalCount"] == 0
    assert (await anonymous.ok(SEARCH, {"q": "代表建议办理情况"}))["search"]["totalCount"] == 1

    assert (await _step(chief_editor, "gazetteIssueUnpublish", issue["id"]))["status"] == "DRAFT"
    assert (await anonymous.ok(ONE, {"year": 2024, "number": 3}))["gazetteIssue"] is None
    assert (await anonymous.ok(SEARCH, {"q": "代表建议办理情况"}))["search"]["totalCount"] == 0


async def test_issue_field_errors(editor, laws):
    first = (await editor.ok(CREATE, {"input": {"year": 2024, "number": 1}}))["gazetteIssueCreate"]
    assert first["title"] == "2024年第1号"
    taken = (await editor.ok(CREATE, {"input": {"year": 2024, "number": 1}}))["gazetteIssueCreate"]
    assert taken["errors"] == [{"field": "number", "message": "2024年第1号已存在", "code": "TAKEN"}]
    bad = (await editor.ok(CREATE, {"input": {"year": 1800, "number": 0, "entries": [
        {"title": " "}, {"title": "链接", "regulation": gid("Regulation", 999999)}]}}))["gazetteIssueCreate"]
    assert {(e["field"], e["code"]) for e in bad["errors"]} == {
        ("year", "INVALID"), ("number", "INVALID"), ("entries.0.title", "REQUIRED"),
        ("entries.1.regulation", "NOT_FOUND")}
    wrong_kind = (await editor.ok(CREATE, {"input": {"year": 2024, "number": 2, "entries": [
        {"title": "链接", "regulation": gid("Article", 1)}]}}))["gazetteIssueCreate"]
    assert wrong_kind["errors"][0] == {"field": "entries.0.regulation", "message": "ID 无效", "code": "INVALID_ID"}
    # Renumbering keeps the default title in step; an explicit title stays.
    moved = (await editor.ok(UPDATE, {"input": {"id": first["id"], "number": 4}}))["gazetteIssueUpdate"]
    assert moved["title"] == "2024年第4号"
    titled = (await editor.ok(UPDATE, {"input": {"id": first["id"], "title": "2024年第4号（专刊）", "number": 5}}))
    assert titled["gazetteIssueUpdate"]["title"] == "2024年第4号（专刊）"
    assert (await GazetteIssue.get(year=2024, number=5)).status == Status.DRAFT
