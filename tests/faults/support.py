"""Helpers shared by the query fault tests: a recording HTTP listener and small stores."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from entente.graph.store import GraphStore
from entente.records import Actor, Article, Extraction, Mention, Relation


class Listener:
    """An HTTP server on 127.0.0.1 that records every request and answers SPARQL JSON."""

    ANSWER = {
        "head": {"vars": ["x"]},
        "results": {"bindings": [{"x": {"type": "literal", "value": "remote"}}]},
    }

    def __init__(self) -> None:
        self.requests: list[str] = []
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def _record(self) -> None:
                listener.requests.append(f"{self.command} {self.path}")
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                data = json.dumps(listener.ANSWER).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _record

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Listener:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def extraction(index: int, title: str | None = None, label: str | None = None) -> Extraction:
    """A small hand-made article: a 5G cooperation between two states."""
    text = f"India and Japan agreed to cooperate on 5G networks, report {index}."
    article = Article(
        id=f"g{index}",
        text=text,
        title=title or f"Report {index}",
        date="2021-05-0" + str(1 + index % 9),
    )
    span = "agreed to cooperate on 5G"
    start = text.index(span)
    mention = Mention(article.id, 0, text, start, start + len(span), span, 0.8, "agreement.verb")
    relation = Relation(
        kind="agreement",
        type="cooperation",
        status="agreed",
        parties=("state/IND", "state/JPN"),
        technologies=("5g",),
        date=article.date,
        confidence=0.8,
        mentions=(mention,),
    )
    actors = (
        Actor("state/IND", "state", label or "India", code="IND"),
        Actor("state/JPN", "state", "Japan", code="JPN"),
    )
    return Extraction(article, actors=actors, relations=(relation,))


def make_store(path: Path, articles: int = 3) -> int:
    """An on-disk store with the vocabulary and ``articles`` articles; returns its quad count."""
    with GraphStore.open(path) as store:
        for index in range(articles):
            store.replace_article(extraction(index))
        return len(store)


def quad_count(path: Path) -> int:
    with GraphStore.open(path, read_only=True) as store:
        return len(store)
