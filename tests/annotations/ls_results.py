"""Builders of Label Studio full-JSON export pieces, in the shapes the server really exports.

Shapes follow tests/annotations/test_label_studio_server.py and docs LABEL_STUDIO.md: a span is a
`labels` result; its per-region choices and cluster text area repeat the span's `id` and
offsets; a relation has `from_id`/`to_id` and no `from_name`; a document-level choice has only
`choices` in its value.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

from korea_deterrence.annotations.codebook import load_codebook, load_registry
from korea_deterrence.annotations.labelconfig import (
    ACTOR, CHECKWORTHINESS, CLAIM, CLAIM_LABEL, CLAIM_TYPE, CLAIMED_BY, CLUSTER, MENTION, TOPIC, claim_stance_name,
    doc_stance_name)
from korea_deterrence.annotations.tasks import task as task_of
from korea_deterrence.corpus import Article, iter_articles, open_sources

VALID_SOURCES = Path(__file__).resolve().parents[1] / "corpus" / "fixtures" / "valid"
Result = dict[str, Any]


@cache
def articles() -> dict[str, Article]:
    """The normalized articles of tests/corpus/fixtures/valid (fx-a, fx-b)."""
    found = [a for a in iter_articles(open_sources(VALID_SOURCES, "valid")) if isinstance(a, Article)]
    return {a.article_id: a for a in found}


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _actor_type(actor_id: str) -> str:
    return next(a.type for a in load_registry() if a.actor_id == actor_id)


def span(rid: str, name: str, label: str, text: str, part: str) -> Result:
    start = text.index(part)
    return {"id": rid, "from_name": name, "to_name": "text", "type": "labels", "origin": "manual",
            "value": {"start": start, "end": start + len(part), "text": part, "labels": [label]}}


def region_choice(of: Result, name: str, value: str) -> Result:
    where = {k: of["value"][k] for k in ("start", "end", "text")}
    return {"id": of["id"], "from_name": name, "to_name": "text", "type": "choices", "origin": "manual",
            "value": {**where, "choices": [value]}}


def cluster(of: Result, value: str) -> Result:
    where = {k: of["value"][k] for k in ("start", "end")}
    return {"id": of["id"], "from_name": CLUSTER, "to_name": "text", "type": "textarea", "origin": "manual",
            "value": {**where, "text": [value]}}


def relation(from_id: str, to_id: str, label: str = CLAIMED_BY) -> Result:
    return {"from_id": from_id, "to_id": to_id, "type": "relation", "direction": "right", "labels": [label]}


def doc_stance(target: str, label: str) -> Result:
    return {"id": f"doc-{target}", "from_name": doc_stance_name(target), "to_name": "text", "type": "choices",
            "origin": "manual", "value": {"choices": [label]}}


def mention(rid: str, text: str, part: str, actor_id: str, label: str | None = None) -> list[Result]:
    region = span(rid, MENTION, label or _actor_type(actor_id), text, part)
    return [region, region_choice(region, ACTOR, actor_id)]


def claim(rid: str, text: str, part: str, claim_type: str, checkworthiness: str, stances: dict[str, str],
          claimer: str | None = None, cluster_id: str | None = None, topic: str = "responsibility_shift") -> list[Result]:
    """A claim answered as the current codebook asks (stance `none` toward every target not in `stances`)."""
    region = span(rid, CLAIM, CLAIM_LABEL, text, part)
    results = [region, region_choice(region, CLAIM_TYPE, claim_type),
               region_choice(region, CHECKWORTHINESS, checkworthiness), region_choice(region, TOPIC, topic)]
    results += [region_choice(region, claim_stance_name(t), label) for t, label in every_target(stances).items()]
    results += [cluster(region, cluster_id)] if cluster_id else []
    return results + ([relation(rid, claimer)] if claimer else [])


def every_target(stances: dict[str, str]) -> dict[str, str]:
    """`stances`, with `none` toward every other target of the current codebook."""
    return {t: stances.get(t, "none") for t in load_codebook().stance_targets}


def doc_stances(stances: dict[str, str]) -> list[Result]:
    """Document stances toward every target of the current codebook (`none` where not given)."""
    return [doc_stance(t, label) for t, label in every_target(stances).items()]


def fx_a_result(text: str | None = None, policy_shift: str = "neutral", us_actor: str = "united_states",
                us_text: str = "U.S.") -> list[Result]:
    """A complete, valid annotation of fx-a (or of an older `text` of it with the same sentences)."""
    text = text if text is not None else articles()["fx-a"].text
    both = {"policy_shift": "favor", "us_commitment_credibility": "favor"}
    return [
        *mention("m-us", text, us_text, us_actor),
        *mention("m-sk", text, "South Korea", "south_korea"),
        *claim("c-help", text, "it would help", "policy_position", "not_check_worthy", both, "m-us", "c-us-help"),
        *claim("c-agree", text, "South Korea agreed", "factual", "check_worthy",
               {"policy_shift": "neutral", "us_commitment_credibility": "none"}),
        *doc_stances({"policy_shift": policy_shift, "us_commitment_credibility": "favor"}),
    ]


def fx_b_result(policy_shift: str) -> list[Result]:
    """A complete annotation of fx-b: one claim, the document stance toward policy_shift as given."""
    text = articles()["fx-b"].text
    return [*claim("c-one", text, "with one sentence", "factual", "not_check_worthy", {}),
            *doc_stances({"policy_shift": policy_shift})]


def annotation(aid: int, user: int | dict[str, Any], result: list[Result], cancelled: bool = False) -> dict[str, Any]:
    """One entry of a task's `annotations`, as the full JSON export writes it."""
    return {"id": aid, "completed_by": user, "result": result, "was_cancelled": cancelled, "ground_truth": False,
            "created_at": "2026-02-01T10:00:00.000000Z", "updated_at": "2026-02-01T10:05:00.000000Z",
            "draft_created_at": None, "lead_time": 300.0, "prediction": {}, "result_count": len(result),
            "unique_id": f"00000000-0000-0000-0000-{aid:012d}", "import_id": None, "last_action": None,
            "bulk_created": False, "task": None, "project": 1, "updated_by": 1, "parent_prediction": None,
            "parent_annotation": None, "last_created_by": None}


