"""Measure the build at scale on a generated corpus (benchmarks/generate.py), in one run.

Usage: python benchmarks/run.py --corpus /tmp/gen10k [--build-args "--jobs 4"] [--profile-sample 2000]

Measures, on the same corpus: (a) the I/O floor (read + decode every raw file, write the texts
to zstd Parquet); (b) `kdc build --sources CORPUS --out OUT` as a subprocess: wall time,
throughput, peak RSS, ratio to the floor; the share of build time per stage from a cProfile'd
in-process build of a sample; (c) `load_dataset(release, "articles", streaming=True)` time to
first row. Prints a table, appends a JSON line to benchmarks/results/runs.jsonl and writes
benchmarks/results/<size>.md. See benchmarks/README.md for what each number means.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import shlex
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from measure import io_floor, kdc_command, load_first_row, read_all, read_corpus, run_measured
from report import code_state, compile_package, machine, render
from stages import make_sample, profile_build

RESULTS = Path(__file__).resolve().parent / "results"


def size_label(n: int) -> str:
    """10000 -> "10k", 1000000 -> "1m", 2500 -> "2500"."""
    for unit, suffix in ((10 ** 6, "m"), (10 ** 3, "k")):
        if n >= unit and n % unit == 0:
            return f"{n // unit}{suffix}"
    return str(n)


def measure(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """Every measurement on `args.corpus`; intermediate outputs go under `work`."""
    code = code_state()
    corpus = read_corpus(args.corpus)
    n, mb = len(corpus.ids), corpus.raw_bytes / 1e6
    _say(f"{n} articles, {mb:,.1f} MB raw; warming the page cache")
    warm_s = read_all(corpus)
    _say("I/O floor")
    load_before = os.getloadavg()
    floor_s, floor_cpu = io_floor(corpus, work / "floor.parquet")
    startup = run_measured(kdc_command() + ["--version"])
    _say("kdc build " + " ".join(args.build_args))
    out = args.out or work / "release"
    annotations = _annotations(args.annotations, work)
    extra = ["--annotations", str(annotations)] if annotations else []
    run = run_measured(kdc_command() + ["build", "--sources", str(args.corpus), "--out", str(out)]
                       + extra + args.build_args)
    record: dict[str, Any] = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "label": args.label or size_label(n), "articles": n, "raw_mb": round(mb, 2), "machine": machine(),
        "build_args": args.build_args, "annotations": args.annotations, "code": code,
        "warm_read_s": round(warm_s, 3),
        "load_average": [round(x, 2) for x in load_before + os.getloadavg()],
        "floor": _throughput(floor_s, n, mb) | _per_cpu(floor_cpu, n),
        "build": _throughput(run.wall_s, n, mb) | _per_cpu(run.tree_cpu_s, n) | {
            "rc": run.rc, "startup_s": round(startup.wall_s, 3),
            "excluding_startup": _throughput(run.wall_s - startup.wall_s, n, mb),
            "maxrss_mb": round(run.maxrss_mb, 1), "peak_tree_rss_mb": round(run.peak_tree_rss_mb, 1)},
    }
    if run.rc:
        record["build"]["stderr_tail"] = run.stderr[-4000:]
        _say(f"kdc build failed with exit {run.rc}:\n{run.stderr[-4000:]}")
        return record
    record["ratio_build_to_floor"] = round(floor_s / run.wall_s, 4)
    record["ratio_build_to_floor_cpu"] = round(floor_cpu / run.tree_cpu_s, 4) if run.tree_cpu_s else None
    # the reviewer's determinism check: equal for any --jobs on the same corpus and code
    record["release_sha256sums_sha256"] = hashlib.sha256((out / "SHA256SUMS").read_bytes()).hexdigest()
    if args.profile_sample:
        record["profile"] = _profile(args.corpus, args.profile_sample, work, annotations)
    _say("load_dataset time to first row")
    record["load_first_row"] = {k: round(v, 3) if isinstance(v, float) else v for k, v in load_first_row(out).items()}
    return record


def _annotations(choice: str, work: Path) -> Path | None:
    """The `--annotations` directory to build with; None: the build's default (the shipped one)."""
    if choice == "shipped" or "--annotations" not in run_measured(kdc_command() + ["build", "--help"]).stdout:
        return None
    if choice != "empty":
        return Path(choice)
    (work / "annotations-empty").mkdir(exist_ok=True)
    return work / "annotations-empty"


def _profile(corpus: Path, k: int, work: Path, annotations: Path | None) -> dict[str, Any]:
    _say(f"profiling an in-process build of the first {k} articles")
    count = make_sample(corpus, k, work / "sample")
    prof = profile_build(work / "sample", work / "sample-release", count, annotations)
    covered = sum(prof.stages.values())
    shares = {name: round(s / prof.total_s, 4) for name, s in prof.stages.items()}
    shares["other (profiler overhead, glue)"] = round(max(0.0, prof.total_s - covered) / prof.total_s, 4)
    return {"articles": count, "profiled_s": round(prof.total_s, 3), "shares": shares,
            "top_own_time": [(name, round(s, 3)) for name, s in prof.top]}


def _per_cpu(cpu_s: float, n: int) -> dict[str, float]:
    return {"cpu_s": round(cpu_s, 3), "articles_per_cpu_s": round(n / cpu_s, 1) if cpu_s else 0.0}


def _throughput(seconds: float, n: int, mb: float) -> dict[str, float]:
    return {"s": round(seconds, 3), "articles_per_s": round(n / seconds, 1), "mb_per_s": round(mb / seconds, 2)}


def _say(message: str) -> None:
    print(f"[run] {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True, help="a directory made by generate.py")
    parser.add_argument("--build-args", type=shlex.split, default=[], help='extra `kdc build` arguments, quoted')
    parser.add_argument("--annotations", default="empty",
                        help='"empty" (default: an empty annotations directory, as the synthetic corpus has no '
                             'annotations), "shipped" (the build\'s default) or a directory')
    parser.add_argument("--profile-sample", type=int, default=2000, help="articles in the profiled build (0: skip)")
    parser.add_argument("--out", type=Path, default=None, help="keep the release here (default: a temp dir)")
    parser.add_argument("--label", default=None, help="results file name (default: from the article count)")
    parser.add_argument("--results", type=Path, default=RESULTS, help="results directory")
    parser.add_argument("--workdir", type=Path, default=None, help="scratch directory (default: system temp)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="kdc-bench-", dir=args.workdir))
    compile_package()
    try:
        record = measure(args, work)
        record["code"]["changed_during_run"] = code_state()["source_sha256"] != record["code"]["source_sha256"]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report = render(record)
    print(report)
    args.results.mkdir(parents=True, exist_ok=True)
    with (args.results / "runs.jsonl").open("a", encoding="utf-8") as log:
        log.write(json.dumps(record, ensure_ascii=False) + "\n")
    (args.results / f"{record['label']}.md").write_text(report, encoding="utf-8")
    return 1 if record["build"]["rc"] else 0


if __name__ == "__main__":
    sys.exit(main())
