"""What the manifest scan remembers per entry, kept as bytes in Arrow arrays rather than Python objects,
so that a million entries cost tens of megabytes: the raw/ listing, the names the manifest mentions,
and the raw digests. The lookups are Arrow's (hash sets and sorts), so the scan does not need NumPy.
"""

from __future__ import annotations

import os
from array import array
from bisect import bisect_right
from typing import Collection, Iterable, NamedTuple, Sequence

import pyarrow as pa
import pyarrow.compute as pc

from korea_deterrence.corpus.parallel import batched

_LISTING_BATCH = 65536  # names converted at a time, so no list of a million Python strings is ever held


class _Mentions(NamedTuple):
    """Consecutive names the manifest mentions: on lines first_line, first_line + 1, ... or on `lines`."""

    names: pa.Array
    first_line: int
    lines: Sequence[int] | None
    required: bool  # whether each must exist (the names of valid lines)

    def line(self, i: int) -> int:
        return self.first_line + i if self.lines is None else self.lines[i]


class RawListing:
    """The file names in raw/ and the names the manifest mentions, checked against each other once
    all are known (`missing`, `unlisted`)."""

    def __init__(self, names: Iterable[str | bytes]) -> None:
        """`names` all str or all bytes (os.scandir of a bytes path, 2x faster: no decoding)."""
        parts = [_binary(batch) for batch in batched(names, _LISTING_BATCH)]
        self._names = pa.chunked_array(parts, pa.binary()).combine_chunks()
        self._mentions: list[_Mentions] = []

    def mention(self, names: Sequence[str | bytes], lines: Sequence[int], required: bool) -> None:
        """Note the names (all str or all bytes) of the manifest lines `lines`; `required`: they must exist."""
        if names:
            self._mentions.append(_Mentions(_binary(names), 0, lines, required))

    def mention_block(self, names: bytes, first_line: int, required: bool = True) -> None:
        """Note the LF-joined names of consecutive lines from `first_line` on."""
        split = pc.split_pattern(pa.array([names], pa.binary()), pattern=b"\n")
        self._mentions.append(_Mentions(split.flatten(), first_line, None, required))

    def missing(self) -> list[tuple[int, str]]:
        """(line, name) of every required name that is not in raw/, in line order."""
        required = [m for m in self._mentions if m.required]
        if not required:
            return []
        absent = pc.is_in(pa.chunked_array([m.names for m in required], pa.binary()), value_set=self._names)
        found, starts, start = [], [], 0
        for m in required:
            starts.append(start)
            start += len(m.names)
        for position in pc.indices_nonzero(pc.invert(absent)).to_pylist():
            chunk = bisect_right(starts, position) - 1
            mention, offset = required[chunk], position - starts[chunk]
            found.append((mention.line(offset), os.fsdecode(mention.names[offset].as_py())))
        return sorted(found)

    def unlisted(self) -> list[str]:
        """Names in raw/ that no line mentions, sorted."""
        mentioned = pa.chunked_array([m.names for m in self._mentions], pa.binary()).combine_chunks()
        spare = self._names.filter(pc.invert(pc.is_in(self._names, value_set=mentioned)))
        return [os.fsdecode(name) for name in sorted(spare.to_pylist())]


def _binary(names: Sequence[str | bytes]) -> pa.Array:
    """Names (all str or all bytes) as an Arrow binary array."""
    return pa.array(names if isinstance(names[0], bytes) else [os.fsencode(n) for n in names], pa.binary())


class Digests:
    """Raw sha256 digests, each with the manifest line that listed it (lines added in increasing order)."""

    def __init__(self) -> None:
        self._digests = bytearray()
        self._lines = array("q")

    def add(self, sha256: str, line: int) -> None:
        self._digests += bytes.fromhex(sha256)
        self._lines.append(line)

    def extend(self, digests: bytes, first_line: int) -> None:
        """Add the digests (32 bytes each, not hex) of consecutive lines starting at `first_line`."""
        self._digests += digests
        self._lines.extend(range(first_line, first_line + len(digests) // 32))

    def repeats(self, excluded: Collection[int] = ()) -> list[tuple[int, int]]:
        """(line, first line with the same digest) for every digest listed before, in line order; lines in
        `excluded` count as not listed.

        Sorts only the first 8 bytes of each digest (8 bytes per entry besides the digests held);
        entries whose prefixes collide are then compared in full.
        """
        count = len(self._lines)
        if count < 2:
            return []
        prefixes = memoryview(self._digests).cast("Q")[::4].tobytes()  # the first 8 bytes of each
        keys = pa.Array.from_buffers(pa.uint64(), count, [None, pa.py_buffer(prefixes)])
        order = pc.sort_indices(keys)
        ordered = keys.take(order)
        # positions (in sorted order) whose prefix equals the next one's
        starts = pc.indices_nonzero(pc.equal(ordered.slice(1), ordered.slice(0, count - 1))).to_pylist()
        found: list[tuple[int, int]] = []
        for run in _runs(starts):
            indices = sorted(order[position].as_py() for position in run)  # in line order
            first_of: dict[bytes, int] = {}
            for index in indices:
                line = self._lines[index]
                if line in excluded:
                    continue
                digest = bytes(self._digests[32 * index:32 * index + 32])
                if digest in first_of:
                    found.append((line, first_of[digest]))
                else:
                    first_of[digest] = line
        return sorted(found)


def _runs(starts: list[int]) -> list[list[int]]:
    """Runs of sorted positions p, p+1, ..., p+k from the positions p whose value equals the next one's."""
    runs: list[list[int]] = []
    for position in starts:
        if runs and runs[-1][-1] == position:
            runs[-1].append(position + 1)
        else:
            runs.append([position, position + 1])
    return runs
