"""`kdc build`: the release, step by step.

    read sources (corpus/sources.py: the manifest checked, cut into spans)
    → plan the shards: one per span of the manifest (loaders/shards.py)
    → per shard: verify the raw files → normalize → check → write the Parquet shard,
      run by the engine (loaders/engine.py: in this process, on datatrove, or as one node of several)
    → merge the annotations (loaders/annotated.py) → the network (loaders/network.py) → labels
    → write the release metadata (loaders/release.py) → [text-free variant] → move into place

Everything is written to `<out>.incomplete/` and moved to `out` at the end. A shard under its final
name there is finished: an interrupted build, or the nodes of a build spread over machines (`node`),
leave finished shards behind and the next build keeps them. Shards of the previous release in `out`
made from the same inputs are linked, not written again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator


from korea_deterrence.corpus import Sources
from korea_deterrence.loaders.annotated import annotation_inputs, write_annotation_configs
from korea_deterrence.loaders.engine import Node, Progress, run_jobs
from korea_deterrence.loaders.fields import label_rows
from korea_deterrence.loaders.network import release_statements
from korea_deterrence.loaders.network_files import write_network_files
from korea_deterrence.loaders.parquet import shard_name, uncompressed, write_parquet
from korea_deterrence.loaders.release import (SPLIT, BuildResult, ConfigTable, full_manifest, move_into_place,
                                              write_metadata)
from korea_deterrence.loaders.reuse import previous_shards
from korea_deterrence.loaders.storage import remove_tree
from korea_deterrence.loaders.shards import PreviousShard, ShardJob, job, read_problems
from korea_deterrence.schema import features_from_schema, load_schema

ARTICLES = Path("data") / "articles"


@dataclass(frozen=True)
class BuildOptions:
    """How to build: worker processes, reuse of the previous release, strictness, variant, node."""

    jobs: int = 1
    reuse: bool = True
    strict: bool = False
    text_free: bool = False
    node: Node | None = None


def staging(out: Path) -> Path:
    """Where a build of `out` writes before moving into place."""
    return out.with_name(out.name + ".incomplete")


def build(sources: Sources, out: Path, annotations: Path | None = None, options: BuildOptions = BuildOptions(),
          progress: Progress | None = None) -> BuildResult:
    """Build the release from `sources` (and the annotations directory) into `out`. On any violation
    (with `strict`, also an unresolved disagreement) nothing is left behind; with `options.node`, only
    this node's shards are written, into `<out>.incomplete/`."""
    result = BuildResult(out, violations=list(sources.violations))
    root = staging(out)
    previous = previous_shards(out) if options.reuse and not options.text_free else {}
    jobs = plan_shards(sources, root, previous)
    if options.node is not None:
        run_jobs(jobs, options.jobs, options.node)
        return result
    kept = keep_only_finished(root, jobs)
    todo = [j for j in jobs if j.path not in kept]
    result.resumed, result.reused = len(kept), sum(j.previous is not None for j in todo)
    resumed_lines = sum(j.span.lines for j in jobs if j.path in kept)
    try:
        run_jobs(todo, options.jobs, progress=progress and (lambda done: progress(resumed_lines + done)))
        result.tables.append(articles_config(jobs, todo, result))
        if not result.violations:
            _finish(sources, root, annotations, options, result)
        if not result.violations:
            move_into_place(root, out)
    except Exception:
        remove_tree(root)
        raise
    except BaseException:  # Ctrl-C, SIGTERM: the finished shards stay for the next build, nothing else
        keep_only_finished(root, jobs)
        raise
    if result.violations:
        remove_tree(root)
    return result


def plan_shards(sources: Sources, root: Path, previous: dict[str, PreviousShard]) -> list[ShardJob]:
    """One job per span of the manifest, named as Hugging Face names shards."""
    spans = sources.spans
    return [job(sources, span, root / ARTICLES / shard_name(SPLIT, i, len(spans)), previous)
            for i, span in enumerate(spans)]


def keep_only_finished(root: Path, jobs: list[ShardJob]) -> set[Path]:
    """Clear `root` of everything but the finished shards of these jobs (left by an interrupted build);
    their paths."""
    keep = {j.path for j in jobs if j.finished() is not None}
    for path in sorted(root.rglob("*"), reverse=True) if root.exists() else ():
        if path in keep or (path.is_dir() and any(k.is_relative_to(path) for k in keep)):
            continue
        remove_tree(path) if path.is_dir() else path.unlink()
    root.mkdir(parents=True, exist_ok=True)
    return keep


def articles_config(jobs: list[ShardJob], ran: list[ShardJob], result: BuildResult) -> ConfigTable:
    """The articles config from the finished shards; the violations jobs left instead go to `result`.
    The sha256 of a shard this run (`ran`) linked from the previous release is known already."""
    rows = nbytes = 0
    for shard in jobs:
        if (meta := shard.finished()) is not None:
            rows, nbytes = rows + meta.num_rows, nbytes + uncompressed(meta)
        else:
            problems = read_problems(shard)
            if not problems:
                raise RuntimeError(f"{shard.path} was neither written nor refused")
            result.violations += problems
    known = {j.path.name: j.previous.sha256 for j in ran if j.previous is not None}
    return ConfigTable("articles", "article", rows, nbytes, tuple(j.path.name for j in jobs), known)


def _finish(sources: Sources, root: Path, annotations: Path | None, options: BuildOptions,
            result: BuildResult) -> None:
    """The steps after the articles: annotation configs, network, labels, metadata, variant."""
    outcome = write_annotation_configs(annotations, [root / f for f in result.tables[0].data_files],
                                       lambda *config: result.tables.append(_write_config(root, *config)))
    result.violations += outcome.violations
    statements = [] if result.violations else release_statements(root)
    result.tables.append(_write_config(root, "network", "network", (s.row() for s in statements)))
    named = [(t.name, t.schema) for t in result.tables if t.rows]
    result.tables.append(_write_config(root, "labels", "labels", label_rows(named)))
    result.unresolved = outcome.annotations.unresolved if outcome.annotations else []
    result.violations += result.unresolved if options.strict else []
    if result.violations:
        return
    network = write_network_files(root, statements)
    manifest = full_manifest(sources, result.tables, root, annotation_inputs(annotations, outcome.annotations), network)
    write_metadata(root, manifest, result.tables)
    if options.text_free:
        from korea_deterrence.loaders.text_free_release import derive_text_free

        result.tables = derive_text_free(root, manifest, result.tables, sources.root / "sources.jsonl")


def _write_config(root: Path, name: str, schema: str, rows: Iterator[dict[str, Any]]) -> ConfigTable:
    written = write_parquet(rows, features_from_schema(load_schema(schema)), root / "data" / name, SPLIT)
    return ConfigTable(name, schema, written.rows, written.nbytes, written.files)


def finished_shards(out: Path) -> int:
    """How many finished articles shards wait in `out`'s staging directory."""
    return len(list((staging(out) / ARTICLES).glob("train-*.parquet")))
