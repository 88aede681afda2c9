"""`kdc validate PATH`: checks a built release directory; returns violations, never prints or exits."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import yaml
from datasets import Features

from korea_deterrence.corpus import file_sha256
from korea_deterrence.loaders.release_rows import decode_labels
from korea_deterrence.schema import RecordValidator, Violation, schema_id

SUMS, MANIFEST, CARD = "SHA256SUMS", "manifest.json", "README.md"
SPAN_COLUMNS = frozenset({"article_id", "start", "end", "text"})


@dataclass(frozen=True, slots=True)
class ForeignKey:
    """Values of `column` in any config must exist in `config`'s `key` column."""

    column: str
    config: str
    key: str


FOREIGN_KEYS: tuple[ForeignKey, ...] = (
    ForeignKey("article_id", "articles", "article_id"),
    ForeignKey("actor_id", "actors", "actor_id"),
)


@dataclass(frozen=True)
class Config:
    """One config as read from the release: its data file and decoded rows."""

    name: str
    data_file: str
    rows: list[dict[str, Any]]


HUB_FILES = (".git", ".gitattributes", ".cache", ".huggingface")  # what a hub download adds to a release


def _hub_file(path: Path, root: Path) -> bool:
    """A file the hub or git added beside the release (huggingface_hub.snapshot_download lays them out)."""
    return path.relative_to(root).parts[0] in HUB_FILES


def validate_release(root: Path, foreign_keys: tuple[ForeignKey, ...] = FOREIGN_KEYS) -> list[Violation]:
    """Every violation in the release directory `root`, checksums first."""
    found = checksum_violations(root)
    manifest, card = _read_json(root, MANIFEST, found), _read_card(root, found)
    if manifest is None or card is None:
        return found
    configs = [c for c in (_read_config(root, name, manifest, card, found) for name in manifest["counts"]) if c]
    found += offset_violations(configs)
    found += foreign_key_violations(configs, foreign_keys)
    from korea_deterrence.loaders.network_files import network_violations  # it reads rows through this module

    readable = len(configs) == sum(1 for c in manifest["counts"].values() if c.get("train"))
    return found + (network_violations(root) if readable else [])  # computed from the configs just read


def checksum_violations(root: Path) -> list[Violation]:
    """SHA256SUMS lists every file of the release exactly once, none extra, with matching hashes."""
    try:
        lines = (root / SUMS).read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        return [Violation(SUMS, 0, "", "release.unreadable", f"cannot read: {err}")]
    found, listed = [], {}
    for number, line in enumerate(lines, start=1):
        digest, sep, path = line.partition("  ")
        if not sep or len(digest) != 64 or not path:
            found.append(Violation(SUMS, number, "", "release.unreadable", f"not `sha256  path`: {line!r}"))
        else:
            listed[path] = (number, digest)
    present = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and not _hub_file(p, root)} - {SUMS}
    for path in sorted(present - set(listed)):
        found.append(Violation(path, 0, "", "release.unlisted", f"{path} is not listed in {SUMS}"))
    for path, (number, digest) in sorted(listed.items()):
        if path not in present:
            found.append(Violation(path, 0, "", "release.missing", f"{SUMS}:{number} lists {path}, which is absent"))
        elif (actual := file_sha256(root / path)) != digest:
            found.append(Violation(path, 0, "", "release.sha256", f"expected sha256 {digest}, got {actual}"))
    return found


def _read_json(root: Path, name: str, found: list[Violation]) -> dict[str, Any] | None:
    try:
        data = json.loads((root / name).read_text("utf-8"))
        if isinstance(data.get("counts"), dict) and isinstance(data.get("schemas"), dict):
            return data
        found.append(Violation(name, 0, "", "release.unreadable", "lacks the `counts` and `schemas` objects"))
    except (OSError, ValueError, AttributeError) as err:
        found.append(Violation(name, 0, "", "release.unreadable", f"cannot read: {err}"))
    return None


def _read_card(root: Path, found: list[Violation]) -> dict[str, Features] | None:
    """The card's `dataset_info` features per config."""
    try:
        header = yaml.safe_load((root / CARD).read_text("utf-8").split("---\n")[1])
        return {i["config_name"]: Features._from_yaml_list(i["features"]) for i in header["dataset_info"]}
    except (OSError, IndexError, KeyError, TypeError, ValueError, yaml.YAMLError) as err:
        found.append(Violation(CARD, 0, "", "release.unreadable", f"cannot read the card's dataset_info: {err!r}"))
        return None


