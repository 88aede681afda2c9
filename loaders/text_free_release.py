"""`kdc build --text-free`: the text-free variant, derived from the full release just built.

Configs whose records carry article text are rewritten without it (loaders/text_free.py); the others
are the full release's files. The sources manifest travels with it (`sources.jsonl`: sha256, size and
provenance of each raw file, no text), so that `kdc rehydrate` can find and verify one's own copies;
manifest.json keeps the full release's data sha256 so that the rehydrated release is checked against it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pyarrow.parquet as pq

from korea_deterrence.loaders.storage import readable, remove_tree

from korea_deterrence.loaders.annotated import annotated_texts
from korea_deterrence.loaders.card import FULL_KEY
from korea_deterrence.loaders.release import SPLIT, ConfigTable, sha256s, write_metadata
from korea_deterrence.loaders.text_free import VARIANT, has_text, strip, text_free_name
from korea_deterrence.loaders.parquet import write_stored
from korea_deterrence.schema import features_from_schema, load_schema, schema_id
from korea_deterrence.schema.load import bundled

SOURCES = "sources.jsonl"


def derive_text_free(root: Path, manifest: dict[str, Any], tables: list[ConfigTable], sources_manifest: Path) -> list[ConfigTable]:
    """Replace the full release in `root` by its text-free variant; the variant's tables."""
    done = {t.name: _derive(root, t) for t in sorted(tables, key=lambda t: t.name == "articles")}  # (texts read first)
    derived = [done[t.name] for t in tables]
    (root / SOURCES).write_bytes(sources_manifest.read_bytes())
    variant = {**manifest, "variant": VARIANT,
               "schemas": {t.name: schema_id(t.schema) for t in derived},
               "data_sha256": sha256s(root, derived), FULL_KEY: manifest["data_sha256"]}
    write_metadata(root, variant, derived)
    return derived


def _derive(root: Path, table: ConfigTable) -> ConfigTable:
    if not has_text(table.schema) or not table.rows:
        return table
    directory = root / "data" / table.name
    shards = [root / f for f in table.data_files]
    rows = _stripped(shards, bundled(table.schema), _texts(root, table, shards))
    staged = directory.with_name(table.name + ".text-free")
    written = write_stored(rows, features_from_schema(load_schema(text_free_name(table.schema))), staged, SPLIT)
    remove_tree(directory)
    staged.rename(directory)
    return ConfigTable(table.name, text_free_name(table.schema), written.rows, written.nbytes, written.files)


def _stripped(shards: list[Path], schema: dict[str, Any], texts: dict[str, str]) -> Iterator[dict[str, Any]]:
    for shard in shards:
        for batch in pq.ParquetFile(readable(shard)).iter_batches():
            yield from (strip(row, schema, texts.get(row.get("article_id"))) for row in batch.to_pylist())


def _texts(root: Path, table: ConfigTable, shards: list[Path]) -> dict[str, str]:
    """The texts of the articles a config's rows belong to (free text in them may quote the article)."""
    if table.name == "articles":
        return {}
    return article_texts(root / "data" / "articles", cited_articles(shards))


def cited_articles(shards: list[Path]) -> set[str]:
    """The article ids of a config's rows (none when it has no article_id column)."""
    if not shards or "article_id" not in pq.ParquetFile(readable(shards[0])).schema_arrow.names:
        return set()
    return {a for shard in shards for a in pq.read_table(readable(shard), columns=["article_id"]).column(0).to_pylist()}


def article_texts(directory: Path, wanted: set[str]) -> dict[str, str]:
    """article_id -> text of the wanted articles of an articles config directory."""
    return {a: t.text for a, t in annotated_texts(sorted(directory.glob("*.parquet")), wanted).items()}
