"""Repeating tasks and labels in the domain (issue 17)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import InvalidValue
from domain.recurrence import Recurrence
from domain.task import Task
from domain.values import clean_labels, count_labels

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # a Wednesday
TODAY = NOW.date()


def repeating(rule: str, due: date | None) -> Task:
    return Task.create(user_id="a", id=1, title="t", now=NOW, due_date=due, recurrence=Recurrence.parse(rule))


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("FREQ=WEEKLY;BYDAY=MO", "FREQ=WEEKLY;BYDAY=MO"),
        ("RRULE:freq=monthly; bymonthday=1", "FREQ=MONTHLY;BYMONTHDAY=1"),
        ("COUNT=3;FREQ=DAILY;INTERVAL=2", "FREQ=DAILY;INTERVAL=2;COUNT=3"),
        ("FREQ=WEEKLY;UNTIL=20270131T000000Z;BYDAY=TU,TH", "FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20270131"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "FREQ=MONTHLY;BYDAY=-1FR"),
    ],
)
def test_rules_are_normalised(text: str, rule: str) -> None:
    assert Recurrence.parse(text).rule == rule


@pytest.mark.parametrize(
    "text",
    [
        "", "every monday", "FREQ=HOURLY", "FREQ=WEEKLY;BYDAY=XX", "FREQ=MONTHLY;BYMONTH=13",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31", "FREQ=DAILY;COUNT=0", "FREQ=DAILY;INTERVAL=x",
        "FREQ=DAILY;COUNT=2;UNTIL=20270101", "FREQ=DAILY;FREQ=WEEKLY", "FREQ=DAILY;BYHOUR=9",
        "FREQ=DAILY;UNTIL=tomorrow", "BYDAY=MO", "FREQ=DAILY;" + "X" * 300,
    ],
)
def test_junk_rules_are_refused_naming_the_field(text: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        Recurrence.parse(text)
    assert caught.value.field == "recurrence"


def test_completing_moves_to_the_next_occurrence_after_the_old_due_date() -> None:
    task = repeating("FREQ=WEEKLY;BYDAY=MO", date(2026, 12, 7))
    assert task.complete(NOW, TODAY) == date(2026, 12, 14)
    assert (task.completed, task.due_date, task.last_completed_at) == (False, date(2026, 12, 14), NOW)


def test_a_long_overdue_task_moves_past_today() -> None:
    task = repeating("FREQ=WEEKLY;BYDAY=MO", date(2026, 10, 5))
    assert task.complete(NOW, TODAY) == date(2026, 12, 7)


def test_a_repeating_task_without_a_due_date_starts_on_its_first_day() -> None:
    assert repeating("FREQ=WEEKLY;BYDAY=MO", None).due_date == date(2026, 12, 7)
    assert repeating("FREQ=WEEKLY;BYDAY=WE", None).due_date == TODAY  # today counts


def test_count_counts_down_and_the_last_completion_completes() -> None:
    task = repeating("FREQ=DAILY;COUNT=2", TODAY)
    assert task.complete(NOW, TODAY) == date(2026, 12, 3)
    assert task.recurrence == Recurrence("FREQ=DAILY;COUNT=1")
    assert task.complete(NOW, TODAY) is None
    assert task.completed and task.due_date == date(2026, 12, 3)


def test_until_ends_the_rule() -> None:
    task = repeating("FREQ=WEEKLY;UNTIL=20261210", date(2026, 12, 9))
    assert task.complete(NOW, TODAY) is None and task.completed


def test_toggle_reopens_a_done_task_and_moves_a_pending_repeating_one() -> None:
    task = repeating("FREQ=DAILY", TODAY)
    assert task.toggle(NOW, TODAY) == date(2026, 12, 3) and not task.completed
    task.repeat(None, NOW)
    assert task.toggle(NOW, TODAY) is None and task.completed
    task.toggle(NOW, TODAY)
    assert not task.completed


@given(
    st.sampled_from(["FREQ=DAILY", "FREQ=WEEKLY;BYDAY=MO,FR", "FREQ=MONTHLY;BYMONTHDAY=31", "FREQ=YEARLY",
                     "FREQ=DAILY;INTERVAL=3", "FREQ=MONTHLY;BYDAY=1MO"]),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)),
)
def test_the_next_due_date_is_always_after_both_the_old_one_and_today(rule: str, due: date, today: date) -> None:
    moved = Recurrence.parse(rule).next_due(due, today)
    assert moved is not None
    assert moved[0] > due and moved[0] > today


def test_labels_keep_their_spelling_and_compare_case_insensitively() -> None:
    assert clean_labels(["  Shopping ", "shopping", "Work  list"]) == ("Shopping", "Work list")
    task = Task.create(user_id="a", id=1, title="t", now=NOW, labels=["Shopping"])
    task.add_labels(["SHOPPING", "hardware"], NOW)
    assert task.labels == ("Shopping", "hardware") and task.has_label("HARDWARE")
    task.remove_labels(["shopping"], NOW)
    assert task.labels == ("hardware",)
    assert count_labels([("A", "b"), ("a",), ()]) == [("A", 2), ("b", 1)]


@pytest.mark.parametrize("labels", [[""], ["x" * 33], ["a|b"], [f"l{i}" for i in range(11)]])
def test_bad_labels_are_refused(labels: list[str]) -> None:
    with pytest.raises(InvalidValue) as caught:
        clean_labels(labels)
    assert caught.value.field == "labels"


@settings(deadline=None)  # the reference walks every occurrence, as the code no longer does
@given(
    st.sampled_from(["FREQ=DAILY", "FREQ=DAILY;INTERVAL=3", "FREQ=WEEKLY;BYDAY=MO,FR", "FREQ=WEEKLY;INTERVAL=2",
                     "FREQ=WEEKLY;INTERVAL=3;BYDAY=TU"]),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 1, 1)),
    st.integers(min_value=0, max_value=12_000),
)
def test_a_long_overdue_task_lands_where_walking_every_occurrence_would(rule: str, due: date, late: int) -> None:
    today = due + timedelta(days=late)
    walked = rrulestr(rule, dtstart=datetime.combine(due, time())).after(datetime.combine(today, time()))
    moved = Recurrence.parse(rule).next_due(due, today)
    assert moved is not None and moved[0] == walked.date()
