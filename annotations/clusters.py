"""The claim clusters of a round (annotations/clusters.jsonl): each cluster id gold claims carry, with its
canonical statement and topic; checked against the gold claims both ways."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from korea_deterrence.annotations.adjudicate import Gold
from korea_deterrence.schema import RecordValidator, Violation
from korea_deterrence.schema.jsonl import read_jsonl

CLUSTERS = "clusters.jsonl"


def read_clusters(path: Path, label: str, known: set[str]) -> tuple[dict[str, dict[str, Any]] | None, list[Violation]]:
    """Clusters by id (None when the file does not exist: the release then has no clusters config)."""
    if not path.is_file():
        return None, []
    validator = RecordValidator("cluster", "clusters")
    clusters: dict[str, dict[str, Any]] = {}
    lines: dict[str, int] = {}
    found: list[Violation] = []
    for item in read_jsonl(path, label, validator, "clusters.invalid-value"):
        record, number, problems = item.record, item.number, list(item.violations)
        if record is not None and not problems:
            if record["made_by"] not in known:
                problems.append(Violation(label, number, "/made_by", "clusters.unknown-annotator",
                                          f"{record['made_by']!r} is not in {label.rsplit('/', 1)[0]}/annotators.jsonl"))
            elif record["cluster_id"] in clusters:
                problems.append(Violation(label, number, "/cluster_id", "clusters.duplicate-id",
                                          f"{record['cluster_id']} is already listed on line {lines[record['cluster_id']]}"))
            else:
                clusters[record["cluster_id"]], lines[record["cluster_id"]] = record, number
        found += problems
    return clusters, found


def cluster_violations(clusters: dict[str, dict[str, Any]], gold: Iterable[Gold], label: str) -> list[Violation]:
    """Every gold claim's cluster is listed, and every listed cluster has gold claims in two articles or more."""
    members: dict[str, set[str]] = {}
    for g in gold:
        if g.item.kind == "claim" and g.value.get("cluster_id"):
            members.setdefault(g.value["cluster_id"], set()).add(g.item.article_id)
    found = [Violation(label, 0, f"/{cid}", "clusters.unlisted", f"gold claims carry cluster {cid}, which {label} does "
                                                                 "not list (each cluster needs its statement and topic)")
             for cid in sorted(set(members) - set(clusters))]
    found += [Violation(label, 0, f"/{cid}", "clusters.unused", f"{cid} has gold claims in "
                                                                f"{len(members.get(cid, ()))} article(s); a cluster joins "
                                                                "claims of two articles or more")
              for cid in sorted(clusters) if len(members.get(cid, ())) < 2]
    return found


def cluster_rows(clusters: dict[str, dict[str, Any]] | None) -> Iterable[dict[str, Any]]:
    return [clusters[cid] for cid in sorted(clusters or {})]
