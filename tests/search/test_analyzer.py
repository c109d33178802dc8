"""The Chinese analyzer: normalisation, segmentation, the indexed token stream."""

from __future__ import annotations

import threading

from search import analyzer
from search.analyzer import index_tokens, normalize, query_words, split_word, sub_words


def terms(text: str) -> list[str]:
    return [t for t, _ in index_tokens(normalize(text))]


def words(text: str) -> list[str]:
    return [w for w, _ in query_words(normalize(text))]


def test_normalize_traditional_width_case():
    assert normalize("勞動合同糾紛") == "劳动合同纠纷"
    assert normalize("ＡＢＣ１２３　Ｘ") == "abc123 x"
    assert normalize("") == ""


def test_tokenizer_is_built_once_even_from_many_threads():
    found = []
    threads = [threading.Thread(target=lambda: found.append(analyzer.tokenizer())) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(tk) for tk in found}) == 1
    assert analyzer.tokenizer() is found[0]


def test_own_jieba_instance_keeps_the_global_one_untouched():
    import jieba

    assert analyzer.tokenizer() is not jieba.dt


def test_user_dictionary_words_stay_whole():
    for term in ("代表建议", "人大常委会", "地方性法规", "行政法规", "批评和意见", "设区的市", "备案审查"):
        assert words(term) == [term], term
    assert "代表建议" in words("单位答复代表建议的期限")


def test_user_dictionary_comments_are_ignored():
    text = analyzer.USERDICT.read_text(encoding="utf-8")
    assert text.startswith("#")
    assert "#" not in analyzer.tokenizer().FREQ


def test_positions_are_character_offsets():
    assert query_words("单位答复代表建议的期限") == [("单位", 0), ("答复", 2), ("代表建议", 4), ("的", 8), ("期限", 9)]


def test_sub_words_are_the_split_hierarchy_without_junk():
    assert sub_words("人民法院") == (("人民", 0), ("法院", 2))  # never 民法
    nodes = {p for p, _ in sub_words("全国人民代表大会常务委员会")}
    assert {"人民代表大会常务委员会", "人民代表大会", "常务委员会", "代表大会", "代表", "委员会"} <= nodes
    assert "国人" not in nodes
    assert sub_words("期限") == ()


def test_index_stream_has_words_sub_words_and_spanning_words():
    stream = index_tokens(normalize("依照劳动合同法的规定"))
    assert ("劳动", 2) in stream and ("合同法", 4) in stream  # the precise words
    assert ("合同", 4) in stream  # a sub-word of 合同法
    assert ("劳动合同", 2) in stream  # spans 劳动/合同法, ends where 合同 ends
    assert "法规" not in terms("依法规定")  # would straddle 依法/规定


def test_each_terms_offsets_ascend():
    text = normalize("全国人民代表大会常务委员会和全国人民代表大会常务委员会的代表")
    seen: dict[str, int] = {}
    for term, pos in index_tokens(text):
        assert pos >= seen.get(term, -1)
        seen[term] = pos


def test_article_labels_are_one_token():
    assert words("第一百二十条之一规定") == ["第一百二十条之一", "规定"]
    assert words("第十二条") == ["第十二条"]


def test_punctuation_dropped_letters_and_digits_kept():
    assert words("（一）国家主权的事项；") == ["一", "国家主权", "的", "事项"]
    assert words("iPhone12 与 5G") == ["iphone12", "与", "5g"]


def test_split_word():
    assert split_word("代表建议") == (("代表", 0), ("建议", 2))
    assert split_word("第十二条") == ()
    assert split_word("abc") == ()


def test_same_segmentation_as_jieba_precise_mode():
    import jieba

    text = "全国人民代表大会常务委员会制定和修改除应当由全国人民代表大会制定的法律以外的其他法律"
    ours = [w for w, _ in query_words(text)]
    theirs = [w for w in analyzer.tokenizer().cut(text, HMM=False) if w.strip()]
    assert ours == theirs
    assert jieba  # imported quietly
