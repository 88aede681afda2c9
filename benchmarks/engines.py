"""The two engines the pipeline issue names, running the build's own articles stage on the same corpus:
datatrove's LocalPipelineExecutor (what `kdc build --jobs N` uses) and Ray Data, N workers each,
alternating rounds, each round into a fresh folder; and the build's process alone for reference.

Each run plans the shard jobs of the corpus (`loaders/pipeline.plan_shards`: one per 10,000 manifest
lines) and runs every job (`loaders/shards.run_job`: raw files verified, normalized, checked,
written as one Parquet shard). Timed: engine start, the jobs, engine stop. The shards of all runs
must be byte-identical.

    pip install -e '.[bench]' && python benchmarks/engines.py --corpus /tmp/gen100k --rounds 2
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

RUN = r'''
import json, sys, time
from pathlib import Path

engine, corpus, out, workers = sys.argv[1], sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
started = time.perf_counter()
from korea_deterrence.corpus import open_sources
from korea_deterrence.loaders.pipeline import plan_shards
from korea_deterrence.loaders.shards import run_job

jobs = plan_shards(open_sources(corpus), out, {})
if engine == "in-process":
    for job in jobs:
        run_job(job)
elif engine == "datatrove":
    from korea_deterrence.loaders.engine import run_jobs
    run_jobs(jobs, workers)
elif engine == "ray-data":
    import ray
    ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
    def task(row):
        run_job(jobs[row["item"]])
        return row
    ray.data.DataContext.get_current().enable_progress_bars = False
    ray.data.from_items(list(range(len(jobs))), override_num_blocks=len(jobs)).map(task, num_cpus=1).materialize()
    ray.shutdown()
print(json.dumps({"seconds": time.perf_counter() - started}))
'''


def _run(engine: str, corpus: Path, out: Path, workers: int) -> float:
    done = subprocess.run([sys.executable, "-c", RUN, engine, str(corpus), str(out), str(workers)],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])["seconds"]


def _digest(out: Path) -> str:
    digest = hashlib.sha256()
    for shard in sorted((out / "data" / "articles").glob("*.parquet")):
        digest.update(shard.name.encode() + shard.read_bytes())
    return digest.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--engines", default="datatrove,ray-data,in-process")
    args = parser.parse_args()
    digests: set[str] = set()
    for round_ in range(1, args.rounds + 1):
        for engine in args.engines.split(","):
            with tempfile.TemporaryDirectory(prefix="kdc-engines-") as scratch:
                out = Path(scratch) / "out"
                seconds = _run(engine, args.corpus, out, args.workers)
                digests.add(_digest(out))
            print(f"round {round_}  {engine:<10}  {seconds:6.2f} s", flush=True)
    print("shards byte-identical across runs:", len(digests) == 1)


if __name__ == "__main__":
    main()
