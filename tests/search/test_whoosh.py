"""What is particular to the whoosh backend: its bulk readers, segments, folders, options."""

from __future__ import annotations

import pytest
from whoosh.matching.wrappers import FilterMatcher

from search import SearchDocument, SearchError, SearchFilter, SearchKind, open_backend
from search.index_dir import POINTER
from search.whoosh_columns import numeric_column, postings, ref_column
from search.whoosh_schema import FACET_COLUMNS
from tests.search.corpus import corpus


def article(n: int, title: str, body: str = "", **kw) -> SearchDocument:
    return SearchDocument(key=f"Article:{n}", kind=SearchKind.ARTICLE, title=title, body=body, **kw)


@pytest.fixture
def backend(tmp_path):
    b = open_backend("whoosh", tmp_path / "index", lock_timeout=5)
    yield b
    b.close()


def test_parallel_rebuild(tmp_path):
    b = open_backend("whoosh", tmp_path / "index", build_procs=2)
    assert b.rebuild(corpus()) == len(corpus())
    assert b.count() == len(corpus())
    assert [h.key for h in b.search('"有关机关和组织研究处理"').hits] == ["RegulationArticle:daibiaofa-37"]
    assert b.search("", filter=SearchFilter(regions=["上海"]), facets=True).facets["kind"]["DEPUTY"] == 1
    b.close()


def test_bulk_readers_agree_with_whoosh(backend):
    backend.index(corpus())
    backend.delete(["Article:1"])
    reader = backend._reading(lambda st: st.reader)
    for leaf, _ in reader.leaf_readers():
        for field, term in [("body", "代表"), ("title", "代表法"), ("body", "的"), ("extra", "第十二条"), ("body", "无此词")]:
            matcher = leaf.postings(field, term) if (field, term) in leaf else None
            expected: tuple[list, list] = ([], [])
            if matcher is not None:
                if isinstance(matcher, FilterMatcher):
                    matcher = matcher.child
                while matcher.is_active():
                    expected[0].append(matcher.id())
                    expected[1].append(matcher.weight())
                    matcher.next()
            assert postings(leaf, field, term) == expected
        for name in ("promulgated", "effective_to", "sort_ts"):
            assert numeric_column(leaf, name) == list(leaf.column_reader(name))
        for name in FACET_COLUMNS:
            assert ref_column(leaf, name) == list(leaf.column_reader(name, translate=False))


def test_many_small_commits_merges_and_deletes_stay_exact(backend, tmp_path):
    other = open_backend("whoosh", tmp_path / "index")
    for n in range(40):  # each a commit; whoosh merges the small segments along the way
        backend.index([article(n, f"通知第{n}号", "关于代表建议办理的通知", region="上海" if n % 2 else "北京")])
        other.search("代表建议")
    backend.delete([f"Article:{n}" for n in range(0, 40, 4)])
    backend.index([article(n, f"更正第{n}号", "关于代表建议办理的更正") for n in range(1, 40, 4)])
    for b in (backend, other):
        assert b.count() == 30
        results = b.search("代表建议", limit=100, facets=True)
        assert results.total == 30
        assert len({h.key for h in results.hits}) == 30
        assert results.facets["region"] == {"上海": 10, "北京": 10}  # the corrections have no region
        assert b.search("更正").total == 10
        assert b.search('"通知第0号"').total == 0
        assert b.search('"通知第1号"').total == 0  # replaced by 更正第1号
        assert b.search('"通知第2号"').total == 1
        assert min(h.score for h in results.hits) > 0
    other.close()


def test_build_leftovers_are_removed(backend, tmp_path):
    leftover = tmp_path / "index" / "ix-20200101000000-deadbeef.tmp"
    leftover.mkdir()
    (leftover / "junk").write_text("x")
    backend.index(corpus()[:1])
    assert leftover.exists()  # ordinary writes do not touch other folders
    backend.rebuild(corpus())
    assert not leftover.exists()
    assert len([p for p in (tmp_path / "index").iterdir() if p.name.startswith("ix-")]) == 1


def test_missing_index_is_a_readable_error_and_rebuild_repairs_it(backend, tmp_path):
    backend.index(corpus())
    (tmp_path / "index" / POINTER).write_text("ix-nowhere\n")
    backend._drop_state()
    with pytest.raises(SearchError, match="rebuild"):
        backend.search("代表")
    assert backend.rebuild(corpus()) == len(corpus())
    assert backend.search("督办会").total == 1


def test_unreadable_vocabulary_file_is_ignored(backend, tmp_path):
    backend.index([article(1, "条例", "驾驶电动自行车应当佩戴安全头盔。")])
    backend.set_vocabulary({"电驴": ["电动自行车"]})
    assert backend.search("电驴").total == 1
    (tmp_path / "index" / "vocabulary.json").write_text("{not json", "utf-8")
    assert backend.search("电驴").total == 0  # the built-in table only, and no error
    assert backend.search("电动自行车").total == 1
    backend.set_vocabulary({"电驴": ["电动自行车"]})  # a new write mends it
    assert backend.search("电驴").total == 1


def test_vocabulary_write_leaves_no_temporary_files(backend, tmp_path):
    (tmp_path / "index" / "vocabulary.json.dead1234").write_text("{}", "utf-8")  # of a writer killed mid-write
    backend.set_vocabulary({"电驴": ["电动自行车"]})
    assert sorted(p.name for p in (tmp_path / "index").glob("vocabulary*")) == ["vocabulary.json"]


def test_home_regions_keep_their_local_rules_first(tmp_path):
    b = open_backend("whoosh", tmp_path / "home", home_regions=["北京"])
    rule = dict(kind=SearchKind.REGULATION_ARTICLE, title="代表履职保障规定 第五条",
                body="代表执行代表职务，所在单位按正常出勤对待，不得扣减工资。")
    b.index([SearchDocument(key="RegulationArticle:shanghai", level="LOCAL_REGULATION", region="上海", **rule),
             SearchDocument(key="RegulationArticle:beijing", level="LOCAL_REGULATION", region="北京", **rule)])
    # The site is in Beijing: a question naming no place is about Beijing's rules.
    assert [h.key for h in b.search("代表执行职务 单位扣工资吗").hits] == [
        "RegulationArticle:beijing", "RegulationArticle:shanghai"]
    b.close()
