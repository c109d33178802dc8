"""The re-ranker: what a citizen notices in the order of the first hits, and how its weights
are fit (bench/fit_ranker.py)."""

from __future__ import annotations

import numpy as np
import pytest

from bench.fit_ranker import fit, rank_of
from search import SearchDocument, SearchKind, open_backend
from search.query import parse_query
from search.whoosh_rerank import FEATURES, WEIGHTS, Candidate, Ranker, features


def rule(key: str, title: str, body: str, headings: str = "", **kw) -> SearchDocument:
    return SearchDocument(key=key, kind=kw.pop("kind", SearchKind.REGULATION_ARTICLE), title=title, body=body,
                          extra_terms=f"代表法 {headings}".strip(), level=kw.pop("level", "LAW"), **kw)


@pytest.fixture
def backend(tmp_path):
    b = open_backend("whoosh", tmp_path / "index")
    yield b
    b.close()


def keys(results) -> list[str]:
    return [h.key for h in results.hits]


def test_purpose_and_scope_articles_give_way_to_the_one_that_answers(backend):
    # 第二条 names every subject of the law, so it has the words more often than the answer.
    backend.index([
        rule("RegulationArticle:scope", "代表建议办理条例 第二条",
             "本条例适用于代表建议的提出、交办、办理和答复，代表建议的答复和督办。"),
        rule("RegulationArticle:answer", "代表建议办理条例 第十九条", "承办单位办理代表建议，应当书面答复代表。"),
    ])
    assert keys(backend.search("代表建议 答复"))[0] == "RegulationArticle:answer"


def test_a_law_as_a_whole_follows_its_article_that_answers(backend):
    backend.index([
        # The whole text has the words more often (it holds every article), and in its title.
        rule("RegulationVersion:law", "代表建议办理条例",
             "承办单位应当研究办理代表建议。会议记录在案。代表建议应当及时答复。代表建议的答复应当书面。",
             kind=SearchKind.REGULATION),
        rule("RegulationArticle:answer", "代表建议办理条例 第十九条", "承办单位应当在三个月内答复代表建议。"),
    ])
    assert keys(backend.search("代表建议 答复")) == ["RegulationArticle:answer", "RegulationVersion:law"]


def test_may_it_be_done_finds_the_article_that_forbids_it(backend):
    # "能不能卖" is answered by what must not be done, however the law words it (不准, 禁止),
    # even when an article that allows it is shorter.
    backend.index([
        rule("RegulationArticle:allows", "商品检验法 第四条", "进口商品经检验合格的，可以销售。"),
        rule("RegulationArticle:answer", "商品检验法 第五条", "进口商品未经检验的，一律不准在本市的市场上销售。"),
    ])
    assert keys(backend.search("进口商品没检验，能不能卖"))[0] == "RegulationArticle:answer"


def test_scores_follow_the_order_and_paging_keeps_it(backend):
    backend.index([rule(f"RegulationArticle:{n}", f"条例 第{n}条", "代表建议" + "答复" * (n % 7) + "。" * n)
                   for n in range(1, 60)])
    whole = backend.search("代表建议 答复", limit=59)
    scores = [h.score for h in whole.hits]
    assert scores == sorted(scores, reverse=True)
    paged = [h.key for offset in range(0, 59, 10) for h in backend.search("代表建议 答复", offset=offset, limit=10).hits]
    assert paged == keys(whole)


def test_every_feature_has_a_weight():
    assert set(WEIGHTS) == set(FEATURES)


def test_features_of_a_candidate():
    parsed = parse_query("在上海 闯红灯 罚款多少")
    row = features([(2.0, 0, 0)], parsed, {}, ["上海"], lambda v, d: Candidate(
        "道路交通条例 第二条", "机动车闯红灯的，处罚款。", "道路交通条例 第六章 法律责任", "REGULATION_ARTICLE",
        "LOCAL_REGULATION", "AMENDED", "北京"))[0]
    named = dict(zip(FEATURES, row, strict=True))
    assert named["score"] == 0.0  # the best candidate's own score
    assert named["sentence"] == named["words"] > 0
    assert named["penalty_chapter"] == named["local"] == named["other_region"] == named["opening"] == 1.0
    assert named["superseded"] == 1.0 and named["whole_text"] == 0.0


def test_fitting_learns_which_signal_marks_the_answers():
    # Two candidates per question: the answer has the second signal, whatever the first says.
    rng = np.random.default_rng(7)
    questions = []
    for _ in range(40):
        rows = rng.normal(size=(2, len(FEATURES)))
        rows[:, 1] = [1.0, 0.0]
        questions.append(([rows], [np.array([True, False])]))
    w = fit(questions, l2=0.1)
    assert w[1] > 0 and abs(w[1]) == max(abs(w))
    assert all(rank_of(t, y, w) == 1 for t, y in questions)
    assert Ranker({"score": 1.0}).weights[0] == 1.0
