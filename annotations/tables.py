"""Rows of the release's annotation configs (actors, mentions, claims, stance, raw_labels)."""

from __future__ import annotations

from typing import Any, Iterator

from korea_deterrence.annotations.adjudicate import Gold
from korea_deterrence.annotations.codebook import load_codebook, load_registry
from korea_deterrence.annotations.records import LabelSource, RawClaim, RawMention, RawStance
from korea_deterrence.annotations.stage import AnnotationSet
from korea_deterrence.corpus import as_record


def mention_id(article_id: str, start: int, end: int) -> str:
    return f"{article_id}:m{start}-{end}"


def claim_id(article_id: str, start: int, end: int) -> str:
    return f"{article_id}:c{start}-{end}"


def actor_rows() -> Iterator[dict[str, Any]]:
    return (as_record(a) for a in load_registry())


def _gold(g: Gold, versions: dict[str, str]) -> dict[str, Any]:
    d = g.decision
    version = d.guideline_version if d else ",".join(sorted({versions[a] for a in g.annotators}))
    return {"basis": g.basis, "annotators": list(g.annotators), "adjudicator": d.adjudicator if d else None,
            "reason": d.reason if d else None, "decided_at": d.decided_at if d else None, "guideline_version": version}


def _versions(annotations: AnnotationSet, article_id: str) -> dict[str, str]:
    labels = annotations.imported.stances + annotations.imported.mentions + annotations.imported.claims
    return {x.source.annotator_id: x.source.guideline_version for x in labels if x.article_id == article_id}


def gold_rows(annotations: AnnotationSet, kind: str) -> Iterator[dict[str, Any]]:
    """Gold rows of one layer ('mention', 'claim' or 'stance'), sorted by article and offsets."""
    gold = sorted((g for g in annotations.gold if g.item.kind == kind),
                  key=lambda g: (g.item.article_id, g.item.span or (0, 0), g.item.key))
    versions: dict[str, dict[str, str]] = {}
    actors = gold_mention_actors(annotations.gold)
    for g in gold:
        article = g.item.article_id
        provenance = _gold(g, versions.setdefault(article, _versions(annotations, article)))
        row = _ROW[kind](g, actors)
        if row.get("attribution_start") is not None:
            row["attribution_text"] = annotations.texts[article].text[row["attribution_start"]:row["attribution_end"]]
        yield {**row, "gold": provenance}


def gold_mention_actors(gold: list[Gold]) -> dict[tuple[str, int, int], str]:
    """(article_id, start, end) -> actor_id of every gold mention."""
    return {(g.item.article_id, *g.item.span): g.value["actor_id"] for g in gold if g.item.kind == "mention"}


def _mention(g: Gold, actors: dict[tuple[str, int, int], str]) -> dict[str, Any]:
    (start, end), article = g.item.span, g.item.article_id
    return {"mention_id": mention_id(article, start, end), "article_id": article, "start": start, "end": end,
            "text": g.item.text, "mention_type": g.value["mention_type"], "actor_id": g.value["actor_id"]}


def _claim(g: Gold, actors: dict[tuple[str, int, int], str]) -> dict[str, Any]:
    (start, end), article, v = g.item.span, g.item.article_id, g.value
    claimer = v["claimer"]
    return {"claim_id": claim_id(article, start, end), "article_id": article, "start": start, "end": end,
            "text": g.item.text, "claim_type": v["claim_type"], "checkworthiness": v["checkworthiness"],
            "stance": [{"target": t, "label": label} for t, label in v["stance"].items()],
            "claimer_mention_id": mention_id(article, claimer["start"], claimer["end"]) if claimer else None,
            "claimer_actor_id": actors[(article, claimer["start"], claimer["end"])] if claimer else None,
            "claimer_is_outlet": claimer is None,
            "cluster_id": v["cluster_id"], "topic": v["topic"], **_attribution(v["attribution"]),
            "source_document_id": v["source_document"]}


def _attribution(span: dict[str, int] | None) -> dict[str, Any]:
    """The attribution columns; the text is filled in from the article by `gold_rows`."""
    start, end = (span["start"], span["end"]) if span else (None, None)
    return {"attribution_start": start, "attribution_end": end, "attribution_text": None}


def _stance(g: Gold, actors: dict[tuple[str, int, int], str]) -> dict[str, Any]:
    return {"article_id": g.item.article_id, "target": g.item.key.rsplit(":", 1)[1], "label": g.value["label"]}


_ROW = {"mention": _mention, "claim": _claim, "stance": _stance}


def raw_rows(annotations: AnnotationSet) -> Iterator[dict[str, Any]]:
    """Every per-annotator label, sorted by label_id."""
    imported = annotations.imported
    rows = [_raw_mention(m) for m in imported.mentions] + [_raw_claim(c, imported.mentions) for c in imported.claims]
    rows += _raw_stances(imported.stances)
    return iter(sorted(rows, key=lambda r: r["label_id"]))


_EMPTY = dict.fromkeys(["start", "end", "text", "mention_type", "actor_id", "claim_type", "checkworthiness",
                        "claimer_actor_id", "claimer_start", "claimer_end", "cluster_id", "topic", "attribution_start",
                        "attribution_end", "source_document_id", "unsure", "unsure_note"])


def _unsure(note: str | None, source: LabelSource) -> dict[str, Any]:
    """The unsure flag and note; null for labels made under a codebook that had no flag."""
    if not load_codebook().at(source.guideline_version).has("unsure"):
        return {"unsure": None, "unsure_note": None}
    return {"unsure": note is not None, "unsure_note": note}


def _source(s: LabelSource) -> dict[str, Any]:
    return as_record(s)


def _raw_mention(m: RawMention) -> dict[str, Any]:
    return {"label_id": f"{m.source.annotator_id}:{m.article_id}:mention:{m.start}-{m.end}", "layer": "mention",
            "article_id": m.article_id, **_EMPTY, "start": m.start, "end": m.end, "text": m.text,
            "mention_type": m.mention_type, "actor_id": m.actor_id, **_unsure(m.unsure_note, m.source), "stance": [],
            "source": _source(m.source)}


def _raw_claim(c: RawClaim, mentions: list[RawMention]) -> dict[str, Any]:
    claimer = next((m for m in mentions if m.region_id == c.claimer_region_id and m.source == c.source), None)
    return {"label_id": f"{c.source.annotator_id}:{c.article_id}:claim:{c.start}-{c.end}", "layer": "claim",
            "article_id": c.article_id, **_EMPTY, "start": c.start, "end": c.end, "text": c.text,
            "claim_type": c.claim_type, "checkworthiness": c.checkworthiness, "claimer_actor_id": c.claimer_actor_id,
            "claimer_start": claimer.start if claimer else None, "claimer_end": claimer.end if claimer else None,
            "cluster_id": c.cluster_id, "topic": c.topic, "source_document_id": c.source_document,
            "attribution_start": c.attribution[0] if c.attribution else None,
            "attribution_end": c.attribution[1] if c.attribution else None, **_unsure(c.unsure_note, c.source),
            "stance": [{"target": t, "label": label} for t, label in c.stances], "source": _source(c.source)}


def _raw_stances(stances: list[RawStance]) -> list[dict[str, Any]]:
    grouped: dict[tuple[str, str], list[RawStance]] = {}
    for s in stances:
        grouped.setdefault((s.source.annotator_id, s.article_id), []).append(s)
    return [{"label_id": f"{annotator}:{article}:stance", "layer": "stance", "article_id": article, **_EMPTY,
             "stance": [{"target": s.target, "label": s.label} for s in group], "source": _source(group[0].source)}
            for (annotator, article), group in grouped.items()]
