"""What only the local backend has: files on disk, atomic replacement, a root nothing escapes."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from media.local import LocalStorage
from media.storage import InvalidKey, NotFoundInStorage


@pytest.fixture
def storage(tmp_path: Path) -> LocalStorage:
    return LocalStorage(tmp_path / "media", "http://app.test/", "secret")


def test_layout(storage: LocalStorage):
    storage.save("news/2026/a.jpg", b"jpeg", "image/jpeg")
    assert (storage.root / "objects/news/2026/a.jpg").read_bytes() == b"jpeg"
    assert (storage.root / "meta/news/2026/a.jpg.json").is_file()
    # A key that looks like a metadata file is just another key.
    storage.save("news/2026/a.jpg.json", b"{}", "application/json")
    assert storage.stat("news/2026/a.jpg").content_type == "image/jpeg"


def test_failed_write_leaves_no_temporary_file(storage: LocalStorage):
    storage.save("a/b.bin", b"old", "application/octet-stream")

    class Broken(io.RawIOBase):
        def read(self, size: int = -1) -> bytes:
            raise OSError("disk full")

    with pytest.raises(OSError):
        storage.save("a/b.bin", Broken(), "application/octet-stream")  # type: ignore[arg-type]
    assert storage.read("a/b.bin") == b"old"
    assert sorted(os.listdir(storage.root / "objects/a")) == ["b.bin"]


def test_symlink_inside_root_does_not_lead_out(storage: LocalStorage, tmp_path: Path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("top secret")
    (storage.root / "objects" / "link").symlink_to(outside)
    with pytest.raises(InvalidKey):
        storage.read("link/secret.txt")
    with pytest.raises(InvalidKey):
        storage.save("link/planted.txt", b"x", "text/plain")
    assert not (outside / "planted.txt").exists()


def test_directory_is_not_an_object(storage: LocalStorage):
    storage.save("dir/file.txt", b"x", "text/plain")
    assert not storage.exists("dir")
    with pytest.raises(NotFoundInStorage):
        storage.read("dir")
    with pytest.raises(NotFoundInStorage):
        storage.stat("dir")


def test_urls(storage: LocalStorage):
    assert storage.url("a b.jpg", public=True) == "http://app.test/media/a%20b.jpg"
    assert storage.url("a.jpg", public=False).startswith("http://app.test/media/a.jpg?expires=")
    put = storage.presigned_put("up/a.pdf", "application/pdf", storage.url_expiry)
    assert put.startswith("http://app.test/media-upload/up/a.pdf?expires=")
    assert "ct=application%2Fpdf" in put


def test_secret_required(tmp_path: Path):
    with pytest.raises(ValueError):
        LocalStorage(tmp_path, "http://app.test", "")


def test_stale_or_missing_metadata_never_gives_a_wrong_etag(storage: LocalStorage):
    storage.save("a.txt", b"one", "text/plain")
    meta = storage.root / "meta/a.txt.json"
    old_meta = meta.read_bytes()
    first = storage.stat("a.txt").etag
    storage.save("a.txt", b"two!", "text/plain")
    meta.write_bytes(old_meta)  # as if the process died between the data and metadata renames
    info = storage.stat("a.txt")
    assert info.etag != first
    assert info.size == 4
    meta.unlink()
    info = storage.stat("a.txt")
    assert info.content_type == "application/octet-stream"
    assert info.etag
    assert not storage.is_public("a.txt")
    storage.set_public("a.txt", True)
    assert storage.is_public("a.txt")
