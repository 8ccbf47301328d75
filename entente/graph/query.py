"""Read-only SPARQL over the entente store, result formatting, and example queries.

Queries run in Oxigraph with the union of all named graphs as the default graph,
and with the prefixes of :data:`PREFIXES` pre-declared (a query may still declare
its own ``PREFIX``/``BASE``; its declarations win).

Values go into a query as *bindings* (pyoxigraph ``substitutions``), never by
formatting text into the query string, so a value taken from an article cannot
change the query.

Security caveats:
    * Updates are refused, but a query is otherwise run as written. Oxigraph
      evaluates ``SERVICE <http://...>`` clauses by making HTTP requests from this
      process: do not run queries from untrusted users on a machine whose network
      position matters.
    * Results are materialised in memory (to allow several output formats); add
      ``LIMIT`` to queries that may return millions of rows.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import IO, TYPE_CHECKING, Union

import pyoxigraph as ox

from entente.errors import QueryError, StoreError
from entente.graph.iris import DCTERMS, ENT, ENTR, OWL, PROV, RDF, RDFS, SKOS, XSD

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

__all__ = [
    "GRAPH_FORMATS",
    "PREFIXES",
    "RESULT_FORMATS",
    "QueryResult",
    "format_result",
    "list_examples",
    "load_example",
    "run_query",
    "shorten",
    "to_term",
    "write_result",
]

Term = Union[ox.NamedNode, ox.BlankNode, ox.Literal, ox.Triple]  # noqa: UP007 - runtime alias

PREFIXES: dict[str, str] = {
    "ent": ENT.iri,
    "entr": ENTR.iri,
    "prov": PROV.iri,
    "skos": SKOS.iri,
    "dcterms": DCTERMS.iri,
    "rdf": RDF.iri,
    "rdfs": RDFS.iri,
    "owl": OWL.iri,
    "xsd": XSD.iri,
    # shortcuts for resources: "/" is not allowed inside a prefixed name, so
    # entr:state/IND must be written state:IND (or entr:state\\/IND, or in full)
    "state": ENTR.iri + "state/",
    "person": ENTR.iri + "person/",
    "organization": ENTR.iri + "organization/",
    "tech": ENTR.iri + "technology/",
}
"""Prefixes every query may use without declaring them."""

RESULT_FORMATS = ("table", "csv", "tsv", "json", "xml")
"""Formats for SELECT and ASK results (csv/tsv/json/xml are the SPARQL 1.1 result formats)."""
GRAPH_FORMATS = ("table", "turtle", "ntriples")
"""Formats for CONSTRUCT and DESCRIBE results."""

_RESULTS_FORMATS = {
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
}
_RDF_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES}


@dataclass(frozen=True, slots=True)
class QueryResult:
    """The materialised result of a query.

    Attributes:
        kind: ``"select"``, ``"ask"`` or ``"graph"`` (CONSTRUCT and DESCRIBE).
        variables: The projected variables of a SELECT, in order.
        rows: One tuple per solution, aligned with ``variables`` (``None`` when unbound).
        boolean: The answer of an ASK.
        triples: The triples of a CONSTRUCT or DESCRIBE.
    """

    kind: str
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[Term | None, ...], ...] = ()
    boolean: bool | None = None
    triples: tuple[ox.Triple, ...] = ()
    _json: bytes = field(default=b"", repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.rows) if self.kind == "select" else len(self.triples)

    def records(self) -> list[dict[str, Term | None]]:
        """The SELECT rows as dictionaries ``{variable: term}``."""
        return [dict(zip(self.variables, row, strict=True)) for row in self.rows]

    def values(self, variable: str) -> list[Term | None]:
        """The column of one variable."""
        index = self.variables.index(variable)
        return [row[index] for row in self.rows]


def _store_of(store: object) -> ox.Store:
    if isinstance(store, ox.Store):
        return store
    oxigraph = getattr(store, "oxigraph", None)
    if isinstance(oxigraph, ox.Store):
        return oxigraph
    raise TypeError(f"expected a GraphStore or a pyoxigraph.Store, got {type(store).__name__}")


def to_term(value: object) -> Term:
    """Turn a binding value into an RDF term.

    * pyoxigraph terms are kept;
    * ``bool``, ``int``, ``float`` become ``xsd:boolean``/``xsd:integer``/``xsd:double``;
    * a ``str`` written ``<iri>`` or ``prefix:local`` with a prefix of :data:`PREFIXES`
      (``entr:state/IND``) becomes that IRI; any other ``str`` is a plain string literal.

    Raises:
        QueryError: If an IRI is invalid or the type is not supported.
    """
    if isinstance(value, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple):
        return value
    if isinstance(value, bool | int | float):
        return ox.Literal(value)
    if isinstance(value, str):
        iri = None
        if value.startswith("<") and value.endswith(">"):
            iri = value[1:-1]
        else:
            prefix, colon, local = value.partition(":")
            if colon and prefix in PREFIXES:
                iri = PREFIXES[prefix] + local
        if iri is None:
            return ox.Literal(value)
        try:
            return ox.NamedNode(iri)
        except ValueError as error:
            raise QueryError(f"invalid IRI {iri!r} in a binding: {error}") from error
    raise QueryError(f"cannot bind a value of type {type(value).__name__}")


def _substitutions(bindings: Mapping[str, object] | None) -> dict[ox.Variable, Term]:
    result: dict[ox.Variable, Term] = {}
    for name, value in (bindings or {}).items():
        if value is None:
            continue
        variable = name.lstrip("?$")
        try:
            result[ox.Variable(variable)] = to_term(value)
        except ValueError as error:
            raise QueryError(f"invalid variable name {name!r}: {error}") from error
    return result


def _is_update(sparql: str) -> bool:
    """Whether text that is not a valid query parses as a non-empty SPARQL update.

    pyoxigraph offers no parse-only API for updates (``Store.update`` would execute
    it, and ``LOAD`` would fetch URLs), so rdflib's parser is used, lazily, on this
    error path only.
    """
    try:
        from rdflib.plugins.sparql.parser import parseUpdate
    except ImportError:  # pragma: no cover - rdflib is a dependency
        return False
    try:
        parsed = parseUpdate(sparql)
    except Exception:  # noqa: BLE001 - any parse failure means "not an update"
        return False
    return "request" in parsed and len(parsed["request"]) > 0


def run_query(
    store: object,
    sparql: str,
    *,
    bindings: Mapping[str, object] | None = None,
) -> QueryResult:
    """Run a read-only SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE).

    Args:
        store: A :class:`~entente.graph.store.GraphStore` or a :class:`pyoxigraph.Store`.
        sparql: The query; the prefixes of :data:`PREFIXES` need not be declared.
        bindings: Values for variables (``{"state": "entr:state/IND"}``), converted with
            :func:`to_term`; ``None`` values are skipped (the variable stays free).
            A bound variable of a SELECT must be in its projection (or use ``SELECT *``).

    Returns:
        The materialised :class:`QueryResult`.

    Raises:
        QueryError: The text is an update (``updates are not allowed``), is not valid
            SPARQL (with the parser's message), or a binding is invalid.
        StoreError: The store could not be read.
    """
    oxigraph = _store_of(store)
    if not sparql.strip():
        raise QueryError("the query is empty")
    substitutions = _substitutions(bindings)
    try:
        result = oxigraph.query(
            sparql,
            prefixes=PREFIXES,
            use_default_graph_as_union=True,
            substitutions=substitutions or None,
        )
        return _materialise(result)
    except SyntaxError as error:
        if _is_update(sparql):
            raise QueryError(
                "updates are not allowed; only SELECT, ASK, CONSTRUCT and DESCRIBE queries "
                "can be run (change the store with `entente ingest`)"
            ) from None
        raise QueryError(f"invalid SPARQL query: {error}") from None
    except OSError as error:
        raise StoreError(f"cannot read the store: {error}") from error
    except RuntimeError as error:  # e.g. a binding for a variable outside the projection
        raise QueryError(f"cannot run the query: {error}") from error


def _materialise(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> QueryResult:
    if isinstance(result, ox.QueryBoolean):
        return QueryResult(
            kind="ask",
            boolean=bool(result),
            _json=result.serialize(format=ox.QueryResultsFormat.JSON),
        )
    if isinstance(result, ox.QueryTriples):
        return QueryResult(kind="graph", triples=tuple(result))
    # Serialise once with Oxigraph, then read the rows back: the solutions iterator
    # can be consumed only once, and this keeps every output format exact.
    payload = result.serialize(format=ox.QueryResultsFormat.JSON)
    solutions = ox.parse_query_results(payload, ox.QueryResultsFormat.JSON)
    variables = tuple(v.value for v in solutions.variables)
    rows = tuple(tuple(solution[v] for v in variables) for solution in solutions)
    return QueryResult(kind="select", variables=variables, rows=rows, _json=payload)


# -- formatting --------------------------------------------------------------------


def shorten(term: Term | None) -> str:
    """Plain text for a term: IRIs as ``prefix:local`` when a known prefix fits,
    literals as their lexical form, unbound as the empty string."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        best = ""
        for prefix, iri in PREFIXES.items():
            if term.value.startswith(iri) and len(iri) > len(PREFIXES.get(best, "")):
                best = prefix
        return f"{best}:{term.value[len(PREFIXES[best]) :]}" if best else term.value
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def _table(result: QueryResult, width: int | None) -> str:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    if result.kind == "ask":
        return ("true" if result.boolean else "false") + "\n"
    if result.kind == "graph":
        headers: tuple[str, ...] = ("subject", "predicate", "object")
        rows = [(t.subject, t.predicate, t.object) for t in result.triples]
    else:
        headers, rows = result.variables, list(result.rows)
    table = Table(*headers, show_lines=False)
    for row in rows:
        # Text objects, not str: values from articles must not be read as rich markup.
        table.add_row(*(Text(shorten(term)) for term in row))
    buffer = io.StringIO()
    console = Console(file=buffer, width=width or 160, color_system=None, soft_wrap=False)
    console.print(table)
    return buffer.getvalue()


def format_result(
    result: QueryResult, fmt: str = "table", *, width: int | None = None
) -> str | bytes:
    """Serialise a result.

    Args:
        result: What :func:`run_query` returned.
        fmt: For SELECT/ASK one of :data:`RESULT_FORMATS`; for CONSTRUCT/DESCRIBE one of
            :data:`GRAPH_FORMATS`. ``table`` is a text table for people (IRIs shortened
            with :data:`PREFIXES`, literals without quotes or datatypes); the others are
            the standard machine formats, produced by Oxigraph.
        width: Width of a ``table`` in characters (default 160).

    Returns:
        ``str`` for ``table``, UTF-8 ``bytes`` otherwise.

    Raises:
        QueryError: If the format does not exist or does not fit the kind of result.
    """
    if fmt == "table":
        return _table(result, width)
    if result.kind == "graph":
        if fmt not in _RDF_FORMATS:
            raise QueryError(
                f"format {fmt!r} cannot hold CONSTRUCT/DESCRIBE results; "
                f"use one of {', '.join(GRAPH_FORMATS)}"
            )
        prefixes = PREFIXES if fmt == "turtle" else None
        return ox.serialize(result.triples, format=_RDF_FORMATS[fmt], prefixes=prefixes) or b""
    if fmt not in _RESULTS_FORMATS:
        raise QueryError(
            f"format {fmt!r} cannot hold SELECT/ASK results; use one of {', '.join(RESULT_FORMATS)}"
        )
    if fmt == "json":
        return result._json
    parsed = ox.parse_query_results(result._json, ox.QueryResultsFormat.JSON)
    return parsed.serialize(format=_RESULTS_FORMATS[fmt]) or b""


def write_result(
    result: QueryResult, fmt: str, stream: IO[str] | IO[bytes], *, width: int | None = None
) -> None:
    """Write :func:`format_result` output to a text or binary stream."""
    data = format_result(result, fmt, width=width)
    if isinstance(stream, io.TextIOBase) or "b" not in getattr(stream, "mode", "b"):
        stream.write(data if isinstance(data, str) else data.decode("utf-8"))  # type: ignore[arg-type]
    else:
        stream.write(data.encode("utf-8") if isinstance(data, str) else data)  # type: ignore[arg-type]


# -- example queries ---------------------------------------------------------------


def _example_files() -> dict[str, Traversable]:
    folder = resources.files("entente.graph").joinpath("queries")
    return {
        entry.name[: -len(".rq")]: entry
        for entry in folder.iterdir()
        if entry.name.endswith(".rq") and entry.is_file()
    }


def list_examples() -> list[tuple[str, str]]:
    """The example queries shipped with entente, as sorted ``(name, description)`` pairs.

    The description is the first line of the file, a ``# `` comment.
    """
    examples = []
    for name, entry in sorted(_example_files().items()):
        first = entry.read_text(encoding="utf-8").splitlines()[0] if entry.is_file() else ""
        examples.append((name, first.lstrip("#").strip()))
    return examples


def load_example(name: str) -> str:
    """The text of an example query.

    Raises:
        QueryError: If there is no example of that name (the message lists them).
    """
    files = _example_files()
    if name.endswith(".rq"):
        name = name[:-3]
    if name not in files:
        raise QueryError(f"no example query {name!r}; choose one of: {', '.join(sorted(files))}")
    return files[name].read_text(encoding="utf-8")
