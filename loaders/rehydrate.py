"""`kdc rehydrate TEXT_FREE --raw DIR --out FULL`: the full release, from the text-free variant and
one's own copies of the raw articles.

Steps: check the text-free release (`kdc validate`) → match the copies to its `sources.jsonl` by
sha256 (any file names) → normalize them as the build does (the articles config) → put every span
text back from its article and check it against its sha256 → write the metadata as the build does →
check the data against the full release's sha256. Nothing is written unless every step passes.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pyarrow.parquet as pq

from korea_deterrence.corpus import Sources, file_sha256, open_sources
from korea_deterrence.loaders.card import FULL_KEY
from korea_deterrence.loaders.engine import run_jobs
from korea_deterrence.loaders.network import release_statements
from korea_deterrence.loaders.network_files import write_network_files
from korea_deterrence.loaders.parquet import write_stored
from korea_deterrence.loaders.pipeline import articles_config, plan_shards
from korea_deterrence.loaders.release import (SPLIT, BuildResult, ConfigTable, move_into_place,
                                              provenance_known, provenance_listing, sha256s,
                                              write_metadata)
from korea_deterrence.loaders.text_free import VARIANT, SpanMismatch, fill, full_name, has_text
from korea_deterrence.loaders.text_free_release import SOURCES, article_texts, cited_articles
from korea_deterrence.loaders.validate_release import MANIFEST, schema_names, validate_release
from korea_deterrence.loaders.version import VERSION
from korea_deterrence.schema import Violation, features_from_schema, load_schema, schema_id
from korea_deterrence.schema.load import bundled

RAW = "raw"


@dataclass(frozen=True)
class Expected:
    """One article of the text-free release, as `sources.jsonl` line `line` lists it."""

    line: int
    entry: dict[str, Any]

    @property
    def article_id(self) -> str:
        return self.entry["article_id"]

    def describe(self) -> str:
        """What a person needs to find the article: id, file name, sha256, size, and outlet/URL when known."""
        known = [f"{fact} {self.entry[fact]['value']}" for fact in ("outlet", "url", "published")
                 if (self.entry.get(fact) or {}).get("value")]
        where = f"; {', '.join(known)}" if known else "; outlet and URL unknown"
        return (f"{self.article_id} (raw file {self.entry['raw_file']}, size {self.entry['size']}, "
                f"sha256 {self.entry['sha256']}{where})")


@dataclass
class Matched:
    """The copies found for the articles, what is missing, and the violations."""

    copies: dict[str, Path] = field(default_factory=dict)  # article_id -> the user's file
    missing: list[Expected] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)


@dataclass
class Rehydrated:
    """What `rehydrate` did."""

    out: Path
    violations: list[Violation] = field(default_factory=list)
    missing: list[Expected] = field(default_factory=list)  # left out with --partial
    tables: list[ConfigTable] = field(default_factory=list)


def rehydrate(release: Path, raw: Path, out: Path, partial: bool = False) -> Rehydrated:
    """The full release of the text-free `release`, from the copies under `raw`, into `out`."""
    result = Rehydrated(out, validate_release(release))
    manifest = _text_free_manifest(release, result.violations)
    if result.violations or manifest is None:
        return result
    expected = _expected(release / SOURCES)
    matched = match_copies(expected, raw, partial)
    result.violations += matched.violations
    result.missing = matched.missing
    if result.violations:
        return result
    tmp = out.with_name(out.name + ".incomplete")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        _write(release, manifest, expected, matched, tmp, result)
        if not result.violations:
            move_into_place(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return result


def _text_free_manifest(release: Path, found: list[Violation]) -> dict[str, Any] | None:
    if found:
        return None
    manifest = json.loads((release / MANIFEST).read_text("utf-8"))
    if manifest.get("variant") != VARIANT:
        found.append(Violation(MANIFEST, 0, "/variant", "rehydrate.not-text-free",
                               f"{release} is not a text-free release (manifest.json has no \"variant\": \"{VARIANT}\")"))
    elif manifest["tool_version"] != VERSION:
        found.append(Violation(MANIFEST, 0, "/tool_version", "rehydrate.version",
                               f"the release was made by kdc {manifest['tool_version']}; this is kdc {VERSION}: "
                               f"rehydrate with kdc {manifest['tool_version']} to get the same bytes"))
    return None if found else manifest


def _expected(sources: Path) -> list[Expected]:
    lines = sources.read_text("utf-8").splitlines()
    return [Expected(number, json.loads(line)) for number, line in enumerate(lines, start=1) if line.strip()]


def match_copies(expected: list[Expected], raw: Path, partial: bool) -> Matched:
    """Each expected article's copy under `raw`, found by sha256 whatever its name."""
    matched = Matched()
    if not raw.is_dir():
        matched.violations.append(Violation(str(raw), 0, "", "rehydrate.missing", f"{raw} is not a directory"))
        return matched
    by_sha = {e.entry["sha256"]: e for e in expected}
    by_name = {e.entry["raw_file"]: e for e in expected}
    sizes = {e.entry["size"] for e in expected}
    found: dict[str, list[Path]] = defaultdict(list)
    different: dict[str, tuple[Path, str]] = {}
    for path in _files(raw):
        digest = file_sha256(path) if path.stat().st_size in sizes or path.name in by_name else None
        if digest in by_sha:
            found[digest].append(path)
        elif path.name in by_name:
            different[by_name[path.name].article_id] = (path, digest or "")
        else:
            matched.violations.append(Violation(str(path), 0, "", "rehydrate.extra",
                                                f"{path} is not a copy of any article of this release (its sha256 "
                                                "matches none in sources.jsonl); remove it or point --raw elsewhere"))
    for digest, paths in found.items():
        if len(paths) > 1:
            matched.violations.append(Violation(str(paths[1]), 0, "", "rehydrate.duplicate",
                                                f"{', '.join(map(str, paths))} are copies of the same article "
                                                f"{by_sha[digest].article_id}; keep one"))
        matched.copies[by_sha[digest].article_id] = paths[0]
    for item in expected:
        if item.article_id in matched.copies:
            continue
        matched.missing.append(item)
        if partial:
            continue
        if item.article_id in different:
            path, digest = different[item.article_id]
            matched.violations.append(Violation(str(path), 0, "", "rehydrate.sha256",
                                                f"{path} is named as the raw file of {item.describe()}, but its "
                                                f"size is {path.stat().st_size} and sha256 {digest}: a different copy"))
        else:
            matched.violations.append(Violation(f"{SOURCES}", item.line, "", "rehydrate.missing",
                                                f"no copy of {item.describe()} under {raw}"))
    return matched


