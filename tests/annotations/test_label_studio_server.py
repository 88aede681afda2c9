"""Smoke test against a real Label Studio server: the export facts our importer relies on.

Full JSON export of a project with spans, per-region choices and relations, annotated by
two different users: code-point offsets, distinct ``completed_by`` ids, relation and
per-region choice shapes, and the imported task ``data`` coming back unchanged.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import label_studio_sdk  # a required test dependency: missing is an import error, not a skip
import pytest

pytestmark = pytest.mark.label_studio

LABEL_CONFIG = """<View>
  <Text name="text" value="$text"/>
  <Labels name="span" toName="text">
    <Label value="Actor"/>
    <Label value="Claim"/>
  </Labels>
  <Choices name="claim_type" toName="text" perRegion="true">
    <Choice value="factual"/>
    <Choice value="prediction"/>
  </Choices>
  <Relations>
    <Relation value="makes"/>
  </Relations>
</View>"""

# The emoji is one code point but two UTF-16 units: "Seoul" is [2, 7) in code points.
TEXT_1 = "😀 Seoul said it will take primary responsibility for deterrence."
TEXT_2 = "Washington promised critical but more limited support."
MODEL_VERSION = "kdc-smoke-0"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def span(region_id: str, text: str, part: str, label: str) -> dict[str, Any]:
    start = text.index(part)
    return {
        "id": region_id, "from_name": "span", "to_name": "text", "type": "labels",
        "value": {"start": start, "end": start + len(part), "text": part, "labels": [label]},
    }


def region_choice(of_span: dict[str, Any], choice: str) -> dict[str, Any]:
    value = {k: of_span["value"][k] for k in ("start", "end", "text")}
    return {
        "id": of_span["id"], "from_name": "claim_type", "to_name": "text", "type": "choices",
        "value": {**value, "choices": [choice]},
    }


def relation(from_id: str, to_id: str) -> dict[str, Any]:
    return {"from_id": from_id, "to_id": to_id, "type": "relation", "direction": "right",
            "labels": ["makes"]}


def annotation_result(claim_part: str, choice: str) -> list[dict[str, Any]]:
    actor = span("actor1", TEXT_1, "Seoul", "Actor")
    claim = span("claim1", TEXT_1, claim_part, "Claim")
    return [actor, claim, region_choice(claim, choice), relation("actor1", "claim1")]


def task(article_id: str, text: str) -> dict[str, Any]:
    return {"data": {"text": text, "article_id": article_id, "text_sha256": sha256(text)}}


def test_full_json_export_shape(label_studio) -> None:
    ls = label_studio_sdk.LabelStudio(base_url=label_studio.url, api_key=label_studio.api_key)
    project = ls.projects.create(title="kdc smoke", label_config=LABEL_CONFIG)

    first = task("a1", TEXT_1)
    first["predictions"] = [{"model_version": MODEL_VERSION, "score": 0.5,
                             "result": [span("pred1", TEXT_1, "Seoul", "Actor")]}]
    ls.projects.import_tasks(id=project.id, request=[first, task("a2", TEXT_2)])
    task_ids = {t.data["article_id"]: t.id for t in ls.tasks.list(project=project.id)}

    one, two = label_studio.annotators
    ls.annotations.create(id=task_ids["a1"], completed_by=one.id,
                          result=annotation_result("take primary responsibility", "factual"))
    ls.annotations.create(id=task_ids["a1"], completed_by=two.id,
                          result=annotation_result("primary responsibility for deterrence",
                                                   "prediction"))

    exported = json.loads(ls.projects.exports.as_binary(project.id, export_type="JSON"))
    by_article = {t["data"]["article_id"]: t for t in exported}

    assert set(by_article) == {"a1", "a2"}  # unannotated tasks are exported too
    for article_id, text in (("a1", TEXT_1), ("a2", TEXT_2)):
        assert by_article[article_id]["data"] == task(article_id, text)["data"]
    assert by_article["a2"]["annotations"] == []

    annotated = by_article["a1"]
    annotations = annotated["annotations"]
    assert [a["completed_by"] for a in annotations] == [one.id, two.id]
    assert all(isinstance(a["completed_by"], int) for a in annotations)  # ids, not e-mails
    assert all(not a["was_cancelled"] for a in annotations)

    for annotation in annotations:
        results = annotation["result"]
        spans = {r["id"]: r for r in results if r["type"] == "labels"}
        for region in spans.values():  # code-point offsets, same as Python str indices
            value = region["value"]
            assert TEXT_1[value["start"]:value["end"]] == value["text"]
        assert spans["actor1"]["value"]["start"] == 2 and spans["actor1"]["value"]["end"] == 7

        choices = [r for r in results if r["type"] == "choices"]
        assert [c["id"] for c in choices] == ["claim1"]  # per-region choice shares the span id
        assert choices[0]["value"]["start"] == spans["claim1"]["value"]["start"]
        assert choices[0]["value"]["end"] == spans["claim1"]["value"]["end"]

        relations = [r for r in results if r["type"] == "relation"]
        assert relations == [relation("actor1", "claim1")]
        assert "from_name" not in relations[0]

    # The request's user (the admin) shows up as updated_by: attribution is completed_by.
    assert {a["updated_by"] for a in annotations} == {label_studio.admin_id}
    # Task-level predictions are ids only; each annotation embeds the full prediction
    # whose model_version matches the project's (set from the imported prediction).
    assert annotated["predictions"] == [annotations[0]["prediction"]["id"]]
    assert all(a["prediction"]["model_version"] == MODEL_VERSION for a in annotations)

    dumped = json.dumps(exported)
    assert label_studio.api_key not in dumped
    for email in (one.email, two.email, label_studio.admin_email):  # no e-mails in this export
        assert email not in dumped
