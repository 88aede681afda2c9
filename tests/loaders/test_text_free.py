"""The text-free release and `kdc rehydrate`: no article text in any file, loadable and valid as it is,
and rehydrated from one's own copies into the full release byte for byte; bad copies refused."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from datasets import load_dataset

from korea_deterrence.corpus import packaged_sources
from korea_deterrence.loaders.cli import main
from korea_deterrence.schema import RULES

RAW = packaged_sources() / "raw"


def copies(folder: Path) -> Path:
    """The repository's raw files under other names, as a user's own copies would be."""
    folder.mkdir(parents=True)
    for number, path in enumerate(sorted(RAW.glob("*.txt"))):
        shutil.copyfile(path, folder / f"my-copy-{number}.html.txt")
    return folder


def decoded_text(root: Path) -> str:
    """Every string a reader can get from the release: the text files, and each Parquet value and its metadata."""
    parts = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if path.suffix == ".parquet":
            table = pq.read_table(path)
            parts.append(json.dumps(table.to_pylist(), ensure_ascii=False))
            parts += [v.decode("utf-8", "replace") for v in (table.schema.metadata or {}).values()]
        else:
            parts.append(path.read_text("utf-8"))
    return "\n".join(parts)


def sentences(release: Path) -> list[str]:
    rows = pq.read_table(release / "data/articles/train-00000-of-00001.parquet").to_pylist()
    return [r["text"][s["start"]:s["end"]] for r in rows for s in r["sentences"]]


def test_no_article_sentence_is_in_any_file_of_the_text_free_release(release: Path, text_free_release: Path) -> None:
    every = decoded_text(text_free_release)
    checked = [s for s in sentences(release) if len(s.split()) >= 5]
    assert len(checked) > 150
    assert [s for s in checked if s in every] == []
    titles = [r["title"] for r in pq.read_table(release / "data/articles").to_pylist() if r["title"]]
    assert titles and not [t for t in titles if t in every]
    assert sentences(release)[3] in decoded_text(release)  # (the search finds sentences where they are)


def test_the_text_free_release_loads_validates_and_keeps_offsets_and_hashes(release: Path, text_free_release: Path,
                                                                            capsys) -> None:
    assert main(["validate", str(text_free_release)]) == 0
    assert f"release {text_free_release} valid" in capsys.readouterr().out
    articles = load_dataset(str(text_free_release), split="train")
    claims = load_dataset(str(text_free_release), "claims", split="train")
    assert "text" not in articles.column_names and "title" not in articles.column_names
    full = load_dataset(str(release), split="train")
    assert articles["text_length"] == [len(t) for t in full["text"]]
    assert articles["text_sha256"] == full["text_sha256"]
    full_claims = load_dataset(str(release), "claims", split="train")
    assert claims["text_sha256"] == [hashlib.sha256(t.encode()).hexdigest() for t in full_claims["text"]]
    assert claims["start"] == full_claims["start"]
    mentions = duckdb.sql(f"select count(*), count(text_sha256) from '{text_free_release}/data/mentions/*.parquet'").fetchall()[0]
    assert mentions[0] == mentions[1] == load_dataset(str(release), "mentions", split="train").num_rows
    card = (text_free_release / "README.md").read_text("utf-8")
    assert "This is the **text-free** variant" in card and "`claims`: `text` (replaced by `text_sha256`)" in card


def test_rehydration_from_the_repository_raw_files_gives_the_full_release(release: Path, text_free_release: Path,
                                                                           tmp_path: Path, capsys) -> None:
    out = tmp_path / "full"
    assert main(["rehydrate", str(text_free_release), "--raw", str(copies(tmp_path / "mine")), "--out", str(out)]) == 0
    assert "rehydrated 5 article(s)" in capsys.readouterr().out
    assert (out / "SHA256SUMS").read_bytes() == (release / "SHA256SUMS").read_bytes()
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == sorted(p.relative_to(release) for p in release.rglob("*"))


def test_the_cards_three_commands_run_as_written(text_free_release: Path, release: Path, tmp_path: Path) -> None:
    card = (text_free_release / "README.md").read_text("utf-8")
    commands = re.search(r"```bash\n(.*?)```", card, re.S).group(1)
    assert len(commands.strip().splitlines()) == 3
    shutil.copytree(text_free_release, tmp_path / "korea-deterrence-text-free")
    copies(tmp_path / "my-copies")
    done = subprocess.run(["bash", "-euc", commands], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "korea-deterrence" / "SHA256SUMS").read_bytes() == (release / "SHA256SUMS").read_bytes()


def test_partial_writes_the_verified_articles_and_names_the_missing(text_free_release: Path, tmp_path: Path,
                                                                      capsys) -> None:
    mine = copies(tmp_path / "mine")
    (mine / "my-copy-2.html.txt").unlink()
    out = tmp_path / "partial"
    args = ["rehydrate", str(text_free_release), "--raw", str(mine), "--out", str(out)]
    assert main(args) == 1 and not out.exists()
    assert "[rehydrate.missing]" in capsys.readouterr().err
    assert main([*args, "--partial"]) == 0
    captured = capsys.readouterr()
    assert "left out (no verified copy): kd-000002 (raw file 002_d9b429e19970c55a.txt" in captured.err
    assert "rehydrated 4 article(s)" in captured.out and "1 left out (--partial)" in captured.out
    assert main(["validate", str(out)]) == 0
    ids = set(load_dataset(str(out), "claims", split="train")["article_id"])
    assert ids == {"kd-000000", "kd-000001", "kd-000003", "kd-000004"}
    assert "not the full release" in json.loads((out / "manifest.json").read_text())["partial"]


def _retamper(root: Path, config: str, change) -> None:
    """Rewrite one config's rows with `change` and SHA256SUMS to match (a consistent, tampered release)."""
    path = root / "data" / config / "train-00000-of-00001.parquet"
    table = pq.read_table(path)
    rows = table.to_pylist()
    change(rows)
    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), path)
    _resum(root, path)


