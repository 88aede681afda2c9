"""Build mechanics for scale: job count, shards and incremental reuse never change the bytes."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import datasets
import pyarrow as pa
import pytest

from korea_deterrence.corpus import packaged_sources
from korea_deterrence.corpus import sources as sources_module, spans
from korea_deterrence.corpus.sources import open_sources
from korea_deterrence.loaders import batches, reuse
from korea_deterrence.loaders.parquet import KnownShard, ShardWriter
from korea_deterrence.loaders.release import build


def _sums(release: Path) -> str:
    return (release / "SHA256SUMS").read_text()


def _corpus_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "corpus"
    shutil.copytree(packaged_sources() / "raw", copy / "raw")
    shutil.copy(packaged_sources() / "sources.jsonl", copy / "sources.jsonl")
    return copy


def _add_article(corpus: Path, article_id: str, text: str) -> None:
    data = text.encode("utf-8")
    entry = json.loads((corpus / "sources.jsonl").read_text().splitlines()[0])
    entry.update(article_id=article_id, raw_file=f"{article_id}.txt", size=len(data),
                 sha256=hashlib.sha256(data).hexdigest())
    (corpus / "raw" / f"{article_id}.txt").write_bytes(data)
    with (corpus / "sources.jsonl").open("a") as handle:
        handle.write(json.dumps(entry) + "\n")


def test_jobs_do_not_change_the_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batches, "CHUNK", 2)  # several chunks in flight across the pool
    sources = open_sources(packaged_sources(), "corpus")
    one = build(sources, tmp_path / "one", jobs=1)
    two = build(sources, tmp_path / "two", jobs=2)
    assert not one.violations and not two.violations
    assert _sums(tmp_path / "one") == _sums(tmp_path / "two")


def test_shards_are_bounded_named_per_hf_and_load(tmp_path: Path) -> None:
    out = tmp_path / "rel"
    assert not build(open_sources(packaged_sources(), "corpus", span_lines=2), out).violations
    shards = sorted(p.name for p in (out / "data" / "articles").iterdir())
    assert shards == [f"train-{i:05d}-of-00003.parquet" for i in range(3)]
    ds = datasets.load_dataset(str(out), "articles", split="train")
    assert ds["article_id"] == sorted(ds["article_id"]) and ds.num_rows == 5


def test_adding_one_article_normalizes_only_that_article(tmp_path: Path) -> None:
    corpus = _corpus_copy(tmp_path)
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    first = build(open_sources(corpus, "c"), out)
    assert first.reused == 0 and not first.violations
    _add_article(corpus, "kd-900000", "A New Headline\nThe Pentagon said something. Seoul agreed.\n")
    again = build(open_sources(corpus, "c"), out)
    assert again.reused == 5 and again.tables[0].rows == 6
    assert build(open_sources(corpus, "c"), fresh, reuse=False).reused == 0
    assert _sums(out) == _sums(fresh)


def test_changed_raw_bytes_or_provenance_are_not_reused(tmp_path: Path) -> None:
    corpus = _corpus_copy(tmp_path)
    out = tmp_path / "out"
    build(open_sources(corpus, "c"), out)
    lines = (corpus / "sources.jsonl").read_text().splitlines()
    changed = json.loads(lines[1])
    changed["byline"] = {"value": "A Desk", "basis": "changed in a test to force re-normalization"}
    (corpus / "sources.jsonl").write_text("\n".join([lines[0], json.dumps(changed), *lines[2:]]) + "\n")
    assert build(open_sources(corpus, "c"), out).reused == 4


def _shard_inodes(release: Path) -> list[int]:
    return [p.stat().st_ino for p in sorted((release / "data" / "articles").glob("train-*.parquet"))]


def test_unchanged_shards_are_copied_whole_and_the_bytes_match_a_fresh_build(tmp_path: Path) -> None:
    # spans of two lines, so shards [000, 001], [002, 003], [004]
    corpus = _corpus_copy(tmp_path)
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    build(open_sources(corpus, "c", span_lines=2), out)
    before = _shard_inodes(out)
    _add_article(corpus, "kd-900000", "A New Headline\nThe Pentagon said something. Seoul agreed.\n")
    again = build(open_sources(corpus, "c", span_lines=2), out, jobs=2)
    after = _shard_inodes(out)
    assert again.reused == 5 and again.tables[0].rows == 6
    assert after[:2] == before[:2] and after[2] != before[2]  # the first two are the same files, linked
    assert not build(open_sources(corpus, "c", span_lines=2), fresh, reuse=False).violations
    assert _sums(out) == _sums(fresh)


def test_a_shard_changed_since_the_previous_build_is_neither_copied_nor_read(tmp_path: Path) -> None:
    """The previous release is an input like any other: a shard whose bytes no longer have the sha256
    its manifest.json records is not used, and its articles are normalized again."""
    corpus = _corpus_copy(tmp_path)
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    build(open_sources(corpus, "c", span_lines=2), out)
    damaged = sorted((out / "data" / "articles").glob("train-*.parquet"))[1]
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit, somewhere in the rows of articles 3 and 4
    damaged.write_bytes(bytes(data))
    again = build(open_sources(corpus, "c", span_lines=2), out)
    assert again.reused == 3 and not again.violations
    assert not build(open_sources(corpus, "c", span_lines=2), fresh, reuse=False).violations
    assert _sums(out) == _sums(fresh)


def test_a_rebuild_reads_back_only_the_spans_it_does_not_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = _corpus_copy(tmp_path)
    out = tmp_path / "out"
    build(open_sources(corpus, "c", span_lines=2), out)
    _add_article(corpus, "kd-900000", "A New Headline\nThe Pentagon said something. Seoul agreed.\n")
    read: list[int] = []

    def recorded(path: Path, span: spans.Span, label: str) -> list[str | bytes]:
        read.append(span.first_line)
        return spans.read_span(path, span, label)

    monkeypatch.setattr(sources_module, "read_span", recorded)
    sources = open_sources(corpus, "c", span_lines=2)
    assert [span.first_line for span in sources.spans] == [1, 3, 5]
    assert build(sources, out).reused == 5 and read == [5]  # spans 1-2 and 3-4: shards copied, lines not read


def test_a_changed_line_or_writer_rebuilds_only_what_it_touches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = _corpus_copy(tmp_path)
    out = tmp_path / "out"
    build(open_sources(corpus, "c", span_lines=2), out)
    before = _shard_inodes(out)
    lines = (corpus / "sources.jsonl").read_text().splitlines()
    changed = json.loads(lines[2])
    changed["byline"] = {"value": "A Desk", "basis": "changed in a test to force re-normalization"}
    (corpus / "sources.jsonl").write_text("\n".join([*lines[:2], json.dumps(changed), *lines[3:]]) + "\n")
    assert build(open_sources(corpus, "c", span_lines=2), out).reused == 4
    middle = _shard_inodes(out)
    assert [a == b for a, b in zip(before, middle)] == [True, False, True]
    monkeypatch.setattr(reuse, "WRITER", "another Parquet writer")  # e.g. a new pyarrow: no shard is copied
    assert build(open_sources(corpus, "c", span_lines=2), out).reused == 5
    assert not set(_shard_inodes(out)) & set(middle)


def test_build_leaves_its_process_as_it_found_it(tmp_path: Path) -> None:
    """`kdc build` writes HF metadata without importing `datasets` (about a second of every build), and
    after it, in the same process, `datasets` and pandas import (0.1.0 hid pandas with an import hook)."""
    script = ("import sys; from korea_deterrence.loaders.cli import main; "
              f"code = main(['build', '--out', {str(tmp_path / 'out')!r}, '--jobs', '2']); "
              "loaded = 'datasets' in sys.modules; import datasets, pandas; "
              "sys.exit(code if code else 3 if loaded else 0)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "SHA256SUMS").is_file()


def test_a_shard_is_not_copied_after_a_partial_one(tmp_path: Path) -> None:
    """Copied shards stand for whole spans: one after a partly written shard is refused, by name."""
    schema = pa.schema([("a", pa.int64())])
    writer = ShardWriter(tmp_path / "out", "train", schema, shard_rows=3)
    writer.write(pa.table({"a": [1]}, schema=schema))
    previous = KnownShard(tmp_path / "train-00000-of-00001.parquet", 0, "0" * 64)
    with pytest.raises(ValueError, match="cannot copy train-00000-of-00001.parquet after a partial shard of 1 rows"):
        writer.copy(previous, 3)
