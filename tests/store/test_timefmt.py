"""Time text: the canonical ISO form the call records use, and what people may type for a range."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from appliance import timefmt


@pytest.mark.parametrize("ts, text", [
    (0.0, "1970-01-01T00:00:00.000Z"),
    (1795425302.125, "2026-11-23T09:15:02.125Z"),
    (1795425302.1255, "2026-11-23T09:15:02.126Z"),
    (1795425302.9996, "2026-11-23T09:15:03.000Z"),
])
def test_iso_is_utc_with_milliseconds(ts, text):
    assert timefmt.iso(ts) == text


@pytest.mark.parametrize("text, canonical", [
    ("2026-11-23", "2026-11-23T00:00:00.000Z"),
    ("2026-11-23T09:00Z", "2026-11-23T09:00:00.000Z"),
    ("2026-11-23T09:15:02.125Z", "2026-11-23T09:15:02.125Z"),
    ("2026-11-23T10:15:02.125+01:00", "2026-11-23T09:15:02.125Z"),
    ("2026-11-23 09:15", "2026-11-23T09:15:00.000Z"),
    ("  2026-11-23T09:15:00  ", "2026-11-23T09:15:00.000Z"),
])
def test_parse_accepts_dates_and_times_and_assumes_utc(text, canonical):
    assert timefmt.canonical(text) == canonical


@pytest.mark.parametrize("text", ["yesterday", "2026-02-30", "23/11/2026", "", "2026-11-23T25:00"])
def test_parse_refuses_what_is_not_a_time_with_an_example(text):
    with pytest.raises(ValueError, match="is not a date or time; use e.g. 2026-11-23"):
        timefmt.parse(text)


def test_parse_refuses_non_text():
    with pytest.raises(ValueError):
        timefmt.parse(None)


@given(st.integers(min_value=0, max_value=4102444800000))
def test_canonical_text_round_trips_exactly(millis):
    text = timefmt.iso(millis / 1000)
    assert timefmt.iso(timefmt.parse(text)) == text
    assert round(timefmt.parse(text) * 1000) == millis


@given(st.integers(min_value=0, max_value=4102444800000), st.integers(min_value=0, max_value=4102444800000))
def test_canonical_text_sorts_in_time_order(a, b):
    assert (timefmt.iso(a / 1000) < timefmt.iso(b / 1000)) == (a < b)


def test_the_first_and_last_years_write_and_read_back():
    from appliance import timefmt
    for text in ("0001-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z"):
        assert timefmt.iso(timefmt.parse(text)) == text
