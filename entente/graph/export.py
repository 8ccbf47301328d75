"""Export a store to graph, table and RDF files.

:func:`export` is the one entry point the CLI needs: it picks the writer for a
format, writes atomically and says how much it wrote.

Formats (:data:`FORMATS`):

* ``gexf`` (Gephi) and ``graphml``: a view of the store, ``actors``
  (:func:`entente.graph.views.actors_view`) or ``full``
  (:func:`entente.graph.views.full_view`), written by
  :func:`entente.graph.gexf.write_gexf` or :func:`entente.graph.graphml.write_graphml`;
* ``csv``: one row per relation (:func:`entente.graph.tables.write_relations_csv`);
* ``nquads``, ``trig``, ``jsonld``: the whole dataset, every named graph kept
  (article graphs, ``entr:graph/actors``, ``entr:graph/ontology``), dumped by
  Oxigraph; JSON-LD is Oxigraph's own writer (expanded form, no ``@context``);
* ``turtle``, ``ntriples``: formats without named graphs, so they hold the
  *union* of all graphs: every distinct triple once, which graph it came from
  lost. That is what a tool that reads one graph wants (and what SPARQL sees);
  use ``trig`` or ``nquads`` to keep the article provenance of each statement.

Safety of the output: every IRI in the store is plain ASCII
(:mod:`entente.graph.iris`) and every literal is NFC text without the characters
XML 1.0 forbids (:func:`entente.graph.rdf.clean_text`); the GEXF and GraphML
writers remove such characters again from whatever graph they get, and the CSV
table guards cells against formula injection (:mod:`entente.graph.tables`). The
N-Triples, N-Quads, Turtle, TriG and JSON-LD writers escape any character, so a
store filled by other tools still dumps and re-parses. RDF/XML is deliberately
not offered: Oxigraph's RDF/XML writer copies control characters such as
``\\x0b`` into the XML unescaped (XML 1.0 has no way to write them), which
strict XML parsers refuse.

Writing is atomic: the data goes to a temporary file in the output's directory,
which replaces the output only once complete, so a failed export leaves any
previous file intact. ``output="-"`` writes to standard output (every format is
text); a binary file object is written to directly.

Limits:
    The union for ``turtle``/``ntriples`` is built in memory (a set of triples);
    the views and the table read the relations into memory too. The store is
    only read.
"""

from __future__ import annotations

import contextlib
import io
import os
import secrets
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from entente.errors import ExportError
from entente.graph.gexf import write_gexf
from entente.graph.graphml import write_graphml
from entente.graph.tables import write_relations_csv
from entente.graph.views import actors_view, full_view

__all__ = ["FORMATS", "GRAPH_FORMATS", "RDF_FORMATS", "VIEWS", "ExportSummary", "export"]

GRAPH_FORMATS = ("gexf", "graphml")
RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
}
FORMATS = (*GRAPH_FORMATS, "csv", *RDF_FORMATS)
VIEWS = ("actors", "full")

PREFIXES = {
    "ent": "https://w3id.org/entente/ns#",
    "entr": "https://w3id.org/entente/id/",
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


@dataclass(frozen=True)
class ExportSummary:
    """What an export wrote.

    Attributes:
        format: The format name.
        output: Where it went (a path, ``"-"`` for stdout, or ``"<file>"``).
        view: ``actors`` or ``full`` for graph formats, else ``None``.
        nodes: Nodes written (graph formats), else ``None``.
        edges: Edges written (graph formats), else ``None``.
        rows: Rows written, header excluded (``csv``), else ``None``.
        triples: Statements written (RDF formats: quads for ``nquads``,
            ``trig`` and ``jsonld``, distinct triples for ``turtle`` and
            ``ntriples``), else ``None``.
    """

    format: str
    output: str
    view: str | None = None
    nodes: int | None = None
    edges: int | None = None
    rows: int | None = None
    triples: int | None = None


def export(
    store: ox.Store,
    fmt: str,
    output: str | os.PathLike[str] | IO[bytes],
    *,
    view: str = "actors",
    formula_guard: bool = True,
) -> ExportSummary:
    """Export a store in one format (see the module docstring).

    Args:
        store: A pyoxigraph store laid out as in ``docs/model.md``; only read.
        fmt: One of :data:`FORMATS`.
        output: A file path, ``"-"`` for standard output, or a binary file object.
        view: ``actors`` or ``full``; used by the graph formats only.
        formula_guard: For ``csv``, prefix ``'`` to cells a spreadsheet would run
            as formulas (see :mod:`entente.graph.tables`).

    Returns:
        The counts of what was written.

    Raises:
        ExportError: Unknown format or view, or the output cannot be written.
    """
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    if fmt in GRAPH_FORMATS and view not in VIEWS:
        raise ExportError(f"unknown view {view!r}; choose one of: {', '.join(VIEWS)}")
    where = _describe(output)

    with _opened(output) as file:
        if fmt in GRAPH_FORMATS:
            graph = actors_view(store) if view == "actors" else full_view(store)
            if fmt == "gexf":
                write_gexf(graph, file, name=f"entente {view} graph")
            else:
                write_graphml(graph, file)
            return ExportSummary(
                fmt, where, view, nodes=graph.number_of_nodes(), edges=graph.number_of_edges()
            )
        if fmt == "csv":
            return ExportSummary(
                fmt, where, rows=write_relations_csv(store, file, formula_guard=formula_guard)
            )
        return ExportSummary(fmt, where, triples=_dump_rdf(store, fmt, file))


def _dump_rdf(store: ox.Store, fmt: str, file: IO[bytes]) -> int:
    rdf_format = RDF_FORMATS[fmt]
    try:
        if rdf_format.supports_datasets:
            store.dump(file, rdf_format, prefixes=_prefixes(rdf_format))
            return len(store)
        triples = {ox.Triple(q.subject, q.predicate, q.object) for q in store}
        # Sorted so that Turtle groups each subject's statements and the output is stable.
        ordered = sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
        ox.serialize(ordered, file, rdf_format, prefixes=_prefixes(rdf_format))
        return len(triples)
    except (OSError, ValueError) as exc:
        raise ExportError(f"cannot write {fmt}: {exc}") from exc


def _prefixes(rdf_format: ox.RdfFormat) -> dict[str, str] | None:
    return PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None


def _describe(output: str | os.PathLike[str] | IO[bytes]) -> str:
    if hasattr(output, "write"):
        return "<file>"
    return os.fspath(output)


@contextlib.contextmanager
def _opened(output: str | os.PathLike[str] | IO[bytes]) -> Iterator[IO[bytes]]:
    """A binary file to write to; for a path, a temporary file renamed into place."""
    if hasattr(output, "write"):
        yield output  # type: ignore[misc]
        return
    if os.fspath(output) == "-":
        buffer = io.BytesIO()
        yield buffer
        stdout = getattr(sys.stdout, "buffer", None)
        if stdout is not None:
            sys.stdout.flush()
            stdout.write(buffer.getvalue())
            stdout.flush()
        else:  # a replaced sys.stdout (tests, notebooks) may be text only
            sys.stdout.write(buffer.getvalue().decode("utf-8"))
        return
    path = Path(output)
    if path.is_dir():
        raise ExportError(f"cannot write {path}: it is a directory; give a file name")
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # 0o666 and the umask, as open() would give the final file (mkstemp gives 0o600).
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "wb") as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
