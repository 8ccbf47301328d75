"""Hostile queries: SERVICE, FROM, LOAD and updates refused on the parsed query (promise 1),
and values from text kept out of query and update strings (promise 7).

Every refused spelling also runs against a local HTTP listener on 127.0.0.1 that must
receive no request; the listener is shown to work by a plain request and by an
explicitly allowed SERVICE call.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from entente.errors import QueryError, QueryRefusedError
from entente.graph.guard import MAX_NESTING, check_query
from entente.graph.iris import ACTORS_GRAPH, article_iri
from entente.graph.query import PREFIXES, run_query
from entente.graph.store import GraphStore

from .support import Listener, extraction, make_store, quad_count

# -- fixtures ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("guard") / "store"
    make_store(path)
    return path


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    with Listener() as running:
        yield running


@pytest.fixture()
def fresh(listener: Listener) -> Listener:
    listener.requests.clear()
    return listener


# -- positive controls --------------------------------------------------------------------


def test_listener_answers_a_plain_request(fresh: Listener) -> None:
    """Control: the listener does record requests (else 'no request' would prove nothing)."""
    with urllib.request.urlopen(fresh.url + "probe", timeout=10) as response:
        assert json.loads(response.read())["results"]["bindings"][0]["x"]["value"] == "remote"
    assert fresh.requests == ["GET /probe"]


def test_allowed_service_really_calls_the_endpoint(store_dir: Path, fresh: Listener) -> None:
    """Control: with allow_service=True, Oxigraph does send the SERVICE request."""
    sparql = f"SELECT ?x WHERE {{ SERVICE <{fresh.url}sparql> {{ ?s ?p ?x }} }}"
    result = run_query(store_dir, sparql, allow_service=True, timeout=20)
    assert [row["x"].value for row in result.records()] == ["remote"]
    assert len(fresh.requests) >= 1 and fresh.requests[0].startswith("POST /sparql")


# -- SERVICE ------------------------------------------------------------------------------

WHERE = "{ ?s ?p ?o }"
SERVICE_SPELLINGS = {
    "plain": "SELECT * WHERE { SERVICE <{url}> {where} }",
    "lower-case": "select * where { service <{url}> {where} }",
    "mixed-case": "SeLeCt * WhErE { sErViCe <{url}> {where} }",
    "silent": "SELECT * WHERE { SERVICE SILENT <{url}> {where} }",
    "variable-endpoint": "SELECT * WHERE { BIND(<{url}> AS ?e) SERVICE ?e {where} }",
    "prefixed-endpoint": "PREFIX remote: <{url}> SELECT * WHERE { SERVICE remote:sparql {where} }",
    "base-relative-endpoint": "BASE <{url}> SELECT * WHERE { SERVICE <sparql> {where} }",
    "u-escape": "SELECT * WHERE { \\u0053ERVICE <{url}> {where} }",
    "u-escape-lower": "SELECT * WHERE { \\u0073\\u0065rvice <{url}> {where} }",
    "long-u-escape": "SELECT * WHERE { \\U00000053ERVICE <{url}> {where} }",
    "comment-between": "SELECT * WHERE { # a comment\nSERVICE # another\n<{url}> {where} }",
    "lone-cr-ends-comment": "SELECT * WHERE { # comment ends at CR\rSERVICE <{url}> {where} }",
    "newlines-tabs": "SELECT *\nWHERE\t{\n\tSERVICE\n\t\t<{url}>\n{where}\n}",
    "no-whitespace": "SELECT*WHERE{?a ?b ?c.SERVICE<{url}>{?s ?p ?o}}",
    "in-optional": "SELECT * WHERE { ?a ?b ?c OPTIONAL { SERVICE <{url}> {where} } }",
    "in-union": "SELECT * WHERE { { ?a ?b ?c } UNION { SERVICE <{url}> {where} } }",
    "in-graph": "SELECT * WHERE { GRAPH ?g { SERVICE <{url}> {where} } }",
    "in-subquery": "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <{url}> {where} } } }",
    "in-filter-exists": "SELECT * WHERE { ?a ?b ?c FILTER EXISTS { SERVICE <{url}> {where} } }",
    "in-filter-not-exists": "ASK { ?a ?b ?c FILTER NOT EXISTS { SERVICE <{url}> {where} } }",
    "in-minus": "SELECT * WHERE { ?a ?b ?c MINUS { SERVICE <{url}> {where} } }",
    "in-construct": "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <{url}> {where} }",
    "in-describe": "DESCRIBE ?s WHERE { SERVICE <{url}> {where} }",
    "nested-services": "SELECT * WHERE { SERVICE <{url}> { SERVICE <{url}> {where} } }",
}


@pytest.mark.parametrize("template", list(SERVICE_SPELLINGS.values()), ids=list(SERVICE_SPELLINGS))
def test_service_is_refused_and_never_called(
    store_dir: Path, fresh: Listener, template: str
) -> None:
    """SERVICE in any spelling or position: refused with one line, no request sent."""
    sparql = template.replace("{url}", fresh.url + "sparql").replace("{where}", WHERE)
    with pytest.raises(QueryRefusedError) as info:
        run_query(store_dir, sparql, timeout=20)
    assert str(info.value) == (
        "SERVICE is not allowed: queries may not call other endpoints "
        "(allow it with --allow-service, or allow_service=True in Python)"
    )
    assert fresh.requests == []


def test_service_refused_in_process_too(fresh: Listener) -> None:
    """The in-process path (in-memory store, no time limit) runs the same check."""
    store = ox.Store()
    with pytest.raises(QueryRefusedError, match="^SERVICE is not allowed"):
        run_query(store, f"SELECT * WHERE {{ SERVICE <{fresh.url}> {{ ?s ?p ?o }} }}", timeout=None)
    assert fresh.requests == []


def test_quote_escape_trick_runs_what_was_checked(store_dir: Path, fresh: Listener) -> None:
    """\\u0022 inside strings: rdflib and Oxigraph used to read different queries.

    Oxigraph alone would see BIND, SERVICE, BIND; rdflib sees one long string. The
    normalised text (escapes expanded once) is what runs, so no request is sent.
    """
    sparql = (
        'SELECT * WHERE { BIND("\\u0022" AS ?x) SERVICE <' + fresh.url + "> { ?s ?p ?o } "
        'BIND("\\u0022" AS ?y) }'
    )
    checked = check_query(sparql, prefixes=PREFIXES)
    assert checked.uses_service is False
    result = run_query(store_dir, sparql, timeout=20)
    assert len(result) == 1 and "SERVICE" in result.records()[0]["y"].value
    assert fresh.requests == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cases=st.lists(st.booleans(), min_size=7, max_size=7),
    escapes=st.lists(st.booleans(), min_size=7, max_size=7),
    gap=st.sampled_from([" ", "\n", "\t", "\r\n", " # note\n", "\n#\r", "  "]),
    silent=st.booleans(),
    endpoint=st.sampled_from(["<http://127.0.0.1:9/s>", "?e", "remote:s", "<s>"]),
    wrap=st.sampled_from(
        [
            "{}",
            "OPTIONAL {{ {} }}",
            "{{ ?a ?b ?c }} UNION {{ {} }}",
            "GRAPH ?g {{ {} }}",
            "{{ SELECT * WHERE {{ {} }} }}",
            "FILTER EXISTS {{ {} }}",
            "MINUS {{ {} }}",
        ]
    ),
)
def test_service_refused_in_generated_spellings(
    cases, escapes, gap, silent, endpoint, wrap
) -> None:
    """Property: any casing, \\u escaping of any letter, whitespace, comments, SILENT,
    endpoint form and nesting: the check refuses it (nothing is run here)."""
    letters = []
    for letter, upper, escape in zip("service", cases, escapes, strict=True):
        char = letter.upper() if upper else letter
        letters.append(f"\\u{ord(char):04X}" if escape else char)
    keyword = "".join(letters) + (gap + "SILENT" if silent else "")
    clause = f"{keyword}{gap}{endpoint}{gap}{{ ?s ?p ?o }}"
    sparql = (
        "PREFIX remote: <http://127.0.0.1:9/> BASE <http://127.0.0.1:9/> SELECT * WHERE { "
        + wrap.format(clause)
        + " }"
    )
    with pytest.raises(QueryRefusedError, match="^SERVICE is not allowed"):
        check_query(sparql, prefixes=PREFIXES)


@settings(max_examples=100, deadline=None)
@given(
    st.text(
        alphabet=st.characters(blacklist_characters="\\", blacklist_categories=["Cs"]), max_size=40
    )
)
def test_service_inside_strings_and_comments_is_not_refused(text: str) -> None:
    """Property: the word service inside a string or a comment is data, not a call."""
    literal = text.replace('"', "'").replace("\n", " ").replace("\r", " ")
    sparql = (
        f'SELECT ?x WHERE {{ BIND("{literal} SERVICE <http://x/> {{}}" AS ?x) }} '
        f"# SERVICE <http://x/> {literal}"
    )
    assert check_query(sparql, prefixes=PREFIXES).uses_service is False


# -- FROM / FROM NAMED ------------------------------------------------------------------------

FROM_SPELLINGS = {
    "file": "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    "http": "SELECT * FROM <{url}data.ttl> WHERE { ?s ?p ?o }",
    "lower-case": "select * from <{url}data.ttl> where { ?s ?p ?o }",
    "named": "SELECT * FROM NAMED <{url}data.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "named-lower": "select * from named <file:///etc/hosts> where { graph ?g { ?s ?p ?o } }",
    "prefixed": "PREFIX remote: <{url}> SELECT * FROM remote:data WHERE { ?s ?p ?o }",
    "base-relative": "BASE <{url}> SELECT * FROM <data.ttl> WHERE { ?s ?p ?o }",
    "u-escape": "SELECT * \\u0046ROM <{url}data.ttl> WHERE { ?s ?p ?o }",
    "escaped-iri": "SELECT * FROM <\\u0066ile:///etc/passwd> WHERE { ?s ?p ?o }",
    "comment-between": "SELECT * FROM # c\n<{url}data.ttl> WHERE { ?s ?p ?o }",
    "second-from": "SELECT * FROM entr:graph\\/actors FROM <{url}data.ttl> WHERE { ?s ?p ?o }",
    "unknown-entente-graph": "SELECT * FROM entr:graph\\/secrets WHERE { ?s ?p ?o }",
    "ask": "ASK FROM <{url}data.ttl> { ?s ?p ?o }",
    "construct": "CONSTRUCT { ?s ?p ?o } FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    "describe": "DESCRIBE ?s FROM NAMED <{url}g> WHERE { ?s ?p ?o }",
}


@pytest.mark.parametrize("template", list(FROM_SPELLINGS.values()), ids=list(FROM_SPELLINGS))
def test_from_outside_the_store_is_refused(store_dir: Path, fresh: Listener, template: str) -> None:
    """FROM/FROM NAMED naming a graph the store does not hold: refused, nothing read."""
    sparql = template.replace("{url}", fresh.url)
    with pytest.raises(QueryRefusedError) as info:
        run_query(store_dir, sparql, timeout=20)
    message = str(info.value)
    assert message.startswith(("FROM <", "FROM NAMED <")) and "is not allowed" in message
    assert "\n" not in message
    assert fresh.requests == []


def test_from_names_the_iri_it_refuses(store_dir: Path) -> None:
    """The message names the resolved IRI (prefix and BASE applied)."""
    with pytest.raises(
        QueryRefusedError, match=r"^FROM <http://example\.org/base/data\.ttl> is not allowed"
    ):
        run_query(
            store_dir,
            "BASE <http://example.org/base/> SELECT * FROM <data.ttl> WHERE {}",
            timeout=20,
        )


def test_from_a_store_graph_is_allowed_and_restricts_the_dataset(store_dir: Path) -> None:
    """FROM entr:graph/actors reads only that graph (not the union of all graphs)."""
    count = "SELECT (COUNT(*) AS ?n) {from} WHERE {{ ?s ?p ?o }}"
    graph = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{ACTORS_GRAPH.value}> {{ ?s ?p ?o }} }}"
    only = run_query(store_dir, count.format(**{"from": "FROM entr:graph\\/actors"}), timeout=20)
    expected = run_query(store_dir, graph, timeout=20)
    everything = run_query(store_dir, count.format(**{"from": ""}), timeout=20)
    assert only.rows[0][0].value == expected.rows[0][0].value
    assert int(only.rows[0][0].value) < int(everything.rows[0][0].value)


def test_from_named_an_article_graph_is_allowed(store_dir: Path) -> None:
    """FROM NAMED with an article graph: GRAPH ?g sees exactly that graph."""
    iri = article_iri("g1").value
    result = run_query(
        store_dir,
        f"SELECT DISTINCT ?g FROM NAMED <{iri}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        timeout=20,
    )
    assert [row["g"].value for row in result.records()] == [iri]


# -- LOAD and updates -------------------------------------------------------------------------

UPDATES = {
    "load": ("LOAD <{url}data.ttl>", "LOAD"),
    "load-silent-into": ("load silent <{url}data.ttl> into graph <http://e/g>", "LOAD"),
    "load-file": ("LOAD <file:///etc/passwd>", "LOAD"),
    "load-u-escape": ("\\u004COAD <{url}data.ttl>", "LOAD"),
    "load-after-insert": ("INSERT DATA { <http://e/s> <http://e/p> 1 } ; LOAD <{url}x>", "LOAD"),
    "insert-data": ("INSERT DATA { GRAPH <http://e/g> { <http://e/s> <http://e/p> 1 } }", "update"),
    "delete-where": ("DELETE WHERE { ?s ?p ?o }", "update"),
    "drop-all": ("DROP ALL", "update"),
    "clear-actors": ("CLEAR GRAPH entr:graph\\/actors", "update"),
    "create": ("CREATE GRAPH <http://e/new>", "update"),
    "copy": ("COPY entr:graph\\/actors TO <http://e/copy>", "update"),
    "move": ("MOVE DEFAULT TO <http://e/g>", "update"),
    "modify-with-service": (
        "INSERT { ?s ?p ?o } WHERE { SERVICE <{url}> { ?s ?p ?o } }",
        "update",
    ),
}


@pytest.mark.parametrize(("template", "kind"), list(UPDATES.values()), ids=list(UPDATES))
def test_load_and_updates_are_refused(
    store_dir: Path, fresh: Listener, template: str, kind: str
) -> None:
    """LOAD and every update: refused on the read path, store unchanged, nothing fetched."""
    before = quad_count(store_dir)
    with pytest.raises(QueryRefusedError) as info:
        run_query(store_dir, template.replace("{url}", fresh.url), timeout=20)
    message = str(info.value)
    assert "updates are not allowed" in message
    assert message.startswith("LOAD is not allowed") == (kind == "LOAD")
    assert fresh.requests == []
    assert quad_count(store_dir) == before


# -- malformed and oversized queries -------------------------------------------------------


@pytest.mark.parametrize(
    ("sparql", "message"),
    [
        (
            "SELECT * WHERE { FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ") }",
            "nests brackets 10002 levels deep",
        ),
        ("SELECT * WHERE " + "{ " * 5_000 + "}" * 5_000, "nests brackets 5000 levels deep"),
        (
            "SELECT * WHERE { ?s ?p " + "[ ?p " * 3_000 + "1" + " ]" * 3_000 + " }",
            "3001 levels deep",
        ),
        ("SELECT * WHERE { ?s ?p ?o } # " + "x" * 1_000_001, "too long"),
        ("SELECT * WHERE { ?s ?p '\ud800' }", "lone surrogate"),
        ("SELECT * WHERE { ?s ?p '\\uD800' }", "not a Unicode character"),
        ("SELECT * WHERE { \\u005Cu0053ERVICE <http://x/> {} }", "another \\u escape"),
        ("SELECT * WHERE { << ?s ?p ?o >> ?q ?r }", "invalid SPARQL query: error at 1:18"),
        ("# only a comment", "invalid SPARQL query"),
        ("\u00a0\n\t ", "the query is empty"),
    ],
    ids=[
        "10k-parentheses",
        "5k-braces",
        "3k-blank-nodes",
        "over-1M-chars",
        "lone-surrogate",
        "escaped-surrogate",
        "escape-makes-escape",
        "rdf-star-unchecked",
        "comment-only",
        "nbsp-only",
    ],
)
def test_malformed_queries_get_one_line_and_no_crash(
    store_dir: Path, sparql: str, message: str
) -> None:
    """Deep nesting (which crashes Oxigraph's parser with a segfault), huge text, bad
    Unicode, unparseable text: one clear QueryError, before Oxigraph sees the text."""
    with pytest.raises(QueryError) as info:
        run_query(store_dir, sparql, timeout=None)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_nesting_up_to_the_limit_is_accepted(store_dir: Path) -> None:
    """MAX_NESTING levels are fine: the limit refuses abuse, not real queries."""
    depth = MAX_NESTING - 3  # SELECT's braces and FILTER's parenthesis count too
    sparql = "SELECT ?x WHERE { BIND(" + "(" * depth + "1" + ")" * depth + " AS ?x) }"
    assert run_query(store_dir, sparql, timeout=None).rows[0][0].value == "1"


# -- promise 7: values from text are bindings, never query text -----------------------------

HOSTILE_VALUES = [
    '"} ; DROP ALL ; #',
    "<http://x> . ?s ?p ?o",
    "' } UNION { ?s ?p ?o } #",
    '""" . ?s ?p ?o . """',
    "line one\nline two\r\nline three",
    "\\u0022 } ; CLEAR ALL #",
    "SERVICE <http://127.0.0.1:9/> { ?s ?p ?o }",
    "?s ?p ?o",
]


@pytest.mark.parametrize(
    "value", HOSTILE_VALUES, ids=[f"hostile-{i}" for i in range(len(HOSTILE_VALUES))]
)
def test_hostile_binding_is_a_plain_value(store_dir: Path, fresh: Listener, value: str) -> None:
    """A binding is substituted as a term: it comes back unchanged, matches nothing,
    changes nothing and calls nobody."""
    before = quad_count(store_dir)
    echo = run_query(store_dir, "SELECT ?v WHERE {}", bindings={"v": value}, timeout=20)
    assert [row["v"] for row in echo.records()] == [ox.Literal(value)]
    matches = run_query(
        store_dir, "SELECT ?s ?v WHERE { ?s rdfs:label ?v }", bindings={"v": value}, timeout=20
    )
    assert len(matches) == 0
    assert quad_count(store_dir) == before
    assert fresh.requests == []


def test_hostile_text_in_articles_is_stored_as_literals(tmp_path: Path) -> None:
    """Titles and labels holding SPARQL are written as literals by the store's update
    (built from pyoxigraph-serialised terms) and read back byte for byte."""
    title = '"} ; DROP ALL ; INSERT DATA { <http://e/s> <http://e/p> "x" } ; #\n\\u0022 \'\'\' """'
    label = "India } GRAPH <http://e/g> { <http://e/a> <http://e/b> <http://e/c> } #"
    path = tmp_path / "store"
    with GraphStore.open(path) as store:
        store.replace_article(extraction(0, title=title, label=label))
        count = len(store)
    titles = run_query(path, "SELECT ?t WHERE { ?a a ent:Article ; dcterms:title ?t }", timeout=20)
    labels = run_query(path, "SELECT ?l WHERE { state:IND rdfs:label ?l }", timeout=20)
    assert [row["t"].value for row in titles.records()] == [title]
    assert label in [row["l"].value for row in labels.records()]
    assert run_query(path, "ASK { GRAPH <http://e/g> { ?s ?p ?o } }", timeout=20).boolean is False
    assert quad_count(path) == count


def test_the_check_restores_the_recursion_limit() -> None:
    """The deep-parse helper raises the recursion limit only while it parses."""
    import sys

    before = sys.getrecursionlimit()
    check_query("SELECT * WHERE { FILTER(" + "(" * 90 + "1" + ")" * 90 + ") }")
    with pytest.raises(QueryError):
        check_query(
            "SELECT * WHERE { SERVICE <http://x/> { SERVICE <http://x/> {} } }", allow_service=True
        )
    assert sys.getrecursionlimit() == before


@pytest.mark.parametrize("allow", [False, True], ids=["refused", "allowed"])
def test_cli_service_refused_unless_allowed(store_dir: Path, fresh: Listener, allow: bool) -> None:
    """`entente query`: SERVICE exits 1 with one line and sends nothing; with
    --allow-service the endpoint is called and its rows are printed."""
    from typer.testing import CliRunner

    from entente.cli import app

    sparql = f"SELECT ?x WHERE {{ SERVICE <{fresh.url}sparql> {{ ?s ?p ?x }} }}"
    options = ["--allow-service"] if allow else []
    result = CliRunner().invoke(
        app, ["query", "--store", str(store_dir), "-f", "csv", *options, sparql]
    )
    if allow:
        assert result.exit_code == 0 and result.stdout.splitlines() == ["x", "remote"]
        assert len(fresh.requests) >= 1
    else:
        assert result.exit_code == 1 and result.stdout == ""
        assert result.stderr.strip() == (
            "error: SERVICE is not allowed: queries may not call other endpoints "
            "(allow it with --allow-service, or allow_service=True in Python)"
        )
        assert fresh.requests == []
