"""Incremental rebuilds: rows of the previous release are reused for articles whose raw bytes,
provenance, normalizer version and schema are unchanged; only the rest are normalized again."""

from __future__ import annotations

import json
from bisect import bisect_right
from pathlib import Path
from typing import Any, Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from korea_deterrence.corpus import NORMALIZER_VERSION, SourceEntry
from korea_deterrence.corpus.records import FACT_FIELDS
from korea_deterrence.schema import schema_id

READ_ROWS = 2048


class PreviousArticles:
    """The previous release's articles, read once in article_id order alongside the new build."""

    def __init__(self, shards: list[Path]) -> None:
        self._batches = self._read(shards)
        self._buffer: pa.Table | None = None
        self._exhausted = False

    @classmethod
    def of(cls, release: Path) -> PreviousArticles | None:
        """The previous release at `release` if it was built by this normalizer and schema, else None."""
        try:
            manifest = json.loads((release / "manifest.json").read_text("utf-8"))
        except (OSError, ValueError):
            return None
        if (manifest.get("normalizer_version") != NORMALIZER_VERSION
                or manifest.get("schemas", {}).get("articles") != schema_id("article")):
            return None
        return cls(sorted((release / "data" / "articles").glob("train-*.parquet")))

    @staticmethod
    def _read(shards: list[Path]) -> Iterator[pa.RecordBatch]:
        for shard in shards:
            yield from pq.ParquetFile(shard).iter_batches(batch_size=READ_ROWS)

    def reusable(self, entries: tuple[SourceEntry, ...]) -> tuple[pa.Table | None, set[str]]:
        """Old rows for the entries whose sha256 and provenance match, and their ids (entries are sorted)."""
        if not entries:
            return None, set()
        self._fill_through(entries[-1].article_id)
        if self._buffer is None or self._buffer.num_rows == 0:
            return None, set()
        ids = self._buffer["article_id"].to_pylist()
        cut = bisect_right(ids, entries[-1].article_id)  # rows are sorted: the window is a prefix
        window, self._buffer = self._buffer.slice(0, cut), self._buffer.slice(cut)
        wanted = {e.article_id: _fingerprint(e) for e in entries}
        old = _old_fingerprints(window)
        keep = [i for i, (article_id, print_) in enumerate(zip(ids[:cut], old)) if wanted.get(article_id) == print_]
        if not keep:
            return None, set()
        return window.take(keep), {ids[i] for i in keep}

    def _fill_through(self, last_id: str) -> None:
        """Read batches until the buffer holds every old row with an id up to `last_id`."""
        while not self._exhausted and (self._buffer is None or self._buffer.num_rows == 0
                                       or self._buffer["article_id"][-1].as_py() <= last_id):
            batch = next(self._batches, None)
            if batch is None:
                self._exhausted = True
                break
            table = pa.Table.from_batches([batch])
            self._buffer = table if self._buffer is None else pa.concat_tables([self._buffer, table])


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
