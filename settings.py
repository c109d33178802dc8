"""The only place environment variables are read.

`Settings.from_env()` reads the process environment (and an optional `.env` file);
tests build `Settings(...)` directly with temporary directories instead of patching globals.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path

from starlette.config import Config
from starlette.datastructures import CommaSeparatedStrings

DEFAULT_SECRET = "change-me-insecure-development-secret"


class SettingsError(Exception):
    """The configuration cannot be used (e.g. production without a real secret key)."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("./data")
    database_url: str = ""  # empty: sqlite file app.db under data_dir
    secret_key: str = DEFAULT_SECRET
    app_env: str = "development"  # development | test | production
    public_base_url: str = "http://127.0.0.1:8000"
    cors_origins: tuple[str, ...] = ()
    trusted_proxies: tuple[str, ...] = ()
    # mail
    mail_backend: str = "log"  # log | smtp
    mail_from: str = "线上人大 <noreply@renda.example.cn>"
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_tls: str = "none"  # none | starttls | tls
    # backends
    search_backend: str = "whoosh"
    media_backend: str = "local"
    minio_endpoint: str = ""
    minio_access_key: str = ""
    minio_secret_key: str = ""
    minio_bucket: str = "renda-media"
    minio_secure: bool = False
    minio_public_url: str = ""  # empty: http(s)://MINIO_ENDPOINT/MINIO_BUCKET
    media_base_url: str = ""  # empty: the address `serve` listens on (local media are served by the app)
    media_max_image_mb: float = 20.0
    media_max_document_mb: float = 50.0
    # auth
    access_token_minutes: int = 30
    refresh_token_days: int = 30
    login_max_failures: int = 5  # per account within the window
    login_max_failures_per_address: int = 20
    login_window_minutes: int = 15
    login_lock_minutes: int = 15
    # GraphQL limits
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 2000
    # background publisher
    scheduler_interval_seconds: float = 30.0
    # how long the per-day search statistics are kept
    search_stats_days: int = 180
    # regions whose local regulations apply where the site is (湖北, 武汉): a question naming
    # no place ranks other regions' local regulations below national laws
    search_home_regions: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)

    @property
    def production(self) -> bool:
        return self.app_env == "production"

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite://{(self.data_dir / 'app.db').resolve()}?journal_mode=WAL&busy_timeout=10000"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    @property
    def media_url(self) -> str:
        """Where browsers reach the app's `/media/...` routes (the local media backend)."""
        return (self.media_base_url or "http://127.0.0.1:8000").rstrip("/")

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    def with_(self, **changes) -> Settings:
        return dataclasses.replace(self, **changes)

    def check(self) -> None:
        """Refuse configurations that are unsafe to run."""
        if self.production and (not self.secret_key or self.secret_key == DEFAULT_SECRET
                                or len(self.secret_key) < 32):
            raise SettingsError(
                "APP_ENV=production needs SECRET_KEY set to a random value of at least 32 characters"
            )
        if self.mail_backend == "smtp" and not self.smtp_host:
            raise SettingsError("MAIL_BACKEND=smtp needs SMTP_HOST")
        if self.media_backend not in ("local", "minio"):
            raise SettingsError(f"MEDIA_BACKEND must be local or minio, not {self.media_backend!r}")
        if self.media_max_image_mb <= 0 or self.media_max_document_mb <= 0:
            raise SettingsError("MEDIA_MAX_IMAGE_MB and MEDIA_MAX_DOCUMENT_MB must be positive")
        if self.search_stats_days < 1:
            raise SettingsError("SEARCH_STATS_DAYS must be at least 1")
        if self.media_backend == "minio" and not self.minio_endpoint:
            raise SettingsError("MEDIA_BACKEND=minio needs MINIO_ENDPOINT")

    @classmethod
    def from_env(cls, environ: dict | None = None, env_file: str | None = ".env",
                 **overrides) -> Settings:
        env_path = env_file if env_file and Path(env_file).is_file() else None
        config = Config(env_path, environ=os.environ if environ is None else environ)

        def strings(name: str) -> tuple[str, ...]:
            return tuple(s.strip() for s in config(name, cast=CommaSeparatedStrings, default="") if s.strip())

        smtp_host = config("SMTP_HOST", default="")
        values = dict(
            data_dir=Path(config("DATA_DIR", default="./data")),
            database_url=config("DATABASE_URL", default=""),
            secret_key=config("SECRET_KEY", default=DEFAULT_SECRET),
            app_env=config("APP_ENV", default="development"),
            public_base_url=config("PUBLIC_BASE_URL", default="http://127.0.0.1:8000").rstrip("/"),
            cors_origins=strings("CORS_ORIGINS"),
            trusted_proxies=strings("TRUSTED_PROXIES"),
            mail_backend=config("MAIL_BACKEND", default="smtp" if smtp_host else "log"),
            mail_from=config("MAIL_FROM", default=cls.mail_from),
            smtp_host=smtp_host,
            smtp_port=config("SMTP_PORT", cast=int, default=25),
            smtp_username=config("SMTP_USERNAME", default=""),
            smtp_password=config("SMTP_PASSWORD", default=""),
            smtp_tls=config("SMTP_TLS", default="none"),
            search_backend=config("SEARCH_BACKEND", default="whoosh"),
            media_backend=config("MEDIA_BACKEND", default="local"),
            minio_endpoint=config("MINIO_ENDPOINT", default=""),
            minio_access_key=config("MINIO_ACCESS_KEY", default=""),
            minio_secret_key=config("MINIO_SECRET_KEY", default=""),
            minio_bucket=config("MINIO_BUCKET", default="renda-media"),
            minio_secure=config("MINIO_SECURE", cast=bool, default=False),
            minio_public_url=config("MINIO_PUBLIC_URL", default="").rstrip("/"),
            media_base_url=config("MEDIA_BASE_URL", default="").rstrip("/"),
            media_max_image_mb=config("MEDIA_MAX_IMAGE_MB", cast=float, default=20.0),
            media_max_document_mb=config("MEDIA_MAX_DOCUMENT_MB", cast=float, default=50.0),
            access_token_minutes=config("ACCESS_TOKEN_MINUTES", cast=int, default=30),
            refresh_token_days=config("REFRESH_TOKEN_DAYS", cast=int, default=30),
            scheduler_interval_seconds=config("SCHEDULER_INTERVAL_SECONDS", cast=float, default=30.0),
            search_stats_days=config("SEARCH_STATS_DAYS", cast=int, default=180),
            search_home_regions=strings("SEARCH_HOME_REGIONS"),
        )
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)
