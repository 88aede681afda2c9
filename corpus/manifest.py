"""The sources manifest (corpus/sources.jsonl): one JSON object per line, schema/source.schema.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from korea_deterrence.corpus.records import FACT_FIELDS, Fact, SourceEntry
from korea_deterrence.schema import RecordValidator, Violation


def read_manifest(path: Path, label: str) -> tuple[list[SourceEntry], list[Violation]]:
    """Entries of a manifest, and every violation in it; `label` names the file in messages."""
    validator = RecordValidator("source", "manifest")
    entries: list[SourceEntry] = []
    violations: list[Violation] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        record, problem = _parse(line, label, number)
        found = [problem] if problem else validator.violations(record, label, number)
        violations.extend(found)
        if found:
            continue
        entry = _entry(record, number)
        if entry.article_id in seen:
            violations.append(Violation(label, number, "/article_id", "manifest.duplicate-id",
                                        f"article_id {entry.article_id!r} already used on line {seen[entry.article_id]}"))
            continue
        seen[entry.article_id] = number
        entries.append(entry)
    return entries, violations


def _parse(line: str, label: str, number: int) -> tuple[Any, Violation | None]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        return None, Violation(label, number, "", "manifest.json",
                               f"expected one JSON object per line: {err.msg} at column {err.colno}")
    if not isinstance(record, dict):
        return None, Violation(label, number, "", "manifest.json",
                               f"expected a JSON object, got {type(record).__name__}")
    return record, None


def _entry(record: dict[str, Any], number: int) -> SourceEntry:
    facts = {name: Fact(**record[name]) for name in FACT_FIELDS}
    return SourceEntry(record["article_id"], record["raw_file"], record["sha256"], record["size"],
                       line=number, **facts)
