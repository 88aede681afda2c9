"""Incremental rebuilds: rows of the previous release are reused for articles whose raw bytes,
provenance, normalizer version and schema are unchanged; only the rest are normalized again."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from korea_deterrence.corpus import NORMALIZER_VERSION, Provenance, SourceEntry, as_record
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
        ids = pc.field("article_id")
        window = self._buffer.filter(ids <= entries[-1].article_id)
        self._buffer = self._buffer.filter(ids > entries[-1].article_id)
        wanted = {e.article_id: as_record(Provenance.of(e)) for e in entries}
        rows = window.select(["article_id", "provenance"]).to_pylist()
        keep = [i for i, r in enumerate(rows) if wanted.get(r["article_id"]) == r["provenance"]]
        if not keep:
            return None, set()
        return window.take(keep), {rows[i]["article_id"] for i in keep}

    def _fill_through(self, last_id: str) -> None:
        while not self._exhausted and (self._buffer is None or self._buffer.num_rows == 0
                                       or self._buffer["article_id"][-1].as_py() <= last_id):
            batch = next(self._batches, None)
            if batch is None:
                self._exhausted = True
                break
            table = pa.Table.from_batches([batch])
            self._buffer = table if self._buffer is None else pa.concat_tables([self._buffer, table])
