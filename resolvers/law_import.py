"""Import a folder of law texts in the corpus format (manifest.jsonl + Markdown files) as
published regulations.

- Idempotent: a text is recognised by its manifest id (else its path) and a hash of its file and
  manifest row; an unchanged text is counted and not touched, a changed one is rewritten.
- Versions of one law (same manifest title and region, files `title(YYYY-MM-DD).md`) become
  versions of one regulation.
- Dates: the manifest's `publish`, else the file name's date, else the last dated history line, is
  the promulgation date; `valid_from`, else the date the text states (本法自…起施行) when not
  earlier than the promulgation, is the effective date.
- A regulation whose latest text the manifest marks `expired` is repealed (date unknown).
- Each text is written in its own transaction; a text that cannot be read or parsed is skipped,
  reported by name with the reason, and leaves nothing behind.
- Texts that disappear from the manifest are left in the database (an import only adds).
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from tortoise.transactions import in_transaction

from models.base import Status
from models.laws import Regulation, RegulationLevel, RegulationVersion, level_from_label
from resolvers.laws import refresh_regulation, unique_slug, write_version
from resolvers.lawtext import LawTextError, issuing_body, parse_law

__all__ = ["ImportSummary", "LawImportError", "ManifestRow", "import_laws", "read_manifest"]

MANIFEST = "manifest.jsonl"
_FILE_DATE = re.compile(r"\((\d{4}-\d{2}-\d{2})\)\.md$")

Progress = Callable[[int, int, str], None]


class LawImportError(Exception):
    """The folder cannot be imported at all (no manifest)."""


@dataclass
class ImportSummary:
    """What one import did. `regulations`, `versions` and `articles` count rows written by this run."""

    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    regulations: int = 0
    versions: int = 0
    articles: int = 0
    seconds: float = 0.0
    # Regulations whose rows this run wrote: the search index must follow them.
    changed_regulation_ids: set[int] = field(default_factory=set)

    def render(self) -> str:
        lines = [
            f"imported {self.imported}, updated {self.updated}, unchanged {self.unchanged}, "
            f"skipped {len(self.skipped)} in {self.seconds:.1f}s",
            f"written: {self.regulations} regulations, {self.versions} versions, {self.articles} articles",
        ]
        lines += [f"  skipped {name}: {reason}" for name, reason in self.skipped]
        return "\n".join(lines)


@dataclass
class ManifestRow:
    """One line of manifest.jsonl."""

    id: str | None
    title: str
    path: str
    level: str | None = None
    category: str | None = None
    region: str | None = None
    publish: date | None = None
    valid_from: date | None = None
    expired: bool = False
    version: int | None = None
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def file_date(self) -> date | None:
        m = _FILE_DATE.search(self.path)
        return date.fromisoformat(m.group(1)) if m else None

    @property
    def promulgated_on(self) -> date | None:
        return self.publish or self.file_date

    @property
    def group(self) -> tuple[str, str]:
        return (self.region or "", self.title)


def _date(value: Any) -> date | None:
    if not value:
        return None
    return date.fromisoformat(str(value)[:10])


def read_manifest(root: Path) -> tuple[list[ManifestRow], list[tuple[str, str]]]:
    """The rows of `root/manifest.jsonl`, and the lines that could not be read (name, reason)."""
    manifest = root / MANIFEST
    if not manifest.is_file():
        raise LawImportError(f"no {MANIFEST} in {root}")
    rows: list[ManifestRow] = []
    bad: list[tuple[str, str]] = []
    for n, line in enumerate(manifest.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            if not raw.get("path") or not raw.get("title"):
                raise ValueError("no path or title")
            rows.append(
                ManifestRow(
                    id=raw.get("id") or None,
                    title=str(raw["title"]).strip(),
                    path=str(raw["path"]),
                    level=raw.get("level"),
                    category=raw.get("category"),
                    region=raw.get("region") or None,
                    publish=_date(raw.get("publish")),
                    valid_from=_date(raw.get("valid_from")),
                    expired=bool(raw.get("expired")),
                    version=raw.get("version"),
                    raw=raw,
                )
            )
        except (ValueError, TypeError) as exc:
            bad.append((f"{MANIFEST}:{n}", f"unreadable manifest line: {exc}"))
    return rows, bad


def _level(row: ManifestRow) -> RegulationLevel:
    # The source files decisions (关于…的决定) under 法律 or 地方性法规; readers look for them apart.
    if "关于" in row.title and row.title.endswith("决定"):
        return RegulationLevel.DECISION
    return level_from_label(row.level)


def _fingerprint(text: str, row: ManifestRow) -> str:
    """Hash of what a version is imported from: the file and the manifest fields used."""
    meta = {k: row.raw.get(k) for k in ("title", "level", "category", "region", "publish", "valid_from")}
    meta["expired"] = row.expired
    digest = hashlib.sha256(text.encode("utf-8"))
    digest.update(json.dumps(meta, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    return digest.hexdigest()


def _date_key(row: ManifestRow) -> tuple[date, str]:
    return (row.promulgated_on or date.min, row.path)


class _Progress:
    def __init__(self, progress: bool | Progress | None, total: int):
        self.callback = progress if callable(progress) else None
        self.bar = None
        self.total = total
        self.done = 0
        if progress is True:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="text", file=sys.stderr, desc="import-laws")

    def step(self, name: str) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.update(1)
        if self.callback is not None:
            self.callback(self.done, self.total, name)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


async def import_laws(path: Path | str, progress: bool | Progress | None = None) -> ImportSummary:
    """Import the texts listed in `path/manifest.jsonl` as PUBLISHED regulations.

    `progress=True` shows a tqdm bar on stderr; a callable is called as (done, total, name) after
    each text. Raises LawImportError when there is no manifest."""
    started = time.perf_counter()
    root = Path(path)
    rows, bad = read_manifest(root)
    summary = ImportSummary(skipped=list(bad))

    # What is already there, in a few queries.
    existing_by_id: dict[str, RegulationVersion] = {}
    existing_by_path: dict[str, RegulationVersion] = {}
    ids = [r.id for r in rows if r.id]
    for start in range(0, len(ids), 500):
        for v in await RegulationVersion.filter(source_id__in=ids[start : start + 500]):
            existing_by_id[v.source_id] = v
    for v in await RegulationVersion.filter(source_id__isnull=True, source_path__isnull=False):
        existing_by_path[v.source_path] = v
    regulations: dict[tuple[str, str], Regulation] = {
        (r.region or "", r.short_title): r for r in await Regulation.all().order_by("id")
    }
    slugs = set(await Regulation.all().values_list("slug", flat=True))

    groups: dict[tuple[str, str], list[ManifestRow]] = {}
    for row in rows:
        groups.setdefault(row.group, []).append(row)
    bar = _Progress(progress, len(rows))
    try:
        for key, group in groups.items():
            for row in sorted(group, key=_date_key):
                await _import_one(root, row, key, regulations, slugs, existing_by_id, existing_by_path, summary)
                bar.step(row.path)
    finally:
        bar.close()
    summary.seconds = time.perf_counter() - started
    return summary


async def _import_one(
    root: Path,
    row: ManifestRow,
    key: tuple[str, str],
    regulations: dict[tuple[str, str], Regulation],
    slugs: set[str],
    existing_by_id: dict[str, RegulationVersion],
    existing_by_path: dict[str, RegulationVersion],
    summary: ImportSummary,
) -> None:
    file = root / row.path
    try:
        text = file.read_text("utf-8")
    except FileNotFoundError:
        summary.skipped.append((row.path, "file missing"))
        return
    except (OSError, UnicodeDecodeError) as exc:
        summary.skipped.append((row.path, f"unreadable: {exc}"))
        return
    fingerprint = _fingerprint(text, row)
    existing = existing_by_id.get(row.id) if row.id else existing_by_path.get(row.path)
    if existing is not None and existing.content_hash == fingerprint:
        summary.unchanged += 1
        return
    try:
        law = parse_law(text)
    except LawTextError as exc:
        summary.skipped.append((row.path, f"malformed: {exc.message}"))
        return

    created_regulation = False
    regulation = regulations.get(key)
    try:
        async with in_transaction():
            if regulation is None:
                regulation = await Regulation.create(
                    slug=await unique_slug(row.title, slugs),
                    title=law.title[:255],
                    short_title=row.title[:255],
                    level=_level(row),
                    issuing_body=(issuing_body(law.history) or "")[:128],
                    region=row.region,
                    category=(row.category or "")[:64],
                    status=Status.PUBLISHED,
                    published_at=datetime.now(UTC),
                )
                created_regulation = True
            version, count = await write_version(
                regulation,
                law,
                version=existing,
                promulgated_on=row.promulgated_on,
                effective_from=row.valid_from,
                source_id=row.id,
                source_path=row.path,
                content_hash=fingerprint,
                expired=row.expired,
            )
            versions = await refresh_regulation(regulation)
            # Repealed when the latest text is marked superseded and no later text exists.
            repealed = bool(versions) and versions[-1].expired
            if regulation.repealed != repealed:
                regulation.repealed = repealed
                await regulation.save(update_fields=["repealed", "updated_at"])
            if existing is not None and existing.regulation_id != regulation.id:
                # The manifest moved the text to another title: tidy up the regulation it left.
                old = await Regulation.get(id=existing.regulation_id)
                if not await refresh_regulation(old):
                    await old.delete()
                    regulations.pop((old.region or "", old.short_title), None)
                else:
                    summary.changed_regulation_ids.add(old.id)
    except Exception as exc:  # any failure skips this text: the transaction rolled back
        if created_regulation and regulation is not None:
            slugs.discard(regulation.slug)
        summary.skipped.append((row.path, f"not stored: {type(exc).__name__}: {exc}"))
        return
    regulations[key] = regulation
    summary.changed_regulation_ids.add(regulation.id)
    if row.id:
        existing_by_id[row.id] = version
    else:
        existing_by_path[row.path] = version
    summary.regulations += int(created_regulation)
    summary.versions += 1
    summary.articles += count
    if existing is None:
        summary.imported += 1
    else:
        summary.updated += 1
