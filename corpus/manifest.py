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
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple, Sequence

from korea_deterrence.corpus.compact import Digests, RawListing
from korea_deterrence.corpus.parallel import InOrder, batched
from korea_deterrence.corpus.records import FACT_FIELDS, Fact, SourceEntry
from korea_deterrence.corpus.spans import SPAN_LINES, Span, SpanCutter
from korea_deterrence.corpus.speedups import speedups
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
    span_lines: int = SPAN_LINES


SCAN_LINES = 2048  # manifest lines whose raw files are looked up in the raw/ listing at once


class CheckedLine(NamedTuple):
    """What the cross-line checks need of one schema-checked line."""

    number: int
    readable: bool  # False when the line is not a JSON object
    raw_file: str | None  # the line's raw_file when it is a string, even on an invalid line
    key: tuple[str, str, str] | None  # (article_id, raw_file, sha256) of a schema-valid line
    violations: list[Violation]


def scan_manifest(path: Path, label: str, listing: RawListing, raw_dir: str, span_lines: int = SPAN_LINES
                  ) -> ManifestScan:
    """Check every line: schema, order, duplicate ids, duplicate raw bytes, missing raw files; and cut
    the file into spans of `span_lines` lines."""
    scan = ScanState(label, listing, raw_dir)
    digest = hashlib.sha256()  # of the bytes checked
    spans = SpanCutter(span_lines)
    first = 1  # number of the block's first line
    with InOrder() as hashing:  # (hashlib releases the GIL, as does the block check: they run side by side)
        for block in line_blocks(path, lambda data: hashing.call(digest.update, data)):
            facts = block_facts(block)  # (which counts the lines of a canonical block)
            lines = facts.lines if facts is not None else block.count(b"\n") + 1
            hashing.call(spans.feed, block, lines)
            if not scan.clean_block(first, facts):
                for part in batched(enumerate(decode_lines(block), start=first), SCAN_LINES):
                    scan.lines(check_lines(label, part))
            first += lines
    scan.finish()
    scan.result.sha256 = digest.hexdigest()
    scan.result.spans, scan.result.span_lines = spans.finish(), span_lines
    return scan.result


def check_lines(label: str, lines: list[tuple[int, str | bytes]]) -> list[CheckedLine]:
    """Parse and schema-check [(number, text), ...] lines of the manifest."""
    return [_canonical(number, text) or _checked(check_line(number, text, label, _validator(), "manifest.json"))
            for number, text in lines]


# The fast path: a line as `json.dumps` writes a valid entry (keys in schema order, default separators,
# with or without ensure_ascii) is checked by one regular expression that encodes every constraint of
# schema/source.schema.json; anything else goes through json + the schema, which also explain errors.
# tests/corpus/test_canonical_lines.py checks that it never accepts a line the schema rejects.
CANONICAL_FOR = "urn:korea-deterrence:schema:source:1.0.0"
_PLAIN = r'[^"\\\x00-\x1f]'  # a character a JSON string holds unescaped
_PAIR = r'\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}'  # json.loads joins it into one
# one code point of a JSON string: a plain character, an escaped surrogate pair, or one escape
_CHAR = rf'(?:{_PLAIN}|{_PAIR}|\\u(?!{_PAIR[3:]})[0-9a-fA-F]{{4}}|\\["\\/bfnrt])'
# any JSON string content, matched run by run (fast); minimum lengths are counted in _CHAR
_CONTENT = rf'{_PLAIN}*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{{4}}){_PLAIN}*)*'
_BASIS_MIN = 10  # code points (source.schema.json, $defs/basis)
# a basis's first _BASIS_MIN code points (as many plain characters tried first: fast)
_BASIS_START = rf'(?:{_PLAIN}{{{_BASIS_MIN}}}|{_CHAR}{{{_BASIS_MIN}}})'
_FACT = {"string": rf'"(?={_CHAR}){_CONTENT}"', "url": rf'"https?://{_CONTENT}"',
         "date": r'"[0-9]{4}-[0-9]{2}-[0-9]{2}"'}
_FACTS = (("outlet", "string"), ("url", "url"), ("published", "date"), ("retrieved", "date"), ("byline", "string"),
          ("rights", "string"))
_CANONICAL = (  # compiled on first use (about 5 ms): see _canonical_pattern
    r'\{"article_id": "(?P<article_id>(?=[^"]{1,64}")[a-z][a-z0-9]*(?:-[a-z0-9]+)*)", '
    r'"raw_file": "(?P<raw_file>[A-Za-z0-9][A-Za-z0-9._-]*\.txt)", "sha256": "(?P<sha256>[0-9a-f]{64})", '
    r'"size": (?:0|[1-9][0-9]*), '
    + ", ".join(rf'"{name}": \{{"value": (?:null|{_FACT[kind]}), "basis": "{_BASIS_START}{_CONTENT}"\}}'
                for name, kind in _FACTS)
    + r"\}")
