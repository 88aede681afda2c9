"""What a researcher's script does with a release: load every config (also streaming), verify every
span against its article, join every id, and compare the card's features with the Parquet metadata."""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import pyarrow.parquet as pq
import pytest
import yaml

JOINS = [  # (config, column, referenced config, referenced column)
    ("mentions", "article_id", "articles", "article_id"),
    ("mentions", "actor_id", "actors", "actor_id"),
    ("claims", "article_id", "articles", "article_id"),
    ("claims", "claimer_mention_id", "mentions", "mention_id"),
    ("claims", "claimer_actor_id", "actors", "actor_id"),
    ("stance", "article_id", "articles", "article_id"),
    ("raw_labels", "article_id", "articles", "article_id"),
    ("raw_labels", "actor_id", "actors", "actor_id"),
]


def _card(release: Path) -> dict:
    return yaml.safe_load((release / "README.md").read_text("utf-8").split("---\n")[1])


@pytest.fixture(scope="module")
def loaded(release: Path) -> dict[str, datasets.Dataset]:
    names = [c["config_name"] for c in _card(release)["configs"]]
    return {name: datasets.load_dataset(str(release), name, split="train") for name in names}


def test_every_config_loads_with_rows(loaded: dict[str, datasets.Dataset], release: Path) -> None:
    counts = json.loads((release / "manifest.json").read_text("utf-8"))["counts"]
    assert set(loaded) == {"articles", "actors", "mentions", "claims", "stance", "raw_labels", "clusters", "network", "labels"}
    assert {name: ds.num_rows for name, ds in loaded.items()} == {n: c["train"] for n, c in counts.items()}
    assert all(ds.num_rows > 0 for ds in loaded.values())


def test_every_config_streams(release: Path, loaded: dict[str, datasets.Dataset]) -> None:
    for name, ds in loaded.items():
        first = next(iter(datasets.load_dataset(str(release), name, split="train", streaming=True)))
        assert first == ds[0], name


def test_every_span_is_its_articles_text(loaded: dict[str, datasets.Dataset]) -> None:
    texts = dict(zip(loaded["articles"]["article_id"], loaded["articles"]["text"]))
    checked = 0
    for name in ("mentions", "claims", "raw_labels"):
        for row in loaded[name]:
            if row["start"] is not None:
                assert texts[row["article_id"]][row["start"]:row["end"]] == row["text"], (name, row)
                checked += 1
    assert checked > 500


@pytest.mark.parametrize(("config", "column", "target", "key"), JOINS)
def test_ids_join(loaded: dict[str, datasets.Dataset], config: str, column: str, target: str, key: str) -> None:
    known = set(loaded[target][key])
    values = [v for v in loaded[config][column] if v is not None]
    assert values and set(values) <= known


def test_every_claim_has_a_claimer_and_a_stance_per_target(loaded: dict[str, datasets.Dataset]) -> None:
    """Every target of the codebook version the claim was labeled under, and no other (round 1: the two 1.x
    targets; the targets codebook 2.0.0 added have no row rather than a `none` nobody gave)."""
    from korea_deterrence.annotations.codebook import load_codebook, version_key

    targets = loaded["claims"].features["stance"].feature["target"].names
    for row in loaded["claims"]:
        assert row["claimer_is_outlet"] == (row["claimer_mention_id"] is None)
        version = max(row["gold"]["guideline_version"].split(","), key=version_key)
        expected = [targets.index(t) for t in load_codebook().at(version).stance_targets]
        assert sorted(s["target"] for s in row["stance"]) == expected


def test_card_features_equal_parquet_metadata_for_every_config(release: Path) -> None:
    for info in _card(release)["dataset_info"]:
        shard = sorted((release / "data" / info["config_name"]).glob("train-*.parquet"))[0]
        meta = json.loads(pq.read_schema(shard).metadata[b"huggingface"])["info"]["features"]
        assert datasets.Features._from_yaml_list(info["features"]) == datasets.Features.from_dict(meta)
