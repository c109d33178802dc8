"""The citizen query syntax: words, "phrases", -exclusions; never an error."""

from __future__ import annotations

import pytest

from search.base import MAX_QUERY_LENGTH
from search.query import MAX_WORDS, Vocabulary, clean, is_ignored, parse_query, synonyms


def test_words_drop_stop_words():
    q = parse_query("请问单位答复代表建议的期限是多少？")
    assert q.words == ["单位", "答复", "代表建议", "期限"]
    assert not q.phrases and not q.is_empty


def test_phrases_keep_every_word_and_offsets():
    q = parse_query('人大 "代表建议的办理"')
    assert q.words == ["人大"]
    (phrase,) = q.phrases
    assert phrase.text == "代表建议的办理"
    assert phrase.words == (("代表建议", 0), ("的", 4), ("办理", 5))


def test_single_word_phrase_stays_exact():
    # Unquoted, a word also matches its synonyms and its pieces apart; quoted, only itself.
    q = parse_query('"代表建议"')
    assert not q.words and [p.text for p in q.phrases] == ["代表建议"]


def test_question_words_are_dropped_and_hint_what_is_asked():
    q = parse_query("单位答复代表建议的期限是多久")
    assert q.words == ["单位", "答复", "代表建议", "期限"]
    assert "之日起" in q.hints  # 多久 asks for a time limit


def test_question_words_glued_to_more_still_only_ask():
    # The segmenter glues question words to what follows (几个 / 月内, 找 / 谁 -> 由谁来, 哪边):
    # they are not what is asked about, and a time limit glued to more is still asked for.
    q = parse_query("代表提出的建议 有关部门 几个月内 答复")
    assert q.words == ["代表", "提出", "建议", "部门", "答复"]
    assert "之日起" in q.hints
    assert parse_query("选民登记在哪边登").words == ["选民", "登记"]
    assert "由谁来" not in parse_query("补偿款由谁来发").words
    assert "多少岁" not in parse_query("退休年龄最多延长到多少岁").words
    assert "谁批准" in parse_query("危化品运输车进城要谁批准").words  # a thesaurus word: 许可, 批准
    assert parse_query("几何").words == ["几何"]
    assert parse_query("几个").words == ["几个"]  # nothing else asked: it is the query


def test_weak_words_are_the_query_only_when_alone():
    assert parse_query("法律对试用期有什么规定").words == ["试用期"]
    assert parse_query("法律").words == ["法律"]
    assert parse_query("的 吗").words == []


def test_everyday_words_bring_their_legal_terms():
    q = parse_query("老板拖欠工资")
    assert q.synonyms["老板"] == ("用人单位",)
    assert "用人单位" in q.highlight_terms()


def test_everyday_actions_people_and_things_bring_their_legal_terms():
    assert "解除劳动合同" in parse_query("被炒了能要补偿吗").synonyms["被炒了"]
    assert "交付" in parse_query("网购拿不到货").synonyms["拿不到货"]
    assert "香港特别行政区居民" in parse_query("港人回内地投资").synonyms["港人"]
    assert parse_query("过年放假几天").synonyms["过年"] == ("春节",)
    # Family words describe the situation in a question (我儿子, 家里人); they map to nothing.
    assert "家里人" not in parse_query("委托家里人投票").synonyms


def test_one_character_words_only_rank():
    q = parse_query("公司不签劳动合同")
    assert "签" in q.soft_words and "签" not in q.words and "劳动合同" in q.words
    assert parse_query("签").words == ["签"]  # nothing longer: the character is the query


@pytest.mark.parametrize("quotes", ["“”", "「」", "『』", "＂＂"])
def test_chinese_quotes(quotes):
    q = parse_query(f"{quotes[0]}代表建议的办理{quotes[1]}")
    assert [p.text for p in q.phrases] == ["代表建议的办理"]


