"""Generate a deterministic synthetic source directory for the scale benchmarks.

Usage: python benchmarks/generate.py --n 10000 --out /tmp/gen10k [--seed 0] [--jobs N] [--force]

Writes OUT/raw/gen-0000001.txt ... (flat directory, as `kdc build --sources` expects) and
OUT/sources.jsonl (schema/source.schema.json; provenance facts null with the basis
"synthetic benchmark article"). Articles are drawn by benchmarks/synth.py from the real
corpus; article i depends only on (seed, i), so the output is byte-identical for any --jobs.
Nothing is held in memory but one chunk per worker and the set of raw digests (checked for
uniqueness, since `kdc build` refuses two raw files with the same bytes). The directory is
written as OUT.incomplete and moved into place at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Iterator

from synth import ArticleMaker, load_pools

CHUNK = 500
BASIS = "synthetic benchmark article"
FACTS = ("outlet", "url", "published", "retrieved", "byline", "rights")
ID_WIDTH = 7

_maker: ArticleMaker | None = None
_raw_dir: Path | None = None


def article_id(index: int) -> str:
    """`gen-0000001` for index 1."""
    return f"gen-{index:0{ID_WIDTH}d}"


def manifest_line(index: int, sha256: str, size: int) -> str:
    """The sources.jsonl line of article `index`."""
    record = {"article_id": article_id(index), "raw_file": f"{article_id(index)}.txt", "sha256": sha256, "size": size}
    record.update({name: {"value": None, "basis": BASIS} for name in FACTS})
    return json.dumps(record, ensure_ascii=False)


def _init(seed: int, raw_dir: Path) -> None:
    global _maker, _raw_dir
    _maker, _raw_dir = ArticleMaker(load_pools(), seed), raw_dir


def _write_chunk(bounds: tuple[int, int]) -> list[tuple[int, bytes, int]]:
    """Write articles [lo, hi) and return (index, sha256 digest, size) of each."""
    assert _maker is not None and _raw_dir is not None
    done = []
    for index in range(*bounds):
        data = _maker.raw(index)
        (_raw_dir / f"{article_id(index)}.txt").write_bytes(data)
        done.append((index, hashlib.sha256(data).digest(), len(data)))
    return done


def _chunks(n: int) -> Iterator[tuple[int, int]]:
    for lo in range(1, n + 1, CHUNK):
        yield lo, min(lo + CHUNK, n + 1)


def generate(n: int, out: Path, seed: int, jobs: int) -> tuple[int, int]:
    """Write the source directory; returns (articles, raw bytes)."""
    raw_dir = out / "raw"
    raw_dir.mkdir(parents=True)
    seen: set[bytes] = set()
    total = 0
    progress = _Progress(n)
    tmp = out / "sources.jsonl.tmp"
    with tmp.open("w", encoding="utf-8") as manifest, multiprocessing.Pool(jobs, _init, (seed, raw_dir)) as pool:
        for chunk in pool.imap(_write_chunk, _chunks(n)):
            for index, digest, size in chunk:
                if digest in seen:
                    raise SystemExit(f"generate: article {index} repeats the bytes of an earlier one; "
                                     f"try another --seed")
                seen.add(digest)
                manifest.write(manifest_line(index, digest.hex(), size) + "\n")
                total += size
            progress(chunk[-1][0], total)
    os.replace(tmp, out / "sources.jsonl")
    progress.finish(n, total)
    return n, total


class _Progress:
    """Prints count, rate and ETA to stderr at most once a second."""

    def __init__(self, n: int) -> None:
        self.n, self.started, self.last = n, time.monotonic(), 0.0

    def __call__(self, done: int, nbytes: int) -> None:
        now = time.monotonic()
        if now - self.last >= 1:
            self.last = now
            rate = done / max(now - self.started, 1e-9)
            eta = (self.n - done) / rate if rate else 0
            print(f"\r{done}/{self.n} articles, {rate:,.0f}/s, {nbytes / 1e6:,.0f} MB, ETA {eta:,.0f} s ",
                  end="", file=sys.stderr, flush=True)

    def finish(self, n: int, nbytes: int) -> None:
        took = time.monotonic() - self.started
        print(f"\r{n} articles, {nbytes / 1e6:,.1f} MB in {took:,.1f} s "
              f"({n / took:,.0f} articles/s, {nbytes / 1e6 / took:,.1f} MB/s)      ", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, required=True, help="number of articles")
    parser.add_argument("--out", type=Path, required=True, help="source directory to create")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: all cores)")
    parser.add_argument("--force", action="store_true", help="replace OUT if it exists")
    args = parser.parse_args(argv)
    if not 1 <= args.n < 10 ** ID_WIDTH:
        parser.error(f"--n must be between 1 and {10 ** ID_WIDTH - 1}")
    if args.out.exists() and not args.force:
        parser.error(f"{args.out} exists; pass --force to replace it")
    tmp = args.out.with_name(args.out.name + ".incomplete")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        generate(args.n, tmp, args.seed, max(1, args.jobs))
        shutil.rmtree(args.out, ignore_errors=True)
        os.replace(tmp, args.out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
