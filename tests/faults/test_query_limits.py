"""Bounded queries (promise 2): a time limit that really stops a runaway query, a row
limit that is reported, and a calling process and store that stay healthy."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from entente import KnowledgeGraph
from entente.cli import app
from entente.errors import QueryError, QueryTimeoutError
from entente.graph import query as query_module
from entente.graph.query import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT, format_result, run_query
from entente.graph.store import GraphStore

from ..conftest import query_processes
from .support import extraction, make_store, quad_count

RUNAWAY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # ~10^10 rows on this store
RUNAWAY_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("limits") / "store"
    make_store(path, articles=4)
    return path


def _query_children() -> list[int]:
    return query_processes()


# -- time limit ----------------------------------------------------------------------------


@pytest.mark.parametrize("sparql", [RUNAWAY, RUNAWAY_COUNT], ids=["cross-product", "count"])
def test_runaway_query_is_stopped_and_reported(store_dir: Path, sparql: str) -> None:
    """A runaway query (which Oxigraph cannot interrupt in-process) is killed at the
    limit; the error says so in one line; no query process is left behind."""
    before = quad_count(store_dir)
    with pytest.raises(QueryTimeoutError) as info:
        run_query(store_dir, sparql, timeout=1)
    assert str(info.value) == (
        "query stopped after 1 s (time limit; raise it with --timeout, or query_timeout= in Python)"
    )
    assert info.value.seconds == 1
    assert _query_children() == []
    # the calling process and the store are fine
    assert run_query(store_dir, COUNT, timeout=20).rows[0][0].value == str(before)
    assert quad_count(store_dir) == before


def test_runaway_through_the_api_leaves_the_graph_usable(store_dir: Path) -> None:
    """KnowledgeGraph(query_timeout=...) applies the limit; the same object queries on."""
    with KnowledgeGraph(store_dir, read_only=True, query_timeout=1) as kg:
        with pytest.raises(QueryTimeoutError):
            kg.query(RUNAWAY)
        assert kg.query("ASK { ?a a ent:Agreement }").boolean is True
        assert len(kg.example("partners-of-state", state="state:IND")) == 1


def test_runaway_in_the_cli_exits_1_with_one_line(store_dir: Path) -> None:
    """entente query --timeout 1: exit status 1 and one error line on stderr."""
    result = CliRunner().invoke(
        app, ["query", "--store", str(store_dir), "--timeout", "1", RUNAWAY]
    )
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "error: query stopped after 1 s (time limit; raise it with --timeout, "
        "or query_timeout= in Python)"
    )
    assert result.stdout == ""


def test_writer_process_queries_its_own_store_under_the_limit(tmp_path: Path) -> None:
    """The process holding the store open for writing (an ingesting KnowledgeGraph) gets
    the time limit too: its query child reads the store without the reader lock, and
    sees the articles committed just before."""
    path = tmp_path / "store"
    with KnowledgeGraph(path, query_timeout=1) as kg:
        kg.store.replace_article(extraction(0))
        assert kg.query("ASK { ?a a ent:Article }").boolean is True
        with pytest.raises(QueryTimeoutError):
            kg.query(RUNAWAY)
        kg.store.replace_article(extraction(1))
        assert len(kg.query("SELECT ?a WHERE { ?a a ent:Article }")) == 2


def test_killed_query_process_is_reported(store_dir: Path) -> None:
    """The query process dies (here: SIGKILL, as the OOM killer would): one clear error,
    and the next query works."""
    outcome: dict[str, BaseException] = {}

    def run() -> None:
        try:
            run_query(store_dir, RUNAWAY, timeout=60)
        except BaseException as error:  # noqa: BLE001 - inspected below
            outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 30
    while not _query_children() and time.monotonic() < deadline:
        time.sleep(0.01)
    (child,) = _query_children()
    os.kill(child, signal.SIGKILL)
    thread.join(30)
    assert not thread.is_alive()
    error = outcome["error"]
    assert type(error) is QueryError
    assert str(error).startswith("the query process died (SIGKILL) before answering")
    assert run_query(store_dir, "ASK { ?s ?p ?o }", timeout=20).boolean is True


def test_concurrent_limited_queries_do_not_interfere(store_dir: Path) -> None:
    """Several threads (as in the server) each get their own query process and answer."""
    results: dict[int, object] = {}

    def run(index: int) -> None:
        try:
            result = run_query(
                store_dir,
                "SELECT ?a ?id WHERE { ?a dcterms:identifier ?id }",
                bindings={"id": f"g{index}"},
            )
            results[index] = [row["a"].value for row in result.records()]
        except BaseException as error:  # noqa: BLE001 - compared below
            results[index] = error

    threads = [threading.Thread(target=run, args=(index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results == {
        index: [f"https://w3id.org/entente/id/article/g{index}"] for index in range(4)
    }


def test_no_time_limit_runs_in_process(store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """timeout=None: the fast path, no child process (documented: no time limit)."""

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("a child process was started")

    monkeypatch.setattr(query_module, "_run_in_child", forbidden)
    assert run_query(store_dir, "ASK { ?a a ent:Agreement }", timeout=None).boolean is True


def test_in_memory_store_runs_in_process_with_the_row_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An in-memory store cannot be opened by a child: the query runs in-process, the
    time limit is not applied (documented) and the row limit still is."""

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("a child process was started")

    monkeypatch.setattr(query_module, "_run_in_child", forbidden)
    with KnowledgeGraph(None, query_timeout=1, max_rows=2) as kg:
        for index in range(3):
            kg.store.replace_article(extraction(index))
        result = kg.query("SELECT ?a WHERE { ?a a ent:Article }")
    assert len(result) == 2 and result.truncated is True


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"timeout": 0}, "time limit must be a positive number of seconds, not 0"),
        ({"timeout": -5}, "time limit must be a positive number of seconds, not -5"),
        ({"max_rows": 0}, "row limit must be a positive number, not 0"),
    ],
    ids=["zero-timeout", "negative-timeout", "zero-rows"],
)
def test_invalid_limits_are_refused(store_dir: Path, options: dict, message: str) -> None:
    """Limits that make no sense: a clear QueryError, nothing run."""
    with pytest.raises(QueryError, match=message):
        run_query(store_dir, "ASK {}", **options)


