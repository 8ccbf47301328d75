"""The entente RDF store: a thin layer over :class:`pyoxigraph.Store`.

Layout of the dataset (see ``docs/model.md``):

* one named graph per article, named by the article IRI, holding its metadata,
  relations and evidence;
* ``entr:graph/actors``: the description of every actor, shared by all articles;
* ``entr:graph/ontology``: the vocabulary (``ent.ttl``, ``types.ttl``,
  ``technologies.ttl``) plus one bookkeeping triple
  ``entr:graph/ontology dcterms:hasVersion "sha256:<hex>"`` with the digest of
  those files, so the vocabulary is reloaded only when the files change.

Atomicity: :meth:`GraphStore.replace_article` sends *one* SPARQL update,
``DROP SILENT GRAPH <article> ; INSERT DATA { GRAPH <article> {...} GRAPH
<actors> {...} }``. Oxigraph runs a whole update request in a single
transaction (a failing later operation rolls back the earlier ones; readers see
the old or the new graph, never an empty or half-written one). ``Store.extend``
is transactional too, but it only adds: clearing the graph first would be a
second transaction, and a crash or a concurrent reader in between would see
the article missing. The update text is built from terms serialised by
pyoxigraph itself (``str(term)``, N-Triples syntax with escaping), never by
formatting raw text, so a title such as ``"} ; DROP ALL ; #`` stays a literal.

Idempotence: each article node carries ``ent:contentHash``, a digest of the
article and of the extraction pipeline (see :mod:`entente.pipeline`), written in
the same transaction as the rest of the article, so :meth:`GraphStore.content_hash`
tells whether an article is already stored exactly as it would be stored again.

Concurrency, between processes: one process may write a store directory, and
readers may not open it while a writer holds it. The writer takes an exclusive
``flock`` on ``<store>/entente.lock`` (besides RocksDB's own lock); a reader takes
a shared one for as long as it stays open. So a second writer gets
:class:`~entente.errors.StoreLockedError` ("in use by another process") at once,
a reader opened during an ingest gets one saying the store is being written
(pyoxigraph documents reading while another process writes as undefined
behaviour), and a writer started while readers are open is told to wait for
them. The kernel drops the locks when a process dies, even by ``kill -9``.

Concurrency, between threads: :meth:`GraphStore.replace_article` and the other
writes hold one lock per store, so two threads writing articles (the same one
or two that report the same event) commit one after the other, each merge
lookup seeing the previous commit.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

import pyoxigraph as ox

from entente.errors import OntologyError, StoreError, StoreLockedError
from entente.graph.iris import ACTORS_GRAPH, DCTERMS, ENT, ONTOLOGY_GRAPH, article_iri
from entente.graph.merging import DEFAULT_WINDOW_DAYS, shared_relation
from entente.graph.rdf import extraction_quads
from entente.records import Extraction

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: RocksDB's own lock still stops a 2nd writer
    fcntl = None  # type: ignore[assignment]

__all__ = ["LOCK_FILE", "ONTOLOGY_FILES", "GraphStore", "ontology_digest"]

LOCK_FILE = "entente.lock"
"""File in the store directory that writers lock exclusively and readers shared."""

ONTOLOGY_FILES = ("ent.ttl", "types.ttl", "technologies.ttl")
"""The vocabulary files loaded into ``entr:graph/ontology``, in this order."""

_VERSION = DCTERMS["hasVersion"]
_CONTENT_HASH = ENT["contentHash"]
_ARTICLE_IDS = """
SELECT ?id WHERE {
  GRAPH ?g { ?g a <https://w3id.org/entente/ns#Article> ;
                <http://purl.org/dc/terms/identifier> ?id }
} ORDER BY ?id
"""


def _ontology_paths() -> list[Path]:
    from entente import ontology  # imported late: only writers need the vocabulary

    names = getattr(ontology, "VOCABULARY", ONTOLOGY_FILES)
    paths = [Path(ontology.path(name)) for name in names]  # raises OntologyError
    for file in paths:
        if not file.is_file():
            raise OntologyError(f"{file}: vocabulary file is missing; reinstall entente")
    return paths


# Changes when the way the files are loaded changes (2: blank nodes skolemised), so
# stores loaded the old way are reloaded on opening.
_ONTOLOGY_LOADER_VERSION = b"2"


def ontology_digest(paths: Iterable[Path]) -> str:
    """``sha256:<hex>`` digest of the vocabulary files (names and contents) and of the
    loader's version."""
    digest = hashlib.sha256(_ONTOLOGY_LOADER_VERSION + b"\0")
    for file in paths:
        digest.update(file.name.encode("utf-8") + b"\0")
        digest.update(file.read_bytes())
        digest.update(b"\0")
    return "sha256:" + digest.hexdigest()


def _triples_text(quads: Iterable[ox.Quad]) -> str:
    # str() of pyoxigraph terms is their N-Triples form, which SPARQL accepts verbatim.
    return "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)


def _insert_data(graphs: dict[ox.NamedNode, list[ox.Quad]]) -> str:
    blocks = [f"GRAPH {g} {{\n{_triples_text(q)}\n}}" for g, q in graphs.items() if q]
    return "INSERT DATA {\n" + "\n".join(blocks) + "\n}" if blocks else ""


class _Skolemizer:
    """Replaces the blank nodes of one parsed file (the ``owl:unionOf`` lists of the
    vocabulary) by IRIs numbered in order of appearance: the store then holds no
    blank node at all, and reloading the same files gives the same IRIs."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.names: dict[str, ox.NamedNode] = {}

    def __call__(self, term: ox.Term) -> ox.Term:
        if not isinstance(term, ox.BlankNode):
            return term
        if term.value not in self.names:
            self.names[term.value] = ox.NamedNode(f"{self.prefix}{len(self.names) + 1}")
        return self.names[term.value]


class GraphStore:
    """An entente dataset stored in Oxigraph (on disk, or in memory for tests).

    Use :meth:`open` rather than the constructor, preferably as a context manager::

        with GraphStore.open("graph.oxigraph") as store:
            store.replace_article(extraction)

    Limits:
        * The actors graph only grows: removing or re-ingesting an article does not
          retract an actor's description, and a changed label or role is added next
          to the old one.
        * One process may write a store directory at a time, and not while other
          processes read it (see the module docstring).
    """

    def __init__(
        self,
        store: ox.Store,
        *,
        path: Path | None,
        read_only: bool,
        lock: _DirectoryLock | None = None,
    ) -> None:
        """Wrap an open pyoxigraph store; prefer :meth:`open`."""
        self._store: ox.Store | None = store
        self.path = path
        self.read_only = read_only
        self.merge_window_days = DEFAULT_WINDOW_DAYS
        self._lock = lock
        # Re-entrant: replace_article calls _update while holding it.
        self._write_lock = threading.RLock()

    @classmethod
    def open(
        cls,
        path: str | Path | None = None,
        *,
        read_only: bool = False,
        ontology: bool = True,
        allow_writer: bool = False,
    ) -> GraphStore:
        """Open (creating if needed) a store.

        Args:
            path: Store directory, created with its parents if missing; ``None`` for a
                temporary in-memory store.
            read_only: Open an existing on-disk store without taking the writer lock.
                Nothing is created or loaded, and writes raise :class:`StoreError`.
                Refused while another process writes the store.
            ontology: Load (or refresh) the vocabulary into ``entr:graph/ontology``
                when opening for writing. Only tests should turn this off.
            allow_writer: With ``read_only``: open even while a writer holds the
                store, and take no reader lock. Only for a helper process of that
                writer that knows it is idle while the helper reads (pyoxigraph
                does not define what a reader sees while another process writes).

        Raises:
            StoreLockedError: Another process has the directory open for writing
                (or, when opening for writing, for reading).
            StoreError: The path is a file, the store is corrupt or unreadable, or a
                read-only store does not exist.
            OntologyError: The vocabulary files are missing or invalid.
        """
        if path is None:
            if read_only:
                raise StoreError("a read-only store needs a directory")
            store = cls(ox.Store(), path=None, read_only=False)
        else:
            directory = Path(path)
            if directory.exists() and not directory.is_dir():
                raise StoreError(f"store {directory} is not a directory")
            if read_only:
                if not (directory / "CURRENT").is_file():
                    raise StoreError(f"no entente store in {directory}")
            else:
                try:
                    directory.mkdir(parents=True, exist_ok=True)
                except OSError as error:
                    raise StoreError(f"cannot create store {directory}: {error}") from error
            lock = None
            if not (read_only and allow_writer):
                lock = _DirectoryLock.acquire(directory, exclusive=not read_only)
            try:
                oxigraph = _open_oxigraph(directory, read_only)
            except BaseException:
                if lock is not None:
                    lock.release()
                raise
            store = cls(oxigraph, path=directory, read_only=read_only, lock=lock)
        if ontology and not read_only:
            try:
                store.load_ontology()
            except BaseException:
                store.close()
                raise
        return store

    # -- plumbing -----------------------------------------------------------------

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying :class:`pyoxigraph.Store` (for exporters: read it, do not write).

        Raises:
            StoreError: If the store was closed.
        """
        if self._store is None:
            raise StoreError(f"store {self._name} is closed")
        return self._store

    @property
    def _name(self) -> str:
        return str(self.path) if self.path is not None else "<memory>"

    def _writable(self) -> ox.Store:
        store = self.oxigraph
        if self.read_only:
            raise StoreError(f"store {self._name} is open read-only")
        return store

    def _update(self, sparql: str) -> None:
        with self._write_lock:
            try:
                self._writable().update(sparql)
            except (OSError, RuntimeError) as error:
                raise StoreError(f"cannot write to store {self._name}: {error}") from error

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Flush and release the store (and its directory lock). Safe to call twice.

        RocksDB's own lock is released when the last reference to the pyoxigraph
        store goes away, so do not keep :attr:`oxigraph` beyond the ``with`` block.
        """
        with self._write_lock:
            store, self._store = self._store, None
            lock, self._lock = self._lock, None
            try:
                if store is not None and not self.read_only and self.path is not None:
                    try:
                        store.flush()
                    except OSError as error:
                        raise StoreError(f"cannot flush store {self._name}: {error}") from error
            finally:
                del store
                if lock is not None:
                    lock.release()

    def flush(self) -> None:
        """Make sure every committed write is on disk."""
        if self.path is None or self.read_only:
            return
        try:
            self.oxigraph.flush()
        except OSError as error:
            raise StoreError(f"cannot flush store {self._name}: {error}") from error

    def optimize(self) -> None:
        """Compact the database (useful after a large ingest)."""
        with self._write_lock:
            try:
                self._writable().optimize()
            except OSError as error:
                raise StoreError(f"cannot optimize store {self._name}: {error}") from error

    def __len__(self) -> int:
        """Number of quads in all graphs (a full count: not free on big stores)."""
        return len(self.oxigraph)

    # -- vocabulary -----------------------------------------------------------------

    def ontology_version(self) -> str | None:
        """The ``sha256:`` digest of the vocabulary loaded in the store, if any."""
        for quad in self.oxigraph.quads_for_pattern(ONTOLOGY_GRAPH, _VERSION, None, ONTOLOGY_GRAPH):
            return quad.object.value
        return None

    def load_ontology(self, *, force: bool = False) -> bool:
        """Load the vocabulary into ``entr:graph/ontology`` unless it is up to date.

        The graph is replaced in one transaction, together with its digest triple.

        Returns:
            Whether the graph was (re)loaded.

        Raises:
            OntologyError: A vocabulary file is missing or is not valid Turtle.
            StoreError: The store is read-only or cannot be written.
        """
        paths = _ontology_paths()
        digest = ontology_digest(paths)
        with self._write_lock:
            if not force and self.ontology_version() == digest:
                return False
            quads: list[ox.Quad] = []
            for file in paths:
                try:
                    parsed = ox.parse(path=file, format=ox.RdfFormat.TURTLE)
                    skolem = _Skolemizer(f"{ONTOLOGY_GRAPH.value}/genid/{file.stem}-")
                    quads.extend(
                        ox.Quad(skolem(q.subject), q.predicate, skolem(q.object), ONTOLOGY_GRAPH)
                        for q in parsed
                    )
                except (SyntaxError, ValueError) as error:
                    raise OntologyError(f"{file}: {error}") from error
            quads.append(ox.Quad(ONTOLOGY_GRAPH, _VERSION, ox.Literal(digest), ONTOLOGY_GRAPH))
            insert = _insert_data({ONTOLOGY_GRAPH: quads})
            self._update(f"DROP SILENT GRAPH {ONTOLOGY_GRAPH} ;\n{insert}")
            return True

    # -- articles -------------------------------------------------------------------

    def replace_article(self, extraction: Extraction, *, content_hash: str | None = None) -> None:
        """Store an extraction, replacing whatever the store held for that article.

        A relation that another stored article already reports (same kind, type,
        status, flags, participants and technology tops, dates within
        :attr:`merge_window_days`) keeps that relation's IRI, so the event is one
        node with every source (:mod:`entente.graph.merging`).

        In one transaction: the article's named graph is dropped and refilled, and
        the actors are added to ``entr:graph/actors`` (adding a quad that is already
        there changes nothing, so re-ingesting the same extraction is a no-op).
        The merge lookups and the commit happen under the store's write lock, so
        threads sharing this store commit one article at a time.

        Args:
            extraction: The article and what was extracted from it.
            content_hash: Stored as the article's ``ent:contentHash`` (see
                :meth:`content_hash`); ``None`` stores none.

        Raises:
            ValueError: If the extraction cannot be mapped (see
                :func:`entente.graph.rdf.extraction_quads`).
            StoreError: If the store is read-only, closed or cannot be written.
        """
        article_id = extraction.article.id
        with self._write_lock:
            self._writable()
            nodes = [
                shared_relation(self.oxigraph, relation, article_id, self.merge_window_days)
                for relation in extraction.relations
            ]
            article_quads, actor_quads = extraction_quads(extraction, nodes)
            graph = article_iri(article_id)
            if content_hash is not None:
                article_quads.append(ox.Quad(graph, _CONTENT_HASH, ox.Literal(content_hash), graph))
            insert = _insert_data({graph: article_quads, ACTORS_GRAPH: actor_quads})
            self._update(f"DROP SILENT GRAPH {graph} ;\n{insert}")

    def remove_article(self, article_id: str) -> bool:
        """Drop an article's named graph (its actors stay). Returns whether it existed."""
        graph = article_iri(article_id)
        with self._write_lock:
            existed = self.oxigraph.contains_named_graph(graph)
            self._update(f"DROP SILENT GRAPH {graph}")
        return existed

    def has_article(self, article_id: str) -> bool:
        """Whether the store holds an article with this id."""
        return self.oxigraph.contains_named_graph(article_iri(article_id))

    def content_hash(self, article_id: str) -> str | None:
        """The ``ent:contentHash`` stored with an article; ``None`` if absent or not stored.

        An article is committed whole with its hash, so a hash found here means the
        whole article is in the store.
        """
        graph = article_iri(article_id)
        for quad in self.oxigraph.quads_for_pattern(graph, _CONTENT_HASH, None, graph):
            return quad.object.value
        return None

    def article_ids(self) -> list[str]:
        """The ids of all stored articles, sorted."""
        return [solution["id"].value for solution in self.oxigraph.query(_ARTICLE_IDS)]


