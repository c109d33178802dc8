"""The on-disk layout of a search directory, shared by every process using it.

    <directory>/CURRENT         name of the live index folder; replaced atomically (os.replace)
    <directory>/ix-<stamp>/     whoosh index folders; only the one named in CURRENT is live
    <directory>/write.lock      held (fcntl/msvcrt, via whoosh's FileLock) by the one writer
    <directory>/vocabulary.json the editors' search vocabulary (see vocabulary_file)

Recovery rules: the write lock is an OS lock on an open file, so the kernel releases it
when its holder dies; the file itself staying behind is harmless (nothing to break by
hand). A rebuild builds `ix-<stamp>.tmp`, renames it, then flips CURRENT: a crash at any
point leaves CURRENT naming a complete index, and the leftovers are removed by the next
writer that opens the directory.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from whoosh.util.filelock import FileLock

from .base import SearchError

POINTER = "CURRENT"
PREFIX = "ix-"
BUILDING = ".tmp"


class IndexDirectory:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def current(self) -> str | None:
        try:
            name = (self.root / POINTER).read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return None
        return name or None

    def path(self, name: str) -> Path:
        return self.root / name

    @contextlib.contextmanager
    def write_lock(self, timeout: float) -> Iterator[None]:
        """Hold the cross-process writer lock, waiting up to `timeout` seconds."""
        self.root.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.root / "write.lock"))
        deadline = time.monotonic() + timeout
        while not lock.acquire(blocking=False):
            if time.monotonic() >= deadline:
                raise SearchError("The search index is busy with another update; please try again shortly.")
            time.sleep(0.05)
        try:
            yield
        finally:
            lock.release()

    def new_build_dir(self) -> Path:
        """A fresh, empty folder beside the live index, not yet visible to readers."""
        name = f"{PREFIX}{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}{BUILDING}"
        path = self.root / name
        path.mkdir(parents=True)
        return path

    def publish(self, build_dir: Path) -> str:
        """Make `build_dir` the live index: rename it, then flip CURRENT atomically.
        Call with the write lock held. Returns the new live name."""
        name = build_dir.name.removesuffix(BUILDING)
        os.replace(build_dir, self.root / name)
        _fsync_dir(self.root)
        tmp = self.root / f"{POINTER}.{uuid.uuid4().hex[:8]}"
        with open(tmp, "w", encoding="ascii") as f:
            f.write(name + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.root / POINTER)
        _fsync_dir(self.root)
        return name

    def remove_stale(self) -> None:
        """Delete index folders and pointer temp files CURRENT does not name. Call with the
        write lock held (no build is running then). Readers elsewhere that still have an
        old folder open keep reading it (POSIX) and move to CURRENT on their next search."""
        live = self.current()
        for entry in self.root.iterdir():
            if entry.name == live:
                continue
            if entry.name.startswith(PREFIX) and entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            elif entry.name.startswith(f"{POINTER}."):
                entry.unlink(missing_ok=True)


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
