"""A small read-only SPARQL 1.1 Protocol endpoint over an entente store.

``entente serve`` wraps :func:`make_server`. The endpoint is ``/sparql``:

* ``GET /sparql?query=...``, ``POST /sparql`` with ``Content-Type:
  application/sparql-query`` (the query as the body) or
  ``application/x-www-form-urlencoded`` (``query=...``);
* results by ``Accept``: SELECT/ASK as ``application/sparql-results+json``
  (default), ``application/sparql-results+xml``, ``text/csv`` or
  ``text/tab-separated-values``; CONSTRUCT/DESCRIBE as ``text/turtle`` (default)
  or ``application/n-triples``; anything else is ``406``;
* every query goes through :func:`entente.graph.query.run_query`: checked on its
  parsed form (``SERVICE`` refused unless the server allows it; ``LOAD``,
  updates and ``FROM`` outside the store refused), run in a child process under
  the time limit, cut at the row limit (the response then carries the header
  ``Entente-Truncated: true``).

Status codes: ``400`` invalid or refused query (one line of ``text/plain``),
``403`` update requests (``update=`` or ``application/sparql-update``), ``404``
other paths, ``405`` other methods, ``406`` no acceptable result format, ``413``
request body over :data:`MAX_BODY_BYTES`, ``415`` other content types, ``503``
time limit reached (the query was stopped), all query slots busy, or the store
being written by ``entente ingest`` (with ``Retry-After``), ``500`` anything else.

Security: the server binds ``127.0.0.1`` by default and has no authentication;
binding another address lets anyone who reaches it read the whole store (and,
with ``allow_service``, make this machine send HTTP requests). Each query opens
the store read-only in its own process; the server never writes.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from entente import __version__
from entente.errors import (
    EntenteError,
    QueryError,
    QueryTimeoutError,
    StoreError,
    StoreLockedError,
)
from entente.graph.query import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT, format_result, run_query

__all__ = ["MAX_BODY_BYTES", "SparqlServer", "is_loopback", "make_server"]

MAX_BODY_BYTES = 1_000_000
"""Largest request body accepted, in bytes."""

UPDATE_REFUSED = (
    "updates are not allowed: this endpoint is read-only (change the store with `entente ingest`)"
)

_RESULT_TYPES = [
    ("application/sparql-results+json", "json"),
    ("application/sparql-results+xml", "xml"),
    ("text/csv", "csv"),
    ("text/tab-separated-values", "tsv"),
    ("application/json", "json"),
    ("application/xml", "xml"),
    ("text/xml", "xml"),
]
_GRAPH_TYPES = [
    ("text/turtle", "turtle"),
    ("application/n-triples", "ntriples"),
    ("text/plain", "ntriples"),
]
_MEDIA = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
}


class SparqlServer(ThreadingHTTPServer):
    """The HTTP server: holds the store path and the query options.

    Use :func:`make_server` to build one; ``serve_forever()`` to run it,
    ``shutdown()`` (from another thread) and ``server_close()`` to stop it.
    """

    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        store: Path,
        *,
        timeout: float | None,
        max_rows: int | None,
        allow_service: bool,
        max_concurrent: int,
        quiet: bool,
    ) -> None:
        self.store_path = store
        self.query_timeout = timeout
        self.max_rows = max_rows
        self.allow_service = allow_service
        self.quiet = quiet
        self.slots = threading.BoundedSemaphore(max_concurrent)
        super().__init__(address, SparqlHandler)

    @property
    def url(self) -> str:
        """The endpoint's URL, e.g. ``http://127.0.0.1:8000/sparql``."""
        host, port = self.server_address[:2]
        host = f"[{host}]" if ":" in str(host) else str(host)
        return f"http://{host}:{port}/sparql"


class _SparqlServer6(SparqlServer):
    address_family = socket.AF_INET6


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address or ``localhost`` (served to this machine only)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def make_server(
    store: str | os.PathLike[str],
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    timeout: float | None = DEFAULT_TIMEOUT,
    max_rows: int | None = DEFAULT_MAX_ROWS,
    allow_service: bool = False,
    max_concurrent: int | None = None,
    quiet: bool = False,
) -> SparqlServer:
    """Build (and bind) a read-only SPARQL endpoint for an on-disk store.

    Args:
        store: The store directory; it must hold an entente store.
        host: Address to bind; ``127.0.0.1`` by default. Anything that is not a
            loopback address exposes the store to the network (see :func:`is_loopback`).
        port: TCP port; ``0`` picks a free one (read it back from ``server.url``).
        timeout: Seconds a query may run before it is stopped (``None``: no limit).
        max_rows: Rows (or triples) returned at most (``None``: all).
        allow_service: Let queries use ``SERVICE`` (HTTP requests from this machine).
        max_concurrent: Queries run at once (each in its own process); more get ``503``.
            Default: the number of CPUs, at least 2.
        quiet: Do not log requests to standard error.

    Raises:
        StoreError: There is no store at ``store``, or it is being written.
        OSError: The address cannot be bound.
    """
    from entente.graph.store import GraphStore

    path = Path(store)
    with GraphStore.open(path, read_only=True):  # fail now, not at the first query
        pass
    concurrent = max_concurrent or max(2, os.cpu_count() or 1)
    server_class = _SparqlServer6 if ":" in host else SparqlServer
    return server_class(
        (host.strip("[]"), port),
        path,
        timeout=timeout,
        max_rows=max_rows,
        allow_service=allow_service,
        max_concurrent=concurrent,
        quiet=quiet,
    )