def test_exclusions():
    q = parse_query('人大代表 -选举 -"罢免案的提出" 任期')
    assert q.words == ["人大代表", "任期"]
    assert q.excluded_words == ["选举"]
    assert [p.text for p in q.excluded_phrases] == ["罢免案的提出"]


def test_minus_inside_a_word_is_not_an_exclusion():
    q = parse_query("covid-19 防控")
    assert q.excluded_words == [] and "防控" in q.words


def test_exclusions_alone_are_empty():
    assert parse_query("-选举").is_empty


def test_traditional_query_is_simplified():
    assert parse_query("勞動合同 試用期").words == ["劳动合同", "试用期"]


@pytest.mark.parametrize(
    "raw, words",
    [
        ('"代表建议', ["代表建议"]),
        ('代表建议 "', ["代表建议"]),
        ("AND OR (", []),
        ("代表建议 AND 期限 OR (", ["代表建议", "期限"]),
        ("((代表建议))", ["代表建议"]),
        ("-", []),
        ("- 代表建议", ["代表建议"]),
        ("代表\x00建议\x1b", ["代表", "建议"]),
        ("\u202e代表建议\u200b", ["代表建议"]),
        ("", []),
        (None, []),
    ],
)
def test_malformed_queries_degrade(raw, words):
    assert parse_query(raw).words == words


def test_length_limit():
    assert len(clean("啊" * 10_000)) == MAX_QUERY_LENGTH
    q = parse_query("的" * (MAX_QUERY_LENGTH - 4) + " 期限 代表建议")
    assert q.words == ["期限"]


def test_word_limit():
    q = parse_query(" ".join(f"词{i}" for i in range(40)))
    assert len(q.words) <= MAX_WORDS


def test_highlight_terms_longest_first():
    q = parse_query('代表 "代表建议的办理"')
    assert q.highlight_terms() == ["代表建议的办理", "代表"]


def test_editors_vocabulary_adds_to_the_built_in_table():
    vocabulary = Vocabulary({"老板": ["雇主"], "电驴": ["电动自行车", "非机动车"]})
    parsed = parse_query("电驴 老板", vocabulary)
    assert parsed.synonyms["电驴"] == ("电动自行车", "非机动车")
    assert parsed.synonyms["老板"][0] == "用人单位" and "雇主" in parsed.synonyms["老板"]
    assert "电驴" not in parse_query("电驴").synonyms


def test_editors_word_counts_whole_where_the_segmenter_cuts_it():
    assert parse_query("补装 门牌").soft_words == ["补", "装"]
    parsed = parse_query("補裝 门牌", Vocabulary({"补装": ["补设"]}))  # traditional characters too
    assert "补装" in parsed.words and not parsed.soft_words
    assert parsed.synonyms["补装"] == ("补设",)


def test_places_named_in_a_question():
    assert parse_query("在上海养狗要登记吗").regions == ["上海"]
    assert parse_query("深圳 电动自行车 上牌").regions == ["广东"]
    assert parse_query("北京和上海的规定有什么不同").regions == ["上海", "北京"]
    assert parse_query("养狗要登记吗").regions == []


def test_which_kinds_questions_ask_for_a_list():
    parsed = parse_query("公务员 处分 有哪几种")
    assert parsed.words == ["公务员", "处分"]
    assert {"分为", "种类", "下列"} <= set(parsed.hints)


def test_every_thesaurus_entry_can_apply():
    # An entry whose everyday word the query drops or cuts up would never apply: each word on
    # the left is a whole query word, even those the segmenter cuts (个税 -> 个 / 税).
    table = synonyms()
    assert len(table) > 1500
    unusable = {}
    for word, terms in table.items():
        parsed = parse_query(f"{word} 怎么办")
        legal = tuple(t for t in terms if t != word)
        if is_ignored(word) or word not in parsed.words + parsed.soft_words or parsed.synonyms.get(word, ()) != legal:
            unusable[word] = (parsed.words, parsed.soft_words)
    assert unusable == {}
    assert parse_query("个税 怎么交").synonyms["个税"] == ("个人所得税",)
