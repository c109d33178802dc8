"""Comparing two versions article by article, and looking articles up by label."""

from __future__ import annotations

import pytest

from models.laws import Regulation, RegulationArticle
from resolvers.laws import (
    ArticleChange,
    ArticleText,
    InvalidArticleLabel,
    article_by_label,
    articles_by_number,
    compare_versions,
    create_regulation_from_text,
    diff_articles,
    versions_by_regulation_ids,
)
from resolvers.lawtext import article_label

TEXTS = [
    "为了规范示例活动，制定本条例。",
    "本条例适用于本市行政区域内的示例活动。",
    "市人民政府负责示例活动的统筹协调，区人民政府负责本辖区的具体工作。",
    "违反本条例规定的，由有关部门责令改正，处一千元以上一万元以下罚款。",
    "本条例自2020年1月1日起施行。",
]


def units(texts: list[str]) -> list[ArticleText]:
    return [ArticleText((n, 0), article_label(n), text) for n, text in enumerate(texts, start=1)]


def test_identical_versions():
    diff = diff_articles(units(TEXTS), units(TEXTS))
    assert (diff.added, diff.removed, diff.changed, diff.renumbered) == ([], [], [], [])
    assert diff.unchanged == 5


def test_inserted_article_renumbers_the_rest_without_changing_them():
    new = [*TEXTS[:2], "鼓励社会各界参与示例活动。", *TEXTS[2:]]
    diff = diff_articles(units(TEXTS), units(new))
    assert diff.added == ["第三条"]
    assert diff.removed == [] and diff.changed == []
    assert diff.renumbered == [("第三条", "第四条"), ("第四条", "第五条"), ("第五条", "第六条")]
    assert diff.unchanged == 5


def test_changed_and_removed_articles():
    new = [TEXTS[0], TEXTS[1], TEXTS[3].replace("一万元", "五万元"), "本条例自2024年1月1日起施行。"]
    diff = diff_articles(units(TEXTS), units(new))
    assert diff.removed == ["第三条"]
    assert diff.added == []
    assert diff.changed == [
        ArticleChange("第三条", TEXTS[3], new[2]),
        ArticleChange("第四条", TEXTS[4], new[3]),
    ]
    assert ("第四条", "第三条") in diff.renumbered


def test_rewritten_article_with_the_same_number_is_changed_not_added():
    new = [*TEXTS[:4], "本条例自公布之日起施行。"]
    diff = diff_articles(units(TEXTS), units(new))
    assert [c.label for c in diff.changed] == ["第五条"]
    assert diff.added == diff.removed == []


def test_unrelated_texts_are_added_and_removed():
    diff = diff_articles(units(["甲乙丙丁戊己庚辛"]), units(["子丑寅卯辰巳午未"]))
    assert (diff.added, diff.removed, diff.changed) == (["第一条"], ["第一条"], [])


async def test_compare_legislation_law_versions(demo_db):
    reg = await Regulation.get(short_title="立法法")
    old, new = (await versions_by_regulation_ids([reg.id]))[reg.id]
    diff = await compare_versions(old, new)
    assert len(diff.added) - len(diff.removed) == 120 - 105
    assert diff.unchanged > 40 and diff.changed
    # Old article 5 (立法应当体现人民的意志…) became the second paragraph of new article 6.
    assert ("第五条", "第六条") in diff.renumbered
    sixth = next(c for c in diff.changed if c.label == "第六条")
    assert sixth.old_text in sixth.new_text
    # Nothing is reported twice.
    assert len(set(diff.added)) == len(diff.added)
    assert not set(diff.added) & {c.label for c in diff.changed}


async def test_compare_texts_without_articles(db):
    one = "# 关于示例的决定\n\n<!-- INFO END -->\n\n一、加强审查。\n\n二、加强监督。\n"
    two = "# 关于示例的决定\n\n<!-- INFO END -->\n\n一、加强审查。\n\n二、加强监督和检查。\n\n三、本决定自公布之日起施行。\n"
    first = await create_regulation_from_text(one)
    second = await create_regulation_from_text(two, regulation=first.regulation)
    diff = await compare_versions(first, second)
    assert diff.added == ["第3段"]
    assert [c.label for c in diff.changed] == ["第2段"]


async def test_article_by_label(demo_db):
    reg = await Regulation.get(short_title="立法法")
    version = (await versions_by_regulation_ids([reg.id]))[reg.id][-1]
    twelfth = await article_by_label(version, "第十二条")
    assert twelfth is not None and twelfth.number == 12
    for label in ("第12条", "十二", "12", " 第 十二 条"):
        assert (await article_by_label(version, label)).id == twelfth.id
    assert await article_by_label(version.id, "第十二条") == twelfth
    assert await article_by_label(version, "第九百条") is None
    with pytest.raises(InvalidArticleLabel):
        await article_by_label(version, "第十二款")
    with pytest.raises(ValueError):  # InvalidArticleLabel is a ValueError
        await article_by_label(version, "")


async def test_inserted_articles(demo_db):
    reg = await Regulation.get(short_title="刑法")
    version = (await versions_by_regulation_ids([reg.id]))[reg.id][-1]
    inserted = await article_by_label(version, "第一百二十条之一")
    assert (inserted.number, inserted.suffix, inserted.label) == (120, 1, "第一百二十条之一")
    assert inserted.heading_path[0] == "第二编 分则"
    family = await articles_by_number(version, 120)
    assert [a.suffix for a in family] == [0, 1, 2, 3, 4, 5, 6]
    assert [a.label for a in await articles_by_number(version, 120, suffix=0)] == ["第一百二十条"]
    assert await articles_by_number(version, 9999) == []
    positions = [a.position for a in family]
    assert positions == sorted(positions)
    assert await RegulationArticle.filter(version_id=version.id).count() == 505
