"""The release directory: loads offline with typed features, spans verify, builds are byte-identical."""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import pyarrow.parquet as pq
import yaml

from korea_deterrence.loaders.cli import main

ARTICLES = "data/articles/train-00000-of-00001.parquet"


def test_articles_load_offline_with_typed_features(release: Path) -> None:
    ds = datasets.load_dataset(str(release), "articles", split="train")
    assert ds.num_rows == 5
    assert ds["article_id"] == sorted(ds["article_id"])
    kinds = ds.features["blocks"].feature["kind"]
    assert kinds.names == ["title", "subtitle", "heading", "paragraph", "list_item", "dateline"]
    for row in ds:
        text = row["text"]
        assert [text[b["start"]:b["end"]] for b in row["blocks"]] == text.split("\n")
        assert all(text[s["start"]:s["end"]].strip() == text[s["start"]:s["end"]] != "" for s in row["sentences"])
        assert all(text[e["start"]:e["end"]] == e["text"] for e in row["edits"])


def test_streaming_load(release: Path) -> None:
    first = next(iter(datasets.load_dataset(str(release), "articles", split="train", streaming=True)))
    assert first["article_id"] == "kd-000000"


def test_card_features_equal_parquet_metadata(release: Path) -> None:
    card = (release / "README.md").read_text("utf-8")
    header = yaml.safe_load(card.split("---\n")[1])
    info = {c["config_name"]: c for c in header["dataset_info"]}
    meta = json.loads(pq.read_schema(release / ARTICLES).metadata[b"huggingface"])
    from_parquet = datasets.Features.from_dict(meta["info"]["features"])
    assert datasets.Features._from_yaml_list(info["articles"]["features"]) == from_parquet
    assert header["version"] in card.split("---\n", 2)[2]


def test_manifest_and_checksums(release: Path) -> None:
    manifest = json.loads((release / "manifest.json").read_text("utf-8"))
    assert manifest["counts"]["articles"]["train"] == 5
    assert manifest["schemas"]["articles"] == "urn:korea-deterrence:schema:article:1.1.0"
    import hashlib

    from korea_deterrence.corpus import packaged_sources

    sources = next(i for i in manifest["inputs"] if i["path"] == "corpus/sources.jsonl")
    assert sources["sha256"] == hashlib.sha256((packaged_sources() / "sources.jsonl").read_bytes()).hexdigest()
    assert "5 raw files" in sources["note"]
    sums = dict(reversed(line.split("  ")) for line in (release / "SHA256SUMS").read_text().splitlines())
    metadata = {"README.md", "manifest.json", "croissant.json", "CITATION.cff", "DATASHEET.md", ".zenodo.json"}
    assert ARTICLES in manifest["data_sha256"]
    network = {f["path"] for f in manifest["network_files"]}
    assert set(sums) == metadata | set(manifest["data_sha256"]) | network


def test_two_builds_are_byte_identical(release: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert main(["build", "--out", str(again)]) == 0
    files = sorted(p.relative_to(release) for p in release.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert all((release / f).read_bytes() == (again / f).read_bytes() for f in files)


def test_rebuild_replaces_an_existing_release(tmp_path: Path, capsys) -> None:
    out = tmp_path / "rel"
    assert main(["build", "--out", str(out)]) == 0
    (out / "stale.txt").write_text("left from an older build")
    assert main(["build", "--out", str(out)]) == 0
    assert not (out / "stale.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rel"]
    assert 'load_dataset("' in capsys.readouterr().out
