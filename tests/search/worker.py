"""A second process on the same index directory, driven by the tests over stdin/stdout.

python -m tests.search.worker reader DIR BACKEND   "search <query>" -> total; "count"; "quit"
python -m tests.search.worker lock DIR             holds the write lock, prints "locked"
python -m tests.search.worker rebuild DIR BACKEND  starts a rebuild, prints "building", hangs
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from search import open_backend
from search.index_dir import IndexDirectory
from tests.search.corpus import corpus


def main() -> None:
    mode, directory = sys.argv[1], Path(sys.argv[2])
    if mode == "lock":
        with IndexDirectory(directory).write_lock(timeout=5):
            print("locked", flush=True)
            time.sleep(3600)
    backend = open_backend(sys.argv[3], directory)
    if mode == "rebuild":

        def docs():
            yield from corpus()[:3]
            print("building", flush=True)
            time.sleep(3600)

        backend.rebuild(docs())
    elif mode == "reader":
        print("ready", flush=True)
        for line in sys.stdin:
            command, _, arg = line.strip().partition(" ")
            if command == "quit":
                break
            if command == "count":
                print(backend.count(), flush=True)
            else:
                print(backend.search(arg).total, flush=True)
    backend.close()


if __name__ == "__main__":
    main()
