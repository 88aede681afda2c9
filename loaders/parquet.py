"""Parquet shards written with the Arrow schema derived from a JSON Schema (HF metadata included)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Iterator

import pyarrow as pa
import pyarrow.parquet as pq
from datasets import Features

ROW_GROUP_ROWS = 1000


def write_parquet(rows: Iterable[dict[str, Any]], features: Features, path: Path) -> tuple[int, int]:
    """Stream JSON-ready rows into one Parquet file; returns the row count and Arrow bytes.

    Nothing is written for zero rows (pyarrow's empty row group breaks `load_dataset`).
    """
    writer: pq.ParquetWriter | None = None
    count = nbytes = 0
    try:
        for batch in _batches(rows, ROW_GROUP_ROWS):
            if writer is None:
                path.parent.mkdir(parents=True, exist_ok=True)
                writer = pq.ParquetWriter(path, features.arrow_schema, compression="zstd",
                                          write_statistics=True, use_dictionary=True)
            table = encode(batch, features)
            writer.write_table(table)
            count, nbytes = count + table.num_rows, nbytes + table.nbytes
    finally:
        if writer is not None:
            writer.close()
    return count, nbytes


def encode(batch: list[dict[str, Any]], features: Features) -> pa.Table:
    """An Arrow table of rows, labels encoded as ClassLabel ids."""
    columns = {name: [row[name] for row in batch] for name in features}
    return pa.Table.from_pydict(features.encode_batch(columns), schema=features.arrow_schema)


def _batches(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
