"""croissant.json: valid Croissant 1.0 (checked offline by mlcroissant), files and RAI fields true."""

from __future__ import annotations

import json
from pathlib import Path

import mlcroissant

from korea_deterrence.loaders.release import file_sha256


def test_croissant_validates_and_reads_records(release: Path) -> None:
    dataset = mlcroissant.Dataset(jsonld=str(release / "croissant.json"))
    issues = dataset.metadata.ctx.issues
    assert (issues.errors, issues.warnings) == (set(), set())
    records = list(dataset.records("articles"))
    assert [r["articles/article_id"].decode() for r in records] == [f"kd-00000{i}" for i in range(5)]
    assert records[0]["articles/blocks"][0]["articles/blocks/kind"] == 0


def test_file_objects_name_every_parquet_file_with_its_sha256(release: Path) -> None:
    doc = json.loads((release / "croissant.json").read_text("utf-8"))
    files = {f["contentUrl"]: f["sha256"] for f in doc["distribution"]}
    parquet = sorted(p.relative_to(release).as_posix() for p in release.glob("data/*/*.parquet"))
    network = sorted(p.relative_to(release).as_posix() for p in release.glob("network/*"))
    assert sorted(files) == sorted(parquet + network)
    assert all(file_sha256(release / path) == digest for path, digest in files.items())
    counts = json.loads((release / "manifest.json").read_text("utf-8"))["counts"]
    configs = [name for name, c in counts.items() if c["train"]]
    assert [r["name"] for r in doc["recordSet"]][:len(configs)] == configs
    assert all(r["name"].endswith(".labels") for r in doc["recordSet"][len(configs):])


def test_class_labels_are_croissant_enumerations(release: Path) -> None:
    """Each ClassLabel field references an inline record set of its ids and names."""
    dataset = mlcroissant.Dataset(jsonld=str(release / "croissant.json"))
    labels = {r["claims.claim_type.labels/id"]: r["claims.claim_type.labels/name"]
              for r in dataset.records("claims.claim_type.labels")}
    assert labels == dict(enumerate(["factual", "reported_statement", "prediction", "evaluation", "policy_position"]))
    doc = json.loads((release / "croissant.json").read_text("utf-8"))
    claims = next(r for r in doc["recordSet"] if r["name"] == "claims")
    field = next(f for f in claims["field"] if f["name"] == "claim_type")
    assert field["references"] == {"field": {"@id": "claims.claim_type.labels/id"}}


def test_rai_fields_are_filled_and_say_who_annotated(release: Path) -> None:
    doc = json.loads((release / "croissant.json").read_text("utf-8"))
    for key in ("rai:dataCollection", "rai:dataPreprocessingProtocol", "rai:dataAnnotationProtocol",
                "rai:dataLimitations", "rai:dataBiases", "rai:personalSensitiveInformation", "rai:dataUseCases"):
        assert doc[key], key
    annotators = json.loads((release / "manifest.json").read_text("utf-8"))["annotation"]["annotators"]
    protocol = doc["rai:dataAnnotationProtocol"][0]
    if not annotators:
        assert "pending" in protocol
    for annotator_id, annotator in annotators.items():
        assert f"{annotator_id} ({annotator['kind'].replace('_', ' ')})" in protocol
        if annotator["kind"] == "language_model":
            assert any(t.startswith(annotator_id) for t in doc["rai:machineAnnotationTools"])
    assert doc["conformsTo"] == "http://mlcommons.org/croissant/1.0"
