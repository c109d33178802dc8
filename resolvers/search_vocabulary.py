"""The editors' search vocabulary: everyday words citizens type -> the legal terms they mean.

The built-in table (search/synonyms.txt) cannot know every word citizens use; the search
statistics show which questions found nothing, and editors add the missing words here. The
database holds the entries; every change rewrites the backend's copy in the same
transaction, so both change or neither does, and searches in every server process use it at
once, without a reindex. Start-up and `reindex` copy the table again (a new index directory).
"""

from __future__ import annotations

import re

from anyio import to_thread
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models.search import SearchSynonym
from resolvers.errors import BadRequest, Collector, Conflict, Invalid, NotFound
from resolvers.pagination import Page, paginate
from search.analyzer import normalize
from search.base import SearchError
from search.query import is_ignored

MAX_WORD = 20
MAX_TERMS = 10
MAX_NOTE = 200
_SPACE = re.compile(r"\s")


def _clean_word(errors: Collector, field: str, value: str | None, noun: str, minimum: int) -> str:
    """The word normalised, or "" when it is not acceptable (the problem is in `errors`)."""
    word = normalize((value or "").strip())
    if not word:
        errors.add(field, f"{noun}不能为空", "REQUIRED")
    elif _SPACE.search(word):
        errors.add(field, f"{noun}是一个词，不能含空格", "INVALID")
    elif not minimum <= len(word) <= MAX_WORD:
        errors.add(field, f"{noun}为{minimum}至{MAX_WORD}个字", "INVALID")
    else:
        return word
    return ""


def _checked(errors: Collector, word: str | None, terms: list[str] | None, note: str | None) -> tuple:
    """The entry's word (two characters at least: one character would match inside any
    longer word) and terms, normalised as searches are; problems go to `errors`."""
    clean_word = _clean_word(errors, "word", word, "词语", 2) if word is not None else None
    if clean_word and is_ignored(clean_word):
        errors.add("word", "搜索会忽略这个常用词，词条不会生效", "IGNORED_WORD")
        clean_word = ""
    clean_terms: list[str] | None = None
    if terms is not None:
        clean_terms = []
        if not terms:
            errors.add("terms", "至少填写一个法律用语", "REQUIRED")
        if len(terms) > MAX_TERMS:
            errors.add("terms", f"法律用语最多{MAX_TERMS}个", "INVALID")
        for i, term in enumerate(terms[:MAX_TERMS]):
            clean = _clean_word(errors, f"terms.{i}", term, "法律用语", 1)
            if clean and clean == clean_word:
                errors.add(f"terms.{i}", "法律用语不能与词语相同", "INVALID")
            elif clean and clean not in clean_terms:
                clean_terms.append(clean)
    if note is not None and len(note.strip()) > MAX_NOTE:
        errors.add("note", f"备注最多{MAX_NOTE}个字", "INVALID")
    return clean_word, clean_terms


async def list_synonyms(first: int | None, after: str | None, page: int | None, word: str | None = None) -> Page:
    query = SearchSynonym.all()
    if word:
        query = query.filter(word__contains=normalize(word.strip()))
    return await paginate(query, ["word"], first, after, page)


async def create_synonym(ctx, word: str, terms: list[str], note: str | None) -> SearchSynonym:
    errors = Collector()
    clean_word, clean_terms = _checked(errors, word, terms, note)
    await _check_free(errors, clean_word)
    errors.raise_if_any()
    entry = SearchSynonym(word=clean_word, terms=clean_terms, note=(note or "").strip(), created_by=ctx.user)
    await _save(ctx, entry)
    return entry


async def update_synonym(ctx, entry_id: int, word: str | None, terms: list[str] | None,
                         note: str | None) -> SearchSynonym:
    entry = await _get(entry_id)
    errors = Collector()
    clean_word, clean_terms = _checked(errors, word, terms, note)
    if clean_word != entry.word:
        await _check_free(errors, clean_word)
    errors.raise_if_any()
    if clean_word:
        entry.word = clean_word
    if clean_terms is not None:
        entry.terms = clean_terms
    if note is not None:
        entry.note = note.strip()
    await _save(ctx, entry)
    return entry


async def delete_synonym(ctx, entry_id: int) -> None:
    entry = await _get(entry_id)
    async with in_transaction():
        await entry.delete()
        await _publish(ctx)


_TAKEN = ("word", "该词语已在词表中，请修改已有词条", "TAKEN")


async def _check_free(errors: Collector, word: str | None) -> None:
    if word and await SearchSynonym.filter(word=word).exists():
        errors.add(*_TAKEN)


async def _save(ctx, entry: SearchSynonym) -> None:
    """Write the entry and the backend's copy together; a word another editor took meanwhile
    is TAKEN, not a database error."""
    try:
        async with in_transaction():
            await entry.save()
            await _publish(ctx)
    except IntegrityError:
        raise Invalid(*_TAKEN) from None


async def _get(entry_id: int) -> SearchSynonym:
    entry = await SearchSynonym.filter(id=entry_id).first()
    if entry is None:
        raise NotFound("词条不存在")
    return entry


async def vocabulary() -> dict[str, list[str]]:
    return {row.word: list(row.terms) for row in await SearchSynonym.all()}


async def publish_vocabulary(backend) -> int:
    """Copy the whole table to the search backend; returns the number of entries."""
    entries = await vocabulary()
    await to_thread.run_sync(backend.set_vocabulary, entries)
    return len(entries)


async def _publish(ctx) -> None:
    """Inside the change's transaction: if the backend cannot take the table, nothing changes."""
    backend = ctx.services.search
    if backend is None:
        raise BadRequest("搜索服务未启用")
    try:
        await publish_vocabulary(backend)
    except SearchError:
        raise Conflict(None, "搜索索引正在更新，请稍后重试", "SEARCH_BUSY") from None