class _DirectoryLock:
    """An ``flock`` on ``<store>/entente.lock``: exclusive for the writer, shared for readers.

    ``flock`` locks belong to the open file, so they are independent of RocksDB's
    ``fcntl`` lock on ``LOCK`` (which this never touches: closing any descriptor of
    that file would drop RocksDB's lock), and the kernel releases them when the
    process dies, whatever kills it.
    """

    def __init__(self, fd: int) -> None:
        self._fd: int | None = fd

    @classmethod
    def acquire(cls, directory: Path, *, exclusive: bool) -> _DirectoryLock | None:
        """Lock ``directory`` without waiting; ``None`` where locking is not possible.

        Raises:
            StoreLockedError: A writer holds the store, or (for ``exclusive``) readers do.
        """
        if fcntl is None:
            return None
        file = directory / LOCK_FILE
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(file, flags, 0o644)
        except OSError:
            try:  # a reader of a store on read-only media: lock if the file is there
                fd = os.open(file, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
            except OSError:
                return None
        try:
            fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            readers_only = False
            if exclusive:
                try:  # a shared lock is granted only if the holders are readers
                    fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                    readers_only = True
                except BlockingIOError:
                    pass
            os.close(fd)
            if readers_only:
                raise StoreLockedError(
                    f"store {directory} is being read by another process (entente query, "
                    "stats, export or serve); try again when it finishes"
                ) from None
            if exclusive:
                raise StoreLockedError(
                    f"store {directory} is in use by another process; close it and retry"
                ) from None
            raise StoreLockedError(
                f"store {directory} is being written by another process; try again when it finishes"
            ) from None
        except OSError:  # a file system without flock support
            os.close(fd)
            return None
        return cls(fd)

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)  # closing the only descriptor drops the flock


def _open_oxigraph(directory: Path, read_only: bool) -> ox.Store:
    try:
        if read_only:
            return ox.Store.read_only(str(directory))
        return ox.Store(str(directory))
    except OSError as error:
        if "lock" in str(error).lower():
            raise StoreLockedError(
                f"store {directory} is in use by another process; close it and retry"
            ) from error
        raise StoreError(f"cannot open store {directory}: {error}") from error
    except RuntimeError as error:  # RocksDB reports corruption as RuntimeError
        raise StoreError(f"cannot open store {directory}: {error}") from error
