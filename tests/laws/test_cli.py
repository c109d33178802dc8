"""`python server.py import-laws PATH` and `python server.py reindex`, run as a user would, with a
server running meanwhile: it sees what the command line wrote to the index."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PASSWORD
from tests.http.conftest import LiveClient, server_env, start_server

from .conftest import LIFAFA, SUGGESTION_RULES, corpus_subset

pytestmark = pytest.mark.db

SERVER = Path(__file__).resolve().parents[2] / "server.py"
SEARCH = """query($q: String!) { search(query: $q, kinds: [REGULATION_ARTICLE], first: 3) { totalCount
  edges { node { ... on RegulationArticle { label regulation { region } } } } } }"""


def cli(*args, env: dict[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, str(SERVER), *map(str, args)], env=env, capture_output=True, text=True,
                          encoding="utf-8", timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture
def env() -> dict[str, str]:
    values = server_env()
    if values["SEARCH_BACKEND"] == "none":
        pytest.skip("needs the search package")
    return values


def test_import_twice_then_reindex(tmp_path, env):
    corpus = corpus_subset(tmp_path / "corpus", LIFAFA + SUGGESTION_RULES)
    data = tmp_path / "data"
    temp = tmp_path / "tmp"
    temp.mkdir()
    first = cli("import-laws", corpus, "--data-dir", data, env=env | {"TMPDIR": str(temp)})
    # Everything the command writes is under the data folder, the segmenter's cache included.
    assert (data / "cache" / "jieba.cache").is_file() and not any(temp.iterdir())
    assert "imported 4, updated 0, unchanged 0, skipped 0" in first.stdout
    assert "written: 3 regulations, 4 versions" in first.stdout
    indexed = re.search(r"indexed (\d+) search documents of 3 regulations", first.stdout)
    assert indexed, first.stdout
    assert "import-laws" in first.stderr and "100%" in first.stderr  # the progress bars

    again = cli("import-laws", corpus, "--data-dir", data, env=env)
    assert "imported 0, updated 0, unchanged 4, skipped 0" in again.stdout
    assert "search index unchanged" in again.stdout

    # A changed text is updated and re-indexed; a broken one is skipped with its reason.
    path = corpus / SUGGESTION_RULES[0]
    path.write_text(path.read_text("utf-8").replace("三个月内", "九十日内"), "utf-8")
    (corpus / LIFAFA[0]).write_text("not a law text", "utf-8")
    changed = cli("import-laws", corpus, "--data-dir", data, env=env)
    assert "imported 0, updated 1, unchanged 2, skipped 1" in changed.stdout
    assert f"skipped {LIFAFA[0]}: malformed: no title" in changed.stdout
    assert "of 1 regulations" in changed.stdout

    rebuilt = cli("reindex", "--data-dir", data, env=env)
    assert f"reindexed {indexed.group(1)} search documents" in rebuilt.stdout


def test_a_running_server_sees_what_the_command_line_indexed(tmp_path, env):
    data = tmp_path / "data"
    cli("migrate", "--data-dir", data, env=env)
    server = start_server("--data-dir", data, env=env, cwd=tmp_path, data_dir=data, output=tmp_path / "server.out")
    try:
        client = LiveClient(server)
        assert client.ok(SEARCH, {"q": "答复代表"})["search"]["totalCount"] == 0
        cli("import-laws", corpus_subset(tmp_path / "corpus", SUGGESTION_RULES), "--data-dir", data, env=env)
        found = client.ok(SEARCH, {"q": "承办单位多长时间内答复代表建议"})["search"]
        assert found["totalCount"] > 0
        assert {e["node"]["regulation"]["region"] for e in found["edges"]} <= {"上海", "北京"}
        cli("reindex", "--data-dir", data, env=env)  # swaps in a new index directory
        assert client.ok(SEARCH, {"q": "承办单位多长时间内答复代表建议"})["search"]["totalCount"] == found["totalCount"]
    finally:
        server.stop()


CREATE_SYNONYM = """mutation($word: String!, $terms: [String!]!) {
  searchSynonymCreate(input: {word: $word, terms: $terms}) { __typename } }"""


def test_vocabulary_and_statistics_outlive_restarts_and_reindex(tmp_path, env):
    data = tmp_path / "data"
    cli("import-laws", corpus_subset(tmp_path / "corpus", SUGGESTION_RULES), "--data-dir", data, env=env)
    cli("create-user", "editor1", "--role", "EDITOR", "--password", PASSWORD, "--data-dir", data, env=env)

    def serve(name: str):
        return start_server("--data-dir", data, env=env, cwd=tmp_path, data_dir=data, output=tmp_path / name)

    def found(client: LiveClient) -> int:
        return client.ok(SEARCH, {"q": "点子"})["search"]["totalCount"]

    server = serve("first.out")
    try:
        citizen = LiveClient(server)
        assert found(citizen) == 0
        editor = LiveClient(server, citizen.login("editor1")["token"])
        created = editor.ok(CREATE_SYNONYM, {"word": "点子", "terms": ["建议"]})["searchSynonymCreate"]
        assert created == {"__typename": "SearchSynonym"}
        assert found(citizen) > 0
    finally:
        server.stop()
    # What was counted but not yet written by the scheduler is written when the server stops.
    with sqlite3.connect(data / "app.db") as db:
        assert db.execute("select query, searches, empty from search_query_days").fetchall() == [("点子", 2, 1)]

    vocabulary = data / "index" / "vocabulary.json"
    vocabulary.unlink()  # as if the index folder were lost: the database still has the entry
    cli("reindex", "--data-dir", data, env=env)
    assert json.loads(vocabulary.read_text("utf-8")) == {"点子": ["建议"]}
    vocabulary.unlink()
    server = serve("second.out")  # and a server starting copies it too
    try:
        assert found(LiveClient(server)) > 0
    finally:
        server.stop()
