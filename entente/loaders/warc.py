"""Web archives (``.warc``, ``.warc.gz``): one article per captured page, through warcio.

Every ``response`` record with a 2xx HTTP status, and every ``resource`` record,
whose payload is HTML (``text/html``, ``application/xhtml+xml``) or plain text
(``text/plain``) becomes one article. Other records (requests, ``warcinfo``,
metadata, revisits, images, scripts, error pages and redirects) are skipped
without a word, since a crawl is mostly those.

* ``id``: the record's ``WARC-Target-URI`` (so a later capture of the same page
  replaces the earlier one), else its ``WARC-Record-ID``;
* ``url``: the page's canonical URL if it declares one, else the target URI;
* ``date``: the page's own publication date if it declares one, else the capture
  date (``WARC-Date``), as ``YYYY-MM-DD``;
* HTML goes through :func:`entente.loaders.html.page_article` (trafilatura, after
  the same checks as an ``.html`` file: no entity declarations, no absurd
  nesting); plain text is decoded with the charset its ``Content-Type`` names
  (UTF-8 by default).

Errors are reported as ``path:n: reason`` with ``n`` the 1-based number of the
record in the file, and the other records still load. A file that is not a web
archive is one error.

Truncation: warcio reads a cut-off archive without complaint, handing out the
last record's payload short. Here every record's bytes are counted against its
``Content-Length``, and for gzip archives every gzip member must reach its end
(checked on the bytes warcio reads, without a second pass). A record that fails
either check is reported (``path:n: WARC record n (<urn:uuid:...>) is truncated
...``), not loaded, and reading stops there: the records before it are kept.

Limits: a payload larger than :data:`~entente.loaders.decoding.MAX_FILE_BYTES` is
skipped with an error. Importing warcio is deferred to the first archive read.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from entente.errors import InputError
from entente.loaders.dates import normalize_date
from entente.loaders.decoding import MAX_FILE_BYTES, looks_binary, normalize_text
from entente.loaders.html import page_article
from entente.loaders.reporting import OnError, report
from entente.records import Article

__all__ = ["read"]

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_TEXT_TYPES = ("text/plain",)
_CHUNK = 64 * 1024


def read(path: Path, on_error: OnError = None, *, name: str | None = None) -> Iterator[Article]:
    """Read the HTML and text pages captured in a WARC file.

    Args:
        path: The ``.warc`` or ``.warc.gz`` file (compression is detected from
            the content, not the name).
        on_error: Called with an :class:`~entente.errors.InputError` for a bad
            record or file; ``None`` raises the first one instead.
        name: Unused; accepted so that every reader has the same signature
            (article ids come from the records).

    Yields:
        One :class:`~entente.records.Article` per readable page, in file order.

    Raises:
        InputError: When ``on_error`` is ``None``, for the first bad record.
    """
    del name
    where = str(path)
    try:
        raw = path.open("rb")
    except OSError as exc:
        report(InputError(where, None, f"cannot read file: {exc.strerror or exc}"), on_error)
        return
    with raw:
        head = raw.read(2)
        raw.seek(0)
        stream: IO[bytes] | _GzipCheck = _GzipCheck(raw) if head == b"\x1f\x8b" else raw
        yield from _records(stream, where, on_error)


def _records(stream: Any, where: str, on_error: OnError) -> Iterator[Article]:
    from warcio.archiveiterator import ArchiveIterator

    records = ArchiveIterator(stream)
    number = 0
    last_id = ""
    pending: Article | None = None  # held until the record after it starts reading
    while True:
        try:
            record = next(records)
        except StopIteration:
            break
        except Exception as exc:  # warcio fails on cut-off headers with any kind of error
            if pending is not None:
                yield pending
            from warcio.exceptions import ArchiveLoadFailed

            why = (
                _first_line(exc)
                if isinstance(exc, ArchiveLoadFailed)
                else "record headers cut short or malformed"
            )
            reason = (
                f"not a readable WARC file ({why})"
                if number == 0
                else f"the archive is damaged after record {number} ({why}); "
                "the records before it were loaded"
            )
            report(InputError(where, number + 1 if number else None, reason), on_error)
            return
        if pending is not None:
            # warcio has read the previous record to its end (and its gzip member
            # with it) before parsing this one, so that one is whole.
            yield pending
            pending = None
        if record.format != "warc":
            # warcio also reads the older ARC format, and takes almost any line with
            # five words for an ARC header: a page saved as .warc is not an archive.
            reason = "not a WARC file (no WARC/1.x record header); it was not read"
            report(InputError(where, number + 1 if number else None, reason), on_error)
            return
        number += 1
        last_id = _label(record, number)
        try:
            pending = _article(record, where, number)
        except _Truncated as truncated:
            report(InputError(where, number, str(truncated)), on_error)
            return
        except InputError as error:
            report(error, on_error)
    if isinstance(stream, _GzipCheck):
        if not stream.complete:
            # One record per gzip member: record n is whole once n members have ended.
            if pending is not None and stream.members >= number:
                yield pending
                pending = None
            if stream.members >= number:
                number, last_id = number + 1, f"WARC record {number + 1}"
            reason = (
                f"the file ends inside {last_id}: its gzip member is incomplete "
                f"({stream.problem}); the file is truncated, the records before it were loaded"
            )
            report(InputError(where, number, reason), on_error)
            return
    elif _unread_tail(stream, records.offset):
        # warcio ends quietly when the file stops inside a record's headers.
        if pending is not None:
            yield pending
        reason = (
            f"the file ends inside the headers of WARC record {number + 1}; the file is "
            "truncated, the records before it were loaded"
        )
        report(InputError(where, number + 1, reason), on_error)
        return
    if pending is not None:
        yield pending


def _unread_tail(raw: IO[bytes], offset: int) -> bool:
    """Whether anything but blank lines follows ``offset``, where warcio stopped."""
    try:
        raw.seek(offset)
        while chunk := raw.read(_CHUNK):
            if chunk.strip():
                return True
    except (OSError, ValueError):
        return False
    return False


class _Truncated(Exception):
    """A record whose bytes end before its ``Content-Length``."""


def _article(record: Any, where: str, number: int) -> Article | None:
    """The article of one record, or ``None`` if the record is not a page.

    Raises:
        _Truncated: The record is cut short.
        InputError: The record is a page that cannot be read.
    """
    headers = record.rec_headers
    label = _label(record, number)
    wanted = _is_page(record)
    payload = b""
    too_big = False
    if wanted:
        payload = record.content_stream().read(MAX_FILE_BYTES + 1)
        too_big = len(payload) > MAX_FILE_BYTES
    while record.raw_stream.read(_CHUNK):
        pass
    declared = (headers.get_header("Content-Length") or "").strip()
    if record.length is None or not declared.isdigit():
        raise _Truncated(
            f"{label} has no valid Content-Length (its headers are cut short or damaged), "
            "so where it ends cannot be known; the records before it were loaded"
        )
    missing = getattr(record.raw_stream, "limit", 0)
    if missing:
        raise _Truncated(
            f"{label} is truncated: the file ends {missing} bytes "
            f"before the end of its Content-Length ({declared}); the records before it "
            "were loaded"
        )
    if not wanted:
        return None
    if too_big:
        raise InputError(
            where,
            number,
            f"{label} has a payload larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; skipped",
        )
    uri = (headers.get_header("WARC-Target-URI") or "").strip() or None
    article_id = uri or headers.get_header("WARC-Record-ID") or f"{where}#{number}"
    origin = f"{where}:{number}"
    date = _warc_date(headers.get_header("WARC-Date"))
    if _media_type(record) in _HTML_TYPES:
        return page_article(
            payload, where, article_id=article_id, origin=origin, line=number, url=uri, date=date
        )
    text = normalize_text(_decode_text(payload, record, where, number))
    if not text:
        raise InputError(where, number, f"{label} holds no text; skipped")
    return Article(id=article_id, text=text, date=date, url=uri, origin=origin)


def _label(record: Any, number: int) -> str:
    """``WARC record 3 (<urn:uuid:...>)``, for messages."""
    record_id = (record.rec_headers.get_header("WARC-Record-ID") or "").strip()
    return f"WARC record {number} ({record_id})" if record_id else f"WARC record {number}"


def _is_page(record: Any) -> bool:
    if record.rec_type == "resource":
        return _media_type(record) in _HTML_TYPES + _TEXT_TYPES
    if record.rec_type != "response" or record.http_headers is None:
        return False
    status = record.http_headers.get_statuscode() or ""
    return status.startswith("2") and _media_type(record) in _HTML_TYPES + _TEXT_TYPES


def _media_type(record: Any) -> str:
    if record.http_headers is not None:
        value = record.http_headers.get_header("Content-Type") or ""
    else:
        value = record.rec_headers.get_header("Content-Type") or ""
    return value.partition(";")[0].strip().lower()


def _charset(record: Any) -> str:
    source = record.http_headers if record.http_headers is not None else record.rec_headers
    for part in (source.get_header("Content-Type") or "").split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return "utf-8"


def _decode_text(payload: bytes, record: Any, where: str, number: int) -> str:
    if looks_binary(payload[:8192]):
        raise InputError(where, number, "text record looks binary (it contains NUL bytes)")
    charset = _charset(record)
    try:
        return payload.decode(charset)
    except LookupError:
        reason = f"text record declares the unknown charset {charset!r}"
        raise InputError(where, number, reason) from None
    except UnicodeDecodeError as exc:
        raise InputError(
            where, number, f"text record is not valid {charset} (byte 0x{payload[exc.start]:02X})"
        ) from None


def _warc_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        try:
            return normalize_date(value)
        except ValueError:
            return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class _GzipCheck:
    """A file that checks, as warcio reads it, that every gzip member is whole.

    warcio decompresses with its own reader, which ignores a member cut short.
    This wrapper inflates the same bytes a second time into nothing (in 64 KiB
    steps, so a compression bomb does not allocate), and knows at any point
    whether the bytes read so far end inside a member.
    """

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self._inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._inside = False  # bytes of an unfinished member have been read
        self.members = 0
        """Number of gzip members read to their end."""
        self.problem: str | None = None

    @property
    def complete(self) -> bool:
        """Whether the bytes read so far end at the end of a gzip member."""
        return not self._inside and self.problem is None

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        if self.problem is None:
            try:
                self._feed(data)
            except zlib.error as exc:
                self.problem = f"corrupt gzip data: {exc}"
        if not data and self._inside and self.problem is None:
            self.problem = "the gzip stream ends early"
        return data

    def tell(self) -> int:
        return self._raw.tell()

    def _feed(self, data: bytes) -> None:
        while data:
            self._inside = True
            inflate = self._inflate
            inflate.decompress(data, _CHUNK)
            while inflate.unconsumed_tail and not inflate.eof:
                inflate.decompress(inflate.unconsumed_tail, _CHUNK)
            if not inflate.eof:
                return
            self._inside = False
            self.members += 1
            data = inflate.unused_data
            self._inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
