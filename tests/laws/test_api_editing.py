"""Editors create and edit regulations through GraphQL, with the lifecycle articles have; the search
index follows every change of a published regulation."""

from __future__ import annotations

import pytest

from models.audit import AuditLog
from models.laws import Regulation, RegulationVersion

pytestmark = pytest.mark.db

TEXT_V1 = """# 示例市代表建议办理条例

2024年1月10日 示例市第十六届人民代表大会常务委员会第五次会议通过

<!-- INFO END -->

## 第一章 总则

第一条 为了规范代表建议办理工作，制定本条例。

第二条 承办单位应当自交办之日起三个月内答复代表。

第二条之一 答复应当说明办理结果和理由。

## 第二章 附则

第三条 本条例自2024年3月1日起施行。
"""
TEXT_V2 = TEXT_V1.replace("2024年1月10日 示例市第十六届人民代表大会常务委员会第五次会议通过",
                          "2024年1月10日 示例市第十六届人民代表大会常务委员会第五次会议通过\n\n"
                          "2025年6月1日 示例市第十六届人民代表大会常务委员会第二十次会议修正"
                          ).replace("三个月内答复代表", "两个月内答复代表并抄送常委会")

ERRORS = "... on FieldErrors { errors { field message code } }"
CREATE = f"""mutation($input: RegulationCreateInput!) {{ regulationCreate(input: $input) {{
  __typename ... on Regulation {{ id slug title shortTitle level region editorialStatus status promulgatedOn
    effectiveFrom articles {{ totalCount }} }} {ERRORS} }} }}"""
UPDATE = f"""mutation($input: RegulationUpdateInput!) {{ regulationUpdate(input: $input) {{
  __typename ... on Regulation {{ title shortTitle category region repealed repealedOn status }} {ERRORS} }} }}"""
VERSION_ADD = f"""mutation($input: RegulationVersionAddInput!) {{ regulationVersionAdd(input: $input) {{
  __typename ... on RegulationVersion {{ id number promulgatedOn effectiveFrom
    regulation {{ versions {{ promulgatedOn }} }} }} {ERRORS} }} }}"""
VERSION_UPDATE = f"""mutation($input: RegulationVersionUpdateInput!) {{ regulationVersionUpdate(input: $input) {{
  __typename ... on RegulationVersion {{ id title promulgatedOn article(label: "第二条") {{ text }} }} {ERRORS} }} }}"""
VERSION_DELETE = f"""mutation($input: RegulationVersionDeleteInput!) {{ regulationVersionDelete(input: $input) {{
  __typename ... on Regulation {{ versions {{ id }} }} {ERRORS} }} }}"""
WORKFLOW = """mutation($id: ID!, $comment: String!) {{ {name}(input: {{id: $id, comment: $comment}}) {{
  __typename ... on Regulation {{ editorialStatus }} {errors} }} }}"""
DELETE = f"""mutation($id: ID!) {{ regulationDelete(input: {{id: $id}}) {{ __typename
  ... on Deleted {{ id }} {ERRORS} }} }}"""
READ = "query($id: ID!) { regulation(id: $id) { shortTitle editorialStatus } }"
SEARCH = """query($q: String!, $day: Date) { search(query: $q, kinds: [REGULATION_ARTICLE],
  filter: {inForceOn: $day}) { totalCount edges { node { ... on RegulationArticle { label text
    version { promulgatedOn } } } } } }"""
LIST = "{ regulations { totalCount } }"


async def _step(client, name: str, id: str, comment: str = "") -> dict:
    query = WORKFLOW.format(name=name, errors=ERRORS)
    return (await client.ok(query, {"id": id, "comment": comment}))[name]


async def _create(editor, **extra) -> dict:
    data = (await editor.ok(CREATE, {"input": {"text": TEXT_V1, "level": "LOCAL_REGULATION", "region": "示例市",
                                                **extra}}))["regulationCreate"]
    assert data["__typename"] == "Regulation", data
    return data


