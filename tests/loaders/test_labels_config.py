"""Label names for readers without `datasets`: the `labels` config, read with DuckDB straight from the Parquet files."""

from __future__ import annotations

from pathlib import Path

import datasets
import duckdb


def test_duckdb_reads_label_names_that_match_datasets(release: Path) -> None:
    data = release / "data"
    named = duckdb.sql(
        f"select c.claim_id, l.name from '{data}/claims/*.parquet' c "
        f"join '{data}/labels/*.parquet' l on l.config = 'claims' and l.field = 'claim_type' and l.id = c.claim_type "
        "order by c.claim_id").fetchall()
    claims = datasets.load_dataset(str(release), "claims", split="train")
    names = claims.features["claim_type"].names
    assert named == sorted((c["claim_id"], names[c["claim_type"]]) for c in claims)
    assert len(named) == len(claims) > 0


def test_every_class_label_field_is_listed(release: Path) -> None:
    data = release / "data"
    listed = set(duckdb.sql(f"select config, field from '{data}/labels/*.parquet'").fetchall())
    for config in ("articles", "claims", "stance", "mentions", "raw_labels"):
        features = datasets.load_dataset(str(release), config, split="train").features
        assert {(config, path) for path in _class_labels(features)} <= listed, config


def _class_labels(features, prefix: str = ""):
    for name, feature in features.items():
        inner = getattr(feature, "feature", feature)  # List(...) of a struct or a label
        if isinstance(inner, datasets.ClassLabel):
            yield prefix + name
        elif isinstance(inner, dict):
            yield from _class_labels(inner, f"{prefix}{name}.")


def test_raw_labels_use_the_gold_configs_label_encoding(release: Path) -> None:
    """A per-annotator claim type is the same id as a gold one: one join table serves both."""
    data = release / "data"
    same = duckdb.sql(
        f"select count(*) from '{data}/raw_labels/*.parquet' r join '{data}/claims/*.parquet' c "
        "on r.article_id = c.article_id and r.start = c.start and r.\"end\" = c.\"end\" "
        f"where r.layer = (select id from '{data}/labels/*.parquet' where config = 'raw_labels' and field = 'layer' "
        "and name = 'claim') and r.claim_type = c.claim_type").fetchall()[0][0]
    assert same > 0
    kinds = duckdb.sql(f"select distinct field from '{data}/labels/*.parquet' where config = 'raw_labels'").fetchall()
    assert {("claim_type",), ("checkworthiness",), ("mention_type",)} <= set(kinds)
