"""`kdc diff OLD NEW`: rows added, removed and changed per config between two releases."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq


@dataclass(frozen=True)
class ConfigDiff:
    """The difference of one config, keyed on `key` (one id column, or several for a composite key)."""

    config: str
    key: list[str]
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)  # {"id": ..., "fields": [...]}


@dataclass(frozen=True)
class ReleaseDiff:
    old_version: str
    new_version: str
    configs: list[ConfigDiff]

    @property
    def unversioned(self) -> bool:
        """Rows changed, yet both releases carry the same version: two different datasets under one name."""
        return self.old_version == self.new_version and any(c.added or c.removed or c.changed for c in self.configs)


UNVERSIONED = ("rows changed but both releases say version {version}: give the new one its own version "
               "(loaders/version.py; PATCH, MINOR or MAJOR as CHANGELOG.md defines them) before publishing it")


def diff_releases(old: Path, new: Path) -> ReleaseDiff:
    """Compare the configs of two release directories row by row."""
    old_tables, new_tables = _tables(old), _tables(new)
    names = sorted(set(old_tables) | set(new_tables))
    configs = [diff_rows(n, old_tables.get(n, []), new_tables.get(n, [])) for n in names]
    return ReleaseDiff(_version(old), _version(new), configs)


def key_columns(config: str, columns: list[str]) -> list[str]:
    """`article_id` for articles, `<singular>_id` when present, else every `*_id` column, else every column."""
    singular = config[:-1] if config.endswith("s") else config
    if f"{singular}_id" in columns:
        return [f"{singular}_id"]
    return [c for c in columns if c.endswith("_id")] or columns


def diff_rows(config: str, old: list[dict[str, Any]], new: list[dict[str, Any]]) -> ConfigDiff:
    """Added, removed and changed rows (with the names of the changed fields)."""
    columns = list((new or old or [{}])[0])
    if not columns:
        return ConfigDiff(config, [])
    key = key_columns(config, columns)
    before, after = _keyed(old, key), _keyed(new, key)
    changed = [{"id": k, "fields": sorted(f for f in set(before[k]) | set(after[k]) if before[k].get(f) != after[k].get(f))}
               for k in sorted(set(before) & set(after)) if before[k] != after[k]]
    return ConfigDiff(config, key, sorted(set(after) - set(before)), sorted(set(before) - set(after)), changed)


def render_text(diff: ReleaseDiff) -> str:
    """The human-readable diff: one summary line per config, then `+`, `-` and `~` lines."""
    lines = [f"korea-deterrence {diff.old_version} -> {diff.new_version}"]
    lines += [f"warning: {UNVERSIONED.format(version=diff.new_version)}"] if diff.unversioned else []
    for c in diff.configs:
        lines.append(f"{c.config}: {len(c.added)} added, {len(c.removed)} removed, {len(c.changed)} changed")
        lines += [f"  + {i}" for i in c.added] + [f"  - {i}" for i in c.removed]
        lines += [f"  ~ {ch['id']} ({', '.join(ch['fields'])})" for ch in c.changed]
    return "\n".join(lines)


def render_json(diff: ReleaseDiff) -> str:
    """The diff as JSON."""
    return json.dumps(asdict(diff), indent=2, ensure_ascii=False)


def _keyed(rows: list[dict[str, Any]], key: list[str]) -> dict[str, dict[str, Any]]:
    return {"/".join(str(row[k]) for k in key): row for row in rows}


def _tables(root: Path) -> dict[str, list[dict[str, Any]]]:
    configs = sorted({f.parent.name for f in (root / "data").glob("*/train-*.parquet")})
    return {name: pq.read_table(root / "data" / name).to_pylist() for name in configs}  # every shard


def _version(root: Path) -> str:
    return json.loads((root / "manifest.json").read_text("utf-8"))["version"]
