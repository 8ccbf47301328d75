"""Ingest: loaders -> extract -> graph, one article at a time.

This is the one module that sees both the spaCy side (:mod:`entente.extract`) and
the RDF side (:mod:`entente.graph`). Articles stream through ``nlp.pipe`` in
batches and each article's facts are committed to the store atomically as soon
as it has been analysed, so nothing holds the whole corpus in memory and an
interrupted ingest keeps every article committed before the interruption.

Nothing lost, nothing twice:

* Each article is committed whole or not at all (one transaction, see
  :meth:`entente.graph.store.GraphStore.replace_article`), with its content hash
  (:func:`content_hash`). Before analysing an article, its hash is looked up: an
  article already stored with the same hash is skipped and counted as
  ``unchanged``, so re-running an ingest, after it finished or after it was
  killed, analyses only what is missing or changed, and leaves the store as one
  uninterrupted run would.
* A problem with one article never stops the others: a record that cannot be
  loaded, an empty text, an exception while analysing or storing an article
  each become one line ``source:record: reason`` in :attr:`IngestSummary.errors`
  (and a call to ``on_error``). Only a store that cannot be written at all
  (:class:`~entente.errors.StoreError`: disk full, store closed) ends the ingest.
* An article in which nothing is found is still committed (its metadata and
  provenance), so the store records that it was read.
* Text is cleaned first (:func:`entente.loaders.decoding.clean_article`: NFC,
  lone surrogates replaced, reported in :attr:`IngestSummary.warnings`), and
  texts longer than spaCy's limit are analysed in pieces with offsets kept
  relative to the whole article (:func:`entente.extract.extract`).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from entente.errors import InputError, StoreError
from entente.loaders import load_articles
from entente.loaders.decoding import clean_article
from entente.records import Article, Extraction

if TYPE_CHECKING:
    from spacy.language import Language

    from entente.graph.store import GraphStore

__all__ = [
    "IngestSummary",
    "content_hash",
    "ingest",
    "ingest_articles",
    "pipeline_fingerprint",
]

# What decides the triples stored for an article besides the article itself: the
# extraction (rules, gazetteers, lexicons) and the mapping to RDF.
_FINGERPRINTED = ("extract", "graph/rdf.py", "graph/iris.py", "graph/merging.py", "records.py")
_FINGERPRINTED_SUFFIXES = (".py", ".jsonl", ".tsv", ".json", ".ttl", ".txt")


@dataclass
class IngestSummary:
    """What an ingest did.

    Attributes:
        articles: Articles analysed and committed.
        unchanged: Articles skipped because the store already held them with the
            same content hash (same text and metadata, same extraction pipeline).
        agreements: Agreements found in the committed articles.
        restrictions: Restrictions found in them.
        triples: Quads in the store afterwards (all graphs).
        errors: One line ``source:record: reason`` per record, file or article
            that could not be loaded, analysed or stored.
        warnings: One line per article that was loaded after a repair (invalid
            characters replaced).
        seconds: Wall-clock time.
    """

    articles: int = 0
    unchanged: int = 0
    agreements: int = 0
    restrictions: int = 0
    triples: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def relations(self) -> int:
        return self.agreements + self.restrictions

    def reporters(
        self,
        on_error: Callable[[InputError], None] | None,
        on_warning: Callable[[str], None] | None,
    ) -> tuple[Callable[[InputError], None], Callable[[str], None]]:
        """Callbacks that list an error or a warning here and pass it on to the caller's."""

        def fail(error: InputError) -> None:
            self.errors.append(str(error))
            if on_error is not None:
                on_error(error)

        def warn(message: str) -> None:
            self.warnings.append(message)
            if on_warning is not None:
                on_warning(message)

        return fail, warn


def pipeline_fingerprint(nlp: Language) -> str:
    """A digest of everything besides an article that decides what is stored for it.

    It covers entente's version, the spaCy pipeline (name, version, components)
    and the files of the extractor (code, rules, gazetteers) and of the RDF
    mapping. Upgrading entente or editing a rule file changes it, so the next
    ingest re-analyses every article instead of skipping it as unchanged.
    """
    from entente import __version__

    digest = hashlib.sha256()
    meta = {
        "entente": __version__,
        "pipeline": [nlp.meta.get("lang"), nlp.meta.get("name"), nlp.meta.get("version")],
        "pipes": list(nlp.pipe_names),
        "max_length": nlp.max_length,
    }
    digest.update(json.dumps(meta, sort_keys=True).encode("utf-8"))
    package = Path(__file__).resolve().parent
    for name in _FINGERPRINTED:
        base = package / name
        files = sorted(base.rglob("*")) if base.is_dir() else [base]
        for file in files:
            if file.suffix in _FINGERPRINTED_SUFFIXES and file.is_file():
                digest.update(file.relative_to(package).as_posix().encode("utf-8") + b"\0")
                digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()