def test_missing_store_directory_is_a_store_error(tmp_path: Path) -> None:
    """A query on a directory without a store: one line naming it, from the child too."""
    from entente.errors import StoreError

    with pytest.raises(StoreError, match="no entente store in"):
        run_query(tmp_path / "nowhere", "ASK {}", timeout=5)


# -- row limit ------------------------------------------------------------------------------


def test_defaults_are_documented_values() -> None:
    """Defaults: 30 s and 100,000 rows, the same in the API, the CLI and run_query."""
    assert (DEFAULT_TIMEOUT, DEFAULT_MAX_ROWS) == (30.0, 100_000)
    with KnowledgeGraph(None) as kg:
        assert (kg.query_timeout, kg.max_rows, kg.allow_service) == (30.0, 100_000, False)
    help_text = CliRunner().invoke(app, ["query", "--help"], env={"COLUMNS": "200"}).stdout
    assert "--timeout" in help_text and "30.0" in help_text
    assert "--max-rows" in help_text and "100000" in help_text


@pytest.mark.parametrize(
    ("limit", "rows", "truncated"),
    [(5, 5, True), (None, 12, False)],
    ids=["cut", "unlimited"],
)
def test_select_row_limit(store_dir: Path, limit: int | None, rows: int, truncated: bool) -> None:
    """At most max_rows solutions are read, and the result says it was cut."""
    sparql = "SELECT ?a ?p WHERE { ?a a ent:Agreement ; ?p ?o } LIMIT 12"
    result = run_query(store_dir, sparql, max_rows=limit)
    assert (len(result), result.truncated) == (rows, truncated)
    assert len(json.loads(format_result(result, "json"))["results"]["bindings"]) == rows


def test_row_limit_equal_to_the_result_is_not_truncation(store_dir: Path) -> None:
    """Boundary: exactly max_rows rows available is a complete result."""
    sparql = "SELECT ?a WHERE { ?a a ent:Article }"
    result = run_query(store_dir, sparql, max_rows=4)
    assert (len(result), result.truncated) == (4, False)


