"""One articles shard: one span of the sources manifest, verified, normalized, checked and written as
one Parquet file. It is the unit of work the engine runs (loaders/engine.py), in this process, in
worker processes or on other nodes; it reads and writes only files, so it runs the same anywhere.

A shard is written under a temporary name and renamed when complete, with the key of its inputs in
its Parquet metadata: a shard file under its final name is finished work, which a later build
(resuming, or rebuilding after an edit) keeps instead of doing again.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import json
import os
import socket
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Iterator, NamedTuple

import pyarrow as pa
import pyarrow.parquet as pq
from more_itertools import chunked

from korea_deterrence.corpus import NORMALIZER_VERSION, Article, Sources, iter_articles
from korea_deterrence.corpus.manifest import ManifestScan, parse_entry
from korea_deterrence.corpus.spans import Span
from korea_deterrence.loaders.checks import explain, flagged_rows
from korea_deterrence.loaders.parquet import ROW_GROUP_ROWS, WRITER, WRITER_OPTIONS, encode
from korea_deterrence.loaders.storage import ParquetSink, link, readable, replace
from korea_deterrence.schema import Violation, features_from_schema, load_schema, schema_id
from korea_deterrence.schema.features import Features

INPUTS_KEY = "korea_deterrence.inputs"  # Parquet key-value metadata of every articles shard
PROBLEMS = ".violations.json"  # beside a shard that could not be written: why


@cache
def article_features() -> Features:
    return features_from_schema(load_schema("article"))


def shard_inputs(span_sha256: str) -> str:
    """sha256 of everything an articles shard's bytes depend on: its span of manifest lines (which pin
    each raw file's sha256 and the provenance), the normalizer and schema versions and the Parquet writer."""
    inputs = f"{NORMALIZER_VERSION}\n{schema_id('article')}\n{WRITER}\n{span_sha256}\n"
    return hashlib.sha256(inputs.encode("utf-8")).hexdigest()


def footer(path: Path) -> pq.FileMetaData | None:
    """A shard's Parquet footer; None when there is no such shard or it is not readable."""
    try:
        return pq.read_metadata(readable(path))
    except (OSError, pa.ArrowException):
        return None


def stored_inputs(meta: pq.FileMetaData | None) -> str | None:
    """The inputs key in a shard's footer (None without one)."""
    return (meta.metadata or {}).get(INPUTS_KEY.encode(), b"").decode() or None if meta is not None else None


class PreviousShard(NamedTuple):
    """A shard of the previous release: its path and its sha256, checked against that release's manifest."""

    path: Path
    sha256: str


@dataclass(frozen=True)
class ShardJob:
    """What one task needs: where the sources are, which span of the manifest, where the shard goes."""

    sources: Sources  # light: its scan holds only the bad line numbers of this span
    span: Span
    path: Path  # the shard's final name
    inputs: str  # shard_inputs(span.sha256)
    previous: PreviousShard | None = None  # the same shard in the previous release, linked, not written again

    @property
    def problems(self) -> Path:
        return self.path.with_name(self.path.name + PROBLEMS)

    def finished(self) -> pq.FileMetaData | None:
        """The shard's footer if it was written already, from these very inputs; else None."""
        meta = footer(self.path)
        return meta if stored_inputs(meta) == self.inputs else None


def job(sources: Sources, span: Span, path: Path, previous: dict[str, PreviousShard]) -> ShardJob:
    """The job for one span of `sources`; `previous`: shards of the previous release by inputs key."""
    bad = {n for n in (sources.scan.bad_lines if sources.scan else ()) if span.first_line <= n < span.first_line + span.lines}
    light = Sources(sources.root, sources.label, (), ManifestScan(bad_lines=bad))
    inputs = shard_inputs(span.sha256)
    return ShardJob(light, span, path, inputs, previous.get(inputs))


def run_job(shard: ShardJob) -> None:
    """Verify, normalize and check the span's articles and write them as the shard (or, on any
    violation, write no shard but the violations beside where it would be). Does nothing when the
    shard is finished already; links the previous release's shard when it has the same inputs."""
    if shard.finished() is not None:
        return
    shard.path.parent.mkdir(parents=True, exist_ok=True)
    tmp = shard.path.with_name(f".{shard.path.name}.{socket.gethostname()}-{os.getpid()}.tmp")
    if shard.previous is not None:
        link(shard.previous.path, tmp)
        replace(tmp, shard.path)
        return
    shard.problems.unlink(missing_ok=True)
    with paused_gc():
        _write(shard, tmp)


def _write(shard: ShardJob, tmp: Path) -> None:
    """The shard, through `tmp`; or its violations instead."""
    violations: list[Violation] = []
    writer = ParquetSink(tmp, article_features().arrow_schema, **WRITER_OPTIONS)
    writer.add_key_value_metadata({INPUTS_KEY: shard.inputs})
    try:
        for articles in chunked(_articles(shard, violations), ROW_GROUP_ROWS):
            table = encode(articles, article_features())
            violations += _checked(shard.sources, articles, table)
            if not violations:
                writer.write_table(table, row_group_size=ROW_GROUP_ROWS)
        writer.close()
        if violations:
            _write_problems(shard.problems, violations)
        else:
            replace(tmp, shard.path)
    finally:
        tmp.unlink(missing_ok=True)


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while a shard is written: its row group of articles holds ~50,000
    live objects, which every collection walks again (19% of a 100k build, benchmarks/README.md); they
    are freed by reference counting, and a cycle left is collected after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _articles(shard: ShardJob, violations: list[Violation]) -> Iterator[Article]:
    """The span's articles, verified and normalized (the violations go to `violations`)."""
    entries = (parse_entry(n, line) for n, line in shard.sources.span_entry_lines(shard.span))
    for item in iter_articles(shard.sources, entries):
        if isinstance(item, Violation):
            violations.append(item)
        else:
            yield item


def _checked(sources: Sources, articles: list[Article], table: pa.Table) -> list[Violation]:
    """The bulk checks of the encoded rows; the per-record validators explain the rows they flag."""
    flagged = flagged_rows(table)
    if not flagged:
        return []
    labels = {a.article_id: sources.raw_label(a.provenance.raw_file) for a in articles}
    return explain(articles, flagged, labels) or [
        Violation(labels[articles[r].article_id], 0, "", "article.offsets", "flagged by the bulk checks") for r in flagged]


def _write_problems(path: Path, violations: list[Violation]) -> None:
    path.write_text(json.dumps([dataclasses.asdict(v) for v in violations], ensure_ascii=False), "utf-8")


def read_problems(shard: ShardJob) -> list[Violation]:
    """The violations a job left instead of its shard ([] when there is none)."""
    try:
        return [Violation(**v) for v in json.loads(shard.problems.read_text("utf-8"))]
    except FileNotFoundError:
        return []
