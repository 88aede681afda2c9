"""Rows of a built release's config with ClassLabel ids replaced by their names, decoded from the
`huggingface` metadata of the Parquet files (so that the build need not import `datasets`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pyarrow.parquet as pq

from korea_deterrence.loaders.storage import readable

_LISTS = ("List", "LargeList", "Sequence")


def read_rows(root: Path, config: str, columns: list[str] | None = None) -> list[dict[str, Any]]:
    """Every row of `config` under `root/data/` (only `columns`, if given), labels decoded; [] when the
    config has no shard."""
    return list(iter_rows(root, config, columns))


def iter_rows(root: Path, config: str, columns: list[str] | None = None) -> Iterator[dict[str, Any]]:
    """The rows of `read_rows`, read one record batch at a time."""
    for shard in sorted((root / "data" / config).glob("train-*.parquet")):
        file = pq.ParquetFile(readable(shard))
        described = json.loads(file.schema_arrow.metadata[b"huggingface"])["info"]["features"]
        features = {name: described[name] for name in columns or file.schema_arrow.names}
        for batch in file.iter_batches(batch_size=1024, columns=columns):
            yield from (decode_labels(row, features) for row in batch.to_pylist())


def decode_labels(value: Any, feature: dict[str, Any]) -> Any:
    """A row (or value) with ClassLabel ids replaced by their names; `feature` as `Features.to_dict()` gives it."""
    if value is None:
        return None
    kind = feature.get("_type")
    if kind is None:  # a struct (or a whole row): field name -> feature
        return {k: decode_labels(value.get(k), f) for k, f in feature.items()}
    if kind in _LISTS:
        return [decode_labels(v, feature["feature"]) for v in value]
    if kind == "ClassLabel":
        names = feature["names"]
        if not 0 <= value < len(names):
            raise ValueError(f"class label id {value} is not in 0..{len(names) - 1}")
        return names[value]
    return value
