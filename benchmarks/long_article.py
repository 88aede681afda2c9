"""Time `kdc build` and `kdc validate` on one very long article (issue: repeat detection was quadratic).

Usage: python benchmarks/long_article.py [--mb 50] [--out /tmp/long-article]

Writes a source directory with one article: a title, then one line of prose repeated to about MB
megabytes (the case that took 123 s to build before the repeat search became one pass per candidate
size), builds it with `--max-article-bytes` raised to fit, validates it, and prints the wall times.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

LINE = "North Korea fired a missile today, officials said, in a statement of some length."
BASIS = "synthetic benchmark article"


def make(out: Path, megabytes: int) -> int:
    shutil.rmtree(out, ignore_errors=True)
    (out / "raw").mkdir(parents=True)
    data = ("A long article\n\n" + "\n".join([LINE] * (megabytes * 1_000_000 // (len(LINE) + 1))) + "\n").encode()
    (out / "raw" / "long.txt").write_bytes(data)
    facts = {name: {"value": None, "basis": BASIS} for name in
             ("outlet", "url", "published", "retrieved", "byline", "rights")}
    entry = {"article_id": "long-1", "raw_file": "long.txt", "sha256": hashlib.sha256(data).hexdigest(),
             "size": len(data), **facts}
    (out / "sources.jsonl").write_text(json.dumps(entry) + "\n")
    return len(data)


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "korea_deterrence.loaders.cli", *args], check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, default=50)
    parser.add_argument("--out", type=Path, default=Path("/tmp/long-article"))
    args = parser.parse_args()
    size = make(args.out / "sources", args.mb)
    cap = ["--max-article-bytes", str(size)]
    build = timed(["build", "--sources", str(args.out / "sources"), "--out", str(args.out / "release"), *cap])
    validate = timed(["validate", "--sources", str(args.out / "sources"), *cap])
    print(f"one article of {size / 1e6:.1f} MB: kdc build {build:.1f} s, kdc validate {validate:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
