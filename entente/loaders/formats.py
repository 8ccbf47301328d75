"""Which reader handles which file: :data:`FORMATS` and :func:`read_file`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from entente.errors import InputError, UnsupportedFormatError
from entente.loaders import feed, html, jsonl, text, warc
from entente.loaders.reporting import OnError, report
from entente.records import Article

__all__ = ["FORMATS", "format_of", "read_file"]

FORMATS: dict[str, ModuleType] = {
    ".txt": text,
    ".jsonl": jsonl,
    ".jsonl.gz": jsonl,
    ".ndjson": jsonl,
    ".ndjson.gz": jsonl,
    ".html": html,
    ".htm": html,
    ".rss": feed,
    ".atom": feed,
    ".xml": feed,
    ".warc": warc,
    ".warc.gz": warc,
}
"""File extension (lower case, with the dot) -> reader module with a ``read`` function."""


def format_of(path: Path) -> str | None:
    """The key of :data:`FORMATS` that ``path``'s name ends with, or ``None``.

    The longest match wins (``.jsonl.gz`` before ``.gz``); case is ignored.
    """
    lowered = path.name.lower()
    matches = [ext for ext in FORMATS if lowered.endswith(ext) and len(lowered) > len(ext)]
    return max(matches, key=len, default=None)


def read_file(
    path: Path, on_error: OnError = None, *, name: str | None = None, explicit: bool = True
) -> Iterator[Article]:
    """Read one file with the reader for its extension.

    Args:
        path: The file.
        on_error: Called with each :class:`~entente.errors.InputError`; ``None``
            raises the first one.
        name: Id for single-document formats (default: the file name).
        explicit: ``True`` when the user named this file; ``False`` when a
            directory walk found it, in which case files of an unknown format
            (and ``.xml`` files that are not feeds) are skipped silently.

    Yields:
        The articles in the file.

    Raises:
        InputError: When ``on_error`` is ``None``, for the first bad record;
            :class:`~entente.errors.UnsupportedFormatError` for an explicitly
            named file of unknown format.
    """
    ext = format_of(path)
    if ext is None:
        if explicit:
            kind = repr(path.suffix) if path.suffix else "(no extension)"
            known = ", ".join(sorted(FORMATS))
            reason = f"unsupported file type {kind}; entente reads {known}"
            report(UnsupportedFormatError(str(path), None, reason), on_error)
        return
    module = FORMATS[ext]
    if module is feed:
        articles = feed.read(path, on_error, name=name, skip_non_feed=not explicit)
    else:
        articles = module.read(path, on_error, name=name)
    count = 0
    try:
        for article in articles:
            count += 1
            yield article
    except InputError:
        raise  # raised by report() when there is no callback
    except Exception as exc:
        # A parser bug or resource limit on one odd file must not end the whole load.
        reason = (
            f"cannot read file ({type(exc).__name__}: {exc}) after {count} article(s); "
            "the rest of this file was skipped"
        )
        report(InputError(str(path), None, reason), on_error)
