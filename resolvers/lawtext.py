"""A pure parser of one law text in the corpus Markdown format (no database).

Structure is read from the labels, not from the number of `#`: the corpus writes chapters as
`##` or `###` and sections as `##`, `###` or `####`, so `第一章` decides the level and the `#`
count only places headings that carry no such label (`序言`, `附件一`, `一、加强……`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

__all__ = [
    "HistoryEvent",
    "LawTextError",
    "ParsedArticle",
    "ParsedHeading",
    "ParsedItem",
    "ParsedLaw",
    "ParsedParagraph",
    "article_label",
    "chinese_numeral",
    "document_number",
    "history_events",
    "issuing_body",
    "parse_article_label",
    "parse_law",
    "stated_effective_date",
]

INFO_END = "<!-- INFO END -->"

_DIGITS = {
    "零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_DIGITS = "零一二三四五六七八九"
NUMERAL_CHARS = "零〇○一二两三四五六七八九十百千万0-9０-９"
NUMERAL = f"[{NUMERAL_CHARS}]+"


class LawTextError(ValueError):
    """The text cannot be read as a law: no title, an empty body, or not text at all."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def chinese_numeral(s: str) -> int:
    """Read a Chinese or Arabic numeral: 一百二十 -> 120, 十 -> 10, 一千零一 -> 1001, 二〇二四 -> 2024."""
    s = s.strip().translate(_FULLWIDTH_DIGITS)
    if not s:
        raise ValueError("empty numeral")
    if s.isascii() and s.isdigit():
        return int(s)
    if all(ch in _DIGITS or ch.isdigit() for ch in s):
        # Positional digits without units, as in years: 二〇二四.
        return int("".join(str(_DIGITS.get(ch, ch)) for ch in s))
    total = section = digit = 0
    for ch in s:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch.isdigit():
            digit = digit * 10 + int(ch)
        elif ch in _UNITS:
            # A bare 十 means 一十 (十二 = 12).
            section += (digit or 1) * _UNITS[ch]
            digit = 0
        elif ch == "万":
            total += (section + digit) * 10000
            section = digit = 0
        else:
            raise ValueError(f"not a numeral: {s!r}")
    return total + section + digit


