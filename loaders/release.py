"""`kdc build`: the release directory, written to `<out>.incomplete/` and moved into place at the end."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterator

from korea_deterrence.corpus import NORMALIZER_VERSION, Article, Sources, as_record, iter_articles
from korea_deterrence.annotations.stage import packaged_annotations
from korea_deterrence.loaders.annotated import annotation_inputs, write_annotation_configs
from korea_deterrence.loaders.card import render_card
from korea_deterrence.loaders.citation import citation_cff
from korea_deterrence.loaders.croissant import croissant
from korea_deterrence.loaders.parquet import write_parquet
from korea_deterrence.loaders.version import VERSION
from korea_deterrence.schema import Violation, features_from_schema, load_schema, schema_id

SPLIT = "train"
Progress = Callable[[int], None]


@dataclass(frozen=True)
class ConfigTable:
    """One config of the release: its name, schema and row count."""

    name: str
    schema: str
    rows: int
    nbytes: int = 0  # size of the rows in Arrow memory, as HF's `num_bytes`

    @property
    def data_file(self) -> str:
        return f"data/{self.name}/{SPLIT}-00000-of-00001.parquet"


@dataclass
class BuildResult:
    out: Path
    tables: list[ConfigTable] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)


def build(sources: Sources, out: Path, progress: Progress | None = None,
          annotations: Path | None = None) -> BuildResult:
    """Build the release from `sources` (and the annotations directory) into `out`.

    On any violation nothing is left behind.
    """
    result = BuildResult(out, violations=list(sources.violations))
    tmp = out.with_name(out.name + ".incomplete")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        articles = _articles(sources, result.violations, progress)
        result.tables.append(_write_config(tmp, "articles", "article", (as_record(a) for a in articles)))
        if result.violations:
            return result
        root = annotations or packaged_annotations()
        outcome = write_annotation_configs(root, "annotations", tmp / result.tables[0].data_file,
                                           lambda *config: result.tables.append(_write_config(tmp, *config)))
        result.violations += outcome.violations
        if result.violations:
            return result
        _write_metadata(tmp, sources, result.tables, annotation_inputs(root, outcome.annotations))
        _move_into_place(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return result


def _articles(sources: Sources, violations: list[Violation], progress: Progress | None) -> Iterator[Article]:
    for count, item in enumerate(iter_articles(sources), start=1):
        if isinstance(item, Violation):
            violations.append(item)
        else:
            yield item
        if progress:
            progress(count)


def _write_config(root: Path, name: str, schema: str, rows: Iterator[dict[str, Any]]) -> ConfigTable:
    table = ConfigTable(name, schema, 0)
    count, nbytes = write_parquet(rows, features_from_schema(load_schema(schema)), root / table.data_file)
    return ConfigTable(name, schema, count, nbytes)


def _write_metadata(root: Path, sources: Sources, tables: list[ConfigTable], annotation: dict[str, Any]) -> None:
    manifest = release_manifest(sources, tables, root)
    manifest["inputs"] += annotation.pop("inputs")
    manifest["annotation"] = annotation
    _write_text(root / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    _write_text(root / "README.md", render_card(manifest, tables))
    _write_text(root / "croissant.json", json.dumps(croissant(manifest, tables), indent=2, ensure_ascii=False) + "\n")
    _write_text(root / "CITATION.cff", citation_cff(manifest["version"]))
    _write_text(root / "DATASHEET.md", datasheet())
    _write_text(root / "SHA256SUMS", sha256sums(root))


def release_manifest(sources: Sources, tables: list[ConfigTable], root: Path) -> dict[str, Any]:
    """What the release is made of: version, schema ids, inputs' checksums, counts, data checksums."""
    inputs = [{"path": "corpus/sources.jsonl", "sha256": file_sha256(sources.root / "sources.jsonl")}]
    inputs += [{"path": f"corpus/raw/{e.raw_file}", "sha256": e.sha256, "size": e.size} for e in sources.entries]
    return {
        "dataset": "korea-deterrence",
        "version": VERSION,
        "tool_version": VERSION,
        "normalizer_version": NORMALIZER_VERSION,
        "schemas": {t.name: schema_id(t.schema) for t in tables},
        "counts": {t.name: {SPLIT: t.rows} for t in tables},
        "data_sha256": {t.data_file: file_sha256(root / t.data_file) for t in tables if t.rows},
        "inputs": inputs,
    }


def datasheet() -> str:
    """The datasheet shipped in the package (`loaders/DATASHEET.md`, a copy of the top-level one)."""
    return resources.files(__package__).joinpath("DATASHEET.md").read_text("utf-8")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sha256sums(root: Path) -> str:
    """`sha256  path` for every file under root (sorted, POSIX paths), except SHA256SUMS itself."""
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.name != "SHA256SUMS")
    return "".join(f"{file_sha256(p)}  {p.relative_to(root).as_posix()}\n" for p in files)


def _write_text(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8"))


def _move_into_place(tmp: Path, out: Path) -> None:
    old = out.with_name(out.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        os.replace(out, old)
    os.replace(tmp, out)
    shutil.rmtree(old, ignore_errors=True)
