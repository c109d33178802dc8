"""GraphQL over HTTP, per the GraphQL-over-HTTP spec (checked by the `graphql-http` audit suite).

POST JSON, and GET for queries only. The response type follows `Accept`:
`application/graphql-response+json` when the client asks for it, `application/json` otherwise
(also for `*/*` and a missing header). Three kinds of failure:

- an HTTP request error (bad method, media type, body or parameters) is refused before any
  GraphQL work with its own status (400, 405, 406, 413, 415), whatever the media type;
- a GraphQL request error (the document does not parse or validate, the operation cannot be
  chosen, the variables do not coerce) has no `data`; it is 400 as graphql-response+json and
  200 as application/json, as the spec asks;
- field errors during execution come with `data` and status 200.

A mutation over GET is answered 405 and never run; subscriptions are served over WebSocket only;
array batching is refused. WebSocket connections go to strawberry's ASGI app (graphql-transport-ws).

File uploads follow the GraphQL multipart request spec (`multipart/form-data` with `operations`,
`map` and file parts), on a path of their own (see "multipart uploads" below).
"""

from __future__ import annotations

import functools
import ipaddress
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError, OperationDefinitionNode, OperationType, parse
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.http.ides import get_graphql_ide_html
from strawberry.types.graphql import OperationType as StrawberryOperationType

log = logging.getLogger("renda.http")

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
MAX_BODY = 1_000_000


class RequestError(Exception):
    """An HTTP request error: refused with `status` before any GraphQL work."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


class GraphQLRequestError(Exception):
    """A GraphQL request error: the document cannot run as asked. Answered without `data`."""

    def __init__(self, errors: list[GraphQLError]):
        super().__init__(errors[0].message)
        self.errors = errors


# ---- content negotiation ---------------------------------------------------------------------------

def _accept_ranges(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for part in accept.split(","):
        media, *params = [p.strip() for p in part.split(";")]
        if not media:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranges.append((media.lower(), q))
    return ranges


def negotiate(accept: str | None) -> str | None:
    """The response media type for an Accept header; None when we can serve none it allows.

    An explicit type beats a wildcard at equal quality, graphql-response+json beats json;
    a wildcard (and a missing header) means application/json, as the spec asks until its
    "watershed" date.
    """
    if accept is None or not accept.strip():
        return JSON
    ranges = _accept_ranges(accept)
    refused = {media for media, q in ranges if q <= 0}
    best, best_key = None, (0.0, 0)
    for media, q in ranges:
        if q <= 0:
            continue
        if media == GRAPHQL_RESPONSE:
            candidate, rank = GRAPHQL_RESPONSE, 3
        elif media == JSON:
            candidate, rank = JSON, 2
        elif media in ("*/*", "application/*"):
            candidate = next((m for m in (JSON, GRAPHQL_RESPONSE) if m not in refused), None)
            rank = 1
        else:
            continue
        if candidate and (q, rank) > best_key:
            best, best_key = candidate, (q, rank)
    return best


def prefers_html(accept: str | None) -> bool:
    """Whether a GET comes from a browser page load: text/html asked for above any JSON type."""
    if not accept:
        return False
    ranges = dict(_accept_ranges(accept))
    html = ranges.get("text/html", 0.0)
    return html > 0 and html >= max(ranges.get(GRAPHQL_RESPONSE, 0.0), ranges.get(JSON, 0.0))


def dumps(data: Any) -> bytes:
    """UTF-8 JSON with non-ASCII characters as they are (编辑, not \\u7f16)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# ---- request parameters ------------------------------------------------------------------------------

def _json_param(value: str | None, name: str) -> Any:
    if value is None or value == "":
        return None
    try:
        return json.loads(value)
    except (ValueError, RecursionError):
        raise RequestError(400, f"`{name}` is not valid JSON") from None


async def _read_body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY:
        raise RequestError(413, f"Request body larger than {MAX_BODY} bytes")
    chunks, size = [], 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY:
                raise RequestError(413, f"Request body larger than {MAX_BODY} bytes")
            chunks.append(chunk)
    except ClientDisconnect:
        raise RequestError(400, "The client disconnected before sending the whole body") from None
    return b"".join(chunks)


