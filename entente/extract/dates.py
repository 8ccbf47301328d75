"""Dates written in article sentences, normalised to ISO 8601.

Recognises the forms news and official statements use: ``October 7, 2020``,
``7 October 2020``, ``Oct. 7``, ``October 2020``, ``2020-10-07``, and a year
after ``in``/``since``/``during`` (``in 2019``; not deadlines such as "by 2027").
A day and month without a year take the year of the article's date when known.
Relative expressions ("last month", "on Wednesday") are not resolved: the
article's date is used instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["DateMention", "find_dates"]

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_PATTERNS = [
    re.compile(rf"\b(?P<iso>{_YEAR}-(?P<imonth>[01]\d)-(?P<iday>[0-3]\d))\b"),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_MONTH},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?!\s*,?\s*(?:19|20)\d\d)", re.IGNORECASE),
    re.compile(rf"\b(?:in|since|during)\s+{_YEAR}\b", re.IGNORECASE),
]


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date found in text: character offsets and its ISO 8601 value."""

    start: int
    end: int
    value: str


def _iso(match: re.Match[str], default_year: int | None) -> str | None:
    groups = match.groupdict()
    if groups.get("iso"):
        month, day = int(groups["imonth"]), int(groups["iday"])
        return groups["iso"] if 1 <= month <= 12 and 1 <= day <= 31 else None
    year = int(groups["year"]) if groups.get("year") else default_year
    if year is None:
        return None
    month_name = (groups.get("month") or "").lower()
    if not month_name:
        return f"{year:04d}"
    month = _MONTHS[month_name]
    if groups.get("day"):
        day = int(groups["day"])
        if not 1 <= day <= 31:
            return None
        return f"{year:04d}-{month:02d}-{day:02d}"
    return f"{year:04d}-{month:02d}"


def find_dates(text: str, *, default_year: int | None = None) -> list[DateMention]:
    """All dates in ``text``, most precise first when two overlap, in text order.

    Args:
        text: The text to search.
        default_year: Year for a day and month written without one.
    """
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for pattern in _PATTERNS:  # ordered from most to least precise
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            if pattern is _PATTERNS[4] and match.group("month").lower() == "may":
                continue  # "may 5" is usually the modal verb, not the month
            value = _iso(match, default_year)
            if value:
                found.append(DateMention(start, end, value))
                taken.append((start, end))
    return sorted(found, key=lambda d: d.start)
