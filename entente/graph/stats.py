"""Counts that summarise an entente store, computed by SPARQL ``COUNT`` in Oxigraph."""

from __future__ import annotations

import pyoxigraph as ox

from entente.errors import StoreError
from entente.graph.query import PREFIXES

__all__ = ["STAT_QUERIES", "graph_stats"]

# Each query binds ?n; they run with the union of the named graphs as default graph,
# except "triples", which counts every quad of the dataset (ontology included).
STAT_QUERIES: dict[str, str] = {
    "articles": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ent:Article }",
    "agreements": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ent:Agreement }",
    "restrictions": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ent:Restriction }",
    "actors": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ent:Actor }",
    "states": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ent:State }",
    "persons": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ent:Person }",
    "organizations": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ent:Organization }",
    "technologies": "SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?r ent:technology ?t }",
    "mentions": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ent:Mention }",
    "triples": ("SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"),
}


def graph_stats(store: object) -> dict[str, int]:
    """Summary counts of a store.

    Args:
        store: A :class:`~entente.graph.store.GraphStore` or a :class:`pyoxigraph.Store`.

    Returns:
        ``articles``, ``agreements``, ``restrictions``, ``actors`` and by kind
        ``states``/``persons``/``organizations``, ``technologies`` (distinct concepts
        used by relations), ``mentions`` (evidence), and ``triples`` (all quads in all
        graphs, vocabulary included), in that order.

    Raises:
        StoreError: If the store cannot be read.
    """
    oxigraph = store if isinstance(store, ox.Store) else store.oxigraph  # type: ignore[attr-defined]
    stats: dict[str, int] = {}
    for name, sparql in STAT_QUERIES.items():
        try:
            solutions = oxigraph.query(
                sparql, prefixes=PREFIXES, use_default_graph_as_union=name != "triples"
            )
            stats[name] = int(next(iter(solutions))["n"].value)
        except OSError as error:
            raise StoreError(f"cannot read the store: {error}") from error
    return stats
