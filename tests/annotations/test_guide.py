"""annotations/README.md, the team's guide, run as written: every `kdc` command, in order, against a real
server; the annotators' part (done in the page by test_studio_page.py) is entered through the API here,
with round 1's labels, so the guide runs on the shipped corpus."""

from __future__ import annotations

import json
import re
import shlex
import shutil
from pathlib import Path

import label_studio_sdk
import pytest

import ls_results as r
from conftest import START_ARGS, AdminSession
from korea_deterrence.annotations.codebook import load_codebook, load_registry
from korea_deterrence.annotations.labelconfig import ACTOR, CLAIM_LABEL, MENTION, TOPIC, claim_stance_name, doc_stance_name
from korea_deterrence.annotations.stage import packaged_annotations
from korea_deterrence.loaders.cli import main
from studio_steps import files_under, personal, use_server

pytestmark = pytest.mark.label_studio

GUIDE = Path(__file__).resolve().parents[2] / "annotations" / "README.md"
DATA = ["GUIDELINES.md", "codebook.json", "actors.jsonl", "annotators.jsonl"]


def round_one_copy(target: Path) -> None:
    """The shipped annotations as they were after round 1 (its export and decisions only): the guide then
    runs a new round on the shipped corpus, replaying round 1's labels."""
    shipped = packaged_annotations()
    target.mkdir()
    for name in DATA:
        shutil.copy(shipped / name, target / name)
    (target / "exports").mkdir()
    first = (shipped / "exports" / "MANIFEST.jsonl").read_text("utf-8").splitlines()[0]
    (target / "exports" / "MANIFEST.jsonl").write_text(first + "\n", "utf-8")
    shutil.copy(shipped / "exports" / json.loads(first)["file"], target / "exports")
    decisions = (shipped / "adjudication.jsonl").read_text("utf-8").splitlines(keepends=True)
    (target / "adjudication.jsonl").write_text(
        "".join(d for d in decisions if json.loads(d)["guideline_version"].startswith("1.")), "utf-8")


def commands(guide: str) -> list[str]:
    """Every line of the guide's bash blocks, in order."""
    blocks = re.findall(r"```bash\n(.*?)```", guide, re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def test_server_is_started_as_the_guide_says() -> None:
    start = next(c for c in commands(GUIDE.read_text("utf-8")) if " start " in c)
    assert f"label-studio {' '.join(START_ARGS)} 8080" in start  # what the test fixture runs


def as_current_codebook(result: list[r.Result]) -> list[r.Result]:
    """A round-1 (codebook 1.x) result answered as the current codebook asks: superseded actors replaced,
    topic `other` and stance `none` toward the targets 1.x did not have, on every claim and the document."""
    registry = {a.actor_id: a for a in load_registry()}
    replaced = {a.actor_id: a.superseded_by for a in registry.values() if a.superseded_by}
    moved = {x["id"]: replaced[x["value"]["choices"][0]] for x in result
             if x.get("from_name") == ACTOR and x["value"]["choices"][0] in replaced}  # region -> new actor
    upgraded, targets = [], load_codebook().stance_targets
    for item in result:
        if item.get("id") in moved and item.get("from_name") in (ACTOR, MENTION):
            new = moved[item["id"]]
            key, value = ("choices", new) if item["from_name"] == ACTOR else ("labels", registry[new].type)
            item = {**item, "value": {**item["value"], key: [value]}}
        upgraded.append(item)
        if item.get("type") == "labels" and item["value"]["labels"] == [CLAIM_LABEL]:
            asked = {x["from_name"] for x in result if x.get("id") == item["id"]}
            upgraded += [r.region_choice(item, TOPIC, "other")] if TOPIC not in asked else []
            upgraded += [r.region_choice(item, claim_stance_name(t), "none") for t in targets
                         if claim_stance_name(t) not in asked]
    given = {x.get("from_name") for x in result}
    return upgraded + [r.doc_stance(t, "none") for t in targets if doc_stance_name(t) not in given]


def annotate_as_round_one(server, title: str) -> None:
    """Users 2 and 3 enter, for each task, what Label Studio users 2 and 3 entered in round 1 (answered as
    the current codebook asks)."""
    ls = label_studio_sdk.LabelStudio(base_url=server.url, api_key=server.api_key)
    exports = packaged_annotations() / "exports"
    entry = json.loads((exports / "MANIFEST.jsonl").read_text().splitlines()[0])  # round 1
    round_one = json.loads((exports / entry["file"]).read_bytes())
    project = next(p for p in ls.projects.list() if p.title == title)
    tasks = {t.data["article_id"]: t.id for t in ls.tasks.list(project=project.id)}
    for task in round_one:
        for annotation in task["annotations"]:
            ls.annotations.create(id=tasks[task["data"]["article_id"]], result=as_current_codebook(annotation["result"]),
                                  completed_by=annotation["completed_by"])


def test_the_guide_runs_as_written(label_studio, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    round_one_copy(tmp_path / "annotations")
    monkeypatch.chdir(tmp_path)
    use_server(monkeypatch, label_studio)
    admin = AdminSession(label_studio.url)
    admin.login(label_studio.admin_email, label_studio.admin_password)
    AdminSession(label_studio.url).signup(admin.api("GET", "/api/invite")["invite_url"],
                                          "adjudicator@example.org", "an-adjudicator-password-1")
    ran = []
    for line in commands(GUIDE.read_text("utf-8")):
        if not line.startswith("kdc "):
            continue
        assert main(shlex.split(line)[1:]) == 0, line
        ran.append(line)
        if line.startswith("kdc studio push"):
            annotate_as_round_one(label_studio, shlex.split(line)[-1])
    assert [c.split(" --")[0] for c in ran] == [
        "kdc studio users", *["kdc studio annotator add " + n for n in ("ann-h1", "ann-h2", "adj-h1", "pm-h1")],
        "kdc studio push", "kdc studio pull", "kdc agreement", "kdc studio adjudicate push",
        "kdc studio adjudicate pull", "kdc build"]
    printed = capsys.readouterr().out
    assert "10 annotation(s) added" in printed and "korea-deterrence 0.1.0 written to dist/korea-deterrence" in printed
    release = tmp_path / "dist" / "korea-deterrence"
    manifest = json.loads((release / "manifest.json").read_text("utf-8"))["annotation"]
    assert {"ann-h1", "ann-h2", "ann-llm-a", "ann-llm-b"} <= set(manifest["annotators"])
    assert personal(files_under(tmp_path), [label_studio.api_key, "adjudicator@example.org"]) == []
