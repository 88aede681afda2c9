"""JSON Lines reading: block-wise and span-wise reading give exactly the lines of reading line by line."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from korea_deterrence.schema import jsonl
from korea_deterrence.corpus.spans import SpanCutter, read_span
from korea_deterrence.schema.jsonl import jsonl_blocks, jsonl_lines, line_blocks

PIECES = st.sampled_from([b"{}", b'{"a": 1}', b"\n", b"\n\n", b"\r\n", b"\xc3\xa9", b"\xff", b"\xe2\x80", b"x" * 9])


def _line_by_line(path: Path) -> list[tuple[int, str | bytes]]:
    """The reference: the file iterated line by line, each line decoded alone."""
    found: list[tuple[int, str | bytes]] = []
    with path.open("rb") as handle:
        for number, data in enumerate(handle, start=1):
            line = data.rstrip(b"\n")
            try:
                found.append((number, line.decode("utf-8")))
            except UnicodeDecodeError:
                found.append((number, line))
    return found


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=30).map(b"".join), st.integers(1, 12))
def test_blocks_give_the_lines_of_reading_line_by_line(data: bytes, block: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as patch:
        patch.setattr(jsonl, "BLOCK_BYTES", block)  # blocks cut lines and UTF-8 sequences anywhere
        path = Path(tmp) / "x.jsonl"
        path.write_bytes(data)
        digest = hashlib.sha256()
        assert list(jsonl_lines(path, digest)) == _line_by_line(path)
        assert digest.hexdigest() == hashlib.sha256(data).hexdigest()
        numbers = [first for first, _ in jsonl_blocks(path)]
        assert numbers == sorted(numbers)


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=30).map(b"".join), st.integers(1, 12), st.integers(1, 4))
def test_spans_give_the_lines_of_reading_line_by_line(data: bytes, block: int, lines: int) -> None:
    """Spans cut from blocks of any size hold `lines` lines each (the last one fewer), follow each other
    in the file, and read back exactly its lines."""
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as patch:
        patch.setattr(jsonl, "BLOCK_BYTES", block)
        path = Path(tmp) / "x.jsonl"
        path.write_bytes(data)
        cutter = SpanCutter(lines)
        for found in line_blocks(path):
            cutter.feed(found, found.count(b"\n") + 1)
        spans = cutter.finish()
        read = [(n, line) for span in spans for n, line in enumerate(read_span(path, span, "x"), start=span.first_line)]
        assert read == _line_by_line(path)
        assert all(span.lines == lines for span in spans[:-1]) and all(0 < span.lines <= lines for span in spans)
        assert [span.offset for span in spans] == [sum(span.size for span in spans[:i]) for i in range(len(spans))]


def test_a_span_changed_since_it_was_cut_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(b'{"a": 1}\n{"a": 2}\n{"a": 3}\n')
    cutter = SpanCutter(2)
    for found in line_blocks(path):
        cutter.feed(found, found.count(b"\n") + 1)
    first, second = cutter.finish()
    path.write_bytes(b'{"a": 1}\n{"a": 2}\n{"a": 4}\n')
    assert read_span(path, first, "x") == ['{"a": 1}', '{"a": 2}']
    with pytest.raises(RuntimeError, match="x changed while it was being read"):
        read_span(path, second, "x")
