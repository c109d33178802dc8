"""The platform's entry point: `build_app(settings)` and the command line.

    python server.py [--host H] [--port P] [--data-dir D] [--demo] [--no-migrate]
    python server.py schema | migrate | create-user NAME --role ROLE --password PW | media-cleanup | ...
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import logging.handlers
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from media.http import media_routes
from models import db
from notify.mailer import open_mailer
from resolvers.auth import authenticate
from resolvers.context import Context, Services
from resolvers.events import Broadcaster
from resolvers.media import max_upload_bytes
from schema import build_schema
from schema.extensions import ExpectedErrorsFilter
from schema.http import GraphQLHTTP, UploadPolicy, client_address
from settings import Settings, SettingsError

log = logging.getLogger("renda")


class PendingMigrations(RuntimeError):
    pass


def configure_logging(settings: Settings) -> None:
    """Log to `<data dir>/logs/app.log` (rotated) and stderr. Called again for another data dir
    (tests start several apps in one process), the file handler moves to the new directory."""
    settings.log_dir.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    path = str((settings.log_dir / "app.log").resolve())
    ours = [h for h in root.handlers if getattr(h, "_renda", False)]
    if any(getattr(h, "baseFilename", None) == path for h in ours):
        return
    for handler in ours:
        root.removeHandler(handler)
        handler.close()
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    file_handler = logging.handlers.RotatingFileHandler(path, maxBytes=10_000_000, backupCount=5, encoding="utf-8")
    stream = logging.StreamHandler()
    for handler in (file_handler, stream):
        handler.setFormatter(formatter)
        handler._renda = True
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    strawberry_log = logging.getLogger("strawberry.execution")
    if not any(isinstance(f, ExpectedErrorsFilter) for f in strawberry_log.filters):
        strawberry_log.addFilter(ExpectedErrorsFilter())


def open_search(settings: Settings):
    if settings.search_backend == "none":
        return None
    from search import open_backend
    from search.analyzer import use_cache_dir

    use_cache_dir(settings.data_dir / "cache")  # all the platform writes stays under DATA_DIR
    return open_backend(settings.search_backend, settings.index_dir, home_regions=settings.search_home_regions)


def open_media(settings: Settings):
    """The media `Storage`: a directory under DATA_DIR served by the app itself, or a MinIO bucket."""
    import hashlib
    import hmac

    from media import StorageConfig, open_storage

    if settings.media_backend == "minio":
        return open_storage(StorageConfig(
            backend="minio", endpoint=settings.minio_endpoint, access_key=settings.minio_access_key,
            secret_key=settings.minio_secret_key, bucket=settings.minio_bucket, secure=settings.minio_secure,
            public_base_url=settings.minio_public_url or None))
    # Media URLs are signed with a key of their own, derived from SECRET_KEY.
    secret = hmac.new(settings.secret_key.encode(), b"renda media urls", hashlib.sha256).hexdigest()
    return open_storage(StorageConfig(backend="local", root=settings.media_dir, base_url=settings.media_url,
                                      secret=secret))


def open_services(settings: Settings, storage=None) -> Services:
    from resolvers.search_stats import QueryCounter

    return Services(settings=settings, mailer=open_mailer(settings), search=open_search(settings),
                    storage=storage if storage is not None else open_media(settings), events=Broadcaster(),
                    searches=QueryCounter())


async def prepare_database(settings: Settings, migrate: bool = True) -> None:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if migrate:
        applied = await db.migrate(settings.db_url)
        if applied:
            log.info("applied migrations: %s", ", ".join(applied))
    else:
        pending = await db.pending_migrations(settings.db_url)
        if pending:
            raise PendingMigrations(
                f"the database needs migrations ({', '.join(pending)}); run `python server.py migrate`")


def build_app(settings: Settings, *, migrate: bool = True, demo: bool = False,
              services: Services | None = None) -> Starlette:
    settings.check()
    schema = build_schema(settings)
    state: dict = {}

    async def context_for(request) -> Context:
        services = state["services"]
        ctx = Context(services=services, request=request,
                      client_address=client_address(request, settings.trusted_proxies))
        header = request.headers.get("authorization", "")
        if header[:7].lower() == "bearer ":
            found = await authenticate(ctx, header[7:].strip())
            if found:
                ctx.user, ctx.session_id = found
        return ctx

    class Subscriptions(GraphQL):
        """strawberry's ASGI app, used for WebSocket subscriptions (graphql-transport-ws) only."""

        async def get_context(self, request, response) -> Context:
            ctx = await context_for(request)
            ctx.response = response
            return ctx

        def encode_json(self, data: object) -> str:
            return json.dumps(data, ensure_ascii=False)

    subscriptions = Subscriptions(schema, graphql_ide=None, subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,))
    graphql = GraphQLHTTP(schema, context_for, graphiql=not settings.production, websocket_app=subscriptions,
                          max_tokens=settings.max_tokens, uploads=_upload_policy(settings))

    async def healthz(request: Request) -> JSONResponse:
        try:
            from tortoise import connections

            await connections.get("default").execute_query("SELECT 1")
        except Exception:
            log.exception("health check failed")
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return JSONResponse({"status": "ok"})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        configure_logging(settings)
        log.info("starting: data dir %s, APP_ENV=%s, search %s, media %s, mail %s", settings.data_dir.resolve(),
                 settings.app_env, settings.search_backend, settings.media_backend, settings.mail_backend)
        await prepare_database(settings, migrate)
        await db.init_orm(settings.db_url)
        state["services"] = services or open_services(settings)
        if demo:
            from resolvers.demo import load_demo

            await load_demo(state["services"])
        await _publish_vocabulary(state["services"])
        scheduler = asyncio.create_task(_scheduler(state["services"], settings))
        try:
            yield
        finally:
            scheduler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await scheduler
            await _write_search_counts(state["services"])
            if state["services"].search is not None and services is None:
                state["services"].search.close()
            await db.close_orm()

    middleware = []
    if settings.cors_origins:
        middleware.append(Middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                                     allow_methods=["GET", "POST"], allow_headers=["*"], max_age=600))
    routes = [Route("/graphql", graphql), WebSocketRoute("/graphql", graphql), Route("/healthz", healthz)]
    if settings.media_backend == "local":
        routes += _local_media_routes(lambda: state["services"].storage, max_upload_bytes(settings))
    app = Starlette(
        # No method list: GraphQLHTTP answers every method itself (405 with Allow, in JSON).
        routes=routes, middleware=middleware, lifespan=lifespan,
    )
    app.state.services = state
    return app


