"""Pulls from a real Label Studio server: pseudonymized on the way in, idempotent, incremental.

A team pulls again and again; each label counts once, an updated annotation replaces its
earlier version, a deleted one disappears, and nothing personal reaches a file."""

from __future__ import annotations

import json
from pathlib import Path

import label_studio_sdk
import pytest

import ls_results as r
from korea_deterrence.loaders.cli import main
from korea_deterrence.loaders.diff import diff_releases
from conftest import AdminSession
from studio_steps import build, files_under, personal, register, sums, use_server

pytestmark = pytest.mark.label_studio

PROJECT = "kdc pulls"
ANNOTATORS = ("ann-pull-1", "ann-pull-2")
MANAGER = "pm-pull"



@pytest.fixture(scope="module")
def pushed(label_studio, tmp_path_factory: pytest.TempPathFactory):
    """The project pushed by `kdc studio push` and annotated by both annotators (through the API)."""
    mp = pytest.MonkeyPatch()
    use_server(mp, label_studio)
    try:
        assert main(["studio", "push", "--project", PROJECT, "--sources", str(r.VALID_SOURCES)]) == 0
    finally:
        mp.undo()
    ls = label_studio_sdk.LabelStudio(base_url=label_studio.url, api_key=label_studio.api_key)
    project = next(p for p in ls.projects.list() if p.title == PROJECT)
    tasks = {t.data["article_id"]: t.id for t in ls.tasks.list(project=project.id)}
    made = {}
    for user in label_studio.annotators:  # each starts in the page: Label Studio saves a draft as that user
        page = AdminSession(label_studio.url)
        page.login(user.email, user.password)
        page.api("POST", f"/api/tasks/{tasks['fx-b']}/drafts", {"result": r.fx_b_result("neutral"), "lead_time": 1.5})
    for user in label_studio.annotators:
        made[user.id, "fx-a"] = ls.annotations.create(id=tasks["fx-a"], result=r.fx_a_result(), completed_by=user.id)
        made[user.id, "fx-b"] = ls.annotations.create(id=tasks["fx-b"], result=r.fx_b_result("none"), completed_by=user.id)
    return ls, project, tasks, made


def pull(root: Path, server, *extra: str) -> int:
    one, two = server.annotators
    return main(["studio", "pull", "--project", PROJECT, "--annotations", str(root),
                 "--annotator", f"{one.id}={ANNOTATORS[0]}", "--annotator", f"{two.id}={ANNOTATORS[1]}",
                 "--annotator", f"{server.admin_id}={MANAGER}", *extra])


