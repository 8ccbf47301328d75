"""Exceptions raised by entente.

Every error a user can cause derives from :class:`EntenteError`; where an error
specialises a builtin (a bad value, a missing file) it inherits that builtin too,
so callers can catch either::

    EntenteError
    ├── InputError (ValueError)          a source record that cannot be read
    │   └── UnsupportedFormatError       no loader for this file type
    ├── OntologyError (ValueError)       the vocabulary files are inconsistent
    ├── ExtractionError (RuntimeError)   the spaCy pipeline could not be built or run
    ├── StoreError (RuntimeError)        the RDF store cannot be opened or written
    │   └── StoreLockedError             another process is writing to the store
    ├── QueryError (ValueError)          a SPARQL query is invalid or not allowed
    │   └── QueryRefusedError            valid SPARQL that entente will not run (SERVICE...)
    ├── QueryTimeoutError (TimeoutError) a query ran past its time limit and was stopped
    └── ExportError (RuntimeError)       an export could not be written
"""

from __future__ import annotations

__all__ = [
    "EntenteError",
    "ExportError",
    "ExtractionError",
    "InputError",
    "OntologyError",
    "QueryError",
    "QueryRefusedError",
    "QueryTimeoutError",
    "StoreError",
    "StoreLockedError",
    "UnsupportedFormatError",
]


class EntenteError(Exception):
    """Base class of all errors raised by entente."""


class InputError(EntenteError, ValueError):
    """A source record could not be read.

    The message has the form ``path:line: reason`` so that it points at the
    offending record; ``path`` and ``line`` are also kept as attributes.
    """

    def __init__(self, path: str, line: int | None, reason: str) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {reason}")


class UnsupportedFormatError(InputError):
    """No loader knows how to read this file."""


class OntologyError(EntenteError, ValueError):
    """The vocabulary files are missing or inconsistent."""


class ExtractionError(EntenteError, RuntimeError):
    """The extraction pipeline could not be built or run."""


class StoreError(EntenteError, RuntimeError):
    """The RDF store could not be opened, read or written."""


class StoreLockedError(StoreError):
    """Another process holds the store open for writing."""


class QueryError(EntenteError, ValueError):
    """A SPARQL query is syntactically invalid or not allowed."""


class QueryRefusedError(QueryError):
    """A valid SPARQL request that entente refuses to run.

    ``SERVICE`` (unless explicitly allowed), ``LOAD`` and every other update, and
    ``FROM``/``FROM NAMED`` naming a graph the store does not hold.
    """


class QueryTimeoutError(EntenteError, TimeoutError):
    """A query ran past its time limit and was stopped; ``seconds`` is the limit."""

    def __init__(self, message: str, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(message)


class ExportError(EntenteError, RuntimeError):
    """An export could not be produced."""
