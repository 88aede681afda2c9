"""What the manifest scan remembers per entry, kept in NumPy arrays of bytes rather than Python
objects, so that a million entries cost tens of megabytes: the raw/ listing and the raw digests."""

from __future__ import annotations

import os
from array import array
from typing import Iterable

import numpy as np

from korea_deterrence.corpus.parallel import batched

_LISTING_BATCH = 65536  # names converted at a time, so no list of a million Python strings is ever held


class RawListing:
    """The file names in raw/, sorted; remembers which of them the manifest mentions."""

    def __init__(self, names: Iterable[str]) -> None:
        parts = [np.array(batch, dtype=bytes) for batch in batched(map(os.fsencode, names), _LISTING_BATCH)]
        self._names = np.sort(np.concatenate(parts)) if parts else np.array([], dtype="S1")
        self._mentioned = np.zeros(len(self._names), dtype=bool)

    def mention(self, names: list[str]) -> list[bool]:
        """Mark `names` as mentioned; whether each of them exists."""
        if not len(self._names) or not names:
            return [False] * len(names)
        wanted = np.array([os.fsencode(n) for n in names], dtype=bytes)
        at = np.minimum(np.searchsorted(self._names, wanted), len(self._names) - 1)
        found = self._names[at] == wanted
        self._mentioned[at[found]] = True
        return found.tolist()

    def unlisted(self) -> list[str]:
        """Names never mentioned, sorted."""
        return [os.fsdecode(name) for name in self._names[~self._mentioned]]


class Digests:
    """Raw sha256 digests, each with the manifest line that listed it (lines added in increasing order)."""

    def __init__(self) -> None:
        self._digests = bytearray()
        self._lines = array("q")

    def add(self, sha256: str, line: int) -> None:
        self._digests += bytes.fromhex(sha256)
        self._lines.append(line)

    def repeats(self) -> list[tuple[int, int]]:
        """(line, first line with the same digest) for every digest listed before, in line order."""
        if not self._lines:
            return []
        # S32 compares as bytes; two different 32-byte values never compare equal
        digests = np.frombuffer(bytes(self._digests), dtype="S32")
        order = np.argsort(digests, kind="stable")  # equal digests stay in line order
        lines = np.frombuffer(self._lines, dtype=np.int64)[order]
        ordered = digests[order]
        repeat = np.concatenate(([False], ordered[1:] == ordered[:-1]))
        first = np.maximum.accumulate(np.where(repeat, 0, np.arange(len(repeat))))
        return sorted(zip(lines[repeat].tolist(), lines[first[repeat]].tolist()))
