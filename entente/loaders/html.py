"""HTML pages (``.html``, ``.htm``): one article per page, through trafilatura.

trafilatura finds the main text of the page (leaving out navigation, headers,
footers, comments and most advertising), the title and the publication date
(from metadata such as ``<meta property="article:published_time">``, never guessed
from the running text). ``source`` is the site name and ``url`` the canonical URL,
when the page declares them; ``language`` comes from ``<html lang>`` (default
``"en"``). Paragraphs are separated by one newline.

The article id is the file name, or the path relative to the directory being
loaded when the file was found by a directory walk.

Security: the page is parsed from the file's bytes and no URL is ever passed to
trafilatura, so nothing is fetched from the network. Before parsing, a page that
declares entities or a DTD internal subset is refused
(:func:`entente.loaders.decoding.refuse_declarations`; ``<!DOCTYPE html>`` is
fine), and so is a page nested more than :data:`MAX_HTML_DEPTH` elements deep,
which libxml2 would cut short and trafilatura would then read as empty or partial
without saying so. Limits: boilerplate removal
is heuristic; on unusual layouts some boilerplate may remain or a short article
may be missed, in which case the file is reported as having no text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from entente.errors import InputError
from entente.loaders.dates import normalize_date
from entente.loaders.decoding import normalize_text, read_bytes, refuse_declarations
from entente.loaders.reporting import OnError, report
from entente.records import Article

__all__ = ["MAX_HTML_DEPTH", "page_article", "read"]

MAX_HTML_DEPTH = 255
"""Deepest element nesting that libxml2's HTML parser (used by trafilatura) reads."""

_HTML_LANG = re.compile(
    rb"""<html\b[^>]*?\blang\s*=\s*["']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*)""", re.IGNORECASE
)


def read(path: Path, on_error: OnError = None, *, name: str | None = None) -> Iterator[Article]:
    """Read one HTML page as one article.

    Args:
        path: The ``.html`` or ``.htm`` file. Its encoding is taken from the page
            (``<meta charset>``) or detected.
        on_error: Called with an :class:`~entente.errors.InputError` if no article
            text can be extracted; ``None`` raises it instead.
        name: The article id; defaults to the file name.

    Yields:
        One :class:`~entente.records.Article`, or nothing if the page is bad.

    Raises:
        InputError: When ``on_error`` is ``None`` and the page cannot be read or
            holds no article text.
    """
    where = str(path)
    try:
        data = read_bytes(path, where)
        article = page_article(data, where, article_id=name or path.name, origin=where)
    except InputError as error:
        report(error, on_error)
        return
    yield article


def page_article(
    data: bytes,
    where: str,
    *,
    article_id: str,
    origin: str,
    line: int | None = None,
    url: str | None = None,
    date: str | None = None,
) -> Article:
    """The article of one HTML page given as bytes (a file, or a web archive record).

    Args:
        data: The page. Its encoding is taken from the page or detected.
        where: How to name the source in messages.
        article_id: The article id.
        origin: ``Article.origin``.
        line: Record number for messages (web archives), if any.
        url: Address to use when the page declares no canonical URL.
        date: Date to use when the page declares none (ISO 8601).

    Raises:
        InputError: The bytes look binary, declare entities or a DTD internal
            subset, are nested too deeply, or hold no article text.
    """
    if b"\x00" in data[:8192]:
        raise InputError(where, line, "file looks binary (it contains NUL bytes), not an HTML page")
    try:
        refuse_declarations(data, where)
        _refuse_deep_nesting(data, where)
    except InputError as error:
        raise InputError(where, line, error.reason) from None

    # Imported here: trafilatura takes ~0.1 s to import and most runs never need it.
    import trafilatura

    try:
        document = trafilatura.bare_extraction(
            data,
            with_metadata=True,
            include_comments=False,
            include_images=False,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except (RecursionError, MemoryError, ValueError, TypeError, LookupError) as exc:
        reason = f"the HTML page could not be read ({type(exc).__name__}: {exc})"
        raise InputError(where, line, reason) from None
    text = normalize_text(document.text or "") if document is not None else ""
    if not text:
        raise InputError(
            where,
            line,
            "no article text found in the HTML page; "
            "check that it is a saved article page, not a login, index or script-only page",
        )
    return Article(
        id=article_id,
        text=text,
        title=_clean(document.title),
        date=_date(document.date) or date,
        source=_clean(document.sitename),
        url=_clean(document.url) or url,
        language=_language(data),
        origin=origin,
    )


def _refuse_deep_nesting(data: bytes, where: str) -> None:
    """Refuse a page nested deeper than libxml2's HTML parser goes (255 elements).

    Past that depth libxml2 stops building the tree and trafilatura returns an
    empty or partial text without a word, so such a page is an error instead.

    Raises:
        InputError: The page is nested too deeply.
    """
    from lxml import etree

    parser = etree.HTMLParser(recover=True, no_network=True)
    try:
        etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError):
        return  # nothing parseable: trafilatura will report that there is no text
    if any("excessive depth" in entry.message.lower() for entry in parser.error_log):
        raise InputError(
            where,
            None,
            f"HTML is nested more than {MAX_HTML_DEPTH} elements deep, past what the HTML "
            "parser reads; the page was refused rather than read in part",
        )


def _clean(value: str | None) -> str | None:
    """``value`` stripped; ``None`` if it is missing or blank."""
    value = value.strip() if value else ""
    return value or None


def _date(value: str | None) -> str | None:
    """The page's date as ISO 8601; ``None`` if it has none or it cannot be read."""
    if not value:
        return None
    try:
        return normalize_date(value)
    except ValueError:
        return None


def _language(data: bytes) -> str:
    match = _HTML_LANG.search(data, 0, 65536)
    return match.group(1).decode("ascii").replace("_", "-") if match else "en"
