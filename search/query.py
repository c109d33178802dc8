"""The citizen query syntax, parsed without ever failing.

    单位答复代表建议的期限        words: documents with all of them first
    "代表建议的办理"              an exact phrase (also “…” and 「…」)
    人大代表 -选举                 exclude a word (or -"a phrase")

Anything else is text: an unbalanced quote runs to the end, AND/OR/NOT and brackets are
ignored, control characters are dropped, and only the first MAX_QUERY_LENGTH characters
count. Stop words (的, 如何, 请问...) are dropped from free words, never from phrases.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .analyzer import normalize, query_words
from .base import MAX_QUERY_LENGTH

#: More free words than this are ignored: a pasted paragraph is not a query.
MAX_WORDS = 16

_STOP_WORDS = """
    的 地 得 了 着 过 是 在 和 与 及 或 对 向 从 到 为 被 把 给 让 以 之 其 等 中 上 下 里 个 一
    吗 呢 吧 啊 么 嘛 呀 啥 什么 怎么 怎么办 怎样 如何 哪些 哪个 哪里 多少 几 是否 能否 请问 请
    我 我们 你 你们 您 他 她 它 他们 这 那 这个 那个 这些 那些 就 都 也 还 又 很 要 会 能 可以
    可 应该 需要 一个 有没有 有 没有 关于 and or not
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())

_QUOTES = str.maketrans({c: '"' for c in "“”„‟「」『』＂〝〞"} | {c: "-" for c in "－−–—"})
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Phrase:
    """Words that must appear at these relative character offsets."""

    text: str  # normalised, as typed between the quotes
    words: tuple[tuple[str, int], ...]


@dataclass
class ParsedQuery:
    words: list[str] = field(default_factory=list)
    phrases: list[Phrase] = field(default_factory=list)
    excluded_words: list[str] = field(default_factory=list)
    excluded_phrases: list[Phrase] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """True when nothing positive is asked for (exclusions alone select nothing)."""
        return not self.words and not self.phrases

    def highlight_terms(self) -> list[str]:
        """Strings to mark in snippets, longest first."""
        terms = {w for w in self.words} | {p.text for p in self.phrases}
        return sorted(terms, key=lambda t: (-len(t), t))


def clean(raw: str) -> str:
    """Drop control and format characters, unify quote and minus signs, cut to length."""
    chars = []
    for ch in raw[: MAX_QUERY_LENGTH * 2]:
        cat = unicodedata.category(ch)
        if cat[0] == "C" and cat != "Co":
            chars.append(" ")
        else:
            chars.append(ch)
    text = "".join(chars).translate(_QUOTES)
    return _SPACE.sub(" ", text).strip()[:MAX_QUERY_LENGTH]


def parse_query(raw: str) -> ParsedQuery:
    """Parse a query string; never raises (not even on None)."""
    text = normalize(clean(raw or ""))
    parsed = ParsedQuery()
    plain: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        negate = ch == "-" and (i == 0 or text[i - 1] == " ") and i + 1 < n and text[i + 1] != " "
        if negate:
            i += 1
            ch = text[i]
        if ch == '"':
            end = text.find('"', i + 1)
            if end < 0:  # unbalanced: the rest is plain text
                plain.append(text[i + 1 :])
                break
            _add_phrase(parsed, text[i + 1 : end], negate)
            i = end + 1
        elif negate:
            end = text.find(" ", i)
            end = n if end < 0 else end
            _add_phrase(parsed, text[i:end], True)
            i = end
        else:
            end = min(j for j in (text.find('"', i), text.find(" -", i), n) if j >= 0)
            plain.append(text[i:end])
            i = end if end == n or text[end] == '"' else end + 1
    for chunk in plain:
        for word, _ in query_words(chunk):
            if word not in STOP_WORDS and word not in parsed.words:
                parsed.words.append(word)
    del parsed.words[MAX_WORDS:]
    return parsed


def _add_phrase(parsed: ParsedQuery, text: str, negate: bool) -> None:
    text = text.strip()
    words = tuple(query_words(text))
    if not words:
        return
    if len(words) == 1:
        target = parsed.excluded_words if negate else parsed.words
        if words[0][0] not in target:
            target.append(words[0][0])
        return
    # Offsets relative to the first word, so leading punctuation does not matter.
    first = words[0][1]
    phrase = Phrase(text[first : words[-1][1] + len(words[-1][0])], tuple((w, o - first) for w, o in words))
    (parsed.excluded_phrases if negate else parsed.phrases).append(phrase)
