"""The default SearchBackend: a whoosh index directory with the jieba analyzer.

Concurrency: one writer at a time across processes (the directory's write lock, with a
timeout) and across threads (a threading lock); readers never wait for writers. Searches
within one process are serialised (pure Python: the GIL would serialise them anyway) and
check before each search whether another process changed the index.
"""

from __future__ import annotations

import contextlib
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from whoosh import writing
from whoosh.filedb.filestore import FileStorage
from whoosh.index import EmptyIndexError, LockError

from .analyzer import tokenizer
from .base import (
    Hit,
    SearchDocument,
    SearchError,
    SearchFilter,
    SearchKind,
    SearchResults,
    SearchSort,
)
from .highlight import snippets
from .index_dir import IndexDirectory
from .query import ParsedQuery, parse_query
from .vocabulary_file import VOCABULARY_FILE, VocabularyFile
from .whoosh_match import match
from .whoosh_readers import ReaderPool
from .whoosh_rerank import RERANK_DEPTH, Candidate, Ranker
from .whoosh_schema import Codec, build_schema, document_fields
from .whoosh_segment import LRU, FacetTable, SegmentData
from .whoosh_state import NO_PLACE_WEIGHT, PLACE_NAMED_WEIGHT, SearcherState

#: Deepest result reachable by paging (offset + limit).
MAX_WINDOW = 10_000


