"""Read-only SPARQL over the entente store, with limits, result formatting and example queries.

Queries run in Oxigraph with the union of all named graphs as the default graph,
and with the prefixes of :data:`PREFIXES` pre-declared (a query may still declare
its own ``PREFIX``/``BASE``; its declarations win).

Values go into a query as *bindings* (pyoxigraph ``substitutions``), never by
formatting text into the query string, so a value taken from an article cannot
change the query.

Safety and limits (:func:`run_query`):
    * Every query is checked on its parsed form first (:mod:`entente.graph.guard`):
      ``SERVICE`` is refused unless ``allow_service=True``; ``LOAD`` and every other
      update are always refused; ``FROM``/``FROM NAMED`` may name only graphs the
      store holds. Nothing runs before the check passes.
    * Time limit (:data:`DEFAULT_TIMEOUT`): an Oxigraph query cannot be interrupted
      in-process, so a query on an on-disk store runs in a child process that opens
      the store read-only and is killed at the deadline (about 0.05 s of overhead per
      query with the ``forkserver`` start method, 0.1-0.5 s with ``spawn``). Queries
      on in-memory stores, or with ``timeout=None``, run in-process without a time
      limit.
    * Row limit (:data:`DEFAULT_MAX_ROWS`): at most that many solutions (or triples)
      are read; :attr:`QueryResult.truncated` says when more were available.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import signal
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from itertools import islice
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Union

import pyoxigraph as ox

from entente import errors
from entente.errors import EntenteError, QueryError, QueryTimeoutError, StoreError
from entente.graph.iris import DCTERMS, ENT, ENTR, OWL, PROV, RDF, RDFS, SKOS, XSD

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from entente.graph.guard import CheckedQuery
    from entente.graph.store import GraphStore

__all__ = [
    "DEFAULT_MAX_ROWS",
    "DEFAULT_TIMEOUT",
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

DEFAULT_TIMEOUT = 30.0
"""Seconds a query may run before it is stopped (on-disk stores)."""
DEFAULT_MAX_ROWS = 100_000
"""Solutions (SELECT) or triples (CONSTRUCT, DESCRIBE) read at most."""

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
        truncated: Whether the row limit cut the result (more rows were available).
    """

    kind: str
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[Term | None, ...], ...] = ()
    boolean: bool | None = None
    triples: tuple[ox.Triple, ...] = ()
    truncated: bool = False
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


# -- running queries -----------------------------------------------------------------


def run_query(
    store: object,
    sparql: str,
    *,
    bindings: Mapping[str, object] | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    max_rows: int | None = DEFAULT_MAX_ROWS,
    allow_service: bool = False,
) -> QueryResult:
    """Check and run a read-only SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE).

    Args:
        store: A :class:`~entente.graph.store.GraphStore`, a :class:`pyoxigraph.Store`,
            or the directory of an on-disk store (opened read-only for the query).
        sparql: The query; the prefixes of :data:`PREFIXES` need not be declared.
        bindings: Values for variables (``{"state": "entr:state/IND"}``), converted with
            :func:`to_term`; ``None`` values are skipped (the variable stays free).
            A bound variable of a SELECT must be in its projection (or use ``SELECT *``).
        timeout: Seconds before the query is stopped, or ``None`` for no limit. Enforced
            only for on-disk stores (the query runs in a child process that is killed
            at the deadline); a :class:`pyoxigraph.Store` or an in-memory store runs the
            query in this process, without a time limit.
        max_rows: Solutions or triples read at most, or ``None`` for all of them; the
            result's ``truncated`` flag says when more were available.
        allow_service: Let ``SERVICE`` clauses call other SPARQL endpoints (HTTP
            requests from this machine). Off by default.

    Returns:
        The materialised :class:`QueryResult`.

    Raises:
        QueryRefusedError: ``SERVICE`` (not allowed), an update or ``LOAD``, or ``FROM``
            naming a graph the store does not hold; nothing was run.
        QueryTimeoutError: The query ran past ``timeout`` and was stopped.
        QueryError: The text is not valid SPARQL, a binding is invalid, or the query
            failed while running.
        StoreError: The store could not be read.
    """
    if timeout is not None and not timeout > 0:
        raise QueryError(f"the time limit must be a positive number of seconds, not {timeout}")
    if max_rows is not None and max_rows < 1:
        raise QueryError(f"the row limit must be a positive number, not {max_rows}")
    from entente.graph.guard import check_query

    substitutions = _substitutions(bindings)
    # checked here, before anything runs or any process starts
    checked = check_query(sparql, allow_service=allow_service, prefixes=PREFIXES)
    path, oxigraph, writer = _target(store)
    args = (checked, substitutions, max_rows)
    if timeout is not None and path is not None:
        payload = _run_in_child(path, writer, timeout, *args)
    elif oxigraph is not None:
        payload = _execute(oxigraph, *args)
    else:
        with _open_read_only(path, allow_writer=False) as opened:
            payload = _execute(opened.oxigraph, *args)
    return _result(payload)


