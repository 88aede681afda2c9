"""Rows of a built release's config, with ClassLabel ids replaced by their names (for the network and report)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from datasets import Features

from korea_deterrence.loaders.validate_release import _decode


def read_rows(root: Path, config: str) -> list[dict[str, Any]]:
    """Every row of `config` under `root/data/`, labels decoded; [] when the config has no shard."""
    shards = sorted((root / "data" / config).glob("train-*.parquet"))
    if not shards:
        return []
    table = pa.concat_tables(pq.read_table(shard) for shard in shards)
    described = Features.from_dict(json.loads(table.schema.metadata[b"huggingface"])["info"]["features"])
    features = Features({name: described[name] for name in table.column_names})  # a column may be left out
    return [_decode(row, features) for row in table.to_pylist()]
