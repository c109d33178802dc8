"""Fixtures for the search contract: one backend per implementation, on a temp directory."""

from __future__ import annotations

import pytest

from search import BACKENDS, open_backend
from tests.search.corpus import corpus


@pytest.fixture(params=BACKENDS)
def backend_name(request) -> str:
    return request.param


@pytest.fixture
def index_dir(tmp_path):
    return tmp_path / "index"


@pytest.fixture
def backend(backend_name, index_dir):
    b = open_backend(backend_name, index_dir, lock_timeout=5)
    yield b
    b.close()


@pytest.fixture
def loaded(backend):
    backend.index(corpus())
    return backend
