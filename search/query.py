"""The citizen query syntax, parsed without ever failing.

    单位答复代表建议的期限        words: documents with all of them first
    "代表建议的办理"              an exact phrase (also “…” and 「…」)
    人大代表 -选举                 exclude a word (or -"a phrase")

Anything else is text: an unbalanced quote runs to the end, AND/OR/NOT and brackets are
ignored, control characters are dropped, and only the first MAX_QUERY_LENGTH characters
count. Stop words (的, 如何, 请问, 多久...) are dropped from free words, never from phrases.

Citizens ask in everyday words; laws are written in legal ones. A free word listed in
synonyms.txt (老板 => 用人单位) also matches its legal terms, which rank a little lower than
the word itself. A free word of one character (签, 吵) ranks but is never required, unless
the query has nothing longer.

Editors add their own entries while the site runs (`parse_query(text, vocabulary)`, from search
logs: what citizens typed that found nothing). Those words are found in the query as typed,
even where the segmenter splits them, so they need no reindex.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from .analyzer import SYNONYMS, normalize, query_words, word_pieces
from .base import MAX_QUERY_LENGTH

#: More free words than this are ignored: a pasted paragraph is not a query.
MAX_WORDS = 16

_STOP_WORDS = """
    的 地 得 了 着 过 是 在 和 与 及 或 对 向 从 到 为 被 把 给 让 以 之 其 等 中 上 下 里 个 一
    吗 呢 吧 啊 么 嘛 呀 啥 什么 怎么 怎么办 怎样 如何 哪些 哪个 哪里 多少 几 是否 能否 请问 请
    我 我们 你 你们 您 他 她 它 他们 这 那 这个 那个 这些 那些 就 都 也 还 又 很 要 会 能 可以
    可 应该 需要 一个 有没有 有 没有 关于 and or not
    多久 多长 多长时间 多少钱 谁 来 去 太 啊 吗 呢 哪 哪儿 咋 咋办 为啥 为什么 怎么样 怎么回事
    要不要 能不能 可不可以 会不会 是不是 该不该 算不算 行不行 还是 还有 已经 一直 如果 但是 因为 所以
    想 想要 打算 现在 最近 时候 问 一下 一些 这样 这种 那种 这么 那么 怎么算 怎么处理 算不算 吗
    普通 一般 别人 自己 还要 还能 才能 以后 以前 而且 觉得 某个 那天 不能 不要 能带 说了算 到底
    或者 或 有人 里面 外面 不会 经常 东西 这么做 这样做 一直 总是 突然 好久
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
#: Words that say little in a question (法律对试用期有什么规定) but are the query when alone.
WEAK_WORDS = frozenset(["情况", "问题", "有关", "相关", "规定", "法律", "法规", "条例", "办法", "合法", "违法吗",
                        "有效", "合理", "允许", "必须", "要求"])

#: Question words that tell what kind of answer is wanted: terms such answers are written
#: with, which rank (soft words) without being required.
_DEADLINE = ("之日起", "期限")
HINTS = {w: _DEADLINE for w in ("多久", "多长", "多长时间", "几天", "多少天", "几个月", "几年", "多少年", "多少日")}
HINTS |= {"多少钱": ("元", "费用", "标准"), "罚多少": ("罚款", "元")}
# "Which kinds are there?" is answered by a list: 分为, 种类, 包括 ... 下列.
HINTS |= {w: ("分为", "种类", "包括", "下列") for w in ("哪几种", "几种", "哪几类", "几类", "哪些", "哪几个", "有哪些")}
#: Those question words say nothing else: they are stop words.
QUESTION_WORDS = frozenset(HINTS)
# Penalties are set out in the chapter 法律责任 (its name is indexed with each article).
_PENALTY = ("法律责任",)
# "May they ...?" is answered by what someone must not do (不得, 禁止, 不准) or may do (有权).
_PERMISSION = ("不得", "禁止", "不准", "有权")
HINTS |= {w: _PERMISSION for w in (
    "能", "可以", "允许", "合法", "合理", "权力", "权利", "有权", "能不能", "可不可以", "行不行", "算不算")}
