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

from korea_deterrence.loaders.network import Statement, networks, targets
from korea_deterrence.loaders.version import RELEASE_DATE, VERSION

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

