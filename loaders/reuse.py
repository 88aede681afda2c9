"""Incremental rebuilds from the previous release in the output directory.

A shard whose inputs are unchanged (the same manifest lines, normalizer, schema and Parquet writer,
summed up in its `korea_deterrence.inputs` key) is copied whole. In a shard that changed, the rows
of articles whose raw bytes and provenance are unchanged are reused; only the rest are normalized.
"""

from __future__ import annotations

import hashlib
import json
from bisect import bisect_left, bisect_right
from pathlib import Path
from typing import Any, Callable, Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from korea_deterrence.corpus import NORMALIZER_VERSION, SourceEntry, files_sha256
from korea_deterrence.corpus.records import FACT_FIELDS
from korea_deterrence.loaders.parquet import WRITER, KnownShard, uncompressed
from korea_deterrence.schema import schema_id

INPUTS_KEY = "korea_deterrence.inputs"  # Parquet key-value metadata of every articles shard


def shard_inputs(span_sha256: str) -> str:
    """sha256 of everything an articles shard's bytes depend on: its span of manifest lines (which pin
    each raw file's sha256), the normalizer and schema versions and the Parquet writer."""
    inputs = f"{NORMALIZER_VERSION}\n{schema_id('article')}\n{WRITER}\n{span_sha256}\n"
    return hashlib.sha256(inputs.encode("utf-8")).hexdigest()


def reusable(release: Path) -> bool:
    """Whether `release` is a release built by this normalizer and schema (its articles can be reused)."""
    return _reusable_manifest(release) is not None


def _reusable_manifest(release: Path) -> dict[str, Any] | None:
    """The manifest.json of `release` if it was built by this normalizer and schema."""
    try:
        manifest = json.loads((release / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    same = (manifest.get("normalizer_version") == NORMALIZER_VERSION
            and manifest.get("schemas", {}).get("articles") == schema_id("article"))
    return manifest if same else None


class PreviousArticles:
    """The previous release's articles: whole shards by inputs key, rows read in article_id order."""

    def __init__(self, shards: list[tuple[Path, str]]) -> None:
        """`shards`: (path, sha256) of each shard that may be used, in order."""
        files = [pq.ParquetFile(path) for path, _ in shards]
        self._by_inputs = {(f.metadata.metadata or {}).get(INPUTS_KEY.encode(), b"").decode():
                           KnownShard(path, uncompressed(f.metadata), digest) for f, (path, digest) in zip(files, shards)}
        self._groups = _row_groups(files)
        self._buffer: pa.Table | None = None

    @classmethod
    def of(cls, release: Path) -> PreviousArticles | None:
        """The previous release at `release` if it was built by this normalizer and schema, else None.
        Only its shards whose bytes still have the sha256 its manifest.json records are used: one
        changed or damaged since is neither copied nor read, and its articles are normalized again."""
        manifest = _reusable_manifest(release)
        if manifest is None:
            return None
        recorded = manifest.get("data_sha256") or {}
        shards = sorted((release / "data" / "articles").glob("train-*.parquet"))
        return cls([(shard, digest) for shard, digest in zip(shards, files_sha256(shards))
                    if recorded.get(shard.relative_to(release).as_posix()) == digest])

    def shard(self, inputs: str) -> KnownShard | None:
        """The previous shard made from exactly these inputs, if any."""
        return self._by_inputs.get(inputs)

    def reusable(self, entries: tuple[SourceEntry, ...]) -> tuple[pa.Table | None, set[str]]:
        """Old rows for the entries whose sha256 and provenance match, and their ids (entries are sorted,
        and each call asks for ids after the previous call's)."""
        if not entries:
            return None, set()
        window = self._window(entries[0].article_id, entries[-1].article_id)
        if window is None or window.num_rows == 0:
            return None, set()
        ids = window["article_id"].to_pylist()
        wanted = {e.article_id: _fingerprint(e) for e in entries}
        keep = [i for i, (article_id, print_) in enumerate(zip(ids, _old_fingerprints(window)))
                if wanted.get(article_id) == print_]
        if not keep:
            return None, set()
        return window.take(keep), {ids[i] for i in keep}

    def _window(self, first_id: str, last_id: str) -> pa.Table | None:
        """Old rows with ids in [first_id, last_id]; row groups wholly before first_id are never read."""
        while self._buffer is None or self._buffer.num_rows == 0 or self._buffer["article_id"][-1].as_py() <= last_id:
            group = next(self._groups, None)
            if group is None:
                break
            largest, read = group
            if largest is not None and largest < first_id:
                continue
            table = read()
            self._buffer = table if self._buffer is None else pa.concat_tables([self._buffer, table])
        if self._buffer is None:
            return None
        ids = self._buffer["article_id"].to_pylist()  # sorted
        start, cut = bisect_left(ids, first_id), bisect_right(ids, last_id)
        window, self._buffer = self._buffer.slice(start, cut - start), self._buffer.slice(cut)
        return window


def _row_groups(files: list[pq.ParquetFile]) -> Iterator[tuple[str | None, Callable[[], pa.Table]]]:
    """(largest article_id or None when unknown, reader) of every row group, in order."""
    for file in files:
        meta = file.metadata
        column = [meta.schema.column(j).path for j in range(meta.num_columns)].index("article_id")
        for i in range(meta.num_row_groups):
            stats = meta.row_group(i).column(column).statistics
            largest = stats.max if stats is not None and stats.has_min_max else None
            yield largest, (lambda file=file, i=i: file.read_row_group(i))


def _fingerprint(entry: SourceEntry) -> tuple[Any, ...]:
    """Everything of an entry that an article row depends on besides the raw bytes' sha256."""
    facts = tuple((getattr(entry, n).value, getattr(entry, n).basis) for n in FACT_FIELDS)
    return (entry.raw_file, entry.sha256, entry.size, *facts)


def _old_fingerprints(window: pa.Table) -> list[tuple[Any, ...]]:
    """The same fingerprint, read column-wise from previous rows' provenance."""
    provenance = window["provenance"].combine_chunks()
    columns = [provenance.field(n).to_pylist() for n in ("raw_file", "raw_sha256", "raw_size")]
    for name in FACT_FIELDS:
        fact = provenance.field(name)
        columns.append(list(zip(fact.field("value").to_pylist(), fact.field("basis").to_pylist())))
    return list(zip(*columns))
