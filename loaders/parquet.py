"""Parquet shards written with the Arrow schema derived from a JSON Schema (HF metadata included)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import pyarrow as pa
import pyarrow.parquet as pq
from datasets import ClassLabel, Features, List

ROW_GROUP_ROWS = 1000
SHARD_ROWS = 100_000  # ~0.5 GB of news text before compression; HF suggests shards under ~1 GB


@dataclass(frozen=True)
class Written:
    """What a sharded write produced: file names (relative to the config directory), rows, uncompressed bytes."""

    files: tuple[str, ...]
    rows: int
    nbytes: int


def shard_name(split: str, index: int, total: int) -> str:
    """HF's shard naming: `<split>-00000-of-00003.parquet`."""
    return f"{split}-{index:05d}-of-{total:05d}.parquet"


class ShardWriter:
    """Writes Arrow tables into bounded shards; names them `-of-N` once N is known (on close)."""

    def __init__(self, directory: Path, split: str, schema: pa.Schema, shard_rows: int | None = None) -> None:
        self.directory, self.split, self.schema = directory, split, schema
        self.shard_rows = shard_rows or SHARD_ROWS
        self._parts: list[Path] = []
        self._writer: pq.ParquetWriter | None = None
        self._in_shard = self.rows = 0

    def write(self, table: pa.Table) -> None:
        """Append rows (never writes an empty file: pyarrow's empty row group breaks `load_dataset`)."""
        offset = 0
        while offset < table.num_rows:
            if self._writer is None or self._in_shard >= self.shard_rows:
                self._open_next()
            take = min(self.shard_rows - self._in_shard, table.num_rows - offset)
            part = table.slice(offset, take)
            self._writer.write_table(part, row_group_size=ROW_GROUP_ROWS)
            self._in_shard, self.rows = self._in_shard + take, self.rows + take
            offset += take

    def _open_next(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self.directory.mkdir(parents=True, exist_ok=True)
        self._parts.append(self.directory / f".part-{len(self._parts):05d}.parquet")
        self._writer = pq.ParquetWriter(self._parts[-1], self.schema, compression="zstd", write_statistics=True)
        self._in_shard = 0

    def close(self) -> Written:
        if self._writer is not None:
            self._writer.close()
        names = [shard_name(self.split, i, len(self._parts)) for i in range(len(self._parts))]
        for part, name in zip(self._parts, names):
            os.replace(part, self.directory / name)
        return Written(tuple(names), self.rows, sum(_uncompressed(self.directory / n) for n in names))


def _uncompressed(path: Path) -> int:
    """Uncompressed size of a Parquet file's data: depends only on the file, unlike Arrow buffer sizes."""
    meta = pq.ParquetFile(path).metadata
    return sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))


def write_parquet(rows: Iterable[dict[str, Any]], features: Features, directory: Path, split: str) -> Written:
    """Stream JSON-ready rows into shards of `directory`."""
    writer = ShardWriter(directory, split, features.arrow_schema)
    for batch in _batches(rows, ROW_GROUP_ROWS):
        writer.write(encode(batch, features))
    return writer.close()


def encode(batch: list[dict[str, Any]], features: Features) -> pa.Table:
    """An Arrow table of rows, labels encoded as ClassLabel ids."""
    encoders = {name: _encoder(feature) for name, feature in features.items()}
    columns = {name: [enc(row[name]) for row in batch] for name, enc in encoders.items()}
    return pa.Table.from_pydict(columns, schema=features.arrow_schema)


def _encoder(feature: Any) -> Callable[[Any], Any]:
    """A function turning a JSON value into its Arrow-ready form (ClassLabel names -> ids)."""
    if not _has_labels(feature):
        return _identity
    if isinstance(feature, ClassLabel):
        ids = {name: i for i, name in enumerate(feature.names)}
        return lambda v: None if v is None else ids[v]
    if isinstance(feature, List):
        inner = _encoder(feature.feature)
        return lambda v: None if v is None else [inner(x) for x in v]
    if isinstance(feature, dict):
        fields = {k: _encoder(f) for k, f in feature.items()}
        return lambda v: None if v is None else {k: enc(v[k]) for k, enc in fields.items()}
    return _identity


def _identity(value: Any) -> Any:
    return value


def _has_labels(feature: Any) -> bool:
    if isinstance(feature, ClassLabel):
        return True
    if isinstance(feature, List):
        return _has_labels(feature.feature)
    return isinstance(feature, dict) and any(_has_labels(f) for f in feature.values())


def _batches(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
