"""One invalid fixture per source rule: exact (file, line, rule), exit 1, nothing written."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from korea_deterrence.corpus import manifest, packaged_sources
from korea_deterrence.corpus.sources import open_sources
from korea_deterrence.loaders.cli import main
from korea_deterrence.schema import RULES, jsonl

FIXTURES = Path(__file__).parent / "fixtures"
SOURCE_RULES = sorted(r for r in RULES if r.startswith(("manifest.", "raw.")) or r == "article.empty")

# rule -> the exact (file relative to the fixture, line, pointer, rule) violations it must produce
EXPECTED = {
    "manifest.json": [("sources.jsonl", 2, "", "manifest.json")],
    "manifest.unknown-field": [("sources.jsonl", 2, "", "manifest.unknown-field")],
    "manifest.missing-field": [("sources.jsonl", 2, "", "manifest.missing-field")],
    "manifest.invalid-value": [("sources.jsonl", 2, "/published/value", "manifest.invalid-value")],
    "manifest.duplicate-id": [("sources.jsonl", 2, "/article_id", "manifest.duplicate-id")],
    "manifest.order": [("sources.jsonl", 2, "/article_id", "manifest.order")],
    "manifest.dateline-mismatch": [("sources.jsonl", 2, "/published/value", "manifest.dateline-mismatch")],
    "manifest.blank-line": [("sources.jsonl", 2, "", "manifest.blank-line")],
    "manifest.empty": [("sources.jsonl", 0, "", "manifest.empty")],
    "raw.too-large": [("sources.jsonl", 2, "/size", "raw.too-large")],
    "raw.missing": [("sources.jsonl", 2, "/raw_file", "raw.missing")],
    "raw.unlisted": [("raw/b.txt", 0, "", "raw.unlisted")],
    "raw.sha256": [("raw/b.txt", 0, "", "raw.sha256")],
    "raw.duplicate": [("sources.jsonl", 2, "/sha256", "raw.duplicate")],
    "raw.utf8": [("raw/b.txt", 3, "", "raw.utf8")],
    "article.empty": [("raw/b.txt", 0, "", "article.empty")],
}


@pytest.mark.parametrize(("field", "value", "words"), [
    ("published", "2026-13-45", "is not a calendar date"),
    ("retrieved", "2026-02-29", "is not a calendar date"),
    ("url", "http://", "is not an absolute http(s) URL with a host"),
    ("url", "https://example.org path", "is not an absolute http(s) URL with a host"),
    ("outlet", " ", "is blank"),
    ("byline", "\t\n", "is blank"),
])
def test_provenance_values_that_hold(field: str, value: str, words: str, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    """Real calendar dates, absolute URLs with a host, no blank values: manifest.invalid-value, exit 1."""
    root = tmp_path / "sources"
    shutil.copytree(FIXTURES / "valid", root)
    first, second = (root / "sources.jsonl").read_text("utf-8").splitlines()
    record = json.loads(second)
    record[field]["value"] = value
    (root / "sources.jsonl").write_text(first + "\n" + json.dumps(record) + "\n", "utf-8")
    assert main(["validate", "--sources", str(root)]) == 1
    err = capsys.readouterr().err
    assert _located(err, root) == [("sources.jsonl", 2, f"/{field}/value", "manifest.invalid-value")]
    assert words in err


def test_every_source_rule_has_a_fixture_and_an_expectation() -> None:
    assert sorted(EXPECTED) == SOURCE_RULES
    assert all((FIXTURES / rule / "sources.jsonl").is_file() for rule in SOURCE_RULES)


def _tree_digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _located(stderr: str, fixture: Path) -> list[tuple[str, int, str, str]]:
    found = []
    for line in stderr.splitlines():
        if not line.startswith(str(fixture)):
            continue
        location, rest = line.split(": [", 1)
        file, number = location.rsplit(":", 1)
        rule, rest = rest.split("] ", 1)
        pointer = rest.split(": ", 1)[0]
        found.append((Path(file).relative_to(fixture).as_posix(), int(number), "" if pointer == "/" else pointer, rule))
    return found


@pytest.mark.parametrize("rule", SOURCE_RULES)
@pytest.mark.parametrize("command", ["build", "build --jobs 2", "validate"])
def test_invalid_fixture(rule: str, command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(manifest, "SCAN_LINES", 1)  # each line looked up in the raw/ listing on its own
    fixture = FIXTURES / rule
    before = _tree_digest(fixture)
    out = tmp_path / "out"
    args = command.split() + ["--sources", str(fixture)] + (["--out", str(out)] if command != "validate" else [])
    assert main(args) == 1
    assert _located(capsys.readouterr().err, fixture) == EXPECTED[rule]
    assert list(tmp_path.iterdir()) == []  # no output, no .incomplete left behind
    assert _tree_digest(fixture) == before  # inputs untouched


def test_valid_fixture_builds(tmp_path: Path) -> None:
    assert main(["build", "--sources", str(FIXTURES / "valid"), "--out", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "data" / "articles" / "train-00000-of-00001.parquet").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_validate_json_format(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    assert main(["validate", "--format", "json", "--sources", str(FIXTURES / "raw.utf8")]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [(v["line"], v["rule"]) for v in report["violations"]] == [(3, "raw.utf8")]
    assert "byte offset 18" in report["violations"][0]["message"]


def test_corrupting_one_raw_byte_of_the_shipped_corpus_is_refused(corpus_dir: Path, tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    copy = tmp_path / "corpus"
    shutil.copytree(corpus_dir / "raw", copy / "raw")
    shutil.copy(corpus_dir / "sources.jsonl", copy / "sources.jsonl")
    target = sorted((copy / "raw").iterdir())[2]
    data = bytearray(target.read_bytes())
    data[100] ^= 0x01
    target.write_bytes(bytes(data))
    assert main(["build", "--sources", str(copy), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert f"{copy}/raw/{target.name}:0: [raw.sha256]" in err
    assert not (tmp_path / "out").exists() and not (tmp_path / "out.incomplete").exists()


def test_a_manifest_line_that_is_not_utf8_is_a_json_violation(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Invalid UTF-8 in the manifest is reported on its line (it used to stop the scan with a traceback)."""
    import shutil

    copy = tmp_path / "sources"
    shutil.copytree(FIXTURES / "valid", copy)
    lines = (copy / "sources.jsonl").read_bytes().splitlines(keepends=True)
    (copy / "sources.jsonl").write_bytes(lines[0] + lines[1].replace(b'"fx-b"', b'"fx-\xff"', 1) + b"".join(lines[2:]))
    before = _tree_digest(copy)
    for args in (["validate"], ["build", "--out", str(tmp_path / "out")]):
        assert main(args + ["--sources", str(copy)]) == 1
        err = capsys.readouterr().err
        assert _located(err, copy) == [("sources.jsonl", 2, "", "manifest.json")]  # (b.txt: unlisted is unknown)
        assert "invalid byte 0xff at byte 20 of the line" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sources"]  # no output, no .incomplete left behind
    assert _tree_digest(copy) == before


