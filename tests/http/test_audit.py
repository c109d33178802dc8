"""The `graphql-http` audit suite (GraphQL-over-HTTP spec conformance) against the live server:
every check must be "ok", warnings and notices included."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

AUDIT_DIR = Path(__file__).parent / "audit"


@pytest.fixture(scope="module")
def node() -> str:
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.skip("the graphql-http audit needs node and npm on PATH")
    if not (AUDIT_DIR / "node_modules" / "graphql-http").is_dir():
        done = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=AUDIT_DIR, capture_output=True, text=True,
                              timeout=300, check=False)
        assert done.returncode == 0, f"npm ci failed:\n{done.stdout}\n{done.stderr}"
    return node


def test_graphql_http_audit_passes_every_check(node, live):
    done = subprocess.run([node, "audit.mjs", live.graphql_url], cwd=AUDIT_DIR, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert len(results) >= 61, f"the suite ran only {len(results)} audits"
    not_ok = [r for r in results if r["status"] != "ok"]
    assert not not_ok, "audits not ok:\n" + "\n".join(
        f"{r['status']} {r['id']} {r['name']}: {r.get('reason')} "
        f"(HTTP {r.get('responseStatus')} {r.get('responseContentType')}: {r.get('responseBody')})" for r in not_ok)
