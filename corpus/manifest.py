"""The sources manifest (corpus/sources.jsonl): one JSON object per line, schema/source.schema.json,
lines sorted by article_id.

It is read in two streaming passes so that memory does not hold the entries: `scan_manifest` checks
every line and keeps only what the cross-line checks need (raw names and digests in byte arrays,
bad line numbers) and the file's spans (corpus/spans.py); `entry_lines` then yields the valid lines
in order, or the build reads back the spans it needs, each after checking the bytes did not change,
and `parse_entry` turns a line into a SourceEntry (in the process that uses it).
"""

from __future__ import annotations

import hashlib
import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple, Sequence

from more_itertools import chunked

from korea_deterrence.corpus.compact import Digests, RawListing
from korea_deterrence.corpus.records import FACT_FIELDS, Fact, SourceEntry
from korea_deterrence.corpus.spans import SPAN_LINES, Span, SpanCutter
from korea_deterrence.schema import RecordValidator, Violation
from korea_deterrence.schema.jsonl import JsonLine, check_line, decode_lines, jsonl_blocks, line_blocks


@dataclass
class ManifestScan:
    """What the first pass learned: violations, raw files named, and which lines are unusable."""

    violations: list[Violation] = field(default_factory=list)
    unlisted: list[str] = field(default_factory=list)  # raw files no line names (unknown when incomplete)
    bad_lines: set[int] = field(default_factory=set)
    complete: bool = True  # False when a line could not be read at all
    sha256: str = ""
    entries: int = 0
    spans: list[Span] = field(default_factory=list)  # the file in spans of span_lines lines


SCAN_LINES = 2048  # manifest lines whose raw files are looked up in the raw/ listing at once
MAX_ARTICLE_BYTES = 5_000_000  # default cap on one raw article (`--max-article-bytes`)


class CheckedLine(NamedTuple):
    """What the cross-line checks need of one schema-checked line."""

    number: int
    readable: bool  # False when the line is not a JSON object
    raw_file: str | None  # the line's raw_file when it is a string, even on an invalid line
    key: tuple[str, str, str, int] | None  # (article_id, raw_file, sha256, size) of a schema-valid line
    violations: list[Violation]


def scan_manifest(path: Path, label: str, listing: RawListing, raw_dir: str, span_lines: int = SPAN_LINES,
                  max_bytes: int = MAX_ARTICLE_BYTES) -> ManifestScan:
    """Check every line: schema, order, duplicate ids, duplicate raw bytes, missing and oversized raw files;
    and cut the file into spans of `span_lines` lines."""
    scan = ScanState(label, listing, raw_dir, max_bytes)
    digest = hashlib.sha256()  # of the bytes checked
    spans = SpanCutter(span_lines)
    first = 1  # number of the block's first line
    for block in line_blocks(path, digest.update):
        lines = block.count(b"\n") + 1
        spans.feed(block, lines)
        for part in chunked(enumerate(decode_lines(block), start=first), SCAN_LINES):
            scan.lines(check_lines(label, part))
        first += lines
    scan.finish()
    scan.result.sha256 = digest.hexdigest()
    scan.result.spans = spans.finish()
    return scan.result


def check_lines(label: str, lines: list[tuple[int, str | bytes]]) -> list[CheckedLine]:
    """Parse and schema-check [(number, text), ...] lines of the manifest (schema/source.schema.json,
    compiled: the one statement of what a valid entry is)."""
    return [_blank(label, number) if isinstance(text, str) and not text.strip()
            else _checked(check_line(number, text, label, _validator(), "manifest.json")) for number, text in lines]


def _blank(label: str, number: int) -> CheckedLine:
    return CheckedLine(number, True, None, None, [Violation(
        label, number, "", "manifest.blank-line",
        "blank line: the manifest holds one JSON object per line and no blank lines; delete it")])


@cache
def _validator() -> RecordValidator:
    return RecordValidator("source", "manifest")


def _checked(line: JsonLine) -> CheckedLine:
    record = line.record
    raw_file = record.get("raw_file") if record is not None else None
    key = None if record is None or line.violations else (record["article_id"], record["raw_file"], record["sha256"],
                                                          record["size"])
    return CheckedLine(line.number, record is not None, raw_file if isinstance(raw_file, str) else None, key,
                       line.violations)