async def test_create_edit_and_publish(editor, chief_editor, anonymous, services):
    created = await _create(editor)
    assert (created["editorialStatus"], created["title"], created["shortTitle"]) == (
        "DRAFT", "示例市代表建议办理条例", "示例市代表建议办理条例")
    assert created["slug"] == "shi-li-shi-dai-biao-jian-yi-ban-li-tiao-li"
    assert (created["promulgatedOn"], created["effectiveFrom"]) == ("2024-01-10", "2024-03-01")
    assert created["articles"]["totalCount"] == 4 and created["status"] == "IN_FORCE"
    rid = created["id"]
    assert (await anonymous.ok(READ, {"id": rid}))["regulation"] is None

    changed = (await editor.ok(UPDATE, {"input": {"id": rid, "shortTitle": "代表建议办理条例",
                                                  "category": "代表工作"}}))["regulationUpdate"]
    assert (changed["shortTitle"], changed["category"]) == ("代表建议办理条例", "代表工作")

    added = (await editor.ok(VERSION_ADD, {"input": {"id": rid, "text": TEXT_V2, "promulgatedOn": "2025-06-01",
                                                     "effectiveFrom": "2025-07-01"}}))["regulationVersionAdd"]
    assert (added["number"], added["effectiveFrom"]) == (2, "2025-07-01")
    assert [v["promulgatedOn"] for v in added["regulation"]["versions"]] == ["2024-01-10", "2025-06-01"]

    # Only chief editors publish; editors submit, and cannot change what is in review.
    assert await editor.error_code(WORKFLOW.format(name="regulationPublish", errors=ERRORS),
                                   {"id": rid, "comment": ""}) == "FORBIDDEN"
    assert (await _step(editor, "regulationSubmit", rid))["editorialStatus"] == "IN_REVIEW"
    refused = (await editor.ok(UPDATE, {"input": {"id": rid, "category": "其他"}}))["regulationUpdate"]
    assert refused["errors"][0]["code"] == "WRONG_STATUS"
    missing = await _step(chief_editor, "regulationSendBack", rid)
    assert missing["errors"] == [{"field": "comment", "message": "退回时请填写意见", "code": "REQUIRED"}]
    assert (await _step(chief_editor, "regulationSendBack", rid, "请补充"))["editorialStatus"] == "DRAFT"
    await _step(editor, "regulationSubmit", rid)
    assert (await _step(chief_editor, "regulationPublish", rid))["editorialStatus"] == "PUBLISHED"

    assert (await anonymous.ok(READ, {"id": rid}))["regulation"]["shortTitle"] == "代表建议办理条例"
    assert (await anonymous.ok(LIST))["regulations"]["totalCount"] == 1
    # Published: both versions' articles are searchable, each on the days it applied.
    hits = (await anonymous.ok(SEARCH, {"q": "答复代表", "day": "2024-06-01"}))["search"]["edges"]
    assert hits[0]["node"]["label"] == "第二条" and "三个月内" in hits[0]["node"]["text"]
    assert {e["node"]["version"]["promulgatedOn"] for e in hits} == {"2024-01-10"}
    hits = (await anonymous.ok(SEARCH, {"q": "答复代表 抄送常委会", "day": "2025-08-01"}))["search"]
    assert hits["edges"][0]["node"]["version"]["promulgatedOn"] == "2025-06-01"

    # A chief editor corrects the published text; the index drops the old articles at once.
    correction = TEXT_V2.replace("抄送常委会", "报送代表工作机构")
    fixed = (await chief_editor.ok(VERSION_UPDATE, {"input": {"id": added["id"], "text": correction}})
             )["regulationVersionUpdate"]
    assert "报送代表工作机构" in fixed["article"]["text"] and fixed["promulgatedOn"] == "2025-06-01"
    assert (await anonymous.ok(SEARCH, {"q": '"抄送常委会"'}))["search"]["totalCount"] == 0
    assert (await anonymous.ok(SEARCH, {"q": '"报送代表工作机构"'}))["search"]["totalCount"] == 1
    renamed = (await chief_editor.ok(UPDATE, {"input": {"id": rid, "title": "示例市代表建议答复条例"}}))
    assert renamed["regulationUpdate"]["title"] == "示例市代表建议答复条例"
    titles = """{ search(query: "代表建议答复条例", kinds: [REGULATION]) { edges { node {
      ... on RegulationVersion { title regulation { shortTitle } } } } } }"""
    hit = (await anonymous.ok(titles))["search"]["edges"][0]["node"]
    assert hit == {"title": "示例市代表建议答复条例", "regulation": {"shortTitle": "代表建议办理条例"}}

    # Unpublished: gone for the public, from lists and from the index.
    assert (await _step(chief_editor, "regulationUnpublish", rid))["editorialStatus"] == "DRAFT"
    assert (await anonymous.ok(READ, {"id": rid}))["regulation"] is None
    assert (await anonymous.ok(LIST))["regulations"]["totalCount"] == 0
    assert services.search.count() == 0

    audit = await AuditLog.filter(action__startswith="regulation.").order_by("id").values_list("action", "result")
    assert ("regulation.publish", "DENIED") in audit and ("regulation.publish", "OK") in audit
    assert ("regulation.update", "INVALID") in audit


