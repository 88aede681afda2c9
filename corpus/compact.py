"""What the manifest scan remembers per entry, kept in NumPy arrays of bytes rather than Python
objects, so that a million entries cost tens of megabytes: the raw/ listing and the raw digests."""

from __future__ import annotations

import os
from array import array
from typing import Iterable, Sequence

import numpy as np
from more_itertools import chunked


_LISTING_BATCH = 65536  # names converted at a time, so no list of a million Python strings is ever held


class RawListing:
    """The file names in raw/, sorted; remembers which of them the manifest mentions."""

    def __init__(self, names: Iterable[str | bytes]) -> None:
        """`names` all str or all bytes (os.scandir of a bytes path, 2x faster: no decoding)."""
        parts = [_byte_array(batch) for batch in chunked(names, _LISTING_BATCH)]
        self._names = np.concatenate(parts) if parts else np.array([], dtype="S1")
        del parts
        self._names.sort()  # in place
        self._mentioned = np.zeros(len(self._names), dtype=bool)

    def mention(self, names: Sequence[str | bytes]) -> list[bool]:
        """Mark `names` (all str or all bytes) as mentioned; whether each of them exists."""
        if not len(self._names) or not names:
            return [False] * len(names)
        wanted = _byte_array(names)
        at = np.minimum(np.searchsorted(self._names, wanted), len(self._names) - 1)
        found = self._names[at] == wanted
        self._mentioned[at[found]] = True
        return found.tolist()

    def unlisted(self) -> list[str]:
        """Names never mentioned, sorted."""
        return [os.fsdecode(name) for name in self._names[~self._mentioned]]


def _byte_array(names: Sequence[str | bytes]) -> np.ndarray:
    """Names (all str or all bytes) as an array of bytes."""
    return np.array(names if isinstance(names[0], bytes) else [os.fsencode(n) for n in names], dtype=bytes)


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

    def repeats(self) -> list[tuple[int, int]]:
        """(line, first line with the same digest) for every digest listed before, in line order.

        Sorts only the first 8 bytes of each digest (8 bytes per entry besides the digests held);
        entries whose prefixes collide are then compared in full.
        """
        if not self._lines:
            return []
        prefixes = np.frombuffer(self._digests, dtype=np.uint64)[::4]  # a view: no copy
        order = np.argsort(prefixes, kind="stable")  # equal prefixes stay in line order
        ordered = prefixes[order]
        starts = np.flatnonzero(ordered[1:] == ordered[:-1])  # positions whose prefix equals the next one's
        found: list[tuple[int, int]] = []
        for run in _runs(starts.tolist()):
            first_of: dict[bytes, int] = {}
            for position in run:
                index = int(order[position])
                digest = bytes(self._digests[32 * index:32 * index + 32])
                line = self._lines[index]
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
