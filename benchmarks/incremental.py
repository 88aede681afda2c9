"""Incremental rebuild benchmark: build a generated corpus, add one article, rebuild into the same
output (the unchanged shards are linked), and compare with the full build.

usage: python benchmarks/incremental.py --corpus /tmp/gen100k [--jobs 2] [--workdir DIR]

The corpus is cloned with hard links (nothing is copied or changed in it); results are printed and
appended to benchmarks/results/runs.jsonl with the label `incremental-<N>`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from report import code_state, compile_package

RESULTS = Path(__file__).parent / "results"
NEW_TEXT = "An Added Headline\nThe Pentagon said on Monday that the review would continue. Seoul agreed.\n"


def _build(corpus: Path, out: Path, jobs: int, empty: Path, *extra: str) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(["kdc", "build", "--sources", str(corpus), "--out", str(out), "--jobs", str(jobs),
                           "--annotations", str(empty), *extra], capture_output=True, text=True, check=True)
    return time.perf_counter() - started, next(line for line in done.stdout.splitlines() if line.startswith("articles"))


def _clone_with_one_more(corpus: Path, clone: Path) -> None:
    subprocess.run(["cp", "-al", str(corpus / "raw"), str(clone / "raw")], check=True)
    data = NEW_TEXT.encode("utf-8")
    last = json.loads((corpus / "sources.jsonl").read_text("utf-8").splitlines()[-1])
    entry = dict(last, article_id="gen-9999999", raw_file="gen-9999999.txt", size=len(data),
                 sha256=hashlib.sha256(data).hexdigest())
    (clone / "raw" / "gen-9999999.txt").write_bytes(data)
    shutil.copy(corpus / "sources.jsonl", clone / "sources.jsonl")
    with (clone / "sources.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    compile_package()
    with tempfile.TemporaryDirectory(dir=args.workdir) as scratch:
        work = Path(scratch)
        (work / "empty").mkdir()
        (work / "clone").mkdir()
        out = work / "release"
        full, _ = _build(args.corpus, out, args.jobs, work / "empty", "--no-reuse")
        _clone_with_one_more(args.corpus, work / "clone")
        again, line = _build(work / "clone", out, args.jobs, work / "empty")
    n = sum(1 for _ in (args.corpus / "sources.jsonl").open())
    result = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "label": f"incremental-{n}",
              "articles": n, "jobs": args.jobs, "full_build_s": round(full, 3), "rebuild_plus_one_s": round(again, 3),
              "ratio": round(again / full, 4), "build_says": line, "code": code_state()}
    print(json.dumps(result, indent=1))
    with (RESULTS / "runs.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