HINTS |= {w: HINTS.get(w, ()) + _PENALTY for w in (
    "罚", "罚款", "处罚", "罚多少", "坐牢", "判", "被判", "判刑", "后果", "犯罪", "构成犯罪", "追究", "处分", "吊销")}

#: What a question word leaves when the segmenter glues it to a measure word or verb (几个,
#: 几倍, 十几岁, 多少岁, 由谁来, 哪边): it asks, it is not what is asked about (unless the
#: thesaurus knows it: 谁批准 -> 许可, 批准), and it is the query only when nothing else is.
_ASKING = re.compile(r"^(?:好|十|几十)?几(?!何).{0,2}$|^多少.{0,2}$|谁|哪")
#: Question words that still say what the answer looks like when glued to more (几个月内).
_HINT_INSIDE = tuple(w for w in HINTS if len(w) >= 3)

#: Places a citizen names, and the region whose local regulations apply there.
PLACES = {"上海": "上海", "北京": "北京", "重庆": "重庆", "广东": "广东"} | {city: "广东" for city in (
    "广州", "深圳", "珠海", "汕头", "佛山", "韶关", "湛江", "肇庆", "江门", "茂名", "惠州", "梅州", "汕尾", "河源",
    "阳江", "清远", "东莞", "中山", "潮州", "揭阳", "云浮")}

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
    soft_words: list[str] = field(default_factory=list)  # one character: ranked lightly, never required
    hints: list[str] = field(default_factory=list)  # what the answer says (多久 -> 之日起): ranked, never required
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)  # word -> legal terms
    regions: list[str] = field(default_factory=list)  # places named (在上海…): other places' rules rank lower

    @property
    def is_empty(self) -> bool:
        """True when nothing positive is asked for (exclusions alone select nothing)."""
        return not self.words and not self.phrases

    def highlight_terms(self) -> list[str]:
        """Strings to mark in snippets, longest first."""
        terms = set(self.words) | set(self.soft_words) | set(self.hints) | {p.text for p in self.phrases}
        terms.update(t for alts in self.synonyms.values() for t in alts)
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


Table = Mapping[str, tuple[str, ...]]


def is_ignored(word: str) -> bool:
    """Whether searches drop `word` (请问, 怎么办, 多久 ...): a vocabulary entry for it would never apply."""
    word = normalize(word)
    return word in STOP_WORDS or word in QUESTION_WORDS


class Vocabulary:
    """Editors' entries (everyday word -> legal terms) merged with synonyms.txt once; a word
    in both gets both's terms."""

    def __init__(self, entries: Mapping[str, list[str] | tuple[str, ...]]) -> None:
        self.words: tuple[str, ...] = tuple(w for w in map(normalize, entries) if len(w) > 1)
        table = dict(synonyms())
        for word, terms in entries.items():
            word = normalize(word)
            known = table.get(word, ())
            table[word] = known + tuple(t for t in map(normalize, terms) if t not in known and t != word)
        self.table: Table = table


