"""Article batches for the release: normalized and encoded to Arrow in worker processes, kept in order."""

from __future__ import annotations

import dataclasses
import gc
import signal
from contextlib import contextmanager
from collections import deque
from functools import cache
from typing import Iterator

import pyarrow as pa

from korea_deterrence.corpus import Article, Sources, iter_articles
from korea_deterrence.corpus.manifest import parse_entry
from korea_deterrence.corpus.parallel import batched, ordered_map, warm_up
from korea_deterrence.loaders.checks import explain, flagged_rows
from korea_deterrence.loaders.parquet import KnownShard, encode
from korea_deterrence.loaders.reuse import PreviousArticles, shard_inputs
from korea_deterrence.schema import Violation, features_from_schema, load_schema
from korea_deterrence.schema.features import Features

CHUNK = 256  # articles per task: large enough to amortize pickling, small enough to keep memory flat


@dataclasses.dataclass(frozen=True)
class Batch:
    """One chunk's articles as an Arrow table (None when none were valid), its violations, items seen."""

    table: pa.Table | None
    violations: list[Violation]
    seen: int
    reused: int = 0
    inputs: str = ""  # the inputs key of the shard the chunk belongs to

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        """Sent between processes as one Arrow IPC stream: a third of the time of pickling the table,
        and read back without a copy."""
        return _unpickle_batch, (_ipc(self.table), self.violations, self.seen, self.reused, self.inputs)


def _ipc(table: pa.Table | None) -> pa.Buffer | None:
    if table is None:
        return None
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue()


def _unpickle_batch(stream: pa.Buffer | None, *fields: object) -> Batch:
    return Batch(None if stream is None else pa.ipc.open_stream(stream).read_all(), *fields)  # type: ignore[arg-type]


@dataclasses.dataclass(frozen=True)
class ReusedShard:
    """A shard of the previous release made from exactly the same inputs: copied, not rebuilt."""

    shard: KnownShard
    rows: int


@cache
def article_features() -> Features:
    return features_from_schema(load_schema("article"))


@dataclasses.dataclass(frozen=True)
class Chunk:
    """Manifest lines to verify and normalize; the ids among them whose previous rows are reused."""

    sources: Sources  # without its manifest scan: only root and label travel to workers
    lines: tuple[tuple[int, str], ...]  # (line number, text): strings pickle far faster than entries
    inputs: str  # the inputs key of the shard the chunk belongs to
    reused_ids: frozenset[str] = frozenset()
    reused: pa.Table | None = None  # stays in the parent process; never sent to a worker


def warm_up_workers(jobs: int) -> None:
    """Start the forkserver that `article_batches` takes its workers from now, so that its imports
    overlap other work (see `warm_up`)."""
    warm_up(normalize_chunk, jobs)


def _worker_setup() -> None:
    """Workers leave Ctrl-C to the main process, which stops the build and removes what it wrote."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def normalize_chunk(chunk: Chunk) -> Batch:
    """Verify every raw file of the chunk; normalize and encode those not reused."""
    with paused_gc():
        return _normalize_chunk(chunk)


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection inside: a chunk allocates ~50 objects per article, which would
    trigger ~25% of extra time in collections, and they are freed by reference counting anyway
    (any cycle left is collected once the chunk is done)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _normalize_chunk(chunk: Chunk) -> Batch:
    entries = [parse_entry(number, line) for number, line in chunk.lines]
    articles: list[Article] = []
    violations: list[Violation] = []
    for item in iter_articles(chunk.sources, entries, skip_normalizing=chunk.reused_ids):
        (violations if isinstance(item, Violation) else articles).append(item)
    table = encode(articles, article_features()) if articles else None
    flagged = flagged_rows(table) if table is not None else []
    if flagged:
        labels = {e.article_id: chunk.sources.raw_label(e.raw_file) for e in entries}
        violations += explain(articles, flagged, labels) or [
            Violation(labels[articles[r].article_id], 0, "", "article.offsets", "flagged by the bulk checks")
            for r in flagged]
    return Batch(table, violations, len(entries))


def article_batches(sources: Sources, jobs: int, previous: PreviousArticles | None = None
                    ) -> Iterator[Batch | ReusedShard]:
    """Batches and reused shards in article_id order; the same bytes whatever `jobs` is and whether
    anything is reused. Chunks never straddle a span of the manifest (a shard)."""
    sent: deque[Chunk | ReusedShard] = deque()  # work in flight, in order

    def shippable() -> Iterator[Chunk]:
        for item in _work(sources, previous):
            sent.append(item)
            if isinstance(item, Chunk):
                yield dataclasses.replace(item, reused=None, inputs="")  # what workers need only

    for batch in ordered_map(normalize_chunk, shippable(), jobs, _worker_setup):
        while isinstance(sent[0], ReusedShard):
            yield sent.popleft()
        chunk = sent.popleft()
        yield dataclasses.replace(_merge(chunk, batch), inputs=chunk.inputs)
    yield from sent  # reused shards after the last chunk


def _work(sources: Sources, previous: PreviousArticles | None) -> Iterator[Chunk | ReusedShard]:
    """Per span of the manifest (one shard each): the previous shard made from the same inputs, else
    the span's entries, read back, in chunks."""
    light = dataclasses.replace(sources, violations=(), scan=None)
    for span in sources.spans:
        inputs = shard_inputs(span.sha256)
        copy = previous.shard(inputs) if previous else None
        if copy is not None:
            yield ReusedShard(copy, span.lines)
            continue
        for part in batched(sources.span_entry_lines(span), CHUNK):
            if previous is None:
                yield Chunk(light, tuple(part), inputs)
                continue
            reused, ids = previous.reusable(tuple(parse_entry(number, line) for number, line in part))
            yield Chunk(light, tuple(part), inputs, frozenset(ids), reused)


def _merge(chunk: Chunk, batch: Batch) -> Batch:
    """New rows and reused rows, in article_id order."""
    if chunk.reused is None or batch.violations:
        return batch
    parts = [t for t in (batch.table, chunk.reused) if t is not None]
    table = pa.concat_tables(parts).sort_by("article_id").combine_chunks()
    return Batch(table, batch.violations, batch.seen, chunk.reused.num_rows)