def test_pulls_are_pseudonymized_idempotent_and_incremental(label_studio, pushed, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    ls, project, tasks, made = pushed
    use_server(monkeypatch, label_studio)
    root = tmp_path / "annotations"
    register(root, *ANNOTATORS, MANAGER)

    assert pull(root, label_studio) == 0
    first = build(root, tmp_path / "r1")
    assert "4 annotation(s) added, 0 updated, 0 deleted (first pull of this project)" in capsys.readouterr().out
    saved = json.loads((root / "exports" / _last_export(root)).read_bytes())
    drafts = [d for t in saved for d in t["drafts"]]  # both annotators' drafts, their users pseudonymized
    assert {d["user"] for d in drafts} == set(ANNOTATORS)
    assert {d["created_username"] for d in drafts} == set(ANNOTATORS)

    assert pull(root, label_studio) == 0  # nothing changed: no new file, same release bytes
    printed = capsys.readouterr().out
    assert "0 annotation(s) added, 0 updated, 0 deleted since" in printed and "no file written" in printed
    assert len((root / "exports" / "MANIFEST.jsonl").read_text().splitlines()) == 1
    assert sums(build(root, tmp_path / "r2")) == sums(first)

    two = label_studio.annotators[1]
    ls.annotations.update(id=made[two.id, "fx-b"].id, result=r.fx_b_result("favor"))
    assert pull(root, label_studio) == 0
    assert "0 annotation(s) added, 1 updated, 0 deleted since" in capsys.readouterr().out
    updated = build(root, tmp_path / "r3")
    raw = next(c for c in diff_releases(first, updated).configs if c.config == "raw_labels")
    # one label changed; the updated annotation's other row now names the export it was read from
    assert not raw.added and not raw.removed
    assert sorted(c["fields"] for c in raw.changed) == [["source"], ["source", "stance"]]
    assert _export_files(updated) - _export_files(first) == {_last_export(root)}

    ls.annotations.delete(id=made[two.id, "fx-a"].id)
    assert pull(root, label_studio) == 0
    assert "0 annotation(s) added, 0 updated, 1 deleted since" in capsys.readouterr().out
    deleted = build(root, tmp_path / "r4")
    raw = next(c for c in diff_releases(updated, deleted).configs if c.config == "raw_labels")
    assert len(raw.removed) == 2 + 2 + 1 and not raw.added and not raw.changed  # its mentions, claims, stance row
    assert all(key.startswith("ann-pull-2:fx-a:") for key in raw.removed)
    manifest = json.loads((deleted / "manifest.json").read_text("utf-8"))["annotation"]
    assert manifest["annotations"] == 3

    secrets = [label_studio.api_key, *(a.email for a in label_studio.annotators)]
    assert personal(files_under(root, deleted), secrets) == []


def _export_files(release: Path) -> set[str]:
    import pyarrow.parquet as pq

    table = pq.read_table(next((release / "data" / "raw_labels").glob("*.parquet")), columns=["source"])
    return {row["source"]["export_file"] for row in table.to_pylist()}


def _last_export(root: Path) -> str:
    return json.loads((root / "exports" / "MANIFEST.jsonl").read_text().splitlines()[-1])["file"]


def test_pull_refuses_users_without_a_registered_pseudonym(label_studio, pushed, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    use_server(monkeypatch, label_studio)
    root = tmp_path / "annotations"
    register(root, ANNOTATORS[0])
    one, two = label_studio.annotators

    def refused(*annotators: str) -> str:
        before = {p: p.read_bytes() for p in files_under(root)}
        args = [a for pair in annotators for a in ("--annotator", pair)]
        assert main(["studio", "pull", "--project", PROJECT, "--annotations", str(root), *args]) == 1
        assert {p: p.read_bytes() for p in files_under(root)} == before and not (root / "exports").exists()
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("kdc studio: ") and "Traceback" not in err
        return err

    assert "never a name or an e-mail address" in refused(f"{one.id}=someone@example.org")
    assert "'ann-pull-2' is not in" in refused(f"{one.id}={ANNOTATORS[0]}", f"{two.id}=ann-pull-2")
    err = refused(f"{one.id}={ANNOTATORS[0]}")
    assert f"Label Studio users without a pseudonym: {label_studio.admin_id} (at /0/" in err
    assert f"{two.id} (at /" in err
    assert one.email not in err and two.email not in err


def test_a_deleted_task_is_refused_unless_allowed(label_studio, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    use_server(monkeypatch, label_studio)
    title = "kdc pulls deleted task"
    assert main(["studio", "push", "--project", title, "--sources", str(r.VALID_SOURCES)]) == 0
    root = tmp_path / "annotations"
    register(root, MANAGER)
    pull = ["studio", "pull", "--project", title, "--annotations", str(root),
            "--annotator", f"{label_studio.admin_id}={MANAGER}"]
    assert main(pull) == 0
    ls = label_studio_sdk.LabelStudio(base_url=label_studio.url, api_key=label_studio.api_key)
    project = next(p for p in ls.projects.list() if p.title == title)
    gone = next(iter(ls.tasks.list(project=project.id)))
    ls.tasks.delete(id=gone.id)
    before = {p: p.read_bytes() for p in files_under(root)}
    capsys.readouterr()
    assert main(pull) == 1
    err = capsys.readouterr().err
    assert err.startswith("kdc studio: ") and f"task(s) [{gone.id}]" in err and "--allow-deleted-tasks" in err
    assert {p: p.read_bytes() for p in files_under(root)} == before
    assert main([*pull, "--allow-deleted-tasks"]) == 0
    assert "1 task(s) deleted since" in capsys.readouterr().out
    assert main(pull) == 0  # the pull that accepted the deletion is the new baseline
