"""The date resolver reads the shorthand and the forms the tagger is taught (team-written phrases)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from adapters.llm.offline.dates import canonical, find_date
from adapters.llm.offline.slots import read_date

TODAY = date(2026, 12, 1)  # a Tuesday


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("2moro", TODAY + timedelta(days=1)),
        ("by tmrw night", TODAY + timedelta(days=1)),
        ("tomorrw", TODAY + timedelta(days=1)),  # one slip
        ("tonite", TODAY),
        ("2nite", TODAY),
        ("2day", TODAY),
        ("day after tmrw", TODAY + timedelta(days=2)),
        ("the day after 2moro", TODAY + timedelta(days=2)),
        ("in 2 wks", TODAY + timedelta(days=14)),
        ("in 3wks", TODAY + timedelta(days=21)),
        ("within 10 days", TODAY + timedelta(days=10)),
        ("in 4 days time", TODAY + timedelta(days=4)),
        ("in a couple of weeks", TODAY + timedelta(days=14)),
        ("2 weeks from now", TODAY + timedelta(days=14)),
        ("nxt week", TODAY + timedelta(days=7)),
        ("next wk", TODAY + timedelta(days=7)),
        ("the week after next", TODAY + timedelta(days=14)),
        ("end of month", date(2026, 12, 31)),
        ("by eom", date(2026, 12, 31)),
        ("end of next month", date(2027, 1, 31)),
        ("end of next week", date(2026, 12, 11)),
        ("nxt fri", date(2026, 12, 4)),
        ("this coming sat", date(2026, 12, 5)),
        ("fridya", date(2026, 12, 4)),  # one slip
        ("3 July", date(2027, 7, 3)),
        ("july the 3rd", date(2027, 7, 3)),
        ("the 14th", date(2026, 12, 14)),
        ("in 2 mths", date(2027, 2, 1)),
        ("in a year", date(2027, 12, 1)),
    ],
)
def test_shorthand_and_spelled_out_dates_resolve(words: str, expected: date) -> None:
    assert read_date(words, TODAY) == expected


@pytest.mark.parametrize("words", ["every mondays", "sat down", "sun cream", "week 3", "the weekly shop", "2 wkshops"])
def test_words_that_only_look_like_dates_are_no_date(words: str) -> None:
    assert find_date(words, TODAY) is None


def test_a_match_is_placed_in_the_text_as_typed() -> None:
    text = "call the plumber 2moro about the leak"
    found = find_date(text, TODAY)
    assert found is not None
    assert text[found.start : found.end] == "2moro"
    spelled, back = canonical(text)
    assert spelled == "call the plumber tomorrow about the leak"
    assert len(back) == len(spelled) + 1 and back[-1] == len(text)


def test_a_later_date_corrects_an_earlier_one_in_shorthand() -> None:
    assert read_date("tmrw, no wait, day after tmrw", TODAY) == TODAY + timedelta(days=2)
