"""Snippets: escaped HTML, <em> around matched terms, one or two short fragments."""

from __future__ import annotations

from search.highlight import FRAGMENT_CHARS, snippets


def plain(fragment: str) -> str:
    return fragment.replace("<em>", "").replace("</em>", "")


def test_marks_terms_and_escapes_everything_else():
    (s,) = snippets("<b>代表建议</b> & 答复", ["代表建议", "答复"])
    assert s == "&lt;b&gt;<em>代表建议</em>&lt;/b&gt; &amp; <em>答复</em>"


def test_longest_term_wins_and_adjacent_marks_merge():
    (s,) = snippets("代表建议", ["代表", "代表建议", "建议"])
    assert s == "<em>代表建议</em>"
    (s,) = snippets("代表建议，代表", ["代表", "建议"])
    assert s == "<em>代表建议</em>，<em>代表</em>"


def test_traditional_text_matches_simplified_terms():
    (s,) = snippets("妥善化解勞動合同糾紛。", ["劳动合同"])
    assert s == "妥善化解<em>勞動合同</em>糾紛。"


def test_fragments_are_short_and_at_most_two():
    filler = "与本题无关的文字" * 40
    text = filler + "代表建议应当按期答复。" + filler + "办理期限为三个月。" + filler
    found = snippets(text, ["代表建议", "期限"])
    assert len(found) == 2
    assert "<em>代表建议</em>" in found[0] and "<em>期限</em>" in found[1]
    assert all(len(plain(f)) <= FRAGMENT_CHARS + 2 for f in found)
    assert found[0].startswith("…") and found[0].endswith("…")


def test_no_match_gives_the_start():
    (s,) = snippets("第一句。" + "后文" * 100, ["火星"])
    assert s.startswith("第一句。") and s.endswith("…")
    assert snippets("", ["火星"]) == []


def test_markup_in_terms_is_escaped():
    (s,) = snippets("a<script>b", ["<script>"])
    assert s == "a<em>&lt;script&gt;</em>b"