def _read_config(root: Path, name: str, manifest: dict[str, Any], card: dict[str, Features],
                 found: list[Violation]) -> Config | None:
    """Count, features and records of one config; None when it cannot be read."""
    shards = sorted(p.relative_to(root).as_posix() for p in (root / "data" / name).glob("train-*.parquet"))
    data_file = shards[0] if len(shards) == 1 else f"data/{name}/train-*.parquet"
    expected = manifest["counts"][name].get("train", 0)
    if not shards:
        if expected:
            found.append(Violation(data_file, 0, "", "release.count", f"manifest says {expected} rows; file absent"))
        return None
    try:
        table = pa.concat_tables(pq.read_table(root / shard) for shard in shards)
        features = Features.from_dict(json.loads(table.schema.metadata[b"huggingface"])["info"]["features"])
    except Exception as err:  # noqa: BLE001 - any reader failure is a violation of this file
        found.append(Violation(data_file, 0, "", "release.unreadable", f"cannot read Parquet: {err}"))
        return None
    if table.num_rows != expected:
        found.append(Violation(data_file, 0, "", "release.count", f"manifest says {expected} rows, file has {table.num_rows}"))
    if card.get(name) != features:
        found.append(Violation(CARD, 0, f"/dataset_info/{name}", "release.features",
                               f"card features differ from {data_file}: {_first_difference(card.get(name), features)}"))
    rows, violations = _records(name, data_file, manifest, table.to_pylist(), features)
    found += violations
    return Config(name, data_file, rows)


def _first_difference(card: Features | None, parquet: Features) -> str:
    if card is None:
        return "the card has no dataset_info for this config"
    names = list(dict.fromkeys([*card, *parquet]))
    column = next(n for n in names if card.get(n) != parquet.get(n))
    return f"column {column!r}: card {card.get(column)!r}, Parquet {parquet.get(column)!r}"


def _records(name: str, data_file: str, manifest: dict[str, Any], rows: list[dict[str, Any]],
             features: Features) -> tuple[list[dict[str, Any]], list[Violation]]:
    """Rows with labels decoded, and each row's violations of the schema named in the manifest."""
    schema = _schema_names().get(manifest["schemas"].get(name, ""))
    if schema is None:
        return rows, [Violation(MANIFEST, 0, f"/schemas/{name}", "release.manifest",
                                f"no shipped schema has id {manifest['schemas'].get(name)!r}")]
    validator, decoded, found = RecordValidator(schema, "release.record"), [], []
    for number, row in enumerate(rows, start=1):
        try:
            decoded.append(decode_labels(row, features.to_dict()))
        except (ValueError, IndexError) as err:
            found.append(Violation(data_file, number, "", "release.record", f"cannot decode labels: {err}"))
            continue
        found += [replace(v, rule="release.record") for v in validator.violations(decoded[-1], data_file, number)]
    return decoded, found


def _schema_names() -> dict[str, str]:
    """Shipped schema `$id` -> schema name."""
    files = resources.files("korea_deterrence.schema").iterdir()
    names = sorted(p.name.removesuffix(".schema.json") for p in files if p.name.endswith(".schema.json"))
    return {schema_id(n): n for n in names}


def offset_violations(configs: list[Config]) -> list[Violation]:
    """For every config with article_id, start, end and text: articles.text[start:end] == text."""
    texts = {r["article_id"]: r["text"] for c in configs if c.name == "articles" for r in c.rows}
    found = []
    for config in configs:
        if config.name == "articles" or not config.rows or not SPAN_COLUMNS <= set(config.rows[0]):
            continue
        for number, row in enumerate(config.rows, start=1):
            text = texts.get(row["article_id"])
            if row["start"] is None and row["end"] is None and row["text"] is None:
                continue  # a row without a span (a per-annotator document stance)
            if text is not None and text[row["start"]:row["end"]] != row["text"]:
                found.append(Violation(config.data_file, number, "/text", "release.offsets",
                                       f"{row['article_id']} text[{row['start']}:{row['end']}] is "
                                       f"{text[row['start']:row['end']]!r}, not {row['text']!r}"))
    return found


def foreign_key_violations(configs: list[Config], keys: tuple[ForeignKey, ...]) -> list[Violation]:
    """Every non-null id in a foreign-key column exists in the referenced config."""
    by_name = {c.name: c for c in configs}
    found = []
    for fk in keys:
        if fk.config not in by_name:
            continue  # the referenced config is absent or unreadable: reported as such, not row by row
        known = {r.get(fk.key) for r in by_name[fk.config].rows}
        for config in configs:
            if config.name == fk.config or not config.rows or fk.column not in config.rows[0]:
                continue
            for number, row in enumerate(config.rows, start=1):
                if row[fk.column] is not None and row[fk.column] not in known:
                    found.append(Violation(config.data_file, number, f"/{fk.column}", "release.foreign-key",
                                           f"{row[fk.column]!r} is not a {fk.key} of config {fk.config!r}"))
    return found