class ScanState:
    """Cross-line checks of the first pass, in line order; per entry it keeps bytes in arrays, not objects."""

    def __init__(self, label: str, listing: RawListing, raw_dir: str, max_bytes: int) -> None:
        self.label, self.listing, self.raw_dir, self.max_bytes = label, listing, raw_dir, max_bytes
        self.result = ManifestScan()
        self.previous: tuple[str, int] = ("", 0)
        self.digests = Digests()

    def lines(self, lines: list[CheckedLine]) -> None:
        """Check consecutive lines (the raw/ listing is searched once for all of them)."""
        named = [line for line in lines if line.raw_file is not None]
        present = dict(zip((line.number for line in named), self.listing.mention([line.raw_file for line in named])))
        for line in lines:
            self.result.complete &= line.readable
            found = line.violations or self._cross_checks(line.number, *line.key, present[line.number])
            self._record(line.number, found)

    def finish(self) -> None:
        """Checks that need every line: raw bytes listed twice, raw files listed nowhere."""
        for number, first in self.digests.repeats():
            self._record(number, [self._violation(number, "/sha256", "raw.duplicate",
                                                  f"same raw bytes as the entry on line {first}")])
            self.result.entries -= 1
        if not self.result.violations and not self.result.entries:
            self.result.violations.append(self._violation(0, "", "manifest.empty",
                                                          "the manifest lists no article; add one with kdc add FILE"))
        self.result.violations.sort(key=lambda v: v.line)  # stable: a line's own violations keep their order
        if self.result.complete:
            self.result.unlisted = self.listing.unlisted()

    def _record(self, number: int, found: list[Violation]) -> None:
        self.result.violations += found
        if found:
            self.result.bad_lines.add(number)
        else:
            self.result.entries += 1

    def _cross_checks(self, number: int, article_id: str, raw_file: str, sha256: str, size: int,
                      present: bool) -> list[Violation]:
        previous, previous_line = self.previous
        if article_id == previous:
            return [self._violation(number, "/article_id", "manifest.duplicate-id",
                                    f"article_id {article_id!r} already used on line {previous_line}")]
        if article_id < previous:
            return [self._violation(number, "/article_id", "manifest.order",
                                    f"{article_id!r} comes after {previous!r} (line {previous_line}); "
                                    "lines must be sorted by article_id")]
        self.previous = (article_id, number)
        if not present:
            return [self._violation(number, "/raw_file", "raw.missing",
                                    f"raw file {self.raw_dir}/{raw_file} does not exist")]
        if size > self.max_bytes:
            return [self._violation(number, "/size", "raw.too-large",
                                    f"{raw_file} has {size} bytes, more than the cap of {self.max_bytes} per article "
                                    "(--max-article-bytes)")]
        self.digests.add(sha256, number)
        return []

    def _violation(self, number: int, pointer: str, rule: str, message: str) -> Violation:
        return Violation(self.label, number, pointer, rule, message)


def entry_lines(path: Path, scan: ManifestScan, label: str) -> Iterator[tuple[int, str]]:
    """(number, text) of the valid lines, in file (= article_id) order. The file is hashed as it is
    read: if it is not the one scanned, RuntimeError comes after its last line (the build, which
    writes nothing in place until the end, then leaves nothing)."""
    digest = hashlib.sha256()
    for first, block in jsonl_blocks(path, digest):
        yield from valid_lines(enumerate(block, start=first), scan.bad_lines)
    if digest.hexdigest() != scan.sha256:
        raise RuntimeError(f"{label} changed while it was being read; run the command again")


def valid_lines(numbered: Iterable[tuple[int, str | bytes]], bad: set[int]) -> Iterable[tuple[int, str]]:
    """The (number, text) lines that are not among the `bad` line numbers (only a bad line can be bytes)."""
    if not bad:
        return numbered  # type: ignore[return-value]
    return ((n, line) for n, line in numbered if n not in bad and isinstance(line, str))


def parse_entry(number: int, line: str) -> SourceEntry:
    """The entry of a valid manifest line."""
    record = json.loads(line)
    facts = {name: Fact(record[name]["value"], record[name]["basis"]) for name in FACT_FIELDS}
    return SourceEntry(record["article_id"], record["raw_file"], record["sha256"], record["size"],
                       line=number, **facts)


def files_sha256(paths: Sequence[Path]) -> list[str]:
    """`file_sha256` of each path, in threads (file reads and hashlib release the GIL)."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return list(pool.map(file_sha256, paths))


def file_sha256(path: Path) -> str:
    """sha256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
