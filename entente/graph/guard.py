"""The safety check every query passes before it runs: on the parsed query, not on its text.

Oxigraph runs ``SERVICE <http://...>`` by making HTTP requests from native code
(Python audit hooks do not see them), and rdflib would read ``FROM <file://...>``
from disk. A regular expression cannot stop these: comments, prefixed names,
``\\u0053ERVICE`` escapes and lower case all get past it. :func:`check_query`
therefore parses the query with rdflib's SPARQL 1.1 grammar and looks at the
parse tree:

* ``SERVICE`` anywhere (``SILENT``, ``SERVICE ?var``, inside ``OPTIONAL``,
  ``UNION``, ``GRAPH``, subqueries, ``FILTER EXISTS``...) is refused unless the
  caller passes ``allow_service=True``;
* every update (``INSERT``, ``DELETE``, ``LOAD``, ``CLEAR``, ``DROP``, ``CREATE``,
  ``ADD``, ``MOVE``, ``COPY``) is refused, always: the store changes only
  through ``entente ingest``;
* ``FROM`` and ``FROM NAMED`` may name only graphs the store holds (its article
  graphs, ``entr:graph/actors``, ``entr:graph/ontology``): :func:`check_dataset`
  checks them against the store, before anything runs.

Two parsers must agree on what the text means: rdflib checks it, Oxigraph runs it.
They read a few things differently, so the text is normalised first and the
*normalised* text is what Oxigraph runs (:attr:`CheckedQuery.text`):

* ``\\uXXXX``/``\\UXXXXXXXX`` escapes are expanded once, as SPARQL 1.1 specifies
  (Oxigraph only decodes them inside strings and IRIs, so ``"\\u0022"`` hid a
  ``SERVICE`` from rdflib); text whose expansion still holds an escape is refused;
* a lone carriage return becomes a line feed (Oxigraph ends a ``#`` comment at
  ``\\r``, rdflib does not).

As a second line of defence, a small lexer (strings, comments, IRIs, variables
and prefixed names removed) refuses any bare ``SERVICE`` keyword even if the
parse tree shows none, and limits bracket nesting to :data:`MAX_NESTING` levels:
Oxigraph's recursive parser crashes the whole process (segmentation fault) on a
few thousand nested parentheses. Text that rdflib cannot parse is refused, even
if Oxigraph might accept it (RDF-star and SPARQL 1.2 syntax): what runs is
exactly what was checked.

Limits: rdflib's parser is slow on very long queries (about 2 s for 150,000
characters); queries longer than :data:`MAX_QUERY_LENGTH` characters are refused.
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import pyoxigraph as ox

from entente.errors import QueryError, QueryRefusedError

if TYPE_CHECKING:
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parserutils import CompValue

# rdflib and pyparsing are imported where the parse happens, not here: the query
# process (:mod:`entente.graph.query_process`) needs only CheckedQuery and
# check_dataset, and starts faster without them.

__all__ = [
    "MAX_NESTING",
    "MAX_QUERY_LENGTH",
    "CheckedQuery",
    "check_dataset",
    "check_query",
    "normalise",
]

MAX_QUERY_LENGTH = 1_000_000
"""Longest query text accepted, in characters."""
MAX_NESTING = 100
"""Deepest nesting of ``(``, ``{`` and ``[`` accepted (outside strings and comments)."""

SERVICE_REFUSED = (
    "SERVICE is not allowed: queries may not call other endpoints "
    "(allow it with --allow-service, or allow_service=True in Python)"
)
UPDATE_REFUSED = (
    "updates are not allowed; only SELECT, ASK, CONSTRUCT and DESCRIBE queries can be run "
    "(change the store with `entente ingest`)"
)
LOAD_REFUSED = (
    "LOAD is not allowed: queries may not read URLs or files, and updates are not allowed; "
    "only SELECT, ASK, CONSTRUCT and DESCRIBE queries can be run "
    "(change the store with `entente ingest`)"
)

_FORMS = {
    "SelectQuery": "select",
    "AskQuery": "ask",
    "ConstructQuery": "construct",
    "DescribeQuery": "describe",
}


@dataclass(frozen=True, slots=True)
class CheckedQuery:
    """A query that passed :func:`check_query`.

    Attributes:
        text: The normalised text: run this, not the original.
        form: ``"select"``, ``"ask"``, ``"construct"`` or ``"describe"``.
        default_graphs: IRIs named by ``FROM`` (resolved against the prefixes and ``BASE``).
        named_graphs: IRIs named by ``FROM NAMED``.
        uses_service: Whether the query holds ``SERVICE`` (only when it was allowed).
    """

    text: str
    form: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    uses_service: bool = False

    @property
    def has_dataset(self) -> bool:
        """Whether the query chooses its own graphs with ``FROM``/``FROM NAMED``."""
        return bool(self.default_graphs or self.named_graphs)


def check_query(
    sparql: str,
    *,
    allow_service: bool = False,
    prefixes: Mapping[str, str] | None = None,
) -> CheckedQuery:
    """Check a query before it runs; nothing is executed or fetched.

    Args:
        sparql: The query text.
        allow_service: Let ``SERVICE`` clauses through (they make HTTP requests).
        prefixes: Prefixes pre-declared for the query (used to resolve ``FROM`` IRIs).

    Returns:
        The :class:`CheckedQuery`, whose ``text`` is the text to run.

    Raises:
        QueryRefusedError: ``SERVICE`` (not allowed), an update or ``LOAD``.
        QueryError: The text is empty, too long, too deeply nested or not valid SPARQL.
    """
    if not isinstance(sparql, str):
        raise QueryError(f"a query must be text, not {type(sparql).__name__}")
    if not sparql.strip():
        raise QueryError("the query is empty")
    if len(sparql) > MAX_QUERY_LENGTH:
        raise QueryError(
            f"the query is too long ({len(sparql):,} characters; at most {MAX_QUERY_LENGTH:,})"
        )
    text = normalise(sparql)
    code = _code_only(text)
    depth = _nesting(code)
    if depth > MAX_NESTING:
        raise QueryError(
            f"the query nests brackets {depth} levels deep; at most {MAX_NESTING} are allowed"
        )
    bare_service = _BARE_SERVICE.search(code) is not None

    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.algebra import translatePrologue

    try:
        kind, tree = _call_with_deep_stack(_parse, text)
    except Exception as error:  # noqa: BLE001 - rdflib parse actions raise plain errors
        if bare_service and not allow_service:  # refused either way: say why
            raise QueryRefusedError(SERVICE_REFUSED) from None
        if isinstance(error, RecursionError):  # rdflib recurses without end on nested SERVICE
            raise QueryError(
                f"the query is nested too deeply to be checked (at most {MAX_NESTING} levels)"
            ) from None
        if isinstance(error, ParseBaseException):
            raise QueryError(f"invalid SPARQL query: {_describe(error)}") from None
        raise QueryError(f"invalid SPARQL query: {error}") from None

    if kind == "update":
        names = {node.name for node in _nodes(tree)}
        if "Load" in names:
            raise QueryRefusedError(LOAD_REFUSED)
        raise QueryRefusedError(UPDATE_REFUSED)

    nodes = list(_nodes(tree))
    uses_service = bare_service or any(node.name == "ServiceGraphPattern" for node in nodes)
    if uses_service and not allow_service:
        raise QueryRefusedError(SERVICE_REFUSED)
    form = next((_FORMS[node.name] for node in nodes if node.name in _FORMS), "select")

    default: list[str] = []
    named: list[str] = []
    clauses = [node for node in nodes if node.name == "DatasetClause"]
    if clauses:
        try:
            prologue = translatePrologue(tree[0], None, initNs=dict(prefixes or {}))
            for clause in clauses:
                # dict.get: CompValue.get resolves names in a way that raises here
                if dict.get(clause, "default") is not None:
                    default.append(_resolve(prologue, dict.get(clause, "default")))
                if dict.get(clause, "named") is not None:
                    named.append(_resolve(prologue, dict.get(clause, "named")))
        except Exception as error:  # noqa: BLE001 - rdflib raises plain Exception for prefixes
            raise QueryError(f"invalid SPARQL query: {error}") from None
    return CheckedQuery(
        text=text,
        form=form,
        default_graphs=tuple(default),
        named_graphs=tuple(named),
        uses_service=uses_service,
    )


def check_dataset(checked: CheckedQuery, store: ox.Store) -> None:
    """Refuse ``FROM``/``FROM NAMED`` IRIs that are not named graphs of ``store``.

    Oxigraph never fetches such graphs (rdflib would); refusing them keeps the rule
    the same for every engine and tells the user at once that the graph is not there.

    Raises:
        QueryRefusedError: For the first IRI that names no graph of the store.
    """
    for keyword, iris in (("FROM", checked.default_graphs), ("FROM NAMED", checked.named_graphs)):
        for iri in iris:
            try:
                present = store.contains_named_graph(ox.NamedNode(iri))
            except ValueError:
                present = False
            if not present:
                raise QueryRefusedError(
                    f"{keyword} <{iri}> is not allowed: queries may not read outside graphs, "
                    "and this store holds no graph of that name (FROM may name only the "
                    "store's own graphs: article graphs, entr:graph/actors, entr:graph/ontology)"
                )


_LOCAL_ESCAPE = re.compile(r"\\([_~.\-!$&'()*+,;=/?#@%\"])")


def _resolve(prologue: Any, term: Any) -> str:
    from rdflib.plugins.sparql.parserutils import CompValue

    # rdflib keeps PN_LOCAL escapes (entr:graph\/actors) in local names; SPARQL drops them.
    if isinstance(term, CompValue) and term.name == "pname" and dict.get(term, "localname"):
        term = CompValue(
            "pname",
            prefix=dict.get(term, "prefix"),
            localname=_LOCAL_ESCAPE.sub(r"\1", dict.get(term, "localname")),
        )
    return str(prologue.absolutize(term))


# -- normalisation and lexing ------------------------------------------------------

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# rdflib expands this wider pattern (\u or \U, 4 or 8 digits, any case) before parsing:
# after our expansion none may be left, or rdflib would read a different text.
_RDFLIB_ESCAPE = re.compile(r"\\u[0-9a-f]{4}", re.IGNORECASE)
_LONE_CR = re.compile(r"\r(?!\n)")


def normalise(sparql: str) -> str:
    """The text both parsers agree on: escapes expanded once, lone ``\\r`` made ``\\n``.

    Raises:
        QueryError: An escape names no character (a surrogate, beyond U+10FFFF), an
            expansion produces another escape, or the text holds a lone surrogate.
    """

    def expand(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise QueryError(f"invalid SPARQL query: {match.group(0)} is not a Unicode character")
        return chr(code)

    text = _ESCAPE.sub(expand, sparql)
    if _RDFLIB_ESCAPE.search(text):
        raise QueryError(
            "invalid SPARQL query: a \\u escape is followed by, or produces, another \\u escape"
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise QueryError(
            f"invalid SPARQL query: character {error.start} is a lone surrogate, not text"
        ) from None
    return _LONE_CR.sub("\n", text)


_NOISE = re.compile(
    r"""
      \#[^\n\r]*                                  # comment
    | '''(?:'{0,2}(?:[^'\\]|\\.))*'''             # long strings
    | \"\"\"(?:"{0,2}(?:[^"\\]|\\.))*\"\"\"
    | '(?:[^'\\\n\r]|\\.)*'                       # strings
    | "(?:[^"\\\n\r]|\\.)*"
    | <[^<>"{}|^`\\\x00-\x20]*>                   # IRIs
    | [?$][\w\u00b7\u0300-\u036f\u203f\u2040]+    # variables
    | _:[\w\-.]*                                  # blank node labels
    | (?:[^\W\d_][\w\-.]*)?:(?:[\w\-.:%]|\\.)*    # prefixed names
    | \\.                                         # an escape outside a string
    """,
    re.VERBOSE | re.DOTALL,
)
_BARE_SERVICE = re.compile(r"(?<![\w:?$@\\])service(?![\w:])", re.IGNORECASE)
_OPEN, _CLOSE = frozenset("({["), frozenset(")}]")


def _code_only(text: str) -> str:
    """The text with strings, comments, IRIs, variables and prefixed names blanked out."""
    return _NOISE.sub(" ", text)


def _nesting(code: str) -> int:
    depth = deepest = 0
    for char in code:
        if char in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
        elif char in _CLOSE:
            depth = max(depth - 1, 0)
    return deepest


# -- parsing -----------------------------------------------------------------------


def _parse(text: str) -> tuple[str, Any]:
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        return "query", parseQuery(text)
    except ParseBaseException as query_error:
        try:
            update = parseUpdate(text)
        except ParseBaseException:
            raise query_error from None
        if not dict.get(update, "request"):  # a prologue alone is no update
            raise query_error from None
        return "update", update


def _describe(error: ParseBaseException) -> str:
    message = str(error).split("  (at char")[0].strip()
    return f"error at {error.lineno}:{error.col}: {message}"


def _nodes(tree: Any) -> Iterator[CompValue]:
    """Every :class:`CompValue` of a parse tree, depth first, without recursion."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            yield node
            stack.extend(dict.values(node))
        elif isinstance(node, ParseResults | list | tuple):
            stack.extend(node)


# rdflib's pyparsing grammar uses about 45 Python frames per nested bracket: the
# default recursion limit (1000) stops at ~25 levels. The parse runs in a thread with
# a large stack and a raised limit, restored when the last parse finishes.
_PARSE_RECURSION_LIMIT = 20_000
_PARSE_STACK_BYTES = 128 * 1024 * 1024
_limit_lock = threading.Lock()
_limit_users = 0
_saved_limit = 0

T = TypeVar("T")


def _call_with_deep_stack(function: Callable[[str], T], argument: str) -> T:
    global _limit_users, _saved_limit
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = function(argument)
        except BaseException as error:  # noqa: BLE001 - handed back to the caller
            outcome["error"] = error

    with _limit_lock:
        if _limit_users == 0:
            _saved_limit = sys.getrecursionlimit()
            sys.setrecursionlimit(max(_saved_limit, _PARSE_RECURSION_LIMIT))
        _limit_users += 1
        previous = threading.stack_size()
        try:
            threading.stack_size(_PARSE_STACK_BYTES)
            thread = threading.Thread(target=target, name="entente-query-check", daemon=True)
            thread.start()
        except (ValueError, RuntimeError):  # platform refused the stack size: parse here
            thread = None
        finally:
            threading.stack_size(previous)
    try:
        if thread is None:
            target()
        else:
            thread.join()
    finally:
        with _limit_lock:
            _limit_users -= 1
            if _limit_users == 0 and sys.getrecursionlimit() == max(
                _saved_limit, _PARSE_RECURSION_LIMIT
            ):
                sys.setrecursionlimit(_saved_limit)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
