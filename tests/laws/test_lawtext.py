"""The law text parser: numerals, article labels, structure, items, and the corpus quirks."""

from __future__ import annotations

import json
from datetime import date

import pytest

from resolvers.lawtext import (
    LawTextError,
    ParsedItem,
    article_label,
    chinese_numeral,
    document_number,
    history_events,
    issuing_body,
    parse_article_label,
    parse_law,
    stated_effective_date,
)

from .conftest import DEMO_LAWS


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一", 1),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("一百", 100),
        ("一百零五", 105),
        ("一百二十", 120),
        ("一千零一", 1001),
        ("两", 2),
        ("两百", 200),
        ("〇", 0),
        ("零", 0),
        ("四百五十二", 452),
        ("一万零一", 10001),
        ("二〇二四", 2024),
        ("12", 12),
        ("１２", 12),
    ],
)
def test_chinese_numeral(text, value):
    assert chinese_numeral(text) == value


@pytest.mark.parametrize("text", ["", "第", "abc", "十x"])
def test_chinese_numeral_rejects_non_numerals(text):
    with pytest.raises(ValueError):
        chinese_numeral(text)


@pytest.mark.parametrize("n", [1, 9, 10, 11, 19, 20, 21, 100, 101, 105, 110, 119, 120, 452, 1000, 1001, 1010])
def test_article_label_round_trip(n):
    assert parse_article_label(article_label(n)) == (n, 0)
    assert parse_article_label(article_label(n, 2)) == (n, 2)


def test_article_label_forms():
    assert article_label(120, 1) == "第一百二十条之一"
    assert article_label(105) == "第一百零五条"
    assert article_label(10) == "第十条"
    for text in ("第十二条", "第12条", "十二", "12", " 第 12 条 "):
        assert parse_article_label(text) == (12, 0)
    assert parse_article_label("第一百二十条之一") == (120, 1)
    assert parse_article_label("120之1") == (120, 1)
    with pytest.raises(ValueError):
        parse_article_label("第十二款")


LAW = """# 中华人民共和国示例法

2000年3月15日 第九届全国人民代表大会第三次会议通过

2015年3月15日 第十二届全国人民代表大会第三次会议《关于修改〈中华人民共和国示例法〉的决定》第一次修正）

<!-- INFO END -->

## 第一编 总则

### 第一章 任务

第一条 为了示例，制定本法。

第二条 下列事项适用本法：

（一）第一项；

(二)第二项；

前款规定的事项，依照本法执行。

### 第二章 犯罪

#### 第一节 一般规定

第三条 第一款。

第二款。

第三条之一 插入的条文。

第三条之二 又一个插入的条文。

## 第二编 分则

### 第一章　其他

第一百二十条 最后一条。本法自2001年1月1日起施行。
"""


def test_structure_parts_chapters_sections():
    law = parse_law(LAW)
    assert law.title == "中华人民共和国示例法"
    assert len(law.history) == 2
    assert [(h.level, h.text, h.depth) for h in law.headings] == [
        ("PART", "第一编 总则", 0),
        ("CHAPTER", "第一章 任务", 1),
        ("CHAPTER", "第二章 犯罪", 1),
        ("SECTION", "第一节 一般规定", 2),
        ("PART", "第二编 分则", 0),
        ("CHAPTER", "第一章 其他", 1),
    ]
    assert [h.article_index for h in law.headings] == [0, 0, 2, 2, 5, 5]
    assert [(a.number, a.suffix, a.label) for a in law.articles] == [
        (1, 0, "第一条"),
        (2, 0, "第二条"),
        (3, 0, "第三条"),
        (3, 1, "第三条之一"),
        (3, 2, "第三条之二"),
        (120, 0, "第一百二十条"),
    ]
    assert law.articles[3].heading_path == ["第一编 总则", "第二章 犯罪", "第一节 一般规定"]
    assert law.articles[5].heading_path == ["第二编 分则", "第一章 其他"]
    assert law.paragraphs == []


def test_paragraphs_and_items():
    law = parse_law(LAW)
    second = law.articles[1]
    assert [p.text for p in second.paragraphs] == ["下列事项适用本法：", "前款规定的事项，依照本法执行。"]
    # Half-width parentheses are normalised to the full-width label.
    assert second.paragraphs[0].items == [ParsedItem("（一）", "第一项；"), ParsedItem("（二）", "第二项；")]
    assert second.paragraphs[1].items == []
    assert [p.text for p in law.articles[2].paragraphs] == ["第一款。", "第二款。"]
    assert second.plain_text() == "下列事项适用本法：\n（一）第一项；\n（二）第二项；\n前款规定的事项，依照本法执行。"