def _local_media_routes(storage_of, max_bytes: int) -> list[Route]:
    """GET/HEAD /media/{key} (public media, or private ones with a valid signature) and PUT
    /media-upload/{key} (signed direct uploads) from media.http, bound on first use to the storage
    the lifespan opens: building the app writes nothing to the data dir."""
    built: dict[str, Route] = {}

    def delegate(name: str):
        async def endpoint(request: Request):
            if not built:
                built.update({r.name: r for r in media_routes(storage_of(), upload_max_bytes=max_bytes)})
            return await built[name].endpoint(request)

        return endpoint

    return [Route("/media/{key:path}", delegate("media"), methods=["GET", "HEAD"]),
            Route("/media-upload/{key:path}", delegate("media-upload"), methods=["PUT"])]


def _upload_policy(settings: Settings) -> UploadPolicy:
    from resolvers.permissions import Action, can

    # Room for the largest file plus the `operations` and `map` fields and the multipart framing.
    return UploadPolicy(max_bytes=max_upload_bytes(settings) + 1024 * 1024,
                        may_upload=lambda ctx: can(ctx.user, Action.MEDIA_UPLOAD))


async def _publish_vocabulary(services: Services) -> None:
    """The editors' search vocabulary, from the database to the index directory (which may be new)."""
    if services.search is None:
        return
    from resolvers.search_vocabulary import publish_vocabulary

    try:
        await publish_vocabulary(services.search)
    except Exception:  # a busy index must not keep the site down; the next change writes it again
        log.exception("could not copy the search vocabulary to the index; searches use the last copy")


async def _write_search_counts(services: Services) -> None:
    if services.searches is None:
        return
    from resolvers.search_stats import write_counts

    try:
        await write_counts(services.searches)
    except Exception:
        log.exception("could not write the search statistics at shutdown")


async def _scheduler(services: Services, settings: Settings) -> None:
    from resolvers.scheduler import run_scheduler

    await run_scheduler(services, settings.scheduler_interval_seconds)


# ---- command line ------------------------------------------------------------------------------------

def _settings(args) -> Settings:
    return Settings.from_env(data_dir=Path(args.data_dir) if getattr(args, "data_dir", None) else None)


async def _with_orm(settings: Settings, work):
    await prepare_database(settings, migrate=True)
    await db.init_orm(settings.db_url)
    try:
        return await work()
    finally:
        await db.close_orm()


