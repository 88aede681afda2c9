"""A source directory (sources.jsonl + raw/): listing checks and verified reads of raw files.

The directory may be a local path or any fsspec URL (`s3://bucket/corpus`, `memory://corpus`), read
through universal_pathlib: cluster workers read the same sources from shared storage.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterator

from upath import UPath

from korea_deterrence.corpus.compact import RawListing
from korea_deterrence.corpus.manifest import (
    MAX_ARTICLE_BYTES, ManifestScan, entry_lines, parse_entry, scan_manifest, valid_lines)
from korea_deterrence.corpus.records import SourceEntry
from korea_deterrence.corpus.spans import SPAN_LINES, Span, read_span
from korea_deterrence.schema import Violation

MANIFEST = "sources.jsonl"
RAW = "raw"


@dataclass(frozen=True, slots=True)
class Sources:
    """A checked source directory. Entries are streamed from the manifest, in article_id order."""

    root: Path  # a local path, or a UPath for a URL (same interface)
    label: str  # how the directory is named in messages
    violations: tuple[Violation, ...]
    scan: ManifestScan | None = None  # None when the manifest is missing

    @property
    def manifest_label(self) -> str:
        return f"{self.label}/{MANIFEST}"

    def raw_label(self, name: str) -> str:
        return f"{self.label}/{RAW}/{name}"

    def entry_lines(self) -> Iterator[tuple[int, str]]:
        """(line number, text) of the valid entries, in article_id order (a second, streaming read)."""
        if self.scan is not None:
            yield from entry_lines(self.root / MANIFEST, self.scan, self.manifest_label)

    @property
    def spans(self) -> list[Span]:
        """The manifest in spans of `span_lines` lines (none when it is missing)."""
        return self.scan.spans if self.scan else []

    def span_entry_lines(self, span: Span) -> list[tuple[int, str]]:
        """(line number, text) of the valid entries of one span, read back."""
        lines = read_span(self.root / MANIFEST, span, self.manifest_label)
        return list(valid_lines(enumerate(lines, start=span.first_line), self.scan.bad_lines if self.scan else set()))

    def entries(self) -> Iterator[SourceEntry]:
        """The valid entries, in article_id order."""
        return (parse_entry(number, line) for number, line in self.entry_lines())

    @property
    def manifest_sha256(self) -> str:
        """sha256 of the manifest as checked (every entry is read back only if it is unchanged)."""
        return self.scan.sha256 if self.scan else ""

    @property
    def count(self) -> int:
        """Number of valid entries."""
        return self.scan.entries if self.scan else 0


def installed_copy(path: Path) -> bool:
    """Whether `path` lies in an installed package (site-packages), not in a checkout one may edit."""
    return bool({"site-packages", "dist-packages"} & set(path.parts))


class InstalledCopy(Exception):
    """A command would write into an installed package's data: it needs a directory given instead."""


def editable_dir(given: Path | None, shipped: Path, option: str) -> Path:
    """`given`, or the shipped directory when it lies in a checkout (never in an installed package)."""
    if given is not None:
        return given
    if installed_copy(shipped):
        raise InstalledCopy(f"the package is installed, not a checkout ({shipped}): pass {option} DIR")
    return shipped


def packaged_sources() -> Path:
    """The corpus shipped with this package."""
    return Path(str(resources.files("korea_deterrence.corpus")))


def location(text: str | os.PathLike[str]) -> Path:
    """A local path (also for a file:// URL), or a UPath for any other fsspec URL."""
    path = UPath(text)
    return Path(path.path) if path.protocol in ("", "file", "local") else path


def open_sources(root: str | os.PathLike[str], label: str | None = None, span_lines: int = SPAN_LINES,
                 max_article_bytes: int = MAX_ARTICLE_BYTES) -> Sources:
    """Check the manifest against itself and the raw files present (contents are not read); note its
    spans of `span_lines` lines."""
    label = label or str(root)
    root = location(root)
    manifest_label = f"{label}/{MANIFEST}"
    if not (root / MANIFEST).is_file():
        missing = Violation(manifest_label, 0, "", "manifest.json", "the sources manifest does not exist")
        return Sources(root, label, (missing,))
    raw_dir = root / RAW
    names = _file_names(raw_dir) if raw_dir.is_dir() else []
    listing = RawListing(names)
    scan = scan_manifest(root / MANIFEST, manifest_label, listing, RAW, span_lines, max_article_bytes)
    found = [Violation(f"{label}/{RAW}/{name}", 0, "", "raw.unlisted", f"{name} is not listed in {MANIFEST}")
             for name in scan.unlisted]
    return Sources(root, label, tuple(scan.violations + found), scan)


def read_raw(sources: Sources, entry: SourceEntry) -> tuple[str | None, Violation | None]:
    """The decoded raw text of `entry`, verified against its size and sha256 first."""
    data = (sources.root / RAW / entry.raw_file).read_bytes()
    label = sources.raw_label(entry.raw_file)
    digest = hashlib.sha256(data).hexdigest()
    if digest != entry.sha256 or len(data) != entry.size:
        return None, Violation(label, 0, "", "raw.sha256",
                               f"expected size {entry.size} sha256 {entry.sha256}, got size {len(data)} sha256 {digest} "
                               f"(listed on {sources.manifest_label} line {entry.line})")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        return None, Violation(label, line, "", "raw.utf8",
                               f"invalid UTF-8 at byte offset {err.start} (0x{data[err.start]:02x}): {err.reason} "
                               f"(listed on {sources.manifest_label} line {entry.line})")


def _file_names(directory: Path) -> list[str]:
    """Names of the files (not folders; links to files count) right in `directory`, from one listing."""
    if isinstance(directory, Path):
        return [entry.name for entry in os.scandir(directory) if entry.is_file()]
    fs = UPath(directory).fs
    return [entry["name"].rsplit("/", 1)[-1] for entry in fs.ls(UPath(directory).path, detail=True)
            if entry["type"] == "file"]
