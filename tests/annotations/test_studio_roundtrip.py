"""Round trip through a real Label Studio server: `kdc studio push`, two annotators annotate through
the API, `kdc studio pull`, `kdc build`, then `datasets.load_dataset` on the release."""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import label_studio_sdk
import pytest

import ls_results as r
from korea_deterrence.loaders.cli import main
from studio_steps import register

pytestmark = pytest.mark.label_studio

PROJECT = "kdc roundtrip"
PSEUDONYMS = ("ann-test-1", "ann-test-2")



def annotate(server, ls: label_studio_sdk.LabelStudio) -> None:
    project = next(p for p in ls.projects.list() if p.title == PROJECT)
    task_ids = {t.data["article_id"]: t.id for t in ls.tasks.list(project=project.id)}
    for user in server.annotators:
        ls.annotations.create(id=task_ids["fx-a"], result=r.fx_a_result(), completed_by=user.id)
        ls.annotations.create(id=task_ids["fx-b"], result=r.fx_b_result("none"), completed_by=user.id)


def no_secret_in(root: Path, secrets: list[str]) -> None:
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not any(s.encode() in data for s in secrets), path


def test_push_annotate_pull_build_load(label_studio, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("LABEL_STUDIO_URL", label_studio.url)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", label_studio.api_key)
    sources = ["--sources", str(r.VALID_SOURCES)]
    assert main(["studio", "push", "--project", PROJECT, *sources]) == 0
    assert main(["studio", "push", "--project", PROJECT, *sources]) == 0  # idempotent
    ls = label_studio_sdk.LabelStudio(base_url=label_studio.url, api_key=label_studio.api_key)
    annotate(label_studio, ls)

    root = tmp_path / "annotations"
    register(root, *PSEUDONYMS, "pm-test")
    one, two = label_studio.annotators
    assert main(["studio", "pull", "--project", PROJECT, "--annotations", str(root), "--annotator",
                 f"{one.id}={PSEUDONYMS[0]}", "--annotator", f"{two.id}={PSEUDONYMS[1]}",
                 "--annotator", f"{label_studio.admin_id}=pm-test"]) == 0
    release = tmp_path / "release"
    assert main(["build", *sources, "--annotations", str(root), "--out", str(release)]) == 0
    printed = capsys.readouterr()
    assert "project " in printed.out and "2 tasks imported" in printed.out and "0 tasks imported" in printed.out

    load = {c: datasets.load_dataset(str(release), c, split="train")
            for c in ("articles", "mentions", "claims", "stance", "raw_labels")}
    texts = {a["article_id"]: a["text"] for a in load["articles"]}
    assert len(load["mentions"]) == 2 and len(load["claims"]) == 3 and len(load["stance"]) == 2 * 7
    for config in ("mentions", "claims", "raw_labels"):
        for row in load[config]:
            if row["start"] is not None:
                assert texts[row["article_id"]][row["start"]:row["end"]] == row["text"], (config, row)
    mention_ids = {m["mention_id"] for m in load["mentions"]}
    assert {c["claimer_mention_id"] for c in load["claims"]} - {None} <= mention_ids
    assert all(row["gold"]["annotators"] == list(PSEUDONYMS) for row in load["claims"])
    assert {x["source"]["annotator_id"] for x in load["raw_labels"]} == set(PSEUDONYMS)
    assert len(load["raw_labels"]) == 2 * (2 + 2 + 1 + 1 + 1)  # per annotator: mentions, claims, stance rows (one per task)

    manifest = json.loads((release / "manifest.json").read_text("utf-8"))["annotation"]
    assert (manifest["annotations"], manifest["unresolved_items"]) == (4, 0)
    secrets = [label_studio.api_key, label_studio.admin_email, one.email, two.email]
    no_secret_in(release, secrets)
    no_secret_in(root / "exports", secrets)
    assert not any(s in printed.out + printed.err for s in secrets)
