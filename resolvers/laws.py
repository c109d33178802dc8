"""Laws and regulations: point-in-time status, article look-up, version comparison, writing
parsed texts, and batch loaders (one query per relation, whatever the number of regulations).

Status rules (the corpus lacks the effective date of most texts):
- a version starts on its `effective_from`, else its `promulgated_on`; a version with neither
  counts as started since forever (it can only be in force when no dated version has started);
- on day D the version in force is the latest-starting version with start <= D (ties: the latest
  promulgated), unless the regulation is repealed on or before D with no later version;
- a repealed regulation with an unknown repeal date counts as repealed from its last version's
  start: we know it is not in force now, not since when;
- a started version that is not the one in force is AMENDED (已修改).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from models.base import Status
from models.laws import (
    HeadingLevel,
    Regulation,
    RegulationArticle,
    RegulationHeading,
    RegulationLevel,
    RegulationStatus,
    RegulationVersion,
)
from resolvers.lawtext import (
    ParsedLaw,
    ParsedParagraph,
    document_number,
    history_events,
    issuing_body,
    parse_article_label,
    parse_law,
    stated_effective_date,
)
from resolvers.slugs import slugify

__all__ = [
    "ArticleChange",
    "ArticleText",
    "InvalidArticleLabel",
    "LawError",
    "RegulationRow",
    "VersionDiff",
    "VersionWithArticles",
    "article_by_label",
    "articles_by_number",
    "articles_by_version_ids",
    "compare_versions",
    "create_regulation_from_text",
    "day_number",
    "diff_articles",
    "headings_by_version_ids",
    "iter_regulation_rows",
    "paragraphs_json",
    "refresh_regulation",
    "regulation_status",
    "short_title_of",
    "shown_version",
    "sort_versions",
    "statuses_by_regulation_ids",
    "today",
    "unique_slug",
    "version_dates",
    "version_in_force",
    "version_ranges",
    "version_status",
    "versions_by_regulation_ids",
    "versions_with_articles",
    "write_version",
]

# SQLite allows 32766 bound variables per statement (999 before 3.32); stay well below.
_IN_CHUNK = 500
_INSERT_BATCH = 500


SHANGHAI = ZoneInfo("Asia/Shanghai")


def today() -> date:
    """Today in Beijing time: the day a regulation is seen on unless another is asked for."""
    return datetime.now(SHANGHAI).date()


class LawError(ValueError):
    """A request about laws that cannot be served as asked."""


class InvalidArticleLabel(LawError):
    """The text is not an article reference such as 第十二条, 第12条, 十二 or 第一百二十条之一."""


# --- status -------------------------------------------------------------------------------------


def _order_key(version: RegulationVersion) -> tuple[date, date, int]:
    return (version.starts_on or date.min, version.promulgated_on or date.min, version.id or 0)


def sort_versions(versions: Iterable[RegulationVersion]) -> list[RegulationVersion]:
    """Oldest first, by start (effective date, else promulgation), then promulgation date."""
    return sorted(versions, key=_order_key)


def _repeal_date(regulation: Regulation, ordered: Sequence[RegulationVersion]) -> date | None:
    """The day from which the repeal applies; date.min when it is unknown and nothing started."""
    if not regulation.repealed:
        return None
    if regulation.repealed_on is not None:
        return regulation.repealed_on
    return (ordered[-1].starts_on if ordered else None) or date.min


def _candidate(ordered: Sequence[RegulationVersion], on: date) -> RegulationVersion | None:
    started = [v for v in ordered if (v.starts_on or date.min) <= on]
    return started[-1] if started else None


def _repealed_on_day(
    regulation: Regulation,
    candidate: RegulationVersion | None,
    ordered: Sequence[RegulationVersion],
    on: date,
) -> bool:
    repeal = _repeal_date(regulation, ordered)
    if repeal is None or repeal > on:
        return False
    # A version starting after the repeal re-enacts the regulation.
    return candidate is None or (candidate.starts_on or date.min) <= repeal


def _version_in_force(regulation: Regulation, versions: Iterable[RegulationVersion], on: date) -> RegulationVersion | None:
    ordered = sort_versions(versions)
    candidate = _candidate(ordered, on)
    if candidate is None or _repealed_on_day(regulation, candidate, ordered, on):
        return None
    return candidate


async def version_in_force(
    regulation: Regulation, on: date, versions: Iterable[RegulationVersion] | None = None
) -> RegulationVersion | None:
    """The version that applied on `on`, or None (not yet effective, or repealed).

    Pass `versions` when they are already loaded (e.g. from `versions_by_regulation_ids`)."""
    if versions is None:
        versions = await RegulationVersion.filter(regulation_id=regulation.id)
    return _version_in_force(regulation, versions, on)


def regulation_status(regulation: Regulation, versions: Iterable[RegulationVersion], on: date) -> RegulationStatus:
    """尚未生效 before the first version starts, 已废止 once repealed, else 有效."""
    ordered = sort_versions(versions)
    candidate = _candidate(ordered, on)
    if _repealed_on_day(regulation, candidate, ordered, on):
        return RegulationStatus.REPEALED
    if candidate is None:
        return RegulationStatus.NOT_YET_EFFECTIVE
    return RegulationStatus.IN_FORCE


def version_status(
    version: RegulationVersion, regulation: Regulation, versions: Iterable[RegulationVersion], on: date
) -> RegulationStatus:
    """The status of one version on `on`: not yet effective, in force, amended (a later version is
    in force) or repealed (the regulation was repealed while this version applied)."""
    ordered = sort_versions(versions)
    if (version.starts_on or date.min) > on:
        return RegulationStatus.NOT_YET_EFFECTIVE
    candidate = _candidate(ordered, on)
    if _repealed_on_day(regulation, candidate, ordered, on):
        return RegulationStatus.REPEALED
    if candidate is not None and candidate.id == version.id:
        return RegulationStatus.IN_FORCE
    return RegulationStatus.AMENDED


def shown_version(
    regulation: Regulation, versions: Iterable[RegulationVersion], on: date
) -> RegulationVersion | None:
    """The text a reader sees on `on`: the version in force; for a repealed regulation the last
    version that applied; before anything took effect the first version (its coming text)."""
    ordered = sort_versions(versions)
    if not ordered:
        return None
    return _candidate(ordered, on) or ordered[0]


def version_ranges(
    regulation: Regulation, versions: Iterable[RegulationVersion]
) -> dict[int, tuple[date | None, date | None]]:
    """For each version the days it is in force, as (start, end): in force on D exactly when
    start <= D < end (None: open), by the same rules as `version_in_force`.

    A version that never applies (superseded on the day it started) gets end == start; a start of
    date.min stands for "always" (no dates known)."""
    ordered = sort_versions(versions)
    repeal = _repeal_date(regulation, ordered)
    ranges: dict[int, tuple[date | None, date | None]] = {}
    for i, version in enumerate(ordered):
        start = version.starts_on or date.min
        end = (ordered[i + 1].starts_on or date.min) if i + 1 < len(ordered) else None
        # The repeal ends the version that applies at the time (a later version re-enacts).
        if repeal is not None and start <= repeal and (end is None or repeal < end):
            end = repeal
        ranges[version.id] = (None if start == date.min else start, end)
    return ranges


# --- articles -----------------------------------------------------------------------------------


def _version_id(version: RegulationVersion | int) -> int:
    return version if isinstance(version, int) else version.id


async def article_by_label(version: RegulationVersion | int, label: str) -> RegulationArticle | None:
    """The article `label` refers to (第十二条, 第12条, 十二, 12, 第一百二十条之一), or None.

    Raises InvalidArticleLabel when `label` is not an article reference."""
    try:
        number, suffix = parse_article_label(label)
    except ValueError as exc:
        raise InvalidArticleLabel(str(exc)) from exc
    return (
        await RegulationArticle.filter(version_id=_version_id(version), number=number, suffix=suffix).order_by("position").first()
    )


async def articles_by_number(version: RegulationVersion | int, number: int, suffix: int | None = None) -> list[RegulationArticle]:
    """Article `number` of a version; with `suffix=None`, also its inserted articles (之一, 之二…)."""
    query = RegulationArticle.filter(version_id=_version_id(version), number=number)
    if suffix is not None:
        query = query.filter(suffix=suffix)
    return await query.order_by("position")


# --- comparing versions -------------------------------------------------------------------------


class ArticleChange(NamedTuple):
    """An article whose text changed; `label` is its label in the new version."""

    label: str
    old_text: str
    new_text: str


@dataclass
class VersionDiff:
    """What changed between two versions: articles added, removed and changed (by label), and the
    matched articles whose number changed (`renumbered`: (old label, new label))."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[ArticleChange] = field(default_factory=list)
    renumbered: list[tuple[str, str]] = field(default_factory=list)
    unchanged: int = 0


