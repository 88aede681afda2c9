"""Inter-annotator agreement: Krippendorff's alpha (nominal) for labels, pairwise span F1 for spans."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Hashable, Iterable, Sequence

import krippendorff
import numpy as np

from korea_deterrence.annotations.items import Item


@dataclass(frozen=True, slots=True)
class AgreementRow:
    """One figure of the agreement table; value is None when undefined (see note)."""

    layer: str
    measure: str
    value: float | None
    units: int
    note: str
    round: str = ""  # the annotation round ("1", "2"), or two rounds compared ("2 vs 1")


def krippendorff_alpha_nominal(units: Iterable[Sequence[Hashable]]) -> float | None:
    """Alpha for nominal data (the `krippendorff` package); each unit lists the values coders gave it
    (missing values left out).

    None when no unit has two values or every pairable value is the same (expected disagreement 0).
    """
    pairable = [list(values) for values in units if len(values) >= 2]
    codes = {value: number for number, value in enumerate(dict.fromkeys(v for values in pairable for v in values))}
    if len(codes) < 2:
        return None
    width = max(len(values) for values in pairable)
    data = np.full((width, len(pairable)), np.nan)
    for unit, values in enumerate(pairable):
        data[:len(values), unit] = [codes[v] for v in values]
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def span_f1(a: set[tuple[str, int, int]], b: set[tuple[str, int, int]], overlap: bool) -> float | None:
    """F1 of two annotators' spans (article, start, end): exact match, or any overlap in the same article."""
    if not a and not b:
        return None
    if not overlap:
        return 2 * len(a & b) / (len(a) + len(b))
    hits_b = sum(any(_overlaps(x, y) for x in a) for y in b)
    hits_a = sum(any(_overlaps(x, y) for y in b) for x in a)
    precision, recall = (hits_b / len(b) if b else 0.0), (hits_a / len(a) if a else 0.0)
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def _overlaps(x: tuple[str, int, int], y: tuple[str, int, int]) -> bool:
    return x[0] == y[0] and x[1] < y[2] and y[1] < x[2]


def agreement_table(items: dict[str, Item], annotators: dict[str, set[str]],
                    targets: Sequence[str]) -> list[AgreementRow]:
    """Every agreement figure over articles annotated by at least two annotators."""
    shared = {a for a, coders in annotators.items() if len(coders) >= 2}
    chosen = [i for i in items.values() if i.article_id in shared]
    labeled = {i.key.rsplit(":", 1)[1] for i in items.values() if i.kind == "stance"}
    labeled |= {t for i in items.values() if i.kind == "claim" for v in i.values.values() for t in v["stance"]}
    targets = [t for t in targets if t in labeled or not items]  # a target no label has (yet) has no figure
    rows = [_alpha("stance", f"document stance: {t}", [i for i in chosen if i.key.endswith(":" + t)], "label")
            for t in targets]
    claims = [i for i in chosen if i.kind == "claim"]
    rows.append(_alpha("claims", "claim type", claims, "claim_type"))
    rows.append(_alpha("claims", "check-worthiness", claims, "checkworthiness"))
    if any(v.get("topic") is not None for i in claims for v in i.values.values()):
        rows.append(_alpha("claims", "claim topic", claims, "topic"))
    rows += [_alpha("claims", f"claim stance: {t}", claims, "stance", t) for t in targets]
    rows.append(_alpha("mentions", "actor link (same span)", [i for i in chosen if i.kind == "mention"], "actor_id"))
    for kind in ("mention", "claim"):
        rows += [_f1(kind, chosen, annotators, overlap) for overlap in (False, True)]
    return rows


def _alpha(layer: str, measure: str, items: list[Item], key: str, sub: str | None = None) -> AgreementRow:
    units = [[_pick(v, key, sub) for v in i.values.values() if sub is None or sub in v[key]] for i in items]
    units = [u for u in units if len(u) >= 2]
    value = krippendorff_alpha_nominal(units)
    note = "Krippendorff's alpha (nominal) over units labeled by 2+ annotators"
    return AgreementRow(layer, measure, value, len(units), note if value is not None else note + "; undefined")


def _pick(value: dict, key: str, sub: str | None) -> Hashable:
    picked = value[key]
    return picked[sub] if sub else picked


def _f1(kind: str, items: list[Item], annotators: dict[str, set[str]], overlap: bool) -> AgreementRow:
    coders = sorted({a for i in items for a in i.values})
    scores = []
    for x, y in combinations(coders, 2):
        both = {a for a, c in annotators.items() if {x, y} <= c}
        spans = [{(i.article_id, *i.span) for i in items if i.kind == kind and c in i.values and i.article_id in both}
                 for c in (x, y)]
        score = span_f1(spans[0], spans[1], overlap)
        if score is not None:
            scores.append(score)
    value = sum(scores) / len(scores) if scores else None
    n = sum(1 for i in items if i.kind == kind)
    mode = "overlap" if overlap else "exact"
    return AgreementRow(f"{kind}s", f"span F1 ({mode})", value, n, "mean pairwise F1 over annotator pairs")
