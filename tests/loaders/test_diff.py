"""`kdc diff OLD NEW`: articles and annotation rows added, removed and changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from korea_deterrence.loaders.cli import main
from korea_deterrence.loaders.diff import diff_rows, key_columns

ARTICLES = "data/articles/train-00000-of-00001.parquet"


def _changed_copy(release: Path, tmp_path: Path) -> Path:
    new = tmp_path / "new"
    shutil.copytree(release, new)
    table = pq.read_table(new / ARTICLES)
    rows = table.to_pylist()
    rows[1]["title"] = "A changed title"
    added = dict(rows[2], article_id="kd-000099")
    rows = [rows[0], rows[1], *rows[3:], added]  # kd-000002 removed
    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), new / ARTICLES)
    return new


def test_diff_of_identical_releases_is_empty(release: Path, capsys) -> None:
    assert main(["diff", str(release), str(release)]) == 0
    assert "articles: 0 added, 0 removed, 0 changed" in capsys.readouterr().out


def test_diff_lists_added_removed_and_changed_articles(release: Path, tmp_path: Path, capsys) -> None:
    new = _changed_copy(release, tmp_path)
    assert main(["diff", str(release), str(new)]) == 0
    out = capsys.readouterr().out.splitlines()
    start = out.index("articles: 1 added, 1 removed, 1 changed")
    assert out[start + 1:start + 4] == ["  + kd-000099", "  - kd-000002", "  ~ kd-000001 (title)"]
    assert main(["diff", str(release), str(new), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    articles = next(c for c in report["configs"] if c["config"] == "articles")
    assert articles == {"config": "articles", "key": ["article_id"], "added": ["kd-000099"],
                        "removed": ["kd-000002"], "changed": [{"id": "kd-000001", "fields": ["title"]}]}


def test_annotation_configs_are_keyed_on_their_own_id_column() -> None:
    assert key_columns("mentions", ["mention_id", "article_id", "actor_id"]) == ["mention_id"]
    assert key_columns("claims", ["claim_id", "article_id"]) == ["claim_id"]
    assert key_columns("stance", ["article_id", "target_id", "label"]) == ["article_id", "target_id"]
    old = [{"mention_id": "m1", "text": "Seoul"}, {"mention_id": "m2", "text": "Korea"}]
    new = [{"mention_id": "m1", "text": "Seoul "}, {"mention_id": "m3", "text": "US"}]
    diff = diff_rows("mentions", lambda: old, lambda: new)
    assert (diff.added, diff.removed, diff.changed) == (["m3"], ["m2"], [{"id": "m1", "fields": ["text"]}])


def test_changed_rows_under_an_unchanged_version_are_flagged(release: Path, tmp_path: Path, capsys) -> None:
    new = _changed_copy(release, tmp_path)
    assert main(["diff", str(release), str(new)]) == 0
    out = capsys.readouterr().out
    assert "warning: rows changed but both releases say version 0.1.0" in out
    assert main(["diff", str(release), str(release)]) == 0
    assert "warning" not in capsys.readouterr().out


def test_publish_refuses_changed_rows_under_the_previous_version(release: Path, text_free_release: Path,
                                                                 tmp_path: Path, capsys) -> None:
    new = _changed_copy(release, tmp_path)
    assert main(["publish", str(text_free_release), "--repo-id", "org/x", "--revision", "v0.1.0", "--dry-run",
                 "--previous", str(text_free_release)]) == 0
    capsys.readouterr()
    assert main(["publish", str(new), "--repo-id", "org/x", "--revision", "v0.1.0", "--dry-run",
                 "--previous", str(release)]) == 1
    assert "rows changed but both releases say version 0.1.0" in capsys.readouterr().err


def test_a_change_to_any_row_under_a_shared_key_is_found() -> None:
    old = [{"article_id": "a", "target": 0, "label": 1}, {"article_id": "a", "target": 1, "label": 2}]
    new = [{"article_id": "a", "target": 0, "label": 3}, {"article_id": "a", "target": 1, "label": 2}]
    diff = diff_rows("stance", lambda: old, lambda: new)
    assert diff.key == ["article_id"] and diff.changed == [{"id": "a", "fields": ["label"]}]
    assert diff_rows("stance", lambda: old, lambda: old).changed == []
