"""The discourse network of a release: statements (actor x concept x agreement) and the networks
the Discourse Network Analyzer defines on them (Leifeld 2013; DNA manual), computed from the gold tables.

- statement: one gold claim; actor = its claimer (or the outlet, in its own voice); concept = its
  cluster, else its topic; agreement per stance target = the claim's stance label when it is favor or
  against (neutral and none carry no agreement and make no edge).
- two-mode network (per target): actor -- concept, weight = statements, `favor` and `against` counts,
  `agreement` = favor, against or mixed (DNA's "combine" qualifier aggregation).
- congruence network (per target): actor -- actor, weight = number of (concept, agreement) pairs both
  actors stated; conflict network: weight = number of concepts on which one stated favor and the other
  against (DNA's "congruence" and "conflict" aggregation, binary qualifier, no normalization).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any, Iterator

import networkx as nx

from korea_deterrence.loaders.release_rows import iter_rows, read_rows

AGREEMENT = ("favor", "against")  # the stance labels that are DNA agreement qualifiers
KINDS = ("two_mode", "congruence", "conflict")


@dataclass(frozen=True, slots=True)
class Statement:
    """One row of the event list (the `network` config)."""

    claim_id: str
    article_id: str
    outlet: str | None
    published: str | None
    actor: str
    actor_id: str | None
    actor_name: str
    claimer_is_outlet: bool
    concept: str | None
    cluster_id: str | None
    topic: str | None
    stance: tuple[tuple[str, str], ...]  # (target, label) for every target

    def row(self) -> dict[str, Any]:
        """The Parquet row (labels by name; the writer stores their ids)."""
        fields = {name: getattr(self, name) for name in self.__slots__ if name != "stance"}
        return {**fields, "stance": [{"target": t, "label": label} for t, label in self.stance]}


def statements(claims: list[dict[str, Any]], articles: list[dict[str, Any]],
               actors: list[dict[str, Any]]) -> list[Statement]:
    """The statements of decoded gold rows, in claims order; `topic` is used where claims have it."""
    names = {a["actor_id"]: a["name"] for a in actors}
    facts = {a["article_id"]: a["provenance"] for a in articles}
    unknown = {"outlet": {"value": None}, "published": {"value": None}}  # a missing article: a foreign-key violation
    return [_statement(c, facts.get(c["article_id"], unknown), names) for c in claims]


def _statement(claim: dict[str, Any], provenance: dict[str, Any], names: dict[str, str]) -> Statement:
    outlet, article = provenance["outlet"]["value"], claim["article_id"]
    if claim["claimer_actor_id"] is not None:
        actor, name = f"actor:{claim['claimer_actor_id']}", names.get(claim["claimer_actor_id"], "?")
    elif outlet is not None:
        actor, name = f"outlet:{outlet}", outlet
    else:
        actor, name = f"outlet-of:{article}", f"outlet of {article}, unknown"
    topic = claim.get("topic")
    concept = f"cluster:{claim['cluster_id']}" if claim["cluster_id"] else (f"topic:{topic}" if topic else None)
    return Statement(claim["claim_id"], article, outlet, provenance["published"]["value"], actor,
                     claim["claimer_actor_id"], name, claim["claimer_is_outlet"], concept, claim["cluster_id"],
                     topic, tuple((s["target"], s["label"]) for s in claim["stance"]))


def release_statements(root: Path) -> list[Statement]:
    """The statements of a built release directory."""
    claims = read_rows(root, "claims")
    if not claims:
        return []
    cited = {c["article_id"] for c in claims}  # (only their articles' provenance is held, never the texts)
    articles = [a for a in iter_rows(root, "articles", ["article_id", "provenance"]) if a["article_id"] in cited]
    return statements(claims, articles, read_rows(root, "actors", ["actor_id", "name"]))


def targets(found: list[Statement]) -> list[str]:
    """The stance targets present, in their first-seen (codebook) order."""
    return list(dict.fromkeys(t for s in found for t, _ in s.stance))


def _qualified(found: list[Statement], target: str) -> dict[tuple[str, str], dict[str, int]]:
    """(actor, concept) -> statements per agreement qualifier, for one target."""
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(AGREEMENT, 0))
    for s in found:
        label = dict(s.stance).get(target)
        if s.concept is not None and label in AGREEMENT:
            counts[(s.actor, s.concept)][label] += 1
    return counts


def networks(found: list[Statement], target: str) -> dict[str, nx.Graph]:
    """The two-mode, congruence and conflict networks of one target, nodes and edges in sorted order."""
    counts = _qualified(found, target)
    graphs = {kind: nx.Graph(name=f"{kind} network, stance target {target}", target=target) for kind in KINDS}
    nodes = _nodes(found)
    for actor, concept in sorted(counts):
        graphs["two_mode"].add_node(actor, **nodes[actor])
        graphs["two_mode"].add_node(concept, **nodes[concept])
    for actor in sorted({a for a, _ in counts}):
        graphs["congruence"].add_node(actor, **nodes[actor])
        graphs["conflict"].add_node(actor, **nodes[actor])
    for (actor, concept), n in sorted(counts.items()):
        graphs["two_mode"].add_edge(actor, concept, weight=sum(n.values()), **n, agreement=_combine(n))
    for kind, a, b, weight, concepts in _one_mode(counts):
        graphs[kind].add_edge(a, b, weight=weight, concepts=" ".join(concepts))
    return graphs


def _combine(n: dict[str, int]) -> str:
    return "mixed" if all(n.values()) else next(q for q in AGREEMENT if n[q])


def _one_mode(counts: dict[tuple[str, str], dict[str, int]]) -> Iterator[tuple[str, str, str, int, list[str]]]:
    """(kind, actor, actor, weight, concepts) of every congruence and conflict tie."""
    held: dict[str, dict[str, set[str]]] = defaultdict(dict)  # actor -> concept -> qualifiers stated
    for (actor, concept), n in counts.items():
        held[actor][concept] = {q for q in AGREEMENT if n[q]}
    for a, b in combinations(sorted(held), 2):
        shared = sorted(set(held[a]) & set(held[b]))
        same = [(c, q) for c in shared for q in sorted(held[a][c] & held[b][c])]
        opposed = [c for c in shared if any(qa != qb for qa in held[a][c] for qb in held[b][c])]
        if same:
            yield "congruence", a, b, len(same), [c for c, _ in same]
        if opposed:
            yield "conflict", a, b, len(opposed), opposed


def _nodes(found: list[Statement]) -> dict[str, dict[str, str]]:
    """Node attributes: `kind` (actor, outlet or concept) and `label`."""
    nodes: dict[str, dict[str, str]] = {}
    for s in found:
        nodes[s.actor] = {"kind": "outlet" if s.claimer_is_outlet else "actor", "label": s.actor_name}
        if s.concept is not None:
            nodes[s.concept] = {"kind": "concept", "label": s.concept.split(":", 1)[1]}
    return nodes
