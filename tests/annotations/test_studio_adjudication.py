"""Adjudication through Label Studio: disagreements pushed as tasks, decisions pulled into adjudication.jsonl."""

from __future__ import annotations

import json
from pathlib import Path

import label_studio_sdk
import pyarrow.parquet as pq
import pytest

import ls_results as r
from korea_deterrence.annotations.codebook import load_codebook
from korea_deterrence.loaders.cli import main
from studio_steps import build, register, use_server

pytestmark = pytest.mark.label_studio

PROJECT, ADJUDICATION = "kdc adj", "kdc adj adjudication"
ANNOTATORS, ADJUDICATOR, MANAGER = ("ann-adj-1", "ann-adj-2"), "adj-adj", "pm-adj"



def decide(choice: str, reason: str, edited: str | None = None) -> list[r.Result]:
    result = [{"id": "d", "from_name": "decision", "to_name": "context", "type": "choices",
               "value": {"choices": [choice]}},
              {"id": "r", "from_name": "reason", "to_name": "context", "type": "textarea", "value": {"text": [reason]}}]
    if edited is not None:
        result.append({"id": "e", "from_name": "edited", "to_name": "context", "type": "textarea",
                       "value": {"text": [edited]}})
    return result


def test_disagreements_adjudicated_in_label_studio(label_studio, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    use_server(monkeypatch, label_studio)
    root = tmp_path / "annotations"
    register(root, *ANNOTATORS, ADJUDICATOR, MANAGER)
    sources = ["--sources", str(r.VALID_SOURCES)]
    assert main(["studio", "push", "--project", PROJECT, *sources]) == 0
    ls = label_studio_sdk.LabelStudio(base_url=label_studio.url, api_key=label_studio.api_key)
    project = next(p for p in ls.projects.list() if p.title == PROJECT)
    tasks = {t.data["article_id"]: t.id for t in ls.tasks.list(project=project.id)}
    one, two = label_studio.annotators
    for user, policy in ((one, "none"), (two, "favor")):
        ls.annotations.create(id=tasks["fx-a"], result=r.fx_a_result(), completed_by=user.id)
        ls.annotations.create(id=tasks["fx-b"], result=r.fx_b_result(policy), completed_by=user.id)
    names = ["--annotator", f"{one.id}={ANNOTATORS[0]}", "--annotator", f"{two.id}={ANNOTATORS[1]}",
             "--annotator", f"{label_studio.admin_id}={MANAGER}"]
    assert main(["studio", "pull", "--project", PROJECT, "--annotations", str(root), *names]) == 0

    adjudicate = ["studio", "adjudicate"]
    assert main([*adjudicate, "push", "--project", ADJUDICATION, "--annotations", str(root), *sources]) == 0
    assert "1 disagreement(s); 1 tasks imported" in capsys.readouterr().out
    assert main([*adjudicate, "push", "--project", ADJUDICATION, "--annotations", str(root), *sources]) == 0
    assert "0 tasks imported, 1 already present" in capsys.readouterr().out
    adj = next(p for p in ls.projects.list() if p.title == ADJUDICATION)
    [task] = ls.tasks.list(project=adj.id)
    assert task.data["key"] == "stance:fx-b:policy_shift"
    assert task.data["versions"] == f'{ANNOTATORS[0]}: {{"label": "none"}}\n{ANNOTATORS[1]}: {{"label": "favor"}}'

    pull = [*adjudicate, "pull", "--project", ADJUDICATION, "--annotations", str(root), "--annotator",
            f"{one.id}={ADJUDICATOR}", *sources]
    short = ls.annotations.create(id=task.id, completed_by=one.id, result=decide(f"accept {ANNOTATORS[1]}", "too short"))
    assert main(pull) == 1
    assert "reason" in capsys.readouterr().err and not (root / "adjudication.jsonl").exists()

    reason = "guideline 2.3: the article reports the move without taking a side"
    ls.annotations.update(id=short.id, result=decide("accept edited value", reason, '{"label": "neutral"}'))
    assert main(pull) == 0
    assert "1 decision(s) written" in capsys.readouterr().out
    [line] = (root / "adjudication.jsonl").read_text("utf-8").splitlines()
    decision = json.loads(line)
    assert decision | {"decided_at": None} == {
        "key": "stance:fx-b:policy_shift", "decision": "accept", "value": {"label": "neutral"}, "reason": reason,
        "adjudicator": ADJUDICATOR, "decided_at": None, "guideline_version": load_codebook().version}
    assert main(pull) == 0 and "0 decision(s) written" in capsys.readouterr().out  # idempotent

    release = build(root, tmp_path / "release")
    assert json.loads((release / "manifest.json").read_text("utf-8"))["annotation"]["unresolved_items"] == 0
    assert "unresolved" not in capsys.readouterr().out
    [row] = [s for s in pq.read_table(release / "data" / "stance").to_pylist()
             if (s["article_id"], s["target"]) == ("fx-b", 0)]  # target 0: policy_shift
    assert (row["gold"]["adjudicator"], row["gold"]["reason"]) == (ADJUDICATOR, reason)
