"""Per-annotator labels grouped into comparable items (one key per stance, mention span and claim span)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from korea_deterrence.annotations.records import RawClaim, RawMention, RawStance


@dataclass
class Item:
    """One unit of annotation and the value each annotator gave it (absent = did not mark it)."""

    key: str
    kind: str  # "stance" | "mention" | "claim"
    article_id: str
    span: tuple[int, int] | None
    text: str | None
    values: dict[str, Any] = field(default_factory=dict)  # annotator_id -> comparable value


def mention_value(m: RawMention) -> dict[str, Any]:
    return {"mention_type": m.mention_type, "actor_id": m.actor_id}


def claim_value(c: RawClaim, claimer_span: tuple[int, int] | None) -> dict[str, Any]:
    """What annotators must agree on for a claim (the unsure flag is not compared: it is about the annotator).
    Targets and fields that the claim's codebook version lacks are absent (stance) or None (the rest)."""
    return {"claim_type": c.claim_type, "checkworthiness": c.checkworthiness, "stance": dict(c.stances),
            "claimer": None if claimer_span is None else {"start": claimer_span[0], "end": claimer_span[1]},
            "cluster_id": c.cluster_id, "topic": c.topic,
            "attribution": None if c.attribution is None else {"start": c.attribution[0], "end": c.attribution[1]},
            "source_document": c.source_document}


def group_items(mentions: Iterable[RawMention], claims: Iterable[RawClaim],
                stances: Iterable[RawStance]) -> tuple[dict[str, Item], dict[str, set[str]]]:
    """Items keyed `kind:article:start-end` (or `stance:article:target`) and each article's annotators."""
    items: dict[str, Item] = {}
    annotators: dict[str, set[str]] = {}
    regions: dict[tuple[str, str, str], tuple[int, int]] = {}
    for m in mentions:
        regions[(m.article_id, m.source.annotator_id, m.region_id)] = (m.start, m.end)
        _add(items, "mention", m.article_id, (m.start, m.end), m.text, m.source.annotator_id, mention_value(m))
    for c in claims:
        claimer = regions.get((c.article_id, c.source.annotator_id, c.claimer_region_id or ""))
        _add(items, "claim", c.article_id, (c.start, c.end), c.text, c.source.annotator_id, claim_value(c, claimer))
    for s in stances:
        annotators.setdefault(s.article_id, set()).add(s.source.annotator_id)
        key = f"stance:{s.article_id}:{s.target}"
        items.setdefault(key, Item(key, "stance", s.article_id, None, None)).values[s.source.annotator_id] = {"label": s.label}
    return items, annotators


def _add(items: dict[str, Item], kind: str, article_id: str, span: tuple[int, int], text: str,
         annotator: str, value: dict[str, Any]) -> None:
    key = f"{kind}:{article_id}:{span[0]}-{span[1]}"
    items.setdefault(key, Item(key, kind, article_id, span, text)).values[annotator] = value
