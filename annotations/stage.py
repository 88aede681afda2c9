"""The annotation stage: exports verified and imported, items grouped, gold adjudicated, agreement computed."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

from korea_deterrence.annotations.adjudicate import Decision, Gold, adjudicate, read_decisions, round_of
from korea_deterrence.annotations.agreement import AgreementRow, agreement_table
from korea_deterrence.annotations.clusters import CLUSTERS, cluster_violations, read_clusters
from korea_deterrence.annotations.codebook import (
    Actor, Annotator, Codebook, load_codebook, load_registry, registry_violations)
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
    clusters: dict[str, dict[str, Any]] | None = None  # annotations/clusters.jsonl, when there is one

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
    decisions, problems = read_decisions(root / ADJUDICATION, f"{label}/{ADJUDICATION}", set(result.annotators))
    result.violations += problems
    rounds = split_rounds(result.imported, decisions)
    result.items = {k: i for r in rounds for k, i in r.items.items() if r.gold_articles >= {i.article_id}}
    result.coders = {a: c for r in rounds for a, c in r.coders.items() if a in r.gold_articles}
    applied = {k: d for r in rounds for k, d in r.decisions.items() if article_of(k) in r.gold_articles or
               not any(article_of(k) in x.coders for x in rounds)}  # (an unknown article: an orphan, reported)
    gold, found = adjudicate(result.items, result.coders, applied, f"{label}/{ADJUDICATION}", codebook, actors)
    result.gold, dangling = _with_claimers(gold, f"{label}/{ADJUDICATION}")
    found += dangling
    result.clusters, problems = read_clusters(root / CLUSTERS, f"{label}/{CLUSTERS}", set(result.annotators))
    found += problems + (cluster_violations(result.clusters, result.gold, f"{label}/{CLUSTERS}")
                         if result.clusters is not None and not problems else [])
    result.unresolved = [v for v in found if v.rule in UNRESOLVED]
    result.violations += [v for v in found if v.rule not in UNRESOLVED]
    result.agreement = [row for r in rounds for row in r.agreement(codebook)]
    result.agreement += stability(rounds, codebook, actors)
    return result


def article_of(key: str) -> str:
    """The article of an item key (`kind:article:...`)."""
    return key.split(":")[1]


@dataclass
class Round:
    """The labels of one round (one codebook major version), grouped into items, and its decisions."""

    number: int
    items: dict[str, Item]
    coders: dict[str, set[str]]
    decisions: dict[str, Decision]
    gold_articles: set[str] = field(default_factory=set)  # the articles whose gold comes from this round

    def agreement(self, codebook: Codebook) -> list[AgreementRow]:
        rows = agreement_table(self.items, self.coders, codebook.at(f"{self.number}.999.0").stance_targets)
        return [replace(row, round=str(self.number)) for row in rows]


def split_rounds(imported: ImportResult, decisions: dict[tuple[int, str], Decision]) -> list[Round]:
    """One Round per codebook major version that labeled something; each article's gold comes from the
    latest round that labeled it (earlier rounds stay in raw_labels and in the agreement table)."""
    numbers = sorted({round_of(x.source.guideline_version) for x in (*imported.mentions, *imported.claims, *imported.stances)})
    rounds = []
    for number in numbers:
        def mine(labels):  # noqa: E306 - the labels of this round
            return [x for x in labels if round_of(x.source.guideline_version) == number]
        items, coders = group_items(mine(imported.mentions), mine(imported.claims), mine(imported.stances))
        ruled = {key: d for (of, key), d in decisions.items() if of == number}
        rounds.append(Round(number, items, coders, ruled))
    for article in {a for r in rounds for a in r.coders}:
        next(r for r in reversed(rounds) if article in r.coders).gold_articles.add(article)
    return rounds


def stability(rounds: list[Round], codebook: Codebook, actors: tuple[Actor, ...]) -> list[AgreementRow]:
    """Round-to-round stability: each later round's gold against the round before it, as two coders, on the
    fields both rounds have (articles both rounds labeled; topic and the later round's new targets left out)."""
    rows = []
    for before, after in zip(rounds, rounds[1:]):
        both = set(before.coders) & set(after.coders)
        golds = {}
        for r in (before, after):
            items = {k: i for k, i in r.items.items() if i.article_id in both}
            golds[r.number] = adjudicate(items, r.coders, r.decisions, "", codebook, actors)[0]
        merged: dict[str, Item] = {}
        for number, gold in golds.items():
            for g in gold:
                value = {k: v for k, v in g.value.items() if k not in ("topic", "attribution", "source_document")}
                merged.setdefault(g.item.key, replace(g.item, values={})).values[f"round {number}"] = value
        coders = {a: {f"round {before.number}", f"round {after.number}"} for a in both}
        targets = codebook.at(f"{before.number}.999.0").stance_targets
        label = f"{after.number} vs {before.number}"
        rows += [replace(row, round=label, note=f"gold of round {after.number} against gold of round {before.number} "
                                                 "as two coders; " + row.note)
                 for row in agreement_table(merged, coders, targets)]
    return rows


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