def task(tid: int, article_id: str, annotations: list[dict[str, Any]], text: str | None = None) -> dict[str, Any]:
    """A task as exported: the data `kdc studio tasks` imported (optionally on an older `text`)."""
    data = task_of(articles()[article_id], load_registry())["data"]
    if text is not None:
        data = {**data, "text": text, "text_sha256": sha256(text)}
    for a in annotations:
        a["task"] = tid
    return {"id": tid, "data": data, "annotations": annotations, "drafts": [], "predictions": [], "meta": {},
            "created_at": "2026-02-01T09:00:00.000000Z", "updated_at": "2026-02-01T10:05:00.000000Z",
            "inner_id": tid, "total_annotations": len(annotations),
            "cancelled_annotations": sum(a["was_cancelled"] for a in annotations), "total_predictions": 0,
            "comment_count": 0, "unresolved_comment_count": 0, "last_comment_updated_at": None, "project": 1,
            "updated_by": None, "file_upload": None, "comment_authors": []}


def export_bytes(tasks: list[dict[str, Any]]) -> bytes:
    return json.dumps(tasks, ensure_ascii=False, indent=1).encode("utf-8")


def manifest_entry(file: str, data: bytes, annotators: dict[int, str]) -> dict[str, Any]:
    """A MANIFEST.jsonl line as `kdc studio pull` writes it."""
    return {"file": file, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
            "pulled_at": "2026-02-02T08:00:00Z", "project_title": "korea-deterrence",
            "label_studio_version": "1.23.2", "guideline_version": load_codebook().version,
            "annotators": {str(k): v for k, v in sorted(annotators.items())}}


def annotator_record(annotator_id: str) -> dict[str, Any]:
    return {"annotator_id": annotator_id, "kind": "rule_based",
            "description": "synthetic annotator of the test fixtures"}


def decision(key: str, value: dict[str, Any] | None, adjudicator: str = "adj-a", **extra: Any) -> dict[str, Any]:
    return {"key": key, "decision": "accept" if value is not None else "reject", "value": value,
            "reason": "guideline 4.2: the article reports the move without evaluating it",
            "adjudicator": adjudicator, "decided_at": "2026-02-03", "guideline_version": load_codebook().version, **extra}


def jsonl(records: list[Any]) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records)
