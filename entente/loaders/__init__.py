"""Loading source documents as :class:`~entente.records.Article` records.

:func:`load_articles` takes files, directories and ``-`` (JSON Lines on
standard input) and yields one article at a time. Each format has its own
module with a ``read(path, on_error)`` function:

=======================================  ====================================
extension                                module
=======================================  ====================================
``.txt``                                 :mod:`entente.loaders.text`
``.jsonl``, ``.ndjson`` (and ``.gz``)    :mod:`entente.loaders.jsonl`
``.html``, ``.htm``                      :mod:`entente.loaders.html`
``.rss``, ``.atom``, ``.xml`` (feeds)    :mod:`entente.loaders.feed`
``.warc``, ``.warc.gz`` (web archives)   :mod:`entente.loaders.warc`
=======================================  ====================================

Directories are walked by :mod:`entente.loaders.directory`. Dates are
normalised by :mod:`entente.loaders.dates`.

Article ids: a text or HTML file named on its own gets its file name
(``india-japan.txt``); found in a directory, its path relative to that directory
(``2020/india-japan.txt``). JSONL records bring their own ``id``; feed entries
use their guid, else link, else ``<file>#<n>``; web archive records their
``WARC-Target-URI``, else their ``WARC-Record-ID``. Loading two articles with the
same id is not an error here; later stages replace the earlier one.

Errors: every bad record or file becomes an :class:`~entente.errors.InputError`
whose message is one line, ``path:line: reason`` (``line`` is the JSONL line,
the feed entry number or the WARC record number; whole-file errors have no
line). It is passed to ``on_error`` and loading goes on with the next record, or
raised when ``on_error`` is ``None``.

Cleaning: every article's text fields are NFC-normalised and lone surrogates
(from JSON ``\\ud800`` escapes) replaced with U+FFFD
(:func:`~entente.loaders.decoding.clean_article`); a replacement is reported to
``on_warning`` as ``origin: ...``, since the text was changed, but the article
still loads. A reader that fails on a file in an unexpected way (a parser bug,
a resource limit) costs that file's remaining records, reported as one error,
never the rest of the load.

Importing this package is cheap: trafilatura, feedparser and warcio are
imported only when an HTML page, a feed or a web archive is first read, and spaCy
and rdflib never.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from entente.errors import InputError
from entente.loaders import directory, jsonl
from entente.loaders.decoding import clean_article
from entente.loaders.formats import FORMATS, read_file
from entente.loaders.reporting import OnError, report
from entente.records import Article

__all__ = ["FORMATS", "STDIN", "OnError", "load_articles"]

STDIN = "-"
"""The source name that means JSON Lines on standard input."""


def load_articles(
    sources: Iterable[str | os.PathLike[str]],
    on_error: OnError = None,
    *,
    on_warning: Callable[[str], None] | None = None,
) -> Iterator[Article]:
    """Yield the articles of every source, in the order given, cleaned.

    Args:
        sources: Files, directories (read recursively, see
            :mod:`entente.loaders.directory`) and ``"-"`` for JSON Lines on
            standard input. A single ``str`` or path is taken as one source.
        on_error: Called with an :class:`~entente.errors.InputError` for each
            record or file that cannot be loaded, after which loading goes on;
            ``None`` raises the first error instead.
        on_warning: Called with a one-line message for each article that was
            loaded after a repair (lone surrogates replaced); ``None`` ignores them.

    Yields:
        :class:`~entente.records.Article` records, one at a time: a JSONL corpus
        is streamed line by line and never held in memory whole.

    Raises:
        InputError: When ``on_error`` is ``None``: for the first bad record, a
            missing source, or (as
            :class:`~entente.errors.UnsupportedFormatError`) a named file of a
            type that no reader knows.
    """
    for article in _read_sources(sources, on_error):
        article, replaced = clean_article(article)
        if replaced and on_warning is not None:
            where = article.origin or f"article {article.id!r}"
            on_warning(
                f"{where}: {replaced} invalid character(s) (lone UTF-16 surrogates) "
                "replaced with U+FFFD"
            )
        yield article


def _read_sources(
    sources: Iterable[str | os.PathLike[str]], on_error: OnError
) -> Iterator[Article]:
    if isinstance(sources, str | os.PathLike):
        sources = [sources]
    for source in sources:
        if os.fspath(source) == STDIN:
            # The bytes, when there are any, so that one line that is not UTF-8 is one
            # bad line instead of the end of the stream.
            stream = getattr(sys.stdin, "buffer", sys.stdin)
            yield from jsonl.read_stream(stream, "<stdin>", on_error)
            continue
        path = Path(source)
        if path.is_dir():
            yield from directory.read(path, on_error)
        elif path.exists():
            yield from read_file(path, on_error)
        else:
            report(InputError(str(path), None, "no such file or directory"), on_error)
