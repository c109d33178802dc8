"""Editors teach the search citizens' words, and see which questions found nothing.

A citizen's word that no law uses (点子 for 建议) finds nothing; once an editor adds it to the
vocabulary, the same search finds the articles at once, without a reindex. The statistics
count questions per day, never who asked.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from models.audit import AuditLog
from models.search import SearchQueryDay, SearchSynonym
from models.users import Role
from resolvers import search_stats
from resolvers.laws import today as beijing_today
from search import SearchError
from tests.conftest import count_queries, make_client

pytestmark = pytest.mark.db

SEARCH = """query($q: String!, $first: Int, $after: String, $sort: SearchSort) {
  search(query: $q, first: $first, after: $after, sort: $sort, kinds: [REGULATION_ARTICLE]) {
    totalCount pageInfo { endCursor }
    edges { highlights node { ... on RegulationArticle { label regulation { region } } } } } }"""
CREATE = """mutation($input: SearchSynonymCreateInput!) { searchSynonymCreate(input: $input) {
  __typename ... on SearchSynonym { id word terms note }
  ... on FieldErrors { errors { field code message } } } }"""
UPDATE = """mutation($input: SearchSynonymUpdateInput!) { searchSynonymUpdate(input: $input) {
  __typename ... on SearchSynonym { id word terms note } ... on FieldErrors { errors { field code } } } }"""
DELETE = """mutation($id: ID!) { searchSynonymDelete(input: {id: $id}) {
  __typename ... on Deleted { id } ... on FieldErrors { errors { field code } } } }"""
LIST = """query($word: String, $first: Int, $after: String) { searchSynonyms(word: $word, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { id word terms createdAt updatedAt } } } }"""
STATS = """query($since: Date, $until: Date, $emptyOnly: Boolean, $first: Int, $after: String) {
  searchQueryStats(since: $since, until: $until, emptyOnly: $emptyOnly, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { query searches emptySearches lastSearchedOn } } } }"""


async def _search(client, q: str, **variables) -> dict:
    return (await client.ok(SEARCH, {"q": q, **variables}))["search"]


async def _create(client, **entry) -> dict:
    return (await client.ok(CREATE, {"input": entry}))["searchSynonymCreate"]


async def test_a_word_taught_by_an_editor_finds_the_articles_at_once(anonymous, editor, indexed_laws):
    assert (await _search(anonymous, "点子"))["totalCount"] == 0  # no law says 点子
    entry = await _create(editor, word="点子", terms=["建议"], note="市民搜索“代表的点子”无结果")
    assert entry == {"__typename": "SearchSynonym", "id": entry["id"], "word": "点子", "terms": ["建议"],
                     "note": "市民搜索“代表的点子”无结果"}
    assert (await _search(anonymous, "点子"))["totalCount"] > 0
    found = await _search(anonymous, "代表的点子 多久答复", first=5)
    top = {(e["node"]["regulation"]["region"], e["node"]["label"]) for e in found["edges"][:3]}
    assert ("上海", "第十九条") in top or ("北京", "第二十一条") in top, top
    taught = await _search(anonymous, "点子", first=3)
    assert "<em>建议</em>" in " ".join(taught["edges"][0]["highlights"])

    changed = (await editor.ok(UPDATE, {"input": {"id": entry["id"], "terms": ["批评和意见"]}}))["searchSynonymUpdate"]
    assert changed["terms"] == ["批评和意见"] and changed["word"] == "点子"
    assert all("<em>建议</em>" not in " ".join(e["highlights"]) for e in (await _search(anonymous, "点子"))["edges"])

    assert (await editor.ok(DELETE, {"id": entry["id"]}))["searchSynonymDelete"] == {
        "__typename": "Deleted", "id": entry["id"]}
    assert (await _search(anonymous, "点子"))["totalCount"] == 0


async def test_office_staff_list_entries_by_word(http, indexed_laws):
    office = await make_client(http, Role.OFFICE_STAFF)
    for word, term in [("点子", "建议"), ("电驴", "电动自行车"), ("电瓶车", "电动自行车")]:
        assert (await _create(office, word=word, terms=[term]))["__typename"] == "SearchSynonym"
    listed = (await office.ok(LIST, {"first": 2}))["searchSynonyms"]
    assert listed["totalCount"] == 3 and listed["pageInfo"]["hasNextPage"]
    rest = (await office.ok(LIST, {"first": 2, "after": listed["pageInfo"]["endCursor"]}))["searchSynonyms"]
    words = [e["node"]["word"] for e in listed["edges"] + rest["edges"]]
    assert sorted(words) == words and set(words) == {"点子", "电驴", "电瓶车"}
    only = (await office.ok(LIST, {"word": "電"}))["searchSynonyms"]  # traditional 電 finds 电
    assert {e["node"]["word"] for e in only["edges"]} == {"电驴", "电瓶车"}
    with count_queries() as counter:
        await office.ok(LIST, {"first": 100})
    assert len(counter.queries) <= 4  # user, count, page: not one per entry


@pytest.mark.parametrize(("entry", "errors"), [
    ({"word": "", "terms": ["建议"]}, [("word", "REQUIRED")]),
    ({"word": "点", "terms": ["建议"]}, [("word", "INVALID")]),
    ({"word": "代表 点子", "terms": ["建议"]}, [("word", "INVALID")]),
    ({"word": "点子" * 11, "terms": ["建议"]}, [("word", "INVALID")]),
    ({"word": "点子", "terms": []}, [("terms", "REQUIRED")]),
    ({"word": "点子", "terms": ["建议", " "]}, [("terms.1", "REQUIRED")]),
    ({"word": "点子", "terms": ["點子"]}, [("terms.0", "INVALID")]),
    ({"word": "点子", "terms": [f"词{i}" for i in range(11)]}, [("terms", "INVALID")]),
    ({"word": "点子", "terms": ["建议"], "note": "长" * 201}, [("note", "INVALID")]),
    ({"word": "", "terms": []}, [("word", "REQUIRED"), ("terms", "REQUIRED")]),
    ({"word": "怎么办", "terms": ["处理"]}, [("word", "IGNORED_WORD")]),  # searches drop it: it would never apply
])
async def test_bad_entries_are_refused_and_nothing_changes(editor, services, entry, errors):
    result = await _create(editor, **entry)
    assert result["__typename"] == "FieldErrors"
    assert [(e["field"], e["code"]) for e in result["errors"]] == errors
    assert await SearchSynonym.all().count() == 0
    assert services.search.vocabulary() == {}


async def test_a_word_is_in_the_vocabulary_once(editor):
    first = await _create(editor, word="点子", terms=["建议"])
    again = await _create(editor, word="點子", terms=["意见"])  # the same word in traditional characters
    assert [(e["field"], e["code"]) for e in again["errors"]] == [("word", "TAKEN")]
    other = await _create(editor, word="电驴", terms=["电动自行车"])
    clash = (await editor.ok(UPDATE, {"input": {"id": other["id"], "word": "点子"}}))["searchSynonymUpdate"]
    assert clash["errors"] == [{"field": "word", "code": "TAKEN"}]
    same = (await editor.ok(UPDATE, {"input": {"id": first["id"], "word": "点子", "terms": ["建议", "意见"]}}))
    assert same["searchSynonymUpdate"]["terms"] == ["建议", "意见"]


async def test_a_busy_index_refuses_the_change_and_keeps_the_database_as_it_was(editor, services, monkeypatch):
    def busy(entries):
        raise SearchError("The search index is busy with another update; please try again shortly.")

    kept = await _create(editor, word="点子", terms=["建议"])
    monkeypatch.setattr(services.search, "set_vocabulary", busy)
    refused = await _create(editor, word="电驴", terms=["电动自行车"])
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [(None, "SEARCH_BUSY")]
    assert (await editor.ok(DELETE, {"id": kept["id"]}))["searchSynonymDelete"]["errors"][0]["code"] == "SEARCH_BUSY"
    assert sorted(await SearchSynonym.all().values_list("word", flat=True)) == ["点子"]


async def test_only_the_newsroom_and_office_manage_the_vocabulary(anonymous, citizen, editor, http):
    entry = await _create(editor, word="点子", terms=["建议"])
    assert await anonymous.error_code(CREATE, {"input": {"word": "电驴", "terms": ["电动自行车"]}}) == "UNAUTHENTICATED"
    assert await citizen.error_code(CREATE, {"input": {"word": "电驴", "terms": ["电动自行车"]}}) == "FORBIDDEN"
    assert await citizen.error_code(DELETE, {"id": entry["id"]}) == "FORBIDDEN"
    assert await citizen.error_code(LIST) == "FORBIDDEN"
    assert await anonymous.error_code(STATS) == "UNAUTHENTICATED"
    node = "query($id: ID!) { node(id: $id) { id } }"
    assert (await anonymous.ok(node, {"id": entry["id"]}))["node"] is None
    assert (await editor.ok(node, {"id": entry["id"]}))["node"] == {"id": entry["id"]}
    actions = await AuditLog.filter(action__startswith="search_synonym").values_list("action", "result")
    assert sorted(actions) == [("search_synonym.create", "DENIED"), ("search_synonym.create", "DENIED"),
                               ("search_synonym.create", "OK"), ("search_synonym.delete", "DENIED")]
    assert await SearchSynonym.all().count() == 1


async def test_statistics_count_questions_and_those_that_found_nothing(anonymous, citizen, editor, services,
                                                                       indexed_laws):
    await _search(anonymous, "代表建议", first=2)
    first_page = await _search(citizen, "代表建议 ", first=2)  # the same question, however spaced
    await _search(anonymous, "代表建议", first=2, after=first_page["pageInfo"]["endCursor"])  # paging: not new
    await _search(anonymous, "代表建议", sort="NEWEST")  # browsing by date: not a question
    await _search(anonymous, "点子")
    assert await search_stats.write_counts(services.searches) == 2
    await _search(anonymous, "点子")
    await search_stats.write_counts(services.searches)  # a second pass adds to the same rows

    stats = (await editor.ok(STATS))["searchQueryStats"]
    rows = [(e["node"]["query"], e["node"]["searches"], e["node"]["emptySearches"]) for e in stats["edges"]]
    assert rows == [("点子", 2, 2), ("代表建议", 2, 0)]  # as often searched: the empty one first
    assert stats["edges"][1]["node"]["lastSearchedOn"] == beijing_today().isoformat()
    empty = (await editor.ok(STATS, {"emptyOnly": True}))["searchQueryStats"]
    assert [e["node"]["query"] for e in empty["edges"]] == ["点子"]
    # Words only: nothing in the statistics says who searched or from where.
    assert set(SearchQueryDay._meta.fields_map) == {"id", "day", "query", "searches", "empty"}


async def test_statistics_by_period_with_paging(editor):
    today = beijing_today()  # the statistics' days are Beijing days
    for days_ago, query, searches, empty in [(0, "噪声扰民", 3, 0), (1, "噪声扰民", 2, 0), (1, "电驴", 4, 4),
                                             (40, "电驴", 9, 9), (2, "广场舞", 1, 0)]:
        await SearchQueryDay.create(day=today - timedelta(days=days_ago), query=query, searches=searches, empty=empty)
    recent = (await editor.ok(STATS, {"first": 2}))["searchQueryStats"]
    assert [(e["node"]["query"], e["node"]["searches"]) for e in recent["edges"]] == [("噪声扰民", 5), ("电驴", 4)]
    assert recent["totalCount"] == 3 and recent["pageInfo"]["hasNextPage"]
    rest = (await editor.ok(STATS, {"first": 2, "after": recent["pageInfo"]["endCursor"]}))["searchQueryStats"]
    assert [e["node"]["query"] for e in rest["edges"]] == ["广场舞"] and not rest["pageInfo"]["hasNextPage"]
    older = (await editor.ok(STATS, {"since": (today - timedelta(days=60)).isoformat(),
                                     "until": (today - timedelta(days=30)).isoformat()}))["searchQueryStats"]
    assert [(e["node"]["query"], e["node"]["emptySearches"]) for e in older["edges"]] == [("电驴", 9)]
    assert await editor.error_code(STATS, {"since": today.isoformat(),
                                           "until": (today - timedelta(days=1)).isoformat()}) == "BAD_REQUEST"
    assert await editor.error_code(STATS, {"after": "not-a-cursor"}) == "BAD_REQUEST"
    # Kept SEARCH_STATS_DAYS (the scheduler deletes what is older).
    assert await search_stats.forget_before(today - timedelta(days=30)) == 1
    assert await SearchQueryDay.filter(query="电驴").count() == 1


async def test_counting_keeps_what_it_could_not_write(http, monkeypatch):
    counter = search_stats.QueryCounter()
    counter.record("电驴", found=0)
    counter.record("電驢", found=0)  # the same question in traditional characters

    async def broken(*args):
        raise ConnectionError("database went away")

    monkeypatch.setattr(search_stats, "_add", broken)
    with pytest.raises(ConnectionError):
        await search_stats.write_counts(counter)
    monkeypatch.undo()
    assert await search_stats.write_counts(counter) == 1
    assert await SearchQueryDay.filter(query="电驴").values_list("searches", "empty") == [(2, 2)]


async def test_numbers_and_addresses_typed_into_the_box_are_not_kept(anonymous, services):
    for query in ["我的身份证号11010519491231002X查违章", "电话13800138000 投诉", "京A12345 违章",
                  "联系 zhang.san@example.com", "刑法第120条"]:
        await _search(anonymous, query)
    await search_stats.write_counts(services.searches)
    kept = sorted(await SearchQueryDay.all().values_list("query", flat=True))
    assert kept == sorted(["我的身份证号*查违章", "电话* 投诉", "京* 违章", "联系 *", "刑法第120条"])


async def test_two_editors_adding_the_same_word_at_once_get_taken_not_an_error(editor, monkeypatch):
    from resolvers import search_vocabulary

    async def not_yet_taken(errors, word):  # both checked before either wrote
        return None

    assert (await _create(editor, word="点子", terms=["建议"]))["__typename"] == "SearchSynonym"
    monkeypatch.setattr(search_vocabulary, "_check_free", not_yet_taken)
    late = await _create(editor, word="点子", terms=["意见"])
    assert [(e["field"], e["code"]) for e in late["errors"]] == [("word", "TAKEN")]
    assert await SearchSynonym.all().values_list("terms", flat=True) == [["建议"]]
