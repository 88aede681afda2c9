"""The sources manifest (corpus/sources.jsonl): one JSON object per line, schema/source.schema.json."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from korea_deterrence.corpus.records import FACT_FIELDS, Fact, SourceEntry
from korea_deterrence.schema import RecordValidator, Violation
from korea_deterrence.schema.jsonl import read_jsonl


@dataclass(frozen=True, slots=True)
class Manifest:
    """The valid entries of a manifest, its violations, and every raw file name it mentions."""

    entries: list[SourceEntry]
    violations: list[Violation]
    mentioned: set[str]  # raw_file of every readable line, valid or not
    complete: bool  # False when a line could not be read at all


def read_manifest(path: Path, label: str) -> Manifest:
    """Read a manifest; `label` names the file in messages."""
    validator = RecordValidator("source", "manifest")
    entries: list[SourceEntry] = []
    violations: list[Violation] = []
    seen: dict[str, int] = {}
    mentioned: set[str] = set()
    facts_seen: dict[tuple[Any, str], Fact] = {}
    for line in read_jsonl(path, label, validator, "manifest.json"):
        record, number, found = line.record, line.number, line.violations
        violations.extend(found)
        if record is not None and isinstance(record.get("raw_file"), str):
            mentioned.add(record["raw_file"])
        if found:
            continue
        entry = _entry(record, number, facts_seen)
        if entry.article_id in seen:
            violations.append(Violation(label, number, "/article_id", "manifest.duplicate-id",
                                        f"article_id {entry.article_id!r} already used on line {seen[entry.article_id]}"))
            continue
        seen[entry.article_id] = number
        entries.append(entry)
    complete = not any(v.rule == "manifest.json" for v in violations)
    return Manifest(entries, violations, mentioned, complete)


def _entry(record: dict[str, Any], number: int, facts_seen: dict[tuple[Any, str], Fact]) -> SourceEntry:
    """An entry; equal provenance facts are shared between entries, so memory grows slowly with N."""
    facts = {}
    for name in FACT_FIELDS:
        key = (record[name]["value"], record[name]["basis"])
        facts[name] = facts_seen.get(key) or facts_seen.setdefault(key, Fact(*key))
    return SourceEntry(record["article_id"], record["raw_file"], record["sha256"], record["size"],
                       line=number, **facts)