def test_a_manifest_changed_after_its_check_stops_the_build_with_nothing_written(tmp_path: Path) -> None:
    """A second read of sources.jsonl is checked against the first: streamed lines by the file's sha256 at
    its end, a span read back by its own sha256; a file changed since the check is refused before
    anything is moved into place."""
    import shutil

    from korea_deterrence.corpus import open_sources
    from korea_deterrence.loaders.pipeline import build

    copy = tmp_path / "sources"
    shutil.copytree(FIXTURES / "valid", copy)
    sources = open_sources(copy, "c")
    assert not sources.violations
    manifest_file = copy / "sources.jsonl"
    manifest_file.write_bytes(manifest_file.read_bytes().replace(b"synthetic fixture", b"synthetic fixturE"))
    with pytest.raises(RuntimeError, match="changed while it was being read"):
        list(sources.entry_lines())
    with pytest.raises(RuntimeError, match="changed while it was being read"):
        build(sources, tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sources"]


LINE_KINDS = st.lists(st.sampled_from(["canonical", "reordered", "garbage", "repeated", "missing"]), min_size=5, max_size=5)


@settings(max_examples=60, deadline=None)
@given(LINE_KINDS, st.integers(1, 1500))
def test_the_scan_reports_the_same_whatever_its_blocks(kinds: list[str], block: int) -> None:
    """Blocks of any size, each checked at once or line by line, give the same violations (with their
    line numbers), entries and spans as reading the manifest in one block."""
    lines = (packaged_sources() / "sources.jsonl").read_text("utf-8").splitlines()
    written: list[str] = []
    for line, kind in zip(lines, kinds):
        record = json.loads(line)
        written += {"canonical": [line], "reordered": [json.dumps(dict(reversed(record.items())))],
                    "garbage": ["{not json"], "repeated": [line, line],
                    "missing": [json.dumps({**record, "raw_file": "absent.txt"})]}[kind]
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as patch:
        root = Path(tmp)
        shutil.copytree(packaged_sources() / "raw", root / "raw")
        (root / "sources.jsonl").write_text("\n".join(written) + "\n", "utf-8")
        whole = open_sources(root, "c", span_lines=2)
        patch.setattr(jsonl, "BLOCK_BYTES", block)
        cut = open_sources(root, "c", span_lines=2)
    assert cut.violations == whole.violations
    assert (cut.count, cut.spans, cut.scan.bad_lines) == (whole.count, whole.spans, whole.scan.bad_lines)
    assert whole.count == sum(kind in ("canonical", "reordered", "repeated") for kind in kinds)


@pytest.mark.parametrize("block", [1 << 20, 1])
def test_a_missing_raw_file_does_not_make_a_later_entry_a_duplicate(tmp_path: Path, block: int,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The entry whose raw file is missing is not an entry: a later one with the same sha256 is the first."""
    shutil.copytree(packaged_sources() / "raw", tmp_path / "raw")
    lines = (packaged_sources() / "sources.jsonl").read_text("utf-8").splitlines()
    first = json.loads(lines[0])
    ghost = json.dumps({**first, "article_id": "ka-000000", "raw_file": "absent.txt"})
    (tmp_path / "sources.jsonl").write_text("\n".join([ghost, *lines]) + "\n", "utf-8")
    monkeypatch.setattr(jsonl, "BLOCK_BYTES", block)
    found = open_sources(tmp_path, "c")
    assert [(v.line, v.rule) for v in found.violations] == [(1, "raw.missing")] and found.count == 5
