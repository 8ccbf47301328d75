from __future__ import annotations

import time
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from entente.loaders.dates import date_from_struct, normalize_date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020", "2020"),
        ("2020-10", "2020-10"),
        ("2020-10-07", "2020-10-07"),
        ("2020/10/07", "2020-10-07"),
        ("2020-10-07T09:30:00Z", "2020-10-07"),
        ("2020-10-07T09:30:00.250Z", "2020-10-07"),
        ("2020-10-07T23:30:00-05:00", "2020-10-07"),
        ("2020-10-07 09:30:00+05:30", "2020-10-07"),
        ("October 7, 2020", "2020-10-07"),
        ("Oct. 7 2020", "2020-10-07"),
        ("Sept 7, 2020", "2020-09-07"),
        ("7 Oct 2020", "2020-10-07"),
        ("7th October 2020", "2020-10-07"),
        ("Wednesday, October 7, 2020 9:30 am", "2020-10-07"),
        ("Wed, 07 Oct 2020 09:30:00 GMT", "2020-10-07"),
        ("Wed, 07 Oct 2020 23:30:00 -0500", "2020-10-07"),
        ("  october   2020 ", "2020-10"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_normalize_date_accepts_common_forms(value: str, expected: str) -> None:
    assert normalize_date(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2021-02-30", "not a real date"),
        ("2020-13", "not a real date"),
        ("31 Nov 2020", "not a real date"),
        ("07/10/2020", "not a recognised date"),
        ("next Tuesday", "not a recognised date"),
        ("Smarch 7, 2020", "not a recognised date"),
        ("2020-10-07Tnoon", "not a recognised date"),
        ("2020-10-07T25:00", "not a recognised date"),
        ("", "not a recognised date"),
    ],
    ids=[
        "feb-30",
        "month-13",
        "nov-31",
        "ambiguous-slashes",
        "relative",
        "unknown-month",
        "bad-time",
        "hour-25",
        "empty",
    ],
)
def test_normalize_date_rejects(value: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        normalize_date(value)


@given(st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)))
def test_normalize_date_round_trips_every_written_form(day: date) -> None:
    iso = day.isoformat()
    for written in (iso, day.strftime("%B %d, %Y"), day.strftime("%d %b %Y"), f"{iso}T12:00:00Z"):
        assert normalize_date(written) == iso


def test_date_from_struct() -> None:
    assert date_from_struct(time.strptime("2021-06-02", "%Y-%m-%d")) == "2021-06-02"
