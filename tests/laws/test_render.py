"""A stored version written out again: the Markdown reads back to the same structure, and the
plain text keeps the reading order of headings, preamble, articles and appendix."""

from __future__ import annotations

from models.laws import Regulation, RegulationVersion
from resolvers.law_render import markdown, plain_text
from resolvers.laws import versions_with_articles
from resolvers.lawtext import parse_law


async def test_every_demo_text_reads_back_the_same(demo_db):
    ids = await RegulationVersion.all().values_list("id", flat=True)
    differences = []
    for item in await versions_with_articles(ids):
        version, headings, articles = item.version, item.headings, item.articles
        again = parse_law(markdown(version, headings, articles))
        same = (
            again.title == version.title
            and again.history == version.history.splitlines()
            and [(a.number, a.suffix, a.plain_text()) for a in again.articles]
            == [(a.number, a.suffix, a.text) for a in articles]
            and [h.text for h in again.headings] == [h.text for h in headings]
            and [p.plain_text() for p in again.paragraphs] == [_text(p) for p in version.body]
            and [p.plain_text() for p in again.appendix] == [_text(p) for p in version.appendix]
        )
        if not same:
            differences.append(version.source_path)
    assert differences == []


def _text(paragraph: dict) -> str:
    return "\n".join([paragraph["text"]] * bool(paragraph["text"])
                     + [f"{i['label']}{i['text']}" for i in paragraph["items"]])


async def test_plain_text_in_reading_order(demo_db):
    reg = await Regulation.get(short_title="宪法")
    [item] = await versions_with_articles([v.id for v in await RegulationVersion.filter(regulation_id=reg.id)])
    text = plain_text(item.version, item.headings, item.articles)
    lines = text.splitlines()
    assert lines[0] == "序言" and lines[1].startswith("中国是世界上历史最悠久的国家之一")
    assert lines.index("第一章 总纲") < lines.index(next(line for line in lines if line.startswith("第一条 ")))
