"""Real servers for the media tests: uvicorn serving the local backend's routes, moto's S3 server
(bucket policies, no signature checks) and npm's s3rver (presigned-URL expiry, no policies)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.types import ASGIApp

from media.http import media_routes
from media.local import LocalStorage
from media.minio_backend import MinioStorage
from media.storage import Storage

S3RVER_DIR = Path(__file__).parent / "s3rver"
S3RVER_BIN = S3RVER_DIR / "node_modules" / "s3rver" / "bin" / "s3rver.js"
S3RVER_KEY = "S3RVER"  # s3rver's built-in account: access key and secret are both "S3RVER"
SECRET = "test-media-secret"
STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen | None = None) -> None:
    """Block until something accepts connections on the port (a readiness wait, not a test)."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before listening on {port}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listening on port {port} after {STARTUP_SECONDS}s")


@contextmanager
def serve(make_app: Callable[[str], ASGIApp]) -> Iterator[str]:
    """Run `make_app(base_url)` under uvicorn in a thread; yield the base URL."""
    port = free_port()
    app = make_app(f"http://127.0.0.1:{port}")
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off", ws="none")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join()


# -- local backend behind its routes -------------------------------------------------------------


@dataclass
class LocalSite:
    base_url: str
    root: Path
    storage: LocalStorage


def local_app(storage: LocalStorage, **options) -> Starlette:
    return Starlette(routes=media_routes(storage, **options))


@pytest.fixture(scope="session")
def local_site(tmp_path_factory) -> Iterator[LocalSite]:
    root = tmp_path_factory.mktemp("local-media")
    storages: list[LocalStorage] = []

    def make_app(base_url: str) -> Starlette:
        storages.append(LocalStorage(root, base_url, SECRET))
        return local_app(storages[0], upload_max_bytes=1024 * 1024)

    with serve(make_app) as base_url:
        yield LocalSite(base_url, root, storages[0])


# -- S3 servers ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        wait_for_port(port)
        yield f"127.0.0.1:{port}"
    finally:
        server.stop()


def ensure_s3rver() -> Path:
    """The s3rver entry point, installed from tests/media/s3rver/package-lock.json if missing."""
    if S3RVER_BIN.exists():
        return S3RVER_BIN
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        pytest.skip("node/npm not available: cannot install npm s3rver for the presigned-URL tests")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=S3RVER_DIR, check=True)
    return S3RVER_BIN


@pytest.fixture(scope="session")
def s3rver_endpoint(tmp_path_factory) -> Iterator[str]:
    entry = ensure_s3rver()
    port = free_port()
    data = tmp_path_factory.mktemp("s3rver")
    process = subprocess.Popen(
        [shutil.which("node") or "node", str(entry), "-d", str(data), "-a", "127.0.0.1", "-p", str(port), "-s"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_port(port, process)
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr is not None:
            process.stderr.close()


def new_bucket() -> str:
    return f"media-{uuid.uuid4().hex[:12]}"


def moto_storage(endpoint: str, bucket: str | None = None, **kwargs) -> MinioStorage:
    return MinioStorage(endpoint, "testing", "testing-secret", bucket or new_bucket(), **kwargs)


def s3rver_storage(endpoint: str, bucket: str | None = None, **kwargs) -> MinioStorage:
    kwargs.setdefault("manage_policy", False)  # s3rver has no bucket policy API
    return MinioStorage(endpoint, S3RVER_KEY, S3RVER_KEY, bucket or new_bucket(), **kwargs)


# -- the contract suite's parametrised backend ----------------------------------------------------


@dataclass
class Backend:
    name: str
    storage: Storage
    prefix: str
    """Unique per test: backends are shared across tests, keys are not."""
    enforces_policies: bool
    """False for s3rver, which lets anonymous requests read everything."""

    def key(self, name: str) -> str:
        return self.prefix + name


@pytest.fixture(params=["local", "minio-moto", "minio-s3rver"])
def backend(request) -> Backend:
    prefix = f"t{uuid.uuid4().hex[:10]}/"
    if request.param == "local":
        site = request.getfixturevalue("local_site")
        return Backend("local", site.storage, prefix, enforces_policies=True)
    if request.param == "minio-moto":
        endpoint = request.getfixturevalue("moto_endpoint")
        return Backend("minio-moto", moto_storage(endpoint), prefix, enforces_policies=True)
    endpoint = request.getfixturevalue("s3rver_endpoint")
    return Backend("minio-s3rver", s3rver_storage(endpoint), prefix, enforces_policies=False)


SHORT = timedelta(minutes=5)


# -- the platform serving media over HTTP, on each backend (tests/media/test_api_*.py) ---------------


@pytest.fixture(scope="session", params=["local", "minio"])
def media_site(request, tmp_path_factory):
    """`python server.py` with the local backend, or with MinIO on moto's S3 server."""
    from .live import start_media_site

    moto = request.getfixturevalue("moto_endpoint") if request.param == "minio" else ""
    site = start_media_site(tmp_path_factory.mktemp(f"media-api-{request.param}"), request.param, moto)
    yield site
    site.server.stop()
