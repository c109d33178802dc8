"""Bulk reads of one whoosh segment: whole columns and whole posting lists at once.

whoosh reads these one document at a time through Python calls (a column of 80,000
values took 0.25 s); these helpers read the underlying arrays in one go. They rely on
internals of whoosh-reloaded 2.7.5 (pinned), and fall back to the public per-item API
when those are not there.
"""

from __future__ import annotations

import sys
from array import array
from itertools import accumulate
from typing import Any

from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

_BIG_ENDIAN = sys.byteorder == "big"
#: Field length byte (as stored by whoosh) -> approximate length.
LENGTH_OF_BYTE = [byte_to_length(b) for b in range(256)]


def numeric_column(reader: Any, name: str) -> list[int]:
    """Every document's value of a NumericColumn field, defaults filled in."""
    col = reader.column_reader(name, translate=False)
    n = reader.doc_count_all()
    try:
        raw = col._dbfile.get(col._basepos, col._count * col._fixedlen)
        values = array(col._typecode)
        values.frombytes(raw)
        if not _BIG_ENDIAN and values.itemsize > 1:
            values.byteswap()  # whoosh writes "!" (network order)
        out = values.tolist()
        out.extend([col._default] * (n - len(out)))
        return out
    except AttributeError:  # an empty column reader, or another whoosh
        return list(col)


def ref_column(reader: Any, name: str) -> list[bytes]:
    """Every document's value of a RefBytesColumn field."""
    col = reader.column_reader(name, translate=False)
    n = reader.doc_count_all()
    try:
        refs = array(col._typecode)
        refs.frombytes(col._dbfile.get(col._basepos, n * col._itemsize))
        if not _BIG_ENDIAN and refs.itemsize > 1:
            refs.byteswap()
        return list(map(col._uniques.__getitem__, refs))
    except AttributeError:
        return list(col)


def length_bytes(reader: Any, field: str) -> bytes:
    """Each document's length byte of `field` (see LENGTH_OF_BYTE); 0 = empty."""
    n = reader.doc_count_all()
    try:
        perdoc = reader._perdoc
        col = perdoc._cached_reader(f"_{field}_len", _lengths_column())
        if col is None:
            return bytes(n)
        raw = col._dbfile.get(col._basepos, col._count)
        return raw + bytes(n - len(raw))
    except AttributeError:
        from whoosh.util.numeric import length_to_byte

        return bytes(length_to_byte(reader.doc_field_length(d, field, 0) or 0) for d in range(n))


def _lengths_column() -> Any:
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN

    return LENGTHS_COLUMN


def postings(reader: Any, field: str, term: str) -> tuple[list[int], list[float]]:
    """(docnums, weights) of a term in one segment, deleted documents included."""
    try:
        m = reader.postings(field, term)
    except TermNotFound:
        return [], []
    if isinstance(m, FilterMatcher):  # the deleted-documents filter: callers subtract those
        m = m.child
    ids: list[int] = []
    weights: list[float] = []
    if all(hasattr(m, a) for a in ("_read_data", "_read_weights", "_next_block", "_byteids")):
        while m.is_active():
            m._read_data()
            raw = m._data[0]
            # Block ids are stored as deltas (whoosh's delta_decode, at C speed).
            ids.extend(raw if m._byteids else accumulate(raw))
            m._read_weights()
            weights.extend(m._weights)
            m._next_block()
    else:
        while m.is_active():
            ids.append(m.id())
            weights.append(m.weight())
            m.next()
    return ids, weights