def _files(root: Path) -> Iterator[Path]:
    for folder, _, names in sorted(os.walk(root)):
        yield from (Path(folder) / name for name in sorted(names))


def _write(release: Path, manifest: dict[str, Any], expected: list[Expected], matched: Matched, root: Path,
           result: Rehydrated) -> None:
    """The full release into `root`: articles normalized from the copies, span texts put back, metadata."""
    kept = [e for e in expected if e.article_id in matched.copies]
    with tempfile.TemporaryDirectory() as scratch:
        sources = _sources(Path(scratch), release / SOURCES, kept, matched, partial=bool(matched.missing))
        built = BuildResult(root, violations=list(sources.violations))
        jobs = plan_shards(sources, root, {})
        run_jobs(jobs)
        articles = articles_config(jobs, jobs, built)
    result.violations += built.violations
    if result.violations:
        return
    wanted = {e.article_id for e in kept}
    quoted = [n for n, s in manifest["schemas"].items() if n != "articles" and has_text(_schema_name(s))]
    cited = set().union(*(cited_articles(sorted((release / "data" / n).glob("*.parquet"))) for n in quoted))
    texts = article_texts(root / "data" / "articles", cited & wanted)
    tables = [articles]
    for name, schema in manifest["schemas"].items():
        if name != "articles":
            tables.append(_config(release, root, name, _schema_name(schema), texts, wanted, result))
    if result.violations:
        return
    full = _full_manifest(manifest, root, tables, sources, bool(matched.missing))
    full["network_files"] = write_network_files(root, release_statements(root))
    write_metadata(root, full, tables)
    result.tables = tables
    if not matched.missing and full["data_sha256"] != manifest[FULL_KEY]:
        differ = sorted(f for f, d in full["data_sha256"].items() if manifest[FULL_KEY].get(f) != d)
        result.violations.append(Violation(MANIFEST, 0, f"/{FULL_KEY}", "rehydrate.not-identical",
                                           f"the rehydrated {', '.join(differ)} differ from the full release's "
                                           "sha256 (another pyarrow writes other bytes); nothing was written"))


