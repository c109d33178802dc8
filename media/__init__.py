from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Literal

from media.checks import CheckedUpload, UploadLimits, UploadRejected, check_upload, checksum
from media.local import LocalStorage
from media.minio_backend import MinioStorage
from media.renditions import Rendition, ensure_rendition, render, rendition_key
from media.storage import InvalidKey, NotFoundInStorage, ObjectInfo, Storage, validate_key


@dataclass(frozen=True, slots=True)
class StorageConfig:
    """What `open_storage` needs; `settings.py` fills it from `MEDIA_*` environment variables."""

    backend: Literal["local", "minio"] = "local"
    # local
    root: Path = Path("data/media")
    base_url: str = ""
    """The app's external URL; local media are served at `{base_url}/media/...`."""
    secret: str = ""
    """Signs private and upload URLs of the local backend (the app's secret key)."""
    # minio
    endpoint: str = ""
    access_key: str = ""
    secret_key: str = ""
    bucket: str = "media"
    secure: bool = False
    region: str = "us-east-1"
    public_base_url: str | None = None
    presign_expiry: timedelta = timedelta(minutes=10)


def open_storage(config: StorageConfig | None = None, /, **kwargs: object) -> Storage:
    """Build the configured `Storage`: `open_storage(StorageConfig(...))` or `open_storage(backend=..., ...)`."""
    if config is None:
        config = StorageConfig(**kwargs)  # type: ignore[arg-type]
    elif kwargs:
        raise TypeError("pass either a StorageConfig or keyword arguments, not both")
    if config.backend == "local":
        return LocalStorage(config.root, config.base_url, config.secret, url_expiry=config.presign_expiry)
    if config.backend == "minio":
        if not config.endpoint:
            raise ValueError("the minio media backend needs an endpoint")
        return MinioStorage(
            config.endpoint,
            config.access_key,
            config.secret_key,
            config.bucket,
            secure=config.secure,
            region=config.region,
            public_base_url=config.public_base_url,
            presign_expiry=config.presign_expiry,
        )
    raise ValueError(f"unknown media backend {config.backend!r} (expected 'local' or 'minio')")


__all__ = [
    "CheckedUpload",
    "InvalidKey",
    "LocalStorage",
    "MinioStorage",
    "NotFoundInStorage",
    "ObjectInfo",
    "Rendition",
    "Storage",
    "StorageConfig",
    "UploadLimits",
    "UploadRejected",
    "check_upload",
    "checksum",
    "ensure_rendition",
    "open_storage",
    "render",
    "rendition_key",
    "validate_key",
]
