"""Plain text files (``.txt``): one article per file.

The file must be UTF-8 (a byte order mark is tolerated). If its first line is a
short headline (at most :data:`MAX_TITLE_CHARS` characters, not ending in a full
stop) followed by a blank line, that line becomes the title and the rest the
text; otherwise the whole file is the text. Line endings are normalised to
``\\n`` and surrounding whitespace is stripped.

The article id is the file name, or the path relative to the directory being
loaded when the file was found by a directory walk (see
:mod:`entente.loaders.directory`). Text files carry no date, source or URL.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from entente.errors import InputError
from entente.loaders.decoding import decode_utf8, normalize_text, read_bytes
from entente.loaders.reporting import OnError, report
from entente.records import Article

__all__ = ["MAX_TITLE_CHARS", "read", "split_title"]

MAX_TITLE_CHARS = 200
"""Longest first line that is taken as a headline."""


def read(path: Path, on_error: OnError = None, *, name: str | None = None) -> Iterator[Article]:
    """Read one text file as one article.

    Args:
        path: The ``.txt`` file.
        on_error: Called with an :class:`~entente.errors.InputError` if the file
            cannot be loaded; ``None`` raises it instead.
        name: The article id; defaults to the file name.

    Yields:
        One :class:`~entente.records.Article`, or nothing if the file is bad.

    Raises:
        InputError: When ``on_error`` is ``None`` and the file cannot be read, is
            binary, is not UTF-8 or holds no text.
    """
    where = str(path)
    try:
        content = normalize_text(decode_utf8(read_bytes(path, where), where))
        if not content:
            raise InputError(where, None, "file holds no text; remove it or add the article text")
    except InputError as error:
        report(error, on_error)
        return
    title, text = split_title(content)
    yield Article(id=name or path.name, text=text, title=title, origin=where)


def split_title(content: str) -> tuple[str | None, str]:
    """Split a headline off the text, if the first paragraph looks like one.

    Args:
        content: Normalised text (``\\n`` line endings, stripped).

    Returns:
        ``(title, text)``; ``title`` is ``None`` when there is no headline.
    """
    first, sep, rest = content.partition("\n")
    rest = rest.lstrip(" \t")
    if (
        sep
        and rest.startswith("\n")
        and rest.strip()
        and len(first.strip()) <= MAX_TITLE_CHARS
        and not first.rstrip().endswith(".")
    ):
        return first.strip(), rest.strip()
    return None, content