def _remanifest(root: Path, change) -> None:
    manifest = json.loads((root / "manifest.json").read_text())
    change(manifest)
    (root / "manifest.json").write_text(json.dumps(manifest, indent=2))
    _resum(root, root / "manifest.json")


def _resum(root: Path, path: Path) -> None:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    name = path.relative_to(root).as_posix()
    sums = root / "SHA256SUMS"
    sums.write_text("".join(f"{digest}  {name}\n" if line.endswith(f"  {name}") else line + "\n"
                            for line in sums.read_text().splitlines()))


def _corrupt(mine: Path, tf: Path) -> None:
    victim = mine / "my-copy-1.html.txt"
    victim.rename(mine / "001_499b29028023c3d7.txt")
    (mine / "001_499b29028023c3d7.txt").write_bytes(victim.with_name("001_499b29028023c3d7.txt").read_bytes() + b" ")


def _offset(rows: list[dict]) -> None:
    rows[0]["end"] = 10**6


def _hash(rows: list[dict]) -> None:
    rows[0]["text_sha256"] = "0" * 64


CASES = {
    "rehydrate.sha256": (_corrupt, "is named as the raw file of kd-000001 (raw file 001_499b29028023c3d7.txt, size 5939"),
    "rehydrate.missing": (lambda mine, tf: (mine / "my-copy-4.html.txt").unlink(),
                          "no copy of kd-000004 (raw file 004_cbc0aff9e195709b.txt, size"),
    "rehydrate.extra": (lambda mine, tf: (mine / "notes.txt").write_text("my notes"),
                        "notes.txt is not a copy of any article of this release"),
    "rehydrate.duplicate": (lambda mine, tf: shutil.copyfile(mine / "my-copy-0.html.txt", mine / "again.txt"),
                            "are copies of the same article kd-000000; keep one"),
    "rehydrate.span-hash": (lambda mine, tf: _retamper(tf, "claims", _hash),
                            "the release records 0000000000000000000000000000000000000000000000000000000000000000"),
    "release.offsets": (lambda mine, tf: _retamper(tf, "mentions", _offset), "lies outside the article's"),
    "rehydrate.version": (lambda mine, tf: _remanifest(tf, lambda m: m.update(tool_version="0.0.1")),
                          "the release was made by kdc 0.0.1"),
    "rehydrate.not-identical": (lambda mine, tf: _remanifest(tf, lambda m: m["full_data_sha256"].update(
        {"data/stance/train-00000-of-00001.parquet": "0" * 64})),
        "the rehydrated data/stance/train-00000-of-00001.parquet differ from the full release's sha256"),
}


@pytest.mark.parametrize("rule", sorted(CASES))
def test_bad_copies_and_tampered_releases_are_refused_with_nothing_written(rule: str, text_free_release: Path,
                                                                          tmp_path: Path, capsys) -> None:
    tf = tmp_path / "tf"
    shutil.copytree(text_free_release, tf)
    mine = copies(tmp_path / "mine")
    make, words = CASES[rule]
    make(mine, tf)
    out = tmp_path / "full"
    assert main(["rehydrate", str(tf), "--raw", str(mine), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"[{rule}]" in err and words in err, err
    assert "nothing was written" in err
    assert not out.exists() and not out.with_name("full.incomplete").exists()


def test_a_full_release_is_not_rehydrated(release: Path, tmp_path: Path, capsys) -> None:
    assert main(["rehydrate", str(release), "--raw", str(copies(tmp_path / "mine")), "--out", str(tmp_path / "o")]) == 1
    assert "[rehydrate.not-text-free]" in capsys.readouterr().err


def test_every_rehydrate_rule_is_exercised() -> None:
    covered = set(CASES) | {"rehydrate.not-text-free"}
    assert {r for r in RULES if r.startswith("rehydrate.")} <= covered
