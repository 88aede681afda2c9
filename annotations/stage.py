"""The annotation stage: exports verified and imported, items grouped, gold adjudicated, agreement computed."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Mapping

from korea_deterrence.annotations.adjudicate import Gold, adjudicate, read_decisions
from korea_deterrence.annotations.agreement import AgreementRow, agreement_table
from korea_deterrence.annotations.codebook import Annotator, load_codebook, load_registry
from korea_deterrence.annotations.exports import open_exports
from korea_deterrence.annotations.importer import ArticleText, ImportResult, import_export
from korea_deterrence.annotations.items import group_items
from korea_deterrence.schema import RecordValidator, Violation
from korea_deterrence.schema.jsonl import read_jsonl

ADJUDICATION = "adjudication.jsonl"
ANNOTATORS = "annotators.jsonl"
EXPORTS = "exports"
UNRESOLVED = ("adjudication.unresolved", "adjudication.claimer")  # reported by validate; the build leaves them out


@dataclass
class AnnotationSet:
    """Everything the release needs from the annotation stage."""

    imported: ImportResult = field(default_factory=ImportResult)
    gold: list[Gold] = field(default_factory=list)
    unresolved: list[Violation] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)  # input errors: the build stops
    agreement: list[AgreementRow] = field(default_factory=list)
    annotators: dict[str, Annotator] = field(default_factory=dict)
    exports: int = 0


def packaged_annotations() -> Path:
    """The annotations directory shipped with the package."""
    return Path(str(resources.files("korea_deterrence.annotations")))


def load_annotations(root: Path | None, label: str, articles: Mapping[str, ArticleText]) -> AnnotationSet:
    """Import every listed export of `root` (None: no annotations), then adjudicate and measure agreement."""
    if root is None:
        return AnnotationSet(agreement=agreement_table({}, {}, load_codebook().stance_targets))
    result = AnnotationSet()
    result.annotators, result.violations = _annotators(root, label)
    exports = open_exports(root / EXPORTS, f"{label}/{EXPORTS}", set(result.annotators))
    result.violations += exports.violations
    codebook, actors = load_codebook(), load_registry()
    seen: dict[tuple[str, str], str] = {}
    for entry in exports.entries:
        data, problem = exports.read(entry)
        if problem:
            result.violations.append(problem)
            continue
        one = import_export(data, entry, exports.file_label(entry.file), articles, codebook, actors, seen)
        result.imported.add(one)
        result.exports += 1
    result.violations += result.imported.violations
    items, coders = group_items(result.imported.mentions, result.imported.claims, result.imported.stances)
    decisions, problems = read_decisions(root / ADJUDICATION, f"{label}/{ADJUDICATION}", set(result.annotators))
    result.violations += problems
    gold, found = adjudicate(items, coders, decisions, f"{label}/{ADJUDICATION}", codebook, actors)
    result.gold, dangling = _with_claimers(gold, f"{label}/{ADJUDICATION}")
    found += dangling
    result.unresolved = [v for v in found if v.rule in UNRESOLVED]
    result.violations += [v for v in found if v.rule not in UNRESOLVED]
    result.agreement = agreement_table(items, coders, codebook.stance_targets)
    return result


def _with_claimers(gold: list[Gold], label: str) -> tuple[list[Gold], list[Violation]]:
    """Gold without claims whose claimer span is not a gold mention (those are reported as unresolved)."""
    mentions = {(g.item.article_id, *g.item.span) for g in gold if g.item.kind == "mention"}
    kept, found = [], []
    for g in gold:
        claimer = g.value.get("claimer") if g.item.kind == "claim" else None
        if claimer and (g.item.article_id, claimer["start"], claimer["end"]) not in mentions:
            found.append(Violation(label, 0, "/" + g.item.key, "adjudication.claimer",
                                   f"{g.item.key}: claimer span {claimer['start']}-{claimer['end']} is not a gold mention"))
        else:
            kept.append(g)
    return kept, found


def _annotators(root: Path, label: str) -> tuple[dict[str, Annotator], list[Violation]]:
    path = root / ANNOTATORS
    if not path.is_file():
        return {}, []
    validator = RecordValidator("annotator", "annotators")
    lines = list(read_jsonl(path, f"{label}/{ANNOTATORS}", validator, "annotators.invalid-value"))
    valid = [Annotator(**line.record) for line in lines if line.record is not None and not line.violations]
    return {a.annotator_id: a for a in valid}, [v for line in lines for v in line.violations]