def _target(store: object) -> tuple[Path | None, ox.Store | None, bool]:
    """Where to run: the store's directory, its open pyoxigraph store (if any), and
    whether this process is the store's writer."""
    if isinstance(store, ox.Store):
        return None, store, False
    if isinstance(store, str | os.PathLike):
        return Path(store), None, False
    oxigraph = getattr(store, "oxigraph", None)
    if isinstance(oxigraph, ox.Store):
        path = getattr(store, "path", None)
        writer = not getattr(store, "read_only", True)
        return (Path(path) if path is not None else None), oxigraph, writer
    raise TypeError(
        f"expected a GraphStore, a pyoxigraph.Store or a store directory, "
        f"got {type(store).__name__}"
    )


def _open_read_only(path: Path, *, allow_writer: bool) -> GraphStore:
    """Open a store read-only; ``allow_writer`` when the caller is the idle writer.

    Without ``allow_writer`` the store's reader lock is taken, so a query gets a clear
    "being written by another process" error during someone else's ingest.
    """
    from entente.graph.store import GraphStore

    if allow_writer:
        return GraphStore.open(path, read_only=True, allow_writer=True)
    return GraphStore.open(path, read_only=True)


# A payload is what a query produced, in a form that crosses a process boundary:
# (kind, bytes, truncated); kind "select"/"ask" with SPARQL JSON, "graph" with N-Triples.
Payload = tuple[str, bytes, bool]


def _execute(
    oxigraph: ox.Store,
    checked: CheckedQuery,
    substitutions: dict[ox.Variable, Term],
    max_rows: int | None,
) -> Payload:
    """Run a checked query in this process (no time limit)."""
    from entente.graph.guard import check_dataset

    check_dataset(checked, oxigraph)
    try:
        result = oxigraph.query(
            checked.text,
            prefixes=PREFIXES,
            # FROM/FROM NAMED choose the dataset only when the union is not forced
            use_default_graph_as_union=not checked.has_dataset,
            substitutions=substitutions or None,
        )
        return _collect(result, max_rows)
    except SyntaxError as error:
        raise QueryError(f"invalid SPARQL query: {error}") from None
    except OSError as error:
        if checked.uses_service:
            raise QueryError(f"a SERVICE call failed: {error}") from error
        raise StoreError(f"cannot read the store: {error}") from error
    except RuntimeError as error:  # e.g. a binding for a variable outside the projection
        raise QueryError(f"cannot run the query: {error}") from error


def _collect(
    result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, max_rows: int | None
) -> Payload:
    if isinstance(result, ox.QueryBoolean):
        return "ask", result.serialize(format=ox.QueryResultsFormat.JSON), False
    if isinstance(result, ox.QueryTriples):
        triples = list(result if max_rows is None else islice(result, max_rows + 1))
        truncated = max_rows is not None and len(triples) > max_rows
        del triples[max_rows if truncated else len(triples) :]
        return "graph", ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"", truncated
    if max_rows is None:
        return "select", result.serialize(format=ox.QueryResultsFormat.JSON), False
    variables = [variable.value for variable in result.variables]
    solutions = list(islice(result, max_rows + 1))
    truncated = len(solutions) > max_rows
    rows = [
        {name: _term_json(solution[name]) for name in variables if solution[name] is not None}
        for solution in solutions[:max_rows]
    ]
    document = {"head": {"vars": variables}, "results": {"bindings": rows}}
    return "select", json.dumps(document, ensure_ascii=False).encode("utf-8"), truncated


