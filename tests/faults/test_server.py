"""The read-only SPARQL endpoint (promises 1 and 2 over HTTP): protocol, refusals,
limits, and a store being written. Servers bind 127.0.0.1 on a free port and are
stopped after the tests."""

from __future__ import annotations

import csv
import http.client
import io
import json
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from entente.errors import StoreError
from entente.graph.server import SparqlServer, is_loopback, make_server
from entente.graph.store import GraphStore

from ..conftest import query_processes
from .support import Listener, make_store, quad_count

SELECT = "SELECT ?a ?id WHERE { ?a a ent:Article ; dcterms:identifier ?id } ORDER BY ?id"
CONSTRUCT = (
    "CONSTRUCT { ?a dcterms:identifier ?id } WHERE { ?a a ent:Article ; dcterms:identifier ?id }"
)
# a count streams: no memory grows, it just never ends (~10^10 rows on this store)
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


class Response:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def request(
    url: str,
    *,
    method: str = "GET",
    params: dict[str, str] | None = None,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    if params:
        url += "?" + urllib.parse.urlencode(params)
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            return Response(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        with error:
            return Response(error.code, dict(error.headers), error.read())


class Running:
    """A server on 127.0.0.1:<free port> in a thread, stopped on exit."""

    def __init__(self, store: Path, **options: object) -> None:
        self.server: SparqlServer = make_server(store, port=0, quiet=True, **options)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.url = self.server.url

    def __enter__(self) -> Running:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("server") / "store"
    make_store(path, articles=3)
    return path


@pytest.fixture(scope="module")
def endpoint(store_dir: Path) -> Iterator[Running]:
    with Running(store_dir, timeout=1, max_rows=50) as running:
        yield running


@pytest.fixture()
def listener() -> Iterator[Listener]:
    with Listener() as running:
        yield running


# -- protocol -----------------------------------------------------------------------------


def test_binds_loopback_by_default(endpoint: Running) -> None:
    """Default bind address is 127.0.0.1; the URL names the /sparql endpoint."""
    assert endpoint.server.server_address[0] == "127.0.0.1"
    assert endpoint.url.startswith("http://127.0.0.1:") and endpoint.url.endswith("/sparql")


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("127.8.0.1", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.10", False),
        ("example.org", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    """Which addresses `entente serve` warns about (anything reachable from elsewhere)."""
    assert is_loopback(host) is loopback


def test_get_select_as_json(endpoint: Running) -> None:
    """GET ?query=: SPARQL JSON by default, the rows of the store."""
    response = request(endpoint.url, params={"query": SELECT})
    assert response.status == 200
    assert response.headers["Content-Type"] == "application/sparql-results+json; charset=utf-8"
    data = json.loads(response.body)
    assert [b["id"]["value"] for b in data["results"]["bindings"]] == ["g0", "g1", "g2"]
    assert "Entente-Truncated" not in response.headers


def test_post_sparql_query_body(endpoint: Running) -> None:
    """POST with application/sparql-query: the body is the query."""
    response = request(
        endpoint.url,
        method="POST",
        body=SELECT.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
    )
    assert response.status == 200 and response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["a", "id"] and [row[1] for row in rows[1:]] == ["g0", "g1", "g2"]


def test_post_form(endpoint: Running) -> None:
    """POST with a form: query=..."""
    response = request(
        endpoint.url,
        method="POST",
        body=urllib.parse.urlencode({"query": "ASK { ?a a ent:Agreement }"}).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status == 200 and json.loads(response.body)["boolean"] is True


@pytest.mark.parametrize(
    ("accept", "media", "parse"),
    [
        (
            "application/sparql-results+xml",
            "application/sparql-results+xml",
            ox.QueryResultsFormat.XML,
        ),
        ("text/tab-separated-values", "text/tab-separated-values", ox.QueryResultsFormat.TSV),
        ("text/html;q=0.9, text/csv;q=0.5, */*;q=0.1", "text/csv", None),
        ("*/*", "application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ],
    ids=["xml", "tsv", "q-values", "any"],
)
def test_result_formats_by_accept(endpoint: Running, accept: str, media: str, parse) -> None:
    """Accept picks the format (q-values honoured); every body parses back strictly
    (CSV, which Oxigraph will not read back, with the csv module)."""
    response = request(endpoint.url, params={"query": SELECT}, headers={"Accept": accept})
    assert response.status == 200 and response.headers["Content-Type"].startswith(media)
    if parse is None:
        rows = list(csv.reader(io.StringIO(response.text), strict=True))
        assert rows[0] == ["a", "id"] and len(rows) == 4
    else:
        assert len(list(ox.parse_query_results(response.body, parse))) == 3


@pytest.mark.parametrize(
    ("accept", "media", "fmt"),
    [
        (None, "text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    ],
    ids=["turtle-default", "ntriples"],
)
def test_construct_formats(endpoint: Running, accept: str | None, media: str, fmt) -> None:
    """CONSTRUCT: Turtle by default, N-Triples on request; both re-parse."""
    headers = {"Accept": accept} if accept else {}
    response = request(endpoint.url, params={"query": CONSTRUCT}, headers=headers)
    assert response.status == 200 and response.headers["Content-Type"].startswith(media)
    assert len(list(ox.parse(response.body, format=fmt))) == 3


def test_unacceptable_format_is_406(endpoint: Running) -> None:
    """Accept with nothing the result can be: 406 naming the choices."""
    response = request(endpoint.url, params={"query": SELECT}, headers={"Accept": "image/png"})
    assert response.status == 406
    assert response.text.startswith("error: no acceptable result format; this result can be ")


# -- refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sparql",
    [
        "SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } }",
        "select * where { service silent <{url}> { ?s ?p ?o } }",
        "SELECT * WHERE { \\u0053ERVICE <{url}> { ?s ?p ?o } }",
        "SELECT * WHERE { ?a ?b ?c OPTIONAL { SERVICE ?e { ?s ?p ?o } } }",
    ],
    ids=["plain", "silent", "escaped", "variable-nested"],
)
def test_service_over_http_is_400_and_never_called(
    endpoint: Running, listener: Listener, sparql: str
) -> None:
    """SERVICE through the endpoint: 400 with one line, no request reaches the target."""
    response = request(endpoint.url, params={"query": sparql.replace("{url}", listener.url)})
    assert response.status == 400
    assert response.text == (
        "error: SERVICE is not allowed: queries may not call other endpoints "
        "(allow it with --allow-service, or allow_service=True in Python)\n"
    )
    assert listener.requests == []


def test_server_with_allow_service_calls_the_endpoint(store_dir: Path, listener: Listener) -> None:
    """Control: a server started with allow_service forwards SERVICE calls."""
    with Running(store_dir, allow_service=True, timeout=20) as running:
        sparql = f"SELECT ?x WHERE {{ SERVICE <{listener.url}sparql> {{ ?s ?p ?x }} }}"
        response = request(running.url, params={"query": sparql})
    assert response.status == 200
    assert json.loads(response.body)["results"]["bindings"] == [
        {"x": {"type": "literal", "value": "remote"}}
    ]
    assert len(listener.requests) >= 1


@pytest.mark.parametrize(
    ("sparql", "start"),
    [
        (
            "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
            "error: FROM <file:///etc/passwd> is not allowed",
        ),
        (
            "SELECT * FROM NAMED <{url}g> WHERE { GRAPH ?g { ?s ?p ?o } }",
            "error: FROM NAMED <http://127.0.0.1:",
        ),
        ("LOAD <{url}data.ttl>", "error: LOAD is not allowed"),
        ("DROP ALL", "error: updates are not allowed"),
    ],
    ids=["from-file", "from-named-http", "load-as-query", "drop-as-query"],
)
def test_from_and_updates_as_query_are_400(
    endpoint: Running, store_dir: Path, listener: Listener, sparql: str, start: str
) -> None:
    """FROM outside the store and updates sent as queries: 400, nothing read or changed."""
    before = quad_count(store_dir)
    response = request(endpoint.url, params={"query": sparql.replace("{url}", listener.url)})
    assert response.status == 400 and response.text.startswith(start)
    assert response.text.count("\n") == 1
    assert listener.requests == [] and quad_count(store_dir) == before


@pytest.mark.parametrize(
    ("kwargs"),
    [
        {
            "method": "POST",
            "body": b"update=DROP+ALL",
            "headers": {"Content-Type": "application/x-www-form-urlencoded"},
        },
        {
            "method": "POST",
            "body": b"DROP ALL",
            "headers": {"Content-Type": "application/sparql-update"},
        },
        {"method": "GET", "params": {"update": "CLEAR ALL"}},
    ],
    ids=["form-update", "sparql-update-body", "get-update"],
)
def test_update_requests_are_403(endpoint: Running, store_dir: Path, kwargs: dict) -> None:
    """Update operations of the protocol: 403, the store unchanged."""
    before = quad_count(store_dir)
    response = request(endpoint.url, **kwargs)
    assert response.status == 403
    assert response.text == (
        "error: updates are not allowed: this endpoint is read-only "
        "(change the store with `entente ingest`)\n"
    )
    assert quad_count(store_dir) == before


@pytest.mark.parametrize(
    ("kwargs", "status", "start"),
    [
        ({"method": "PUT", "body": b"x"}, 405, "error: this endpoint is read-only"),
        ({"method": "DELETE"}, 405, "error: this endpoint is read-only"),
        ({"path": "/admin"}, 404, "error: no such resource '/admin'"),
        ({"params": {}}, 400, "error: missing query"),
        ({"params": {"query": "SELEC x"}}, 400, "error: invalid SPARQL query: error at 1:1"),
        (
            {"params": {"query": "ASK {}", "default-graph-uri": "file:///etc/passwd"}},
            400,
            "error: default-graph-uri",
        ),
        (
            {
                "method": "POST",
                "body": b"\xff\xfe ASK {}",
                "headers": {"Content-Type": "application/sparql-query"},
            },
            400,
            "error: the request is not UTF-8",
        ),
        (
            {"method": "POST", "body": b"ASK {}", "headers": {"Content-Type": "text/plain"}},
            415,
            "error: unsupported Content-Type 'text/plain'",
        ),
    ],
    ids=[
        "put",
        "delete",
        "unknown-path",
        "no-query",
        "syntax",
        "dataset-param",
        "not-utf8",
        "wrong-type",
    ],
)
def test_bad_requests_get_one_line(
    endpoint: Running, kwargs: dict, status: int, start: str
) -> None:
    """Every malformed request: the right status and one line of text."""
    url = endpoint.url
    if "path" in kwargs:
        url = url.rsplit("/", 1)[0] + kwargs.pop("path")
    response = request(url, **kwargs)
    assert response.status == status
    assert response.text.startswith(start) and response.text.count("\n") == 1


def test_oversized_body_is_413_without_reading_it(endpoint: Running) -> None:
    """A body over 1,000,000 bytes is refused from its Content-Length, unread."""
    host, port = endpoint.server.server_address[:2]
    connection = http.client.HTTPConnection(host, port, timeout=30)
    try:
        connection.putrequest("POST", "/sparql")
        connection.putheader("Content-Type", "application/sparql-query")
        connection.putheader("Content-Length", str(10**9))
        connection.endheaders()
        response = connection.getresponse()
        assert response.status == 413
        assert response.read() == b"error: the request body is over 1,000,000 bytes\n"
    finally:
        connection.close()


# -- limits and faults ----------------------------------------------------------------------


def test_runaway_query_is_503_and_the_server_goes_on(endpoint: Running) -> None:
    """The server's time limit stops a runaway query (503); the next query is answered."""
    response = request(endpoint.url, params={"query": RUNAWAY})
    assert response.status == 503
    assert response.text.startswith("error: query stopped after 1 s (time limit")
    assert request(endpoint.url, params={"query": SELECT}).status == 200


def test_row_limit_is_flagged_in_a_header(endpoint: Running) -> None:
    """Results cut at max_rows carry `Entente-Truncated: true`."""
    response = request(endpoint.url, params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert response.status == 200 and response.headers["Entente-Truncated"] == "true"
    assert len(json.loads(response.body)["results"]["bindings"]) == 50


def test_busy_server_answers_503(store_dir: Path) -> None:
    """All query slots taken: 503 with Retry-After at once, not an unbounded queue."""
    with Running(store_dir, timeout=5, max_concurrent=1) as running:
        slow = threading.Thread(
            target=request, args=(running.url,), kwargs={"params": {"query": RUNAWAY}}
        )
        slow.start()
        deadline = time.monotonic() + 30
        while not query_processes():
            assert time.monotonic() < deadline
            time.sleep(0.01)
        response = request(running.url, params={"query": "ASK {}"})
        slow.join(60)
    assert response.status == 503 and response.headers["Retry-After"] == "1"
    assert response.text == "error: too many queries at once; retry shortly\n"


def test_store_being_written_is_503(tmp_path: Path) -> None:
    """While an ingest holds the store, a query gets 503 'being written' with
    Retry-After; once the writer is gone, queries work again."""
    path = tmp_path / "store"
    make_store(path, articles=1)
    with Running(path, timeout=10) as running:
        with GraphStore.open(path):  # this process becomes the writer
            busy = request(running.url, params={"query": "ASK {}"})
        free = request(running.url, params={"query": "ASK { ?a a ent:Article }"})
    assert busy.status == 503 and busy.headers["Retry-After"] == "5"
    assert "is being written by another process" in busy.text
    assert free.status == 200 and json.loads(free.body)["boolean"] is True


def test_no_store_no_server(tmp_path: Path) -> None:
    """make_server refuses a directory without a store before binding anything."""
    with pytest.raises(StoreError, match="no entente store in"):
        make_server(tmp_path, port=0)


def test_cli_serve_subprocess(store_dir: Path) -> None:
    """`entente serve --port 0` in a real process: announces its URL, answers, and stops
    on SIGINT (Ctrl-C) with status 0."""
    command = [
        sys.executable,
        "-m",
        "entente.cli",
        "serve",
        "--store",
        str(store_dir),
        "--port",
        "0",
        "--quiet",
    ]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stderr.readline()
        assert line.startswith(f"serving {store_dir} read-only at http://127.0.0.1:")
        url = line.split(" at ")[1].split(" ")[0]
        response = request(url, params={"query": SELECT}, headers={"Accept": "text/csv"})
        assert response.status == 200 and response.text.splitlines()[1].endswith(",g0")
        process.send_signal(signal.SIGINT)
        assert process.wait(30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stderr.close()
