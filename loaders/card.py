"""The dataset card (release README.md): YAML generated from the same Features the Parquet files carry."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

import yaml

from korea_deterrence.schema import features_from_schema, load_schema

if TYPE_CHECKING:
    from korea_deterrence.loaders.release import ConfigTable

PRETTY_NAME = "Korea deterrence news corpus (2026 US National Defense Strategy)"


def card_yaml(manifest: dict[str, Any], tables: list[ConfigTable]) -> dict[str, Any]:
    """The card's YAML header: configs, features (with ClassLabel names), splits and licence."""
    present = [t for t in tables if t.rows]
    return {
        "pretty_name": PRETTY_NAME,
        "language": ["en"],
        "license": "other",
        "license_name": "mixed-unknown",
        "license_details": "Code MIT. Article texts are third-party news whose rights status is unknown; see DATASHEET.md.",
        "task_categories": ["text-classification", "token-classification"],
        "size_categories": [_size_category(max((t.rows for t in present), default=0))],
        "configs": [{"config_name": t.name, "data_files": [{"split": "train", "path": t.data_file}]} for t in present],
        "dataset_info": [_info(t) for t in present],
        "version": manifest["version"],
        "data_checksum": data_checksum(manifest),
    }


def data_checksum(manifest: dict[str, Any]) -> str:
    """One sha256 over every data file's sha256, so the card (HF's cache key) changes when data do."""
    return hashlib.sha256(json.dumps(manifest["data_sha256"], sort_keys=True).encode()).hexdigest()


def _info(table: ConfigTable) -> dict[str, Any]:
    features = features_from_schema(load_schema(table.schema))
    return {"config_name": table.name, "features": features._to_yaml_list(),
            "splits": [{"name": "train", "num_bytes": table.nbytes, "num_examples": table.rows}]}


def _size_category(rows: int) -> str:
    for limit, label in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M")):
        if rows < limit:
            return label
    return "1M<n<10M"


def render_card(manifest: dict[str, Any], tables: list[ConfigTable]) -> str:
    """The whole card: YAML header and prose."""
    header = yaml.safe_dump(card_yaml(manifest, tables), sort_keys=False, allow_unicode=True, width=1000)
    counts = "\n".join(f"| `{t.name}` | {t.rows} |" for t in tables)
    return f"---\n{header}---\n\n" + _PROSE.format(
        name=PRETTY_NAME, version=manifest["version"], checksum=data_checksum(manifest), counts=counts)


_PROSE = """# {name}

Version **{version}** (data checksum `{checksum}`).

News articles reporting that the January 2026 US National Defense Strategy gives South Korea
"primary responsibility" for deterring North Korea, with "critical but more limited" US support.
The texts are kept exactly as received; this release holds them normalized (NFC, `\\n` line
endings, boilerplate and repeated blocks removed, every edit recorded) with block and sentence
offsets.

| config | rows |
|---|---|
{counts}

## Loading

```python
from datasets import load_dataset
articles = load_dataset("path/to/korea-deterrence", "articles", split="train")
```

Offsets are Unicode code points into `text`, end-exclusive: `text[start:end]` is the span.
`blocks.kind` and `edits.kinds` are ClassLabel ids; `features["blocks"].feature["kind"].names`
gives their names.

## Rights

The article texts are third-party news. Outlets are known for one article only; no licence was
received with any text, and the rights status is unknown. See DATASHEET.md.
"""
