"""How much two cores of this machine give: the same CPU-bound work (normalizing articles) in one
process, then in two processes at once, each pinned to its own core.

usage: python benchmarks/cores.py --corpus /tmp/gen10k [--articles 3000] [--rounds 3]

On a machine whose two cores are really independent, each of the two concurrent processes runs
as fast as the lone one and `kdc build --jobs 2` can approach 2x `--jobs 1`; on a virtual machine
whose cores share a physical core (or are contended by other guests) each runs slower, and that
bounds the speed-up of any parallel build. Results are printed and appended to
benchmarks/results/runs.jsonl with the label `cores`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

RESULTS = Path(__file__).parent / "results"

# The child: reads the articles first, then prints the microseconds per article of normalizing them.
CHILD = """
import gc, json, sys, time
from korea_deterrence.corpus import Provenance, normalize
from korea_deterrence.corpus.records import Fact
root, n = sys.argv[1], int(sys.argv[2])
lines = open(f"{root}/sources.jsonl", encoding="utf-8").read().splitlines()[:n]
raws = [open(f"{root}/raw/{json.loads(l)['raw_file']}", "rb").read().decode("utf-8") for l in lines]
unknown = Fact(None, "benchmark")
provenance = Provenance("x.txt", "0" * 64, 1, *([unknown] * 6))
normalize("warm-up", raws[0], provenance)
gc.disable()
started = time.perf_counter()
for raw in raws:
    normalize("bench", raw, provenance)
print((time.perf_counter() - started) / len(raws) * 1e6)
"""


def _start(corpus: Path, articles: int, core: int) -> subprocess.Popen[str]:
    return subprocess.Popen(["taskset", "-c", str(core), sys.executable, "-c", CHILD, str(corpus), str(articles)],
                            stdout=subprocess.PIPE, text=True)


def _us(process: subprocess.Popen[str]) -> float:
    out, _ = process.communicate()
    if process.returncode:
        raise SystemExit(f"the measuring process failed with exit {process.returncode}")
    return float(out)


def measure_round(corpus: Path, articles: int) -> tuple[float, list[float]]:
    """Microseconds per article of one process alone on core 0, then of two at once on cores 0 and 1."""
    alone = _us(_start(corpus, articles, 0))
    pair = [_start(corpus, articles, core) for core in (0, 1)]
    return alone, [_us(p) for p in pair]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if (os.cpu_count() or 1) < 2:
        raise SystemExit("needs two cores")
    alone, together = [], []
    for _ in range(args.rounds):
        one, pair = measure_round(args.corpus, args.articles)
        alone.append(one)
        together.append(pair)
        time.sleep(1)
    best_alone = min(alone)
    ratios = [2 * best_alone / max(pair) for pair in together]  # both must finish: the slower decides
    result = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "label": "cores",
              "articles": args.articles, "alone_us_per_article": [round(x, 1) for x in alone],
              "together_us_per_article": [[round(x, 1) for x in pair] for pair in together],
              "two_core_speedup": [round(x, 2) for x in ratios],
              "load_average": list(os.getloadavg())}
    print(json.dumps(result, indent=1))
    with (RESULTS / "runs.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