_XSD_STRING = XSD.iri + "string"


def _term_json(term: Term) -> dict[str, Any]:
    """A term in the SPARQL 1.1 JSON results format (as Oxigraph writes it)."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        data: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            data["xml:lang"] = term.language
            if term.direction is not None:
                data["its:dir"] = str(term.direction)
        elif term.datatype.value != _XSD_STRING:
            data["datatype"] = term.datatype.value
        return data
    return {
        "type": "triple",
        "value": {
            "subject": _term_json(term.subject),
            "predicate": _term_json(term.predicate),
            "object": _term_json(term.object),
        },
    }


def _result(payload: Payload) -> QueryResult:
    kind, data, truncated = payload
    if kind == "ask":
        answer = ox.parse_query_results(data, ox.QueryResultsFormat.JSON)
        return QueryResult(kind="ask", boolean=bool(answer), _json=data)
    if kind == "graph":
        quads = ox.parse(data, format=ox.RdfFormat.N_TRIPLES) if data else ()
        triples = tuple(quad.triple for quad in quads)
        return QueryResult(kind="graph", triples=triples, truncated=truncated)
    solutions = ox.parse_query_results(data, ox.QueryResultsFormat.JSON)
    variables = tuple(v.value for v in solutions.variables)
    rows = tuple(tuple(solution[v] for v in variables) for solution in solutions)
    return QueryResult(
        kind="select", variables=variables, rows=rows, truncated=truncated, _json=data
    )


# -- the time limit: a child process per query ------------------------------------------


def _run_in_child(
    path: Path,
    writer: bool,
    timeout: float,
    checked: CheckedQuery,
    substitutions: dict[ox.Variable, Term],
    max_rows: int | None,
) -> Payload:
    """Run :func:`_execute` in a child process (``python -m entente.graph.query_process``),
    killed at the deadline.

    A fresh interpreter rather than :mod:`multiprocessing`: spawn and forkserver
    children re-import the caller's main script, so a script without an
    ``if __name__ == "__main__"`` guard would query itself into an error; and fork
    is unsafe in a process that holds an open store and its threads.

    ``writer``: this process holds the store open for writing (and waits, idle, for
    the answer), so the child opens it without the reader lock.
    """
    request = pickle.dumps(
        (str(path), writer, checked, substitutions, max_rows),
        protocol=pickle.HIGHEST_PROTOCOL,
    )
    child = subprocess.Popen(
        [sys.executable, "-m", "entente.graph.query_process"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        answer, _ = child.communicate(request, timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        raise QueryTimeoutError(
            f"query stopped after {timeout:g} s (time limit; raise it with --timeout, "
            "or query_timeout= in Python)",
            timeout,
        ) from None
    except BaseException:
        child.kill()
        child.communicate()
        raise
    try:
        message = pickle.loads(answer) if answer else None
    except Exception:  # noqa: BLE001 - a truncated answer: the child died while writing
        message = None
    if message is None:
        raise QueryError(
            f"the query process died ({_exit_reason(child.returncode)}) before answering; "
            "the query may be too complex (the store and this process are unaffected)"
        )
    if message[0] == "ok":
        return message[1]
    _, name, text = message
    error_type = getattr(errors, name, None)
    if not (isinstance(error_type, type) and issubclass(error_type, EntenteError)):
        error_type = QueryError
    raise error_type(text)


def _exit_reason(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return signal.Signals(-code).name
        except ValueError:
            return f"signal {-code}"
    return f"exit status {code}"


def child_main(request: bytes) -> bytes:
    """Answer one pickled query request (see :func:`_run_in_child`) with a pickled
    payload or error; used by :mod:`entente.graph.query_process`."""
    try:
        path, writer, checked, substitutions, max_rows = pickle.loads(request)
        with _open_read_only(Path(path), allow_writer=writer) as store:
            payload = _execute(store.oxigraph, checked, substitutions, max_rows)
        message: tuple[Any, ...] = ("ok", payload)
    except EntenteError as error:
        message = ("error", type(error).__name__, str(error))
    except Exception as error:  # noqa: BLE001 - reported to the parent as one line
        message = ("error", "QueryError", f"the query failed: {error}")
    return pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)


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
