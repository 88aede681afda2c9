"""The annotation configs of the release: read back the annotated articles' texts, import, write tables."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import pyarrow.parquet as pq

from korea_deterrence.loaders.storage import readable

from korea_deterrence.annotations.clusters import CLUSTERS, cluster_rows
from korea_deterrence.annotations.codebook import load_codebook
from korea_deterrence.corpus import file_sha256
from korea_deterrence.annotations.importer import ArticleText
from korea_deterrence.annotations.referenced import referenced_articles
from korea_deterrence.annotations.stage import EXPORTS, AnnotationSet, load_annotations, packaged_annotations
from korea_deterrence.annotations.tables import actor_rows, gold_rows, raw_rows
from korea_deterrence.schema import Violation

# writes one config: (config name, schema name, rows)
WriteConfig = Callable[[str, str, Iterator[dict[str, Any]]], Any]


@dataclass
class AnnotationOutcome:
    annotations: AnnotationSet | None = None
    violations: list[Violation] = field(default_factory=list)


def annotated_texts(shards: list[Path], wanted: set[str]) -> dict[str, ArticleText]:
    """Text and text_sha256 of the wanted articles, read back from the written articles shards."""
    texts: dict[str, ArticleText] = {}
    for shard in shards if wanted else []:
        table = pq.read_table(readable(shard), columns=["article_id", "text", "text_sha256"],
                              filters=[("article_id", "in", sorted(wanted))])
        texts.update((r["article_id"], ArticleText(r["text"], r["text_sha256"])) for r in table.to_pylist())
    return texts


def write_annotation_configs(root: Path | None, articles_parquet: list[Path],
                             write: WriteConfig) -> AnnotationOutcome:
    """Import the annotations under `root` and write actors, mentions, claims, stance, raw_labels."""
    texts = annotated_texts(articles_parquet, referenced_articles(root / EXPORTS if root else None))
    annotations = load_annotations(root, texts)
    if annotations.violations:
        return AnnotationOutcome(annotations, list(annotations.violations))
    write("actors", "actor", actor_rows())
    write("mentions", "mention", gold_rows(annotations, "mention"))
    write("claims", "claim", gold_rows(annotations, "claim"))
    write("stance", "stance", gold_rows(annotations, "stance"))
    write("raw_labels", "raw_label", raw_rows(annotations))
    if annotations.clusters is not None:
        write("clusters", "cluster", iter(cluster_rows(annotations.clusters)))
    return AnnotationOutcome(annotations)


def annotation_inputs(root: Path | None, annotations: AnnotationSet | None) -> dict[str, Any]:
    """The manifest's `annotation` section: input checksums, counts, annotators, agreement."""
    shipped = packaged_annotations()  # the codebook, registry and guidelines used are always the package's
    paths = [shipped / n for n in ("codebook.json", "actors.jsonl", "GUIDELINES.md")]
    paths += [root / n for n in ("annotators.jsonl", "adjudication.jsonl", CLUSTERS)] + sorted((root / EXPORTS).glob("*.json*")) \
        if root else []
    inputs = [{"path": f"annotations/{p.name if p.parent == shipped else p.relative_to(root).as_posix()}",
               "sha256": file_sha256(p)} for p in paths if p.is_file()]
    return {"inputs": inputs, "codebook_version": load_codebook().version,
            **(annotation_summary(annotations) if annotations else {})}


def annotation_summary(annotations: AnnotationSet) -> dict[str, Any]:
    """What the manifest records of the annotation stage."""
    imported = annotations.imported
    return {
        "exports": annotations.exports,
        "tasks": imported.tasks,
        "annotations": imported.annotations,
        "cancelled_annotations_excluded": imported.cancelled,
        "reanchored_spans": imported.reanchored,
        "unresolved_items": len(annotations.unresolved),
        "annotators": {a.annotator_id: {"kind": a.kind, "description": a.description}
                       for a in sorted(annotations.annotators.values(), key=lambda a: a.annotator_id)},
        "guideline_versions": {
            "annotation": sorted({x.source.guideline_version for x in imported.mentions + imported.claims + imported.stances}),
            "adjudication": sorted({g.decision.guideline_version for g in annotations.gold if g.decision}),
        },
        "distributions": label_distributions(annotations),
        "agreement": [{"round": r.round, "layer": r.layer, "measure": r.measure,
                       "value": None if r.value is None else round(r.value, 4), "units": r.units, "note": r.note}
                      for r in annotations.agreement],
    }


def annotation_statement(manifest: dict[str, Any]) -> str:
    """One truthful paragraph on how the annotation layers were produced, from the manifest's figures."""
    section = manifest.get("annotation", {})
    who = "; ".join(f"{aid} ({a['kind'].replace('_', ' ')}): {a['description']}"
                    for aid, a in section.get("annotators", {}).items())
    versions = section.get("guideline_versions", {})
    return (f"Annotation layers (mentions, claims, stance; per-annotator labels in raw_labels) were made in "
            f"Label Studio under annotations/GUIDELINES.md version(s) {', '.join(versions.get('annotation', [])) or '-'} "
            f"and adjudicated under version(s) {', '.join(versions.get('adjudication', [])) or '-'} "
            f"(current codebook {section.get('codebook_version')}). "
            f"{section.get('annotations', 0)} annotations from {section.get('exports', 0)} Label Studio export(s) "
            f"were imported ({section.get('cancelled_annotations_excluded', 0)} cancelled ones excluded); gold labels "
            f"are unanimous agreement of the annotators or an explicit recorded adjudication decision; "
            f"{section.get('unresolved_items', 0)} items remained unresolved and are not in gold. "
            f"Who produced them: {who or 'nobody yet'}.{_made_by_people(section)}")


def _made_by_people(section: dict[str, Any]) -> str:
    kinds = {a["kind"] for a in section.get("annotators", {}).values()}
    if kinds and "human" not in kinds:
        return " No label or adjudication decision in this release was made by a person."
    return ""


def label_distributions(annotations: AnnotationSet) -> dict[str, dict[str, int]]:
    """Counts of every gold label, by layer and field (sorted, so the manifest is deterministic)."""
    counts: dict[str, Counter[str]] = {}
    for g in annotations.gold:
        for field_name, label in _labels_of(g.item.kind, g.item.key, g.value):
            counts.setdefault(field_name, Counter())[label] += 1
    return {k: dict(sorted(v.items())) for k, v in sorted(counts.items())}


def _labels_of(kind: str, key: str, value: dict[str, Any]) -> Iterator[tuple[str, str]]:
    if kind == "stance":
        yield f"stance.{key.rsplit(':', 1)[1]}", value["label"]
    elif kind == "mention":
        yield "mentions.mention_type", value["mention_type"]
    else:
        yield "claims.claim_type", value["claim_type"]
        yield "claims.checkworthiness", value["checkworthiness"]
        yield "claims.claimer", "outlet" if value["claimer"] is None else "actor"
        yield "claims.clustered", "yes" if value["cluster_id"] else "no"
        yield from ((f"claims.stance.{t}", label) for t, label in value["stance"].items())
