"""Schema extensions: how errors reach clients, and the limits on what a query may ask."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

from graphql.error import GraphQLError
from strawberry.extensions import SchemaExtension

from resolvers.errors import DomainError

log = logging.getLogger("renda.graphql")
_SUGGESTION = re.compile(r" ?Did you mean .*\?$")


class ShapeErrors(SchemaExtension):
    """Domain errors carry their code; anything unexpected is logged and masked.

    Clients never see stack traces or internals: an unexpected exception becomes
    "Internal server error" with code INTERNAL_SERVER_ERROR. In production,
    validation messages lose their field suggestions ("Did you mean ...?").
    """

    def __init__(self, *, production: bool = False) -> None:
        self.production = production

    def _shape(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if isinstance(original, DomainError):
            return GraphQLError(original.message, nodes=error.nodes, path=error.path,
                                extensions={"code": original.code})
        if original is not None and not isinstance(original, GraphQLError):
            log.error("unexpected error at %s", error.path, exc_info=original)
            return GraphQLError("Internal server error", nodes=error.nodes, path=error.path,
                                extensions={"code": "INTERNAL_SERVER_ERROR"})
        if self.production and _SUGGESTION.search(error.message):
            return GraphQLError(_SUGGESTION.sub("", error.message), nodes=error.nodes, path=error.path,
                                extensions=error.extensions)
        return error

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and getattr(result, "errors", None):
            result.errors = [self._shape(e) for e in result.errors]


class ExpectedErrorsFilter(logging.Filter):
    """For strawberry's "strawberry.execution" logger, which logs every GraphQL error at ERROR with
    a stack: keeps unexpected exceptions, drops what clients are told anyway (syntax and validation
    errors, domain errors such as FORBIDDEN), so app.log shows what needs a developer."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.msg
        if not isinstance(error, GraphQLError):
            return True
        original = error.original_error
        return original is not None and not isinstance(original, GraphQLError | DomainError)


class MarkExecution(SchemaExtension):
    """Notes on the context that execution began: before it, errors are request errors (HTTP 400)."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        if hasattr(context, "execution_started"):
            context.execution_started = True
        yield
