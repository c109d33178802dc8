"""`python server.py --demo` loads the demo into an empty data dir, and leaves it alone afterwards."""

from __future__ import annotations

import pytest

from tests.http.conftest import REPO, LiveClient, server_env, start_server

DEMO_NEWS = REPO / "resolvers" / "demo" / "news.json"
COUNTS = "{ articles { totalCount } columns { slug } }"
SEARCH = "query($q: String!) { search(query: $q) { totalCount } }"
STAFF_VIEW = """{ searchSynonyms { edges { node { word terms } } }
  searchQueryStats(emptyOnly: true) { edges { node { query searches emptySearches } } } }"""


@pytest.mark.skipif(not DEMO_NEWS.exists(), reason="resolvers/demo/news.json (the demo content) is not there yet")
def test_demo_loads_once_into_an_empty_data_dir(tmp_path):
    data, cwd = tmp_path / "data", tmp_path / "cwd"
    cwd.mkdir()
    counts = []
    for run in ("first", "second"):
        server = start_server("--data-dir", data, "--demo", env=server_env(), cwd=cwd, data_dir=data,
                              output=tmp_path / f"{run}.out")
        try:
            client = LiveClient(server)
            counts.append(client.ok(COUNTS))
            staff = LiveClient(server, client.login("editor", "Renda#Demo2026")["token"]).ok(STAFF_VIEW)
            if run == "second":  # after the statistics were read: these searches count too
                # The tour's questions: the editors' entries answer the first two; the last
                # still finds nothing (a built-in thesaurus word would spoil it).
                found = {q: client.ok(SEARCH, {"q": q})["search"]["totalCount"]
                         for q in ("电驴 上牌", "人大代表的点子 多久回复", "跑腿 被撞 谁赔")}
        finally:
            server.stop()
    first, second = counts
    assert first["articles"]["totalCount"] > 0 and first["columns"]
    assert second == first
    # The editors' search tools have a week of questions to show, and the entries made for them.
    assert {e["node"]["word"] for e in staff["searchSynonyms"]["edges"]} == {"电驴", "点子"}
    empty = {e["node"]["query"]: e["node"]["emptySearches"] for e in staff["searchQueryStats"]["edges"]}
    assert empty["跑腿 被撞 谁赔"] == 28 and "试用期最长多久" not in empty
    assert found["电驴 上牌"] > 0 and found["人大代表的点子 多久回复"] > 0 and found["跑腿 被撞 谁赔"] == 0
    log = (data / "logs" / "app.log").read_text(encoding="utf-8")
    assert log.count("demo content loaded") == 1
    assert "demo content not loaded" in log
    assert list(cwd.iterdir()) == []
