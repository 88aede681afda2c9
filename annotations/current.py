"""Which version of each Label Studio annotation counts, across every pull of a project.

A full export repeats every annotation of the project, so one annotation appears in many export
files. Its identity is (project, task id, annotation id): the newest version (by `updated_at`;
on a tie, the first export that holds it) counts once, and an annotation that the project's
latest export no longer holds was deleted in Label Studio and does not count.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from korea_deterrence.annotations.records import ExportEntry

Identity = tuple[Any, Any, Any]


@dataclass(frozen=True, slots=True)
class Parsed:
    """One export's tasks as parsed, with its manifest entry and the label that names it."""

    entry: ExportEntry
    label: str
    tasks: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Located:
    """One version of an annotation: where it stands in which export."""

    export: Parsed
    task_index: int
    annotation_index: int

    @property
    def task(self) -> dict[str, Any]:
        return self.export.tasks[self.task_index]

    @property
    def annotation(self) -> dict[str, Any]:
        return self.task["annotations"][self.annotation_index]

    @property
    def updated_at(self) -> str:
        return str(self.annotation.get("updated_at") or self.annotation.get("created_at") or "")


def identity(export: Parsed, task: dict[str, Any], ti: int, annotation: dict[str, Any], ai: int) -> Identity:
    """(project, task id, annotation id); an export without ids identifies by position in its own file."""
    if task.get("id") is None or annotation.get("id") is None:
        return (export.entry.file, ti, ai)
    return (export.entry.project, task["id"], annotation["id"])


def current_annotations(exports: Iterable[Parsed]) -> list[Located]:
    """The annotation versions that count, in export, task and annotation order."""
    newest: dict[Identity, Located] = {}
    present: dict[Any, set[Identity]] = {}  # project -> identities in its latest export
    for export in exports:
        found: set[Identity] = set()
        for ti, task in enumerate(export.tasks):
            for ai, annotation in enumerate(task.get("annotations") or []):
                key = identity(export, task, ti, annotation, ai)
                found.add(key)
                here = Located(export, ti, ai)
                if key not in newest or here.updated_at > newest[key].updated_at:
                    newest[key] = here
        present[export.entry.project] = found
    kept = [loc for key, loc in newest.items() if key in present[loc.export.entry.project]]
    return sorted(kept, key=lambda loc: (loc.export.entry.line, loc.task_index, loc.annotation_index))
