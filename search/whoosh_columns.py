"""Bulk reads of one whoosh segment: whole columns and whole posting lists at once.

whoosh reads these one document at a time through Python calls (a column of 80,000
values took 0.25 s); these helpers read the underlying arrays in one go. They rely on
internals of whoosh-reloaded 2.7.5 (pinned), and fall back to the public per-item API
when those are not there.
"""

from __future__ import annotations

import io
import pickle
import struct
import sys
import zlib
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
    try:
        return _read_posting_list(m)
    except (AttributeError, ValueError, struct.error, pickle.UnpicklingError, zlib.error):
        m.reset()  # an in-memory (inlined) posting list, or another whoosh: the public API
    ids: list[int] = []
    weights: list[float] = []
    while m.is_active():
        ids.append(m.id())
        weights.append(m.weight())
        m.next()
    return ids, weights


_MAGIC = b"W3Bl"  # whoosh3's posting list header
_INT = struct.Struct("!i")


def _read_posting_list(m: Any) -> tuple[list[int], list[float]]:
    # One read of the whole list, then the blocks as whoosh3's W3LeafMatcher parses them:
    # an int length (negative on the last block), a pickled info tuple (count, max id,
    # max weight, compression, min length, max length), then the pickled (and perhaps
    # zlib-compressed) data: id deltas, weights (None = all 1, a float = all that).
    if m._byteids:
        raise ValueError("vector postings")
    length = m._length[0] if isinstance(m._length, tuple) else m._length  # sic, a 1-tuple
    raw = m._postfile.get(m._startoffset, length)
    if raw[:4] != _MAGIC:
        raise ValueError("not a whoosh3 posting list")
    f = io.BytesIO(raw)
    pos = 4
    ids: list[int] = []
    weights: list[float] = []
    while True:
        (length,) = _INT.unpack_from(raw, pos)
        last = length < 0
        end = pos + 4 + abs(length)
        f.seek(pos + 4)
        info = pickle.load(f)
        count, compression = info[0], info[3]
        data = raw[f.tell() : end]
        block = pickle.loads(zlib.decompress(data) if compression else data)
        ids.extend(accumulate(block[0]))
        w = block[1]
        if w is None:
            weights.extend([1.0] * count)
        elif isinstance(w, float):
            weights.extend([w] * count)
        else:
            weights.extend(w)
        if last:
            return ids, weights
        pos = end
