"""GraphQL over HTTP, per the GraphQL-over-HTTP spec.

POST JSON (and GET for queries only); `application/graphql-response+json` by default with its
status codes (400 and no `data` for request errors), `application/json` for clients that ask
for it; a mutation over GET is answered 405 and never run; array batching is refused.
WebSocket subscriptions (graphql-transport-ws) and GraphiQL go to strawberry's ASGI app.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from graphql import GraphQLError, OperationType, parse
from graphql.error import GraphQLSyntaxError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.types.graphql import OperationType as StrawberryOperationType

log = logging.getLogger("renda.http")

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
MAX_BODY = 1_000_000


class RequestError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def negotiate(accept: str | None) -> str | None:
    """The response media type for an Accept header; None when we can serve none it allows."""
    if not accept:
        return GRAPHQL_RESPONSE
    best, best_q = None, -1.0
    for part in accept.split(","):
        media, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for p in params:
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        for candidate, match in ((GRAPHQL_RESPONSE, (GRAPHQL_RESPONSE,)), (JSON, (JSON,)),
                                 (GRAPHQL_RESPONSE, ("*/*", "application/*"))):
            if media.lower() in match and q > best_q and q > 0:
                best, best_q = candidate, q
    return best


def dumps(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _json_param(value: str | None, name: str) -> dict | None:
    if value is None or value == "":
        return None
    try:
        parsed = json.loads(value)
    except ValueError:
        raise RequestError(400, f"`{name}` is not valid JSON") from None
    if parsed is not None and not isinstance(parsed, dict):
        raise RequestError(400, f"`{name}` must be a JSON object")
    return parsed


async def read_params(request: Request) -> dict[str, Any]:
    if request.method == "GET":
        q = request.query_params
        return {"query": q.get("query"), "variables": _json_param(q.get("variables"), "variables"),
                "operationName": q.get("operationName"),
                "extensions": _json_param(q.get("extensions"), "extensions")}
    content_type = request.headers.get("content-type", "")
    media = content_type.split(";")[0].strip().lower()
    if not media:
        raise RequestError(415, "Content-Type is required: application/json")
    if media != JSON:
        raise RequestError(415, f"Unsupported Content-Type {media}: use application/json")
    body = await request.body()
    if len(body) > MAX_BODY:
        raise RequestError(413, "Request body too large")
    if not body:
        raise RequestError(400, "Request body is required")
    try:
        data = json.loads(body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise RequestError(400, "Request body is not valid JSON") from None
    if isinstance(data, list):
        raise RequestError(400, "Batched requests are not supported: send one operation per request")
    if not isinstance(data, dict):
        raise RequestError(400, "Request body must be a JSON object")
    return data


def check_params(params: dict[str, Any]) -> None:
    query = params.get("query")
    if not isinstance(query, str) or not query.strip():
        raise RequestError(400, "`query` must be a non-empty string")
    for name in ("variables", "extensions"):
        if params.get(name) is not None and not isinstance(params[name], dict):
            raise RequestError(400, f"`{name}` must be an object")
    if params.get("operationName") is not None and not isinstance(params["operationName"], str):
        raise RequestError(400, "`operationName` must be a string")


def operation_type(query: str, operation_name: str | None) -> OperationType | None:
    """The type of the operation a GET would run, to refuse mutations before running anything."""
    try:
        document = parse(query)
    except GraphQLSyntaxError:
        return None  # reported as a request error by the executor
    operations = [d for d in document.definitions if hasattr(d, "operation")]
    if operation_name:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    return operations[0].operation if len(operations) == 1 else None


class GraphQLHTTP:
    """The ASGI app mounted at /graphql."""

    def __init__(self, schema, context_for: Callable[[Any], Awaitable[Any]], *, graphiql: bool,
                 strawberry_app: GraphQL) -> None:
        self.schema = schema
        self.context_for = context_for
        self.graphiql = graphiql
        self.strawberry_app = strawberry_app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self.strawberry_app(scope, receive, send)
            return
        request = Request(scope, receive)
        if (self.graphiql and request.method == "GET" and "query" not in request.query_params
                and "text/html" in request.headers.get("accept", "")):
            await self.strawberry_app(scope, receive, send)
            return
        response = await self.handle(request)
        await response(scope, receive, send)

    async def handle(self, request: Request) -> Response:
        media = negotiate(request.headers.get("accept"))
        try:
            if request.method not in ("GET", "POST"):
                raise RequestError(405, "Use GET for queries or POST", {"Allow": "GET, POST"})
            if media is None:
                raise RequestError(406, "Acceptable: application/graphql-response+json, application/json")
            params = await read_params(request)
            check_params(params)
            allowed = {StrawberryOperationType.QUERY, StrawberryOperationType.MUTATION,
                       StrawberryOperationType.SUBSCRIPTION}
            if request.method == "GET":
                if operation_type(params["query"], params.get("operationName")) in (
                        OperationType.MUTATION, OperationType.SUBSCRIPTION):
                    raise RequestError(405, "Mutations are only allowed over POST", {"Allow": "POST"})
                allowed = {StrawberryOperationType.QUERY}
        except RequestError as error:
            return self.error_response(error, media or GRAPHQL_RESPONSE)
        context = await self.context_for(request)
        try:
            result = await self.schema.execute(
                params["query"], variable_values=params.get("variables"), context_value=context,
                operation_name=params.get("operationName"), allowed_operation_types=allowed,
            )
        except Exception as error:  # strawberry raises for a missing or ambiguous operation
            log.info("request refused before execution: %s", error)
            return self.error_response(RequestError(400, str(error) or "Bad request"), media)
        body: dict[str, Any] = {}
        if result.errors:
            body["errors"] = [e.formatted for e in result.errors]
        started = getattr(context, "execution_started", True)
        if started:
            body["data"] = result.data
        if result.extensions:
            body["extensions"] = result.extensions
        status = 200
        if not started and media == GRAPHQL_RESPONSE:
            status = 400  # a request error: the document did not parse or validate
        response = Response(dumps(body), status_code=status, media_type=f"{media}; charset=utf-8")
        for key, value in (getattr(context.response, "headers", None) or {}).items():
            response.headers[key] = value
        return response

    @staticmethod
    def error_response(error: RequestError, media: str) -> Response:
        body = {"errors": [GraphQLError(error.message, extensions={"code": "BAD_REQUEST"}).formatted]}
        return Response(dumps(body), status_code=error.status, media_type=f"{media}; charset=utf-8",
                        headers=error.headers)


def client_address(request, trusted_proxies: tuple[str, ...]) -> str:
    """The client's address; forwarded headers count only when the direct peer is a trusted proxy."""
    peer = request.client.host if request.client else ""
    if peer not in trusted_proxies:
        return peer
    forwarded = [a.strip() for a in request.headers.get("x-forwarded-for", "").split(",") if a.strip()]
    # Walk from the nearest hop back; the first address that is not one of our proxies is the client.
    for address in reversed(forwarded):
        if address not in trusted_proxies:
            return address
    return peer
