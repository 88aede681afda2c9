"""The immutable Label Studio exports under annotations/exports/, listed with checksums in MANIFEST.jsonl."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from korea_deterrence.annotations.records import ExportEntry
from korea_deterrence.schema import RecordValidator, Violation
from korea_deterrence.schema.jsonl import read_jsonl

MANIFEST = "MANIFEST.jsonl"


@dataclass(frozen=True)
class Exports:
    """The export directory: its listed entries, and what is wrong with the listing."""

    root: Path
    label: str
    entries: tuple[ExportEntry, ...]
    violations: tuple[Violation, ...]

    def file_label(self, name: str) -> str:
        return f"{self.label}/{name}"

    def read(self, entry: ExportEntry) -> tuple[bytes | None, Violation | None]:
        """The bytes of an export, verified against the manifest's sha256 and size first."""
        data = (self.root / entry.file).read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest != entry.sha256 or len(data) != entry.size:
            return None, Violation(self.file_label(entry.file), 0, "", "export.checksum",
                                   f"expected size {entry.size} sha256 {entry.sha256}, got size {len(data)} sha256 {digest}")
        return data, None


def open_exports(root: Path, label: str, annotators: set[str]) -> Exports:
    """Read MANIFEST.jsonl; every export file must be listed, every listed file present."""
    manifest_label = f"{label}/{MANIFEST}"
    if not (root / MANIFEST).is_file():
        return Exports(root, label, (), tuple(_unlisted(root, label, set())))
    validator = RecordValidator("export", "export.manifest")
    entries, found = [], []
    for item in read_jsonl(root / MANIFEST, manifest_label, validator, "export.manifest.invalid-value"):
        record, number, problems = item.record, item.number, item.violations
        if record is None:
            found += problems
            continue
        problems += [Violation(manifest_label, number, f"/annotators/{uid}", "export.unknown-annotator",
                               f"pseudonym {pid!r} is not in {label.rsplit('/', 1)[0]}/annotators.jsonl")
                     for uid, pid in sorted(record.get("annotators", {}).items()) if pid not in annotators]
        if not (root / str(record.get("file"))).is_file():
            problems.append(Violation(manifest_label, number, "/file", "export.missing",
                                      f"export file {record.get('file')!r} does not exist"))
        found += problems
        if not problems:
            entries.append(_entry(record, number))
    listed = {e.file for e in entries} | {_listed_name(l) for l in (root / MANIFEST).read_text("utf-8").splitlines()}
    return Exports(root, label, tuple(entries), tuple(found + _unlisted(root, label, listed)))


def _unlisted(root: Path, label: str, listed: set[str | None]) -> list[Violation]:
    """Every entry of the exports directory (any kind of file or folder) that MANIFEST.jsonl does not list."""
    return [Violation(f"{label}/{p.name}", 0, "", "export.unlisted", f"{p.name} is not listed in {MANIFEST}")
            for p in sorted(root.iterdir()) if p.name not in listed | {MANIFEST}] if root.is_dir() else []


def _listed_name(line: str) -> str | None:
    try:
        return json.loads(line).get("file")
    except (json.JSONDecodeError, AttributeError):
        return None


def _entry(record: dict, number: int) -> ExportEntry:
    annotators = tuple(sorted((int(uid), pid) for uid, pid in record["annotators"].items()))
    return ExportEntry(record["file"], record["sha256"], record["size"], record["pulled_at"], record["project_title"],
                       record["label_studio_version"], record["guideline_version"], annotators, number,
                       record.get("project_id"))
