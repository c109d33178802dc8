"""Production mode (APP_ENV=production): no GraphiQL, no introspection, no field suggestions, a real
secret key or no start; X-Forwarded-For honoured only from TRUSTED_PROXIES."""

from __future__ import annotations

import httpx
import pytest

from tests.http.conftest import BAD_SECRETS, LiveClient
from tests.http.test_protocol import audit_rows

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
INTROSPECTION = ["{ __schema { queryType { name } } }", '{ __type(name: "Article") { fields { name } } }']
MISSPELT = "{ columns { nmae } }"


def test_graphiql_is_served_to_browsers_outside_production(live):
    response = httpx.get(live.graphql_url, headers={"accept": BROWSER_ACCEPT})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "graphiql" in response.text.lower()


def test_no_graphiql_in_production(production):
    response = httpx.get(production.graphql_url, headers={"accept": BROWSER_ACCEPT})
    assert response.headers["content-type"].startswith("application/json")
    assert "graphiql" not in response.text.lower()
    assert response.status_code == 400  # a GET without a query


def test_introspection_is_refused_in_production(production, live_anonymous):
    client = LiveClient(production)
    for query in INTROSPECTION:
        response = client.post(query)
        assert response.status_code == 400
        body = response.json()
        assert "data" not in body and "introspection" in body["errors"][0]["message"]
        assert live_anonymous.ok(query)  # allowed in development
    assert client.ok("{ __typename }") == {"__typename": "Query"}


def test_no_field_suggestions_in_production(production, live_anonymous):
    message = LiveClient(production).post(MISSPELT).json()["errors"][0]["message"]
    assert message == "Cannot query field 'nmae' on type 'Column'."
    development = live_anonymous.post(MISSPELT).json()["errors"][0]["message"]
    assert "Did you mean 'name'?" in development


@pytest.mark.parametrize("secret", list(BAD_SECRETS))
def test_production_refuses_to_start_without_a_real_secret_key(one_shots, secret):
    done = one_shots[f"secret_{secret}"]
    assert done.returncode != 0
    assert "SECRET_KEY" in done.stderr and "32 characters" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (one_shots["root"] / f"secret_{secret}" / "data").exists()


# ---- client address -------------------------------------------------------------------------------------

def failed_login_address(server, admin: LiveClient, username: str, forwarded: str) -> str:
    result = LiveClient(server).login(username, "Wrong#Passw0rd1", headers={"X-Forwarded-For": forwarded})
    assert result["__typename"] == "FieldErrors"
    rows = audit_rows(admin, username)
    assert len(rows) == 1, rows
    return rows[0]["clientAddress"]


def test_forwarded_for_is_ignored_from_an_untrusted_peer(live, live_admin):
    assert failed_login_address(live, live_admin, "xff-untrusted", "203.0.113.7") == "127.0.0.1"


def test_forwarded_for_is_honoured_from_a_trusted_proxy(production):
    admin = LiveClient(production).as_user("admin")
    assert failed_login_address(production, admin, "xff-trusted", "203.0.113.7") == "203.0.113.7"
    # What the client wrote left of the address our proxy saw proves nothing.
    assert failed_login_address(production, admin, "xff-spoofed", "10.9.8.7, 198.51.100.23") == "198.51.100.23"
