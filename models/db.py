"""Database configuration and schema migrations (Tortoise 1.x built-in migrations)."""

from __future__ import annotations

from tortoise import Tortoise
from tortoise.context import TortoiseContext
from tortoise.migrations.executor import MigrationExecutor

APP_LABEL = "models"
MIGRATIONS_MODULE = "models.migrations"


def tortoise_config(db_url: str) -> dict:
    return {
        "connections": {"default": db_url},
        "apps": {
            APP_LABEL: {
                "models": ["models"],
                "default_connection": "default",
                "migrations": MIGRATIONS_MODULE,
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def pending_migrations(db_url: str) -> list[str]:
    """Names of migrations on disk that the database has not applied yet."""
    async with TortoiseContext() as ctx:
        config = tortoise_config(db_url)
        await ctx.init(config=config, _create_db=db_url.startswith("sqlite"))
        executor = MigrationExecutor(ctx.connections.get("default"), config["apps"])
        steps = await executor.plan(None)
        return [step.migration.name for step in steps if not step.backward]


async def migrate(db_url: str, target: str | None = None, progress=None) -> list[str]:
    """Apply pending migrations (up to `target`, e.g. "models.0001_initial"); returns applied names."""
    applied: list[str] = []

    def on_progress(event: str, app_label: str, name: str) -> None:
        if event == "apply_done":
            applied.append(name)
        if progress:
            progress(event, app_label, name)

    async with TortoiseContext() as ctx:
        config = tortoise_config(db_url)
        await ctx.init(config=config, _create_db=db_url.startswith("sqlite"))
        executor = MigrationExecutor(ctx.connections.get("default"), config["apps"])
        from tortoise.migrations.executor import MigrationTarget

        targets = None
        if target:
            app, name = target.split(".", 1)
            targets = [MigrationTarget(app_label=app, name=name)]
        await executor.migrate(targets, progress=on_progress)
    return applied


async def init_orm(db_url: str) -> None:
    """Connect the ORM for the app process; the global fallback lets every request task see it."""
    await Tortoise.init(config=tortoise_config(db_url), _enable_global_fallback=True)


async def close_orm() -> None:
    await Tortoise.close_connections()


# For Tortoise's own CLI when writing a new migration after a model change:
#   python -m tortoise -c models.db.TORTOISE_ORM makemigrations --name <what_changed>
TORTOISE_ORM = tortoise_config("sqlite://:memory:")
