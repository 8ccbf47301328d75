"""Normalising publication dates to ISO 8601 (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``).

Accepted forms (case-insensitive, surrounding whitespace ignored):

* ISO 8601: ``2020``, ``2020-10``, ``2020-10-07``, ``2020-10-07T09:30:00Z``,
  ``2020-10-07 09:30:00+05:30``, and ``2020/10/07``;
* month names, full or abbreviated, with an optional weekday in front and an
  optional time and zone behind: ``October 7, 2020``, ``Oct. 7 2020``,
  ``7 Oct 2020``, ``7th October 2020``, ``Wed, 07 Oct 2020 09:30:00 GMT``
  (RFC 822, as in RSS), ``October 2020``.

Limits: the date is kept as written, in the publisher's own time zone; a
timestamp is never converted to UTC, since that could move an article to the
previous or next day. Numeric day/month forms such as ``07/10/2020`` are refused
because they are ambiguous (7 October or 10 July).
"""

from __future__ import annotations

import re
import time
from datetime import date, datetime

__all__ = ["date_from_struct", "normalize_date"]

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}

_YEAR_ONLY = re.compile(r"(?P<year>\d{4})")
_YEAR_MONTH = re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})")
_ISO = re.compile(r"(?P<year>\d{4})[-/](?P<month>\d{2})[-/](?P<day>\d{2})(?P<rest>[t ].*)?")

_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
_MONTH = r"(?P<month>[a-z]{3,9})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_TIME = (
    r"(?:(?:,?\s+|\s*t)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[ap]\.?m\.?)?"
    r"\s*(?:z|[a-z]{1,5}|[+-]\d{2}:?\d{2})?)?"
)
_NAMED = [
    re.compile(_WEEKDAY + _MONTH + r"\s+" + _DAY + r",?\s+" + _YEAR + _TIME),
    re.compile(_WEEKDAY + _DAY + r"\s+" + _MONTH + r",?\s+" + _YEAR + _TIME),
    re.compile(_MONTH + r",?\s+" + _YEAR),
]


def normalize_date(value: str) -> str:
    """Return ``value`` as an ISO 8601 date, keeping only the precision it has.

    Args:
        value: A date as written in the source (see the module docstring).

    Returns:
        ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``.

    Raises:
        ValueError: ``value`` is not a date in a recognised form, or not a real
            date (``2021-02-30``).
    """
    text = " ".join(value.split()).lower()
    if match := _YEAR_ONLY.fullmatch(text):
        return match["year"]
    if match := _YEAR_MONTH.fullmatch(text):
        _check(int(match["year"]), int(match["month"]), 1, value)
        return text
    if match := _ISO.fullmatch(text):
        year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
        _check(year, month, day, value)
        if match["rest"]:
            # Validates the time and zone; the date itself is kept as written.
            try:
                datetime.fromisoformat(f"{year:04d}-{month:02d}-{day:02d}{match['rest'].upper()}")
            except ValueError:
                raise ValueError(f"not a recognised date: {value!r}") from None
        return f"{year:04d}-{month:02d}-{day:02d}"
    for pattern in _NAMED:
        if (match := pattern.fullmatch(text)) and match["month"] in _MONTHS:
            year, month = int(match["year"]), _MONTHS[match["month"]]
            if "day" not in pattern.groupindex:
                _check(year, month, 1, value)
                return f"{year:04d}-{month:02d}"
            day = int(match["day"])
            _check(year, month, day, value)
            return f"{year:04d}-{month:02d}-{day:02d}"
    raise ValueError(f"not a recognised date: {value!r}")


def date_from_struct(value: time.struct_time) -> str:
    """Return the ``YYYY-MM-DD`` date of a ``time.struct_time`` (as feedparser gives)."""
    return f"{value.tm_year:04d}-{value.tm_mon:02d}-{value.tm_mday:02d}"


def _check(year: int, month: int, day: int, value: str) -> None:
    try:
        date(year, month, day)
    except ValueError:
        raise ValueError(f"not a real date: {value!r}") from None
