"""The dataset card (release README.md): YAML generated from the same Features the Parquet files carry."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

import yaml

from korea_deterrence.loaders.citation import bibtex
from korea_deterrence.loaders.fields import FieldDoc, schema_fields, walk
from korea_deterrence.loaders.annotated import annotation_statement
from korea_deterrence.loaders.network_files import network_section
from korea_deterrence.schema import features_from_schema, load_schema

if TYPE_CHECKING:
    from korea_deterrence.loaders.release import ConfigTable

PRETTY_NAME = "Korea deterrence news corpus (2026 US National Defense Strategy)"
DEFAULT_CONFIG = "articles"
FULL_KEY = "full_data_sha256"  # manifest.json of a text-free variant: the full release's data sha256  # what load_dataset(path) loads without a config name


def card_yaml(manifest: dict[str, Any], tables: list[ConfigTable]) -> dict[str, Any]:
    """The card's YAML header: configs, features (with ClassLabel names), splits and licence."""
    present = [t for t in tables if t.rows]
    return {
        "pretty_name": PRETTY_NAME,
        "language": ["en"],
        "license": "other",
        "license_name": "mixed-unknown",
        "license_details": "Code MIT. Article texts are third-party news whose rights status is unknown; see DATASHEET.md.",
        "license_link": "DATASHEET.md",
        "annotations_creators": annotations_creators(manifest),
        "task_categories": ["text-classification", "token-classification"],
        "size_categories": [_size_category(max((t.rows for t in present), default=0))],
        "configs": [_config(t, manifest) for t in present],
        "dataset_info": [_info(t) for t in present],
        "version": manifest["version"],
        "data_checksum": data_checksum(manifest),
    }


def data_checksum(manifest: dict[str, Any], files: list[str] | None = None) -> str:
    """One sha256 over the sha256 of every data file (or of `files`)."""
    sums = {f: s for f, s in manifest["data_sha256"].items() if files is None or f in files}
    return hashlib.sha256(json.dumps(sums, sort_keys=True).encode()).hexdigest()


def _config(table: ConfigTable, manifest: dict[str, Any]) -> dict[str, Any]:
    """A `configs` entry. Its description names the version and the config's data checksum: `datasets`
    keys its local cache on the config entries and `dataset_info`, not on the rest of the card (measured
    with datasets 5.2), so this is what makes a rebuild with changed rows load fresh."""
    checksum = data_checksum(manifest, table.data_files)
    entry = {"config_name": table.name, "data_files": [{"split": "train", "path": table.data_pattern}],
             "description": f"korea-deterrence {manifest['version']}, {table.name}, data sha256 {checksum}"}
    return {**entry, "default": True} if table.name == DEFAULT_CONFIG else entry


def _info(table: ConfigTable) -> dict[str, Any]:
    features = features_from_schema(load_schema(table.schema))
    return {"config_name": table.name, "features": features.to_yaml_list(),
            "splits": [{"name": "train", "num_bytes": table.nbytes, "num_examples": table.rows}]}


def annotations_creators(manifest: dict[str, Any]) -> list[str]:
    """HF's `annotations_creators` from who made the labels: models and rules are machine-generated."""
    kinds = {a["kind"] for a in manifest.get("annotation", {}).get("annotators", {}).values()}
    found = {"machine-generated"}  # block types and edit kinds come from rules in code, in every release
    found |= {"other"} if "human" in kinds else set()  # people of unrecorded expertise
    return sorted(found)


def provenance_sentence(manifest: dict[str, Any]) -> str:
    """What is known of the articles' provenance, counted from the release's own rows."""
    total, known = manifest["counts"]["articles"]["train"], manifest["provenance_known"]
    facts = ", ".join(f"{name} for {count}" for name, count in known.items())
    return f"Of the {total} articles, provenance is known as follows: {facts}; the rest are null with the reason."


