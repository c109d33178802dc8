"""GraphQL over HTTP against the live server: what is refused, how, and what is never run."""

from __future__ import annotations

import httpx
import pytest

from tests.http.conftest import COLUMN_CREATE, LiveClient

GRAPHQL_RESPONSE = "application/graphql-response+json"
AUDIT_LOG = """query($action: String) { auditLog(action: $action, first: 100) {
  edges { node { action target result clientAddress } } } }"""
USERS = "query($s: String) { users(search: $s) { totalCount } }"
REGISTER = """mutation { register(input: {username: "%s", password: "Get#Passw0rd1", email: "%s@example.cn"}) {
  __typename } }"""
LOGIN_ATTEMPT = 'mutation { login(input: {username: "%s", password: "Wrong#Passw0rd1"}) { __typename } }'


def audit_rows(admin: LiveClient, target: str, action: str = "user.login") -> list[dict]:
    edges = admin.ok(AUDIT_LOG, {"action": action})["auditLog"]["edges"]
    return [e["node"] for e in edges if e["node"]["target"] == target]


def refused(response: httpx.Response, status: int) -> str:
    """The single error message of a refused request, after checking it has no `data`."""
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()
    assert "data" not in body, body
    assert len(body["errors"]) == 1, body
    return body["errors"][0]["message"]


# ---- mutations over GET ---------------------------------------------------------------------------------

def test_register_over_get_is_405_and_never_runs(live_anonymous, live_admin):
    response = live_anonymous.get({"query": REGISTER % ("getter", "getter")})
    assert "POST" in refused(response, 405)
    assert response.headers["allow"] == "POST"
    assert live_anonymous.login("getter", "Get#Passw0rd1")["__typename"] == "FieldErrors"
    assert live_admin.ok(USERS, {"s": "getter"})["users"]["totalCount"] == 0
    # The same document over POST does register: the GET was refused for its method alone.
    assert live_anonymous.ok(REGISTER % ("poster", "poster"))["register"]["__typename"] == "LoginPayload"
    assert live_anonymous.login("poster", "Get#Passw0rd1")["__typename"] == "LoginPayload"


def test_login_over_get_is_405_and_leaves_no_audit_row(live_anonymous, live_admin):
    refused(live_anonymous.get({"query": LOGIN_ATTEMPT % "ghost-get"}), 405)
    # A named mutation chosen by operationName next to a query is refused too.
    document = "query Q { __typename } " + LOGIN_ATTEMPT.replace("mutation", "mutation M") % "ghost-get"
    refused(live_anonymous.get({"query": document, "operationName": "M"}), 405)
    assert live_anonymous.get({"query": document, "operationName": "Q"}).json() == {"data": {"__typename": "Query"}}
    assert audit_rows(live_admin, "ghost-get") == []
    # Control: the same attempt over POST is run and audited.
    assert live_anonymous.ok(LOGIN_ATTEMPT % "ghost-post")["login"]["__typename"] == "FieldErrors"
    assert [r["result"] for r in audit_rows(live_admin, "ghost-post")] == ["INVALID"]


# ---- request errors ---------------------------------------------------------------------------------------

def test_array_batching_is_refused(live):
    response = httpx.post(live.graphql_url, json=[{"query": "{ __typename }"}, {"query": "{ __typename }"}])
    assert "Batched" in refused(response, 400)


@pytest.mark.parametrize(("document", "words"), [
    ("{ columns { " + "children { " * 14 + "name" + " }" * 14 + " } }", "maximum operation depth"),
    ("{ " + " ".join(f"a{i}: __typename" for i in range(40)) + " }", "aliases"),
    ("{ " + "__typename " * 2100 + "}", "more than 2000 tokens"),
], ids=["depth", "aliases", "tokens"])
def test_query_limits_are_request_errors(live_anonymous, document, words):
    response = live_anonymous.post(document)
    message = refused(response, 400)
    assert words in message
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


