"""Reading regulations through GraphQL: a regulation seen on a date, its articles, versions and
comparisons."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from tests.api.factories import gid

pytestmark = pytest.mark.db

ON_DATE = """query($slug: String, $id: ID, $asOf: Date) {
  regulation(slug: $slug, id: $id, asOf: $asOf) {
    id slug title shortTitle level levelLabel status statusLabel asOf promulgatedOn effectiveFrom url
    issuingBody region documentNumber history
    version { id number promulgatedOn startsOn endsOn }
    article(label: "第三条") { label text url }
    articles(first: 1) { totalCount }
    versions { promulgatedOn status statusLabel }
  } }"""


async def _on(client, day: str | None, **ref) -> dict:
    return (await client.ok(ON_DATE, {**ref, "asOf": day}))["regulation"]


async def test_lifafa_before_and_after_the_2023_amendment(anonymous, laws):
    before = await _on(anonymous, "2023-03-12", slug="li-fa-fa")
    assert before["promulgatedOn"] == "2015-03-15" and before["status"] == "IN_FORCE"
    assert before["statusLabel"] == "有效" and before["asOf"] == "2023-03-12"
    assert "遵循宪法的基本原则" in before["article"]["text"]
    assert before["articles"]["totalCount"] == 105
    assert [(v["promulgatedOn"], v["status"]) for v in before["versions"]] == [
        ("2015-03-15", "IN_FORCE"), ("2023-03-13", "NOT_YET_EFFECTIVE")]
    assert before["version"]["endsOn"] == "2023-03-13"

    after = await _on(anonymous, "2023-03-13", slug="li-fa-fa")
    assert after["promulgatedOn"] == "2023-03-13" and after["status"] == "IN_FORCE"
    assert "坚持中国共产党的领导" in after["article"]["text"]
    assert after["articles"]["totalCount"] == 120
    assert [(v["status"], v["statusLabel"]) for v in after["versions"]] == [("AMENDED", "已修改"), ("IN_FORCE", "有效")]
    assert after["version"]["number"] == 2 and after["version"]["endsOn"] is None
    assert after["title"] == "中华人民共和国立法法" and after["shortTitle"] == "立法法"
    assert (after["level"], after["levelLabel"], after["region"]) == ("LAW", "法律", None)
    assert after["issuingBody"] == "全国人民代表大会"
    assert after["history"][0].startswith("2000年3月15日")

    # By global ID as well; without asOf it is seen today and its address carries no date.
    today = await _on(anonymous, None, id=after["id"])
    assert today["promulgatedOn"] == "2023-03-13" and today["url"] == "https://renda.example.cn/laws/li-fa-fa"
    assert after["url"] == "https://renda.example.cn/laws/li-fa-fa?asOf=2023-03-13"
    assert unquote(after["article"]["url"]) == "https://renda.example.cn/laws/li-fa-fa/第三条?asOf=2023-03-13"


async def test_before_any_version_applies_it_is_not_yet_effective(anonymous, laws):
    early = await _on(anonymous, "2010-01-01", slug="li-fa-fa")
    # The demo corpus has no 2000 text: the first version known is shown as the coming text.
    assert (early["status"], early["statusLabel"]) == ("NOT_YET_EFFECTIVE", "尚未生效")
    assert early["promulgatedOn"] == "2015-03-15"


async def test_unknown_regulations_are_null(anonymous, laws):
    assert (await anonymous.ok(ON_DATE, {"slug": "no-such-law"}))["regulation"] is None
    assert (await anonymous.ok(ON_DATE, {"id": gid("Article", laws["立法法"].id)}))["regulation"] is None
    assert (await anonymous.ok(ON_DATE, {"id": "not-an-id"}))["regulation"] is None


ARTICLES = """query($slug: String!, $number: Int, $suffix: Int, $label: String!, $after: String) {
  regulation(slug: $slug) {
    articles(number: $number, suffix: $suffix, first: 3, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { number suffix label url } } }
    article(label: $label) { id number suffix label headingPath text paragraphs { text items { label text } }
      version { promulgatedOn } regulation { slug } }
  } }"""


async def test_inserted_articles_by_number_and_label(anonymous, laws):
    vars = {"slug": "xing-fa", "number": 120, "label": "第一百二十条之一"}
    data = (await anonymous.ok(ARTICLES, vars))["regulation"]
    page = data["articles"]
    assert page["totalCount"] == 7  # 第一百二十条 and 之一 … 之六
    assert [(e["node"]["number"], e["node"]["suffix"]) for e in page["edges"]] == [(120, 0), (120, 1), (120, 2)]
    assert page["pageInfo"]["hasNextPage"]
    more = (await anonymous.ok(ARTICLES, {**vars, "after": page["pageInfo"]["endCursor"]}))["regulation"]["articles"]
    assert [e["node"]["label"] for e in more["edges"]] == ["第一百二十条之三", "第一百二十条之四", "第一百二十条之五"]
    assert unquote(page["edges"][1]["node"]["url"]).endswith("/laws/xing-fa/第一百二十条之一")

    article = data["article"]
    assert (article["number"], article["suffix"], article["label"]) == (120, 1, "第一百二十条之一")
    assert article["text"].startswith("资助恐怖活动组织")
    assert article["regulation"]["slug"] == "xing-fa"
    assert article["headingPath"][0].startswith("第二编")

    only = (await anonymous.ok(ARTICLES, {**vars, "suffix": 1}))["regulation"]["articles"]
    assert [e["node"]["label"] for e in only["edges"]] == ["第一百二十条之一"]
    for label in ("第120条之一", "一百二十条之一", "120之一"):
        found = (await anonymous.ok(ARTICLES, {**vars, "label": label}))["regulation"]["article"]
        assert found["id"] == article["id"]
    assert (await anonymous.ok(ARTICLES, {**vars, "label": "第九百九十九条"}))["regulation"]["article"] is None
    assert await anonymous.error_code(ARTICLES, {**vars, "label": "总则"}) == "BAD_REQUEST"


async def test_paragraphs_and_items(anonymous, laws):
    data = (await anonymous.ok(ARTICLES, {"slug": "li-fa-fa", "label": "第十一条"}))["regulation"]["article"]
    paragraph = data["paragraphs"][0]
    assert paragraph["text"].startswith("下列事项只能制定法律")
    assert [i["label"] for i in paragraph["items"]][:3] == ["（一）", "（二）", "（三）"]


TEXT = """query($slug: String!) { regulation(slug: $slug) {
  text headings { level levelLabel label title text depth position }
  version { markdown preamble { text } } } }"""


async def test_text_and_headings(anonymous, laws):
    data = (await anonymous.ok(TEXT, {"slug": "li-fa-fa"}))["regulation"]
    assert data["text"].startswith("第一章 总则\n第一条 为了规范立法活动")
    first, section = data["headings"][0], data["headings"][2]
    assert (first["level"], first["levelLabel"], first["label"], first["title"], first["depth"]) == (
        "CHAPTER", "章", "第一章", "总则", 0)
    assert (section["level"], section["text"], section["depth"]) == ("SECTION", "第一节 立法权限", 1)
    assert data["version"]["markdown"].startswith("# 中华人民共和国立法法\n\n2000年3月15日")
    assert "<!-- INFO END -->\n\n## 第一章 总则\n\n第一条 为了规范立法活动" in data["version"]["markdown"]


COMPARE = """query($slug: String!, $from: ID, $to: ID) { regulation(slug: $slug) {
  versions { id }
  compare(from: $from, to: $to) { fromVersion { promulgatedOn } toVersion { promulgatedOn }
    added removed changed { label oldLabel oldText newText } renumbered { oldLabel newLabel } unchangedCount } } }"""
ROOT_COMPARE = """query($from: ID!, $to: ID!) { regulationCompare(from: $from, to: $to) {
  fromVersion { promulgatedOn } toVersion { promulgatedOn } added removed unchangedCount
  changed { label } renumbered { oldLabel newLabel } } }"""


async def test_compare_versions(anonymous, laws):
    data = (await anonymous.ok(COMPARE, {"slug": "li-fa-fa"}))["regulation"]
    diff = data["compare"]
    assert (diff["fromVersion"]["promulgatedOn"], diff["toVersion"]["promulgatedOn"]) == ("2015-03-15", "2023-03-13")
    # 105 articles became 120: matched ones are unchanged or changed, the rest added.
    matched = diff["unchangedCount"] + len(diff["changed"])
    assert matched + len(diff["removed"]) == 105 and matched + len(diff["added"]) == 120
    assert diff["added"] and diff["changed"] and diff["renumbered"]
    third = next(c for c in diff["changed"] if c["label"] == "第三条")
    assert "遵循宪法的基本原则" in third["oldText"] and "坚持中国共产党的领导" in third["newText"]
    moved = next(c for c in diff["changed"] if c["label"] != c["oldLabel"])
    assert (moved["oldLabel"], moved["label"]) in {(r["oldLabel"], r["newLabel"]) for r in diff["renumbered"]}
    # The last article (本法自2000年7月1日起施行) only moved: 第一百零五条 -> 第一百二十条.
    assert {"oldLabel": "第一百零五条", "newLabel": "第一百二十条"} in diff["renumbered"]

    old, new = (v["id"] for v in data["versions"])
    root = (await anonymous.ok(ROOT_COMPARE, {"from": old, "to": new}))["regulationCompare"]
    assert root["added"] == diff["added"] and root["unchangedCount"] == diff["unchangedCount"]
    backwards = (await anonymous.ok(COMPARE, {"slug": "li-fa-fa", "from": new, "to": old}))["regulation"]["compare"]
    assert sorted(backwards["removed"]) == sorted(diff["added"])

    # Seen before the amendment, the default comparison has nothing older to compare with.
    early = await anonymous.ok("""{ regulation(slug: "li-fa-fa", asOf: "2020-01-01") { compare { added } } }""")
    assert early["regulation"]["compare"] is None
    other = (await anonymous.ok(COMPARE, {"slug": "xing-fa"}))["regulation"]["versions"][0]["id"]
    assert await anonymous.error_code(COMPARE, {"slug": "li-fa-fa", "from": other}) == "BAD_REQUEST"


NODES = """query($ids: [ID!]!) { nodes(ids: $ids) {
  __typename id
  ... on RegulationArticle { label url version { promulgatedOn status } regulation { asOf promulgatedOn url } }
  ... on RegulationVersion { title status url regulation { promulgatedOn } articles(number: 3) { edges { node { label } } } }
} }"""


async def test_articles_and_versions_are_nodes(anonymous, laws):
    data = (await anonymous.ok(ON_DATE, {"slug": "li-fa-fa", "asOf": "2020-01-01"}))["regulation"]
    old_version = data["version"]["id"]
    old_article = (await anonymous.ok(ARTICLES, {"slug": "li-fa-fa", "label": "第三条"}))["regulation"]["article"]
    nodes = (await anonymous.ok(NODES, {"ids": [old_version, old_article["id"]]}))["nodes"]
    version, article = nodes
    assert version["__typename"] == "RegulationVersion" and version["status"] == "AMENDED"
    # An old text's address and regulation are seen on the day it started.
    assert version["url"] == "https://renda.example.cn/laws/li-fa-fa?asOf=2015-03-15"
    assert version["regulation"]["promulgatedOn"] == "2015-03-15"
    assert [e["node"]["label"] for e in version["articles"]["edges"]] == ["第三条"]
    # Today's text has no date in its addresses.
    assert article["__typename"] == "RegulationArticle" and article["version"]["status"] == "IN_FORCE"
    assert unquote(article["url"]) == "https://renda.example.cn/laws/li-fa-fa/第三条"
    assert article["regulation"]["url"] == "https://renda.example.cn/laws/li-fa-fa"


LIST = """query($filter: RegulationFilter, $first: Int, $page: Int) {
  regulations(filter: $filter, first: $first, page: $page) {
    totalCount totalPages currentPage edges { node { shortTitle status promulgatedOn } } } }"""


async def _titles(client, flt: dict | None = None, **kw) -> list[str]:
    data = (await client.ok(LIST, {"filter": flt, **kw}))["regulations"]
    return [e["node"]["shortTitle"] for e in data["edges"]]


async def test_list_filters(anonymous, laws):
    # Newest promulgated first.
    assert await _titles(anonymous) == ["立法法", "刑法", "北京市人民代表大会代表建议、批评和意见办理条例",
                                        "上海市人民代表大会关于代表建议、批评和意见的规定"]
    assert await _titles(anonymous, {"levels": ["LAW"]}) == ["立法法", "刑法"]
    assert await _titles(anonymous, {"regions": ["上海"]}) == ["上海市人民代表大会关于代表建议、批评和意见的规定"]
    assert await _titles(anonymous, {"national": False}) == await _titles(anonymous, {"levels": ["LOCAL_REGULATION"]})
    assert await _titles(anonymous, {"title": "代表建议", "issuingBody": "北京"}) == [
        "北京市人民代表大会代表建议、批评和意见办理条例"]
    assert await _titles(anonymous, {"title": "中华人民共和国立"}) == ["立法法"]
    # Status on a day: in 2012 the texts the demo has of 立法法 (2015), 刑法 (2021) and the Beijing
    # rules (2014) had not taken effect yet.
    early = {"statuses": ["IN_FORCE"], "asOf": "2012-01-01"}
    assert await _titles(anonymous, early) == ["上海市人民代表大会关于代表建议、批评和意见的规定"]
    assert await _titles(anonymous, {"statuses": ["NOT_YET_EFFECTIVE"], "asOf": "2012-01-01"}) == [
        "立法法", "刑法", "北京市人民代表大会代表建议、批评和意见办理条例"]
    assert "立法法" in await _titles(anonymous, {"statuses": ["IN_FORCE"]})
    assert await _titles(anonymous, {"statuses": ["REPEALED"]}) == []
    paged = (await anonymous.ok(LIST, {"first": 3, "page": 2}))["regulations"]
    assert (paged["totalCount"], paged["totalPages"], paged["currentPage"], len(paged["edges"])) == (4, 2, 2, 1)


async def test_regulations_seen_on_the_filter_day(anonymous, laws):
    data = (await anonymous.ok(LIST, {"filter": {"title": "立法法", "asOf": "2020-06-01"}}))["regulations"]
    assert data["edges"][0]["node"]["promulgatedOn"] == "2015-03-15"