def cmd_serve(args) -> int:
    import uvicorn

    settings = _settings(args)
    if not settings.media_base_url:
        # Local media are served by this process: their URLs name the address it listens on.
        host = "127.0.0.1" if args.host in ("0.0.0.0", "::", "") else args.host
        settings = settings.with_(media_base_url=f"http://{host}:{args.port}")
    try:
        app = build_app(settings, migrate=not args.no_migrate, demo=args.demo)
    except SettingsError as error:
        print(f"配置错误 (configuration error): {error}", file=sys.stderr)
        return 2
    if args.no_migrate:
        # Checked before uvicorn starts, so the refusal is one clear line rather than a lifespan traceback.
        refusal = _migration_refusal(settings)
        if refusal:
            print(f"{refusal}: run `python server.py migrate` first, or start without --no-migrate",
                  file=sys.stderr)
            return 3
    config = uvicorn.Config(app, host=args.host, port=args.port, log_level="info", proxy_headers=False,
                            ws="websockets-sansio")
    server = uvicorn.Server(config)
    server.run()
    if not server.started:  # the lifespan failed; uvicorn has logged why
        return 3
    return 0


def _migration_refusal(settings: Settings) -> str | None:
    """Why --no-migrate cannot start on this database, or None."""
    if not settings.database_url and not (settings.data_dir / "app.db").exists():
        # Opening the database would create the file; say so instead.
        return f"there is no database in {settings.data_dir.resolve()} yet"
    pending = asyncio.run(db.pending_migrations(settings.db_url))
    if pending:
        return f"the database needs migrations ({', '.join(pending)})"
    return None


def cmd_schema(args) -> int:
    from schema import print_sdl

    sys.stdout.write(print_sdl() + "\n")
    return 0


def cmd_migrate(args) -> int:
    settings = _settings(args)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    applied = asyncio.run(db.migrate(settings.db_url))
    print(f"applied {len(applied)} migration(s){': ' + ', '.join(applied) if applied else ''}")
    return 0


def cmd_media_cleanup(args) -> int:
    """Delete media nothing uses (older than the grace period) and direct uploads never confirmed."""
    from datetime import timedelta

    from resolvers.media import cleanup

    settings = _settings(args)
    services = Services(settings=settings, mailer=None, storage=open_media(settings))
    report = asyncio.run(_with_orm(settings, lambda: cleanup(
        services, timedelta(hours=args.older_than_hours), dry_run=args.dry_run)))
    verb = "would delete" if args.dry_run else "deleted"
    for asset in report.assets:
        print(f"{verb} unused asset {asset.id} {asset.kind} {asset.file_name!r} ({asset.storage_key}, "
              f"uploaded {asset.created_at:%Y-%m-%d %H:%M})")
    for upload in report.uploads:
        print(f"{verb} unconfirmed upload {upload.upload_id} {upload.file_name!r} ({upload.storage_key})")
    for asset_id in report.visibility_fixed:
        print(f"corrected the visibility of asset {asset_id}")
    print(f"{verb} {len(report.assets)} unused asset(s) and {len(report.uploads)} unconfirmed upload(s); "
          f"corrected the visibility of {len(report.visibility_fixed)} asset(s)")
    return 0


def cmd_create_user(args) -> int:
    from models.users import Role
    from resolvers.auth import create_user
    from resolvers.errors import Invalid

    settings = _settings(args)

    async def work():
        return await create_user(args.username, args.password, Role(args.role), args.email, args.phone,
                                 args.display_name or "")

    try:
        user = asyncio.run(_with_orm(settings, work))
    except Invalid as error:
        for field, message, code in error.errors:
            print(f"{field or '-'}: {message} ({code})", file=sys.stderr)
        return 1
    print(f"created {user.role} user {user.username} (id {user.id})")
    return 0


def cmd_import_laws(args) -> int:
    """Import a corpus folder, then index the regulations it changed (in this process, in batches,
    so a running server keeps serving and sees the new documents)."""
    from tqdm import tqdm

    from resolvers.law_import import LawImportError, import_laws
    from resolvers.law_search import reindex_regulations

    settings = _settings(args)

    async def work():
        summary = await import_laws(Path(args.path), progress=True)
        print(summary.render(), flush=True)
        backend = open_search(settings)
        if backend is None or not summary.changed_regulation_ids:
            return summary, 0
        try:
            with tqdm(total=len(summary.changed_regulation_ids), unit="regulation", desc="index",
                      file=sys.stderr) as bar:
                written = await reindex_regulations(Services(settings=settings, mailer=None, search=backend),
                                                    sorted(summary.changed_regulation_ids), progress=bar.update)
        finally:
            backend.close()
        return summary, written

    try:
        summary, written = asyncio.run(_with_orm(settings, work))
    except LawImportError as error:
        print(f"import-laws: {error}", file=sys.stderr)
        return 2
    if summary.changed_regulation_ids:
        print(f"indexed {written} search documents of {len(summary.changed_regulation_ids)} regulations")
    else:
        print("search index unchanged")
    return 0


