"""The SearchBackend contract: every implementation in search.BACKENDS passes this class."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from search import (
    FACET_NAMES,
    MAX_QUERY_LENGTH,
    SearchBackend,
    SearchDocument,
    SearchError,
    SearchFilter,
    SearchKind,
    SearchResults,
    SearchSort,
    open_backend,
)
from tests.search.corpus import corpus

ROOT = Path(__file__).resolve().parents[2]


def keys(results: SearchResults) -> list[str]:
    return [hit.key for hit in results.hits]


def article(key: str, title: str, body: str = "", **kw) -> SearchDocument:
    return SearchDocument(key=key, kind=SearchKind.ARTICLE, title=title, body=body, **kw)


def reader_of(worker: subprocess.Popen) -> Callable[[str], int]:
    """Asks a `reader` worker (ready to read commands) one command, returns its number; `quit`
    returns the worker's exit status."""
    assert worker.stdout.readline().strip() == "ready"

    def ask(command: str) -> int:
        worker.stdin.write(command + "\n")
        worker.stdin.flush()
        return worker.wait() if command == "quit" else int(worker.stdout.readline())

    return ask


@contextmanager
def worker_process(*args: str) -> Iterator[subprocess.Popen]:
    """tests/search/worker.py in another process; killed (if still running) on exit."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.search.worker", *args],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdin.close()
        proc.stdout.close()
        proc.wait()


class TestSearchBackend:
    # -- the protocol and lifecycle ---------------------------------------------------------

    def test_implements_protocol(self, backend):
        assert isinstance(backend, SearchBackend)
        assert backend.count() == 0
        assert backend.search("代表").total == 0

    def test_index_and_count(self, loaded):
        assert loaded.count() == len(corpus())

    def test_index_replaces_by_key(self, loaded):
        loaded.index([article("Article:1", "新标题", "全新的正文内容关于噪声污染防治")])
        assert loaded.count() == len(corpus())
        assert keys(loaded.search("噪声污染")) == ["Article:1"]
        assert "Article:1" not in keys(loaded.search("督办会"))

    def test_last_of_duplicate_keys_in_a_batch_wins(self, backend):
        backend.index([article("Article:1", "噪声污染"), article("Article:1", "垃圾分类")])
        assert backend.count() == 1
        assert keys(backend.search("垃圾分类")) == ["Article:1"]
        assert backend.search("噪声污染").total == 0

    def test_index_nothing_is_a_no_op(self, loaded):
        loaded.index([])
        loaded.delete([])
        loaded.delete_by_parent([])
        assert loaded.count() == len(corpus())

    def test_delete(self, loaded):
        loaded.delete(["Article:1", "Deputy:7", "Unknown:1"])
        assert loaded.count() == len(corpus()) - 2
        assert keys(loaded.search("督办会")) == []

    def test_delete_by_parent(self, loaded):
        loaded.delete_by_parent(["Regulation:daibiaofa"])
        left = keys(loaded.search("代表", limit=50))
        assert not [k for k in left if k.startswith("RegulationArticle:daibiaofa")]
        assert "Regulation:daibiaofa" in left  # the parent itself is not its own child
        assert loaded.count() == len(corpus()) - 2

    def test_clear(self, loaded):
        loaded.clear()
        assert loaded.count() == 0
        assert loaded.search("代表").total == 0
        loaded.index(corpus()[:2])
        assert loaded.count() == 2

    def test_closed_backend_refuses(self, backend_name, index_dir):
        b = open_backend(backend_name, index_dir)
        b.close()
        with pytest.raises(SearchError):
            b.search("代表")
        with pytest.raises(SearchError):
            b.index(corpus()[:1])

    def test_unknown_backend(self, tmp_path):
        with pytest.raises(SearchError, match="Unknown search backend"):
            open_backend("elastic", tmp_path)

    # -- matching and ranking ---------------------------------------------------------------

    def test_title_boost(self, backend):
        backend.index(
            [
                article("Article:body", "工作简报", "本期介绍了执法检查的安排和其他工作。"),
                article("Article:title", "执法检查工作简报", "本期介绍了相关安排和其他工作。"),
            ]
        )
        assert keys(backend.search("执法检查")) == ["Article:title", "Article:body"]

    def test_words_in_one_sentence_rank_above_scattered_ones(self, backend):
        backend.index([
            article("Article:scattered", "通知", "承办单位应当认真研究。代表提出的意见要记录在案。答复应当及时。"),
            article("Article:together", "通知", "承办单位应当研究代表提出的意见并及时答复。会议要记录在案。"),
        ])
        assert keys(backend.search("承办单位 答复 代表")) == ["Article:together", "Article:scattered"]

    def test_everyday_words_find_legal_terms(self, backend):
        backend.index([
            article("Article:legal", "条例", "用人单位应当按时足额支付劳动报酬。"),
            article("Article:other", "条例", "单位应当建立健全内部管理制度。"),
        ])
        found = backend.search("老板不发工资怎么办")
        assert keys(found)[0] == "Article:legal"
        assert "<em>用人单位</em>" in found.hits[0].highlights[0]

    def test_editors_vocabulary_finds_legal_terms_without_reindex(self, backend):
        backend.index([
            article("Article:bike", "条例", "驾驶电动自行车应当在非机动车道内行驶。"),
            article("Article:car", "条例", "机动车应当在机动车道内行驶。"),
        ])
        assert backend.search("电驴 走哪条道").total == 0
        backend.set_vocabulary({"电驴": ["电动自行车"]})
        assert backend.vocabulary() == {"电驴": ["电动自行车"]}
        found = backend.search("电驴 走哪条道")
        assert keys(found) == ["Article:bike"]
        assert "<em>电动自行车</em>" in found.hits[0].highlights[0]
        backend.set_vocabulary({})  # replaced whole: the entry is gone
        assert backend.vocabulary() == {}
        assert backend.search("电驴 走哪条道").total == 0

    def test_vocabulary_word_counts_where_the_segmenter_cuts_it(self, backend):
        backend.index([
            article("Article:sign", "门楼号牌", "门楼牌损坏需要补设的，费用由所有人承担。"),
            article("Article:other", "号牌", "补办号牌应当提交申请。"),
        ])
        backend.set_vocabulary({"补装": ["补设"]})  # not a dictionary word: cut into 补 / 装
        assert keys(backend.search("门牌坏了 补装"))[0] == "Article:sign"

    def test_a_place_named_ranks_other_places_rules_lower(self, backend):
        def law(key: str, title: str, body: str, **kw) -> SearchDocument:
            return SearchDocument(key=key, kind=SearchKind.REGULATION_ARTICLE, title=title, body=body, **kw)

        backend.index([
            law("RegulationArticle:beijing", "北京市养犬管理规定 第六条", "饲养宠物应当办理登记。",
                level="LOCAL_REGULATION", region="北京"),
            law("RegulationArticle:guangdong", "广东省动物防疫条例 第二十条", "饲养宠物应当办理登记，遵守有关规定。",
                level="LOCAL_REGULATION", region="广东"),
            law("RegulationArticle:national", "动物防疫法 第三十条", "单位和个人饲养犬只，应当按照规定定期免疫接种。",
                level="LAW"),
        ])
        assert keys(backend.search("饲养 宠物 登记"))[:2] == ["RegulationArticle:beijing", "RegulationArticle:guangdong"]
        # The same words from someone in Shenzhen (no text says 深圳): Beijing's rule matches
        # them better, but does not apply there; Guangdong's does.
        assert keys(backend.search("深圳 饲养 宠物 登记"))[:2] == [
            "RegulationArticle:guangdong", "RegulationArticle:beijing"]
        # National laws are never held back.
        assert keys(backend.search("深圳 饲养 犬只 免疫接种"))[0] == "RegulationArticle:national"

    def test_a_question_naming_no_place_ranks_national_laws_above_local_rules(self, backend):
        def law(key: str, **kw) -> SearchDocument:  # the same words: only where they apply differs
            return SearchDocument(key=key, kind=SearchKind.REGULATION_ARTICLE, title="代表履职保障规定 第五条",
                                  body="代表执行代表职务，所在单位按正常出勤对待，不得扣减工资。", **kw)

        backend.index([law("RegulationArticle:beijing", level="LOCAL_REGULATION", region="北京"),
                       law("RegulationArticle:national", level="LAW")])
        # Asked where the site is (no place named): Beijing's rule does not apply there.
        assert keys(backend.search("代表执行职务 单位扣工资吗")) == [
            "RegulationArticle:national", "RegulationArticle:beijing"]
        assert keys(backend.search("北京 代表执行职务 单位扣工资吗"))[0] == "RegulationArticle:beijing"

    def test_is_it_allowed_questions_find_what_must_not_be_done(self, backend):
        backend.index([
            article("Article:duty", "保安服务管理条例", "保安员应当配合公安机关搜查身体。"),
            article("Article:ban", "保安服务管理条例",
                    "保安员在提供保安服务过程中，不得限制他人人身自由，不得搜查他人身体，不得侮辱、殴打他人。"),
        ])
        assert keys(backend.search("保安能搜查我的身体吗"))[0] == "Article:ban"

    def test_which_kinds_questions_find_the_list(self, backend):
        backend.index([
            article("Article:rule", "公务员处分条例", "对公务员给予处分，应当事实清楚、证据确凿，处分恰当。"),
            article("Article:kinds", "公务员处分条例", "公务员处分的种类为：警告、记过、记大过、降级、撤职、开除。"),
        ])
        assert keys(backend.search("公务员处分有哪几种"))[0] == "Article:kinds"

    def test_question_words_do_not_count(self, backend):
        backend.index([article("Article:keep", "条例", "征信机构对不良信息的保存期限，自事件终止之日起为5年。")])
        # 几年 is a question word: it asks for a time limit (之日起 ranks), it is not looked for.
        assert keys(backend.search("征信 不良信息 保存几年")) == ["Article:keep"]

    def test_citizen_question_finds_the_article(self, loaded):
        results = loaded.search("单位答复代表建议的期限")
        assert results.hits[0].key in {"RegulationArticle:daibiaofa-37", "Article:1"}
        assert {"RegulationArticle:daibiaofa-37", "Article:1"} <= set(keys(results))

    def test_two_words_both_rank_first(self, loaded):
        # Only the deputy's profile has both; the Shanghai regulation has 分类 alone and follows.
        found = keys(loaded.search("分类 社区"))
        assert found[0] == "Deputy:7" and "RegulationArticle:shanghai-laji-20" in found[1:]

    def test_two_words_fall_back_to_either(self, loaded):
        assert set(keys(loaded.search("督办会 火星"))) == {"Article:1"}

    def test_more_words_need_half_and_all_rank_first(self, loaded):
        # 垃圾/分类/社区/治理: the profile has all four, the regulation two of them.
        assert keys(loaded.search("垃圾分类 社区治理")) == ["Deputy:7", "RegulationArticle:shanghai-laji-20"]
        # One of three words is not enough when others have two ...
        assert keys(loaded.search("代表建议 督办会 汇报")) == ["Article:1"]
        # ... words no text has do not count ...
        assert keys(loaded.search("督办会 火星 金星")) == ["Article:1"]
        assert keys(loaded.search("代表建议 督办会 火星"))[0] == "Article:1"
        # ... and any one is enough when no document has more.
        assert set(keys(loaded.search("督办会 垃圾分类 劳动合同纠纷"))) >= {"Article:1", "Article:2"}

    def test_few_with_half_the_words_then_those_lacking_one_more(self, loaded):
        # A long question that few texts half answer: texts with one word fewer follow them
        # (still two or more words), never ahead of them, whatever their score.
        loaded.index([
            article("Article:half", "通知", "暴雨导致停电时，电梯应当有人值守。"),
            article("Article:fewer", "电梯救援 电梯救援", "电梯困人的，应当及时救援。"),
            article("Article:one", "通知", "一只鸬鹚。"),
            article("Article:lake", "通知", "在湖边散步。"),
        ])
        found = keys(loaded.search("暴雨 停电 电梯 救援 鸬鹚 湖边", limit=50))
        assert found[:2] == ["Article:half", "Article:fewer"]
        assert "Article:one" not in found and "Article:lake" not in found
        # One text with half the words is too few for a page; eleven are not.
        loaded.index([article(f"Article:more{i}", "通知", "暴雨停电，电梯停运。") for i in range(10)])
        assert "Article:fewer" not in keys(loaded.search("暴雨 停电 电梯 救援 鸬鹚 湖边", limit=50))

    def test_user_dictionary_terms_and_sub_words(self, loaded):
        assert "RegulationArticle:lifafa2023-81" in keys(loaded.search("地方性法规"))
        # 常务委员会 is indexed whole and also as 常务 / 委员会.
        assert "GazetteIssue:2024-3" in keys(loaded.search("委员会"))
        # 劳动合同 still matches where jieba segmented 劳动/合同法 ...
        backend_doc = article("Article:law", "学习宣传", "依照劳动合同法的规定开展普法。")
        loaded.index([backend_doc])
        assert "Article:law" in keys(loaded.search("劳动合同"))
        # ... but no junk straddles a split: 法规 is not in 依法/规定.
        loaded.index([article("Article:yifa", "通知", "依法规定的事项。")])
        assert "Article:yifa" not in keys(loaded.search("法规"))

    def test_article_labels(self, loaded):
        assert keys(loaded.search("第三十七条")) == ["RegulationArticle:daibiaofa-37"]

    def test_exclusion(self, loaded):
        with_words = set(keys(loaded.search("代表建议", limit=50)))
        assert "Article:1" in with_words
        without = set(keys(loaded.search("代表建议 -督办会", limit=50)))
        assert without == with_words - {"Article:1"}
        assert keys(loaded.search('代表建议 -"督办会"', limit=50)) == keys(loaded.search("代表建议 -督办会", limit=50))

    def test_exclusion_alone_matches_nothing(self, loaded):
        assert loaded.search("-代表").total == 0

    # -- phrases ---------------------------------------------------------------------------

    def test_phrase_of_one_dictionary_word(self, loaded):
        found = set(keys(loaded.search('"代表建议"', limit=50)))
        assert "RegulationArticle:daibiaofa-37" in found
        # 第四十五条 has 代表 … 建议 apart, not the phrase.
        assert "RegulationArticle:daibiaofa-45" not in found
        assert "RegulationArticle:daibiaofa-45" in keys(loaded.search("代表 建议", limit=50))

    def test_multi_word_phrase(self, loaded):
        assert keys(loaded.search('"有关机关和组织研究处理"')) == ["RegulationArticle:daibiaofa-37"]
        assert set(keys(loaded.search('"设区的市的人民代表大会"'))) == {
            "RegulationArticle:lifafa2015-72",
            "RegulationArticle:lifafa2023-81",
        }

    def test_phrase_words_apart_do_not_match(self, backend):
        backend.index(
            [
                article("Article:exact", "会议", "会议讨论了代表建议办理工作。"),
                article("Article:apart", "会议", "会议讨论了建议，听取代表意见，部署办理工作。"),
                article("Article:reversed", "会议", "会议讨论了办理代表建议工作。"),
            ]
        )
        assert keys(backend.search('"代表建议办理"')) == ["Article:exact"]
        assert set(keys(backend.search('"代表建议" 办理'))) == {"Article:exact", "Article:reversed"}
        # Unquoted, a word's pieces apart also match, below the texts with the whole word.
        assert keys(backend.search("代表建议 办理"))[-1] == "Article:apart"

    def test_phrase_across_segmentation_differences(self, backend):
        # In context jieba splits 人大代表/建议, yet the phrase 代表建议 is in the text.
        backend.index([article("Article:ctx", "通知", "各位人大代表建议的办理情况")])
        assert keys(backend.search('"代表建议的办理"')) == ["Article:ctx"]
        assert keys(backend.search('"的办理情况"')) == ["Article:ctx"]
        assert keys(backend.search('"代表建议的情况"')) == []

    def test_phrase_in_title(self, loaded):
        assert keys(loaded.search('"生活垃圾管理条例"')) == ["RegulationArticle:shanghai-laji-20"]

    def test_curly_quotes_are_phrases(self, loaded):
        assert keys(loaded.search("“有关机关和组织研究处理”")) == ["RegulationArticle:daibiaofa-37"]

    # -- traditional characters ------------------------------------------------------------

    def test_traditional_query_finds_simplified_text(self, loaded):
        found = keys(loaded.search("勞動合同 解除"))
        assert found[0] == "RegulationArticle:laodong-39"
        assert keys(loaded.search('"用人單位可以解除勞動合同"')) == ["RegulationArticle:laodong-39"]

    def test_simplified_query_finds_traditional_text(self, loaded):
        assert keys(loaded.search("劳动合同纠纷"))[0] == "Article:2"

    # -- query syntax never fails ------------------------------------------------------------

    @pytest.mark.parametrize(
        "query",
        [
            '"代表建议',
            '代表建议"',
            '"""',
            "AND OR (",
            "代表建议 AND OR (",
            "((((代表建议",
            "代表建议)))",
            "-",
            "--代表建议",
            "- 代表建议",
            "代表建议 -",
            "* ? ~ ^ : \\ / [ ] { }",
            "代表\x00建议\x07\x1b[31m",
            "\u202e代表建议\u200b",
            "代表建议 🙂🙂",
            "代表建议" * 500,
            "title:代表建议",
            "NOT 代表建议",
            "代表建议~2",
            "代表建议^3",
            "'); DROP TABLE articles; --",
            "<script>alert(1)</script>",
            "\t\n\r",
        ],
    )
    def test_syntax_errors_degrade_to_words(self, loaded, query):
        results = loaded.search(query, facets=True)
        assert isinstance(results, SearchResults)
        if "代表建议" in query and "-代表建议" not in query.replace("--", "-"):
            assert "RegulationArticle:daibiaofa-37" in keys(loaded.search(query, limit=50))

    def test_unbalanced_quote_is_plain_words(self, loaded):
        assert keys(loaded.search('"代表 建议', limit=50)) == keys(loaded.search("代表 建议", limit=50))

    def test_query_length_is_limited(self, loaded):
        padding = "啊" * MAX_QUERY_LENGTH
        assert loaded.search(padding + " 督办会").total == 0  # beyond the limit: ignored
        assert keys(loaded.search("督办会 " + padding)) == ["Article:1"]

    def test_empty_query_returns_nothing(self, loaded):
        for query in ("", "   ", "的 吗", None):
            results = loaded.search(query, facets=True)
            assert results.total == 0 and results.hits == []

    def test_empty_query_with_filter_browses(self, loaded):
        results = loaded.search("", filter=SearchFilter(kinds=[SearchKind.ARTICLE]))
        assert keys(results) == ["Article:1", "Article:2", "Article:3"]  # newest first
        assert loaded.search("", filter=SearchFilter()).total == 0  # an empty filter is no filter
        assert loaded.search("", filter=SearchFilter(kinds=[], regions=[])).total == 0
        assert loaded.search("督办会", filter=SearchFilter(kinds=[])).total == 1

    # -- filters -----------------------------------------------------------------------------

    def test_filter_kinds_levels_statuses_regions(self, loaded):
        f = SearchFilter(kinds=[SearchKind.REGULATION_ARTICLE], levels=["LOCAL_REGULATION"])
        assert set(keys(loaded.search("", filter=f))) == {
            "RegulationArticle:shanghai-laji-20",
            "RegulationArticle:beijing-wuye-12",
        }
        f = SearchFilter(statuses=["AMENDED"])
        assert keys(loaded.search("设区的市", filter=f)) == ["RegulationArticle:lifafa2015-72"]
        f = SearchFilter(regions=["上海", "北京"], kinds=[SearchKind.ARTICLE, SearchKind.DEPUTY])
        assert set(keys(loaded.search("", filter=f))) == {"Article:1", "Article:2", "Deputy:7"}

    def test_filter_issuing_bodies_and_group_keys(self, loaded):
        f = SearchFilter(issuing_bodies=["全国人民代表大会"])
        assert set(keys(loaded.search("", filter=f))) == {
            "RegulationArticle:lifafa2015-72",
            "RegulationArticle:lifafa2023-81",
        }
        f = SearchFilter(group_keys=["代表法"])
        assert set(keys(loaded.search("代表", filter=f))) == {
            "Regulation:daibiaofa",
            "RegulationArticle:daibiaofa-37",
            "RegulationArticle:daibiaofa-45",
        }

    def test_filter_promulgated_range(self, loaded):
        f = SearchFilter(promulgated_from=date(2015, 3, 15), promulgated_to=date(2019, 1, 31))
        assert set(keys(loaded.search("", filter=f, limit=50))) == {
            "Regulation:daibiaofa",
            "RegulationArticle:daibiaofa-37",
            "RegulationArticle:daibiaofa-45",
            "RegulationArticle:lifafa2015-72",
            "RegulationArticle:shanghai-laji-20",
        }
        f = SearchFilter(promulgated_from=date(2023, 1, 1))  # undated documents are out
        assert keys(loaded.search("", filter=f)) == ["RegulationArticle:lifafa2023-81"]

    def test_filter_effective_range(self, loaded):
        f = SearchFilter(effective_from=date(2019, 7, 1), effective_to=date(2023, 3, 15))
        assert set(keys(loaded.search("", filter=f))) == {
            "RegulationArticle:shanghai-laji-20",
            "RegulationArticle:lifafa2023-81",
        }

    def test_filter_in_force_on(self, loaded):
        def in_force(day):
            f = SearchFilter(in_force_on=day, kinds=[SearchKind.REGULATION_ARTICLE])
            return set(keys(loaded.search("设区的市", filter=f)))

        assert in_force(date(2015, 3, 14)) == set()
        assert in_force(date(2015, 3, 15)) == {"RegulationArticle:lifafa2015-72"}  # from is inclusive
        assert in_force(date(2023, 3, 14)) == {"RegulationArticle:lifafa2015-72"}
        assert in_force(date(2023, 3, 15)) == {"RegulationArticle:lifafa2023-81"}  # to is exclusive
        f = SearchFilter(in_force_on=date(2025, 1, 1), regions=["北京"], kinds=[SearchKind.REGULATION_ARTICLE])
        assert loaded.search("", filter=f).total == 0  # effective only from 2030

    def test_in_force_falls_back_to_promulgation(self, backend):
        backend.index(
            [
                SearchDocument("R:1", SearchKind.REGULATION, "条例甲", promulgated_on=date(2020, 1, 1)),
                SearchDocument("R:2", SearchKind.REGULATION, "条例乙"),
            ]
        )
        assert set(keys(backend.search("条例", filter=SearchFilter(in_force_on=date(2019, 12, 31))))) == {"R:2"}
        assert set(keys(backend.search("条例", filter=SearchFilter(in_force_on=date(2020, 1, 1))))) == {
            "R:1",
            "R:2",
        }

    def test_filters_combine_with_query(self, loaded):
        f = SearchFilter(regions=["上海"])
        assert set(keys(loaded.search("代表建议", filter=f))) == {"Article:1", "Deputy:7"}
        assert loaded.search("代表建议", filter=SearchFilter(regions=["重庆"])).total == 0

    # -- sorting and paging -------------------------------------------------------------------

    def test_sort_newest_and_oldest(self, loaded):
        f = SearchFilter(kinds=[SearchKind.ARTICLE, SearchKind.GAZETTE_ISSUE, SearchKind.DEPUTY])
        newest = keys(loaded.search("", filter=f, sort=SearchSort.NEWEST))
        assert newest == ["GazetteIssue:2024-3", "Article:1", "Article:2", "Article:3", "Deputy:7"]
        oldest = keys(loaded.search("", filter=f, sort=SearchSort.OLDEST))
        assert oldest == ["Article:3", "Article:2", "Article:1", "GazetteIssue:2024-3", "Deputy:7"]

    def test_sort_by_date_falls_back_to_promulgation(self, loaded):
        newest = keys(loaded.search("设区的市", sort=SearchSort.NEWEST))
        assert newest == ["RegulationArticle:lifafa2023-81", "RegulationArticle:lifafa2015-72"]

    def test_paging(self, loaded):
        everything = keys(loaded.search("代表", limit=50))
        assert len(everything) == loaded.search("代表").total > 3
        pages = [keys(loaded.search("代表", offset=i, limit=2)) for i in range(0, len(everything), 2)]
        assert [k for page in pages for k in page] == everything
        assert loaded.search("代表", offset=1000).hits == []
        assert loaded.search("代表", limit=0).hits == []

    def test_scores_descend(self, loaded):
        scores = [hit.score for hit in loaded.search("代表建议", limit=50).hits]
        assert scores == sorted(scores, reverse=True) and scores[0] > 0

    def test_hit_kinds(self, loaded):
        by_key = {hit.key: hit.kind for hit in loaded.search("上海", limit=50).hits}
        assert by_key["Deputy:7"] is SearchKind.DEPUTY
        assert by_key["GazetteIssue:2024-3"] is SearchKind.GAZETTE_ISSUE

    # -- facets ----------------------------------------------------------------------------

    def test_facets_count_the_whole_match(self, loaded):
        results = loaded.search("代表", limit=1, facets=True)
        assert len(results.hits) == 1
        facets = results.facets
        assert set(facets) == set(FACET_NAMES)
        assert sum(facets["kind"].values()) == results.total
        assert facets["kind"]["REGULATION_ARTICLE"] >= 3
        assert facets["region"]["上海"] == 3  # Article:1, Deputy:7, the gazette
        assert facets["level"]["LAW"] >= 3

    def test_facet_values(self, loaded):
        facets = loaded.search("设区的市", facets=True).facets
        assert facets == {
            "kind": {"REGULATION_ARTICLE": 2},
            "level": {"LAW": 2},
            "status": {"AMENDED": 1, "IN_FORCE": 1},
            "region": {"全国": 2},
            "year": {"2015": 1, "2023": 1},
        }

    def test_facet_year_fallbacks(self, loaded):
        f = SearchFilter(kinds=[SearchKind.ARTICLE, SearchKind.GAZETTE_ISSUE])
        years = loaded.search("", filter=f, facets=True).facets["year"]
        assert years == {"2024": 2, "2022": 1, "2023": 1}  # year, else published_at

    def test_facets_follow_filters_and_edits(self, loaded):
        f = SearchFilter(regions=["上海"])
        assert loaded.search("", filter=f, facets=True).facets["kind"] == {
            "ARTICLE": 1,
            "DEPUTY": 1,
            "GAZETTE_ISSUE": 1,
            "REGULATION_ARTICLE": 1,
        }
        loaded.index([replace(corpus()[8], region="北京")])  # Article:1 moves
        assert loaded.search("", filter=f, facets=True).facets["kind"] == {
            "DEPUTY": 1,
            "GAZETTE_ISSUE": 1,
            "REGULATION_ARTICLE": 1,
        }

    def test_no_facets_unless_asked(self, loaded):
        assert loaded.search("代表").facets is None
        assert loaded.search("火星", facets=True).facets == {name: {} for name in FACET_NAMES}

    # -- highlights ------------------------------------------------------------------------

    def test_highlights_mark_terms(self, loaded):
        hit = loaded.search("督办会")
        assert hit.hits[0].highlights
        assert "<em>督办会</em>" not in hit.hits[0].highlights[0]  # only in the title ...
        hit = loaded.search("承办单位").hits[0]
        assert "<em>承办单位</em>" in hit.highlights[0]  # ... body fragments are marked

    def test_highlights_escape_html(self, loaded):
        hit = loaded.search("代码").hits[0]
        snippet = "".join(hit.highlights)
        assert "<script>" not in snippet
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in snippet
        assert "<em>代码</em>" in snippet and "&amp;" in snippet
        hit = loaded.search("script").hits[0]
        assert "&lt;<em>script</em>&gt;" in "".join(hit.highlights)

    def test_highlights_are_short_fragments(self, backend):
        body = "。".join(["这一段与主题无关的文字只是为了把正文拉长" * 3] * 10)
        body += "。本条规定了代表建议的办理期限。" + body
        backend.index([article("Article:long", "通知", body)])
        hit = backend.search("代表建议 期限").hits[0]
        assert 1 <= len(hit.highlights) <= 2
        assert "<em>代表建议</em>" in hit.highlights[0]
        assert all(len(h.replace("<em>", "").replace("</em>", "")) <= 104 for h in hit.highlights)

    def test_highlights_from_title_when_body_empty(self, loaded):
        hit = loaded.search("公报").hits[0]
        assert hit.key == "GazetteIssue:2024-3"
        assert hit.highlights == ["上海市人民代表大会常务委员会<em>公报</em>"]

    def test_highlights_of_phrases_and_traditional(self, loaded):
        hit = loaded.search('"劳动合同纠纷"').hits[0]
        assert any("<em>勞動合同糾紛</em>" in h for h in hit.highlights)

    def test_no_highlights_when_not_asked(self, loaded):
        assert all(hit.highlights == [] for hit in loaded.search("代表", highlight=False).hits)

    # -- rebuild, persistence, several processes ----------------------------------------

    def test_rebuild_swaps_content(self, loaded):
        seen = []
        n = loaded.rebuild([*corpus()[:4], article("Article:new", "噪声污染防治", "")], progress=seen.append)
        assert n == 5 == loaded.count()
        assert seen and seen[-1] == 5
        assert keys(loaded.search("噪声污染防治")) == ["Article:new"]
        assert loaded.search("督办会").total == 0

    def test_rebuild_keeps_first_of_duplicate_keys(self, backend):
        n = backend.rebuild([article("Article:1", "第一稿"), article("Article:1", "第二稿")])
        assert n == 1 and keys(backend.search("第一稿")) == ["Article:1"]

    def test_failed_rebuild_keeps_old_index(self, loaded, index_dir):
        def docs():
            yield from corpus()[:2]
            raise RuntimeError("database went away")

        with pytest.raises(RuntimeError):
            loaded.rebuild(docs())
        assert loaded.count() == len(corpus())
        assert keys(loaded.search("督办会")) == ["Article:1"]
        assert not [p for p in index_dir.iterdir() if p.name.endswith(".tmp")]

    def test_killed_rebuild_keeps_old_index(self, loaded, backend_name, index_dir):
        with worker_process("rebuild", str(index_dir), backend_name) as worker:
            assert worker.stdout.readline().strip() == "building"
            worker.kill()  # SIGKILL: no cleanup of any kind
        assert [p for p in index_dir.iterdir() if p.name.endswith(".tmp")]  # the half-built index
        assert keys(loaded.search("督办会")) == ["Article:1"]
        # The dead writer's lock is gone with it; the next rebuild removes its leftovers.
        loaded.index([article("Article:after", "噪声污染防治")])
        assert loaded.rebuild(corpus()) == len(corpus())
        assert not [p for p in index_dir.iterdir() if p.name.endswith(".tmp")]

    def test_survives_reopening(self, backend_name, index_dir):
        first = open_backend(backend_name, index_dir)
        first.index(corpus())
        first.close()
        second = open_backend(backend_name, index_dir)
        assert second.count() == len(corpus())
        assert keys(second.search("督办会")) == ["Article:1"]
        second.close()

    def test_second_instance_sees_writes(self, loaded, backend_name, index_dir):
        other = open_backend(backend_name, index_dir)
        assert other.search("噪声污染").total == 0
        loaded.index([article("Article:new", "噪声污染防治条例草案征求意见")])
        assert keys(other.search("噪声污染")) == ["Article:new"]
        loaded.rebuild(corpus()[:3])
        assert other.count() == 3
        other.index([article("Article:other", "噪声污染防治")])
        assert keys(loaded.search("噪声污染")) == ["Article:other"]
        other.close()

    def test_reader_in_another_process(self, loaded, backend_name, index_dir):
        with worker_process("reader", str(index_dir), backend_name) as worker:
            ask = reader_of(worker)

            assert ask("search 噪声污染") == 0
            loaded.index([article("Article:new", "噪声污染防治条例草案征求意见")])
            assert ask("search 噪声污染") == 1
            loaded.delete(["Article:new"])
            assert ask("search 噪声污染") == 0
            loaded.rebuild(corpus()[:3])  # swaps the folder the reader has open
            assert ask("count") == 3
            assert ask("search 督办会") == 0
            assert ask("quit") == 0

    def test_vocabulary_reaches_other_instances_and_processes_and_survives_rebuild(
            self, loaded, backend_name, index_dir):
        loaded.index([article("Article:bike", "条例", "驾驶电动自行车应当佩戴安全头盔。")])
        other = open_backend(backend_name, index_dir)
        with worker_process("reader", str(index_dir), backend_name) as worker:
            ask = reader_of(worker)

            assert ask("search 电驴") == 0
            loaded.set_vocabulary({"电驴": ["电动自行车"]})
            assert ask("search 电驴") == 1
            assert other.search("电驴").total == 1
            loaded.rebuild([*corpus(), article("Article:bike", "条例", "驾驶电动自行车应当佩戴安全头盔。")])
            assert ask("search 电驴") == 1
            other.set_vocabulary({})
            assert ask("search 电驴") == 0
            assert ask("quit") == 0
        other.close()
        reopened = open_backend(backend_name, index_dir)
        assert reopened.vocabulary() == {}
        reopened.close()

    def test_writer_waits_for_lock_then_gives_up(self, backend_name, index_dir):
        b = open_backend(backend_name, index_dir, lock_timeout=0.2)
        with worker_process("lock", str(index_dir)) as worker:
            assert worker.stdout.readline().strip() == "locked"
            with pytest.raises(SearchError, match="busy"):
                b.index(corpus()[:1])
            assert b.search("代表").total == 0  # readers never wait
            worker.kill()
        # A dead holder's lock is released by the OS: nothing to break by hand.
        b.index(corpus()[:1])
        assert b.count() == 1
        b.close()

    def test_writes_wait_for_a_rebuild_then_give_up(self, backend_name, index_dir):
        b = open_backend(backend_name, index_dir, lock_timeout=0.2)
        b.index(corpus())
        building, release = threading.Event(), threading.Event()

        def docs():
            yield from corpus()[:2]
            building.set()
            release.wait()

        rebuild = threading.Thread(target=b.rebuild, args=(docs(),))
        rebuild.start()
        try:
            building.wait()
            with pytest.raises(SearchError, match="busy"):
                b.index([article("Article:new", "噪声污染防治")])
            assert b.search("督办会").total == 1  # searches go on from the old index
        finally:
            release.set()
            rebuild.join()
        assert b.count() == 2
        b.close()

    def test_threads_search_while_writing(self, loaded):
        errors: list[BaseException] = []

        def reader():
            try:
                for _ in range(30):
                    loaded.search("代表建议", facets=True, filter=SearchFilter(regions=["上海"]))
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=reader) for _ in range(3)]
        for t in threads:
            t.start()
        for i in range(10):
            loaded.index([article(f"Article:t{i}", f"并发测试第{i}篇", "代表建议的办理", region="上海")])
        for t in threads:
            t.join()
        assert errors == []
        assert loaded.search("并发测试").total == 10


def test_published_at_without_timezone_sorts_with_aware_ones(tmp_path):
    b = open_backend("whoosh", tmp_path)
    from datetime import UTC

    b.index(
        [
            article("Article:naive", "通知", published_at=datetime(2024, 1, 2)),
            article("Article:aware", "通知", published_at=datetime(2024, 1, 1, tzinfo=UTC)),
        ]
    )
    assert keys(b.search("通知", sort=SearchSort.NEWEST)) == ["Article:naive", "Article:aware"]
    b.close()
