"""An annotation team's round trip in the real Label Studio page (headless Chromium + selenium).

Two annotators log in, open the pushed task (an article with a flag emoji, 😀 and a combining
mark), draw a claim and a mention, answer the claim's questions, draw the claimer relation, set
both document stances and submit. The project manager pulls (once while a draft is open, once
after), the adjudicator settles their one disagreement in the adjudication project's page, and
`kdc build` releases rows whose offsets, labels, relation and pseudonyms are checked. No file
written anywhere holds an e-mail address.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import label_studio_sdk
import pyarrow.parquet as pq
import pytest

import ls_page as page
from conftest import REPO_ROOT
from korea_deterrence.annotations.codebook import load_codebook
from korea_deterrence.loaders.cli import main
from studio_steps import build, files_under, personal, register, use_server

pytestmark = pytest.mark.label_studio

SOURCES = Path(__file__).parent / "page_sources"
PROJECT, ADJUDICATION = "kdc page", "kdc page adjudication"
ANNOTATORS, ADJUDICATOR = ("ann-page-1", "ann-page-2"), "adj-page"
CLAIM = "South Korea would take primary responsibility for deterring North Korea 😀"
MENTION = "Analysts at the Sn\u0308ow Institute"
ATTRIBUTION = "The Pentagon said"
UNSURE_NOTE = "analysts or experts? the text says analysts"
TARGETS = ("policy_shift", "us_commitment_credibility", "us_troop_reduction", "opcon_transfer", "burden_sharing",
           "denuclearization_goal", "strategic_flexibility")
ARTIFACTS = Path(os.environ.get("KDC_TEST_ARTIFACTS") or REPO_ROOT / "test-artifacts")


@pytest.fixture(scope="module")
def driver():
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        pytest.fail("no chromium/chromedriver: run .ci/label_studio.sh (it installs Debian's chromium)",
                    pytrace=False)
    d = page.make_driver()
    yield d
    d.quit()


def annotate(driver, url: str, user, project_id: int, task_id: int, policy_shift: str, pull=None) -> None:
    """What an annotator does in the page, start to submit (`pull` runs while the draft is open)."""
    driver.delete_all_cookies()
    page.login(driver, url, user.email, user.password)
    page.open_stream(driver, url, project_id, task_id)
    page.select_label(driver, "claim", control="claim")
    claim = page.select_text(driver, CLAIM)
    page.select_label(driver, "attribution", control="claim")
    attribution = page.select_text(driver, ATTRIBUTION)
    page.select_label(driver, "unnamed_source", control="mention")
    mention = page.select_text(driver, MENTION)
    page.select_region(driver, mention["cleanId"])
    page.choose(driver, "actor", "unnamed_analysts")
    page.choose(driver, "unsure", "unsure")
    page.type_text_area(driver, "unsure_note", UNSURE_NOTE)
    page.select_region(driver, claim["cleanId"])
    for control, value in (("claim_type", "reported_statement"), ("checkworthiness", "check_worthy"),
                           ("topic", "responsibility_shift"), ("claim_stance__policy_shift", "favor"),
                           *((f"claim_stance__{t}", "none") for t in TARGETS[1:]),
                           ("source_document", "national_defense_strategy_2026")):
        page.choose(driver, control, value)
    page.type_text_area(driver, "cluster", "c-page-claim")
    page.draw_relation(driver, claim["cleanId"], mention["cleanId"], label="claimed_by")
    page.draw_relation(driver, claim["cleanId"], attribution["cleanId"], label="attribution")
    if pull is not None:
        page.js_until(driver, "return Htx.annotationStore.selected.draftId > 0;", 30, "the page's draft saved")
        pull()
    page.choose(driver, "stance__policy_shift", policy_shift)
    for target in TARGETS[1:]:
        page.choose(driver, f"stance__{target}", "neutral")
    page.submit(driver)


def adjudicate(driver, url: str, server, project_id: int, task_id: int, choice: str, reason: str) -> None:
    driver.delete_all_cookies()
    page.login(driver, url, server.admin_email, server.admin_password)
    page.open_stream(driver, url, project_id, task_id)
    page.choose(driver, "decision", choice)
    page.type_text_area(driver, "reason", reason)
    page.submit(driver)


def test_team_round_trip_in_the_page(label_studio, driver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    use_server(monkeypatch, label_studio)
    root = tmp_path / "annotations"
    register(root, *ANNOTATORS, ADJUDICATOR, "pm-page")
    sources = ["--sources", str(SOURCES)]
    assert main(["studio", "push", "--project", PROJECT, *sources]) == 0
    ls = label_studio_sdk.LabelStudio(base_url=label_studio.url, api_key=label_studio.api_key)
    project = next(p for p in ls.projects.list() if p.title == PROJECT)
    [task] = ls.tasks.list(project=project.id)
    one, two = label_studio.annotators
    pull = ["studio", "pull", "--project", PROJECT, "--annotations", str(root),
            "--annotator", f"{one.id}={ANNOTATORS[0]}", "--annotator", f"{two.id}={ANNOTATORS[1]}",
            "--annotator", f"{label_studio.admin_id}=pm-page"]

    annotate(driver, label_studio.url, one, project.id, task.id, "favor", pull=lambda: main(pull))
    draft_export = json.loads(next((root / "exports").glob("*.json")).read_bytes())
    assert [d["user"] for d in draft_export[0]["drafts"]] == [ANNOTATORS[0]]  # was an e-mail address
    page.previous_task(driver)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / "label-studio-submitted-task.png"))
    annotate(driver, label_studio.url, two, project.id, task.id, "against")
    assert main(pull) == 0
    assert "2 annotation(s) added, 0 updated, 0 deleted since" in capsys.readouterr().out

    options = ["--project", ADJUDICATION, "--annotations", str(root), *sources]
    assert main(["studio", "adjudicate", "push", *options]) == 0
    adj_project = next(p for p in ls.projects.list() if p.title == ADJUDICATION)
    [adj_task] = ls.tasks.list(project=adj_project.id)
    assert adj_task.data["key"] == "stance:pg-a:policy_shift"
    reason = "guideline 2.3: the outlet presents the shift as feasible in its own voice"
    adjudicate(driver, label_studio.url, label_studio, adj_project.id, adj_task.id, f"accept {ANNOTATORS[0]}", reason)
    driver.save_screenshot(str(ARTIFACTS / "label-studio-adjudication.png"))
    assert main(["studio", "adjudicate", "pull", *options, "--annotator", f"{label_studio.admin_id}={ADJUDICATOR}"]) == 0

    release = build(root, tmp_path / "release", SOURCES)
    text = pq.read_table(release / "data" / "articles", columns=["text"]).column("text")[0].as_py()
    mentions = pq.read_table(release / "data" / "mentions").to_pylist()
    [claim] = pq.read_table(release / "data" / "claims").to_pylist()
    [drawn] = [m for m in mentions if m["text"] == MENTION]
    assert (claim["start"], claim["end"]) == (text.index(CLAIM), text.index(CLAIM) + len(CLAIM))
    assert (drawn["start"], drawn["end"]) == (text.index(MENTION), text.index(MENTION) + len(MENTION))
    assert text[claim["start"]:claim["end"]] == CLAIM and drawn["actor_id"] == "unnamed_analysts"
    assert claim["claimer_mention_id"] == drawn["mention_id"] and claim["claimer_actor_id"] == "unnamed_analysts"
    assert claim["cluster_id"] == "c-page-claim" and claim["gold"]["annotators"] == list(ANNOTATORS)
    assert (claim["attribution_text"], text[claim["attribution_start"]:claim["attribution_end"]]) == (ATTRIBUTION,) * 2
    topic = load_codebook().claim_topics.index("responsibility_shift")  # a ClassLabel id in the Parquet file
    assert (claim["topic"], claim["source_document_id"]) == (topic, "national_defense_strategy_2026")
    stance = pq.read_table(release / "data" / "stance").to_pylist()
    assert {(s["gold"]["adjudicator"], s["gold"]["reason"]) for s in stance} == {(None, None), (ADJUDICATOR, reason)}
    raw = pq.read_table(release / "data" / "raw_labels").to_pylist()
    assert {r["source"]["annotator_id"] for r in raw} == set(ANNOTATORS)
    flagged = [(r["text"], r["unsure"], r["unsure_note"]) for r in raw if r["layer"] == 0 and r["unsure"]]  # layer 0: mention
    assert flagged == [(MENTION, True, UNSURE_NOTE)] * 2

    written = files_under(root, release)
    assert len(written) > 10 and personal(written, [label_studio.api_key, *(u.email for u in (one, two))]) == []