def test_history_and_dates():
    law = parse_law(LAW)
    events = history_events(law.history)
    assert [e.on for e in events] == [date(2000, 3, 15), date(2015, 3, 15)]
    assert events[0].text == "第九届全国人民代表大会第三次会议通过"
    assert issuing_body(law.history) == "全国人民代表大会"
    assert stated_effective_date(law) == date(2001, 1, 1)
    assert stated_effective_date(parse_law("# 决定\n\n<!-- INFO END -->\n\n本决定自公布之日起施行。"), date(2020, 5, 1)) == date(
        2020, 5, 1
    )


def test_history_details():
    history = [
        "2011年4月16日 中华人民共和国国务院令第596号公布",
        "2014年2月19日 《国务院关于废止和修改部分行政法规的决定》第一次修订",
    ]
    assert document_number(history) == "国务院令第596号"
    assert issuing_body(history) == "国务院"
    assert issuing_body(["2010年7月23日 重庆市第三届人民代表大会常务委员会第十八次会议修订"]) == ("重庆市人民代表大会常务委员会")
    two_in_one_line = ["2003年9月26日 重庆市…决定修正  2012年9月27日重庆市…会议修订）"]
    assert [e.on for e in history_events(two_in_one_line)] == [date(2003, 9, 26), date(2012, 9, 27)]


DECISION = """# 北京市人民代表大会常务委员会关于示例的决定

2021年12月24日 北京市第十五届人民代表大会常务委员会第三十六次会议通过

<!-- INFO END -->

为了示例，特作如下决定：

## 一、加强审查

市人大及其常委会加强审查。

（一）加强财政政策审查监督。

（二）加强一般公共预算审查监督。

## 二、附则

本决定自2022年1月1日起施行。
"""


def test_text_without_articles_is_paragraphs():
    law = parse_law(DECISION)
    assert law.articles == []
    assert [(h.label, h.title, h.level) for h in law.headings] == [
        ("一、", "加强审查", "CHAPTER"),
        ("二、", "附则", "CHAPTER"),
    ]
    assert [p.text for p in law.paragraphs] == [
        "为了示例，特作如下决定：",
        "市人大及其常委会加强审查。",
        "本决定自2022年1月1日起施行。",
    ]
    assert [i.label for i in law.paragraphs[1].items] == ["（一）", "（二）"]
    assert law.paragraphs[1].heading_path == ["一、加强审查"]
    assert law.paragraphs[0].heading_path == []
    assert stated_effective_date(law) == date(2022, 1, 1)


def test_items_without_a_lead_paragraph():
    law = parse_law("# 规定\n\n<!-- INFO END -->\n\n(一) 第一项。\n\n(二) 第二项。\n\n补充说明。\n")
    assert law.paragraphs[0].text == ""
    assert [i.text for i in law.paragraphs[0].items] == ["第一项。", "第二项。"]
    assert law.paragraphs[1].text == "补充说明。"


def test_arabic_items():
    law = parse_law("# 条例\n\n<!-- INFO END -->\n\n第一条 条件：\n\n1. 甲；\n\n2、乙；\n\n3．丙。\n")
    assert [(i.label, i.text) for i in law.articles[0].paragraphs[0].items] == [
        ("1.", "甲；"),
        ("2、", "乙；"),
        ("3．", "丙。"),
    ]


def test_preamble_and_appendix():
    text = """# 宪法

<!-- INFO END -->

## 序言

中国是世界上历史最悠久的国家之一。

## 第一章 总纲

第一条 第一条的内容。

## 附件一

附件的内容。
"""
    law = parse_law(text)
    assert [p.text for p in law.paragraphs] == ["中国是世界上历史最悠久的国家之一。"]
    assert law.paragraphs[0].heading_path == ["序言"]
    assert [p.text for p in law.articles[0].paragraphs] == ["第一条的内容。"]
    assert [p.text for p in law.appendix] == ["附件的内容。"]
    assert law.appendix[0].heading_path == ["附件一"]


def test_heading_levels_come_from_labels_not_hashes():
    # One source writes chapters as ### and sections as ##.
    text = "# 条例\n\n<!-- INFO END -->\n\n### 第一章 总则\n\n## 第一节 职责\n\n第一条 内容。\n"
    law = parse_law(text)
    assert [(h.level, h.depth) for h in law.headings] == [("CHAPTER", 0), ("SECTION", 1)]
    assert law.articles[0].heading_path == ["第一章 总则", "第一节 职责"]


def test_corpus_quirks_are_repaired():
    text = (
        "# 北京市示例条例\n\n2019年3月15日 第十三届全国人民代表大会第二次\n\n<!-- INFO END -->\n\n"
        "会议通过）\n\n\u200b\n\n北京市示例\n\n条例\n\n"
        "## 第一章 总 则\n\n第一条 内容。\n\n"
        "## 第二章 乡长、\n\n副乡长的选举\n\n第二条 内容。\n\n"
        "第三 条内容。\n\n第三十－条 内容。\n"
    )
    law = parse_law(text)
    assert law.history == ["2019年3月15日 第十三届全国人民代表大会第二次会议通过）"]
    assert law.paragraphs == []  # the repeated title and the zero-width line are gone
    assert [h.text for h in law.headings] == ["第一章 总则", "第二章 乡长、副乡长的选举"]
    assert [(a.number, a.label) for a in law.articles] == [(1, "第一条"), (2, "第二条"), (3, "第三条"), (31, "第三十一条")]
    assert law.articles[2].paragraphs[0].text == "内容。"


