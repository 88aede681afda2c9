"""An ordered map over worker processes: results come back in input order, few tasks in flight."""

from __future__ import annotations

import signal
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import forkserver, get_context
from multiprocessing.context import BaseContext
from itertools import chain, islice
from types import TracebackType
from typing import Any, Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def ordered_map(fn: Callable[[T], R], items: Iterable[T], jobs: int,
                initializer: Callable[[], None] | None = None) -> Iterator[R]:
    """`map(fn, items)` in `jobs` processes (in this one when jobs <= 1 or there is only one item), at
    most 2 * jobs tasks in flight; each worker process runs `initializer` first.

    Workers come from a forkserver that has imported `fn`'s module once: they start fast and do not
    inherit (and copy-on-write) this process's heap, so memory stays flat whatever the input size.
    """
    items = iter(items)
    head = list(islice(items, 2))
    if jobs <= 1 or len(head) < 2:  # a single task (say, one changed article) is not worth a pool
        yield from map(fn, chain(head, items))
        return
    items = chain(head, items)
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=_context(fn), initializer=initializer)
    try:
        pending: deque[Future[R]] = deque()
        for item in items:
            pending.append(_submit(pool, fn, item))
            if len(pending) >= 2 * jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    except BaseException:  # an error, Ctrl-C or SIGTERM: stop the workers now, drop the work queued
        workers = list((pool._processes or {}).values())  # (the executor offers no public way to stop them)
        pool.shutdown(wait=False, cancel_futures=True)
        for worker in workers:
            worker.terminate()
        for worker in workers:  # gone before this process exits and removes what they would still read
            worker.join(timeout=5)
        raise
    pool.shutdown()


def _submit(pool: ProcessPoolExecutor, fn: Callable[[T], R], item: T) -> Future[R]:
    """`pool.submit`, with Ctrl-C and SIGTERM held until it returns: a submit may start a worker, and one
    caught half-started could not be stopped (its error would print after this process has ended)."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        return pool.submit(fn, item)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def warm_up(fn: Callable[..., object], jobs: int) -> None:
    """Start the forkserver for `ordered_map(fn, ...)` now: it imports `fn`'s module (about half a
    second) while this process goes on with other work."""
    if jobs > 1:
        _context(fn)
        forkserver.ensure_running()


def _context(fn: Callable[..., object]) -> BaseContext:
    context = get_context("forkserver")
    context.set_forkserver_preload([fn.__module__])
    return context


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of `size` items (the last may be shorter); `itertools.batched` from Python 3.12."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


class InOrder:
    """Calls run one after another in a worker thread, in the order made, while this thread goes on (for
    work that releases the GIL, such as hashing); at most `backlog` wait, so memory stays bounded. Their
    errors are raised here, at a later call or on leaving the `with` block."""

    def __init__(self, backlog: int = 4) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1)
        self._pending: deque[Future[Any]] = deque()
        self._backlog = backlog

    def call(self, fn: Callable[..., Any], *args: Any) -> None:
        self._pending.append(self._pool.submit(fn, *args))
        while len(self._pending) > self._backlog:
            self._pending.popleft().result()

    def __enter__(self) -> InOrder:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        try:
            while self._pending and kind is None:
                self._pending.popleft().result()
        finally:
            self._pool.shutdown(cancel_futures=True)
