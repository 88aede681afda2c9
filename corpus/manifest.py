"""The sources manifest (corpus/sources.jsonl): one JSON object per line, schema/source.schema.json,
lines sorted by article_id.

It is read in two streaming passes so that memory does not hold the entries: `scan_manifest` checks
every line and keeps only what the cross-line checks need (names, digests, bad line numbers);
`iter_manifest` then yields the valid entries in order, after checking the file did not change.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from korea_deterrence.corpus.records import FACT_FIELDS, Fact, SourceEntry
from korea_deterrence.schema import RecordValidator, Violation
from korea_deterrence.schema.jsonl import jsonl_lines, read_jsonl


@dataclass
class ManifestScan:
    """What the first pass learned: violations, raw files named, and which lines are unusable."""

    violations: list[Violation] = field(default_factory=list)
    mentioned: set[str] = field(default_factory=set)  # raw_file of every readable line, valid or not
    bad_lines: set[int] = field(default_factory=set)
    complete: bool = True  # False when a line could not be read at all
    sha256: str = ""
    entries: int = 0


def scan_manifest(path: Path, label: str, raw_present: set[str], raw_dir: str) -> ManifestScan:
    """Check every line: schema, order, duplicate ids, duplicate raw bytes, missing raw files."""
    scan = ScanState(label, raw_present, raw_dir)
    for line in read_jsonl(path, label, RecordValidator("source", "manifest"), "manifest.json"):
        scan.line(line.number, line.record, line.violations)
    scan.result.sha256 = file_sha256(path)
    return scan.result


class ScanState:
    """Per-line checks of the first pass; holds one id and a digest per entry, not the entries."""

    def __init__(self, label: str, raw_present: set[str], raw_dir: str) -> None:
        self.label, self.raw_present, self.raw_dir = label, raw_present, raw_dir
        self.result = ManifestScan()
        self.previous: tuple[str, int] = ("", 0)
        self.digests: dict[bytes, int] = {}  # raw sha256 -> line that listed it

    def line(self, number: int, record: dict[str, Any] | None, found: list[Violation]) -> None:
        if record is None:
            self.result.complete = False
        elif isinstance(record.get("raw_file"), str):
            self.result.mentioned.add(record["raw_file"])
        if not found:
            found = self._cross_checks(number, record)
        self.result.violations += found
        if found:
            self.result.bad_lines.add(number)
        else:
            self.result.entries += 1

    def _cross_checks(self, number: int, record: dict[str, Any]) -> list[Violation]:
        article_id, (previous, previous_line) = record["article_id"], self.previous
        if article_id == previous:
            return [self._violation(number, "/article_id", "manifest.duplicate-id",
                                    f"article_id {article_id!r} already used on line {previous_line}")]
        if article_id < previous:
            return [self._violation(number, "/article_id", "manifest.order",
                                    f"{article_id!r} comes after {previous!r} (line {previous_line}); "
                                    "lines must be sorted by article_id")]
        self.previous = (article_id, number)
        if record["raw_file"] not in self.raw_present:
            return [self._violation(number, "/raw_file", "raw.missing",
                                    f"raw file {self.raw_dir}/{record['raw_file']} does not exist")]
        digest = bytes.fromhex(record["sha256"])
        if digest in self.digests:
            return [self._violation(number, "/sha256", "raw.duplicate",
                                    f"same raw bytes as the entry on line {self.digests[digest]}")]
        self.digests[digest] = number
        return []

    def _violation(self, number: int, pointer: str, rule: str, message: str) -> Violation:
        return Violation(self.label, number, pointer, rule, message)


def iter_manifest(path: Path, scan: ManifestScan, label: str) -> Iterator[SourceEntry]:
    """The valid entries, in file (= article_id) order; the file must be the one that was scanned."""
    if file_sha256(path) != scan.sha256:
        raise RuntimeError(f"{label} changed while it was being read; run the command again")
    for number, line in jsonl_lines(path):
        if number not in scan.bad_lines:
            yield _entry(json.loads(line), number)


def _entry(record: dict[str, Any], number: int) -> SourceEntry:
    facts = {name: Fact(record[name]["value"], record[name]["basis"]) for name in FACT_FIELDS}
    return SourceEntry(record["article_id"], record["raw_file"], record["sha256"], record["size"],
                       line=number, **facts)


def file_sha256(path: Path) -> str:
    """sha256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
