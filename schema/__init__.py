"""The GraphQL surface: root Query, Mutation and Subscription composed from the feature slices."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from graphql import NoSchemaIntrospectionCustomRule
from strawberry.extensions import AddValidationRules, MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.schema.config import StrawberryConfig

from models import news
from schema.audit import AuditQuery
from schema.auth import AuthMutation
from schema.base import Info
from schema.extensions import MarkExecution, ShapeErrors
from schema.gazettes import GazetteMutation, GazetteQuery
from schema.law_edits import LawsMutation
from schema.laws import LawsQuery
from schema.media import MediaMutation, MediaQuery
from schema.news import Article, NewsMutation, NewsQuery
from schema.node import NodeQuery
from schema.scalars import SCALAR_OVERRIDES
from schema.search import SearchQuery
from schema.search_vocabulary import SearchVocabularyMutation, SearchVocabularyQuery
from schema.users import UserMutation, UserQuery


@strawberry.type(description="Everything the platform answers.")
class Query(NodeQuery, UserQuery, NewsQuery, LawsQuery, GazetteQuery, MediaQuery, SearchQuery, SearchVocabularyQuery,
            AuditQuery):
    pass


@strawberry.type(description="Everything that changes state. Each mutation takes one `input` and returns a "
                 "`<Mutation>Result` union of its object and FieldErrors.")
class Mutation(AuthMutation, UserMutation, NewsMutation, LawsMutation, GazetteMutation, MediaMutation,
               SearchVocabularyMutation):
    pass


@strawberry.type(description="Live updates over WebSocket (graphql-transport-ws).")
class Subscription:
    @strawberry.subscription(description="Articles as they are published (immediately or by the scheduler).")
    async def article_published(self, info: Info) -> AsyncGenerator[Article, None]:
        events = info.context.services.events
        async with events.subscribe(f"published:{news.Article.__name__}") as stream:
            async for article in stream:
                yield Article.from_model(article)


def build_schema(settings) -> strawberry.Schema:
    # Factories, so each request gets fresh extension instances.
    extensions = [
        lambda: ShapeErrors(production=settings.production),
        MarkExecution,
        lambda: QueryDepthLimiter(max_depth=settings.max_query_depth),
        lambda: MaxAliasesLimiter(max_alias_count=settings.max_aliases),
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
    ]
    if settings.production:
        extensions.append(lambda: AddValidationRules([NoSchemaIntrospectionCustomRule]))
    return strawberry.Schema(query=Query, mutation=Mutation, subscription=Subscription, extensions=extensions,
                             config=StrawberryConfig(auto_camel_case=True), scalar_overrides=SCALAR_OVERRIDES)


def print_sdl() -> str:
    from settings import Settings

    return build_schema(Settings()).as_str()
