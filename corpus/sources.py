"""A source directory (sources.jsonl + raw/): listing checks and verified reads of raw files."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from korea_deterrence.corpus.manifest import Manifest, read_manifest
from korea_deterrence.corpus.records import SourceEntry
from korea_deterrence.schema import Violation

MANIFEST = "sources.jsonl"
RAW = "raw"


@dataclass(frozen=True, slots=True)
class Sources:
    """A verified listing of a source directory: entries sorted by article_id."""

    root: Path
    label: str  # how the directory is named in messages
    entries: tuple[SourceEntry, ...]
    violations: tuple[Violation, ...]

    @property
    def manifest_label(self) -> str:
        return f"{self.label}/{MANIFEST}"

    def raw_label(self, name: str) -> str:
        return f"{self.label}/{RAW}/{name}"


def packaged_sources() -> Path:
    """The corpus shipped with this package."""
    return Path(str(resources.files("korea_deterrence.corpus")))


def open_sources(root: Path, label: str | None = None) -> Sources:
    """Read the manifest and check it against the raw files present (contents are not read)."""
    label = label or str(root)
    manifest_label = f"{label}/{MANIFEST}"
    if not (root / MANIFEST).is_file():
        missing = Violation(manifest_label, 0, "", "manifest.json", "the sources manifest does not exist")
        return Sources(root, label, (), (missing,))
    manifest = read_manifest(root / MANIFEST, manifest_label)
    entries, violations = manifest.entries, manifest.violations
    violations += _listing_violations(manifest, root / RAW, label)
    entries.sort(key=lambda e: e.article_id)
    return Sources(root, label, tuple(entries), tuple(violations))


def _listing_violations(manifest: Manifest, raw_dir: Path, label: str) -> list[Violation]:
    """Missing and unlisted raw files (unlisted only when every manifest line was readable), duplicates."""
    present = {p.name for p in raw_dir.iterdir() if p.is_file()} if raw_dir.is_dir() else set()
    where = f"{label}/{MANIFEST}"
    found = [Violation(where, e.line, "/raw_file", "raw.missing", f"raw file {RAW}/{e.raw_file} does not exist")
             for e in manifest.entries if e.raw_file not in present]
    unlisted = sorted(present - manifest.mentioned) if manifest.complete else []
    found += [Violation(f"{label}/{RAW}/{name}", 0, "", "raw.unlisted", f"{name} is not listed in {MANIFEST}")
              for name in unlisted]
    first: dict[str, SourceEntry] = {}
    for e in manifest.entries:
        if e.sha256 in first:
            found.append(Violation(where, e.line, "/sha256", "raw.duplicate",
                                   f"same raw bytes as {first[e.sha256].article_id} (line {first[e.sha256].line})"))
        first.setdefault(e.sha256, e)
    return found


def read_raw(sources: Sources, entry: SourceEntry) -> tuple[str | None, Violation | None]:
    """The decoded raw text of `entry`, verified against its size and sha256 first."""
    data = (sources.root / RAW / entry.raw_file).read_bytes()
    label = sources.raw_label(entry.raw_file)
    digest = hashlib.sha256(data).hexdigest()
    if digest != entry.sha256 or len(data) != entry.size:
        return None, Violation(label, 0, "", "raw.sha256",
                               f"expected size {entry.size} sha256 {entry.sha256}, got size {len(data)} sha256 {digest}")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        return None, Violation(label, line, "", "raw.utf8",
                               f"invalid UTF-8 at byte offset {err.start} (0x{data[err.start]:02x}): {err.reason}")
