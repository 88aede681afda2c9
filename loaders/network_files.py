"""The network files of a release: GraphML and GEXF 1.2draft per kind and stance target, written
byte-identically (sorted nodes and edges, the release date instead of the write date)."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

from xml.etree.ElementTree import SubElement

import networkx as nx
from networkx.readwrite.gexf import GEXFWriter

from korea_deterrence.loaders.network import Statement, networks, release_statements, targets
from korea_deterrence.loaders.version import RELEASE_DATE, VERSION
from korea_deterrence.schema import Violation

FOLDER = "network"
FORMATS = ("graphml", "gexf")


def file_name(kind: str, target: str, fmt: str) -> str:
    """`network/<kind>.<target>.<fmt>`, relative to the release root."""
    return f"{FOLDER}/{kind}.{target}.{fmt}"


def write_network_files(root: Path, found: list[Statement]) -> list[dict[str, Any]]:
    """Write every network of `found` under `root/network/`; what the manifest records of each file."""
    written = []
    for target in targets(found):
        for kind, graph in networks(found, target).items():
            for fmt in FORMATS:
                path = root / file_name(kind, target, fmt)
                path.parent.mkdir(parents=True, exist_ok=True)
                data = graph_bytes(graph, fmt)
                path.write_bytes(data)
                written.append({"path": file_name(kind, target, fmt), "kind": kind, "target": target, "format": fmt,
                                "nodes": graph.number_of_nodes(), "edges": graph.number_of_edges(),
                                "sha256": hashlib.sha256(data).hexdigest()})
    return written


def graph_bytes(graph: nx.Graph, fmt: str) -> bytes:
    """The file's bytes: GraphML from networkx's standard-library writer, or GEXF 1.2draft."""
    out = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml_xml(graph, out)
        return out.getvalue()
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    meta = writer.xml.find("meta")
    meta.set("lastmodifieddate", RELEASE_DATE)  # networkx writes today's date: a rebuild would differ
    meta.find("creator").text = f"korea-deterrence {VERSION} (NetworkX {nx.__version__})"
    SubElement(meta, "description").text = graph.graph["name"]
    writer.add_graph(graph)
    del writer.xml.find("graph").attrib["name"]  # networkx always writes it; the GEXF schema allows no name
    writer.write(out)
    return out.getvalue()



def network_section(manifest: dict[str, Any]) -> str:
    """The card's section on the discourse network: definitions and every file with its counts."""
    files = manifest.get("network_files") or []
    if not files:
        return ""
    rows = "\n".join(f"| `{f['path']}` | {f['kind']} | {f['target']} | {f['nodes']} | {f['edges']} |" for f in files)
    return _SECTION.format(rows=rows)


_SECTION = """## Discourse network

The `network` config is the event list of a discourse network analysis in the sense of the Discourse
Network Analyzer (Leifeld 2013, *Policy Studies Journal* 41(1); the DNA manual): one statement per
gold claim, actor x concept x agreement. The actor is the claimer (`actor:<actor_id>`), or the outlet
when it makes the claim in its own voice (`outlet:<name>`, or `outlet-of:<article_id>` when the outlet
is unknown: each such article counts as its own outlet). The concept is the claim's cluster
(`cluster:<cluster_id>`), else its topic where the claims table has one; a claim with neither is in the
event list but in no network. The agreement qualifier, per stance target, is the claim's stance label
when it is `favor` or `against`; `neutral` and `none` carry no agreement and make no edge.

Per stance target, `network/` holds three networks, each as GraphML and as GEXF 1.2draft:

- `two_mode`: actor -- concept; `weight` = statements, `favor` and `against` = statements per
  qualifier, `agreement` = favor, against or mixed (DNA's "combine" aggregation);
- `congruence`: actor -- actor; `weight` = number of (concept, qualifier) pairs both actors stated
  (DNA's "congruence" aggregation, binary qualifier, no normalization), `concepts` = those concepts;
- `conflict`: actor -- actor; `weight` = number of concepts on which one stated favor and the other
  against (DNA's "conflict" aggregation), `concepts` = those concepts.

Nodes carry `kind` (actor, outlet or concept) and `label`. Nodes are the actors (and, in `two_mode`,
concepts) with at least one qualified statement on a concept for that target.

| file | network | stance target | nodes | edges |
|---|---|---|---|---|
{rows}

"""


_MEDIA_TYPES = {"graphml": "application/graphml+xml", "gexf": "application/gexf+xml"}


def croissant_files(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """A Croissant FileObject for every network file."""
    return [{"@type": "cr:FileObject", "@id": f["path"], "name": f["path"], "contentUrl": f["path"],
             "description": f"The {f['kind']} discourse network for stance target {f['target']} "
                            f"({f['nodes']} nodes, {f['edges']} edges); see the card, Discourse network.",
             "encodingFormat": _MEDIA_TYPES[f["format"]], "sha256": f["sha256"]}
            for f in manifest.get("network_files") or []]


def network_violations(root: Path) -> list[Violation]:
    """The network files of a release are exactly those its claims, articles and actors give, byte for byte."""
    found = release_statements(root)
    expected = {file_name(kind, target, fmt): graph_bytes(graph, fmt) for target in targets(found)
                for kind, graph in networks(found, target).items() for fmt in FORMATS}
    present = {p.relative_to(root).as_posix() for p in (root / FOLDER).glob("*") if p.is_file()}
    problems = [(path, "is not a network file of this release's claims") for path in sorted(present - set(expected))]
    problems += [(path, "is absent") for path in sorted(set(expected) - present)]
    problems += [(path, "differs from the network computed from this release's claims, articles and actors")
                 for path in sorted(present & set(expected)) if (root / path).read_bytes() != expected[path]]
    return [Violation(path, 0, "", "release.network", f"{path} {what}") for path, what in problems]