class ArticleText(NamedTuple):
    """What `diff_articles` compares: (number, suffix), label and plain text."""

    key: tuple[int, int]
    label: str
    text: str


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"\s+", "", text)
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def _similarity(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def diff_articles(old: Sequence[ArticleText], new: Sequence[ArticleText]) -> VersionDiff:
    """Match articles: identical texts first (wherever they moved), then the most similar pairs
    (character bigrams, with a bonus for keeping the same number), the rest is added or removed."""
    diff = VersionDiff()
    pairs: dict[int, int] = {}  # old index -> new index
    free_new: dict[str, list[int]] = defaultdict(list)
    for j, unit in enumerate(new):
        free_new[unit.text].append(j)
    for i, unit in enumerate(old):
        if free_new.get(unit.text):
            pairs[i] = free_new[unit.text].pop(0)
    rest_old = [i for i in range(len(old)) if i not in pairs]
    taken = set(pairs.values())
    rest_new = [j for j in range(len(new)) if j not in taken]
    grams_old = {i: _bigrams(old[i].text) for i in rest_old}
    grams_new = {j: _bigrams(new[j].text) for j in rest_new}
    candidates: list[tuple[float, int, int]] = []
    for i in rest_old:
        for j in rest_new:
            score = _similarity(grams_old[i], grams_new[j])
            same_key = old[i].key == new[j].key
            if score >= 0.4 or (same_key and score >= 0.2):
                candidates.append((score + (0.15 if same_key else 0.0), i, j))
    candidates.sort(key=lambda c: (-c[0], abs(c[1] - c[2])))
    used_new: set[int] = set()
    for _, i, j in candidates:
        if i in pairs or j in used_new:
            continue
        pairs[i] = j
        used_new.add(j)
    matched_new = set(pairs.values())
    for i, j in sorted(pairs.items(), key=lambda p: p[1]):
        if old[i].text == new[j].text:
            diff.unchanged += 1
        else:
            diff.changed.append(ArticleChange(new[j].label, old[i].text, new[j].text))
        if old[i].label != new[j].label:
            diff.renumbered.append((old[i].label, new[j].label))
    diff.removed = [old[i].label for i in range(len(old)) if i not in pairs]
    diff.added = [new[j].label for j in range(len(new)) if j not in matched_new]
    return diff


def _paragraph_units(body: list[dict[str, Any]]) -> list[ArticleText]:
    units = []
    for n, p in enumerate(body, start=1):
        text = "\n".join([p.get("text", "")] + [f"{i['label']}{i['text']}" for i in p.get("items", [])])
        units.append(ArticleText((n, 0), f"第{n}段", text.strip()))
    return units


async def compare_versions(old: RegulationVersion, new: RegulationVersion) -> VersionDiff:
    """Compare two versions article by article (texts without articles: paragraph by paragraph)."""
    loaded = await articles_by_version_ids([old.id, new.id])
    old_units = [ArticleText((a.number, a.suffix), a.label, a.text) for a in loaded[old.id]]
    new_units = [ArticleText((a.number, a.suffix), a.label, a.text) for a in loaded[new.id]]
    if not old_units and not new_units:
        return diff_articles(_paragraph_units(old.body), _paragraph_units(new.body))
    return diff_articles(old_units, new_units)


# --- writing parsed texts -----------------------------------------------------------------------


def paragraphs_json(paragraphs: Iterable[ParsedParagraph], *, with_path: bool = False) -> list[dict]:
    """[{text, items: [{label, text}]}] (and heading_path for paragraphs outside articles)."""
    out = []
    for p in paragraphs:
        row: dict[str, Any] = {"text": p.text, "items": [{"label": i.label, "text": i.text} for i in p.items]}
        if with_path:
            row["heading_path"] = list(p.heading_path)
        out.append(row)
    return out


_PREFIX = "中华人民共和国"


def short_title_of(title: str) -> str:
    """How the corpus names a law: 中华人民共和国立法法 -> 立法法."""
    short = title.strip()
    return short[len(_PREFIX) :] if short.startswith(_PREFIX) and len(short) > len(_PREFIX) else short


def version_dates(
    law: ParsedLaw, promulgated_on: date | None = None, effective_from: date | None = None
) -> tuple[date | None, date | None, date | None]:
    """(adopted_on, promulgated_on, effective_from) of a parsed text.

    Missing promulgation date: the last dated history event. Missing effective date: the date the
    text states (本法自…起施行) when it is not earlier than the promulgation (an amended text still
    states its original enactment date)."""
    events = history_events(law.history)
    adopted = next((e.on for e in events if re.search(r"通过|批准|公布|发布", e.text)), None)
    adopted = adopted or (events[0].on if events else None)
    if promulgated_on is None and events:
        promulgated_on = events[-1].on
    if effective_from is None and promulgated_on is not None:
        stated = stated_effective_date(law, promulgated_on)
        if stated is not None and stated >= promulgated_on:
            effective_from = stated
    return adopted, promulgated_on, effective_from


async def unique_slug(text: str, taken: set[str] | None = None) -> str:
    """A free slug from the pinyin of `text`; `taken` (a preloaded set, updated) saves queries."""
    base = slugify(text, max_length=80)
    slug, n = base, 1
    while (slug in taken) if taken is not None else await Regulation.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    if taken is not None:
        taken.add(slug)
    return slug


async def write_version(
    regulation: Regulation,
    law: ParsedLaw,
    *,
    promulgated_on: date | None = None,
    effective_from: date | None = None,
    version: RegulationVersion | None = None,
    **extra: Any,
) -> tuple[RegulationVersion, int]:
    """Create a version of `regulation` from a parsed text, or replace the content of `version`.

    Headings go in one insert per depth (children need their parent's id), articles in batches.
    Call inside a transaction. Returns (version, number of articles)."""
    adopted, promulgated_on, effective_from = version_dates(law, promulgated_on, effective_from)
    values = {
        "title": law.title[:255],
        "adopted_on": adopted,
        "promulgated_on": promulgated_on,
        "effective_from": effective_from,
        "history": "\n".join(law.history),
        "body": paragraphs_json(law.paragraphs, with_path=True),
        "appendix": paragraphs_json(law.appendix, with_path=True),
        **extra,
    }
    if version is None:
        version = await RegulationVersion.create(regulation=regulation, **values)
    else:
        await RegulationArticle.filter(version_id=version.id).delete()
        await RegulationHeading.filter(version_id=version.id).delete()
        version.update_from_dict({**values, "regulation_id": regulation.id})
        await version.save()

    # Headings and articles share one order: a heading comes before the first article after it.
    positions: list[int] = []
    article_positions: list[int] = []
    heading_at_article: list[int | None] = []  # index into law.headings of each article's heading
    position, h = 0, 0
    last_heading: int | None = None
    for index in range(len(law.articles) + 1):
        while h < len(law.headings) and law.headings[h].article_index <= index:
            positions.append(position)
            position += 1
            last_heading = h
            h += 1
        if index < len(law.articles):
            article_positions.append(position)
            heading_at_article.append(last_heading if law.articles[index].heading_path else None)
            position += 1

    parents: list[int | None] = []
    open_by_depth: dict[int, int] = {}
    for index, heading in enumerate(law.headings):
        parents.append(open_by_depth.get(heading.depth - 1) if heading.depth else None)
        open_by_depth[heading.depth] = index
    heading_ids: dict[int, int] = {}
    for depth in sorted({heading.depth for heading in law.headings}):
        batch = [
            RegulationHeading(
                version_id=version.id,
                parent_id=heading_ids.get(parents[i]) if parents[i] is not None else None,
                level=HeadingLevel(heading.level),
                label=heading.label[:32],
                title=heading.title[:255],
                depth=depth,
                position=positions[i],
            )
            for i, heading in enumerate(law.headings)
            if heading.depth == depth
        ]
        await RegulationHeading.bulk_create(batch, batch_size=_INSERT_BATCH)
        ids = dict(await RegulationHeading.filter(version_id=version.id, depth=depth).values_list("position", "id"))
        for i, heading in enumerate(law.headings):
            if heading.depth == depth:
                heading_ids[i] = ids[positions[i]]

    articles = [
        RegulationArticle(
            version_id=version.id,
            heading_id=heading_ids.get(heading_at_article[k]) if heading_at_article[k] is not None else None,
            number=article.number,
            suffix=article.suffix,
            label=article.label[:32],
            heading_path=article.heading_path,
            position=article_positions[k],
            paragraphs=paragraphs_json(article.paragraphs),
            text=article.plain_text(),
        )
        for k, article in enumerate(law.articles)
    ]
    await RegulationArticle.bulk_create(articles, batch_size=_INSERT_BATCH)
    return version, len(articles)


async def refresh_regulation(regulation: Regulation) -> list[RegulationVersion]:
    """Renumber the versions (`sequence`, oldest first) and take the regulation's title, issuing
    body and document number from its latest version. Returns the versions, oldest first."""
    versions = sort_versions(await RegulationVersion.filter(regulation_id=regulation.id))
    for sequence, version in enumerate(versions):
        if version.sequence != sequence:
            version.sequence = sequence
            await version.save(update_fields=["sequence"])
    if versions:
        latest = versions[-1]
        history = latest.history.splitlines()
        regulation.title = latest.title
        regulation.issuing_body = regulation.issuing_body or (issuing_body(history) or "")[:128]
        regulation.document_number = (document_number(history) or regulation.document_number)[:128]
        regulation.promulgated_day = day_number(latest.promulgated_on or max(
            (v.promulgated_on for v in versions if v.promulgated_on), default=None))
        await regulation.save(update_fields=["title", "issuing_body", "document_number", "promulgated_day",
                                             "updated_at"])
    return versions


def day_number(day: date | None) -> int:
    """20230313 for 2023-03-13, 0 for None: `Regulation.promulgated_day`."""
    return day.year * 10000 + day.month * 100 + day.day if day else 0


async def create_regulation_from_text(
    markdown: str,
    *,
    regulation: Regulation | None = None,
    short_title: str | None = None,
    level: RegulationLevel = RegulationLevel.OTHER,
    region: str | None = None,
    category: str = "",
    issuing_body: str | None = None,
    promulgated_on: date | None = None,
    effective_from: date | None = None,
    status: Status = Status.DRAFT,
) -> RegulationVersion:
    """Parse a text in the corpus format and store it as a new regulation, or as a new version of
    `regulation`. Raises LawTextError (a ValueError) for a malformed text; all or nothing."""
    law = parse_law(markdown)
    async with in_transaction():
        if regulation is None:
            short = short_title or short_title_of(law.title)
            regulation = await Regulation.create(
                slug=await unique_slug(short),
                title=law.title[:255],
                short_title=short[:255],
                level=level,
                issuing_body=(issuing_body or "")[:128],
                region=region,
                category=category,
                status=status,
                published_at=datetime.now(UTC) if status == Status.PUBLISHED else None,
            )
        version, _ = await write_version(regulation, law, promulgated_on=promulgated_on, effective_from=effective_from)
        await refresh_regulation(regulation)
    await version.fetch_related("regulation")
    return version


# --- batch loaders ------------------------------------------------------------------------------


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    ids = list(dict.fromkeys(ids))
    for start in range(0, len(ids), _IN_CHUNK):
        yield ids[start : start + _IN_CHUNK]


async def versions_by_regulation_ids(ids: Sequence[int]) -> dict[int, list[RegulationVersion]]:
    """Every version of each regulation, oldest first; every id is a key. One query per 500 ids."""
    out: dict[int, list[RegulationVersion]] = {i: [] for i in ids}
    for chunk in _chunks(ids):
        for version in await RegulationVersion.filter(regulation_id__in=chunk):
            out[version.regulation_id].append(version)
    return {i: sort_versions(vs) for i, vs in out.items()}


async def articles_by_version_ids(ids: Sequence[int]) -> dict[int, list[RegulationArticle]]:
    """The articles of each version in document order; every id is a key."""
    out: dict[int, list[RegulationArticle]] = {i: [] for i in ids}
    for chunk in _chunks(ids):
        for article in await RegulationArticle.filter(version_id__in=chunk).order_by("version_id", "position"):
            out[article.version_id].append(article)
    return out


async def headings_by_version_ids(ids: Sequence[int]) -> dict[int, list[RegulationHeading]]:
    """The headings of each version in document order; every id is a key."""
    out: dict[int, list[RegulationHeading]] = {i: [] for i in ids}
    for chunk in _chunks(ids):
        for heading in await RegulationHeading.filter(version_id__in=chunk).order_by("version_id", "position"):
            out[heading.version_id].append(heading)
    return out


async def statuses_by_regulation_ids(ids: Sequence[int], on: date) -> dict[int, RegulationStatus]:
    """The status of many regulations on one day, in two queries."""
    regulations = {r.id: r for chunk in _chunks(ids) for r in await Regulation.filter(id__in=chunk)}
    versions = await versions_by_regulation_ids(list(regulations))
    return {i: regulation_status(regulations[i], versions[i], on) for i in regulations}


@dataclass
class VersionWithArticles:
    """A version with its regulation, headings and articles, e.g. to build search documents."""

    version: RegulationVersion
    regulation: Regulation
    headings: list[RegulationHeading]
    articles: list[RegulationArticle]


async def versions_with_articles(version_ids: Sequence[int]) -> list[VersionWithArticles]:
    """Versions (in the order of `version_ids`, unknown ids left out) with everything needed to
    index or render them: four queries per 500 versions."""
    versions: dict[int, RegulationVersion] = {}
    for chunk in _chunks(version_ids):
        for version in await RegulationVersion.filter(id__in=chunk).prefetch_related("regulation"):
            versions[version.id] = version
    ids = list(versions)
    articles = await articles_by_version_ids(ids)
    headings = await headings_by_version_ids(ids)
    return [
        VersionWithArticles(versions[i], versions[i].regulation, headings[i], articles[i])
        for i in dict.fromkeys(version_ids)
        if i in versions
    ]


@dataclass
class RegulationRow:
    """A regulation with all its versions and the one that applies on the day asked (else the
    latest), with that version's articles."""

    regulation: Regulation
    versions: list[RegulationVersion]
    current: RegulationVersion | None
    status: RegulationStatus
    articles: list[RegulationArticle]


async def iter_regulation_rows(
    batch_size: int = 100, *, on: date | None = None, statuses: Sequence[Status] | None = (Status.PUBLISHED,)
) -> AsyncIterator[list[RegulationRow]]:
    """Walk all regulations (keyset by id) in batches of rows: three queries per batch.

    `statuses=None` walks every editorial status."""
    on = on or date.today()
    last_id = 0
    while True:
        query = Regulation.filter(id__gt=last_id)
        if statuses is not None:
            query = query.filter(status__in=list(statuses))
        regulations = await query.order_by("id").limit(batch_size)
        if not regulations:
            return
        last_id = regulations[-1].id
        versions = await versions_by_regulation_ids([r.id for r in regulations])
        current = {
            r.id: _version_in_force(r, versions[r.id], on) or (versions[r.id][-1] if versions[r.id] else None)
            for r in regulations
        }
        articles = await articles_by_version_ids([v.id for v in current.values() if v is not None])
        yield [
            RegulationRow(
                regulation=r,
                versions=versions[r.id],
                current=current[r.id],
                status=regulation_status(r, versions[r.id], on),
                articles=articles[current[r.id].id] if current[r.id] is not None else [],
            )
            for r in regulations
        ]
