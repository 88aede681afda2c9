"""The annotation stage: exports verified and imported, items grouped, gold adjudicated, agreement computed."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Mapping

from korea_deterrence.annotations.adjudicate import Gold, adjudicate, read_decisions
from korea_deterrence.annotations.agreement import AgreementRow, agreement_table
from korea_deterrence.annotations.codebook import Annotator, load_codebook, load_registry, registry_violations
from korea_deterrence.annotations.exports import open_exports
from korea_deterrence.annotations.importer import ArticleText, ImportResult, import_current, parse_export
from korea_deterrence.annotations.items import Item, group_items
from korea_deterrence.annotations.registry import read_annotators
from korea_deterrence.schema import Violation

ADJUDICATION = "adjudication.jsonl"
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
    items: dict[str, Item] = field(default_factory=dict)
    coders: dict[str, set[str]] = field(default_factory=dict)  # article -> its annotators
    texts: Mapping[str, ArticleText] = field(default_factory=dict)  # the annotated articles' current texts

    def disagreements(self) -> list[Item]:
        """The items that no decision and no unanimous agreement resolve, in key order."""
        return [self.items[v.pointer[1:]] for v in self.unresolved if v.rule == "adjudication.unresolved"]


def packaged_annotations() -> Path:
    """The annotations directory shipped with the package."""
    return Path(str(resources.files("korea_deterrence.annotations")))


def annotations_label(root: Path) -> str:
    """How messages name the annotations directory: `annotations` for the shipped one, else its path."""
    return "annotations" if root == packaged_annotations() else str(root)


def load_annotations(root: Path | None, articles: Mapping[str, ArticleText]) -> AnnotationSet:
    """Import every listed export of `root` (None: no annotations), then adjudicate and measure agreement."""
    if root is None:
        return AnnotationSet(agreement=agreement_table({}, {}, load_codebook().stance_targets))
    label = annotations_label(root)
    result = AnnotationSet(texts=articles)
    result.annotators, result.violations = read_annotators(root, label)
    result.violations += registry_violations() + _foreign_package_data(root, label)
    exports = open_exports(root / EXPORTS, f"{label}/{EXPORTS}", set(result.annotators))
    result.violations += exports.violations
    codebook, actors = load_codebook(), load_registry()
    parsed, formats = [], ImportResult()
    for entry in exports.entries:
        data, problem = exports.read(entry)
        if problem:
            result.violations.append(problem)
            continue
        parsed.append(parse_export(data, entry, exports.file_label(entry.file), formats))
    result.exports = len(parsed)
    result.imported = import_current(parsed, articles, codebook, actors)
    result.violations += formats.violations + result.imported.violations
    result.items, result.coders = group_items(result.imported.mentions, result.imported.claims, result.imported.stances)
    decisions, problems = read_decisions(root / ADJUDICATION, f"{label}/{ADJUDICATION}", set(result.annotators))
    result.violations += problems
    gold, found = adjudicate(result.items, result.coders, decisions, f"{label}/{ADJUDICATION}", codebook, actors)
    result.gold, dangling = _with_claimers(gold, f"{label}/{ADJUDICATION}")
    found += dangling
    result.unresolved = [v for v in found if v.rule in UNRESOLVED]
    result.violations += [v for v in found if v.rule not in UNRESOLVED]
    result.agreement = agreement_table(result.items, result.coders, codebook.stance_targets)
    return result


PACKAGE_DATA = ("codebook.json", "actors.jsonl")  # part of the package: the schemas carry the codebook's labels


def _foreign_package_data(root: Path, label: str) -> list[Violation]:
    """A codebook or registry in an annotations directory that is not the package's: kdc would not use it."""
    shipped = packaged_annotations()
    return [Violation(f"{label}/{name}", 0, "", "annotators.package-data",
                      f"{name} differs from the package's ({shipped / name}), which kdc uses: the codebook's labels "
                      "are in the schemas and the registry ships with the package; edit the package's copy in a "
                      "checkout, or remove this one")
            for name in PACKAGE_DATA
            if (root / name).is_file() and (root / name).read_bytes() != (shipped / name).read_bytes()]


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