_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def _cn(n: int) -> str:
    """Write n (0 <= n < 10000) as a Chinese numeral the way law texts do: 十二, 一百零五, 一百二十."""
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    out = ""
    zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = (n // value) % 10
        if d:
            if zero:
                out += "零"
            out += _CN_DIGITS[d] + unit
            zero = False
        elif out:
            zero = True
    return out


def article_label(number: int, suffix: int = 0) -> str:
    """The canonical label of an article: (120, 1) -> 第一百二十条之一."""
    return f"第{_cn(number)}条" + (f"之{_cn(suffix)}" if suffix else "")


_LABEL_QUERY = re.compile(rf"^第?\s*({NUMERAL})\s*条?\s*(?:之\s*({NUMERAL}))?$")


def parse_article_label(label: str) -> tuple[int, int]:
    """Read what a reader types for an article: 第十二条, 第12条, 十二, 12, 第一百二十条之一 -> (120, 1)."""
    m = _LABEL_QUERY.match(label.strip())
    if not m:
        raise ValueError(f"not an article label: {label!r}")
    return chinese_numeral(m.group(1)), chinese_numeral(m.group(2)) if m.group(2) else 0


@dataclass
class ParsedItem:
    """项: an enumerated item such as `（一）…` inside a paragraph."""

    label: str
    text: str


@dataclass
class ParsedParagraph:
    """款: a paragraph with its items. `heading_path` is only set on paragraphs outside articles."""

    text: str
    items: list[ParsedItem] = field(default_factory=list)
    heading_path: list[str] = field(default_factory=list)

    def plain_text(self) -> str:
        lines = [self.text] if self.text else []
        lines += [f"{item.label}{item.text}" for item in self.items]
        return "\n".join(lines)


@dataclass
class ParsedArticle:
    """条: 第一百二十条之一 -> number 120, suffix 1."""

    number: int
    suffix: int
    label: str
    paragraphs: list[ParsedParagraph]
    heading_path: list[str]

    def plain_text(self) -> str:
        return "\n".join(p.plain_text() for p in self.paragraphs)


HEADING_LEVELS = ("PART", "CHAPTER", "SECTION", "SUBSECTION")


@dataclass
class ParsedHeading:
    """编 / 章 / 节 (or an unlabelled heading such as 序言, 附件一, 一、…).

    `depth` is the nesting depth (0 = top); `article_index` is the index in `ParsedLaw.articles`
    of the first article after the heading, so headings and articles can be interleaved again.
    """

    level: str
    label: str
    title: str
    depth: int
    article_index: int = 0

    @property
    def text(self) -> str:
        """`第一章 总则`, or the title alone for unlabelled headings."""
        if self.label and self.title:
            sep = "" if self.label.endswith("、") else " "
            return f"{self.label}{sep}{self.title}"
        return self.label or self.title


@dataclass
class ParsedLaw:
    """One text. `paragraphs` is the body of a text without numbered articles (decisions), or the
    preamble (序言) otherwise; `appendix` holds loose paragraphs after the articles (附件)."""

    title: str
    history: list[str]
    headings: list[ParsedHeading]
    articles: list[ParsedArticle]
    paragraphs: list[ParsedParagraph]
    appendix: list[ParsedParagraph] = field(default_factory=list)


_ARTICLE = re.compile(rf"^第({NUMERAL})条(?:之({NUMERAL}))?(?:\s+(.*))?$")
# Typos seen in the corpus: `第一百二十八 条侦查人员…` (a space inside the label) and `第三十－条`
# (a full-width minus for 一). A space inside the label is itself a strong enough signal.
_ARTICLE_SPACED = re.compile(rf"^第\s*([－{NUMERAL_CHARS}]+?)\s+条(?:之({NUMERAL}))?\s*(.*)$")
_ARTICLE_DASH = re.compile(rf"^第([－{NUMERAL_CHARS}]*－[－{NUMERAL_CHARS}]*)条(?:之({NUMERAL}))?(?:\s+(.*))?$")
_STRUCTURAL = re.compile(rf"^(第\s*{NUMERAL}\s*(分编|编|章|节|目))\s*(.*)$")
_ENUMERATED_HEADING = re.compile(rf"^({NUMERAL}、)\s*(.*)$")
_ITEM = re.compile(rf"^(?:[（(]\s*({NUMERAL}|[a-zA-Z])\s*[)）]|(\d{{1,2}}|[０-９]{{1,2}})[.．、](?!\d))\s*(.*)$")
_HEADING = re.compile(r"^(#{1,6})\s*(.*?)\s*#*$")
_HISTORY_SPILL = re.compile(r"^[（(]?.{0,80}(?:通过|修正|修订|批准|公布|发布)[)）]$")
# Rank of each labelled heading kind; the level names only have four steps.
_KIND_RANK = {"编": 0, "分编": 1, "章": 2, "节": 3, "目": 4}
_RANK_LEVEL = {0: "PART", 1: "PART", 2: "CHAPTER", 3: "SECTION", 4: "SUBSECTION"}
_HASH_RANK = {1: 0, 2: 2, 3: 3, 4: 4, 5: 4, 6: 4}
_INVISIBLE = str.maketrans("", "", "\u200b\u200c\u200d\u2060\ufeff\u00ad")
_CJK_SPACE = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")


def _clean(line: str) -> str:
    return line.translate(_INVISIBLE).replace("\u3000", " ").strip()


def _heading_title(text: str) -> str:
    # 总 则 -> 总则: headings are spaced out for typography in some sources.
    return _CJK_SPACE.sub("", re.sub(r"\s+", " ", text)).strip()


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _is_meaningful(line: str) -> bool:
    return any(ch.isalnum() for ch in line)


def _split_front(lines: list[str]) -> tuple[str, list[str], list[str]]:
    """Return (title, history lines, non-empty body lines)."""
    i = 0
    while i < len(lines) and not lines[i]:
        i += 1
    if i == len(lines):
        raise LawTextError("empty text")
    m = re.match(r"^#\s+(.+)$", lines[i])
    if not m or not _is_meaningful(m.group(1)):
        raise LawTextError("no title: the text must start with a `# title` line")
    title = re.sub(r"\s+", " ", m.group(1)).strip()
    rest = lines[i + 1 :]
    if INFO_END in rest:
        end = rest.index(INFO_END)
        front, body = rest[:end], rest[end + 1 :]
    else:
        # Without the marker, the history is the run of dated lines right after the title.
        front = []
        j = 0
        while j < len(rest) and (not rest[j] or re.match(r"^[（(]?\d{4}\s*年", rest[j])):
            front.append(rest[j])
            j += 1
        body = rest[j:]
    history = [line for line in front if _is_meaningful(line) and not line.startswith("<!--")]
    body = [line for line in body if line and not line.startswith("<!--") and _is_meaningful(line)]
    return title, history, body


def _match_article(line: str) -> tuple[int, int, str, str] | None:
    """(number, suffix, label, rest of the line) if the line starts an article."""
    m = _ARTICLE.match(line) or _ARTICLE_SPACED.match(line) or _ARTICLE_DASH.match(line)
    if not m:
        return None
    written = _squash(m.group(1)).replace("－", "一")
    try:
        number = chinese_numeral(written)
        suffix = chinese_numeral(m.group(2)) if m.group(2) else 0
    except ValueError:
        return None
    label = f"第{written}条" + (f"之{m.group(2)}" if m.group(2) else "")
    return number, suffix, label, (m.group(3) or "").strip()


def _is_plain(line: str) -> bool:
    return not (_HEADING.match(line) or _match_article(line) or _ITEM.match(line) or _ENUMERATED_HEADING.match(line))


def _repair_front(title: str, history: list[str], body: list[str]) -> list[str]:
    """Fix the quirks of the lines before the first heading or article, in place on `history`.

    - the end of a history line spilt past the marker (`会议通过）`) goes back to the history;
    - the title repeated as the first body lines (possibly wrapped over two lines) is dropped.
    """
    i = 0
    while i < len(body) and _is_plain(body[i]) and _HISTORY_SPILL.match(body[i]):
        if history and not history[-1].endswith(("）", ")")):
            history[-1] += body[i]
        else:
            history.append(body[i])
        i += 1
    target, seen, j = _squash(title), "", i
    while j < len(body) and _is_plain(body[j]) and target.startswith(seen + _squash(body[j])):
        seen += _squash(body[j])
        j += 1
        if seen == target:
            return body[j:]
    return body[i:]


def _merge_wrapped_headings(body: list[str]) -> list[str]:
    """`## 第五章 …主席、副主席，乡长、` + `副乡长，镇长、副镇长的选举…`: a chapter title wrapped onto
    the next line, recognised as a short plain line between a heading and an article or heading."""
    out: list[str] = []
    i = 0
    while i < len(body):
        line = body[i]
        hm = _HEADING.match(line)
        if hm and _STRUCTURAL.match(hm.group(2)) and i + 1 < len(body):
            nxt = body[i + 1]
            after = body[i + 2] if i + 2 < len(body) else None
            if (
                _is_plain(nxt)
                and len(nxt) <= 40
                and not re.search(r"[。；：:]", nxt)
                and (after is None or _HEADING.match(after) or _match_article(after))
            ):
                out.append(line + nxt)
                i += 2
                continue
        out.append(line)
        i += 1
    return out


def _table_of_contents(body: list[str]) -> tuple[list[str], list[str]]:
    """A leading run of three or more empty headings of one kind is a table of contents (one text
    lists its chapters as headings and then writes them as plain lines). Returns (toc, rest)."""
    run: list[str] = []
    kinds: set[str] = set()
    for line in body:
        hm = _HEADING.match(line)
        sm = _STRUCTURAL.match(hm.group(2)) if hm else None
        if not sm:
            break
        run.append(line)
        kinds.add(sm.group(2))
    if len(run) >= 3 and len(kinds) == 1:
        return run, body[len(run) :]
    return [], body


def parse_law(markdown: str) -> ParsedLaw:
    """Parse one corpus text. Raises LawTextError for a missing title, an empty body or non-text."""
    if "\x00" in markdown or markdown.count("\ufffd") > 3:
        raise LawTextError("not text: binary or wrongly decoded content")
    lines = [_clean(line) for line in markdown.splitlines()]
    title, history, body = _split_front(lines)
    if len(title) > 200:
        raise LawTextError("title longer than 200 characters: probably not a law text")
    body = _repair_front(title, history, body)
    toc, body = _table_of_contents(body)
    body = _merge_wrapped_headings(body)
    # Table-of-contents entries waiting for the plain line that really starts their chapter.
    pending = [(line, _heading_title(_STRUCTURAL.match(_HEADING.match(line).group(2)).group(3))) for line in toc]

    headings: list[ParsedHeading] = []
    articles: list[ParsedArticle] = []
    preamble: list[ParsedParagraph] = []
    appendix: list[ParsedParagraph] = []
    stack: list[tuple[int, ParsedHeading]] = []  # (rank, heading) of the open headings
    hash_rank: dict[int, int] = {}  # learnt from labelled headings: '##' means 编 in this text
    article: ParsedArticle | None = None  # the article receiving paragraphs, if any
    paragraph: ParsedParagraph | None = None

    def add_paragraph(text: str) -> ParsedParagraph:
        p = ParsedParagraph(text=text)
        if article is not None:
            article.paragraphs.append(p)
        else:
            p.heading_path = [h.text for _, h in stack]
            (appendix if articles else preamble).append(p)
        return p

    def add_heading(hashes: int, text: str) -> None:
        sm = _STRUCTURAL.match(text)
        if sm:
            label, kind, heading_title = _squash(sm.group(1)), sm.group(2), sm.group(3)
            rank = _KIND_RANK[kind]
            hash_rank.setdefault(hashes, rank)
        else:
            em = _ENUMERATED_HEADING.match(text)
            label, heading_title = (em.group(1), em.group(2)) if em else ("", text)
            rank = hash_rank.get(hashes, _HASH_RANK[hashes])
        while stack and stack[-1][0] >= rank:
            stack.pop()
        heading = ParsedHeading(
            level=_RANK_LEVEL[rank],
            label=label,
            title=_heading_title(heading_title),
            depth=len(stack),
            article_index=len(articles),
        )
        headings.append(heading)
        stack.append((rank, heading))

    for line in body:
        hm = _HEADING.match(line)
        if hm:
            if pending and (sm := _STRUCTURAL.match(hm.group(2))):
                # A real heading: the table of contents was only that.
                labels = [_squash(_STRUCTURAL.match(_HEADING.match(t).group(2)).group(1)) for t, _ in pending]
                if _squash(sm.group(1)) in labels:
                    del pending[: labels.index(_squash(sm.group(1))) + 1]
            add_heading(len(hm.group(1)), hm.group(2))
            article, paragraph = None, None
            continue
        if pending and (wanted := _heading_title(line)) in [t for _, t in pending]:
            index = [t for _, t in pending].index(wanted)
            toc_line = pending[index][0]
            del pending[: index + 1]
            th = _HEADING.match(toc_line)
            add_heading(len(th.group(1)), th.group(2))
            article, paragraph = None, None
            continue
        found = _match_article(line)
        if found:
            number, suffix, label, rest = found
            article = ParsedArticle(
                number=number,
                suffix=suffix,
                label=label,
                paragraphs=[],
                heading_path=[h.text for _, h in stack],
            )
            articles.append(article)
            paragraph = _maybe_item_first(add_paragraph(rest)) if rest else None
            continue
        im = _ITEM.match(line)
        if im:
            raw = im.group(1) or im.group(2)
            label = f"（{raw}）" if im.group(1) else line[: im.start(3)].strip()
            if paragraph is None:
                paragraph = add_paragraph("")
            paragraph.items.append(ParsedItem(label=label, text=im.group(3).strip()))
            continue
        paragraph = add_paragraph(line)

    if not articles and not preamble:
        raise LawTextError("empty body: no articles and no paragraphs after the history")
    return ParsedLaw(
        title=title,
        history=history,
        headings=headings,
        articles=articles,
        paragraphs=preamble,
        appendix=appendix,
    )


def _maybe_item_first(paragraph: ParsedParagraph) -> ParsedParagraph:
    """`第五条 （一）…` (an article opening straight on an item) keeps the item as an item."""
    m = _ITEM.match(paragraph.text)
    if m and m.group(1):
        paragraph.items.append(ParsedItem(label=f"（{m.group(1)}）", text=m.group(3).strip()))
        paragraph.text = ""
    return paragraph


# --- the history lines --------------------------------------------------------------------------


@dataclass
class HistoryEvent:
    """One line of the adoption and amendment history, e.g. (2015-03-15, "第十二届…第一次修正")."""

    on: date
    text: str


_DATE = re.compile(rf"({NUMERAL})\s*年\s*({NUMERAL})\s*月\s*({NUMERAL})\s*日")


def _date(m: re.Match[str]) -> date | None:
    try:
        return date(chinese_numeral(m.group(1)), chinese_numeral(m.group(2)), chinese_numeral(m.group(3)))
    except ValueError:
        return None


def history_events(history: list[str]) -> list[HistoryEvent]:
    """The dated events of the history; a line may hold several events (`…修正  2012年9月27日…修订`).

    A date starts an event at the start of a line or after a space; elsewhere it is part of the
    event's text (`根据2009年8月27日…决定修正` stays one event)."""
    events: list[HistoryEvent] = []
    for line in history:
        starts = [m for m in _DATE.finditer(line) if m.start() == 0 or line[m.start() - 1] in " \t（("]
        if not starts:
            m = _DATE.search(line)
            starts = [m] if m else []
        for i, m in enumerate(starts):
            on = _date(m)
            end = starts[i + 1].start() if i + 1 < len(starts) else len(line)
            if on is not None:
                events.append(HistoryEvent(on=on, text=line[m.end() : end].strip(" ）)，,;；")))
    return events


_ORDER = re.compile(r"((?:中华人民共和国)?[\u4e00-\u9fff、]{1,30}令\s*第\s*[0-9一二三四五六七八九十百零〇]+\s*号)")


def document_number(history: list[str]) -> str | None:
    """The latest order number in the history, e.g. `国务院令第596号`."""
    found = [m.group(1) for line in history for m in _ORDER.finditer(line)]
    if not found:
        return None
    number = re.sub(r"\s+", "", found[-1])
    return number.removeprefix("中华人民共和国")


_LOCAL_CONGRESS = re.compile(
    r"([\u4e00-\u9fff]{2,12}?(?:省|自治区|市|自治州|县|区))第[\u4e00-\u9fff0-9]+?届人民代表大会(常务委员会)?"
)


def issuing_body(history: list[str]) -> str | None:
    """Best effort: the body that adopted or issued the text, read from the first history event."""
    events = history_events(history)
    text = events[0].text if events else (history[0] if history else "")
    if not text:
        return None
    if "全国人民代表大会常务委员会" in text:
        return "全国人民代表大会常务委员会"
    if "全国人民代表大会" in text:
        return "全国人民代表大会"
    m = _LOCAL_CONGRESS.search(text)
    if m:
        place = m.group(1).removeprefix("经")  # 经重庆市…批准
        return f"{place}人民代表大会{m.group(2) or ''}"
    if "国务院、中华人民共和国中央军事委员会" in text or "国务院、中央军事委员会" in text:
        return "国务院、中央军事委员会"
    if "国务院" in text and not re.search(r"国务院批准", text):
        return "国务院"
    m = re.search(r"([\u4e00-\u9fff]{2,20}?(?:部|委员会|总局|署|局|办公厅))(?:令第\S+号)?(?:发布|公布)", text)
    if m:
        return m.group(1).removeprefix("中华人民共和国")
    if "国务院" in text:
        return "国务院"
    return None


_EFFECTIVE = re.compile(
    rf"本\S{{0,8}}?自\s*(?:(?P<date>{NUMERAL}\s*年\s*{NUMERAL}\s*月\s*{NUMERAL}\s*日)"
    r"|(?P<event>公布|发布|颁布|通过)之日)起(?:施行|实施|生效)"
)


def stated_effective_date(law: ParsedLaw, promulgated_on: date | None = None) -> date | None:
    """The date the text says it takes effect (`本法自2023年3月15日起施行`), from its last articles or
    paragraphs, else a `… 施行` history line. `自公布之日起施行` gives `promulgated_on`.

    For an amended text this is usually the original enactment date; callers compare it with the
    version's promulgation date before trusting it."""
    tail: list[str] = [a.plain_text() for a in law.articles[-3:]]
    tail += [p.plain_text() for p in (law.appendix or law.paragraphs)[-3:]]
    for text in reversed(tail):
        m = _EFFECTIVE.search(text)
        if m:
            if m.group("event"):
                return promulgated_on
            dm = _DATE.search(m.group("date"))
            return _date(dm) if dm else None
    for event in history_events(law.history):
        if event.text in {"施行", "起施行", "实施"}:
            return event.on
    return None
