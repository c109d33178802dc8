"""Opening whoosh readers that reuse the segment readers of unchanged segments.

whoosh's own reuse (`Searcher.refresh`, `Index.reader(reuse=...)`) is wrong in
whoosh-reloaded 2.7.5: it adds back segments that a merge removed and keeps a segment's
old deletions, so deleted or replaced documents come back. Here a segment reader is
reused only if its segment is still in the index with the same number of deletions
(deletions only grow), and the pool owns every segment reader it hands out.
"""

from __future__ import annotations

import time
from typing import Any

from whoosh.reading import EmptyReader, MultiReader, SegmentReader


class ReaderPool:
    def __init__(self) -> None:
        self._readers: dict[str, Any] = {}

    def open(self, ix: Any) -> tuple[Any, int]:
        """A reader of the latest commit of `ix`, and that commit's generation."""
        for attempt in range(10):
            try:
                info = ix._read_toc()
                return self._assemble(ix, info), info.generation
            except FileNotFoundError:
                # A writer removed merged segments between our reading the TOC and
                # opening them: read the newer TOC (whoosh's Index.reader does the same).
                if attempt == 9:
                    raise
                time.sleep(0.05)
        raise AssertionError("unreachable")

    def _assemble(self, ix: Any, info: Any) -> Any:
        fresh: dict[str, Any] = {}
        readers = []
        try:
            for segment in info.segments:
                segid = segment.segment_id()
                old = self._readers.get(segid)
                if old is not None and old.segment().deleted_count() == segment.deleted_count():
                    reader = old
                else:
                    reader = SegmentReader(ix.storage, info.schema, segment, generation=info.generation)
                fresh[segid] = reader
                readers.append(reader)
        except BaseException:
            for segid, reader in fresh.items():
                if self._readers.get(segid) is not reader:
                    reader.close()
            raise
        for segid, reader in self._readers.items():
            if fresh.get(segid) is not reader:
                reader.close()
        self._readers = fresh
        if not readers:
            return EmptyReader(info.schema)
        if len(readers) == 1:
            return readers[0]
        return MultiReader(readers, generation=info.generation)

    def close(self) -> None:
        for reader in self._readers.values():
            reader.close()
        self._readers = {}
