"""`kdc diff OLD NEW`: rows added, removed and changed per config between two releases."""

from __future__ import annotations

import hashlib
import json
from array import array
from dataclasses import asdict, dataclass, field
from pathlib import Path
from functools import partial
from typing import Any, Callable, Iterable, Iterator

import numpy as np
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


BATCH_ROWS = 256
Rows = Callable[[], Iterable[dict[str, Any]]]
UNVERSIONED = ("rows changed but both releases say version {version}: give the new one its own version "
               "(loaders/version.py; PATCH, MINOR or MAJOR as CHANGELOG.md defines them) before publishing it")


def diff_releases(old: Path, new: Path) -> ReleaseDiff:
    """Compare the configs of two release directories row by row, reading record batches: memory grows
    with the number of rows of one config (a fingerprint each) and of changed rows, not with their size."""
    names = sorted(set(_configs(old)) | set(_configs(new)))
    configs = [diff_rows(n, partial(_rows, old, n), partial(_rows, new, n)) for n in names]
    return ReleaseDiff(_version(old), _version(new), configs)


def key_columns(config: str, columns: list[str]) -> list[str]:
    """`article_id` for articles, `<singular>_id` when present, else every `*_id` column, else every column."""
    singular = config[:-1] if config.endswith("s") else config
    if f"{singular}_id" in columns:
        return [f"{singular}_id"]
    return [c for c in columns if c.endswith("_id")] or columns


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


def _keyed(rows: Iterable[dict[str, Any]], key: list[str]) -> dict[str, list[dict[str, Any]]]:
    keyed: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        keyed.setdefault(_key(row, key), []).append(row)
    return keyed


def _key(row: dict[str, Any], key: list[str]) -> str:
    return "/".join(str(row[k]) for k in key)


def _configs(root: Path) -> list[str]:
    return sorted({f.parent.name for f in (root / "data").glob("*/train-*.parquet")})


def _rows(root: Path, config: str) -> Iterator[dict[str, Any]]:
    for shard in sorted((root / "data" / config).glob("train-*.parquet")):
        for batch in pq.ParquetFile(shard).iter_batches(batch_size=BATCH_ROWS):
            yield from batch.to_pylist()


def _fingerprint(row: dict[str, Any]) -> int:
    text = json.dumps(row, sort_keys=True, ensure_ascii=False, default=str)
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


def diff_rows(config: str, old: Rows, new: Rows) -> ConfigDiff:
    """Added, removed and changed rows (with the names of the changed fields) of one config. Each side is
    reduced to sorted arrays of 64-bit key hashes and row fingerprints (16 bytes a row: memory stays small at
    a million rows), compared; only the rows that differ are read again, for their keys and fields. `old`
    and `new` give a fresh iterator of rows on each call."""
    first = next(iter(new()), None) or next(iter(old()), None)
    if not first:
        return ConfigDiff(config, [])
    key = key_columns(config, list(first))
    (old_keys, old_prints), (new_keys, new_prints) = _digests(old(), key), _digests(new(), key)
    shared = np.isin(new_keys, old_keys)
    at = np.searchsorted(old_keys, new_keys[shared])
    changed = set(new_keys[shared][old_prints[at] != new_prints[shared]].tolist())
    gone = set(old_keys[~np.isin(old_keys, new_keys)].tolist())
    came = set(new_keys[~shared].tolist())
    was = _keyed((r for r in old() if _hash(_key(r, key)) in changed | gone), key)
    now = _keyed((r for r in new() if _hash(_key(r, key)) in changed | came), key)
    removed = sorted(k for k in was if _hash(k) in gone)
    added = sorted(k for k in now if _hash(k) in came)
    return ConfigDiff(config, key, added, removed, _changed_fields(was, now))


def _digests(rows: Iterable[dict[str, Any]], key: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Sorted unique key hashes and, per key, the sum (mod 2**64) of its rows' fingerprints: several rows under
    one key compare as a multiset."""
    keys, prints = array("Q"), array("Q")
    for row in rows:
        keys.append(_hash(_key(row, key)))
        prints.append(_fingerprint(row))
    hashes, sums = np.frombuffer(keys, dtype=np.uint64), np.frombuffer(prints, dtype=np.uint64)
    order = np.argsort(hashes, kind="stable")
    hashes, sums = hashes[order], sums[order]
    unique, first = np.unique(hashes, return_index=True)
    return unique, (np.add.reduceat(sums, first) if len(sums) else sums)


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


def _changed_fields(before: dict[str, list[dict[str, Any]]], after: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The fields that differ between the rows under each key (in order; a key may hold several rows)."""
    changes = []
    for k in sorted(set(before) & set(after)):
        fields = {f for old, new in zip(before[k], after[k]) for f in set(old) | set(new) if old.get(f) != new.get(f)}
        fields |= {"(number of rows)"} if len(before[k]) != len(after[k]) else set()
        if fields:
            changes.append({"id": k, "fields": sorted(fields)})
    return changes


def _version(root: Path) -> str:
    return json.loads((root / "manifest.json").read_text("utf-8"))["version"]
