"""`kdc validate PATH`: checks a built release directory; returns violations, never prints or exits."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Iterator

import pyarrow.parquet as pq
import yaml
from datasets import Features

from korea_deterrence.corpus import file_sha256
from korea_deterrence.loaders.release_rows import decode_labels
from korea_deterrence.loaders.text_free import text_free_name
from korea_deterrence.schema import RecordValidator, Violation, schema_id

SUMS, MANIFEST, CARD = "SHA256SUMS", "manifest.json", "README.md"
BATCH_ROWS = 256
SPAN_COLUMNS = frozenset({"article_id", "start", "end"})


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
    """One config as read from the release: its data file and decoded rows (any re-iterable: a list,
    or `ShardRows`, which reads the shards again batch by batch on each pass)."""

    name: str
    data_file: str
    rows: Iterable[dict[str, Any]]


@dataclass(frozen=True)
class ShardRows:
    """The rows of a config's shards with labels decoded, read one record batch at a time: memory does not
    grow with the corpus."""

    shards: tuple[Path, ...]
    features: dict[str, Any]  # as Features.to_dict() gives them

    def column(self, name: str) -> Iterator[Any]:
        """One column's stored values (labels not decoded), reading that column only."""
        for shard in self.shards:
            for batch in pq.ParquetFile(shard).iter_batches(batch_size=BATCH_ROWS * 64, columns=[name]):
                yield from batch.column(0).to_pylist()

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for shard in self.shards:
            for batch in pq.ParquetFile(shard).iter_batches(batch_size=BATCH_ROWS):
                yield from (decode_labels(row, self.features) for row in batch.to_pylist())


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
        files = [pq.ParquetFile(root / shard) for shard in shards]
        features = Features.from_dict(json.loads(files[0].schema_arrow.metadata[b"huggingface"])["info"]["features"])
        rows = sum(f.metadata.num_rows for f in files)
    except Exception as err:  # noqa: BLE001 - any reader failure is a violation of this file
        found.append(Violation(data_file, 0, "", "release.unreadable", f"cannot read Parquet: {err}"))
        return None
    if rows != expected:
        found.append(Violation(data_file, 0, "", "release.count", f"manifest says {expected} rows, file has {rows}"))
    if card.get(name) != features:
        found.append(Violation(CARD, 0, f"/dataset_info/{name}", "release.features",
                               f"card features differ from {data_file}: {_first_difference(card.get(name), features)}"))
    config = Config(name, data_file, ShardRows(tuple(root / shard for shard in shards), features.to_dict()))
    try:
        found += _record_violations(config, manifest)
    except Exception as err:  # noqa: BLE001 - a shard that cannot be read or decoded mid-way
        found.append(Violation(data_file, 0, "", "release.unreadable", f"cannot read Parquet: {err}"))
        return None
    return config


def _first_difference(card: Features | None, parquet: Features) -> str:
    if card is None:
        return "the card has no dataset_info for this config"
    names = list(dict.fromkeys([*card, *parquet]))
    column = next(n for n in names if card.get(n) != parquet.get(n))
    return f"column {column!r}: card {card.get(column)!r}, Parquet {parquet.get(column)!r}"


def _record_violations(config: Config, manifest: dict[str, Any]) -> list[Violation]:
    """Each row's violations of the schema named in the manifest."""
    schema = schema_names().get(manifest["schemas"].get(config.name, ""))
    if schema is None:
        return [Violation(MANIFEST, 0, f"/schemas/{config.name}", "release.manifest",
                          f"no shipped schema has id {manifest['schemas'].get(config.name)!r}")]
    validator, found = RecordValidator(schema, "release.record"), []
    for number, row in enumerate(config.rows, start=1):
        found += [replace(v, rule="release.record") for v in validator.violations(row, config.data_file, number)]
    return found


def schema_names() -> dict[str, str]:
    """Shipped schema `$id` -> schema name."""
    files = resources.files("korea_deterrence.schema").iterdir()
    names = sorted(p.name.removesuffix(".schema.json") for p in files if p.name.endswith(".schema.json"))
    return {schema_id(n): n for name in names for n in (name, text_free_name(name))}


def offset_violations(configs: list[Config]) -> list[Violation]:
    """For every config with article_id, start and end: articles.text[start:end] == text, or in the
    text-free variant, 0 <= start <= end <= the article's text_length. The spans are gathered first, then
    the articles read once, so only the texts of annotated articles are held."""
    spans: dict[str, list[tuple[Config, int, dict[str, Any]]]] = {}
    for config in configs:
        if config.name == "articles":
            continue
        for number, row in enumerate(config.rows, start=1):
            if not SPAN_COLUMNS <= row.keys():
                break
            if row["start"] is not None or row["end"] is not None:  # (a per-annotator document stance has no span)
                spans.setdefault(row["article_id"], []).append((config, number, row))
    found = []
    for article in (r for c in configs if c.name == "articles" and spans for r in c.rows):
        for config, number, row in spans.get(article["article_id"], ()):
            problem = _span_problem(row, article)
            if problem:
                pointer = "/text" if "text" in article else "/end"
                found.append(Violation(config.data_file, number, pointer, "release.offsets",
                                       f"{row['article_id']} {problem}"))
    order = {c.data_file: i for i, c in enumerate(configs)}
    return sorted(found, key=lambda v: (order[v.file], v.line))


def _column(rows: Iterable[dict[str, Any]], name: str) -> Iterable[Any]:
    return rows.column(name) if isinstance(rows, ShardRows) else (row.get(name) for row in rows)


def _span_problem(row: dict[str, Any], article: dict[str, Any]) -> str | None:
    start, end = row["start"], row["end"]
    if "text" in article:
        cut = article["text"][start:end]
        return None if cut == row.get("text") else f"text[{start}:{end}] is {cut!r}, not {row.get('text')!r}"
    length = article["text_length"]
    return None if 0 <= start <= end <= length else f"span [{start}:{end}] lies outside the article's {length} code points"


def foreign_key_violations(configs: list[Config], keys: tuple[ForeignKey, ...]) -> list[Violation]:
    """Every non-null id in a foreign-key column exists in the referenced config."""
    by_name = {c.name: c for c in configs}
    found = []
    for fk in keys:
        if fk.config not in by_name:
            continue  # the referenced config is absent or unreadable: reported as such, not row by row
        known = set(_column(by_name[fk.config].rows, fk.key))  # (ids only: a million are some 70 MB)
        for config in configs:
            if config.name == fk.config:
                continue
            for number, row in enumerate(config.rows, start=1):
                if fk.column not in row:
                    break
                if row[fk.column] is not None and row[fk.column] not in known:
                    found.append(Violation(config.data_file, number, f"/{fk.column}", "release.foreign-key",
                                           f"{row[fk.column]!r} is not a {fk.key} of config {fk.config!r}"))
    return found