def cmd_reindex(args) -> int:
    """Rebuild the whole search index from the database: every registered kind."""
    import time

    from tqdm import tqdm

    import resolvers.search  # noqa: F401  registers every indexer
    from resolvers import indexing
    from resolvers.law_search import record_status_day
    from resolvers.laws import today
    from resolvers.scheduler import status_marker
    from resolvers.search_vocabulary import publish_vocabulary

    settings = _settings(args)
    backend = open_search(settings)
    if backend is None:
        print("reindex: SEARCH_BACKEND is none: there is no index to build", file=sys.stderr)
        return 2
    started = time.perf_counter()
    try:
        with tqdm(unit="item", desc="read", file=sys.stderr) as bar:
            docs = asyncio.run(_with_orm(settings, lambda: indexing.all_documents(progress=bar.update)))
        with tqdm(total=len(docs), unit="doc", desc="index", file=sys.stderr) as bar:
            count = backend.rebuild(docs, progress=lambda n: bar.update(n - bar.n))
        record_status_day(status_marker(settings), today())
        asyncio.run(_with_orm(settings, lambda: publish_vocabulary(backend)))
    finally:
        backend.close()
    print(f"reindexed {count} search documents in {time.perf_counter() - started:.1f}s")
    return 0


def _add_data_dir(parser: argparse.ArgumentParser, default=None) -> None:
    parser.add_argument("--data-dir", default=default,
                        help="where the platform keeps its database, index, media and logs (default $DATA_DIR or ./data)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="server.py", description="线上人大 GraphQL platform")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--demo", action="store_true", help="load demo content into an empty database, then serve")
    parser.add_argument("--no-migrate", action="store_true", help="refuse to start if migrations are pending")
    _add_data_dir(parser)
    sub = parser.add_subparsers(dest="command")
    p = sub.add_parser("schema", help="print the GraphQL schema (SDL)")
    _add_data_dir(p, argparse.SUPPRESS)  # accepted like everywhere; printing the schema writes nothing
    p.set_defaults(func=cmd_schema)
    p = sub.add_parser("migrate", help="apply pending database migrations")
    _add_data_dir(p, argparse.SUPPRESS)
    p.set_defaults(func=cmd_migrate)
    p = sub.add_parser("create-user", help="create a user of any role")
    p.add_argument("username")
    p.add_argument("--role", required=True, choices=[
        "CITIZEN", "DEPUTY", "MEMBER", "EDITOR", "CHIEF_EDITOR", "MODERATOR", "OFFICE_STAFF", "HANDLING_UNIT",
        "ADMIN"])
    p.add_argument("--password", required=True)
    p.add_argument("--email")
    p.add_argument("--phone")
    p.add_argument("--display-name")
    _add_data_dir(p, argparse.SUPPRESS)
    p.set_defaults(func=cmd_create_user)
    p = sub.add_parser("media-cleanup", help="delete unused media and unconfirmed direct uploads")
    p.add_argument("--older-than-hours", type=float, default=24.0,
                   help="keep what was uploaded more recently than this (default 24)")
    p.add_argument("--dry-run", action="store_true", help="only list what would be deleted")
    _add_data_dir(p, argparse.SUPPRESS)
    p.set_defaults(func=cmd_media_cleanup)
    p = sub.add_parser("import-laws", help="import law texts (manifest.jsonl + Markdown) and index what changed")
    p.add_argument("path", help="folder of law texts with manifest.jsonl, e.g. resolvers/demo/laws")
    _add_data_dir(p, argparse.SUPPRESS)
    p.set_defaults(func=cmd_import_laws)
    p = sub.add_parser("reindex", help="rebuild the whole search index from the database")
    _add_data_dir(p, argparse.SUPPRESS)
    p.set_defaults(func=cmd_reindex)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    func = getattr(args, "func", cmd_serve)
    return func(args) or 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    sys.exit(main())