class _Reply(Exception):
    """Ends a request with an HTTP status and a one-line message."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


class SparqlHandler(BaseHTTPRequestHandler):
    """Answers SPARQL 1.1 Protocol query requests on ``/sparql``."""

    server: SparqlServer
    server_version = f"entente/{__version__}"

    # -- methods
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._handle(self._get_params)

    def do_POST(self) -> None:  # noqa: N802
        self._handle(self._post_params)

    def _refuse_method(self) -> None:
        self._send_error(
            _Reply(405, "this endpoint is read-only: use GET or POST", {"Allow": "GET, POST"})
        )

    do_PUT = do_DELETE = do_PATCH = _refuse_method

    # -- requests
    def _handle(self, read_params: object) -> None:
        try:
            url = urlsplit(self.path)
            if url.path.rstrip("/") != "/sparql":
                raise _Reply(404, f"no such resource {url.path!r}; the endpoint is /sparql")
            params = read_params(url.query)  # type: ignore[operator]
            self._answer(params)
        except _Reply as reply:
            self._send_error(reply)
        except Exception as error:  # noqa: BLE001 - one line for the client, server goes on
            self._send_error(_Reply(500, f"internal error: {type(error).__name__}: {error}"))

    def _get_params(self, query: str) -> dict[str, list[str]]:
        return _parse_form(query)

    def _post_params(self, query: str) -> dict[str, list[str]]:
        length_text = self.headers.get("Content-Length")
        if length_text is None:
            raise _Reply(411, "a POST request needs a Content-Length")
        try:
            length = int(length_text)
        except ValueError:
            raise _Reply(400, f"invalid Content-Length {length_text!r}") from None
        if length < 0:
            raise _Reply(400, f"invalid Content-Length {length_text!r}")
        if length > MAX_BODY_BYTES:
            raise _Reply(413, f"the request body is over {MAX_BODY_BYTES:,} bytes")
        body = self.rfile.read(length)
        media = self.headers.get_content_type()
        params = _parse_form(query)
        if media == "application/sparql-update":
            raise _Reply(403, UPDATE_REFUSED)
        if media == "application/sparql-query":
            params.setdefault("query", []).append(_decode(body))
        elif media == "application/x-www-form-urlencoded":
            for name, values in _parse_form(_decode(body)).items():
                params.setdefault(name, []).extend(values)
        else:
            raise _Reply(
                415,
                f"unsupported Content-Type {media!r}; send application/sparql-query "
                "or application/x-www-form-urlencoded",
            )
        return params

    def _answer(self, params: dict[str, list[str]]) -> None:
        if "update" in params:
            raise _Reply(403, UPDATE_REFUSED)
        if "default-graph-uri" in params or "named-graph-uri" in params:
            raise _Reply(
                400,
                "default-graph-uri and named-graph-uri are not supported; "
                "name the store's graphs with FROM / FROM NAMED in the query",
            )
        queries = params.get("query", [])
        if len(queries) != 1:
            raise _Reply(400, "give exactly one query parameter" if queries else "missing query")
        server = self.server
        if not server.slots.acquire(blocking=False):
            raise _Reply(503, "too many queries at once; retry shortly", {"Retry-After": "1"})
        try:
            result = run_query(
                server.store_path,
                queries[0],
                timeout=server.query_timeout,
                max_rows=server.max_rows,
                allow_service=server.allow_service,
            )
        except QueryTimeoutError as error:
            raise _Reply(503, str(error)) from None
        except StoreLockedError as error:
            raise _Reply(503, str(error), {"Retry-After": "5"}) from None
        except QueryError as error:
            raise _Reply(400, str(error)) from None
        except StoreError as error:
            raise _Reply(500, str(error)) from None
        except EntenteError as error:
            raise _Reply(500, str(error)) from None
        finally:
            server.slots.release()
        offers = _GRAPH_TYPES if result.kind == "graph" else _RESULT_TYPES
        fmt = _negotiate(self.headers.get("Accept"), offers)
        if fmt is None:
            acceptable = ", ".join(dict.fromkeys(media for media, _ in offers))
            raise _Reply(406, f"no acceptable result format; this result can be {acceptable}")
        body = format_result(result, fmt)
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(200)
        self.send_header("Content-Type", f"{_MEDIA[fmt]}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        if result.truncated:
            self.send_header("Entente-Truncated", "true")
        self.end_headers()
        self.wfile.write(data)

    # -- responses
    def _send_error(self, reply: _Reply) -> None:
        data = f"error: {reply.message}\n".encode()
        self.send_response(reply.status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        if not self.server.quiet:
            super().log_message(format, *args)


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _Reply(400, f"the request is not UTF-8: {error}") from None


def _parse_form(text: str) -> dict[str, list[str]]:
    try:
        return parse_qs(text, keep_blank_values=True, strict_parsing=False, errors="strict")
    except UnicodeDecodeError as error:
        raise _Reply(400, f"the request is not UTF-8: {error}") from None


def _negotiate(accept: str | None, offers: list[tuple[str, str]]) -> str | None:
    """The format for an ``Accept`` header (q-values honoured); the first offer by default."""
    if not accept or not accept.strip():
        return offers[0][1]
    ranges: list[tuple[float, int, str]] = []
    for index, item in enumerate(accept.split(",")):
        media, *parameters = (part.strip() for part in item.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media and quality > 0:
            ranges.append((-quality, index, media.lower()))
    for _, _, media in sorted(ranges):
        if media == "*/*":
            return offers[0][1]
        for offered, fmt in offers:
            if media == offered or (media.endswith("/*") and offered.startswith(media[:-1])):
                return fmt
    return None
