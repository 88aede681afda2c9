"""The shard jobs as a datatrove pipeline: one task per job, run by datatrove's local executor in worker
processes, over all the tasks or over one node's range of them."""

from __future__ import annotations

import signal
import tempfile
from typing import Any, Iterator, Sequence

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.base import PipelineStep
from loguru import logger

from korea_deterrence.loaders.shards import ShardJob, run_job


class Shards(PipelineStep):
    """Task `rank` runs job `rank`."""

    name = "kdc articles shards"
    type = "kdc"

    def __init__(self, jobs: Sequence[ShardJob]) -> None:
        super().__init__()
        self.jobs = list(jobs)

    def run(self, data: Any, rank: int = 0, world_size: int = 1) -> Iterator[Any]:
        run_job(self.jobs[rank])
        yield from ()


class Executor(LocalPipelineExecutor):
    def _run_for_rank(self, rank: int, local_rank: int = 0, node_rank: int = -1) -> Any:
        """In each worker: Ctrl-C is the build's to handle (it stops the pool), and datatrove's per-task
        log lines are not printed (the build reports on its own)."""
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        logger.disable("datatrove")
        return super()._run_for_rank(rank, local_rank, node_rank)


def run_ranks(jobs: Sequence[ShardJob], ranks: range, workers: int) -> None:
    """Run the jobs `ranks` names in `workers` processes."""
    if not ranks:
        return
    logger.disable("datatrove")
    try:
        with tempfile.TemporaryDirectory(prefix="kdc-datatrove-") as logs:
            Executor([Shards(jobs)], tasks=len(jobs), workers=max(1, min(workers, len(ranks))), logging_dir=logs,
                     skip_completed=False, local_tasks=len(ranks), local_rank_offset=ranks.start).run()
    finally:
        logger.enable("datatrove")