def sources_section(manifest: dict[str, Any]) -> str:
    """Where each article was published, as far as known (from its provenance facts; each fact's basis is in
    the `provenance` field of `articles`)."""
    listed = manifest.get("provenance")
    if listed is None:
        return f"{provenance_sentence(manifest)} Each article's facts and their basis are in `articles.provenance`.\n"
    rows = "\n".join(f"| `{a['article_id']}` | {_fact(a['outlet'])} | {_fact(a['url'])} | {_fact(a['published'])} | "
                     f"{_fact(a['byline'])} |" for a in listed)
    return ("What is known of each article's publication (unknown: null in the data, with the reason). Each fact's "
            "basis (where it was found and how it was matched, or why it is unknown) is in `articles.provenance`.\n\n"
            f"| article | outlet | url | published | byline |\n|---|---|---|---|---|\n{rows}\n")


def _fact(value: str | None) -> str:
    return "unknown" if value is None else _cell(value)


def _size_category(rows: int) -> str:
    for limit, label in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M")):
        if rows < limit:
            return label
    return "1M<n<10M"


def render_card(manifest: dict[str, Any], tables: list[ConfigTable]) -> str:
    """The whole card: YAML header and prose (field tables, labels, loading, limitations, citation)."""
    header = yaml.safe_dump(card_yaml(manifest, tables), sort_keys=False, allow_unicode=True, width=1000)
    counts = "\n".join(f"| `{t.name}` | {t.rows} | `{manifest['schemas'].get(t.name, '')}` |" for t in tables if t.rows)
    empty = [t.name for t in tables if not t.rows]
    counts += f"\n\nNot in this release (no rows): {', '.join(f'`{n}`' for n in empty)}." if empty else ""
    return f"---\n{header}---\n\n" + _PROSE.format(
        name=PRETTY_NAME, version=manifest["version"], checksum=data_checksum(manifest), counts=counts,
        folder=release_folder(manifest), variant=variant_section(manifest, tables), holds=_holds(manifest),
        fields="\n".join(config_section(t) for t in tables if t.rows), bibtex=bibtex(manifest["version"]),
        annotation=annotation_section(manifest), network=network_section(manifest),
        provenance=provenance_sentence(manifest), sources=sources_section(manifest))


def release_folder(manifest: dict[str, Any]) -> str:
    """The folder name the card's snippets use for this release."""
    return "korea-deterrence" + (f"-{manifest['variant']}" if manifest.get("variant") else "")


def _holds(manifest: dict[str, Any]) -> str:
    what = "(NFC, `\\n` line endings, boilerplate and repeated blocks removed, every edit recorded)"
    if manifest.get("variant"):
        return f"this variant holds the offsets of their normalized form {what}, not the texts."
    return f"this release holds them normalized {what} with block and sentence\noffsets."


def variant_section(manifest: dict[str, Any], tables: list[ConfigTable]) -> str:
    """For the text-free variant: what is absent, and the three commands that bring it back."""
    if not manifest.get("variant"):
        return ""
    from korea_deterrence.loaders.text_free import absent_fields

    absent = "\n".join(f"- `{config}`: {', '.join(fields)}"
                        for config, fields in absent_fields([(t.name, t.schema) for t in tables if t.rows]))
    return f"""
## Texts not included

This is the **text-free** variant: no field reproduces article text. Absent, with what replaces them:

{absent}

Offsets, `text_sha256`, each raw file's sha256 and size (`sources.jsonl`, and `provenance` in
`articles`) and a sha256 per span text are kept. To get the texts back, put your own copies of the
raw articles (any file names; each is matched by its sha256, listed with the outlet and URL where
known in `sources.jsonl`; for example the files under `corpus/raw/` of the source repository) in a
folder `my-copies` beside this release's folder, and run (with `kdc` installed, same version):

```bash
cd {release_folder(manifest)}
kdc rehydrate . --raw ../my-copies --out ../korea-deterrence
kdc validate ../korea-deterrence
```

`kdc rehydrate` verifies every copy, normalizes it as the build does, checks every `text_sha256`
and span hash, and writes the full release, byte for byte the one this variant was derived from
(its data sha256 are in `manifest.json`, `{FULL_KEY}`).
"""


