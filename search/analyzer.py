"""Chinese analysis: normalisation, jieba segmentation, and the token stream we index.

Rule: the index and the queries go through the same `normalize` and segmentation, and
token positions are *character offsets* in the normalised text, so a phrase is "these
terms at these relative offsets" whatever the segmentation granularity.

Each precise-mode (non-overlapping, no HMM) jieba token is indexed at its offset, with:
- its sub-words, the hierarchy of dictionary words it splits into (全国人民代表大会常务委员会
  -> 全国 / 人民代表大会常务委员会 -> 人民代表大会 / 常务委员会 -> ... 委员会), each at its own
  offset, so a query for 常务委员会 finds the longer word;
- dictionary words that start at it and end where a later word or sub-word ends
  (劳动合同 over 劳动/合同法), so a query word coarser than the text's words matches.
Unlike jieba's search mode this adds no junk straddling a split (人民法院 gives 人民 / 法院,
never 民法; 依法/规定 never gives 法规), and unlike search-mode positions it keeps phrase
matching exact.
"""

from __future__ import annotations

import functools
import logging
import math
import re
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import zhconv
from whoosh.analysis import Token, Tokenizer

USERDICT = Path(__file__).with_name("userdict.txt")
SYNONYMS = Path(__file__).with_name("synonyms.txt")

# Article, chapter... labels are one token (第十二条, 第一百二十条之一), never split by jieba.
_LABEL = re.compile(r"第[零〇一二三四五六七八九十百千万两0-9]+[条章节编款项](?:之[一二三四五六七八九十]+)?")
_WORDLIKE = re.compile(r"\w")
# Full-width ASCII and the ideographic space map to their half-width forms (length-preserving).
_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}

_lock = threading.Lock()
_tokenizer: Any = None
_cache_dir: Path | None = None


def use_cache_dir(path: Path) -> None:
    """Keep jieba's prebuilt dictionary cache (about 9 MB, saves a second per process
    start) in `path` instead of the system temp folder; before the first tokenizer use."""
    global _cache_dir
    _cache_dir = Path(path)


def normalize(text: str) -> str:
    """Simplified characters, half-width ASCII, lower case. Keeps the length in practice
    (zhconv maps character for character on this corpus); callers check before relying
    on offsets into the original."""
    if not text:
        return ""
    if not _zhconv_ready:
        _load_zhconv()
    return zhconv.convert(text.translate(_WIDTH), "zh-hans").lower()


_zhconv_ready = False


def _load_zhconv() -> None:
    # zhconv loads its tables on first use from a file it never closes (a ResourceWarning,
    # an error under our pytest settings) and without a lock: do it once, quietly.
    global _zhconv_ready
    with _lock:
        if not _zhconv_ready:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ResourceWarning)
                zhconv.zhconv.getdict("zh-hans")
            _zhconv_ready = True