async def read_params(request: Request) -> dict[str, Any]:
    """The GraphQL request parameters of a GET (query string) or POST (JSON body)."""
    if request.method == "GET":
        q = request.query_params
        return {"query": q.get("query"), "variables": _json_param(q.get("variables"), "variables"),
                "operationName": q.get("operationName"),
                "extensions": _json_param(q.get("extensions"), "extensions")}
    content_type = request.headers.get("content-type", "")
    media, *params = [p.strip() for p in content_type.split(";")]
    media = media.lower()
    if not media:
        raise RequestError(415, "Content-Type is required: application/json")
    if media != JSON:
        raise RequestError(415, f"Unsupported Content-Type {media}: send application/json")
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in ("utf-8", "utf8"):
            raise RequestError(415, "Request bodies must be UTF-8 encoded (charset=utf-8)")
    body = await _read_body(request)
    if not body.strip():
        raise RequestError(400, "Request body is required: a JSON object with `query`")
    try:
        data = json.loads(body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise RequestError(400, "Request body is not valid UTF-8 JSON") from None
    if isinstance(data, list):
        raise RequestError(400, "Batched requests are not supported: send one operation per request")
    if not isinstance(data, dict):
        raise RequestError(400, "Request body must be a JSON object")
    return data


def check_params(params: dict[str, Any]) -> None:
    query = params.get("query")
    if query is None:
        raise RequestError(400, "`query` is required")
    if not isinstance(query, str):
        raise RequestError(400, "`query` must be a string")
    if not query.strip():
        raise RequestError(400, "`query` must not be empty")
    for name in ("variables", "extensions"):
        if params.get(name) is not None and not isinstance(params[name], dict):
            raise RequestError(400, f"`{name}` must be an object")
    if params.get("operationName") is not None and not isinstance(params["operationName"], str):
        raise RequestError(400, "`operationName` must be a string")


# ---- multipart uploads (https://github.com/jaydenseric/graphql-multipart-request-spec) --------------------
#
# A multipart/form-data POST is a "simple" request that any web page may send cross-origin with the
# user's cookies or stored credentials, so it is accepted only (1) with a non-empty preflight header,
# which a browser sends cross-origin only after a CORS preflight the origin must pass, and (2) from an
# authenticated user allowed to upload, checked before a byte of the body is read. The body is
# limited while it streams; files are spooled to temporary files and closed after the request.

PREFLIGHT_HEADERS = ("graphql-preflight", "apollo-require-preflight", "x-apollo-operation-name")
MAX_UPLOAD_FILES = 10


@dataclass(frozen=True)
class UploadPolicy:
    """Who may send multipart uploads and how large a request may be."""

    max_bytes: int
    may_upload: Callable[[Any], bool]  # given the request's context


def is_multipart(request: Request) -> bool:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return request.method == "POST" and media == "multipart/form-data"


async def read_multipart(request: Request, context: Any, policy: UploadPolicy) -> tuple[dict[str, Any], FormData]:
    """The GraphQL parameters of a multipart request, files in place of their `map`ped variables."""
    if not any(request.headers.get(name, "").strip() for name in PREFLIGHT_HEADERS):
        raise RequestError(400, "Multipart requests need a non-empty GraphQL-Preflight header (CSRF protection)")
    if getattr(context, "user", None) is None:
        raise RequestError(401, "Log in to upload files", {"WWW-Authenticate": "Bearer"})
    if not policy.may_upload(context):
        raise RequestError(403, "You may not upload files")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > policy.max_bytes:
        raise RequestError(413, f"Request body larger than {policy.max_bytes} bytes")
    received, too_large = 0, False

    async def limited_receive():
        nonlocal received, too_large
        message = await request.receive()
        received += len(message.get("body", b""))
        if received > policy.max_bytes:
            too_large = True
            raise MultiPartException("body too large")  # starlette closes the files spooled so far
        return message

    try:
        form = await Request(request.scope, limited_receive).form(
            max_files=MAX_UPLOAD_FILES, max_fields=MAX_UPLOAD_FILES + 2, max_part_size=MAX_BODY)
    except (MultiPartException, HTTPException) as error:
        if too_large:
            raise RequestError(413, f"Request body larger than {policy.max_bytes} bytes") from None
        raise RequestError(400, f"Malformed multipart body: {getattr(error, 'detail', None) or error}") from None
    except ClientDisconnect:
        raise RequestError(400, "The client disconnected before sending the whole body") from None
    try:
        return _operations_with_files(form), form
    except RequestError:
        await form.close()
        raise


def _operations_with_files(form: FormData) -> dict[str, Any]:
    operations, mapping = form.get("operations"), form.get("map")
    if not isinstance(operations, str) or not isinstance(mapping, str):
        raise RequestError(400, "A multipart request needs `operations` and `map` fields before the files")
    params, paths_of = _json_param(operations, "operations"), _json_param(mapping, "map")
    if isinstance(params, list):
        raise RequestError(400, "Batched requests are not supported: send one operation per request")
    if not isinstance(params, dict) or not isinstance(paths_of, dict):
        raise RequestError(400, "`operations` and `map` must be JSON objects")
    for name, paths in paths_of.items():
        file = form.get(name)
        if not isinstance(file, UploadFile):
            raise RequestError(400, f"`map` names a file `{name}` the request does not carry")
        if not isinstance(paths, list) or not paths:
            raise RequestError(400, f"`map` must give a list of paths for `{name}`")
        for path in paths:
            _place(params, path, file)
    return params


def _place(params: dict[str, Any], path: Any, file: UploadFile) -> None:
    """Put the file where `path` (e.g. `variables.input.file`, `variables.files.0`) says; the spec
    wants a null there, and only variables may hold files."""
    parts = path.split(".") if isinstance(path, str) else []
    if len(parts) < 2 or parts[0] != "variables":
        raise RequestError(400, f"`map` path {path!r} must point into `variables`")
    node: Any = params
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if isinstance(node, dict) and part in node:
            if last:
                if node[part] is not None:
                    raise RequestError(400, f"`map` path {path!r} must point at a null")
                node[part] = file
            else:
                node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            if last:
                if node[int(part)] is not None:
                    raise RequestError(400, f"`map` path {path!r} must point at a null")
                node[int(part)] = file
            else:
                node = node[int(part)]
        else:
            raise RequestError(400, f"`map` path {path!r} does not exist in `operations`")


def select_operation(query: str, operation_name: str | None, max_tokens: int | None) -> OperationDefinitionNode:
    """The operation a request would run, found before running anything (to refuse mutations over
    GET and to report an ambiguous or unknown operation name, which graphql-core would not)."""
    try:
        document = parse(query, max_tokens=max_tokens)
    except GraphQLError as error:
        raise GraphQLRequestError([error]) from None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
        if not operations:
            raise GraphQLRequestError([GraphQLError(f"Unknown operation named '{operation_name}'.")])
    if not operations:
        raise GraphQLRequestError([GraphQLError("The document contains no operation.")])
    if len(operations) > 1:
        raise GraphQLRequestError([GraphQLError(
            "Must provide operation name if query contains multiple operations.")])
    return operations[0]


# ---- the endpoint ------------------------------------------------------------------------------------

class GraphQLHTTP:
    """The ASGI app mounted at /graphql (HTTP and WebSocket)."""

    def __init__(self, schema, context_for: Callable[[Any], Awaitable[Any]], *, graphiql: bool,
                 websocket_app: ASGIApp, max_tokens: int | None = None, uploads: UploadPolicy | None = None) -> None:
        self.schema = schema
        self.context_for = context_for
        self.graphiql = graphiql
        self.websocket_app = websocket_app
        self.max_tokens = max_tokens
        self.uploads = uploads  # None: multipart requests are refused like any other media type

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self.websocket_app(scope, receive, send)
            return
        request = Request(scope, receive)
        if self.graphiql and request.method == "GET" and prefers_html(request.headers.get("accept")):
            # GraphiQL reads `?query=` itself, so a shared link opens in the editor.
            response: Response = HTMLResponse(get_graphql_ide_html("graphiql"))
        else:
            response = await self.handle(request)
        await response(scope, receive, send)

    async def handle(self, request: Request) -> Response:
        forms: list[FormData] = []  # the uploaded files of a multipart request, closed once answered
        try:
            return await self._handle(request, forms.append)
        finally:
            for form in forms:
                await form.close()

    async def _handle(self, request: Request, keep_form: Callable[[FormData], Any]) -> Response:
        media = negotiate(request.headers.get("accept"))
        context = None
        try:
            if request.method not in ("GET", "POST"):
                raise RequestError(405, "Use POST, or GET for queries", {"Allow": "GET, POST"})
            if media is None:
                raise RequestError(406, f"Acceptable response types: {GRAPHQL_RESPONSE}, {JSON}")
            if self.uploads is not None and is_multipart(request):
                # Authenticated first: who may upload is known before the body is read.
                context = await self.context_for(request)
                params, form = await read_multipart(request, context, self.uploads)
                keep_form(form)
            else:
                params = await read_params(request)
            check_params(params)
            operation = select_operation(params["query"], params.get("operationName"), self.max_tokens)
            if operation.operation == OperationType.SUBSCRIPTION:
                raise GraphQLRequestError([GraphQLError(
                    "Subscriptions are served over WebSocket (graphql-transport-ws) at this address")])
            if request.method == "GET" and operation.operation == OperationType.MUTATION:
                raise RequestError(405, "Mutations are only allowed over POST", {"Allow": "POST"})
        except RequestError as error:
            return self.request_error(error, media or JSON)
        except GraphQLRequestError as error:
            return self.respond({"errors": _coded(error.errors)}, 400 if media == GRAPHQL_RESPONSE else 200, media)

        allowed = {StrawberryOperationType.QUERY}
        if request.method == "POST":
            allowed.add(StrawberryOperationType.MUTATION)
        context = context or await self.context_for(request)
        try:
            result = await self.schema.execute(
                params["query"], variable_values=params.get("variables"), context_value=context,
                operation_name=params.get("operationName"), allowed_operation_types=allowed,
                operation_extensions=params.get("extensions"),
            )
        except Exception as error:  # strawberry raises for what select_operation already refused
            log.warning("request refused before execution: %r", error)
            return self.request_error(RequestError(400, "The operation cannot be run"), media)

        errors = result.errors or []
        # Errors raised during execution carry a path; errors without one and without data were
        # raised before execution began (validation, variable coercion): a GraphQL request error.
        before_execution = not getattr(context, "execution_started", True) or (
            result.data is None and bool(errors) and all(e.path is None for e in errors))
        body: dict[str, Any] = {}
        if errors:
            body["errors"] = _coded(errors) if before_execution else [e.formatted for e in errors]
        if not before_execution:
            body["data"] = result.data
        if result.extensions:
            body["extensions"] = result.extensions
        status = 200
        if before_execution:
            if any((e.extensions or {}).get("code") == "INTERNAL_SERVER_ERROR" for e in errors):
                status = 500
            elif media == GRAPHQL_RESPONSE:
                status = 400
        response = self.respond(body, status, media)
        for key, value in (getattr(context.response, "headers", None) or {}).items():
            response.headers[key] = value
        return response

    @staticmethod
    def respond(body: dict[str, Any], status: int, media: str, headers: dict[str, str] | None = None) -> Response:
        return Response(dumps(body), status_code=status, media_type=f"{media}; charset=utf-8", headers=headers)

    def request_error(self, error: RequestError, media: str) -> Response:
        body = {"errors": [GraphQLError(error.message, extensions={"code": "BAD_REQUEST"}).formatted]}
        return self.respond(body, error.status, media, error.headers)


def _coded(errors: list[GraphQLError]) -> list[dict[str, Any]]:
    """Formatted request errors, with code BAD_REQUEST unless they carry their own."""
    formatted = []
    for error in errors:
        item = error.formatted
        extensions = dict(item.get("extensions") or {})
        extensions.setdefault("code", "BAD_REQUEST")
        item["extensions"] = extensions
        formatted.append(item)
    return formatted


# ---- client address ----------------------------------------------------------------------------------

@functools.lru_cache(maxsize=8)
def _networks(trusted_proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    networks = []
    for entry in trusted_proxies:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            log.warning("TRUSTED_PROXIES entry %r is not an address or network; ignored", entry)
    return tuple(networks)


def _is_trusted(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request, trusted_proxies: tuple[str, ...]) -> str:
    """The client's address; X-Forwarded-For counts only when the direct peer is a trusted proxy.

    TRUSTED_PROXIES lists addresses or networks (10.0.0.0/8). Walking the forwarded chain from
    the nearest hop back, the first address that is not one of our proxies is the client; what
    lies further left was written by the client and proves nothing.
    """
    peer = request.client.host if request.client else ""
    networks = _networks(trusted_proxies)
    if not networks or not _is_trusted(peer, networks):
        return peer
    forwarded = [a.strip() for a in ",".join(request.headers.getlist("x-forwarded-for")).split(",") if a.strip()]
    for address in reversed(forwarded):
        if not _is_trusted(address, networks):
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:
                return peer  # a malformed entry from our own proxy: do not store what it says
    return forwarded[0] if forwarded else peer  # every hop is one of ours: the first is the client
