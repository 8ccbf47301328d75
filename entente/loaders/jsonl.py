"""JSON Lines (``.jsonl``, ``.ndjson``, gzip-compressed ``.jsonl.gz``/``.ndjson.gz``).

One JSON object per line, one article per object::

    {"id": "a1", "title": "...", "date": "2020-10-07", "source": "...",
     "url": "https://...", "language": "en", "text": "..."}

Only ``id`` (a non-empty string, or an integer, which is converted to a
string) and ``text`` (a non-empty string) are required. ``title``, ``date``,
``source``, ``url`` and ``language`` may be missing or ``null``; ``language``
defaults to ``"en"``. Other keys are ignored. ``date`` is normalised to ISO 8601
by :func:`entente.loaders.dates.normalize_date`; a date that cannot be
understood makes the line an error rather than being silently dropped.

Each bad line (invalid JSON, not an object, a missing or mistyped field, an
unknown date, bytes that are not UTF-8) is reported as
``path:line: reason`` and the other lines still load. Blank lines are skipped.

A file whose first bytes hold NUL (an image or a program saved as ``.jsonl``)
is one error, ``path: file looks binary``. A truncated or corrupt gzip stream
is one error naming the last line read (``path: file is corrupt after line
81 ...``); the lines before it are kept (Python's ``gzip`` never hands out the
partial last line).

Limits: the file is read line by line, so a corpus of any size streams in
constant memory, but each line (one article) is held whole.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import re
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from entente.errors import InputError
from entente.loaders.dates import normalize_date
from entente.loaders.decoding import BINARY_PROBE_BYTES, looks_binary, normalize_text
from entente.loaders.reporting import OnError, report
from entente.records import Article

__all__ = ["read", "read_stream"]

_OPTIONAL = ("title", "date", "source", "url", "language")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")


def read(path: Path, on_error: OnError = None, *, name: str | None = None) -> Iterator[Article]:
    """Read a JSON Lines file (gzip-compressed if its name ends in ``.gz``).

    Args:
        path: The file.
        on_error: Called with an :class:`~entente.errors.InputError` for each
            bad line; ``None`` raises the first one instead.
        name: Unused; accepted so that every reader has the same signature
            (article ids come from the records).

    Yields:
        One :class:`~entente.records.Article` per good line, in file order.

    Raises:
        InputError: When ``on_error`` is ``None``, for the first bad line, or
            when the file cannot be opened.
    """
    del name
    where = str(path)
    # Opened outside `with` so that a file that cannot be opened is reported apart
    # from errors met while reading it.
    try:
        handle: IO[bytes] = (
            gzip.open(path, "rb")  # noqa: SIM115
            if path.name.lower().endswith(".gz")
            else path.open("rb")
        )
    except OSError as exc:
        report(InputError(where, None, f"cannot read file: {exc.strerror or exc}"), on_error)
        return
    with handle:
        if _starts_binary(handle):
            reason = "file looks binary (it contains NUL bytes); expected UTF-8 text"
            report(InputError(where, None, reason), on_error)
            return
        yield from read_stream(handle, where, on_error)


def _starts_binary(handle: IO[bytes]) -> bool:
    """Whether the first bytes (decompressed, for gzip) hold a NUL; rewinds the handle.

    An image or a program saved as ``.jsonl`` is then one error, not one per "line".
    A gzip stream that cannot even be started is left to :func:`read_stream` to report.
    """
    try:
        head = handle.read(BINARY_PROBE_BYTES)
        handle.seek(0)
    except (OSError, EOFError, zlib.error):
        with contextlib.suppress(OSError, EOFError, zlib.error):
            handle.seek(0)
        return False
    return looks_binary(head)


def read_stream(
    stream: Iterable[str] | Iterable[bytes], name: str, on_error: OnError = None
) -> Iterator[Article]:
    """Read JSON Lines from an open stream, such as ``sys.stdin``.

    Args:
        stream: Lines as ``str`` or as UTF-8 ``bytes`` (a text or binary file).
        name: How to name the stream in messages and in ``Article.origin``
            (``"<stdin>"``).
        on_error: Called with an :class:`~entente.errors.InputError` for each
            bad line; ``None`` raises the first one instead.

    Yields:
        One :class:`~entente.records.Article` per good line.

    Raises:
        InputError: When ``on_error`` is ``None``, for the first bad line.
    """
    lineno = 0
    lines = iter(stream)
    while True:
        try:
            raw = next(lines)
        except StopIteration:
            return
        except (OSError, EOFError, zlib.error) as exc:
            reason = (
                f"file is not readable gzip ({exc})"
                if lineno == 0
                else f"file is corrupt after line {lineno} ({exc}): it is truncated or damaged; "
                f"lines 1-{lineno} were read, anything after them is lost"
            )
            report(InputError(name, None, reason), on_error)
            return
        except UnicodeDecodeError:
            # A text stream whose bytes are not UTF-8: its line count is lost, so stop.
            reason = f"input is not valid UTF-8 after line {lineno}; re-save it as UTF-8"
            report(InputError(name, None, reason), on_error)
            return
        lineno += 1
        try:
            article = _parse_line(raw, name, lineno)
        except InputError as error:
            report(error, on_error)
            continue
        if article is not None:
            yield article


def _parse_line(raw: str | bytes, name: str, lineno: int) -> Article | None:
    """Parse one line into an article; ``None`` for a blank line."""
    if isinstance(raw, bytes):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError(name, lineno, "line is not valid UTF-8; re-save as UTF-8") from None
    else:
        line = raw
    if lineno == 1:
        line = line.removeprefix("\ufeff")
    if not line.strip():
        return None
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(
            name, lineno, f"invalid JSON ({exc.msg} at column {exc.colno}); fix or remove the line"
        ) from None
    except RecursionError:
        raise InputError(name, lineno, "JSON is nested too deeply") from None
    if not isinstance(record, dict):
        reason = f"expected a JSON object, found {_json_type(record)}; one article per line"
        raise InputError(name, lineno, reason)
    return Article(
        id=_require_id(record, name, lineno),
        text=_require_text(record, name, lineno),
        **_optional_fields(record, name, lineno),
        origin=f"{name}:{lineno}",
    )


def _require_id(record: dict[str, Any], name: str, lineno: int) -> str:
    value = record.get("id")
    if value is None:
        raise InputError(name, lineno, 'missing "id"; every article needs a unique id')
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise InputError(
            name, lineno, f'"id" must be a string or an integer, not {_json_type(value)}'
        )
    if not value.strip():
        raise InputError(name, lineno, '"id" is empty; every article needs a unique id')
    return value.strip()


def _require_text(record: dict[str, Any], name: str, lineno: int) -> str:
    value = record.get("text")
    if value is None:
        raise InputError(name, lineno, 'missing "text"; add the article body')
    if not isinstance(value, str):
        raise InputError(name, lineno, f'"text" must be a string, not {_json_type(value)}')
    text = normalize_text(value)
    if not text:
        raise InputError(name, lineno, '"text" is empty; add the article body')
    return text


def _optional_fields(record: dict[str, Any], name: str, lineno: int) -> dict[str, str]:
    fields: dict[str, str] = {}
    for key in _OPTIONAL:
        value = record.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise InputError(
                name, lineno, f'"{key}" must be a string or null, not {_json_type(value)}'
            )
        value = value.strip()
        if not value:
            continue
        if key == "date":
            try:
                value = normalize_date(value)
            except ValueError:
                raise InputError(
                    name,
                    lineno,
                    f'"date" {value!r} is not a recognised date; '
                    "write it as YYYY-MM-DD (or YYYY-MM, YYYY) or set it to null",
                ) from None
        elif key == "language" and not _LANGUAGE.fullmatch(value):
            raise InputError(
                name, lineno, f'"language" {value!r} is not a language tag such as "en" or "pt-BR"'
            )
        fields[key] = value
    return fields


def _json_type(value: object) -> str:
    """Name ``value``'s type as JSON does, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"
