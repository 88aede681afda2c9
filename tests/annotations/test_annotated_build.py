"""Valid annotation roots through `kdc build`: unanimous and adjudicated gold, re-anchoring,
cancelled annotations, and pseudonymization of snapshot-style `completed_by` objects."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import datasets

import ls_results as r
from korea_deterrence.annotations.codebook import load_codebook
from korea_deterrence.loaders.cli import main
from make_fixtures import STANCE_KEY, Spec, base, write


def build(spec: Spec, tmp_path: Path) -> Path:
    write(spec, tmp_path / "annotations")
    out = tmp_path / "release"
    args = ["build", "--sources", str(r.VALID_SOURCES), "--annotations", str(tmp_path / "annotations"), "--out", str(out)]
    assert main(args) == 0
    return out


def rows(release: Path, config: str) -> list[dict[str, Any]]:
    """Rows as a researcher reads them (ClassLabels decoded to their names)."""
    table = datasets.load_dataset(str(release), config, split="train")
    return [_decoded(row, table.features) for row in table]


def _decoded(value: Any, feature: Any) -> Any:
    if isinstance(feature, datasets.ClassLabel):
        return feature.int2str(value) if value is not None else None
    if isinstance(value, dict):
        return {k: _decoded(v, feature[k]) for k, v in value.items()}
    return value


def summary(release: Path) -> dict[str, Any]:
    return json.loads((release / "manifest.json").read_text("utf-8"))["annotation"]


def two_annotators(second: list[r.Result], *more: dict[str, Any]) -> Spec:
    return base(r.annotation(1001, 11, r.fx_a_result()), r.annotation(1002, 12, second), *more)


def test_agreeing_annotators_give_unanimous_gold(tmp_path: Path) -> None:
    release = build(two_annotators(r.fx_a_result()), tmp_path)
    text = r.articles()["fx-a"].text
    mentions, claims, stance = rows(release, "mentions"), rows(release, "claims"), rows(release, "stance")
    assert [(m["text"], m["actor_id"]) for m in mentions] == [("U.S.", "united_states"), ("South Korea", "south_korea")]
    targets = load_codebook().stance_targets
    assert len(claims) == 2 and len(stance) == len(targets) == 7
    assert {c["topic"] for c in claims} == {"responsibility_shift"} and len(claims[0]["stance"]) == 7
    for row in mentions + claims:
        assert text[row["start"]:row["end"]] == row["text"]
    for row in mentions + claims + stance:
        assert row["gold"]["basis"] == "unanimous" and row["gold"]["annotators"] == ["ann-a", "ann-b"]
    help_claim = next(c for c in claims if c["text"] == "it would help")
    assert help_claim["claimer_mention_id"] == mentions[0]["mention_id"] and help_claim["cluster_id"] == "c-us-help"
    assert summary(release)["unresolved_items"] == 0
    assert len(rows(release, "raw_labels")) == 2 * (2 + 2 + 1)


def test_disagreement_resolved_by_an_adjudication_decision(tmp_path: Path) -> None:
    spec = two_annotators(r.fx_a_result(policy_shift="against"))
    spec.decisions.append(r.decision(STANCE_KEY, {"label": "neutral"}))
    stance = {s["target"]: s for s in rows(build(spec, tmp_path), "stance")}
    gold = stance["policy_shift"]["gold"]
    assert stance["policy_shift"]["label"] == "neutral"
    assert (gold["basis"], gold["adjudicator"], gold["annotators"]) == ("adjudicated", "adj-a", ["ann-a"])
    assert gold["reason"] == r.decision(STANCE_KEY, None)["reason"]
    assert stance["us_commitment_credibility"]["gold"]["basis"] == "unanimous"


def test_export_on_an_older_text_is_reanchored_exactly(tmp_path: Path) -> None:
    current = r.articles()["fx-a"].text
    older = current.replace("\nThe U.S.", "\nEarlier, officials met in Seoul. The U.S.")
    shift = len("Earlier, officials met in Seoul. ")
    spec = base(r.annotation(1001, 11, r.fx_a_result()))
    spec.tasks.append(r.task(102, "fx-a", [r.annotation(1002, 12, r.fx_a_result(older))], text=older))
    release = build(spec, tmp_path)
    assert summary(release)["reanchored_spans"] == 4  # 2 mentions + 2 claims of annotation 1002
    raw = [x for x in rows(release, "raw_labels") if x["start"] is not None]
    assert {(x["start"], x["end"]) for x in raw if x["source"]["annotator_id"] == "ann-b"} == \
        {(x["start"], x["end"]) for x in raw if x["source"]["annotator_id"] == "ann-a"}
    assert all(current[x["start"]:x["end"]] == x["text"] for x in raw)
    assert older.index("U.S.") == current.index("U.S.") + shift
    assert [m["gold"]["basis"] for m in rows(release, "mentions")] == ["unanimous", "unanimous"]


def test_cancelled_annotations_are_counted_and_excluded(tmp_path: Path) -> None:
    spec = two_annotators(r.fx_a_result())
    spec.tasks.append(r.task(102, "fx-b", [r.annotation(1003, 12, [], cancelled=True)]))
    release = build(spec, tmp_path)
    assert (summary(release)["annotations"], summary(release)["cancelled_annotations_excluded"]) == (2, 1)
    assert {x["article_id"] for x in rows(release, "raw_labels")} == {"fx-a"}


def test_snapshot_completed_by_with_email_is_pseudonymized(tmp_path: Path) -> None:
    email = "real.annotator@example.org"
    user = {"id": 12, "email": email, "first_name": "Real", "last_name": "Annotator"}
    spec = base(r.annotation(1001, 11, r.fx_a_result()), r.annotation(1002, user, r.fx_a_result()))
    release = build(spec, tmp_path)
    raw = rows(release, "raw_labels")
    assert {x["source"]["annotator_id"] for x in raw} == {"ann-a", "ann-b"}
    assert email.encode() in (tmp_path / "annotations" / "exports" / "round-1.json").read_bytes()
    for path in release.rglob("*"):
        if path.is_file():
            assert email.encode() not in path.read_bytes() and b"Real" not in path.read_bytes(), path


def _as_codebook_1(result: list[r.Result]) -> list[r.Result]:
    """The same answers as codebook 1.0.0 asked them: no topic, only its two stance targets."""
    old = load_codebook().at("1.0.0").stance_targets
    dropped = {"topic"} | {n for t in load_codebook().stance_targets if t not in old
                           for n in (f"stance__{t}", f"claim_stance__{t}")}
    return [x for x in result if x.get("from_name") not in dropped]


def test_gold_comes_from_the_latest_round_and_every_round_keeps_its_labels(tmp_path: Path) -> None:
    """Round 1 (codebook 1.0.0: two annotators who disagree, one decision) and round 2 (2.0.0: two others
    who agree) on one article: gold is round 2's, round 1 stays in raw_labels with its version, its decision
    is neither applied nor an orphan, and agreement is given per round and as round-to-round stability."""
    round_one = [r.annotation(1001, 11, _as_codebook_1(r.fx_a_result())),
                 r.annotation(1002, 12, _as_codebook_1(r.fx_a_result(policy_shift="against")))]
    spec = base(*round_one)
    spec.manifest_edit = lambda entry: entry.update(guideline_version="1.0.0")
    second = r.export_bytes([r.task(201, "fx-a", [r.annotation(2001, 21, r.fx_a_result(policy_shift="favor")),
                                                  r.annotation(2002, 22, r.fx_a_result(policy_shift="favor"))])])
    spec.extra_files["round-2.json"] = second
    spec.extra_manifest.append({**r.manifest_entry("round-2.json", second, {21: "ann-c", 22: "ann-d"}),
                                "project_title": "korea-deterrence round 2"})
    spec.annotators += [r.annotator_record("ann-c"), r.annotator_record("ann-d")]
    spec.decisions = [r.decision(STANCE_KEY, {"label": "neutral"}, guideline_version="1.0.0")]
    release = build(spec, tmp_path)
    stance = {s["target"]: s for s in rows(release, "stance")}
    assert len(stance) == 7 and stance["policy_shift"]["label"] == "favor"
    assert stance["policy_shift"]["gold"]["basis"] == "unanimous"
    assert stance["policy_shift"]["gold"]["annotators"] == ["ann-c", "ann-d"]
    assert {c["topic"] for c in rows(release, "claims")} == {"responsibility_shift"}
    versions = {(x["source"]["annotator_id"], x["source"]["guideline_version"]) for x in rows(release, "raw_labels")}
    current = load_codebook().version
    assert versions == {("ann-a", "1.0.0"), ("ann-b", "1.0.0"), ("ann-c", current), ("ann-d", current)}
    agreement = summary(release)["agreement"]
    assert {a["round"] for a in agreement} == {"1", "2", "2 vs 1"}
    document = {(a["round"], a["measure"]): a["units"] for a in agreement if a["layer"] == "stance"}
    assert document[("1", "document stance: policy_shift")] == document[("2", "document stance: policy_shift")] == 1
    assert ("2", "document stance: us_troop_reduction") in document
    assert ("1", "document stance: us_troop_reduction") not in document  # a target round 1 did not have
    assert ("2 vs 1", "document stance: us_troop_reduction") not in document
    spans = next(a for a in agreement if a["round"] == "2 vs 1" and a["measure"] == "span F1 (exact)" and a["layer"] == "claims")
    assert spans["value"] == 1.0 and spans["units"] == 2  # the same two claims in both rounds
