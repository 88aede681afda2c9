"""Parquet shards written with the Arrow schema derived from a JSON Schema (HF metadata included)."""

from __future__ import annotations

import operator
from dataclasses import dataclass
from pathlib import Path
from itertools import accumulate, chain
from typing import Any, Iterable, Sequence

import pyarrow as pa
import pyarrow.parquet as pq
from more_itertools import chunked

from korea_deterrence.loaders.storage import ParquetSink, readable, replace
from korea_deterrence.schema.features import ClassLabel, Features, List, Value

ROW_GROUP_ROWS = 1000
SHARD_ROWS = 10_000  # ~55 MB of news text, ~7 MB compressed: a rebuild rewrites only the shards that changed
WRITER_OPTIONS: dict[str, Any] = {"compression": "zstd", "use_dictionary": False, "write_statistics": True}
# what, besides the rows, decides a shard's bytes (a copied shard must equal a freshly written one)
WRITER = f"pyarrow {pa.__version__} {sorted(WRITER_OPTIONS.items())} whole row groups of {ROW_GROUP_ROWS} rows"


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

    def __init__(self, directory: Path, split: str, schema: pa.Schema) -> None:
        self.directory, self.split, self.schema = directory, split, schema
        self._parts: list[Path] = []
        self._writer: ParquetSink | None = None
        self._in_shard = self.rows = 0

    def write(self, table: pa.Table) -> None:
        """Append rows (never writes an empty file: pyarrow's empty row group breaks `load_dataset`)."""
        offset = 0
        while offset < table.num_rows:
            if self._writer is None or self._in_shard >= SHARD_ROWS:
                self._open_next()
            take = min(SHARD_ROWS - self._in_shard, table.num_rows - offset)
            part = table.slice(offset, take)
            self._writer.write_table(part, row_group_size=ROW_GROUP_ROWS)
            self._in_shard, self.rows = self._in_shard + take, self.rows + take
            offset += take

    def _open_next(self) -> None:
        self._close_current()
        self.directory.mkdir(parents=True, exist_ok=True)
        self._parts.append(self.directory / f".part-{len(self._parts):05d}.parquet")
        self._writer = ParquetSink(self._parts[-1], self.schema, **WRITER_OPTIONS)
        self._in_shard = 0

    def _close_current(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def close(self) -> Written:
        self._close_current()
        names = [shard_name(self.split, i, len(self._parts)) for i in range(len(self._parts))]
        nbytes = 0
        for part, name in zip(self._parts, names):
            replace(part, self.directory / name)
            nbytes += uncompressed(pq.read_metadata(readable(self.directory / name)))
        return Written(tuple(names), self.rows, nbytes)


def uncompressed(meta: pq.FileMetaData) -> int:
    """Uncompressed size of a Parquet file's data, from its footer: depends only on the file, unlike
    Arrow buffer sizes."""
    return sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))


def write_parquet(rows: Iterable[dict[str, Any]], features: Features, directory: Path, split: str) -> Written:
    """Stream JSON-ready rows (label names) into shards of `directory`."""
    return _write((encode(batch, features) for batch in chunked(rows, ROW_GROUP_ROWS)), features, directory, split)


def write_stored(rows: Iterable[dict[str, Any]], features: Features, directory: Path, split: str) -> Written:
    """Stream rows as the Parquet files store them (ClassLabel ids, as read back) into shards of `directory`."""
    schema = features.arrow_schema
    tables = (pa.Table.from_pylist(batch, schema=schema) for batch in chunked(rows, ROW_GROUP_ROWS))
    return _write(tables, features, directory, split)


def _write(tables: Iterable[pa.Table], features: Features, directory: Path, split: str) -> Written:
    writer = ShardWriter(directory, split, features.arrow_schema)
    for table in tables:
        writer.write(table)
    return writer.close()


def encode(records: list[Any], features: Features) -> pa.Table:
    """An Arrow table of records (dataclass objects, NamedTuples or JSON-ready dicts), built column by
    column.

    ClassLabel names become ids; the table has exactly `features.arrow_schema` (HF metadata included).
    """
    schema = features.arrow_schema
    columns = _columns(records, list(features))
    arrays = [_array(column, feature, schema.field(name).type)
              for column, (name, feature) in zip(columns, features.items())]
    return pa.Table.from_arrays(arrays, schema=schema)


def _columns(values: Sequence[Any], names: list[str]) -> list[Sequence[Any]]:
    """The values of each named field across records (dataclass objects or dicts; None gives None)."""
    first = next((v for v in values if v is not None), None)
    if first is None:
        return [[None] * len(values) for _ in names]
    if getattr(first, "_fields", None) == tuple(names) and None not in values:  # NamedTuples: transpose
        return list(zip(*values))
    getter = (operator.itemgetter if isinstance(first, dict) else operator.attrgetter)(*names)
    if len(names) == 1:
        return [[None if v is None else getter(v) for v in values]]
    blank = (None,) * len(names)
    return list(zip(*[blank if v is None else getter(v) for v in values]))


def _array(values: Sequence[Any], feature: Any, arrow_type: pa.DataType) -> pa.Array:
    """One Arrow array of `arrow_type` from Python values of `feature`."""
    if isinstance(feature, ClassLabel):
        ids = {name: i for i, name in enumerate(feature.names)}
        return pa.array([None if v is None else ids[v] for v in values], arrow_type)
    if isinstance(feature, List) and _plain_records(values, feature.feature):
        return pa.array(values, arrow_type)  # in pyarrow at once (sentences: ~4 us per article, not ~36)
    if isinstance(feature, List):
        nulls = [v is None for v in values]
        present = [v for v in values if v is not None] if any(nulls) else values
        offsets = list(accumulate((0 if v is None else len(v) for v in values), initial=0))
        child = _array(list(chain.from_iterable(present)), feature.feature, arrow_type.value_type)
        mask = pa.array(nulls) if any(nulls) else None
        return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), child, type=arrow_type, mask=mask)
    if isinstance(feature, dict):
        columns = _columns(values, list(feature))
        children = [_array(column, sub, arrow_type.field(name).type)
                    for column, (name, sub) in zip(columns, feature.items())]
        mask = pa.array([v is None for v in values]) if None in values else None
        return pa.StructArray.from_arrays(children, fields=list(arrow_type), mask=mask)
    return pa.array(values, arrow_type)


def _plain_records(lists: Sequence[Any], feature: Any) -> bool:
    """Whether `lists` (lists of records, or None) can go to pyarrow as they are: the records are
    NamedTuples whose fields are exactly those of `feature`, a struct of plain values (no ClassLabel,
    list or struct, which need conversion here), so that pyarrow maps tuple positions to fields."""
    if not isinstance(feature, dict) or not all(isinstance(f, Value) for f in feature.values()):
        return False
    first = next((items[0] for items in lists if items), None)
    return first is not None and getattr(first, "_fields", None) == tuple(feature)