async def test_archive_and_delete(editor, chief_editor, anonymous, services):
    rid = (await _create(editor))["id"]
    assert (await chief_editor.ok(DELETE, {"id": rid}))["regulationDelete"]["__typename"] == "Deleted"
    assert not await Regulation.exists()

    rid = (await _create(editor))["id"]
    await _step(editor, "regulationSubmit", rid)
    await _step(chief_editor, "regulationPublish", rid)
    refused = (await chief_editor.ok(DELETE, {"id": rid}))["regulationDelete"]
    assert refused["errors"][0]["code"] == "WRONG_STATUS"
    assert services.search.count() == 5  # one version and its four articles
    assert (await _step(chief_editor, "regulationArchive", rid))["editorialStatus"] == "ARCHIVED"
    # Archived: reachable by its address, out of lists and search.
    assert (await anonymous.ok(READ, {"id": rid}))["regulation"]["editorialStatus"] == "ARCHIVED"
    assert (await anonymous.ok(LIST))["regulations"]["totalCount"] == 0
    assert services.search.count() == 0


async def test_versions_can_be_corrected_and_removed(editor, anonymous):
    created = await _create(editor)
    rid = created["id"]
    added = (await editor.ok(VERSION_ADD, {"input": {"id": rid, "text": TEXT_V2, "promulgatedOn": "2025-06-01"}})
             )["regulationVersionAdd"]
    dated = (await editor.ok(VERSION_UPDATE, {"input": {"id": added["id"], "promulgatedOn": "2025-05-30",
                                                         "title": "示例市代表建议办理条例（修正）"}}))
    assert dated["regulationVersionUpdate"]["title"] == "示例市代表建议办理条例（修正）"
    assert (await RegulationVersion.get(id=int(await _pk(added["id"])))).promulgated_on.isoformat() == "2025-05-30"
    left = (await editor.ok(VERSION_DELETE, {"input": {"id": added["id"]}}))["regulationVersionDelete"]
    assert len(left["versions"]) == 1
    last = (await editor.ok(VERSION_DELETE, {"input": {"id": left["versions"][0]["id"]}}))["regulationVersionDelete"]
    assert last["errors"][0]["code"] == "LAST_VERSION"


async def _pk(global_id: str) -> int:
    from schema.base import from_global_id

    return from_global_id(global_id)[1]


