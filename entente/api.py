"""The Python API: :class:`KnowledgeGraph`, the same operations as the CLI."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from entente.errors import InputError
from entente.pipeline import IngestSummary, ingest, ingest_articles
from entente.records import Article, Extraction

if TYPE_CHECKING:
    from spacy.language import Language

    from entente.evaluation import Evaluation
    from entente.graph.export import ExportSummary
    from entente.graph.query import QueryResult
    from entente.graph.store import GraphStore
    from entente.graph.validate import ValidationReport

__all__ = ["KnowledgeGraph"]


class KnowledgeGraph:
    """A knowledge graph of agreements and restrictions, in an Oxigraph store.

    ::

        with KnowledgeGraph("entente-store") as kg:
            kg.ingest("data/samples")
            for row in kg.example("partners-of-state", state="entr:state/IND"):
                print(row["partnerLabel"])
            kg.export("gexf", "graph.gexf")

    Args:
        store: Store directory (created if missing), or ``None`` for a temporary
            in-memory graph.
        model: Optional installed spaCy model whose entities complement the rules.
        read_only: Open an existing store for reading only: any number of readers
            share it, and no writer may open it meanwhile.
        query_timeout: Seconds a query may run before it is stopped (default 30), or
            ``None`` for no limit. Enforced for on-disk stores only: each query runs
            in a child process that is killed at the deadline. Queries on an
            in-memory graph run in this process, without a time limit.
        max_rows: Solutions (or triples) a query returns at most (default 100,000), or
            ``None`` for all; ``result.truncated`` says when the limit cut a result.
        allow_service: Let queries use ``SERVICE`` to call other SPARQL endpoints
            (refused by default: it makes HTTP requests from this machine).

    The three query options are also attributes, which can be changed later.

    Raises:
        StoreLockedError: Another process is writing to the store (or, for a
            writer, is reading it).
    """

    def __init__(
        self,
        store: str | os.PathLike[str] | None = None,
        *,
        model: str | None = None,
        read_only: bool = False,
        query_timeout: float | None = 30.0,
        max_rows: int | None = 100_000,
        allow_service: bool = False,
    ) -> None:
        from entente.graph.store import GraphStore

        self.path = Path(store) if store is not None else None
        self.model = model
        # defaults equal entente.graph.query.DEFAULT_TIMEOUT / DEFAULT_MAX_ROWS (tested);
        # spelled out so that importing the API does not import pyoxigraph
        self.query_timeout = query_timeout
        self.max_rows = max_rows
        self.allow_service = allow_service
        self.store: GraphStore = GraphStore.open(self.path, read_only=read_only)
        self._nlp: Language | None = None

    # -- life cycle
    def close(self) -> None:
        """Flush and release the store (and its writer lock)."""
        self.store.close()

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def nlp(self) -> Language:
        """The extraction pipeline, built on first use."""
        if self._nlp is None:
            from entente.extract import build_pipeline

            self._nlp = build_pipeline(self.model)
        return self._nlp

    # -- writing
    def ingest(
        self,
        *sources: str | os.PathLike[str],
        batch_size: int = 16,
        on_article: Callable[[Extraction], None] | None = None,
        on_error: Callable[[InputError], None] | None = None,
        on_warning: Callable[[str], None] | None = None,
        force: bool = False,
    ) -> IngestSummary:
        """Load and ingest files, directories or ``-`` (JSONL on stdin).

        Each article is committed whole or not at all; one that cannot be loaded,
        analysed or stored is reported to ``on_error`` and listed in
        ``summary.errors``, and the others go on. Articles already stored with the
        same content are skipped (``summary.unchanged``) unless ``force`` is set.
        """
        return ingest(
            sources,
            self.store,
            nlp=self.nlp,
            batch_size=batch_size,
            on_article=on_article,
            on_error=on_error,
            on_warning=on_warning,
            force=force,
        )

    def add(
        self,
        articles: Iterable[Article],
        *,
        batch_size: int = 16,
        on_error: Callable[[InputError], None] | None = None,
        force: bool = False,
    ) -> IngestSummary:
        """Ingest :class:`~entente.records.Article` records built in Python.

        Articles that cannot be analysed or stored are listed in ``summary.errors``
        (and passed to ``on_error``); the others are committed.
        """
        return ingest_articles(
            articles,
            self.store,
            nlp=self.nlp,
            batch_size=batch_size,
            on_error=on_error,
            force=force,
        )

    # -- reading
    def query(self, sparql: str, *, bindings: Mapping[str, Any] | None = None) -> QueryResult:
        """Run a read-only SPARQL query; the usual prefixes need not be declared.

        The query is checked before it runs (``SERVICE``, ``LOAD``, updates and
        ``FROM`` outside the store are refused with
        :class:`~entente.errors.QueryRefusedError`) and runs under
        :attr:`query_timeout` (:class:`~entente.errors.QueryTimeoutError`) and
        :attr:`max_rows`. Values go in as ``bindings``, never into the text.
        """
        from entente.graph.query import run_query

        return run_query(
            self.store,
            sparql,
            bindings=bindings,
            timeout=self.query_timeout,
            max_rows=self.max_rows,
            allow_service=self.allow_service,
        )

    def example(self, name: str, **bindings: Any) -> QueryResult:
        """Run a named example query (see :meth:`examples`) with optional bindings."""
        from entente.graph.query import load_example

        return self.query(load_example(name), bindings=bindings or None)

    @staticmethod
    def examples() -> list[tuple[str, str]]:
        """Names and descriptions of the example queries."""
        from entente.graph.query import list_examples

        return list_examples()

    def stats(self) -> dict[str, int]:
        """Counts of articles, relations, actors, technologies and triples."""
        from entente.graph.stats import graph_stats

        return graph_stats(self.store)

    def validate(self) -> ValidationReport:
        """Check the graph against entente's SHACL shapes."""
        from entente.graph.validate import validate_store

        return validate_store(self.store.oxigraph)

    def evaluate(self, gold: str | os.PathLike[str]) -> Evaluation:
        """Score the graph against a gold file (see :mod:`entente.evaluation`)."""
        from entente.evaluation import evaluate, load_gold, query_text, relations_from_rows
        from entente.graph.query import run_query

        gold_relations = load_gold(gold)
        # entente's own query: every row is needed, so no row or time limit
        result = run_query(self.store, query_text(), timeout=None, max_rows=None)
        rows = [
            {name: term.value if term is not None else None for name, term in row.items()}
            for row in result.records()
        ]
        return evaluate(gold_relations, relations_from_rows(rows))

    def export(
        self, fmt: str, output: str | os.PathLike[str], *, view: str = "actors"
    ) -> ExportSummary:
        """Write the graph as gexf, graphml, csv, turtle, nquads, trig, ntriples or jsonld."""
        from entente.graph.export import export

        return export(self.store.oxigraph, fmt, output, view=view)
