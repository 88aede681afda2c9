"""Gold labels: unanimous agreement of two or more annotators, or an explicit recorded decision."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from korea_deterrence.annotations.codebook import Actor, Codebook
from korea_deterrence.annotations.items import Item
from korea_deterrence.annotations.reader import CLUSTER_ID
from korea_deterrence.schema import RecordValidator, Violation
from korea_deterrence.schema.jsonl import read_jsonl

_VALUE_KEYS = {
    "stance": {"label"},
    "mention": {"mention_type", "actor_id"},
    "claim": {"claim_type", "checkworthiness", "stance", "claimer", "cluster_id"},
}
_OPTIONAL_KEYS = {"claim": {"topic", "attribution", "source_document"}}  # codebook 2.0.0; absent means None


@dataclass(frozen=True)
class Decision:
    key: str
    decision: str
    value: dict[str, Any] | None
    reason: str
    adjudicator: str
    decided_at: str
    guideline_version: str
    line: int


@dataclass(frozen=True)
class Gold:
    """An item's gold value and how it was reached."""

    item: Item
    value: dict[str, Any]
    basis: str  # "unanimous" | "adjudicated"
    annotators: tuple[str, ...]  # annotators whose label equals the gold value
    decision: Decision | None


def round_of(version: str) -> int:
    """The annotation round of a label or decision: the major version of the codebook it was made under."""
    return int(version.split(".")[0])


def decision_id(record: dict[str, Any]) -> tuple[int, str]:
    """What a decision decides: an item of one round (the same span may be decided again in a later round)."""
    return round_of(record["guideline_version"]), record["key"]


def read_decisions(path: Path, label: str, known: set[str]) -> tuple[dict[tuple[int, str], Decision], list[Violation]]:
    """Decisions by (round, key); a missing file means no decisions."""
    if not path.is_file():
        return {}, []
    validator = RecordValidator("decision", "adjudication")
    decisions: dict[tuple[int, str], Decision] = {}
    found: list[Violation] = []
    for item in read_jsonl(path, label, validator, "adjudication.invalid-value"):
        record, number, problems = item.record, item.number, item.violations
        if record is None:
            found += problems
            continue
        if not problems and record["adjudicator"] not in known:
            problems.append(Violation(label, number, "/adjudicator", "adjudication.unknown-adjudicator",
                                      f"{record['adjudicator']!r} is not in {label.rsplit('/', 1)[0]}/annotators.jsonl"))
        if not problems and decision_id(record) in decisions:
            problems.append(Violation(label, number, "/key", "adjudication.duplicate-key",
                                      f"{record['key']} already decided for round {decision_id(record)[0]} on line "
                                      f"{decisions[decision_id(record)].line}"))
        found += problems
        if not problems:
            decisions[decision_id(record)] = Decision(**record, line=number)
    return decisions, found


def adjudicate(items: dict[str, Item], annotators: dict[str, set[str]], decisions: dict[str, Decision],
               label: str, codebook: Codebook, actors: tuple[Actor, ...]) -> tuple[list[Gold], list[Violation]]:
    """Gold items in key order, and every unresolved disagreement, orphan or malformed decision."""
    gold: list[Gold] = []
    found = [Violation(label, d.line, "/key", "adjudication.orphan", f"no annotator produced item {d.key}")
             for key, d in sorted(decisions.items()) if key not in items]
    for key in sorted(items):
        item, decision = items[key], decisions.get(key)
        if decision is not None:
            problem = bad_value(item, decision, label, codebook, actors)
            if problem:
                found.append(problem)
            elif decision.decision == "accept":
                gold.append(_gold(item, with_optional_keys(item.kind, decision.value or {}), "adjudicated", decision))
            continue
        coders = sorted(annotators.get(item.article_id, ()))
        values = [item.values.get(a) for a in coders]
        if len(coders) >= 2 and values[0] is not None and all(v == values[0] for v in values):
            gold.append(_gold(item, values[0], "unanimous", None))
        else:
            found.append(Violation(label, 0, "/" + key, "adjudication.unresolved", _disagreement(item, coders)))
    return gold, found


def _gold(item: Item, value: dict[str, Any], basis: str, decision: Decision | None) -> Gold:
    agreeing = tuple(sorted(a for a, v in item.values.items() if v == value))
    return Gold(item, value, basis, agreeing, decision)


def with_optional_keys(kind: str, value: dict[str, Any]) -> dict[str, Any]:
    """A decision's value with the keys a codebook before 2.0.0 did not have filled with None, as in the
    annotators' values (so that a decision made under 1.0.1 credits the same annotators as before)."""
    return {**dict.fromkeys(_OPTIONAL_KEYS.get(kind, ())), **value}


def bad_value(item: Item, decision: Decision, label: str, codebook: Codebook,
              actors: tuple[Actor, ...]) -> Violation | None:
    """What is wrong with an accepted value, judged by the codebook as of the decision's guideline version."""
    if decision.decision == "reject":
        return None
    value, required = decision.value or {}, _VALUE_KEYS[item.kind]
    if not required <= set(value) <= required | _OPTIONAL_KEYS.get(item.kind, set()):
        optional = sorted(_OPTIONAL_KEYS.get(item.kind, ()))
        message = (f"an accepted {item.kind} needs exactly the keys {sorted(required)}"
                   + (f" (and may have {optional})" if optional else ""))
    else:
        cb = codebook.at(decision.guideline_version)
        current = {a.actor_id: a.type for a in actors if a.current(cb.version)}
        wrong = [k for k, ok in _value_checks(item.kind, with_optional_keys(item.kind, value), cb, current) if not ok]
        message = f"{', '.join(wrong)} of the accepted {item.kind} not allowed by the codebook and registry" if wrong else ""
    return Violation(label, decision.line, "/value", "adjudication.invalid-value", message) if message else None


def _value_checks(kind: str, v: dict[str, Any], cb: Codebook, actor_types: dict[str, str]) -> list[tuple[str, bool]]:
    """(key, valid) for each key of an accepted value."""
    if kind == "stance":
        return [("label", v["label"] in cb.stance_labels)]
    if kind == "mention":
        return [("mention_type", v["mention_type"] in cb.mention_types),
                ("actor_id", actor_types.get(v["actor_id"]) == v["mention_type"])]
    stance, claimer, attribution = v["stance"], v["claimer"], v["attribution"]
    documents = {a for a, kind in actor_types.items() if kind == "document"}
    return [("claim_type", v["claim_type"] in cb.claim_types),
            ("topic", v["topic"] in cb.claim_topics if cb.claim_topics else v["topic"] is None),
            ("attribution", attribution is None or _is_span(attribution)),
            ("source_document", v["source_document"] is None or v["source_document"] in documents),
            ("checkworthiness", v["checkworthiness"] in cb.checkworthiness),
            ("stance", isinstance(stance, dict) and set(cb.at("1.0.0").stance_targets) <= set(stance) <= set(cb.stance_targets)
             and all(x in cb.stance_labels for x in stance.values())),
            ("claimer", claimer is None or _is_span(claimer)),
            ("cluster_id", v["cluster_id"] is None or bool(CLUSTER_ID.fullmatch(str(v["cluster_id"]))))]


def _is_span(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"start", "end"} and all(isinstance(x, int) for x in value.values())


def _disagreement(item: Item, coders: list[str]) -> str:
    where = f"{item.key} {item.text!r}" if item.text else item.key
    seen = "; ".join(f"{a}: {json.dumps(item.values.get(a), sort_keys=True) if a in item.values else 'not marked'}"
                     for a in coders)
    return f"{where}: no decision and no unanimous agreement of two or more annotators ({seen})"
