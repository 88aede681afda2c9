"""The manifest cut into spans of consecutive lines, each with the sha256 of its bytes, found while the
first pass reads the file. A later stage keys its work by span and reads back only the spans it
needs: the build writes one articles shard per span and copies the shard of an unchanged span from
the previous release without reading that span again.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import NamedTuple

from korea_deterrence.schema.jsonl import decode_lines

SPAN_LINES = 10_000  # about 5.6 MB of manifest; an articles shard of ~55 MB of text, ~7 MB compressed


class Span(NamedTuple):
    """Lines first_line .. first_line + lines - 1, at bytes offset .. offset + size of the file."""

    first_line: int
    lines: int
    offset: int
    size: int
    sha256: str  # of the lines, each followed by LF (also the file's last line, when it has none)


class SpanCutter:
    """Cuts the blocks of whole lines that `line_blocks` reads, in order, into spans of `lines` lines."""

    def __init__(self, lines: int) -> None:
        self.size = lines
        self.spans: list[Span] = []
        self._open(1, 0)

    def feed(self, block: bytes, lines: int) -> None:
        """The next block: `lines` lines, without the last one's LF (which the file has, unless it ends
        there; it is hashed and counted all the same)."""
        view, at = memoryview(block), 0
        while self._lines + lines >= self.size:  # the span ends in this block
            need = self.size - self._lines
            end = _after_lines(block, at, need)
            self._hash.update(view[at:end])
            if end > len(block):  # (the block's last line)
                self._hash.update(b"\n")
            self._lines, self._bytes, lines, at = self.size, self._bytes + end - at, lines - need, end
            self._close()
        if lines:
            self._hash.update(view[at:])
            self._hash.update(b"\n")
            self._lines, self._bytes = self._lines + lines, self._bytes + len(block) - at + 1

    def finish(self) -> list[Span]:
        if self._lines:
            self._close()
        return self.spans

    def _open(self, first_line: int, offset: int) -> None:
        self._first, self._offset, self._lines, self._bytes = first_line, offset, 0, 0
        self._hash = hashlib.sha256()

    def _close(self) -> None:
        span = Span(self._first, self._lines, self._offset, self._bytes, self._hash.hexdigest())
        self.spans.append(span)
        self._open(span.first_line + span.lines, span.offset + span.size)


def _after_lines(block: bytes, at: int, count: int) -> int:
    """The position just after the count-th line from `at` ends (len(block) + 1 for the block's last line)."""
    for _ in range(count):
        at = block.find(b"\n", at) + 1 or len(block) + 1
    return at


def read_span(path: Path, span: Span, label: str) -> list[str | bytes]:
    """The lines of `span`, read back; RuntimeError when they are not the bytes the first pass read (the
    build, which writes nothing in place until the end, then leaves nothing)."""
    with path.open("rb") as handle:
        handle.seek(span.offset)
        data = handle.read(span.size)
    if not data.endswith(b"\n"):  # the file's last line
        data += b"\n"
    if hashlib.sha256(data).hexdigest() != span.sha256:
        raise RuntimeError(f"{label} changed while it was being read; run the command again")
    return decode_lines(data[:-1])
