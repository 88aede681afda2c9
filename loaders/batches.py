"""Article batches for the release: normalized and encoded to Arrow in worker processes, kept in order."""

from __future__ import annotations

import dataclasses
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from functools import cache
from typing import Callable, Iterator, TypeVar

import pyarrow as pa
from datasets import Features

from korea_deterrence.corpus import Article, Sources, as_record, iter_articles
from korea_deterrence.loaders.parquet import encode
from korea_deterrence.schema import Violation, features_from_schema, load_schema

CHUNK = 256  # articles per task: large enough to amortize pickling, small enough to keep memory flat
T = TypeVar("T")
R = TypeVar("R")


@dataclasses.dataclass(frozen=True)
class Batch:
    """One chunk's articles as an Arrow table (None when none were valid), its violations, items seen."""

    table: pa.Table | None
    violations: list[Violation]
    seen: int


@cache
def article_features() -> Features:
    return features_from_schema(load_schema("article"))


def normalize_chunk(sources: Sources) -> Batch:
    """Normalize and encode every entry of `sources` (a chunk of the full listing)."""
    articles, violations = [], []
    for item in iter_articles(sources):
        (violations if isinstance(item, Violation) else articles).append(item)
    rows = [as_record(a) for a in articles if isinstance(a, Article)]
    table = encode(rows, article_features()) if rows else None
    return Batch(table, violations, len(sources.entries))


def article_batches(sources: Sources, jobs: int) -> Iterator[Batch]:
    """Batches in article_id order; the same bytes whatever `jobs` is."""
    chunks = (dataclasses.replace(sources, entries=sources.entries[i:i + CHUNK], violations=())
              for i in range(0, len(sources.entries), CHUNK))
    if jobs <= 1:
        yield from map(normalize_chunk, chunks)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from ordered_map(pool, normalize_chunk, chunks, window=2 * jobs)


def ordered_map(pool: ProcessPoolExecutor, fn: Callable[[T], R], items: Iterator[T], window: int) -> Iterator[R]:
    """`map` over a pool with at most `window` tasks in flight (memory stays bounded), results in order."""
    pending: deque[Future[R]] = deque()
    for item in items:
        pending.append(pool.submit(fn, item))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()
