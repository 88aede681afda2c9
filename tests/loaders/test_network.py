"""The discourse network: arithmetic pinned on a hand-made fixture, and the release's files read back
with networkx, checked against the gold tables (DuckDB) and against the GEXF schema."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import networkx as nx
import pytest

from korea_deterrence.loaders.release_rows import read_rows
from korea_deterrence.loaders.network import networks, statements, targets
from korea_deterrence.loaders.network_files import graph_bytes, write_network_files

_ARTICLES = [{"article_id": "a1", "provenance": {"outlet": {"value": "Daily"}, "published": {"value": "2026-01-24"}}},
             {"article_id": "a2", "provenance": {"outlet": {"value": None}, "published": {"value": None}}}]
_ACTORS = [{"actor_id": x, "name": x.upper()} for x in ("a", "b", "c")]


def _claim(n: int, article: str, actor: str | None, cluster: str | None, t1: str, t2: str = "none",
           topic: str | None = None) -> dict:
    row = {"claim_id": f"{article}:c{n}", "article_id": article, "claimer_actor_id": actor,
           "claimer_is_outlet": actor is None, "cluster_id": cluster,
           "stance": [{"target": "t1", "label": t1}, {"target": "t2", "label": t2}]}
    return {**row, "topic": topic} if topic else row


CLAIMS = [
    _claim(1, "a1", "a", "k1", "favor"), _claim(2, "a1", "a", "k2", "favor"),
    _claim(3, "a2", "b", "k1", "favor"), _claim(4, "a2", "b", "k2", "against"),
    _claim(5, "a1", "c", "k1", "against"), _claim(6, "a2", "c", "k1", "favor"),
    _claim(7, "a2", None, "k2", "neutral"),           # the unknown outlet of a2: no agreement, no edge
    _claim(8, "a1", "a", None, "favor"),              # no cluster, no topic: no concept, no edge
    _claim(9, "a1", None, None, "none", "favor", topic="alliance"),  # outlet "Daily", concept by topic
]


def _edges(graph: nx.Graph, *keys: str) -> dict[tuple[str, str], tuple]:
    return {tuple(sorted((u, v))): tuple(d[k] for k in keys) for u, v, d in graph.edges(data=True)}


def test_statements_name_actor_concept_and_outlet() -> None:
    found = statements(CLAIMS, _ARTICLES, _ACTORS)
    assert [(s.actor, s.actor_name, s.concept) for s in found[6:]] == [
        ("outlet-of:a2", "outlet of a2, unknown", "cluster:k2"), ("actor:a", "A", None),
        ("outlet:Daily", "Daily", "topic:alliance")]
    assert (found[0].outlet, found[0].published, found[2].outlet) == ("Daily", "2026-01-24", None)
    assert targets(found) == ["t1", "t2"]
    assert found[8].row()["stance"] == [{"target": "t1", "label": "none"}, {"target": "t2", "label": "favor"}]


def test_two_mode_congruence_and_conflict_arithmetic() -> None:
    graphs = networks(statements(CLAIMS, _ARTICLES, _ACTORS), "t1")
    assert _edges(graphs["two_mode"], "weight", "favor", "against", "agreement") == {
        ("actor:a", "cluster:k1"): (1, 1, 0, "favor"), ("actor:a", "cluster:k2"): (1, 1, 0, "favor"),
        ("actor:b", "cluster:k1"): (1, 1, 0, "favor"), ("actor:b", "cluster:k2"): (1, 0, 1, "against"),
        ("actor:c", "cluster:k1"): (2, 1, 1, "mixed")}
    assert _edges(graphs["congruence"], "weight", "concepts") == {
        ("actor:a", "actor:b"): (1, "cluster:k1"), ("actor:a", "actor:c"): (1, "cluster:k1"),
        ("actor:b", "actor:c"): (1, "cluster:k1")}
    assert _edges(graphs["conflict"], "weight", "concepts") == {
        ("actor:a", "actor:b"): (1, "cluster:k2"), ("actor:a", "actor:c"): (1, "cluster:k1"),
        ("actor:b", "actor:c"): (1, "cluster:k1")}
    assert sorted(graphs["conflict"].nodes) == ["actor:a", "actor:b", "actor:c"]  # no outlet: it stated no agreement
    assert graphs["two_mode"].nodes["cluster:k1"] == {"kind": "concept", "label": "k1"}


def test_a_second_target_and_a_topic_concept() -> None:
    graphs = networks(statements(CLAIMS, _ARTICLES, _ACTORS), "t2")
    assert _edges(graphs["two_mode"], "weight", "agreement") == {("outlet:Daily", "topic:alliance"): (1, "favor")}
    assert graphs["two_mode"].nodes["outlet:Daily"] == {"kind": "outlet", "label": "Daily"}
    assert (graphs["congruence"].number_of_nodes(), graphs["congruence"].number_of_edges()) == (1, 0)


def test_files_read_back_with_networkx_equal_the_computed_graphs(tmp_path: Path) -> None:
    found = statements(CLAIMS, _ARTICLES, _ACTORS)
    written = write_network_files(tmp_path, found)
    assert len(written) == 2 * 3 * 2  # targets x kinds x formats
    for entry in written:
        path = tmp_path / entry["path"]
        graph = nx.read_graphml(path) if entry["format"] == "graphml" else nx.read_gexf(path)
        expected = networks(found, entry["target"])[entry["kind"]]
        assert sorted(graph.nodes) == sorted(expected.nodes)
        assert _edges(graph, "weight") == _edges(expected, "weight")
    assert write_network_files(tmp_path / "again", found) == written  # sha256 included: byte-identical


def _gold_two_mode_edges(release: Path, target: str) -> int:
    """Distinct (actor, concept) pairs with a favor or against stance, straight from the gold Parquet files (concept:
    the claim's cluster, else its topic)."""
    data = release / "data"
    return duckdb.sql(f"""
        with labels as (select * from '{data}/labels/*.parquet' where config = 'claims')
        select count(distinct (coalesce('actor:' || c.claimer_actor_id,
                                         'outlet:' || a.provenance.outlet.value, 'outlet-of:' || c.article_id),
                               coalesce('cluster:' || c.cluster_id, 'topic:' || c.topic)))
        from (select *, unnest(stance) as s from '{data}/claims/*.parquet') c
        join '{data}/articles/*.parquet' a using (article_id)
        join labels t on t.field = 'stance.target' and t.id = c.s.target
        join labels l on l.field = 'stance.label' and l.id = c.s.label
        where (c.cluster_id is not null or c.topic is not null) and t.name = '{target}' and l.name in ('favor', 'against')""").fetchall()[0][0]


def test_release_files_match_the_gold_tables(release: Path) -> None:
    import json

    manifest = json.loads((release / "manifest.json").read_text("utf-8"))
    files = manifest["network_files"]
    stated = {s["target"] for c in read_rows(release, "claims") for s in c["stance"]}
    assert {f["target"] for f in files} == stated and "policy_shift" in stated
    for entry in files:
        path = release / entry["path"]
        graph = nx.read_graphml(path) if entry["format"] == "graphml" else nx.read_gexf(path)
        assert (graph.number_of_nodes(), graph.number_of_edges()) == (entry["nodes"], entry["edges"])
        if entry["kind"] == "two_mode":
            assert graph.number_of_edges() == _gold_two_mode_edges(release, entry["target"])
    assert _gold_two_mode_edges(release, "policy_shift") > 0
    assert f"| `{files[0]['path']}` |" in (release / "README.md").read_text("utf-8")


@pytest.mark.skipif(not os.environ.get("KDC_GEXF_XSD"), reason="KDC_GEXF_XSD (the official GEXF 1.2draft "
                    "gexf.xsd, with the schemas it imports beside it) is not set: no package registry ships it")
def test_gexf_files_are_valid_against_the_published_schema(release: Path) -> None:
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(os.environ["KDC_GEXF_XSD"]))
    for path in sorted(release.glob("network/*.gexf")):
        assert schema.validate(etree.parse(str(path))), (path.name, str(schema.error_log.last_error))


def test_gexf_carries_the_release_date_not_the_build_date() -> None:
    from korea_deterrence.loaders.version import RELEASE_DATE

    graph = networks(statements(CLAIMS, _ARTICLES, _ACTORS), "t1")["two_mode"]
    assert f'lastmodifieddate="{RELEASE_DATE}"'.encode() in graph_bytes(graph, "gexf")
