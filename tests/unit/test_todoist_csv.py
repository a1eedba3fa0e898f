"""The Todoist CSV reader: columns, priorities, dates, recurrences, labels, notes and per-row errors."""

from __future__ import annotations

import contextlib
import csv
import io
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from application.todoist import RowProblem, RowsRejected, TaskDraft, read_date, read_todoist_csv, simple_recurrence
from domain.values import Priority

TODAY = date(2026, 3, 4)  # a Wednesday
HEADER = "TYPE,CONTENT,DESCRIPTION,PRIORITY,INDENT,AUTHOR,RESPONSIBLE,DATE,DATE_LANG,TIMEZONE\n"


def csv_of(*rows: str) -> str:
    return HEADER + "".join(row + "\n" for row in rows)


def test_an_export_with_meta_sections_notes_and_blank_lines() -> None:
    text = csv_of(
        "meta,view_style=list,,,,,,,,",
        "task,Buy milk @shopping @Errands,2 litres,1,1,Ann (1),,2026-03-10,en,Europe/Berlin",
        "note,the organic one,,,,Ann (1),,,,",
        ",,,,,,,,,",
        "section,Work,,,,,,,,",
        "task,Write report,,4,1,Ann (1),,Mar 20,en,",
        'task,"Call ""Bob"", re: plans",,2,2,,,tomorrow,en,',
    )
    milk, report, call = read_todoist_csv(text, TODAY)
    assert (milk.title, milk.labels, milk.priority, milk.due_date) == (
        "Buy milk", ("shopping", "Errands"), Priority.HIGH, date(2026, 3, 10),
    )
    assert milk.description == "2 litres\n\nNote: the organic one"
    assert (report.title, report.labels, report.priority, report.due_date) == (
        "Write report", ("Work",), Priority.MEDIUM, date(2026, 3, 20),
    )
    assert (call.title, call.priority, call.due_date, call.labels) == (
        'Call "Bob", re: plans', Priority.MEDIUM, date(2026, 3, 5), ("Work",),
    )
    assert [d.row for d in (milk, report, call)] == [3, 7, 8]  # the line a spreadsheet shows


@pytest.mark.parametrize(
    ("cell", "expected"), [("1", Priority.HIGH), ("2", Priority.MEDIUM), ("3", Priority.LOW),
                           ("4", Priority.MEDIUM), ("", Priority.MEDIUM)],
)
def test_priority_one_is_the_highest(cell: str, expected: Priority) -> None:
    (task,) = read_todoist_csv(csv_of(f"task,x,,{cell},,,,,,"), TODAY)
    assert task.priority is expected


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("every day", "FREQ=DAILY"),
        ("Every Other Day", "FREQ=DAILY;INTERVAL=2"),
        ("every 3 weeks", "FREQ=WEEKLY;INTERVAL=3"),
        ("every weekday", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
        ("every monday, fri", "FREQ=WEEKLY;BYDAY=MO,FR"),
        ("every tue and thu at 9am", "FREQ=WEEKLY;BYDAY=TU,TH"),
        ("every other monday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
        ("every 15th", "FREQ=MONTHLY;BYMONTHDAY=15"),
        ("every month", "FREQ=MONTHLY"),
        ("yearly", "FREQ=YEARLY"),
        ("every! 2 days", "FREQ=DAILY;INTERVAL=2"),
    ],
)
def test_simple_every_dates_become_rules(text: str, rule: str) -> None:
    assert simple_recurrence(text.lower()) == rule


@pytest.mark.parametrize("text", ["every last friday", "every 3rd monday", "every day starting mar 3", "every"])
def test_other_every_dates_are_not_guessed(text: str) -> None:
    assert simple_recurrence(text) is None
    due, recurrence, kept = read_date(text, "en", TODAY)
    assert (due, recurrence, kept) == (None, None, text)


