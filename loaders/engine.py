"""Runs the shard jobs of a build: in this process (the default), or on datatrove, Hugging Face's engine
for corpus processing, in `--jobs N` worker processes, or as one node of several that share the
output directory (datatrove's multi-node mode: each node runs its own range of the tasks).

Jobs are independent and write only their own files (loaders/shards.py), so no result travels back:
the build reads the shards (or the violations left in their place) once the jobs are done.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator, Sequence

from korea_deterrence.loaders.shards import ShardJob, run_job

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Node:
    """This node's part of a build spread over `of` nodes (1-based `number`), as `--node NUMBER/OF` says."""

    number: int
    of: int

    def share(self, tasks: int) -> range:
        """The contiguous range of task ranks this node runs."""
        size = -(-tasks // self.of)
        return range(min(tasks, (self.number - 1) * size), min(tasks, self.number * size))


def run_jobs(jobs: Sequence[ShardJob], workers: int = 1, node: Node | None = None,
             progress: Progress | None = None) -> None:
    """Run every job (with `node`, this node's share of them); finished ones are skipped. Without a node,
    the jobs are those left to do, and one shard to write or none does not start worker processes."""
    ranks = node.share(len(jobs)) if node else range(len(jobs))
    if node is None and (workers <= 1 or sum(j.previous is None for j in jobs) <= 1):
        done = 0
        for rank in ranks:
            run_job(jobs[rank])
            done += jobs[rank].span.lines
            if progress:
                progress(done)
        return
    from korea_deterrence.loaders.on_datatrove import run_ranks  # (datatrove: only when it is used)

    with _watched([jobs[rank] for rank in ranks], progress):
        run_ranks(jobs, ranks, workers)


@contextmanager
def _watched(jobs: list[ShardJob], progress: Progress | None) -> Iterator[None]:
    """While the workers run: every second, the articles of the shards finished so far to `progress`."""
    stop = threading.Event()

    def watch() -> None:
        try:
            while not stop.wait(1.0):
                progress(sum(j.span.lines for j in jobs if j.path.exists()))  # type: ignore[misc]
        except BaseException:  # (a stop raised here is the main thread's to handle)
            return

    watcher = threading.Thread(target=watch, daemon=True)
    if progress:
        watcher.start()
    try:
        yield
    finally:
        stop.set()
        if progress:
            watcher.join()
