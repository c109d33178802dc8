"""The platform serving media for real: `python server.py` in a child process on a free port, with the
local backend or MinIO (moto's S3 server), and what the API tests need to talk to it and look
inside its storage. A child process, not a thread: its database and ORM stay out of the test
process's own (tests/conftest.py's app)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from minio import Minio

from tests.conftest import PASSWORD
from tests.http.conftest import SERVER, LiveClient, LiveServer, create_user, free_port, run_cli, server_env

START_TIMEOUT = 60  # a guard against a hang, not a timing assertion
MOTO_KEY, MOTO_SECRET = "testing", "testing-secret"
# Small limits, so size refusals need no large files: images up to 1.5 MB, PDFs up to 2 MB,
# multipart bodies up to 3 MB (the largest file plus 1 MB for the other parts).
MAX_IMAGE_MB, MAX_DOCUMENT_MB = 1.5, 2
MAX_BODY = int(MAX_DOCUMENT_MB * 1024 * 1024) + 1024 * 1024

ERRORS = "... on FieldErrors { errors { field message code } }"
ASSET = "id kind fileName contentType size checksum width height altText caption public url"
MEDIA_UPLOAD = f"""mutation($input: MediaUploadInput!) {{ mediaUpload(input: $input) {{
  __typename ... on MediaAsset {{ {ASSET} }} {ERRORS} }} }}"""
UPLOAD_URL_CREATE = f"""mutation($input: MediaUploadUrlCreateInput!) {{ mediaUploadUrlCreate(input: $input) {{
  __typename ... on MediaUploadTicket {{ uploadId uploadUrl contentType expiresAt }} {ERRORS} }} }}"""
UPLOAD_CONFIRM = f"""mutation($input: MediaUploadConfirmInput!) {{ mediaUploadConfirm(input: $input) {{
  __typename ... on MediaAsset {{ {ASSET} }} {ERRORS} }} }}"""
MEDIA_UPDATE = f"""mutation($input: MediaUpdateInput!) {{ mediaUpdate(input: $input) {{
  __typename ... on MediaAsset {{ id altText caption }} {ERRORS} }} }}"""
MEDIA_DELETE = f"""mutation($id: ID!) {{ mediaDelete(input: {{id: $id}}) {{
  __typename ... on Deleted {{ id }} {ERRORS} }} }}"""
ASSET_URL = """query($id: ID!, $r: MediaRendition!, $f: MediaFormat) { node(id: $id) { ... on MediaAsset {
  public url(rendition: $r, format: $f) } } }"""
ASSET_USAGE = """query($id: ID!) { node(id: $id) { ... on MediaAsset { public
  usage { role targetType targetId title status published } } } }"""
LIBRARY_COUNT = "{ mediaAssets { totalCount } }"
COLUMN_CREATE = f"""mutation($slug: String!) {{ columnCreate(input: {{name: $slug, slug: $slug, reviewStages: []}}) {{
  __typename {ERRORS} }} }}"""
ARTICLE_CREATE = f"""mutation($input: ArticleCreateInput!) {{ articleCreate(input: $input) {{
  __typename ... on Article {{ id status body cover {{ id url }} }} {ERRORS} }} }}"""
ARTICLE_UPDATE = f"""mutation($input: ArticleUpdateInput!) {{ articleUpdate(input: $input) {{
  __typename ... on Article {{ id body cover {{ id }} }} {ERRORS} }} }}"""
ARTICLE_READ = """query($id: ID!) { article(id: $id) { status body
  cover { id public altText url wechat: url(rendition: WECHAT_COVER) } } }"""
ARTICLE_SUBMIT = f"""mutation($id: ID!) {{ articleSubmit(input: {{id: $id}}) {{ __typename {ERRORS} }} }}"""
ARTICLE_PUBLISH = f"""mutation($id: ID!) {{ articlePublish(input: {{id: $id}}) {{
  __typename ... on Article {{ status }} {ERRORS} }} }}"""
ARTICLE_UNPUBLISH = f"""mutation($id: ID!) {{ articleUnpublish(input: {{id: $id}}) {{
  __typename ... on Article {{ status }} {ERRORS} }} }}"""


@dataclass
class MediaSite:
    """One running server and the users the tests act as."""

    backend: str  # local | minio
    server: LiveServer
    env: dict[str, str]
    bucket: str = ""
    moto_endpoint: str = ""
    clients: dict[str, LiveClient] = field(default_factory=dict)
    column: str = "media-news"

    @property
    def anonymous(self) -> LiveClient:
        return LiveClient(self.server)

    def __getattr__(self, role: str) -> LiveClient:
        try:
            return self.clients[role]
        except KeyError:
            raise AttributeError(role) from None

    # -- looking inside the storage -----------------------------------------------------------------

    def stored_keys(self) -> set[str]:
        """Every object key in the storage, without the backend's public/private prefix."""
        if self.backend == "local":
            objects = self.server.data_dir / "media" / "objects"
            return {p.relative_to(objects).as_posix() for p in objects.rglob("*")
                    if p.is_file() and not p.name.startswith(".")}
        client = Minio(self.moto_endpoint, MOTO_KEY, MOTO_SECRET, secure=False)
        if not client.bucket_exists(self.bucket):
            return set()
        names = {o.object_name for o in client.list_objects(self.bucket, recursive=True)}
        return {n.split("/", 1)[1] for n in names}

    def peak_memory_kb(self) -> int:
        """The server process's peak resident memory (VmHWM) so far."""
        status = Path(f"/proc/{self.server.process.pid}/status").read_text()
        return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        """`python server.py ARGS --data-dir <the server's>` with the server's environment."""
        return run_cli(*args, "--data-dir", self.server.data_dir, env=self.env, cwd=self.server.cwd)

    # -- uploads --------------------------------------------------------------------------------------

    def upload_response(self, client: LiveClient, content: bytes, file_name: str = "photo.jpg", alt: str = "",
                        caption: str = "", preflight: bool = True, headers: dict | None = None) -> httpx.Response:
        """`mediaUpload` as the GraphQL multipart request spec sends it."""
        operations = {"query": MEDIA_UPLOAD,
                      "variables": {"input": {"file": None, "altText": alt, "caption": caption}}}
        extra = {"GraphQL-Preflight": "1"} if preflight else {}
        extra.update(headers or {})
        return httpx.post(self.server.graphql_url, headers=client.headers(extra), timeout=60,
                          data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.input.file"]})},
                          files={"0": (file_name, content, "application/octet-stream")})

    def upload(self, client: LiveClient, content: bytes, file_name: str = "photo.jpg", alt: str = "",
               caption: str = "") -> dict:
        """The `mediaUpload` result (MediaAsset or FieldErrors) of a well-formed upload."""
        response = self.upload_response(client, content, file_name, alt, caption)
        body = response.json()
        assert response.status_code == 200 and not body.get("errors"), (response.status_code, body)
        return body["data"]["mediaUpload"]

    def uploaded(self, content: bytes, file_name: str = "photo.jpg", alt: str = "替代文字",
                 caption: str = "图片说明") -> dict:
        """An asset uploaded by the editor, which must be accepted."""
        asset = self.upload(self.editor, content, file_name, alt, caption)
        assert asset["__typename"] == "MediaAsset", asset
        return asset

    def library_count(self) -> int:
        return self.editor.ok(LIBRARY_COUNT)["mediaAssets"]["totalCount"]

    # -- content --------------------------------------------------------------------------------------

    def article(self, body: str = "<p>正文</p>", cover: str | None = None, title: str | None = None) -> dict:
        values = {"title": title or f"媒体稿件{uuid.uuid4().hex[:6]}", "column": self.column, "body": body}
        if cover:
            values["coverId"] = cover
        created = self.editor.ok(ARTICLE_CREATE, {"input": values})["articleCreate"]
        assert created["__typename"] == "Article", created
        return created

    def publish(self, article_id: str) -> dict:
        assert self.editor.ok(ARTICLE_SUBMIT, {"id": article_id})["articleSubmit"]["__typename"] == "Article"
        return self.chief.ok(ARTICLE_PUBLISH, {"id": article_id})["articlePublish"]

    def unpublish(self, article_id: str) -> dict:
        return self.chief.ok(ARTICLE_UNPUBLISH, {"id": article_id})["articleUnpublish"]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch(url: str, **headers: str) -> httpx.Response:
    return httpx.get(url, headers=headers, timeout=30)