# the same line grammar for the compiled kernel: each fact's key (with what comes before its value) and kind
_KERNEL_FACTS = (tuple(f', "{name}": {{"value": '.encode() for name, _ in _FACTS),
                 tuple(("string", "url", "date").index(kind) for _, kind in _FACTS), _BASIS_MIN)


class BlockFacts(NamedTuple):
    """What the cross-line checks need of a block of canonical lines whose ids increase."""

    lines: int
    first_id: str
    last_id: str
    raw_files: bytes  # joined by LF
    digests: bytes  # 32 bytes each


def block_facts(block: bytes) -> BlockFacts | None:
    """The facts of a block of LF-separated lines (no LF at its end) when every line is canonical and
    the ids increase; else None."""
    kernels = speedups()
    if kernels is not None:
        found = kernels.manifest_block(block, *_KERNEL_FACTS)
        return None if found is None else BlockFacts(*found)
    return block_facts_py(decode_lines(block))


def block_facts_py(lines: list[str | bytes]) -> BlockFacts | None:
    """`block_facts` of decoded lines, in Python (the reference of the compiled kernel)."""
    matches = [_match(line) for line in lines]
    if not all(matches):
        return None
    fields = (m.group("article_id", "raw_file", "sha256") for m in matches)  # type: ignore[union-attr]
    ids, names, digests = zip(*fields)
    if not all(a < b for a, b in zip(ids, ids[1:])):
        return None
    return BlockFacts(len(lines), ids[0], ids[-1], "\n".join(names).encode("ascii"),  # (canonical names: ASCII)
                      bytes.fromhex("".join(digests)))


def _match(text: str | bytes) -> re.Match[str] | None:
    """The canonical-line match of a line (None for one that is not, or is not UTF-8)."""
    return _canonical_pattern().fullmatch(text) if isinstance(text, str) else None


@cache
def _canonical_pattern() -> re.Pattern[str]:
    return re.compile(_CANONICAL)


def _canonical(number: int, text: str | bytes) -> CheckedLine | None:
    match = _match(text)
    if match is None:
        return None
    key = match.group("article_id", "raw_file", "sha256")
    return CheckedLine(number, True, key[1], key, [])


@cache
def _validator() -> RecordValidator:
    return RecordValidator("source", "manifest")


def _checked(line: JsonLine) -> CheckedLine:
    record = line.record
    raw_file = record.get("raw_file") if record is not None else None
    key = None if record is None or line.violations else (record["article_id"], record["raw_file"], record["sha256"])
    return CheckedLine(line.number, record is not None, raw_file if isinstance(raw_file, str) else None, key,
                       line.violations)


class ScanState:
    """Cross-line checks of the first pass, in line order; per entry it keeps bytes in arrays, not objects."""

    def __init__(self, label: str, listing: RawListing, raw_dir: str) -> None:
        self.label, self.listing, self.raw_dir = label, listing, raw_dir
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

    def clean_block(self, first: int, facts: BlockFacts | None) -> bool:
        """Check the consecutive lines of a block starting at line `first` at once, from their `block_facts`,
        when every one is canonical, in order after the lines before and names a raw file that exists
        (the common case); False, with nothing recorded, when one is not (facts None or otherwise): `lines`
        then checks them one by one and says why."""
        if facts is None or not self.previous[0] < facts.first_id:
            return False
        if not all(self.listing.mention(facts.raw_files.split(b"\n"))):  # (canonical names: ASCII)
            return False
        self.digests.extend(facts.digests, first)
        self.previous = (facts.last_id, first + facts.lines - 1)
        self.result.entries += facts.lines
        return True

    def finish(self) -> None:
        """Checks that need every line: raw bytes listed twice, raw files listed nowhere."""
        for number, first in self.digests.repeats():
            self._record(number, [self._violation(number, "/sha256", "raw.duplicate",
                                                  f"same raw bytes as the entry on line {first}")])
            self.result.entries -= 1
        self.result.violations.sort(key=lambda v: v.line)  # stable: a line's own violations keep their order
        if self.result.complete:
            self.result.unlisted = self.listing.unlisted()

    def _record(self, number: int, found: list[Violation]) -> None:
        self.result.violations += found
        if found:
            self.result.bad_lines.add(number)
        else:
            self.result.entries += 1

    def _cross_checks(self, number: int, article_id: str, raw_file: str, sha256: str, present: bool) -> list[Violation]:
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
