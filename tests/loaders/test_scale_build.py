"""Build mechanics for scale: jobs, nodes, shards, resuming and reuse never change the bytes."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import datasets
import pyarrow.parquet as pq
import pytest

from korea_deterrence.corpus import packaged_sources
from korea_deterrence.corpus import sources as sources_module, spans
from korea_deterrence.corpus.sources import open_sources
from korea_deterrence.loaders import engine, shards
from korea_deterrence.loaders.cli import main
from korea_deterrence.loaders.pipeline import BuildOptions, build, staging


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


def _kdc(*args: str) -> subprocess.Popen[str]:
    """`kdc ARGS` in a process of its own (a node of a build), as the console script runs it."""
    script = "import sys; from korea_deterrence.loaders.cli import console; sys.argv[0] = 'kdc'; sys.exit(console())"
    return subprocess.Popen([sys.executable, "-c", script, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def test_in_process_jobs_and_nodes_give_the_same_bytes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The same release whether the shards are written in this process, by datatrove in two workers, or
    by two nodes (processes that share only the output directory) before a build finishes the release."""
    corpus = _corpus_copy(tmp_path)
    common = ["build", "--sources", str(corpus), "--annotations", str(tmp_path / "none"), "--shard-size", "2"]
    (tmp_path / "none").mkdir()
    assert main([*common, "--out", str(tmp_path / "one")]) == 0
    assert main([*common, "--out", str(tmp_path / "two"), "--jobs", "2"]) == 0
    nodes = [_kdc(*common, "--out", str(tmp_path / "nodes"), "--node", "1/2", "--jobs", "2"),
             _kdc(*common, "--out", str(tmp_path / "nodes"), "--node", "2/2")]
    for node in nodes:  # both run at once
        out, err = node.communicate(timeout=120)
        assert node.returncode == 0, err
        assert "Once every node is done, run the same command without --node" in out
    written = sorted(p.name for p in (staging(tmp_path / "nodes") / "data" / "articles").iterdir())
    assert written == [f"train-{i:05d}-of-00003.parquet" for i in range(3)]
    assert not (tmp_path / "nodes").exists()  # the nodes write shards only
    capsys.readouterr()
    assert main([*common, "--out", str(tmp_path / "nodes")]) == 0
    assert "articles shards: 3, 0 reused from the previous build, 3 finished by an earlier run, 0 written" in capsys.readouterr().out
    assert _sums(tmp_path / "one") == _sums(tmp_path / "two") == _sums(tmp_path / "nodes")
    assert not staging(tmp_path / "nodes").exists()


