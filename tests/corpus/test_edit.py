"""`kdc add` and `kdc remove`: one command per change, checked as the build checks, nothing half-done."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from korea_deterrence.corpus import packaged_sources
from korea_deterrence.loaders.cli import main

# a BOM, CRLF line endings, an emoji and a zero-width space, as a file may arrive
RECEIVED = "\ufeffSeoul steps up\r\n\r\nThe Pentagon said South Korea 😀 would lead\u200b.\r\n".encode("utf-8")


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    shutil.copytree(packaged_sources(), root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return root


def test_add_one_article_and_build(corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new = tmp_path / "seoul-steps-up.txt"
    new.write_bytes(RECEIVED)
    assert main(["add", str(new), "--sources", str(corpus), "--outlet", "Example Daily",
                 "--published", "2026-01-24", "--basis", "printed on the page the file was saved from"]) == 0
    assert "added kd-000005" in capsys.readouterr().out
    assert (corpus / "raw" / "seoul-steps-up.txt").read_bytes() == RECEIVED  # byte for byte
    last = json.loads((corpus / "sources.jsonl").read_text("utf-8").splitlines()[-1])
    assert last["article_id"] == "kd-000005" and last["sha256"] == hashlib.sha256(RECEIVED).hexdigest()
    assert last["outlet"]["value"] == "Example Daily" and last["url"]["value"] is None
    assert "Not given" in last["url"]["basis"]
    out = tmp_path / "release"
    assert main(["build", "--sources", str(corpus), "--out", str(out)]) == 0
    rows = pq.read_table(out / "data" / "articles", columns=["article_id", "text"]).to_pylist()
    assert rows[-1] == {"article_id": "kd-000005", "text": "Seoul steps up\nThe Pentagon said South Korea 😀 would lead."}

    assert main(["remove", "kd-000005", "--sources", str(corpus)]) == 0
    assert tree(corpus) == {k: v for k, v in tree(packaged_sources()).items() if k == "sources.jsonl" or
                            k.startswith("raw/")}
    assert main(["validate", "--sources", str(corpus)]) == 0


@pytest.mark.parametrize(("content", "options", "words"), [
    (None, [], "raw.duplicate"),  # the bytes of an article already there
    (RECEIVED, ["--published", "2026-13-45", "--basis", "printed on the page"], "is not a calendar date"),
    (RECEIVED, ["--url", "http://", "--basis", "printed on the page"], "absolute http(s) URL"),
    (RECEIVED, ["--outlet", "Example"], "--basis is required"),
    (b"\xef\xbb\xbf \r\n", [], "article.empty"),
    (b"caf\xe9\n", [], "raw.utf8"),
    (RECEIVED, ["--max-article-bytes", "10"], "raw.too-large"),
    (RECEIVED, ["--id", "Not An Id"], "manifest.invalid-value"),
])
def test_add_refuses_what_the_build_refuses(corpus: Path, tmp_path: Path, content: bytes | None, options: list[str],
                                            words: str, capsys: pytest.CaptureFixture[str]) -> None:
    new = tmp_path / "new.txt"
    new.write_bytes(content if content is not None else next((corpus / "raw").iterdir()).read_bytes())
    before = tree(corpus)
    assert main(["add", str(new), "--sources", str(corpus), *options]) == 1
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
    assert tree(corpus) == before and not list(tmp_path.glob(".*kdc-edit"))


def test_remove_refuses_unknown_and_annotated_articles(capsys: pytest.CaptureFixture[str]) -> None:
    shipped = packaged_sources()
    before = tree(shipped)
    assert main(["remove", "kd-999999", "--sources", str(shipped)]) == 1
    assert main(["remove", "kd-000000"]) == 1  # the shipped corpus: its labels would be orphaned
    err = capsys.readouterr().err
    assert "no article 'kd-999999'" in err and "kd-000000 is annotated" in err
    assert tree(shipped) == before


def test_the_first_article_of_an_empty_corpus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "corpus"
    (root / "raw").mkdir(parents=True)
    (root / "sources.jsonl").write_text("")
    new = tmp_path / "first.txt"
    new.write_bytes(RECEIVED)
    assert main(["add", str(new), "--sources", str(root)]) == 1  # no id to follow: one must be given
    assert "give one with --id" in capsys.readouterr().err and (root / "sources.jsonl").read_text() == ""
    assert main(["add", str(new), "--sources", str(root), "--id", "kd-000000"]) == 0
    assert main(["validate", "--sources", str(root)]) == 0
