"""SHACL validation of entente data against ``entente/ontology/shapes.ttl``.

:func:`validate` checks an rdflib graph or dataset (or an RDF file), and
:func:`validate_store` a whole Oxigraph store, against the shapes; both return a
plain :class:`ValidationReport`.

How the data is validated:

* All named graphs are validated **together**, as one union graph, as the
  queries see them: an agreement in an article graph names parties whose types
  and labels live in ``entr:graph/actors``. (pyshacl by itself would validate
  each named graph of a Dataset separately, and report every cross-graph
  reference as a violation.)
* The vocabulary (``ent.ttl``, ``types.ttl``, ``technologies.ttl``) is added to
  that union, as pyshacl's ``ont_graph`` would, so that a status or technology can
  be checked against its concept scheme even when only one article's graph is
  given. It is added to a copy: the caller's graph is never modified.
* No inference is run. The shapes target every class named in the data
  (``docs/model.md`` types each resource explicitly), and SHACL's own
  ``rdfs:subClassOf`` handling uses the subclass axioms of ``ent.ttl``.

Cost: pyshacl is a pure-Python SHACL engine. Measured here, a union of 5,000
triples validates in about 0.3 s and one of 20,000 in about 1.2 s (roughly linear
in the number of focus nodes), plus about 0.1 s the first time, to parse the
shapes and vocabulary; ``inference="rdfs"`` made it about 3.5 times slower, which
is why inference is off. For stores of millions of triples, validate article
graphs a few at a time (each with the actors graph) rather than all at once.

Data read from a path is parsed with rdflib; parse only files you trust to be
of reasonable size, as rdflib holds them in memory.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.graph import ConjunctiveGraph
from rdflib.namespace import RDF, SH
from rdflib.term import Node
from rdflib.util import guess_format

from entente.errors import InputError
from entente.ontology import SHAPES, VOCABULARY, path

__all__ = ["ValidationReport", "Violation", "validate", "validate_store"]

_QUAD_FORMATS = frozenset({"trig", "nquads", "trix"})


@dataclass(frozen=True, slots=True)
class Violation:
    """One SHACL validation result.

    Attributes:
        focus: The node that fails a shape: an IRI, or ``_:id`` for a blank node.
        path: The property IRI the result is about, ``None`` for node-level results.
        message: What is wrong, from the shape's ``sh:message`` or pyshacl's text.
        severity: ``"Violation"``, ``"Warning"`` or ``"Info"``.
        value: The offending value (IRI or literal lexical form), if any.
        shape: The IRI of the violated node shape (for a property constraint, of the
            node shape that holds it), or ``None`` if it has no IRI.
    """

    focus: str
    path: str | None
    message: str
    severity: str
    value: str | None = None
    shape: str | None = None


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """The outcome of :func:`validate`.

    Attributes:
        conforms: Whether the data meets every shape.
        violations: Every validation result, sorted by focus node, path and message.
        text: pyshacl's human-readable report.
    """

    conforms: bool
    violations: tuple[Violation, ...]
    text: str

    def __bool__(self) -> bool:
        return self.conforms


@lru_cache(maxsize=1)
def _shapes_graph() -> Graph:
    return Graph().parse(path(SHAPES), format="turtle")


@lru_cache(maxsize=1)
def _vocabulary_graph() -> Graph:
    graph = Graph()
    for name in VOCABULARY:
        graph.parse(path(name), format="turtle")
    return graph


def _read(source: str | os.PathLike[str]) -> Graph | Dataset:
    """Parse a file into a Graph (triple formats) or a Dataset (quad formats)."""
    file = Path(source)
    fmt = guess_format(file.name)
    if fmt is None:
        raise InputError(
            str(file),
            None,
            "cannot tell the RDF format from the extension; use .ttl, .nt, "
            ".nq, .trig, .jsonld or .rdf",
        )
    if not file.is_file():
        raise InputError(str(file), None, "no such file")
    data: Graph | Dataset = Dataset() if fmt in _QUAD_FORMATS else Graph()
    # Open the file ourselves: rdflib 7.6 leaves a file it opened for a Dataset unclosed
    # (a ResourceWarning), and its TriG parser calls its own deprecated Dataset API.
    try:
        with file.open("rb") as handle, warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            data.parse(source=handle, format=fmt, publicID=file.resolve().as_uri())
    except Exception as exc:  # rdflib raises many unrelated types on bad syntax
        raise InputError(str(file), None, f"cannot be parsed as {fmt}: {exc}") from exc
    return data


def _union(data: Graph) -> Graph:
    """Return a new graph holding the vocabulary and every triple of ``data``."""
    union = Graph()
    for triple in _vocabulary_graph():
        union.add(triple)
    if isinstance(data, ConjunctiveGraph):  # also Dataset: take the triples of all graphs
        for s, p, o, _ in data.quads((None, None, None, None)):
            union.add((s, p, o))
    else:
        for triple in data:
            union.add(triple)
    return union


def _text(node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, Literal):
        return str(node)
    if isinstance(node, URIRef):
        return str(node)
    return node.n3()


def _message(results: Graph, result: Node) -> str:
    messages = list(results.objects(result, SH.resultMessage))
    english = [m for m in messages if isinstance(m, Literal) and m.language in (None, "en")]
    chosen = english or messages
    return str(chosen[0]) if chosen else ""


def _shape_name(shape: Node | None) -> str | None:
    """The IRI of a shape, or of the node shape that holds a blank-node property shape."""
    if isinstance(shape, URIRef):
        return str(shape)
    if shape is None:
        return None
    owner = _shapes_graph().value(predicate=SH.property, object=shape)
    return str(owner) if isinstance(owner, URIRef) else None


def _violations(results: Graph) -> tuple[Violation, ...]:
    violations = []
    # Only the report's own results: nested sh:detail results explain those.
    top_level = [
        result
        for report in results.subjects(RDF.type, SH.ValidationReport)
        for result in results.objects(report, SH.result)
    ]
    for result in top_level:
        severity = results.value(result, SH.resultSeverity)
        violations.append(
            Violation(
                focus=_text(results.value(result, SH.focusNode)) or "",
                path=_text(results.value(result, SH.resultPath)),
                message=_message(results, result),
                severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
                value=_text(results.value(result, SH.value)),
                shape=_shape_name(results.value(result, SH.sourceShape)),
            )
        )
    return tuple(sorted(violations, key=lambda v: (v.focus, v.path or "", v.message)))


def _from_oxigraph(store: ox.Store) -> Graph:
    """Copy the union of all graphs of an Oxigraph store into an rdflib Graph."""
    triples = (ox.Triple(quad.subject, quad.predicate, quad.object) for quad in store)
    ntriples = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    return Graph().parse(data=ntriples, format="nt")


def validate_store(store: ox.Store) -> ValidationReport:
    """Validate everything in an Oxigraph store (all named graphs, as one union).

    The store's quads are copied into memory (as an rdflib graph) first, so this
    costs memory and time in proportion to the store: see the module docstring.

    Args:
        store: An open :class:`pyoxigraph.Store`, e.g. ``GraphStore.oxigraph``.

    Returns:
        The :class:`ValidationReport`, as from :func:`validate`.
    """
    return validate(_from_oxigraph(store))


def validate(data: Graph | Dataset | str | os.PathLike[str]) -> ValidationReport:
    """Validate entente data against the SHACL shapes.

    Args:
        data: An rdflib :class:`~rdflib.Graph` or :class:`~rdflib.Dataset` (all
            its named graphs are validated together as one union), or the path of
            an RDF file whose format is guessed from its extension (``.trig`` and
            ``.nq`` are read as datasets).

    Returns:
        A :class:`ValidationReport`; ``report.conforms`` is ``False`` if any shape
        is violated, and ``report.violations`` says where.

    Raises:
        InputError: If ``data`` is a path that does not exist or cannot be parsed.
    """
    # Imported here: pyshacl pulls in owlrl and takes ~0.5 s to import.
    import pyshacl

    graph = _read(data) if isinstance(data, str | os.PathLike) else data
    union = _union(graph)
    conforms, results, text = pyshacl.validate(
        union,
        shacl_graph=_shapes_graph(),
        inference="none",
        inplace=True,  # the union is already our own copy
        abort_on_first=False,
        allow_warnings=False,
        advanced=False,
    )
    assert isinstance(results, Graph)
    return ValidationReport(conforms=bool(conforms), violations=_violations(results), text=text)
