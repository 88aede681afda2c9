"""JSON Lines inputs (manifests, registries, decisions): one object per line, each checked by a schema."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

from korea_deterrence.schema.validate import RecordValidator
from korea_deterrence.schema.violations import Violation

if TYPE_CHECKING:
    from hashlib import _Hash as Hash


@dataclass(frozen=True, slots=True)
class JsonLine:
    """One line: its 1-based number, the object (None when unreadable) and its violations."""

    number: int
    record: dict[str, Any] | None
    violations: list[Violation]


BLOCK_BYTES = 1 << 20


def jsonl_lines(path: Path, digest: Hash | None = None) -> Iterator[tuple[int, str | bytes]]:
    """(1-based number, text) of every line, streamed; only LF separates lines. A line that is not
    UTF-8 comes as its bytes (check_line reports it). `digest`, if given, takes in the file's bytes."""
    for first, lines in jsonl_blocks(path, digest):
        yield from enumerate(lines, start=first)


def jsonl_blocks(path: Path, digest: Hash | None = None) -> Iterator[tuple[int, list[str | bytes]]]:
    """The lines of `jsonl_lines` in blocks of about BLOCK_BYTES: (number of the block's first line,
    its lines). Read, decoded and split a block at a time, not a line at a time."""
    number = 1
    for block in line_blocks(path, digest.update if digest is not None else None):
        lines = decode_lines(block)
        yield number, lines
        number += len(lines)


def line_blocks(path: Path, on_read: Callable[[bytes], object] | None = None) -> Iterator[bytes]:
    """The file in blocks of whole lines, about BLOCK_BYTES each, without the last LF. `on_read` gets
    every chunk read, in order."""
    rest = b""
    with path.open("rb") as handle:
        while data := handle.read(BLOCK_BYTES):
            if on_read is not None:
                on_read(data)
            data = rest + data if rest else data
            cut = data.rfind(b"\n")
            if cut < 0:
                rest = data
                continue
            yield data[:cut]
            rest = data[cut + 1:]
    if rest:  # a last line without a line break
        yield rest


def decode_lines(data: bytes) -> list[str | bytes]:
    """The lines of `data` (no LF at its end), each decoded; one that is not UTF-8 stays bytes. (An LF
    byte is never part of a multi-byte UTF-8 sequence, so splitting before or after decoding is the same.)"""
    try:
        return data.decode("utf-8").split("\n")  # type: ignore[return-value]
    except UnicodeDecodeError:
        return [_decoded(line) for line in data.split(b"\n")]


def _decoded(line: bytes) -> str | bytes:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line


def read_jsonl(path: Path, label: str, validator: RecordValidator, json_rule: str) -> Iterator[JsonLine]:
    """Every line of `path`, parsed and schema-checked; `json_rule` names an unreadable line's rule."""
    for number, line in jsonl_lines(path):
        yield check_line(number, line, label, validator, json_rule)


def check_line(number: int, line: str | bytes, label: str, validator: RecordValidator, json_rule: str) -> JsonLine:
    """One line parsed and schema-checked (see `read_jsonl`); bytes are a line that is not UTF-8."""
    if isinstance(line, bytes):
        err = _utf8_error(line)
        return JsonLine(number, None, [Violation(label, number, "", json_rule,
                                                 f"expected UTF-8: invalid byte 0x{line[err.start]:02x} at byte "
                                                 f"{err.start + 1} of the line ({err.reason})")])
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        return JsonLine(number, None, [Violation(label, number, "", json_rule,
                                                 f"expected one JSON object per line: {err.msg} at column {err.colno}")])
    if not isinstance(record, dict):
        return JsonLine(number, None, [Violation(label, number, "", json_rule,
                                                 f"expected a JSON object, got {type(record).__name__}")])
    return JsonLine(number, record, validator.violations(record, label, number))


def _utf8_error(data: bytes) -> UnicodeDecodeError:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        return err
    raise ValueError("the line is valid UTF-8")