def annotation_section(manifest: dict[str, Any]) -> str:
    """How the labels were made, agreement and label distributions, from the manifest's figures."""
    section = manifest.get("annotation", {})
    if not section.get("annotators"):
        return "No annotation layer is in this release yet.\n"
    agreement = "\n".join(
        f"| {r.get('round', '')} | {r['layer']} | {r['measure']} | "
        f"{'n/a' if r['value'] is None else format(r['value'], '.3f')} | {r['units']} |"
        for r in section["agreement"])
    distributions = "\n".join(
        f"- `{name}`: " + ", ".join(f"{label} {count}" for label, count in counts.items())
        for name, counts in section.get("distributions", {}).items())
    return (f"{annotation_statement(manifest)}\n\nLabel definitions: `annotations/GUIDELINES.md` "
            f"(codebook {section['codebook_version']}) in the source repository.\n\n"
            f"{_model_agreement(section)}"
            "Agreement between annotators (computed on the per-annotator labels before adjudication; "
            "alpha: Krippendorff's alpha, nominal, over units both annotators labeled; span F1: exact offsets or any "
            "overlap; round \"2 vs 1\": stability, round 2's gold against round 1's on the fields both have):\n\n"
            "| round | layer | measure | value | units |\n|---|---|---|---|---|\n"
            f"{agreement}\n\nGold label counts:\n\n{distributions}\n")


def _model_agreement(section: dict[str, Any]) -> str:
    """Agreement between instances of one language model is consistency, not reliability: say so."""
    kinds = {a["kind"] for a in section.get("annotators", {}).values()}
    if kinds != {"language_model"} and "human" in kinds:
        return ""
    return ("**Every annotator of this release is a language model.** Where two annotators are instances of one "
            "model (their descriptions above say which model), the figures below measure how consistently that model "
            "applies the codebook under the same instructions, not agreement between people and not the reliability "
            "of the codebook.\n\n")


def config_section(table: ConfigTable) -> str:
    """A config's field table (field, type, meaning from the JSON Schema) and its label definitions."""
    docs = list(walk(schema_fields(table.schema)))
    rows = "\n".join(f"| `{path}` | {doc.type_name} | {_cell(doc.description)} |" for path, doc in docs)
    labels = "\n".join(_labels(path, doc) for path, doc in docs if doc.labels)
    text = f"### `{table.name}` ({table.rows} rows)\n\n| field | type | meaning |\n|---|---|---|\n{rows}\n"
    return text + (f"\nClassLabel fields (stored as ids; names in id order):\n\n{labels}\n" if labels else "")


def _labels(path: str, doc: FieldDoc) -> str:
    return f"- `{path}`: " + ", ".join(f"{i} = `{name}`" for i, name in enumerate(doc.labels))


def _cell(text: str) -> str:
    return (text or "—").replace("|", "\\|").replace("\n", " ")


_PROSE = """# {name}

Version **{version}** (data checksum `{checksum}`).

News articles reporting that the January 2026 US National Defense Strategy gives South Korea
"primary responsibility" for deterring North Korea, with "critical but more limited" US support.
The texts are kept exactly as received; {holds}
{variant}
| config | rows | schema |
|---|---|---|
{counts}

## Loading

From the directory that holds this release's folder `{folder}/` (`articles` is the default
config):

```python
from datasets import load_dataset

articles = load_dataset("./{folder}", split="train")
claims = load_dataset("./{folder}", "claims", split="train")
print(articles[0]["article_id"], len(claims))
```

Offsets are Unicode code points into `text`, end-exclusive: `text[start:end]` is the span.
ClassLabel fields hold ids; `features["blocks"].feature["kind"].names` gives their names.
`SHA256SUMS` lists every file of the release; `kdc validate PATH` checks a copy against it.

## Annotation

{annotation}
{network}## Fields

The tables below are generated from the JSON Schemas named in `manifest.json`.

{fields}
## Limitations

- Very small corpus about a single event; not a sample of any defined population, so it cannot
  show how "the media" covered the event. Several articles appear to come from aggregator or
  re-publishing sites.
- {provenance}
- Annotation layers (mentions, claims, stance) are released only when present in the table above;
  block types and sentences come from rules, not from human annotation.

## Sources

{sources}
## Rights

The article texts are third-party news; no licence was received with any text, and the rights
status is unknown unless an article's `rights` fact says otherwise. See DATASHEET.md.

## Citation

Cite the exact version you used (CITATION.cff holds the same metadata):

```bibtex
{bibtex}```
"""