def test_an_interrupted_build_resumes_from_its_finished_shards(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = _corpus_copy(tmp_path)
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    done: list[shards.ShardJob] = []

    def stopped_after_one(job: shards.ShardJob) -> None:
        if done:
            raise KeyboardInterrupt
        shards.run_job(job)
        done.append(job)

    with monkeypatch.context() as patch:
        patch.setattr(engine, "run_job", stopped_after_one)
        with pytest.raises(KeyboardInterrupt):
            build(open_sources(corpus, "c", span_lines=2), out)
    kept = sorted(p.name for p in staging(out).rglob("*") if p.is_file())
    assert kept == ["train-00000-of-00003.parquet"] and not out.exists()
    first = staging(out) / "data" / "articles" / kept[0]
    inode = first.stat().st_ino
    again = build(open_sources(corpus, "c", span_lines=2), out)
    assert (again.resumed, again.reused) == (1, 0) and not again.violations
    assert (out / "data" / "articles" / kept[0]).stat().st_ino == inode  # kept, not written again
    assert not build(open_sources(corpus, "c", span_lines=2), fresh).violations
    assert _sums(out) == _sums(fresh)


def test_a_shard_left_from_other_inputs_is_not_resumed(tmp_path: Path) -> None:
    corpus = _corpus_copy(tmp_path)
    out = tmp_path / "out"
    build(open_sources(corpus, "c", span_lines=2), tmp_path / "other")
    (staging(out) / "data" / "articles").mkdir(parents=True)
    for name in ("train-00000-of-00003.parquet", "train-00001-of-00003.parquet"):  # shards of spans [000, 001], [002, 003]
        shutil.copy(tmp_path / "other" / "data" / "articles" / name, staging(out) / "data" / "articles" / name)
    lines = (corpus / "sources.jsonl").read_text().splitlines()
    changed = json.loads(lines[2])
    changed["byline"] = {"value": "A Desk", "basis": "changed in a test to force re-normalization"}
    (corpus / "sources.jsonl").write_text("\n".join([*lines[:2], json.dumps(changed), *lines[3:]]) + "\n")
    again = build(open_sources(corpus, "c", span_lines=2), out)
    assert again.resumed == 1 and not again.violations  # the second shard's lines changed since
    byline = pq.read_table(out / "data" / "articles" / "train-00001-of-00003.parquet")["provenance"][0]["byline"]
    assert byline["value"].as_py() == "A Desk"


def test_shards_are_bounded_named_per_hf_and_load(tmp_path: Path) -> None:
    out = tmp_path / "rel"
    assert not build(open_sources(packaged_sources(), "corpus", span_lines=2), out).violations
    shards = sorted(p.name for p in (out / "data" / "articles").iterdir())
    assert shards == [f"train-{i:05d}-of-00003.parquet" for i in range(3)]
    ds = datasets.load_dataset(str(out), "articles", split="train")
    assert ds["article_id"] == sorted(ds["article_id"]) and ds.num_rows == 5


def _shard_inodes(release: Path) -> list[int]:
    return [p.stat().st_ino for p in sorted((release / "data" / "articles").glob("train-*.parquet"))]


def test_adding_one_article_links_the_unchanged_shards_and_the_bytes_match_a_fresh_build(tmp_path: Path) -> None:
    # spans of two lines, so shards [000, 001], [002, 003], [004]; then [004, 900000]
    corpus = _corpus_copy(tmp_path)
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    build(open_sources(corpus, "c", span_lines=2), out)
    before = _shard_inodes(out)
    _add_article(corpus, "kd-900000", "A New Headline\nThe Pentagon said something. Seoul agreed.\n")
    again = build(open_sources(corpus, "c", span_lines=2), out, options=BuildOptions(jobs=2))
    after = _shard_inodes(out)
    assert again.reused == 2 and again.tables[0].rows == 6
    assert after[:2] == before[:2] and after[2] != before[2]  # the first two are the same files, linked
    assert not build(open_sources(corpus, "c", span_lines=2), fresh).violations
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
    assert again.reused == 2 and not again.violations
    assert not build(open_sources(corpus, "c", span_lines=2), fresh).violations
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
    assert build(sources, out).reused == 2 and read == [5]  # spans 1-2 and 3-4: shards linked, lines not read


def test_a_changed_line_or_writer_rebuilds_only_what_it_touches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = _corpus_copy(tmp_path)
    out = tmp_path / "out"
    build(open_sources(corpus, "c", span_lines=2), out)
    before = _shard_inodes(out)
    lines = (corpus / "sources.jsonl").read_text().splitlines()
    changed = json.loads(lines[2])
    changed["byline"] = {"value": "A Desk", "basis": "changed in a test to force re-normalization"}
    (corpus / "sources.jsonl").write_text("\n".join([*lines[:2], json.dumps(changed), *lines[3:]]) + "\n")
    assert build(open_sources(corpus, "c", span_lines=2), out).reused == 2
    middle = _shard_inodes(out)
    assert [a == b for a, b in zip(before, middle)] == [True, False, True]
    monkeypatch.setattr(shards, "WRITER", "another Parquet writer")  # e.g. a new pyarrow: no shard is linked
    assert build(open_sources(corpus, "c", span_lines=2), out).reused == 0
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


def test_sources_may_be_an_fsspec_url(tmp_path: Path) -> None:
    """The same release from the sources in a local folder, at a file:// URL and in an fsspec file
    system that is not the local one (memory://, as s3:// would be)."""
    from upath import UPath

    corpus = _corpus_copy(tmp_path)
    remote = UPath("memory://kdc-test/corpus")
    for path in corpus.rglob("*"):
        if path.is_file():
            (remote / path.relative_to(corpus).as_posix()).write_bytes(path.read_bytes())
    (tmp_path / "none").mkdir()
    for name, given in (("local", str(corpus)), ("file", corpus.as_uri()), ("memory", str(remote))):
        args = ["build", "--sources", given, "--annotations", str(tmp_path / "none"), "--out", str(tmp_path / name)]
        assert main(args) == 0, name
    assert _sums(tmp_path / "local") == _sums(tmp_path / "file") == _sums(tmp_path / "memory")
    remote.fs.rm(remote.path, recursive=True)


def test_the_release_may_be_written_to_an_fsspec_url(tmp_path: Path) -> None:
    """`--out memory://...` (as s3:// would be): the same files as a local build, and a second build
    there links the unchanged shard from the first."""
    from upath import UPath

    out = UPath("memory://kdc-test/release")
    assert main(["build", "--out", str(tmp_path / "local")]) == 0
    assert main(["build", "--out", str(out)]) == 0
    local = sorted(p.relative_to(tmp_path / "local").as_posix() for p in (tmp_path / "local").rglob("*") if p.is_file())
    remote = sorted(p.path[len(out.path) + 1:] for p in out.rglob("*") if p.is_file())
    assert remote == local
    assert (out / "SHA256SUMS").read_text() == _sums(tmp_path / "local")
    assert not UPath("memory://kdc-test/release.incomplete").exists()
    again = build(open_sources(packaged_sources(), "corpus"), out, annotations=None)
    assert again.reused == 1 and not again.violations
    out.fs.rm(out.path, recursive=True)


@pytest.mark.parametrize("given", ["3/2", "0/2", "1", "a/b"])
def test_a_node_outside_the_build_is_refused_in_words(given: str, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["build", "--node", given, "--out", str(tmp_path / "out")])
    assert stopped.value.code == 2
    assert f"argument --node: {given!r} is not K/M with 1 <= K <= M, e.g. 1/2" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
