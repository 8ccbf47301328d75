"""RDF side of entente: IRIs, quads, the Oxigraph store, SPARQL queries and exports.

Submodules are imported on demand (``from entente.graph.store import GraphStore``);
importing this package imports nothing else.
"""