@pytest.mark.parametrize(("method", "headers", "content", "status"), [
    ("PUT", {"content-type": "application/json"}, b'{"query": "{ __typename }"}', 405),
    ("POST", {"content-type": "text/plain"}, b'{"query": "{ __typename }"}', 415),
    ("POST", {"content-type": "application/x-www-form-urlencoded"}, b"query=%7B__typename%7D", 415),
    ("POST", {"content-type": "application/json; charset=latin-1"}, b'{"query": "{ __typename }"}', 415),
    ("POST", {"content-type": "application/json"}, b'{"query": "{ __typename }"', 400),
    ("POST", {"content-type": "application/json"}, b'{"query": "\xff"}', 400),
    ("POST", {"content-type": "application/json"}, b'"{ __typename }"', 400),
    ("POST", {"content-type": "application/json"}, b'{"query": ["{ __typename }"]}', 400),
    ("POST", {"content-type": "application/json"}, b'{"query": "{ __typename }", "variables": "{}"}', 400),
    ("POST", {"content-type": "application/json"}, b'{"query": "{ __typename }", "extensions": [1]}', 400),
    ("POST", {"content-type": "application/json"}, b'{"query": "{ __typename }", "operationName": 1}', 400),
    ("POST", {"content-type": "application/json"}, b"[" * 100_000 + b"]" * 100_000, 400),
    ("POST", {"content-type": "application/json"}, b'{"query": "' + b" " * 1_100_000 + b'{ __typename }"}', 413),
    ("POST", {"content-type": "application/json", "accept": "text/csv"}, b'{"query": "{ __typename }"}', 406),
    ("GET", {}, b"", 400),
], ids=["put", "text-plain", "form", "latin-1", "broken-json", "not-utf-8", "not-object", "query-list",
        "variables-string", "extensions-list", "operation-name-number", "deep-json", "too-large", "not-acceptable",
        "get-without-query"])
def test_malformed_requests_are_refused(live, method, headers, content, status):
    response = httpx.request(method, live.graphql_url, headers=headers, content=content, timeout=30)
    refused(response, status)
    if status == 405:
        assert response.headers["allow"] == "GET, POST"


def test_request_errors_follow_the_accepted_media_type(live):
    def post(accept: str | None, query: str) -> httpx.Response:
        headers = {"accept": accept} if accept else {}
        return httpx.post(live.graphql_url, json={"query": query}, headers=headers)

    for query in ("{", "{ noSuchField }", "query A { __typename } query B { __typename }"):
        strict = post(GRAPHQL_RESPONSE, query)
        assert strict.status_code == 400 and strict.headers["content-type"].startswith(GRAPHQL_RESPONSE)
        assert "data" not in strict.json()
        legacy = post("application/json", query)
        assert legacy.status_code == 200 and legacy.headers["content-type"].startswith("application/json")
        assert "data" not in legacy.json()
    response = post(None, "{ __typename }")
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    response = post("application/json;q=0.5, application/graphql-response+json", "{ __typename }")
    assert response.headers["content-type"] == "application/graphql-response+json; charset=utf-8"


def test_subscriptions_are_refused_over_http(live_anonymous):
    message = refused(live_anonymous.post("subscription { articlePublished { title } }"), 400)
    assert "WebSocket" in message


# ---- UTF-8 ------------------------------------------------------------------------------------------------

def test_responses_are_utf8_json_with_chinese_as_is(live_anonymous, live_admin):
    response = live_admin.post(COLUMN_CREATE, {"input": {"name": "编辑部测试栏目", "slug": "utf8-check"}})
    assert response.headers["content-type"] == f"{GRAPHQL_RESPONSE}; charset=utf-8"
    assert "编辑部测试栏目".encode() in response.content
    assert b"\\u" not in response.content
    assert response.json()["data"]["columnCreate"]["name"] == "编辑部测试栏目"
    # Error messages too, and Chinese in the request body arrives intact.
    response = live_anonymous.post('mutation { login(input: {username: "不存在的用户", password: "Wrong#Passw0rd1"}) '
                                   "{ ... on FieldErrors { errors { message } } } }")
    assert "用户名或密码错误".encode() in response.content and b"\\u" not in response.content