def parse_query(raw: str, vocabulary: Vocabulary | None = None) -> ParsedQuery:
    """Parse a query string; never raises (not even on None). `vocabulary`: the editors'
    entries on top of synonyms.txt."""
    text = normalize(clean(raw or ""))
    table = vocabulary.table if vocabulary else synonyms()
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
    typed = list(dict.fromkeys(w for chunk in plain for w, _ in query_words(chunk)))
    typed = _with_editor_words(typed, plain, (vocabulary.words if vocabulary else ()) + _cut_table_words())
    content = [w for w in typed if w not in STOP_WORDS and w not in QUESTION_WORDS]
    words = [w for w in content if w not in WEAK_WORDS and (w in table or not _ASKING.search(w))]
    if not words and not parsed.phrases:  # 法律 alone: the weak words were the query
        words = [w for w in content if w in WEAK_WORDS] or content
    del words[MAX_WORDS:]
    if any(len(w) > 1 for w in words):
        parsed.soft_words = [w for w in words if len(w) == 1 and w not in parsed.words]
        words = [w for w in words if len(w) > 1]
    for word in words:
        if word not in parsed.words:
            parsed.words.append(word)
    asking = typed + [w for w in _HINT_INSIDE if w in text and w not in typed]
    for word in asking:  # 多久 is a stop word, but it says the answer is a time limit
        for hint in HINTS.get(word, ()):
            if hint not in parsed.words and hint not in parsed.hints:
                parsed.hints.append(hint)
    parsed.regions = sorted({region for place, region in PLACES.items() if place in text})
    quoted = [w for p in parsed.phrases for w, _ in p.words]  # for a question whose quote no text has
    for word in parsed.words + parsed.soft_words + quoted:
        _add_synonyms(parsed, table, word, 0)
    return parsed


@functools.cache
def _cut_table_words() -> tuple[str, ...]:
    """Words of synonyms.txt the segmenter still cuts although they are in its dictionary
    (个税 -> 个 / 税: jieba knows 个税, rarely): kept whole in queries as editors' words are."""
    return tuple(w for w in synonyms() if len(w) > 1 and [t for t, _ in query_words(w)] != [w])


def _with_editor_words(typed: list[str], plain: list[str], words: tuple[str, ...]) -> list[str]:
    """An editor's word (or a thesaurus word the segmenter cuts) typed in the query counts as
    one word, even where the segmenter cut it (补装 -> 补 / 装): its cut pieces give way to it."""
    if not words:
        return typed
    text = normalize(" ".join(plain))
    found = [w for w in words if w in text and w not in typed]
    if not found:
        return typed
    kept = [w for w in typed if not any(w in f for f in found)]
    return list(dict.fromkeys(kept + found))


def _add_synonyms(parsed: ParsedQuery, table: Table, word: str, depth: int) -> None:
    """Synonyms of `word`, of its synonyms and of its split pieces (上海市人大常委会 -> 人大常委会
    -> 常务委员会), two levels deep, as the backend widens them."""
    if depth >= 2:
        return
    found = tuple(t for t in table.get(word, ()) if t != word)
    if found:
        parsed.synonyms[word] = found
    for term in found + tuple(word_pieces(word)):
        _add_synonyms(parsed, table, term, depth + 1)


@functools.cache
def synonyms() -> dict[str, tuple[str, ...]]:
    """Everyday word -> legal terms, from synonyms.txt (lines `老板 公司 雇主 => 用人单位`)."""
    table: dict[str, list[str]] = {}
    for n, line in enumerate(SYNONYMS.read_text("utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        left, sep, right = line.partition("=>")
        if not sep or not left.split() or not right.split():
            raise ValueError(f"{SYNONYMS.name} line {n}: expected `words => legal terms`")
        for word in left.split():
            key = normalize(word)
            for term in right.split():
                term = normalize(term)
                if term not in table.setdefault(key, []):
                    table[key].append(term)
    return {k: tuple(v) for k, v in table.items()}


def _add_phrase(parsed: ParsedQuery, text: str, negate: bool) -> None:
    text = text.strip()
    words = tuple(query_words(text))
    if not words:
        return
    if len(words) == 1 and negate:
        if words[0][0] not in parsed.excluded_words:
            parsed.excluded_words.append(words[0][0])
        return
    # A quoted single word stays a phrase: exact, never widened to synonyms or pieces met apart.
    # Offsets relative to the first word, so leading punctuation does not matter.
    first = words[0][1]
    phrase = Phrase(text[first : words[-1][1] + len(words[-1][0])], tuple((w, o - first) for w, o in words))
    (parsed.excluded_phrases if negate else parsed.phrases).append(phrase)