def test_construct_row_limit(store_dir: Path) -> None:
    """CONSTRUCT/DESCRIBE results are cut at max_rows triples, and flagged."""
    result = run_query(store_dir, "CONSTRUCT WHERE { ?s ?p ?o }", max_rows=7)
    assert result.kind == "graph" and len(result) == 7 and result.truncated
    assert (
        len(list(ox.parse(format_result(result, "ntriples"), format=ox.RdfFormat.N_TRIPLES))) == 7
    )


def test_row_limit_stops_a_huge_result_early(store_dir: Path) -> None:
    """The runaway cross product with a small row limit returns at once (rows are read
    lazily), well inside a generous time limit."""
    result = run_query(store_dir, RUNAWAY, max_rows=10, timeout=60)
    assert len(result) == 10 and result.truncated


def test_cli_reports_truncation_on_stderr(store_dir: Path) -> None:
    """entente query --max-rows: the rows on stdout, one warning line on stderr, exit 0."""
    result = CliRunner().invoke(
        app,
        [
            "query",
            "--store",
            str(store_dir),
            "--max-rows",
            "3",
            "-f",
            "csv",
            "SELECT ?s WHERE { ?s ?p ?o }",
        ],
    )
    assert result.exit_code == 0
    assert len(result.stdout.strip().splitlines()) == 1 + 3
    assert result.stderr.strip() == (
        "warning: the result was cut at 3 rows (--max-rows); add LIMIT to the query or raise "
        "--max-rows"
    )


def test_limited_json_equals_oxigraph_json(store_dir: Path) -> None:
    """The row-limited path writes SPARQL JSON itself: it must read back exactly as
    Oxigraph's own serialisation (IRIs, languages, directions, datatypes, blank nodes,
    triple terms). Run on Oxigraph directly: rdflib's check refuses SPARQL 1.2 syntax."""
    sparql = """SELECT ?s ?p ?o ?lang ?dir ?num ?b ?t WHERE {
        { GRAPH ?g { ?s ?p ?o } } UNION { BIND("x"@en AS ?lang) BIND("y"@ar--rtl AS ?dir)
          BIND(1.5 AS ?num) BIND(BNODE() AS ?b) BIND(<<( <http://e/s> <http://e/p> "z" )>> AS ?t) }
        } ORDER BY DESC(BOUND(?t)) LIMIT 40"""
    with GraphStore.open(store_dir, read_only=True) as store:
        oxigraph = store.oxigraph
        reference = oxigraph.query(sparql).serialize(format=ox.QueryResultsFormat.JSON)
        limited = query_module._result(query_module._collect(oxigraph.query(sparql), 1000))
    expected = list(ox.parse_query_results(reference, ox.QueryResultsFormat.JSON))
    assert len(limited) == len(expected) == 40 and not limited.truncated
    assert limited.rows[0][-1] == ox.Triple(
        ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("z")
    )

    def comparable(term: object) -> object:  # BNODE() mints a new node on every run
        return "a blank node" if isinstance(term, ox.BlankNode) else term

    assert [tuple(map(comparable, row)) for row in limited.rows] == [
        tuple(comparable(solution[v]) for v in limited.variables) for solution in expected
    ]


def test_a_script_without_a_main_guard_can_run_limited_queries(
    store_dir: Path, tmp_path: Path
) -> None:
    """The time-limited query runs in a fresh interpreter, which does not re-import the
    caller's script (multiprocessing's spawn and forkserver would, and a script without
    ``if __name__ == "__main__"`` would then start queries from inside the child)."""
    import subprocess
    import sys

    script = tmp_path / "count_articles.py"
    script.write_text(
        "from entente import KnowledgeGraph\n"
        f"kg = KnowledgeGraph({str(store_dir)!r}, read_only=True, query_timeout=20)\n"
        "print(kg.query('SELECT (COUNT(*) AS ?n) WHERE { ?a a ent:Article }').rows[0][0].value)\n"
        "kg.close()\n"
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "4"
