"""Write graphs as GraphML.

GraphML is the XML graph format that yEd, Cytoscape, igraph and networkx read.
The document itself is written by :func:`networkx.write_graphml` (its lxml
writer); this module first makes the graph safe for it:

* Node ids must be simple tokens (GraphML ids are ``NMTOKEN``-like; an IRI is
  not one). The views already use ``n0``, ``n1``...; any other graph whose ids
  are not all tokens is relabelled ``n0``, ``n1``... in iteration order, and the
  original id is kept, as a string, in the ``name`` attribute (unless the node
  already has one).
* Attribute values are made plain with :func:`entente.graph.gexf.plain_value`:
  ``str``, ``int``, ``float`` and ``bool`` stay (GraphML ``string``, ``long``,
  ``double``, ``boolean``), ``None`` values are dropped, lists and sets become
  ``;``-joined strings, dates ISO strings, and characters XML 1.0 cannot hold
  (:func:`entente.graph.gexf.xml_safe`) are removed from every string, attribute
  names and the ``name`` kept for a relabelled node included: lxml refuses them,
  and networkx's own writer would otherwise stop halfway through the file.
* A multigraph's edges get unique keys ``e0``, ``e1``... (networkx's default
  keys repeat ``0`` for every node pair, and GraphML edge ids must be unique).

:func:`networkx.read_graphml` reads the result back with the same nodes, edges
and attribute values.

Limits:
    Unlike the GEXF export there are no colours, sizes or time: GraphML has no
    standard for them. An attribute must keep one Python type across all nodes
    (or all edges); networkx declares one GraphML type per attribute name.
"""

from __future__ import annotations

import os
import re
from typing import IO, Any

import networkx as nx

from entente.errors import ExportError
from entente.graph.gexf import plain_value, xml_safe

__all__ = ["write_graphml"]

_TOKEN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


def write_graphml(graph: nx.Graph, path_or_file: str | os.PathLike[str] | IO[bytes]) -> None:
    """Write a graph as GraphML (see the module docstring for what is changed).

    Args:
        graph: Any networkx graph; it is not modified.
        path_or_file: File name, or a binary file object opened for writing. A
            file name is written in place; :func:`entente.graph.export.export`
            writes atomically.

    Raises:
        ExportError: The file cannot be written.
    """
    safe = _plain_graph(graph)
    target = path_or_file if hasattr(path_or_file, "write") else os.fspath(path_or_file)
    try:
        nx.write_graphml(safe, target, encoding="utf-8", prettyprint=True)
    except OSError as exc:
        raise ExportError(f"cannot write GraphML to {path_or_file}: {exc}") from exc


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    plain = {xml_safe(str(k)): plain_value(v) for k, v in data.items()}
    return {k: v for k, v in plain.items() if v is not None}


def _plain_graph(graph: nx.Graph) -> nx.Graph:
    nodes = list(graph.nodes)
    tokens = all(isinstance(n, str) and _TOKEN.match(n) for n in nodes)
    ids = {n: (n if tokens else f"n{i}") for i, n in enumerate(nodes)}
    safe = graph.__class__()
    safe.graph.update(_plain(graph.graph))
    for node, data in graph.nodes(data=True):
        attrs = _plain(data)
        if not tokens:
            attrs.setdefault("name", plain_value(str(node)))
        safe.add_node(ids[node], **attrs)
    if graph.is_multigraph():
        for i, (u, v, data) in enumerate(graph.edges(data=True)):
            safe.add_edge(ids[u], ids[v], key=f"e{i}", **_plain(data))
    else:
        for u, v, data in graph.edges(data=True):
            safe.add_edge(ids[u], ids[v], **_plain(data))
    return safe