def test_a_repeating_row_keeps_its_rule_and_an_unclear_date_is_kept_as_text() -> None:
    weekly, unclear = read_todoist_csv(
        csv_of("task,Water plants,,,,,,every monday,en,", "task,Dentist,bring card,,,,,in two weeks-ish,en,"),
        TODAY,
    )
    assert weekly.recurrence is not None and weekly.recurrence.rule == "FREQ=WEEKLY;BYDAY=MO"
    assert weekly.due_date is None  # Task.create puts it on the first occurrence from the import day
    assert (unclear.due_date, unclear.recurrence) == (None, None)
    assert unclear.description == "bring card\n\nTodoist date: in two weeks-ish"


def test_month_dates_without_a_year_are_the_next_such_day() -> None:
    assert read_date("Mar 1", "en", TODAY)[0] == date(2027, 3, 1)
    assert read_date("Mar 4", "en", TODAY)[0] == date(2026, 3, 4)
    assert read_date("4 March 2025", "en", TODAY)[0] == date(2025, 3, 4)
    assert read_date("4 mars", "fr", TODAY) == (None, None, "4 mars")  # not guessed in another language


def test_every_bad_row_is_reported_and_nothing_is_returned() -> None:
    text = csv_of(
        "task,Fine,,1,,,,,,",
        "task,,,1,,,,,,",  # no title
        "task,Bad priority,,7,,,,,,",
        "task,Bad date,,,,,,2026-02-30,en,",
        "chore,Bad type,,,,,,,,",
        "task," + "x" * 300 + ",,,,,,,,",
    )
    with pytest.raises(RowsRejected) as caught:
        read_todoist_csv(text, TODAY)
    assert [(p.row, p.field) for p in caught.value.problems] == [
        (3, "CONTENT"), (4, "PRIORITY"), (5, "DATE"), (6, "TYPE"), (7, "CONTENT"),
    ]
    assert "2026-02-30" in caught.value.problems[2].message


def test_a_file_without_the_todoist_columns_is_refused() -> None:
    with pytest.raises(RowsRejected) as caught:
        read_todoist_csv("title,due\nmilk,today\n", TODAY)
    assert [(p.row, p.field) for p in caught.value.problems] == [(1, "header")]


def test_too_many_labels_and_a_note_without_a_task() -> None:
    labels = " ".join(f"@l{i}" for i in range(11))
    with pytest.raises(RowsRejected) as caught:
        read_todoist_csv(csv_of("note,orphan,,,,,,,,", f"task,T {labels},,,,,,,,"), TODAY)
    assert [(p.row, p.field) for p in caught.value.problems] == [(2, "TYPE"), (3, "CONTENT")]


def test_a_byte_order_mark_and_lower_case_headers_are_fine() -> None:
    (task,) = read_todoist_csv("\ufefftype,content,priority\ntask,Tea,3\n", TODAY)
    assert (task.title, task.priority) == ("Tea", Priority.LOW)


CELLS = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["task", "note", "section", "meta", "", "chore"]), CELLS, CELLS,
                          st.sampled_from(["", "1", "2", "3", "4", "9", "x"]), CELLS), max_size=8))
def test_any_rows_are_read_or_rejected_never_a_crash(rows: list[tuple[str, str, str, str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["TYPE", "CONTENT", "DESCRIPTION", "PRIORITY", "DATE"])
    writer.writerows(rows)
    problems: list[RowProblem] = []
    drafts: list[TaskDraft] = []
    try:
        drafts = read_todoist_csv(buffer.getvalue(), TODAY)
    except RowsRejected as rejected:
        problems = rejected.problems
    assert all(p.row >= 1 and p.field and p.message for p in problems)
    for draft in drafts:  # what is accepted keeps the domain's rules
        assert draft.title == draft.title.strip() and 0 < len(draft.title) <= 255
        assert draft.description is None or len(draft.description) <= 4000
        assert len(draft.labels) <= 10


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_read_or_rejected_never_a_crash(text: str) -> None:
    with contextlib.suppress(RowsRejected):  # anything else escaping fails the test
        read_todoist_csv(text, TODAY)
