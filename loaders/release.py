"""What a release is made of besides its rows: configs, manifest.json, card, Croissant, citation files,
datasheet and SHA256SUMS; and moving a finished release into place (loaders/pipeline.py builds it)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from korea_deterrence.corpus import NORMALIZER_VERSION, Sources, file_sha256, files_sha256
from korea_deterrence.corpus.records import FACT_FIELDS
from korea_deterrence.loaders.card import data_checksum, render_card
from korea_deterrence.loaders.citation import citation_cff, zenodo_json
from korea_deterrence.loaders.croissant import croissant
from korea_deterrence.loaders.storage import readable, remove_tree, replace
from korea_deterrence.loaders.version import VERSION
from korea_deterrence.schema import Violation, schema_id

SPLIT = "train"
LISTED_ARTICLES = 100  # up to this many articles, the card lists each one's provenance


@dataclass(frozen=True)
class ConfigTable:
    """One config of the release: its name, schema and row count."""

    name: str
    schema: str
    rows: int
    nbytes: int = 0  # uncompressed size of the Parquet data, reported as HF's `num_bytes`
    shards: tuple[str, ...] = ()  # file names under data/<name>/
    known_sha256: dict[str, str] = field(default_factory=dict)  # of shards linked from the previous release, by name

    @property
    def data_files(self) -> list[str]:
        """Paths of the shards, relative to the release root."""
        return [f"data/{self.name}/{shard}" for shard in self.shards]

    @property
    def data_pattern(self) -> str:
        """The glob the card's `configs` use for this config's split."""
        return f"data/{self.name}/{SPLIT}-*.parquet"


@dataclass
class BuildResult:
    out: Path
    tables: list[ConfigTable] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    reused: int = 0  # articles shards linked from the previous release
    resumed: int = 0  # articles shards finished by an earlier, interrupted build (or by the nodes)
    unresolved: list[Violation] = field(default_factory=list)  # disagreements left out of gold


def full_manifest(sources: Sources, tables: list[ConfigTable], root: Path, annotation: dict[str, Any],
                  network: list[dict[str, Any]]) -> dict[str, Any]:
    """manifest.json of a release built from `sources`, with the annotations' inputs and figures and the
    network files."""
    manifest = release_manifest(sources, tables, root)
    manifest["inputs"] += annotation.pop("inputs")
    manifest["annotation"] = annotation
    manifest["network_files"] = network
    return manifest


def write_metadata(root: Path, manifest: dict[str, Any], tables: list[ConfigTable]) -> None:
    """Everything beside the data: manifest.json, the card, croissant.json, citation files, datasheet, SHA256SUMS."""
    _write_text(root / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    _write_text(root / "README.md", render_card(manifest, tables))
    _write_text(root / "croissant.json", json.dumps(croissant(manifest, tables), indent=2, ensure_ascii=False) + "\n")
    _write_text(root / "CITATION.cff", citation_cff(manifest["version"], checksum=data_checksum(manifest)))
    _write_text(root / ".zenodo.json", zenodo_json(manifest["version"]))
    _write_text(root / "DATASHEET.md", datasheet())
    _write_text(root / "SHA256SUMS", sha256sums(root, manifest["data_sha256"]))


def release_manifest(sources: Sources, tables: list[ConfigTable], root: Path) -> dict[str, Any]:
    """What the release is made of: version, schema ids, inputs' checksums, counts, data checksums."""
    inputs = [{"path": "corpus/sources.jsonl", "sha256": sources.manifest_sha256,
               "note": f"pins the sha256 and size of each of its {sources.count} raw files; each file was verified "
                       "against them by this build, or by the earlier build whose shard this one copied unchanged "
                       "(the same manifest lines, normalizer, schema and Parquet writer)"}]
    return {
        "dataset": "korea-deterrence",
        "version": VERSION,
        "tool_version": VERSION,
        "normalizer_version": NORMALIZER_VERSION,
        "schemas": {t.name: schema_id(t.schema) for t in tables},
        "counts": {t.name: {SPLIT: t.rows} for t in tables},
        "provenance_known": provenance_known([root / f for f in tables[0].data_files]),
        "provenance": provenance_listing([root / f for f in tables[0].data_files]),
        "data_sha256": sha256s(root, tables),
        "inputs": inputs,
    }


def provenance_known(shards: list[Path]) -> dict[str, int]:
    """How many articles have each provenance fact known (a value, not null), read batch by batch."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    known = dict.fromkeys(FACT_FIELDS, 0)
    for shard in shards:
        for batch in pq.ParquetFile(readable(shard)).iter_batches(columns=["provenance"]):
            for fact in FACT_FIELDS:
                values = pc.struct_field(batch.column("provenance"), [fact, "value"])
                known[fact] += len(values) - values.null_count
    return known


def provenance_listing(shards: list[Path], limit: int = LISTED_ARTICLES) -> list[dict[str, Any]] | None:
    """Each article's provenance values (id, outlet, url, published, byline, rights) for the card, or None
    for a corpus of more than `limit` articles (the card then gives counts only)."""
    import pyarrow.parquet as pq

    listed: list[dict[str, Any]] = []
    for shard in shards:
        for batch in pq.ParquetFile(readable(shard)).iter_batches(columns=["article_id", "provenance"]):
            for article_id, facts in zip(batch.column("article_id").to_pylist(), batch.column("provenance").to_pylist()):
                listed.append({"article_id": article_id, **{f: facts[f]["value"] for f in FACT_FIELDS}})
                if len(listed) > limit:
                    return None
    return listed


def sha256s(root: Path, tables: list[ConfigTable]) -> dict[str, str]:
    """sha256 of each data file: known for the shards linked from the previous release (checked there,
    before they were linked), hashed in threads for the rest."""
    known = {f"data/{t.name}/{shard}": digest for t in tables for shard, digest in t.known_sha256.items()}
    files = [f for t in tables for f in t.data_files]
    todo = [f for f in files if f not in known]
    known.update(zip(todo, files_sha256([root / f for f in todo])))
    return {f: known[f] for f in files}


def datasheet() -> str:
    """The datasheet shipped in the package (`loaders/DATASHEET.md`, a copy of the top-level one)."""
    return resources.files(__package__).joinpath("DATASHEET.md").read_text("utf-8")


def sha256sums(root: Path, known: dict[str, str]) -> str:
    """`sha256  path` for every file under root (sorted, POSIX paths), except SHA256SUMS itself;
    the data files' digests come from `known` (hashed once, for manifest.json) instead of a second read."""
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.name != "SHA256SUMS")  # sorted part by part, as paths
    names = [p.relative_to(root).as_posix() for p in files]
    return "".join(f"{known.get(name) or file_sha256(root / name)}  {name}\n" for name in names)


def _write_text(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8"))


def move_into_place(tmp: Path, out: Path) -> None:
    old = out.with_name(out.name + ".old")
    remove_tree(old)
    if out.exists():
        replace(out, old)
    replace(tmp, out)
    remove_tree(old)
