"""`kdc build --jobs 2` against another command on the same corpus, alternating, each round in a fresh
scratch folder: the comparison `peer.py` makes."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Callable

from measure import kdc_command


def timed(command: list[str], env: dict[str, str]) -> float:
    """Wall seconds of `command`; its error output when it fails."""
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    return time.perf_counter() - start


Other = Callable[[Path, Path], list[str]]  # (corpus, scratch folder) -> the command to time


def main(doc: str, name: str, other: Other) -> None:
    """The command line of a comparison script: --corpus DIR [--rounds N]."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    alternate(args.corpus, args.rounds, name, other)


def alternate(corpus: Path, rounds: int, name: str, other: Other) -> None:
    """Per round: `kdc build --jobs 2 --no-reuse`, then `other(corpus, scratch)`; one JSON line each, then the
    median ratio other / kdc."""
    ratios = []
    for number in range(rounds):
        with tempfile.TemporaryDirectory() as scratch:
            env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_CACHE": str(Path(scratch) / "cache")}
            kdc = timed([*kdc_command(), "build", "--sources", str(corpus), "--out", str(Path(scratch) / "kdc"),
                         "--jobs", "2", "--no-reuse"], env)
            theirs = timed(other(corpus, Path(scratch)), env)
        ratios.append(theirs / kdc)
        print(json.dumps({"round": number + 1, "corpus": str(corpus), "kdc_jobs2_s": round(kdc, 2),
                          f"{name}_s": round(theirs, 2), f"{name}_over_kdc": round(theirs / kdc, 2)}), flush=True)
    print(json.dumps({f"median_{name}_over_kdc": round(statistics.median(ratios), 2)}))
