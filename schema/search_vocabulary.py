"""What staff see of citizens' searches and the vocabulary they teach the search."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry

from models import search as m
from resolvers import search_stats as stats_ops
from resolvers import search_vocabulary as ops
from resolvers.permissions import Action, can
from schema.base import (
    After,
    Connection,
    First,
    Info,
    Node,
    PageNumber,
    pk_of,
    register_node,
    result_union,
    to_global_id,
)
from schema.news import Deleted
from schema.permissions import guard, restricted


@strawberry.type(description="An entry of the editors' search vocabulary (搜索词表): a word citizens type and the "
                 "legal terms a search for it also finds, e.g. 电瓶车 -> 电动自行车. Staff only.")
class SearchSynonym(Node):
    word: str = strawberry.field(description="The everyday word, as searches read it (simplified, lower case).")
    terms: list[str] = strawberry.field(description="The legal terms it also finds; they rank a little below the "
                                        "word itself.")
    note: str = strawberry.field(description="Why the entry exists, e.g. the question that found nothing.")
    created_at: datetime = strawberry.field(description="When the entry was added.")
    updated_at: datetime = strawberry.field(description="When it last changed.")

    @classmethod
    def from_model(cls, row: m.SearchSynonym) -> SearchSynonym:
        return cls(id=to_global_id("SearchSynonym", row.id), word=row.word, terms=list(row.terms), note=row.note,
                   created_at=row.created_at, updated_at=row.updated_at)


@strawberry.type(description="How often a query was searched in a period and how often it found nothing "
                 "(words only: who searched is never recorded).")
class SearchQueryStat:
    query: str = strawberry.field(description="The query as searches read it (simplified, lower case).")
    searches: int = strawberry.field(description="How many times it was searched (first pages only).")
    empty_searches: int = strawberry.field(description="How many of those found nothing.")
    last_searched_on: date = strawberry.field(description="The last day in the period it was searched.")

    @classmethod
    def from_stat(cls, stat: stats_ops.QueryStat) -> SearchQueryStat:
        return cls(query=stat.query, searches=stat.searches, empty_searches=stat.empty,
                   last_searched_on=stat.last_day)


async def _fetch_synonyms(info: Info, ids: list[int]) -> dict:
    if not can(info.context.user, Action.SEARCH_STATS_READ):
        return {}
    return {row.id: row for row in await m.SearchSynonym.filter(id__in=ids)}


register_node("SearchSynonym", _fetch_synonyms, SearchSynonym.from_model)


@strawberry.type
class SearchVocabularyQuery:
    @strawberry.field(description="The editors' search vocabulary by word (newsroom and office staff).",
                      extensions=restricted(Action.SEARCH_STATS_READ))
    async def search_synonyms(
        self, info: Info,
        word: Annotated[str | None, strawberry.argument(description="Only entries whose word contains this.")] = None,
        first: First = None, after: After = None, page: PageNumber = None,
    ) -> Connection[SearchSynonym]:
        return Connection.from_page(await ops.list_synonyms(first, after, page, word), SearchSynonym.from_model)

    @strawberry.field(description="What citizens searched for in a period, most searched first; with "
                      "`emptyOnly`, the queries that found nothing, most often first: the words the search "
                      "vocabulary lacks (newsroom and office staff).",
                      extensions=restricted(Action.SEARCH_STATS_READ))
    async def search_query_stats(
        self, info: Info,
        since: Annotated[date | None, strawberry.argument(
            description="First day (default: 29 days before `until`).")] = None,
        until: Annotated[date | None, strawberry.argument(description="Last day (default: today).")] = None,
        empty_only: Annotated[bool, strawberry.argument(
            description="Only queries that found nothing at least once.")] = False,
        first: First = None, after: After = None,
    ) -> Connection[SearchQueryStat]:
        found = await stats_ops.query_stats(since, until, empty_only, first, after)
        return Connection.from_page(found, SearchQueryStat.from_stat)


@strawberry.input(description="A new vocabulary entry.")
class SearchSynonymCreateInput:
    word: str = strawberry.field(description="The everyday word, 2 to 20 characters, no spaces (e.g. 电瓶车).")
    terms: list[str] = strawberry.field(description="1 to 10 legal terms it should also find (e.g. 电动自行车).")
    note: str | None = strawberry.field(default=None, description="Why, up to 200 characters.")


@strawberry.input(description="Changes to a vocabulary entry; omitted fields stay as they are.")
class SearchSynonymUpdateInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the entry.")
    word: str | None = strawberry.field(default=None, description="The everyday word.")
    terms: list[str] | None = strawberry.field(default=None, description="The legal terms, replacing the old ones.")
    note: str | None = strawberry.field(default=None, description="Why.")


@strawberry.input(description="A vocabulary entry to delete.")
class SearchSynonymDeleteInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the entry.")


SearchSynonymCreateResult = result_union("SearchSynonymCreateResult", SearchSynonym)
SearchSynonymUpdateResult = result_union("SearchSynonymUpdateResult", SearchSynonym)
SearchSynonymDeleteResult = result_union("SearchSynonymDeleteResult", Deleted)


@strawberry.type
class SearchVocabularyMutation:
    @strawberry.mutation(description="Add a word to the search vocabulary; searches use it at once, no reindex. "
                         "Refused with FieldErrors: a word already in the vocabulary (TAKEN: change that entry "
                         "instead), a word searches ignore (IGNORED_WORD), bad lengths (REQUIRED, INVALID), or "
                         "while the index is being rebuilt (SEARCH_BUSY).",
                         extensions=guard(Action.SEARCH_VOCABULARY_EDIT))
    async def search_synonym_create(self, info: Info, input: Annotated[SearchSynonymCreateInput, strawberry.argument(
            description="The word and its legal terms.")]) -> SearchSynonymCreateResult:
        entry = await ops.create_synonym(info.context, input.word, input.terms, input.note)
        return SearchSynonym.from_model(entry)

    @strawberry.mutation(description="Change a vocabulary entry; searches use the change at once.",
                         extensions=guard(Action.SEARCH_VOCABULARY_EDIT))
    async def search_synonym_update(self, info: Info, input: Annotated[SearchSynonymUpdateInput, strawberry.argument(
            description="The entry and what changes.")]) -> SearchSynonymUpdateResult:
        entry = await ops.update_synonym(info.context, pk_of(input.id, "SearchSynonym"), input.word, input.terms,
                                         input.note)
        return SearchSynonym.from_model(entry)

    @strawberry.mutation(description="Delete a vocabulary entry; searches stop using it at once.",
                         extensions=guard(Action.SEARCH_VOCABULARY_EDIT))
    async def search_synonym_delete(self, info: Info, input: Annotated[SearchSynonymDeleteInput, strawberry.argument(
            description="The entry to delete.")]) -> SearchSynonymDeleteResult:
        await ops.delete_synonym(info.context, pk_of(input.id, "SearchSynonym"))
        return Deleted(id=input.id)