async def test_field_errors(editor, citizen):
    no_title = (await editor.ok(CREATE, {"input": {"text": "第一条 内容。", "level": "LAW"}}))["regulationCreate"]
    assert no_title["errors"][0]["field"] == "title" and no_title["errors"][0]["code"] == "REQUIRED"
    empty = (await editor.ok(CREATE, {"input": {"text": "# 标题\n\n2024年1月1日 通过\n", "level": "LAW"}}))
    assert empty["regulationCreate"]["errors"][0]["code"] == "INVALID_TEXT"
    undated = (await editor.ok(CREATE, {"input": {"text": "# 无日期条例\n\n<!-- INFO END -->\n\n第一条 内容。",
                                                  "level": "LAW"}}))["regulationCreate"]
    assert undated["errors"][0]["field"] == "promulgatedOn"
    titled = await _create(editor, title="另一个示例条例", slug="ling-yi-ge")
    assert titled["title"] == "另一个示例条例" and titled["slug"] == "ling-yi-ge"
    taken = (await editor.ok(CREATE, {"input": {"text": TEXT_V1, "level": "LAW", "slug": "ling-yi-ge"}}))
    assert taken["regulationCreate"]["errors"][0] == {"field": "slug", "message": "别名已被使用", "code": "TAKEN"}
    bad = (await editor.ok(UPDATE, {"input": {"id": titled["id"], "slug": "Not A Slug", "shortTitle": " "}}))
    assert {e["field"] for e in bad["regulationUpdate"]["errors"]} == {"slug", "shortTitle"}
    repealed = (await editor.ok(UPDATE, {"input": {"id": titled["id"], "repealedOn": "2025-01-01"}}))
    assert repealed["regulationUpdate"]["repealed"] is True
    assert repealed["regulationUpdate"]["status"] == "REPEALED"
    assert await citizen.error_code(CREATE, {"input": {"text": TEXT_V1, "level": "LAW"}}) == "FORBIDDEN"


SCHEDULE = f"""mutation($id: ID!, $at: DateTime) {{ regulationPublish(input: {{id: $id, publishAt: $at}}) {{
  __typename ... on Regulation {{ editorialStatus publishAt publishedAt }} {ERRORS} }} }}"""


async def test_scheduled_publishing(editor, chief_editor, anonymous, services):
    """A regulation and a gazette issue scheduled to publish stay in review, out of public sight,
    until the scheduler's pass after their time; an unpublish before then cancels the schedule."""
    from datetime import UTC, datetime, timedelta

    from models.gazettes import GazetteIssue
    from resolvers import publishing

    rid = (await _create(editor))["id"]
    await _step(editor, "regulationSubmit", rid)
    at = datetime.now(UTC) + timedelta(hours=3)
    scheduled = (await chief_editor.ok(SCHEDULE, {"id": rid, "at": at.isoformat()}))["regulationPublish"]
    assert scheduled["editorialStatus"] == "IN_REVIEW" and datetime.fromisoformat(scheduled["publishAt"]) == at
    assert await publishing.publish_due(services, Regulation) == []
    assert (await anonymous.ok(READ, {"id": rid}))["regulation"] is None

    issue = (await editor.ok("""mutation { gazetteIssueCreate(input: {year: 2031, number: 1, entries: []}) {
      ... on GazetteIssue { id } } }"""))["gazetteIssueCreate"]["id"]
    await editor.ok("mutation($id: ID!) { gazetteIssueSubmit(input: {id: $id}) { __typename } }", {"id": issue})
    gazette = (await chief_editor.ok("""mutation($id: ID!, $at: DateTime) {
      gazetteIssuePublish(input: {id: $id, publishAt: $at}) { ... on GazetteIssue { status publishAt publishedOn } } }""",
                                     {"id": issue, "at": "2031-01-01T08:00:00+08:00"}))["gazetteIssuePublish"]
    assert (gazette["status"], gazette["publishedOn"]) == ("IN_REVIEW", "2031-01-01")

    # The time comes (moved into the past rather than waited for).
    due = datetime.now(UTC) - timedelta(minutes=1)
    await Regulation.all().update(publish_at=due)
    published = await publishing.publish_due(services, Regulation)
    assert len(published) == 1 and published[0].published_at == due
    read = (await anonymous.ok(READ, {"id": rid}))["regulation"]
    assert read["editorialStatus"] == "PUBLISHED"
    hits = (await anonymous.ok(SEARCH, {"q": "答复代表"}))["search"]["edges"]
    assert hits and hits[0]["node"]["label"] == "第二条"  # indexed as it went public
    assert await publishing.publish_due(services, Regulation) == []  # once only

    # Unpublishing a scheduled issue cancels its schedule.
    cancelled = await chief_editor.ok("""mutation($id: ID!) { gazetteIssueUnpublish(input: {id: $id}) {
      ... on GazetteIssue { status publishAt } } }""", {"id": issue})
    assert cancelled["gazetteIssueUnpublish"] == {"status": "DRAFT", "publishAt": None}
    await GazetteIssue.all().update(publish_at=due)
    assert await publishing.publish_due(services, GazetteIssue) == []
