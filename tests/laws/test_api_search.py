"""Searching laws through GraphQL: regulation articles answer citizens' questions, point-in-time
filters pick the right version, and facets carry Chinese labels."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.db

SEARCH = """query($q: String!, $kinds: [SearchKind!], $filter: SearchFilter, $first: Int) {
  search(query: $q, kinds: $kinds, filter: $filter, first: $first) {
    totalCount
    edges { score highlights node { __typename
      ... on RegulationArticle { label text url regulation { shortTitle region } version { promulgatedOn status } }
      ... on RegulationVersion { title promulgatedOn status statusLabel regulation { shortTitle } } } }
    facets { name values { value label count } } } }"""


async def _search(client, q: str, **variables) -> dict:
    return (await client.ok(SEARCH, {"q": q, **variables}))["search"]


async def test_a_citizens_question_finds_the_deadline_article(anonymous, indexed_laws):
    found = await _search(anonymous, "承办单位多长时间内答复代表建议", kinds=["REGULATION_ARTICLE"], first=3)
    top = [(e["node"]["regulation"]["region"], e["node"]["label"]) for e in found["edges"]]
    assert ("上海", "第十九条") in top or ("北京", "第二十一条") in top, top
    hit = next(e for e in found["edges"] if e["node"]["label"] in ("第十九条", "第二十一条"))
    assert "三个月内" in hit["node"]["text"] and "<em>" in " ".join(hit["highlights"])


async def test_in_force_on_picks_the_version_of_that_day(anonymous, indexed_laws):
    titles = await _search(anonymous, "立法法", kinds=["REGULATION"], filter={"inForceOn": "2020-01-01"})
    assert [(e["node"]["__typename"], e["node"]["promulgatedOn"], e["node"]["status"]) for e in titles["edges"]] == [
        ("RegulationVersion", "2015-03-15", "AMENDED")]
    assert titles["edges"][0]["node"]["regulation"] == {"shortTitle": "立法法"}
    now = await _search(anonymous, "立法法", kinds=["REGULATION"], filter={"inForceOn": "2024-01-01"})
    assert [e["node"]["promulgatedOn"] for e in now["edges"]] == ["2023-03-13"]
    # Articles too: the 2015 wording (遵循宪法的基本原则) only on days the 2015 text applied.
    old = await _search(anonymous, '"遵循宪法的基本原则"', filter={"inForceOn": "2020-01-01"})
    assert [e["node"]["label"] for e in old["edges"]] == ["第三条"]
    assert (await _search(anonymous, '"遵循宪法的基本原则"', filter={"inForceOn": "2024-01-01"}))["totalCount"] == 0
    assert (await _search(anonymous, '"遵循宪法的基本原则"', filter={"inForceOn": "2012-01-01"}))["totalCount"] == 0


async def test_status_level_and_region_filters_and_facets(anonymous, indexed_laws):
    everything = await _search(anonymous, "立法")
    facets = {f["name"]: {v["value"]: (v["label"], v["count"]) for v in f["values"]} for f in everything["facets"]}
    assert facets["status"]["AMENDED"][0] == "已修改" and facets["status"]["IN_FORCE"][0] == "有效"
    assert facets["level"]["LAW"][0] == "法律"
    assert facets["kind"]["REGULATION_ARTICLE"][0] == "法条"
    in_force = await _search(anonymous, "立法", filter={"statuses": ["IN_FORCE"]}, first=100)
    assert all(e["node"].get("version", e["node"]).get("status", "IN_FORCE") == "IN_FORCE" for e in in_force["edges"])
    assert in_force["totalCount"] == everything["totalCount"] - facets["status"]["AMENDED"][1]
    shanghai = await _search(anonymous, "代表建议", kinds=["REGULATION_ARTICLE"], filter={"regions": ["上海"]},
                             first=100)
    assert shanghai["totalCount"] > 0
    assert {e["node"]["regulation"]["region"] for e in shanghai["edges"]} == {"上海"}
    local = await _search(anonymous, "代表建议", filter={"levels": ["LOCAL_REGULATION"]}, first=1)
    national = await _search(anonymous, "代表建议", filter={"levels": ["LAW"]}, first=1)
    assert local["totalCount"] + national["totalCount"] == (await _search(anonymous, "代表建议"))["totalCount"]
