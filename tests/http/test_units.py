"""The pure parts of schema/http.py: content negotiation and the client address."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from starlette.datastructures import Headers

from schema.http import GRAPHQL_RESPONSE, JSON, client_address, negotiate, prefers_html


@pytest.mark.parametrize(("accept", "expected"), [
    (None, JSON),
    ("", JSON),
    ("*/*", JSON),
    ("application/*", JSON),
    (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
    (JSON, JSON),
    (f"{GRAPHQL_RESPONSE}, {JSON}", GRAPHQL_RESPONSE),
    (f"{JSON}, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE),
    (f"{GRAPHQL_RESPONSE};q=0.5, {JSON}", JSON),
    (f"{JSON};charset=utf-8", JSON),
    (f"{JSON};q=0, */*", GRAPHQL_RESPONSE),
    ("text/html", None),
    (f"{GRAPHQL_RESPONSE};q=0", None),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", JSON),
])
def test_negotiate(accept, expected):
    assert negotiate(accept) == expected


@pytest.mark.parametrize(("accept", "expected"), [
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True),
    (f"{GRAPHQL_RESPONSE}, text/html;q=0.5", False),
    ("*/*", False),
    (None, False),
])
def test_prefers_html(accept, expected):
    assert prefers_html(accept) == expected


def request_from(peer: str, forwarded: str | None = None):
    headers = Headers({"x-forwarded-for": forwarded} if forwarded is not None else {})
    return SimpleNamespace(client=SimpleNamespace(host=peer), headers=headers)


@pytest.mark.parametrize(("peer", "forwarded", "trusted", "expected"), [
    ("127.0.0.1", "203.0.113.7", (), "127.0.0.1"),
    ("198.51.100.1", "203.0.113.7", ("127.0.0.1",), "198.51.100.1"),
    ("127.0.0.1", "203.0.113.7", ("127.0.0.1",), "203.0.113.7"),
    ("127.0.0.1", "1.2.3.4, 203.0.113.7", ("127.0.0.1",), "203.0.113.7"),
    ("10.0.0.5", "203.0.113.7, 10.0.0.9", ("10.0.0.0/8",), "203.0.113.7"),
    ("127.0.0.1", "not-an-address", ("127.0.0.1",), "127.0.0.1"),
    ("127.0.0.1", None, ("127.0.0.1",), "127.0.0.1"),
    ("::1", "2001:db8::7", ("::1",), "2001:db8::7"),
    ("127.0.0.1", "203.0.113.7", ("bogus",), "127.0.0.1"),
])
def test_client_address(peer, forwarded, trusted, expected):
    assert client_address(request_from(peer, forwarded), trusted) == expected
