"""RSS and Atom feeds (``.rss``, ``.atom``, and ``.xml`` files that are feeds).

One article per feed entry, parsed with feedparser:

* ``id``: the entry's id (RSS ``<guid>``, Atom ``<id>``), else its link, else
  ``<file>#<n>`` with ``n`` the 1-based entry number and ``<file>`` the file
  name (or the path relative to the directory being loaded);
* ``title``: the entry title; ``source``: the feed title; ``url``: the entry link;
* ``date``: ``published``, else ``updated``, as ISO 8601 in the publisher's own
  time zone (feedparser's UTC-normalised value is used only when the raw
  string is not understood; a date that cannot be read is left out, never an
  error: the feed's author, not the user, wrote it);
* ``text``: the full content (``content:encoded``, Atom ``<content>``), else the
  summary (``<description>``, ``<summary>``), with HTML turned into plain text
  that keeps paragraph breaks.

Errors are reported as ``path:n: reason`` with ``n`` the entry number: an entry
without text is skipped and the other entries still load. A file that is not a
well-formed feed is one error for the whole file.

Security: feedparser is given the file's bytes in a ``BytesIO``, never a path
or URL string, because it opens any string that looks like a path or URL (a
feed file whose content is ``/etc/passwd`` is just a file that is not a feed).
Before feedparser sees the bytes, a file with an ``<!ENTITY`` declaration or a
``<!DOCTYPE`` internal subset is refused
(:func:`entente.loaders.decoding.refuse_declarations`), so an entity bomb costs
nothing; a DOCTYPE that only names an external DTD is allowed, and the DTD is
never loaded. A file with NUL bytes is reported as binary. In a directory walk,
an ``.xml`` file with no ``<rss``, ``<feed`` or ``<rdf:RDF`` element is skipped
silently like any other non-feed XML. feedparser sanitises entry HTML, and the
text is then extracted with lxml without loading anything external.

Limits: the whole file is read (at most :data:`~entente.loaders.decoding.MAX_FILE_BYTES`).
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from entente.errors import InputError, UnsupportedFormatError
from entente.loaders.dates import date_from_struct, normalize_date
from entente.loaders.decoding import (
    looks_binary,
    normalize_text,
    read_bytes,
    refuse_declarations,
)
from entente.loaders.reporting import OnError, report
from entente.records import Article

__all__ = ["html_to_text", "read"]

_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption",
        "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
        "ol", "p", "pre", "section", "table", "tr", "ul",
    }
)  # fmt: skip
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r]*\n")
_DROPPED = frozenset({"script", "style", "noscript", "template"})
_WIDE_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
_FEED_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:rss|feed|RDF)\b")


def read(
    path: Path,
    on_error: OnError = None,
    *,
    name: str | None = None,
    skip_non_feed: bool = False,
) -> Iterator[Article]:
    """Read the entries of an RSS or Atom feed file.

    Args:
        path: The feed file.
        on_error: Called with an :class:`~entente.errors.InputError` for a bad
            feed or entry; ``None`` raises the first one instead.
        name: How to name the file in fallback ids (``<name>#<n>``); defaults to
            the file name.
        skip_non_feed: Yield nothing, without an error, when the file is not
            recognisably a feed, well-formed or not (used when walking a directory,
            where ``.xml`` files may be anything). Otherwise such a file is an
            :class:`~entente.errors.UnsupportedFormatError`, or an
            :class:`~entente.errors.InputError` if it is not even well-formed XML.

    Yields:
        One :class:`~entente.records.Article` per entry that has text.

    Raises:
        InputError: When ``on_error`` is ``None``, for the first bad feed or entry.
    """
    where = str(path)
    name = name or path.name
    try:
        data = read_bytes(path, where)
        if looks_binary(data) and not data.startswith(_WIDE_BOMS):
            raise InputError(
                where, None, "file looks binary (it contains NUL bytes); expected an XML feed"
            )
        if skip_non_feed and not data.startswith(_WIDE_BOMS) and not _FEED_ROOT.search(data):
            return
        refuse_declarations(data, where)
    except InputError as error:
        report(error, on_error)
        return

    # Imported here: feedparser takes ~40 ms to import and most runs never need it.
    import feedparser

    # A BytesIO, never a str: feedparser treats a string as a URL or a path to open.
    parsed = feedparser.parse(io.BytesIO(data), sanitize_html=True, resolve_relative_uris=False)
    entries = _get(parsed, "entries") or []
    broken = _broken(parsed)
    if not entries:
        is_feed = bool(_get(parsed, "version"))
        if skip_non_feed and not is_feed:
            return
        if broken:
            reason = f"not a well-formed RSS or Atom feed ({broken}); fix the XML"
            report(InputError(where, None, reason), on_error)
        elif not is_feed:
            reason = "file is not an RSS or Atom feed; only feeds are read from XML files"
            report(UnsupportedFormatError(where, None, reason), on_error)
        return

    source = _text_field(_get(parsed, "feed", {}), "title")
    for number, entry in enumerate(entries, start=1):
        text = _entry_text(entry)
        if not text:
            report(
                InputError(
                    where,
                    number,
                    "feed entry has no text (no content and no summary); "
                    "add a <description> or <content>, or remove the entry",
                ),
                on_error,
            )
            continue
        yield Article(
            id=_text_field(entry, "id") or _link(entry) or f"{name}#{number}",
            text=text,
            title=_text_field(entry, "title"),
            date=_entry_date(entry),
            source=source,
            url=_link(entry),
            language=_language(entry, parsed),
            origin=f"{where}:{number}",
        )
    if broken:
        reason = (
            f"feed is not well-formed ({broken}); it was read up to the problem "
            f"({len(entries)} entries), anything after it is missing"
        )
        report(InputError(where, None, reason), on_error)


def html_to_text(markup: str) -> str:
    """Turn an HTML fragment into plain text, one blank line between blocks.

    Args:
        markup: An HTML fragment, such as a feed entry's content.

    Returns:
        The text, with ``<p>``, ``<li>``, headings and other blocks separated by a
        blank line, ``<br>`` as a newline, runs of spaces collapsed and
        ``<script>``/``<style>`` dropped.
    """
    import lxml.html
    from lxml import etree

    if not markup.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return normalize_text(markup)
    parts: list[str] = []
    _collect(root, parts)
    return _plain_to_text("".join(parts))


def _plain_to_text(value: str) -> str:
    """Collapse whitespace inside paragraphs (feed XML is indented); keep blank-line breaks."""
    paragraphs = (" ".join(p.split()) for p in _PARAGRAPH_BREAK.split(value))
    return "\n\n".join(p for p in paragraphs if p)


def _collect(element: Any, parts: list[str]) -> None:
    """Append the text of ``element`` to ``parts``, marking block boundaries with blank lines."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _DROPPED:
        parts.append(element.tail or "")
        return
    if tag in _BLOCKS:
        parts.append("\n\n")
    if tag == "br":
        # One newline would be lost to whitespace collapsing; keep it as a paragraph break.
        parts.append("\n\n")
    if isinstance(element.tag, str):
        parts.append(element.text or "")
        for child in element:
            _collect(child, parts)
    if tag in _BLOCKS:
        parts.append("\n\n")
    parts.append(element.tail or "")


def _entry_text(entry: Any) -> str:
    """The entry's full content if it has any, else its summary, as plain text."""
    candidates = [*_get(entry, "content", []), _get(entry, "summary_detail")]
    for detail in candidates:
        if not detail or not (_get(detail, "value") or "").strip():
            continue
        value = detail["value"]
        if "html" in (_get(detail, "type") or "text/html"):
            text = html_to_text(value)
        else:
            text = _plain_to_text(value)
        if text:
            return text
    return ""


def _entry_date(entry: Any) -> str | None:
    for key in ("published", "updated"):
        raw = _text_field(entry, key)
        if raw:
            try:
                return normalize_date(raw)
            except ValueError:
                pass
        struct = _get(entry, f"{key}_parsed")
        if struct:
            return date_from_struct(struct)
    return None


def _language(entry: Any, parsed: Any) -> str:
    feed = _get(parsed, "feed", {})
    for value in (
        _get(_get(entry, "title_detail", {}), "language"),
        _get(feed, "language"),
        _get(_get(feed, "title_detail", {}), "language"),
    ):
        if isinstance(value, str) and value.strip():
            return value.strip()
    return "en"


def _link(entry: Any) -> str | None:
    """The entry's web address.

    feedparser copies an entry's id into ``link`` when there is no link element;
    that copy is kept only if it is a web address (an RSS permalink guid), not an
    Atom ``tag:`` or ``urn:`` id.
    """
    link = _text_field(entry, "link")
    if link and (_get(entry, "links") or link.startswith(("http://", "https://"))):
        return link
    return None


def _text_field(mapping: Any, key: str) -> str | None:
    value = _get(mapping, key)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _get(mapping: Any, key: str, default: Any = None) -> Any:
    """Look ``key`` up without feedparser's key aliases.

    feedparser's dicts map missing keys to others (``updated`` to ``published``)
    and warn when they do; the plain ``dict`` lookup avoids both.
    """
    return dict.get(mapping, key, default) if isinstance(mapping, dict) else default


def _broken(parsed: Any) -> str | None:
    """Why feedparser found the feed malformed, or ``None`` if it is well-formed.

    Encoding mismatches (feedparser's ``ThingsNobodyCaresAboutButMe``, such as
    ``CharacterEncodingOverride``) are recovered from and do not count.
    """
    if not _get(parsed, "bozo"):
        return None
    import feedparser

    exc = _get(parsed, "bozo_exception")
    if isinstance(exc, feedparser.ThingsNobodyCaresAboutButMe):
        return None
    # A SAX error's str() starts with a location in feedparser's rewritten copy of
    # the document, which would mislead; its message alone is accurate.
    message = exc.getMessage() if hasattr(exc, "getMessage") else str(exc or "")
    message = message.strip()
    return message.splitlines()[0] if message else "unreadable XML"