class WhooshBackend:
    def __init__(
        self,
        directory: Path,
        *,
        lock_timeout: float = 10.0,
        build_procs: int = 1,
        build_limitmb: int = 128,
        cache_entries: int = 3_000_000,
        home_regions: Iterable[str] = (),
        ranker: Ranker | None = None,
    ) -> None:
        """`directory` is created if needed. `lock_timeout`: how long a write waits for
        another writer before raising SearchError. `build_procs`: processes used by
        `rebuild()` (whoosh's multiprocessing writer) when greater than one.
        `cache_entries`: bound on cached docset and term-table entries (about 60 bytes each).
        `home_regions`: where the site is (e.g. 湖北): a question naming no place is taken to be
        asked there, so local regulations of other regions rank below national laws.
        `ranker`: re-ranks the best candidates (the fitted model by default)."""
        self._dir = IndexDirectory(Path(directory))
        self._lock_timeout = lock_timeout
        self._build_procs = build_procs
        self._build_limitmb = build_limitmb
        self._schema = build_schema()
        self._write_lock = threading.Lock()
        self._read_lock = threading.RLock()
        self._state: SearcherState | None = None
        self._ix: Any = None  # the whoosh index object of `_ix_name`
        self._ix_name: str | None = None
        self._pool = ReaderPool()  # open segment readers of `_ix`
        self._stale = False  # set by our own writes: refresh before the next search
        self._segments: dict[str, SegmentData] = {}
        self._facets = FacetTable()
        self._cache = LRU(cache_entries)
        self._vocabulary = VocabularyFile(self._dir.root / VOCABULARY_FILE)
        self._home_regions = tuple(home_regions)
        self.ranker = ranker or Ranker()
        self._closed = False
        if self._dir.current() is None:
            with self._writing():
                if self._dir.current() is None:
                    self._dir.remove_stale()
                    build = self._dir.new_build_dir()
                    _storage(build).create_index(self._schema)
                    self._dir.publish(build)

    # -- writing --------------------------------------------------------------------------

    def index(self, docs: Iterable[SearchDocument]) -> None:
        # One document per key (the last wins): whoosh's update_document cannot replace a
        # document added earlier in the same, uncommitted batch.
        batch = {doc.key: document_fields(doc) for doc in docs}
        if batch:
            self._write(lambda w: [w.update_document(**fields) for fields in batch.values()])

    def delete(self, keys: Iterable[str]) -> None:
        keys = list(keys)
        if keys:
            self._write(lambda w: [w.delete_by_term("key", k) for k in keys])

    def delete_by_parent(self, parent_keys: Iterable[str]) -> None:
        parent_keys = list(parent_keys)
        if parent_keys:
            self._write(lambda w: [w.delete_by_term("parent_key", k) for k in parent_keys])

    def clear(self) -> None:
        self._write(lambda w: None, mergetype=writing.CLEAR)

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """The one writer: of this process (threads), then of the directory (processes),
        each waited for up to `lock_timeout`."""
        self._check_open()
        if not self._write_lock.acquire(timeout=self._lock_timeout):
            raise SearchError("The search index is busy with another update; please try again shortly.")
        try:
            with self._dir.write_lock(self._lock_timeout):
                yield
        finally:
            self._write_lock.release()

    def _write(self, apply: Callable[[Any], Any], **commit: Any) -> None:
        with self._writing():
            ix = self._open_index(self._current_name())
            try:
                writer = ix.writer(timeout=self._lock_timeout, codec=Codec())
            except LockError as exc:
                raise SearchError("The search index is busy with another update; please try again.") from exc
            try:
                apply(writer)
            except BaseException:
                writer.cancel()
                raise
            writer.commit(**commit)
            ix.close()
        self._stale = True

    def rebuild(self, docs: Iterable[SearchDocument], progress: Callable[[int], None] | None = None) -> int:
        with self._writing():
            self._dir.remove_stale()
            build = self._dir.new_build_dir()
            try:
                count = self._build(build, docs, progress)
                old = self._dir.current()
                self._dir.publish(build)
            except BaseException:
                shutil.rmtree(build, ignore_errors=True)
                raise
            if old:
                # Readers in other processes keep their open files (POSIX) until they refresh.
                shutil.rmtree(self._dir.path(old), ignore_errors=True)
        self._stale = True
        return count

    def _build(self, build: Path, docs: Iterable[SearchDocument], progress: Callable[[int], None] | None) -> int:
        ix = _storage(build).create_index(self._schema)
        options: dict[str, Any] = {"limitmb": self._build_limitmb, "codec": Codec()}
        if self._build_procs > 1:
            # whoosh forks one writer per process, each making its own segment; load jieba
            # first so they share it instead of loading it once each.
            tokenizer()
            options.update(procs=self._build_procs, multisegment=True, batchsize=256)
        writer = ix.writer(**options)
        seen: set[str] = set()
        try:
            for doc in docs:
                if doc.key in seen:  # the first of duplicate keys wins
                    continue
                seen.add(doc.key)
                writer.add_document(**document_fields(doc))
                if progress and len(seen) % 1000 == 0:
                    progress(len(seen))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        ix.close()
        if progress:
            progress(len(seen))
        return len(seen)

    # -- reading --------------------------------------------------------------------------

    def count(self) -> int:
        return self._reading(lambda st: st.doc_count)

    def set_vocabulary(self, entries: Mapping[str, Sequence[str]]) -> None:
        with self._writing():
            self._vocabulary.write(entries)

    def vocabulary(self) -> dict[str, list[str]]:
        self._check_open()
        return self._vocabulary.entries()

    def search(
        self,
        query: str,
        filter: SearchFilter | None = None,
        sort: SearchSort = SearchSort.RELEVANCE,
        offset: int = 0,
        limit: int = 20,
        facets: bool = False,
        highlight: bool = True,
    ) -> SearchResults:
        self._check_open()
        parsed = parse_query(query, self._vocabulary.current())
        offset = max(0, min(int(offset), MAX_WINDOW))
        limit = max(0, min(int(limit), MAX_WINDOW - offset))
        sort = SearchSort(sort)
        return self._reading(lambda st: self._search(st, parsed, filter, sort, offset, limit, facets, highlight))

    def _reading(self, read: Callable[[SearcherState], Any]) -> Any:
        with self._read_lock:
            for attempt in range(3):
                try:
                    return read(self._fresh_state())
                except (OSError, SearchError):
                    # Another process swapped the index folder (rebuild) or removed merged
                    # segments between our looking and our reading: look again.
                    if attempt == 2 or self._closed:
                        raise
                    self._drop_state()
        raise AssertionError("unreachable")

    def _search(
        self,
        st: SearcherState,
        parsed: ParsedQuery,
        filt: SearchFilter | None,
        sort: SearchSort,
        offset: int,
        limit: int,
        facets: bool,
        highlight: bool,
    ) -> SearchResults:
        found = match(st, parsed, filt)
        k = offset + limit
        stored_fields: dict[tuple[int, int], dict] = {}  # read once, by the re-ranker or for the page

        def stored(view: int, docnum: int) -> dict:
            found_fields = stored_fields.get((view, docnum))
            if found_fields is None:
                found_fields = stored_fields[view, docnum] = st.stored(view, docnum)
            return found_fields

        if sort == SearchSort.RELEVANCE and found.terms:
            regions = tuple(parsed.regions) or self._home_regions
            place = (regions, PLACE_NAMED_WEIGHT if parsed.regions else NO_PLACE_WEIGHT)

            def candidate(view: int, docnum: int) -> Candidate:
                fields = stored(view, docnum)
                kind, level, status, region, _ = st.facet_values(view, docnum)
                return Candidate(fields.get("title") or "", fields.get("body") or "", fields.get("extra") or "",
                                 kind, level, status, region)

            page = []
            tiers = [found.docs] if found.first is None else [
                found.first, [a - b for a, b in zip(found.docs, found.first, strict=True)]]
            for docs in tiers:  # a widened search's extra documents rank after the others
                ranked = st.top_scored(docs, found.terms, max(k, RERANK_DEPTH), found.shares, place)
                page += self.ranker.rerank(ranked, parsed, found.weights, regions, candidate)
            page = page[offset:k]
        else:  # no words to rank by: newest first
            page = st.top_by_date(found.docs, k, sort != SearchSort.OLDEST)[offset:]
        terms = parsed.highlight_terms()
        hits = []
        for score, view, docnum in page:
            fields = stored(view, docnum)
            fragments = []
            if highlight:
                fragments = snippets(fields.get("body") or "", terms) or snippets(fields.get("title", ""), terms)
            hits.append(Hit(fields["key"], SearchKind(fields["kind"]), float(score), fragments))
        return SearchResults(
            total=found.total,
            hits=hits,
            facets=st.facet_counts(found.docs) if facets else None,
        )

    # -- searcher lifecycle ------------------------------------------------------------------

    def _fresh_state(self) -> SearcherState:
        self._check_open()
        st = self._state
        name = self._current_name()
        if st is not None and not self._stale and st.name == name and st.up_to_date(self._ix):
            return st
        self._stale = False
        if self._ix is None or self._ix_name != name:
            self._pool.close()
            self._ix, self._ix_name = self._open_index(name), name
        reader, generation = self._pool.open(self._ix)
        self._state = SearcherState(reader, generation, name, self._segments, self._facets, self._cache)
        live = self._state.segment_ids()
        for segid in list(self._segments):
            if segid not in live:
                del self._segments[segid]
        return self._state

    def _drop_state(self) -> None:
        with contextlib.suppress(OSError):
            self._pool.close()
        self._state = None
        self._ix = self._ix_name = None

    def _current_name(self) -> str:
        name = self._dir.current()
        if name is None:
            raise SearchError("The search index is missing; an administrator must rebuild it (reindex).")
        return name

    def _open_index(self, name: str) -> Any:
        try:
            return _storage(self._dir.path(name)).open_index(schema=self._schema)
        except (EmptyIndexError, OSError) as exc:
            raise SearchError("The search index cannot be opened; an administrator must rebuild it (reindex).") from exc

    def _check_open(self) -> None:
        if self._closed:
            raise SearchError("The search service is shut down.")

    def close(self) -> None:
        with self._read_lock:
            self._drop_state()
            self._segments.clear()
            self._cache.clear()
            self._closed = True


def _storage(path: Path) -> FileStorage:
    # No mmap: whoosh wraps each mmapped segment file in a BytesIO, which copies the whole
    # file into memory every time a segment reader opens (60 ms and tens of MB per big
    # segment). Plain file reads hit the OS page cache instead.
    return FileStorage(str(path), supports_mmap=False)
