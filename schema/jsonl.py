"""JSON Lines inputs (manifests, registries, decisions): one object per line, each checked by a schema."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from korea_deterrence.schema.validate import RecordValidator
from korea_deterrence.schema.violations import Violation


@dataclass(frozen=True, slots=True)
class JsonLine:
    """One line: its 1-based number, the object (None when unreadable) and its violations."""

    number: int
    record: dict[str, Any] | None
    violations: list[Violation]


def jsonl_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(1-based number, text) of every line, streamed; only LF separates lines."""
    with path.open(encoding="utf-8", newline="\n") as handle:
        for number, line in enumerate(handle, start=1):
            yield number, line.rstrip("\n")


def read_jsonl(path: Path, label: str, validator: RecordValidator, json_rule: str) -> Iterator[JsonLine]:
    """Every line of `path`, parsed and schema-checked; `json_rule` names an unreadable line's rule."""
    for number, line in jsonl_lines(path):
        yield check_line(number, line, label, validator, json_rule)


def check_line(number: int, line: str, label: str, validator: RecordValidator, json_rule: str) -> JsonLine:
    """One line parsed and schema-checked (see `read_jsonl`)."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        return JsonLine(number, None, [Violation(label, number, "", json_rule,
                                                 f"expected one JSON object per line: {err.msg} at column {err.colno}")])
    if not isinstance(record, dict):
        return JsonLine(number, None, [Violation(label, number, "", json_rule,
                                                 f"expected a JSON object, got {type(record).__name__}")])
    return JsonLine(number, record, validator.violations(record, label, number))