def tokenizer() -> Any:
    """The process-wide jieba tokenizer with our user dictionary; built once, lazily and
    thread-safely (loading takes about a second)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                _tokenizer = _build_tokenizer()
    return _tokenizer


def _build_tokenizer() -> Any:
    with warnings.catch_warnings():
        # jieba's sources trigger SyntaxWarning/DeprecationWarning when first compiled.
        warnings.simplefilter("ignore")
        import jieba

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()  # our own instance: other users of jieba keep the stock dictionary
    if _cache_dir is not None:
        _cache_dir.mkdir(parents=True, exist_ok=True)
        tk.tmp_dir = str(_cache_dir)
    tk.initialize()
    for line in USERDICT.read_text(encoding="utf-8").splitlines():
        parts = line.split("#", 1)[0].split()
        if parts:
            # No frequency given: jieba picks one just high enough to keep the word whole.
            tk.add_word(parts[0], int(parts[1]) if len(parts) > 1 else None)
    # Everyday words of the synonym table stay whole in queries (酒驾, not 酒 / 驾).
    for line in SYNONYMS.read_text(encoding="utf-8").splitlines():
        left = line.split("#", 1)[0].partition("=>")[0].split()
        for word in left:
            if len(word) > 1 and not tk.FREQ.get(word):
                tk.add_word(word)
    return tk


# jieba's own block rules (jieba.re_han_default, re_eng): runs of these are segmented,
# anything else is punctuation or a lone symbol.
_HAN_BLOCK = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+")
_ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_SYMBOLS = frozenset("+#&._%-")


def _chunks(text: str) -> Iterator[tuple[int, str, int]]:
    """(kind, chunk, offset): 0 = an article label, 1 = a block to segment, 2 = other."""
    start = 0
    for m in _LABEL.finditer(text):
        if m.start() > start:
            yield from _blocks(text[start : m.start()], start)
        yield 0, m.group(), m.start()
        start = m.end()
    if start < len(text):
        yield from _blocks(text[start:], start)


def _blocks(text: str, base: int) -> Iterator[tuple[int, str, int]]:
    start = 0
    for m in _HAN_BLOCK.finditer(text):
        if m.start() > start:
            yield 2, text[start : m.start()], base + start
        yield 1, m.group(), base + m.start()
        start = m.end()
    if start < len(text):
        yield 2, text[start:], base + start


def _route(block: str) -> tuple[list[int], list[list[int]]]:
    """jieba's maximum-probability path (Tokenizer.get_DAG + calc, same result, about twice
    as fast): for each start, the end of its word, and the ends of all dictionary words."""
    tk = tokenizer()
    freq, logp, logtotal = tk.FREQ, _LOGP, _logtotal(tk)
    n = len(block)
    score = [0.0] * (n + 1)
    nxt = [0] * n
    dag: list[list[int]] = [[]] * n
    for k in range(n - 1, -1, -1):
        best, best_end, ends = -1e300, k + 1, []
        i, frag = k + 1, block[k]
        while True:
            f = freq.get(frag)
            if f is None:
                break
            if f:
                ends.append(i)
                p = logp.get(frag)
                if p is None:
                    p = logp[frag] = math.log(f) - logtotal
                if p + score[i] >= best:  # ties go to the longer word, as in jieba
                    best, best_end = p + score[i], i
            if i >= n:
                break
            i += 1
            frag = block[k:i]
        if not ends:
            best, ends = score[k + 1] - logtotal, [k + 1]
        score[k], nxt[k], dag[k] = best, best_end, ends
    return nxt, dag


_LOGP: dict[str, float] = {}


def _logtotal(tk: Any) -> float:
    return math.log(tk.total)


@functools.lru_cache(maxsize=32_768)
def _analyze_block(block: str) -> tuple[tuple[tuple[str, int], ...], tuple[tuple[str, int], ...]]:
    """(precise words, indexed tokens) of one block, with offsets inside the block."""
    nxt, dag = _route(block)
    words: list[tuple[str, int]] = []
    x, n, eng = 0, len(block), -1
    while x < n:  # consecutive single letters/digits form one word, as in jieba
        y = nxt[x]
        if y - x == 1 and block[x] in _ASCII_ALNUM:
            if eng < 0:
                eng = x
        else:
            if eng >= 0:
                words.append((block[eng:x], eng))
                eng = -1
            if y - x > 1 or block[x] not in _SYMBOLS:
                words.append((block[x:y], x))
        x = y
    if eng >= 0:
        words.append((block[eng:], eng))
    if any(w[0] in _SYMBOLS for w, _ in words):
        words = [(w, o) for w, o in words if _WORDLIKE.search(w)]
    tokens: list[tuple[str, int]] = []
    ends: set[int] | None = None
    for word, off in words:
        tokens.append((word, off))
        subs = sub_words(word)
        if subs:
            tokens.extend([(p, off + o) for p, o in subs])
        end = off + len(word)
        if dag[off][-1] > end:
            # Dictionary words starting here and running into the next words (劳动合同 in
            # 劳动/合同法), kept only if they end where a word or sub-word ends: no junk
            # like 法规 in 依法/规定.
            if ends is None:
                ends = _boundaries(words)
            tokens.extend([(block[off:e], off) for e in dag[off] if e > end and e in ends])
    return tuple(words), tuple(tokens)


def _boundaries(words: list[tuple[str, int]]) -> set[int]:
    ends = set()
    for word, off in words:
        ends.add(off + len(word))
        ends.update(off + o + len(p) for p, o in sub_words(word))
    return ends


def _tokens(text: str, index: bool) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for kind, chunk, base in _chunks(text):
        if kind == 0:
            out.append((chunk, base))
        elif kind == 1:
            part = _analyze_block(chunk)[index]
            out.extend([(t, base + o) for t, o in part] if base else part)
        else:
            out.extend((ch, base + i) for i, ch in enumerate(chunk) if _WORDLIKE.match(ch))
    return out


@functools.lru_cache(maxsize=200_000)
def split_word(word: str) -> tuple[tuple[str, int], ...]:
    """The best segmentation of `word` into smaller dictionary words, as (piece, offset);
    empty if it only splits into single characters."""
    if len(word) < 3 or _LABEL.fullmatch(word) or not "\u4e00" <= word[0] <= "\u9fff":
        return ()
    tk = tokenizer()
    dag = tk.get_DAG(word)
    dag[0] = [end for end in dag[0] if end != len(word) - 1] or [0]
    route: dict[int, tuple[float, int]] = {}
    tk.calc(word, dag, route)
    pieces, i = [], 0
    while i < len(word):
        end = route[i][1] + 1
        pieces.append((word[i:end], i))
        i = end
    if all(len(p) == 1 for p, _ in pieces):
        return ()
    return tuple(pieces)


def word_pieces(word: str) -> list[str]:
    """The dictionary words `word` splits into, without its single characters (坐电梯 -> 电梯):
    what a query word also matches as, all of them present."""
    return [p for p, _ in split_word(word) if len(p) > 1]


@functools.lru_cache(maxsize=200_000)
def sub_words(word: str) -> tuple[tuple[str, int], ...]:
    """Every multi-character node of `word`'s split hierarchy, as (piece, offset)."""
    out: list[tuple[str, int]] = []
    for piece, off in split_word(word):
        if len(piece) > 1:
            out.append((piece, off))
            out.extend((p, off + o) for p, o in sub_words(piece))
    return tuple(out)


def index_tokens(text: str) -> list[tuple[str, int]]:
    """The indexed stream of already normalised `text`: (term, character offset), each
    term's offsets ascending (whoosh needs that)."""
    return _tokens(text, True)


def query_words(text: str) -> list[tuple[str, int]]:
    """Precise-mode words of a normalised query fragment, with offsets."""
    return _tokens(text, False)


class ChineseTokenizer(Tokenizer):
    """whoosh tokenizer over `index_tokens`; positions are character offsets."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        text = normalize(value)
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for term, pos in index_tokens(text):
            t.text = term
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = term
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar = start_char + pos
                t.endchar = start_char + pos + len(term)
            yield t


def chinese_analyzer() -> ChineseTokenizer:
    return ChineseTokenizer()