def start_media_site(root: Path, backend: str, moto_endpoint: str = "") -> MediaSite:
    """Migrate a data dir, create an admin, start the server and the users the tests act as."""
    data, cwd = root / "data", root / "cwd"
    cwd.mkdir()
    port = free_port()
    env = server_env(SEARCH_BACKEND="none", MEDIA_BASE_URL=f"http://127.0.0.1:{port}", MINIO_PUBLIC_URL="",
                     MEDIA_MAX_IMAGE_MB=str(MAX_IMAGE_MB), MEDIA_MAX_DOCUMENT_MB=str(MAX_DOCUMENT_MB))
    bucket = ""
    if backend == "minio":
        bucket = f"renda-{uuid.uuid4().hex[:10]}"
        env.update(MEDIA_BACKEND="minio", MINIO_ENDPOINT=moto_endpoint, MINIO_ACCESS_KEY=MOTO_KEY,
                   MINIO_SECRET_KEY=MOTO_SECRET, MINIO_BUCKET=bucket)
    admin = run_cli("create-user", "admin", "--role", "ADMIN", "--password", PASSWORD, "--data-dir", data,
                    env=env, cwd=cwd)
    assert admin.returncode == 0, admin.stderr
    output = root / "server.out"
    with output.open("wb") as sink:
        process = subprocess.Popen([sys.executable, str(SERVER), "--data-dir", str(data), "--port", str(port),
                                    "--no-migrate"], env=env, cwd=cwd, stdout=sink, stderr=subprocess.STDOUT)
    server = LiveServer(port=port, data_dir=data, cwd=cwd, output=output, process=process)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{server.log()}")
        try:
            if httpx.get(f"{server.url}/healthz", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"server did not answer /healthz within {START_TIMEOUT}s:\n{server.log()}")
        time.sleep(0.1)
    site = MediaSite(backend, server, env, bucket, moto_endpoint)
    try:
        admin_client = LiveClient(server).as_user("admin")
        site.clients["admin"] = admin_client
        for username, role in (("editor", "EDITOR"), ("editor2", "EDITOR"), ("chief", "CHIEF_EDITOR"),
                               ("citizen", "CITIZEN"), ("office", "OFFICE_STAFF")):
            create_user(admin_client, username, role)
            site.clients[username] = LiveClient(server).as_user(username)
        created = admin_client.ok(COLUMN_CREATE, {"slug": site.column})["columnCreate"]
        assert created["__typename"] == "Column", created
    except BaseException:
        server.stop()
        raise
    return site
