"""What only the MinIO backend has: the bucket it creates, the policy it writes, the key layout."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from minio.error import S3Error

from media import LocalStorage, MinioStorage, StorageConfig, open_storage

from .conftest import moto_storage, new_bucket


def test_bucket_is_created_on_first_use(moto_endpoint: str):
    bucket = new_bucket()
    storage = moto_storage(moto_endpoint, bucket)
    assert not storage.client.bucket_exists(bucket)
    assert not storage.exists("anything")
    assert storage.client.bucket_exists(bucket)
    policy = json.loads(storage.client.get_bucket_policy(bucket))
    assert storage.public_read_statement() in policy["Statement"]


def test_existing_bucket_policy_statements_are_kept(moto_endpoint: str):
    bucket = new_bucket()
    storage = moto_storage(moto_endpoint, bucket)
    storage.client.make_bucket(bucket)
    operator = {
        "Sid": "OperatorReadsAssets",
        "Effect": "Allow",
        "Principal": {"AWS": ["*"]},
        "Action": ["s3:GetObject"],
        "Resource": [f"arn:aws:s3:::{bucket}/assets/*"],
    }
    storage.client.set_bucket_policy(bucket, json.dumps({"Version": "2012-10-17", "Statement": [operator]}))
    storage.save("k.txt", b"x", "text/plain")
    statements = json.loads(storage.client.get_bucket_policy(bucket))["Statement"]
    assert operator in statements
    assert storage.public_read_statement() in statements
    # A second process on the same bucket does not add the statement twice.
    moto_storage(moto_endpoint, bucket).exists("k.txt")
    assert len(json.loads(storage.client.get_bucket_policy(bucket))["Statement"]) == 2


def test_visibility_is_a_key_prefix(moto_endpoint: str):
    storage = moto_storage(moto_endpoint)
    storage.save("news/a.jpg", b"a", "image/jpeg")
    names = lambda: sorted(o.object_name for o in storage.client.list_objects(storage.bucket, recursive=True))  # noqa: E731
    assert names() == ["private/news/a.jpg"]
    storage.set_public("news/a.jpg", True)
    assert names() == ["public/news/a.jpg"]
    storage.set_public("news/a.jpg", False)
    assert names() == ["private/news/a.jpg"]


def test_policy_opens_only_the_public_prefix(moto_endpoint: str):
    storage = moto_storage(moto_endpoint)
    storage.save("x.txt", b"x", "text/plain")
    base = storage.public_base_url
    assert httpx.get(f"{base}/private/x.txt").status_code == 403
    # The statement grants s3:GetObject only, so MinIO refuses anonymous listing; moto does not
    # evaluate policies for ListObjects, so that part is not checked here.
    assert storage.public_read_statement()["Action"] == ["s3:GetObject"]


def test_public_base_url_and_endpoint_forms(moto_endpoint: str):
    storage = MinioStorage(f"http://{moto_endpoint}", "k", "s", "media", public_base_url="https://cdn.example.cn/m/")
    assert storage.url("a b/c.jpg", public=True) == "https://cdn.example.cn/m/public/a%20b/c.jpg"
    assert storage.client._base_url.is_https is False
    secure = MinioStorage("https://minio.example.cn:9000", "k", "s", "media")
    assert secure.url("c.jpg", public=True) == "https://minio.example.cn:9000/media/public/c.jpg"


def test_presigned_urls_are_short_lived(moto_endpoint: str):
    storage = moto_storage(moto_endpoint, presign_expiry=timedelta(minutes=2))
    storage.save("p.txt", b"x", "text/plain")
    assert "X-Amz-Expires=120" in storage.url("p.txt", public=False)
    assert "X-Amz-Expires=300" in storage.presigned_put("q.txt", "text/plain", timedelta(minutes=5))


def test_invalid_bucket_name_refused(moto_endpoint: str):
    with pytest.raises(ValueError):
        MinioStorage(moto_endpoint, "k", "s", "x").exists("a")


def test_open_storage_local(tmp_path: Path):
    storage = open_storage(backend="local", root=tmp_path / "media", base_url="http://app", secret="s")
    assert isinstance(storage, LocalStorage)
    assert (tmp_path / "media").is_dir()
    assert storage.url("a.jpg", public=True) == "http://app/media/a.jpg"


def test_open_storage_minio(moto_endpoint: str):
    storage = open_storage(
        StorageConfig(backend="minio", endpoint=moto_endpoint, access_key="k", secret_key="s", bucket=new_bucket())
    )
    assert isinstance(storage, MinioStorage)
    storage.save("a.txt", b"a", "text/plain")
    assert storage.read("a.txt") == b"a"


def test_open_storage_refuses_unknown_backend(tmp_path: Path):
    with pytest.raises(ValueError, match="unknown media backend"):
        open_storage(backend="ftp", root=tmp_path)
    with pytest.raises(ValueError, match="secret"):
        open_storage(backend="local", root=tmp_path)


def test_s3_errors_other_than_missing_propagate(moto_endpoint: str):
    storage = moto_storage(moto_endpoint)
    storage.exists("a")
    storage.client.remove_bucket(storage.bucket)
    with pytest.raises(S3Error) as caught:
        storage.read("a")
    assert caught.value.code == "NoSuchBucket"
