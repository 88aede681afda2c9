"""Share of build time per stage: the build run in-process under cProfile on a sample.

The sample is a source directory holding the first K articles of the corpus (raw files
hard-linked, manifest lines copied), so the profile covers the whole build: manifest
reading, raw reads, normalization, segmentation, records, Parquet and release metadata.
Stages are functions whose cumulative times do not nest in one another; what they do not
cover is reported as "other".
"""

from __future__ import annotations

import cProfile
import itertools
import os
import pstats
import shutil
import time
from dataclasses import dataclass
from inspect import signature
from pathlib import Path

from korea_deterrence.corpus import open_sources
from korea_deterrence.loaders.pipeline import build

# (stage, file path suffix, function name): cumulative time of each is the stage's time.
STAGES: tuple[tuple[str, str, str], ...] = (
    ("validation: manifest pass 1 (schema, order, duplicates, listing)", "corpus/manifest.py", "scan_manifest"),
    ("manifest: pass 2 (spans read back, entries parsed)", "corpus/manifest.py", "parse_entry"),
    ("raw read + sha256 + decode", "corpus/sources.py", "read_raw"),
    ("normalize: characters (bom/newline/nfc/space)", "corpus/normalize.py", "normalize_characters"),
    ("normalize: boilerplate + repeats", "corpus/blocks.py", "remove_boilerplate"),
    ("blocks: classify lines", "corpus/blocks.py", "classify"),
    ("sentences: split", "corpus/ingest.py", "_sentences"),
    ("edits list (EditedText.edits)", "corpus/textmap.py", "edits"),
    ("article text sha256", "corpus/ingest.py", "<built-in method _hashlib.openssl_sha256>"),
    ("validation: bulk checks of each encoded batch", "loaders/checks.py", "flagged_rows"),
    ("parquet: encode (columnar, straight from records)", "loaders/parquet.py", "encode"),
    ("parquet: write + compress", "parquet/core.py", "write_table"),
    ("parquet: close", "parquet/core.py", "close"),
    ("release metadata (manifest, card, SHA256SUMS)", "loaders/release.py", "_write_metadata"),
)


@dataclass(frozen=True)
class Profile:
    """Per-stage seconds of one profiled build of `articles` articles."""

    articles: int
    total_s: float
    stages: dict[str, float]
    top: list[tuple[str, float]]  # heaviest functions by own time


def make_sample(corpus: Path, k: int, dest: Path) -> int:
    """A source directory with the first `k` articles of `corpus`; returns how many it holds."""
    shutil.rmtree(dest, ignore_errors=True)
    (dest / "raw").mkdir(parents=True)
    count = 0
    with (corpus / "sources.jsonl").open(encoding="utf-8") as src, \
            (dest / "sources.jsonl").open("w", encoding="utf-8") as out:
        for line in itertools.islice(src, k):
            name = line.split('"raw_file": "', 1)[1].split('"', 1)[0]
            _link(corpus / "raw" / name, dest / "raw" / name)
            out.write(line)
            count += 1
    return count


def _link(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def profile_build(sample: Path, out: Path, articles: int, annotations: Path | None = None) -> Profile:
    """Run open_sources + build on `sample` under cProfile; stage times from cumulative times.

    `annotations` is passed to `build` only when given and `build` has that parameter.
    """
    kwargs = {"annotations": annotations} if annotations and "annotations" in signature(build).parameters else {}
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    sources = open_sources(sample)
    result = build(sources, out, **kwargs)
    profiler.disable()
    total = time.perf_counter() - started
    if result.violations:
        raise RuntimeError(f"profiled build reported {len(result.violations)} violation(s): {result.violations[:3]}")
    stats = pstats.Stats(profiler)
    return Profile(articles, total, _stage_times(stats), _top(stats))


def _stage_times(stats: pstats.Stats) -> dict[str, float]:
    raw = stats.stats  # type: ignore[attr-defined]
    times = {name: 0.0 for name, _, _ in STAGES}
    for (filename, _, func), (_, _, _, cumulative, callers) in raw.items():
        for name, suffix, wanted in STAGES:
            if func == wanted and (filename.endswith(suffix) or filename == "~" and _called_from(callers, suffix)):
                times[name] += cumulative if filename != "~" else _from_callers(callers, suffix)
    return times


def _called_from(callers: dict, suffix: str) -> bool:
    return any(caller[0].endswith(suffix) for caller in callers)


def _from_callers(callers: dict, suffix: str) -> float:
    """Cumulative time of a built-in attributed to callers in files ending with `suffix`."""
    return sum(entry[3] for caller, entry in callers.items() if caller[0].endswith(suffix))


def _top(stats: pstats.Stats, n: int = 12) -> list[tuple[str, float]]:
    raw = stats.stats  # type: ignore[attr-defined]
    rows = sorted(raw.items(), key=lambda item: item[1][2], reverse=True)[:n]
    return [(f"{Path(f).name}:{line}({func})", tottime) for (f, line, func), (_, _, tottime, _, _) in rows]