def content_hash(article: Article, fingerprint: str) -> str:
    """``sha256:<hex>`` of an article's id, text and metadata, and of ``fingerprint``.

    ``Article.origin`` (where the article was read from) is left out: moving or
    renaming a corpus file does not make its articles new.
    """
    fields = [
        article.id,
        article.text,
        article.title,
        article.date,
        article.source,
        article.url,
        article.language,
    ]
    payload = fingerprint + "\0" + json.dumps(fields, ensure_ascii=False)
    return "sha256:" + hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


def _error(article: Article, reason: str) -> InputError:
    """An :class:`InputError` pointing at an article's ``origin`` (``path:line``)."""
    origin = article.origin or f"article {article.id!r}"
    path, sep, line = origin.rpartition(":")
    if sep and path and line.isdigit():
        return InputError(path, int(line), reason)
    return InputError(origin, None, reason)


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    if len(text) > 300:
        text = text[:297] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def ingest_articles(
    articles: Iterable[Article],
    store: GraphStore,
    *,
    nlp: Language | None = None,
    model: str | None = None,
    batch_size: int = 16,
    on_article: Callable[[Extraction], None] | None = None,
    on_error: Callable[[InputError], None] | None = None,
    on_warning: Callable[[str], None] | None = None,
    summary: IngestSummary | None = None,
    force: bool = False,
) -> IngestSummary:
    """Analyse articles and commit each one's facts to ``store``.

    Re-ingesting an article (same id) replaces its facts; it never duplicates them.
    An article already stored with the same content hash is skipped (counted in
    ``unchanged``) unless ``force`` is set.

    Args:
        articles: The articles, consumed lazily.
        store: An open, writable store.
        nlp: A pipeline from :func:`entente.extract.build_pipeline`; built if ``None``.
        model: Optional spaCy model name, used when ``nlp`` is ``None``.
        batch_size: Articles per ``nlp.pipe`` batch.
        on_article: Called after each article is committed (progress reporting).
        on_error: Called with each article that is skipped because it is empty,
            cannot be analysed or cannot be stored (also listed in the summary).
        on_warning: Called with each warning line (also listed in the summary).
        summary: A summary to add to (used by :func:`ingest`).
        force: Analyse and store every article, even those stored unchanged.

    Raises:
        StoreError: The store cannot be written at all (read-only, closed, disk
            errors); every article committed before stays committed.
    """
    from entente.extract import build_pipeline, extract

    summary = summary or IngestSummary()
    started = time.perf_counter()
    nlp = nlp or build_pipeline(model)
    fingerprint = pipeline_fingerprint(nlp)
    fail, warn = summary.reporters(on_error, on_warning)

    def analysis_failed(article: Article, exc: Exception) -> None:
        fail(_error(article, f"could not be analysed ({_describe(exc)}); article skipped"))

    def pending() -> Iterator[Article]:
        """The articles that need analysing: cleaned, non-empty, not stored already."""
        for raw in articles:
            try:
                article, replaced = clean_article(raw)
                if replaced:
                    where = article.origin or f"article {article.id!r}"
                    warn(
                        f"{where}: {replaced} invalid character(s) (lone UTF-16 surrogates) "
                        "replaced with U+FFFD"
                    )
                if not article.text.strip():
                    fail(_error(article, "text is empty; article skipped"))
                    continue
                if not force and store.content_hash(article.id) == content_hash(
                    article, fingerprint
                ):
                    summary.unchanged += 1
                    continue
            except StoreError:
                raise
            except Exception as exc:
                fail(_error(raw, f"could not be prepared ({_describe(exc)}); article skipped"))
                continue
            yield article

    for extraction in extract(pending(), nlp, batch_size=batch_size, on_error=analysis_failed):
        try:
            store.replace_article(
                extraction, content_hash=content_hash(extraction.article, fingerprint)
            )
        except StoreError:
            raise
        except Exception as exc:
            reason = f"could not be stored ({_describe(exc)}); article skipped"
            fail(_error(extraction.article, reason))
            continue
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
    on_warning: Callable[[str], None] | None = None,
    force: bool = False,
) -> IngestSummary:
    """Load every source (files, directories, ``-``) and ingest its articles.

    A record, file or article that cannot be loaded, analysed or stored is
    reported to ``on_error`` (and listed in the summary); the other articles are
    still ingested. See :func:`ingest_articles` for the other arguments.
    """
    summary = IngestSummary()
    report, warn = summary.reporters(on_error, on_warning)
    articles = load_articles(sources, on_error=report, on_warning=warn)
    return ingest_articles(
        articles,
        store,
        nlp=nlp,
        model=model,
        batch_size=batch_size,
        on_article=on_article,
        on_error=on_error,
        on_warning=on_warning,
        summary=summary,
        force=force,
    )