def test_table_of_contents_written_as_headings():
    text = (
        "# 条例\n\n<!-- INFO END -->\n## 第一章 总 则\n\n## 第二章 规划\n\n## 第三章 附 则\n\n"
        "总 则\n\n第一条 一。\n\n规划\n\n第二条 二。\n\n附则\n\n第三条 三。\n"
    )
    law = parse_law(text)
    assert [h.text for h in law.headings] == ["第一章 总则", "第二章 规划", "第三章 附则"]
    assert [a.heading_path for a in law.articles] == [["第一章 总则"], ["第二章 规划"], ["第三章 附则"]]


def test_article_references_inside_paragraphs_are_not_articles():
    text = "# 修正案\n\n<!-- INFO END -->\n\n将刑法第二百九十九条修改为：\n\n“第二百九十九条 在公共场合……”\n"
    law = parse_law(text)
    assert law.articles == []
    assert len(law.paragraphs) == 2


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("\n\n  \n", "empty"),
        ("第一条 没有标题。\n", "no title"),
        ("## 第一章 总则\n\n第一条 内容。\n", "no title"),
        ("# 标题\n\n2000年1月1日 通过\n\n<!-- INFO END -->\n\n", "empty body"),
        ("# 标题\n\n<!-- INFO END -->\n\n## 第一章 总则\n", "empty body"),
        ("# 标题\x00\x01\x02", "not text"),
        ("# " + "长" * 300 + "\n\n正文。", "title longer"),
    ],
)
def test_malformed_texts_raise(text, reason):
    with pytest.raises(LawTextError) as info:
        parse_law(text)
    assert reason in info.value.message


def test_without_info_marker_dated_lines_are_history():
    law = parse_law("# 条例\n\n1990年1月1日 国务院发布\n\n第一条 内容。\n")
    assert law.history == ["1990年1月1日 国务院发布"]
    assert [a.label for a in law.articles] == ["第一条"]


def _demo(path: str):
    return parse_law((DEMO_LAWS / path).read_text("utf-8"))


def test_sample_legislation_law():
    law = _demo("national/立法法(2023-03-13).md")
    assert law.title == "中华人民共和国立法法"
    assert len(law.articles) == 120
    assert [a.number for a in law.articles] == list(range(1, 121))
    eleventh = law.articles[10]
    assert eleventh.heading_path == ["第二章 法律", "第一节 立法权限"]
    assert len(eleventh.paragraphs[0].items) == 11
    assert law.articles[0].heading_path == ["第一章 总则"]


def test_sample_criminal_law_parts_and_inserted_articles():
    law = _demo("national/刑法.md")
    assert [h.text for h in law.headings if h.level == "PART" and h.label] == ["第一编 总则", "第二编 分则"]
    inserted = [a for a in law.articles if a.number == 120]
    assert [(a.suffix, a.label) for a in inserted] == [(i, article_label(120, i)) for i in range(7)]
    assert [a.number for a in law.articles][-1] == 452
    assert law.appendix and law.appendix[0].heading_path == ["附件一"]


def test_sample_criminal_procedure_law_deep_headings():
    law = _demo("national/刑事诉讼法(2018-10-26).md")
    sections = [h for h in law.headings if h.level == "SECTION"]
    assert sections and all(h.depth == 2 for h in sections)
    article = next(a for a in law.articles if a.number == 128)  # written `第一百二十八 条…` in the source
    assert article.heading_path == ["第二编 立案、侦查和提起公诉", "第二章 侦查", "第四节 勘验、检查"]


def test_sample_decision_and_amendment_without_articles():
    decision = _demo("local/北京市人民代表大会常务委员会关于加强市级预算审查监督的决定(2021-12-24).md")
    assert decision.articles == [] and len(decision.paragraphs) > 10
    amendment = _demo("national/刑法修正案（十）.md")
    assert amendment.articles == [] and amendment.paragraphs[-1].text == "本修正案自公布之日起施行。"


def test_every_demo_text_parses():
    rows = [json.loads(line) for line in (DEMO_LAWS / "manifest.jsonl").read_text("utf-8").splitlines()]
    assert len(rows) == 160
    for row in rows:
        law = _demo(row["path"])
        assert law.articles or law.paragraphs, row["path"]
        keys = [(a.number, a.suffix) for a in law.articles]
        assert keys == sorted(keys) and len(set(keys)) == len(keys), row["path"]
        assert all(a.paragraphs for a in law.articles), row["path"]
