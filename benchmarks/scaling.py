"""`kdc build --jobs 2` against `--jobs 1`, each pair of builds next to the two-core speed-up this
machine gave just before it (the measurement of cores.py): a build's speed-up can approach 2x only
where the machine's own does.

usage: python benchmarks/scaling.py --corpus /tmp/gen100k [--rounds 3] [--articles 3000] [--workdir DIR]

Each round measures the machine's two-core speed-up, then builds the corpus with `--jobs 1` and
with `--jobs 2` (`--no-reuse`, no annotations), back to back; the two releases must have the same
SHA256SUMS. Prints a table and appends one line to benchmarks/results/runs.jsonl with the label
`scaling-<N>`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from cores import measure_round
from measure import kdc_command, run_measured
from report import code_state, compile_package

RESULTS = Path(__file__).parent / "results"


def _build(corpus: Path, work: Path, jobs: int) -> dict[str, Any]:
    out = work / f"jobs{jobs}"
    run = run_measured(kdc_command() + ["build", "--sources", str(corpus), "--out", str(out), "--jobs", str(jobs),
                                        "--annotations", str(work / "empty"), "--no-reuse"])
    if run.rc:
        raise SystemExit(f"kdc build --jobs {jobs} failed with exit {run.rc}:\n{run.stderr[-4000:]}")
    return {"wall_s": round(run.wall_s, 3), "cpu_s": round(run.tree_cpu_s, 3),
            "sha256sums_sha256": hashlib.sha256((out / "SHA256SUMS").read_bytes()).hexdigest()}


def _round(corpus: Path, articles: int, work: Path) -> dict[str, Any]:
    alone, pair = measure_round(corpus, articles)
    one, two = _build(corpus, work, 1), _build(corpus, work, 2)
    if one["sha256sums_sha256"] != two["sha256sums_sha256"]:
        raise SystemExit("--jobs 1 and --jobs 2 wrote different releases")
    return {"machine_two_core_speedup": round(2 * alone / max(pair), 2), "jobs1": one, "jobs2": two,
            "build_speedup": round(one["wall_s"] / two["wall_s"], 2)}


def _table(rounds: list[dict[str, Any]]) -> str:
    lines = ["| round | machine's two-core speed-up | `--jobs 1` wall s (CPU s) | `--jobs 2` wall s (CPU s) | "
             "build speed-up |", "|---|---|---|---|---|"]
    for i, r in enumerate(rounds, start=1):
        one, two = r["jobs1"], r["jobs2"]
        lines.append(f"| {i} | {r['machine_two_core_speedup']}x | {one['wall_s']} ({one['cpu_s']}) | "
                     f"{two['wall_s']} ({two['cpu_s']}) | {r['build_speedup']}x |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--articles", type=int, default=3000, help="articles normalized by cores.py's processes")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    compile_package()
    code = code_state()
    with tempfile.TemporaryDirectory(dir=args.workdir) as scratch:
        work = Path(scratch)
        (work / "empty").mkdir()
        rounds = [_round(args.corpus, args.articles, work) for _ in range(args.rounds)]
    n = sum(1 for _ in (args.corpus / "sources.jsonl").open())
    result = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "label": f"scaling-{n}",
              "articles": n, "rounds": rounds, "code": code}
    print(_table(rounds))
    print(f"release SHA256SUMS sha256 (every build): {rounds[0]['jobs1']['sha256sums_sha256']}")
    with (RESULTS / "runs.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