def _sources(scratch: Path, manifest: Path, kept: list[Expected], matched: Matched, partial: bool) -> Sources:
    """A sources directory: the release's sources.jsonl (only the kept lines when partial) and links named
    as it lists them to the user's copies."""
    (scratch / RAW).mkdir()
    lines = manifest.read_bytes().splitlines(keepends=True)
    (scratch / SOURCES).write_bytes(b"".join(lines[e.line - 1] for e in kept) if partial else manifest.read_bytes())
    for item in kept:
        os.symlink(matched.copies[item.article_id].resolve(), scratch / RAW / item.entry["raw_file"])
    return open_sources(scratch)


def _schema_name(urn: str) -> str:
    """The schema name of a shipped schema's `$id` (either variant)."""
    return schema_names()[urn]


def _config(release: Path, root: Path, name: str, schema: str, texts: dict[str, str], wanted: set[str],
            result: Rehydrated) -> ConfigTable:
    full = full_name(schema)
    rows = _rows(release / "data" / name, name, bundled(full), texts, wanted, has_text(schema), result)
    written = write_stored(rows, features_from_schema(load_schema(full)), root / "data" / name, SPLIT)
    return ConfigTable(name, full, written.rows, written.nbytes, written.files)


def _rows(directory: Path, name: str, schema: dict[str, Any], texts: dict[str, str], wanted: set[str],
          spans: bool, result: Rehydrated) -> Iterator[dict[str, Any]]:
    number = 0
    for shard in sorted(directory.glob("*.parquet")):
        for row in pq.read_table(shard).to_pylist():
            number += 1
            if "article_id" in row and row["article_id"] not in wanted:
                continue  # an article left out (--partial)
            if not spans or "article_id" not in row:
                yield row
                continue
            try:
                yield fill(row, schema, texts[row["article_id"]])
            except SpanMismatch as err:
                result.violations.append(Violation(f"data/{name}/{shard.name}", number, "/text_sha256",
                                                   "rehydrate.span-hash", f"{row['article_id']}: {err}"))


def _full_manifest(manifest: dict[str, Any], root: Path, tables: list[ConfigTable], sources: Sources,
                   partial: bool) -> dict[str, Any]:
    full = {k: v for k, v in manifest.items() if k not in ("variant", FULL_KEY)}
    full["schemas"] = {t.name: schema_id(t.schema) for t in tables}
    full["data_sha256"] = sha256s(root, tables)
    if partial:
        full["counts"] = {t.name: {SPLIT: t.rows} for t in tables}
        full["provenance_known"] = provenance_known([root / f for f in tables[0].data_files])
        full["provenance"] = provenance_listing([root / f for f in tables[0].data_files])
        full["inputs"] = [{**full["inputs"][0], "sha256": sources.manifest_sha256}, *full["inputs"][1:]]
        full["partial"] = "rehydrated from copies of some articles only (kdc rehydrate --partial); not the full release"
    return full
