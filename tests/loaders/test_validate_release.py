"""`kdc validate PATH`: one tampered copy of a fresh release per rule, asserted as (file, rule)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Callable

import pyarrow.parquet as pq
import pytest

from korea_deterrence.loaders.cli import main
from korea_deterrence.loaders.validate_release import (
    Config, ForeignKey, foreign_key_violations, offset_violations, validate_release)
from korea_deterrence.schema import RULES

ARTICLES = "data/articles/train-00000-of-00001.parquet"
GEXF = "network/two_mode.policy_shift.gexf"


def _flip_last_byte(root: Path) -> None:
    data = bytearray((root / ARTICLES).read_bytes())
    data[-1] ^= 0xFF
    (root / ARTICLES).write_bytes(bytes(data))


def _swap_card_labels(root: Path) -> None:
    card = (root / "README.md").read_text("utf-8")
    swapped = card.replace("'0': title\n", "'0': @@\n", 1).replace("'1': subtitle\n", "'1': title\n", 1)
    (root / "README.md").write_text(swapped.replace("'0': @@\n", "'0': subtitle\n", 1), "utf-8")


def _edit_sums(root: Path, edit: Callable[[list[str]], list[str]]) -> None:
    lines = (root / "SHA256SUMS").read_text().splitlines()
    (root / "SHA256SUMS").write_text("".join(line + "\n" for line in edit(lines)))


def _edit_manifest(root: Path, edit: Callable[[dict], None]) -> None:
    manifest = json.loads((root / "manifest.json").read_text("utf-8"))
    edit(manifest)
    (root / "manifest.json").write_text(json.dumps(manifest, indent=2))


def _bad_record(root: Path) -> None:
    table = pq.read_table(root / ARTICLES)
    column = table.column("text_sha256").to_pylist()
    table = table.set_column(table.schema.get_field_index("text_sha256"), "text_sha256", [["x"] + column[1:]])
    pq.write_table(table, root / ARTICLES)


CASES: dict[str, tuple[Callable[[Path], None], list[tuple[str, str]]]] = {
    "release.unreadable": (_flip_last_byte, [(ARTICLES, "release.sha256"), (ARTICLES, "release.unreadable")]),
    "release.features": (_swap_card_labels, [("README.md", "release.sha256"), ("README.md", "release.features")]),
    "release.sha256": (lambda r: _edit_sums(r, lambda ls: [("0" * 64 + l[64:]) if l.endswith("manifest.json") else l
                                                           for l in ls]), [("manifest.json", "release.sha256")]),
    "release.unlisted": (lambda r: _edit_sums(r, lambda ls: [l for l in ls if not l.endswith("DATASHEET.md")]),
                         [("DATASHEET.md", "release.unlisted")]),
    "release.missing": (lambda r: _edit_sums(r, lambda ls: ls + ["0" * 64 + "  ghost.txt"]),
                        [("ghost.txt", "release.missing")]),
    "release.count": (lambda r: _edit_manifest(r, lambda m: m["counts"]["articles"].update(train=6)),
                      [("manifest.json", "release.sha256"), (ARTICLES, "release.count")]),
    "release.manifest": (lambda r: _edit_manifest(r, lambda m: m["schemas"].update(articles="urn:x")),
                         [("manifest.json", "release.sha256"), ("manifest.json", "release.manifest")]),
    "release.record": (_bad_record, [(ARTICLES, "release.sha256"), (ARTICLES, "release.record")]),
    "release.network": (lambda r: (r / GEXF).write_text((r / GEXF).read_text().replace('"favor"', '"against"')),
                        [(GEXF, "release.sha256"), (GEXF, "release.network")]),
}


@pytest.fixture
def copy(release: Path, tmp_path: Path) -> Path:
    target = tmp_path / "korea-deterrence"
    shutil.copytree(release, target)
    return target


def test_a_fresh_release_is_valid(release: Path, capsys) -> None:
    assert validate_release(release) == []
    assert main(["validate", str(release)]) == 0
    assert "valid" in capsys.readouterr().out


@pytest.mark.parametrize("rule", sorted(CASES))
def test_each_tampering_is_reported(rule: str, copy: Path) -> None:
    tamper, expected = CASES[rule]
    tamper(copy)
    assert [(v.file, v.rule) for v in validate_release(copy)] == expected


def test_cli_renders_violations_and_json(copy: Path, capsys) -> None:
    _swap_card_labels(copy)
    assert main(["validate", str(copy), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [(v["file"], v["rule"]) for v in report["violations"]] == CASES["release.features"][1]
    assert main(["validate", str(copy)]) == 1
    assert "README.md:0: [release.features] /dataset_info/articles:" in capsys.readouterr().err


def _span_configs(start: int, end: int, article_id: str = "a") -> list[Config]:
    articles = Config("articles", ARTICLES, [{"article_id": "a", "text": "Seoul said"}])
    mentions = Config("mentions", "data/mentions/x.parquet",
                      [{"mention_id": "m1", "article_id": article_id, "start": start, "end": end, "text": "Seoul",
                        "actor_id": "rok"}])
    return [articles, mentions, Config("actors", "data/actors/x.parquet", [{"actor_id": "rok"}])]


def test_span_offsets_are_checked_on_every_table_with_span_columns() -> None:
    assert offset_violations(_span_configs(0, 5)) == []
    found = offset_violations(_span_configs(1, 6))
    assert [(v.file, v.line, v.pointer, v.rule) for v in found] == [
        ("data/mentions/x.parquet", 1, "/text", "release.offsets")]


def test_foreign_keys_come_from_a_declarative_table() -> None:
    keys = (ForeignKey("article_id", "articles", "article_id"), ForeignKey("actor_id", "actors", "actor_id"))
    assert foreign_key_violations(_span_configs(0, 5), keys) == []
    configs = _span_configs(0, 5, article_id="zz")
    configs[2] = Config("actors", "data/actors/x.parquet", [{"actor_id": "usa"}])
    found = foreign_key_violations(configs, keys)
    assert [(v.file, v.line, v.pointer, v.rule) for v in found] == [
        ("data/mentions/x.parquet", 1, "/article_id", "release.foreign-key"),
        ("data/mentions/x.parquet", 1, "/actor_id", "release.foreign-key")]


def test_every_release_rule_has_its_invalid_fixture() -> None:
    covered = set(CASES) | {"release.offsets", "release.foreign-key"}
    assert covered == {r for r in RULES if r.startswith("release.")}


def test_a_release_as_the_hub_delivers_it_is_valid(copy: Path, capsys) -> None:
    """huggingface_hub.snapshot_download(local_dir=...) adds .gitattributes and .cache/ beside the files."""
    (copy / ".gitattributes").write_text("*.parquet filter=lfs diff=lfs merge=lfs -text\n")
    (copy / ".cache" / "huggingface" / "download").mkdir(parents=True)
    (copy / ".cache" / "huggingface" / "download" / "README.md.metadata").write_text("0123\n")
    (copy / ".git").mkdir()
    (copy / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    assert main(["validate", str(copy)]) == 0
    (copy / "extra.txt").write_text("not from the release\n")
    assert main(["validate", str(copy)]) == 1
    assert "extra.txt is not listed in SHA256SUMS" in capsys.readouterr().err


def test_validate_and_diff_read_record_batches_not_whole_tables(release: Path, monkeypatch) -> None:
    """Memory must not grow with the corpus: neither command may load a whole table (peak memory on the
    1M-article release is measured by benchmarks/check_memory.py)."""
    import pyarrow.parquet as pq

    from korea_deterrence.loaders.diff import diff_releases

    def whole_table(*args, **kwargs):
        raise AssertionError("a whole table was read")

    monkeypatch.setattr(pq, "read_table", whole_table)
    monkeypatch.setattr(pq.ParquetFile, "read", whole_table)
    assert validate_release(release) == []
    assert not diff_releases(release, release).unversioned
