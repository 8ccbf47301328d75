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
trafilatura, so nothing is fetched from the network. Limits: boilerplate removal
is heuristic; on unusual layouts some boilerplate may remain or a short article
may be missed, in which case the file is reported as having no text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from entente.errors import InputError
from entente.loaders.dates import normalize_date
from entente.loaders.decoding import normalize_text, read_bytes
from entente.loaders.reporting import OnError, report
from entente.records import Article

__all__ = ["read"]

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
    except InputError as error:
        report(error, on_error)
        return
    if b"\x00" in data[:8192]:
        report(
            InputError(where, None, "file looks binary (it contains NUL bytes), not an HTML page"),
            on_error,
        )
        return

    # Imported here: trafilatura takes ~0.1 s to import and most runs never need it.
    import trafilatura

    document = trafilatura.bare_extraction(
        data,
        with_metadata=True,
        include_comments=False,
        include_images=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = normalize_text(document.text or "") if document is not None else ""
    if not text:
        report(
            InputError(
                where,
                None,
                "no article text found in the HTML page; "
                "check that it is a saved article page, not a login, index or script-only page",
            ),
            on_error,
        )
        return
    yield Article(
        id=name or path.name,
        text=text,
        title=_clean(document.title),
        date=_date(document.date),
        source=_clean(document.sitename),
        url=_clean(document.url),
        language=_language(data),
        origin=where,
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
