"""annotators.jsonl: the pseudonymous annotators and adjudicators, read and appended to."""

from __future__ import annotations

import json
import os
from pathlib import Path

from korea_deterrence.annotations.codebook import Annotator
from korea_deterrence.schema import RecordValidator, Violation
from korea_deterrence.schema.jsonl import read_jsonl

ANNOTATORS = "annotators.jsonl"


def read_annotators(root: Path, label: str) -> tuple[dict[str, Annotator], list[Violation]]:
    """The valid annotators of root/annotators.jsonl by id, and the violations of the others."""
    path = root / ANNOTATORS
    if not path.is_file():
        return {}, []
    validator = RecordValidator("annotator", "annotators")
    lines = list(read_jsonl(path, f"{label}/{ANNOTATORS}", validator, "annotators.invalid-value"))
    valid = [Annotator(**line.record) for line in lines if line.record is not None and not line.violations]
    return {a.annotator_id: a for a in valid}, [v for line in lines for v in line.violations]


def registered_annotators(root: Path) -> dict[str, Annotator]:
    return read_annotators(root, str(root))[0]


def add_annotator(root: Path, pseudonym: str, kind: str, description: str) -> Annotator:
    """Append one annotator (schema-checked, id not yet used); raises StudioError with the reason."""
    from korea_deterrence.annotations.studio import StudioError

    record = {"annotator_id": pseudonym, "kind": kind, "description": description}
    problems = RecordValidator("annotator", "annotators").violations(record, str(root / ANNOTATORS), 0)
    if problems:
        raise StudioError("; ".join(f"{v.pointer}: {v.message}" for v in problems))
    if pseudonym in registered_annotators(root):
        raise StudioError(f"{pseudonym!r} is already in {root / ANNOTATORS}")
    path = root / ANNOTATORS
    before = path.read_bytes() if path.is_file() else b""
    sep = b"" if not before or before.endswith(b"\n") else b"\n"
    tmp = path.with_name(ANNOTATORS + ".tmp")
    root.mkdir(parents=True, exist_ok=True)
    tmp.write_bytes(before + sep + (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
    os.replace(tmp, path)
    return Annotator(**record)
