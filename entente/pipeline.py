"""Ingest: loaders -> extract -> graph, one article at a time.

This is the one module that sees both the spaCy side (:mod:`entente.extract`) and
the RDF side (:mod:`entente.graph`). Articles stream through ``nlp.pipe`` in
batches and each article's facts are committed to the store atomically as soon
as it has been analysed, so nothing holds the whole corpus in memory and an
interrupted ingest keeps every article committed before the interruption.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from entente.errors import InputError
from entente.loaders import load_articles
from entente.records import Article, Extraction

if TYPE_CHECKING:
    from spacy.language import Language

    from entente.graph.store import GraphStore

__all__ = ["IngestSummary", "ingest", "ingest_articles"]


@dataclass
class IngestSummary:
    """What an ingest did.

    Attributes:
        articles: Articles analysed and committed.
        agreements: Agreements found in them.
        restrictions: Restrictions found in them.
        triples: Quads in the store afterwards (all graphs).
        errors: One line per record or file that could not be loaded.
        seconds: Wall-clock time.
    """

    articles: int = 0
    agreements: int = 0
    restrictions: int = 0
    triples: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def relations(self) -> int:
        return self.agreements + self.restrictions


def ingest_articles(
    articles: Iterable[Article],
    store: GraphStore,
    *,
    nlp: Language | None = None,
    model: str | None = None,
    batch_size: int = 16,
    on_article: Callable[[Extraction], None] | None = None,
    summary: IngestSummary | None = None,
) -> IngestSummary:
    """Analyse articles and commit each one's facts to ``store``.

    Re-ingesting an article (same id) replaces its facts; it never duplicates them.

    Args:
        articles: The articles, consumed lazily.
        store: An open, writable store.
        nlp: A pipeline from :func:`entente.extract.build_pipeline`; built if ``None``.
        model: Optional spaCy model name, used when ``nlp`` is ``None``.
        batch_size: Articles per ``nlp.pipe`` batch.
        on_article: Called after each article is committed (progress reporting).
        summary: A summary to add to (used by :func:`ingest`).
    """
    from entente.extract import build_pipeline, extract

    summary = summary or IngestSummary()
    started = time.perf_counter()
    nlp = nlp or build_pipeline(model)
    for extraction in extract(articles, nlp, batch_size=batch_size):
        store.replace_article(extraction)
        summary.articles += 1
        for relation in extraction.relations:
            if relation.kind == "agreement":
                summary.agreements += 1
            else:
                summary.restrictions += 1
        if on_article is not None:
            on_article(extraction)
    store.flush()
    summary.triples = len(store)
    summary.seconds += time.perf_counter() - started
    return summary


def ingest(
    sources: Iterable[str | os.PathLike[str]],
    store: GraphStore,
    *,
    nlp: Language | None = None,
    model: str | None = None,
    batch_size: int = 16,
    on_article: Callable[[Extraction], None] | None = None,
    on_error: Callable[[InputError], None] | None = None,
) -> IngestSummary:
    """Load every source (files, directories, ``-``) and ingest its articles.

    A record or file that cannot be loaded is reported to ``on_error`` (and listed
    in the summary); the other articles are still ingested.
    """
    summary = IngestSummary()

    def report(error: InputError) -> None:
        summary.errors.append(str(error))
        if on_error is not None:
            on_error(error)

    articles = load_articles(sources, on_error=report)
    return ingest_articles(
        articles,
        store,
        nlp=nlp,
        model=model,
        batch_size=batch_size,
        on_article=on_article,
        summary=summary,
    )
