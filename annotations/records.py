"""Typed records of the annotation stage: per-annotator labels and their provenance."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from korea_deterrence.schema import Violation


@dataclass(frozen=True, slots=True)
class LabelSource:
    """Who made a label, when, under which guideline version, and where it came from in Label Studio."""

    annotator_id: str  # pseudonymous
    created_at: str
    guideline_version: str
    export_file: str
    ls_task_id: int
    ls_annotation_id: int


@dataclass(frozen=True, slots=True)
class RawMention:
    article_id: str
    region_id: str
    start: int
    end: int
    text: str
    mention_type: str
    actor_id: str
    source: LabelSource
    unsure_note: str | None = None  # the annotator flagged the label as unsure and said why (codebook 2.0.0)


@dataclass(frozen=True, slots=True)
class RawClaim:
    article_id: str
    region_id: str
    start: int
    end: int
    text: str
    claim_type: str
    checkworthiness: str
    stances: tuple[tuple[str, str], ...]  # (target, label) in codebook target order
    claimer_region_id: str | None  # a RawMention region of the same annotation; None = the outlet
    claimer_actor_id: str | None
    cluster_id: str | None
    source: LabelSource
    topic: str | None = None  # codebook 2.0.0 and later
    attribution: tuple[int, int, str] | None = None  # the linked attribution span (start, end, text)
    source_document: str | None = None  # the document actor the claim is reported from
    unsure_note: str | None = None


@dataclass(frozen=True, slots=True)
class RawStance:
    article_id: str
    target: str
    label: str
    source: LabelSource


@dataclass(frozen=True, slots=True)
class ExportEntry:
    """One line of annotations/exports/MANIFEST.jsonl: an immutable Label Studio export."""

    file: str
    sha256: str
    size: int
    pulled_at: str
    project_title: str
    label_studio_version: str | None
    guideline_version: str
    annotators: tuple[tuple[int, str], ...]  # (Label Studio user id, pseudonymous annotator id)
    line: int
    project_id: int | None = None  # absent in exports pulled before 0.2.0

    @property
    def project(self) -> int | str:
        """The Label Studio project: its id where recorded, else its title."""
        return self.project_id if self.project_id is not None else self.project_title


@dataclass
class LabelSet:
    """Labels read from Label Studio, what was wrong, and counts; sums with `add`."""

    mentions: list[RawMention] = field(default_factory=list)
    claims: list[RawClaim] = field(default_factory=list)
    stances: list[RawStance] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    tasks: int = 0
    annotations: int = 0
    cancelled: int = 0
    reanchored: int = 0

    def add(self, other: LabelSet) -> None:
        """Add every list and count of `other` to this one."""
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
