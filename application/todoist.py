"""Reading a Todoist CSV export (its project template format) into tasks to import.

Columns (Todoist's "Format a CSV file to import into Todoist"): TYPE (task, section, note; an
export also starts with a ``meta`` row), CONTENT (the title; ``@name`` words are labels),
DESCRIPTION, PRIORITY, INDENT, AUTHOR, RESPONSIBLE, DATE, DATE_LANG, TIMEZONE, and in newer
exports DURATION, DURATION_UNIT, DEADLINE, DEADLINE_LANG. What we take:

- PRIORITY: in the CSV 1 is p1, the highest (the opposite of Todoist's API, where 4 is p1).
  p1 -> high, p2 -> medium, p3 -> low, p4 (Todoist's "no priority", the default there) and
  empty -> medium (our default).
- DATE: an ISO date (``2026-03-04``, a time after it is dropped), ``today``/``tomorrow``, or a
  date with a month name (``Mar 4``, ``4 March 2027``; without a year, the next such day); a
  simple ``every ...`` (every day / other week / 3 months / weekday / monday and friday / 15th)
  becomes a recurrence, due on its first occurrence from today. Any other date text (``every
  last friday``, ``in 3 weeks``, another language) is kept in the description as
  ``Todoist date: ...`` rather than guessed; a malformed ISO date is an error.
- section rows: their name becomes a label of the tasks under them (when it is a valid label).
- note rows: comments; appended to the description of the task above.
- INDENT, AUTHOR, RESPONSIBLE, TIMEZONE, DURATION*, DEADLINE*: not used (no sub-tasks,
  assignees or times here).

Every row is checked before anything is kept: ``read_todoist_csv`` returns every problem
with its line number (the header is line 1, as a spreadsheet numbers it).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from dateutil import parser as date_parser

from domain.errors import InvalidValue
from domain.recurrence import Recurrence
from domain.values import DESCRIPTION_MAX, LABEL_MAX, Priority, clean_description, clean_labels, clean_title

ROWS_MAX = 10_000
REQUIRED_COLUMNS = ("TYPE", "CONTENT")
PRIORITIES = {"1": Priority.HIGH, "2": Priority.MEDIUM, "3": Priority.LOW, "4": Priority.MEDIUM, "": Priority.MEDIUM}

_LABEL = re.compile(r"(?<!\S)@([^\s@]+)")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?")
_MONTH_WORD = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\b", re.IGNORECASE
)
_AT_TIME = re.compile(r"\s+at\s+\d{1,2}(?::\d{2})?\s*(?:am|pm)?$")
_DAYS = {
    "mo": "MO", "mon": "MO", "monday": "MO", "tu": "TU", "tue": "TU", "tues": "TU", "tuesday": "TU",
    "we": "WE", "wed": "WE", "wednesday": "WE", "th": "TH", "thu": "TH", "thur": "TH", "thurs": "TH",
    "thursday": "TH", "fr": "FR", "fri": "FR", "friday": "FR", "sa": "SA", "sat": "SA", "saturday": "SA",
    "su": "SU", "sun": "SU", "sunday": "SU",
}
_UNITS = {"day": "DAILY", "week": "WEEKLY", "month": "MONTHLY", "year": "YEARLY"}
_ADVERBS = {"daily": "FREQ=DAILY", "weekly": "FREQ=WEEKLY", "monthly": "FREQ=MONTHLY", "yearly": "FREQ=YEARLY",
            "annually": "FREQ=YEARLY"}


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One thing wrong with one row: ``row`` is its line (or, in a JSON document, its position)."""

    row: int
    field: str
    message: str


class RowsRejected(Exception):
    """Some rows are bad: nothing was imported. ``problems`` names every one found."""

    def __init__(self, problems: list[RowProblem]) -> None:
        first = problems[0]
        super().__init__(f"row {first.row}, {first.field}: {first.message}")
        self.problems = problems


@dataclass(slots=True)
class TaskDraft:
    """A task to import, its fields already checked by the domain's rules."""

    row: int
    title: str
    description: str | None = None
    priority: Priority = Priority.MEDIUM
    due_date: date | None = None
    recurrence: Recurrence | None = None
    labels: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)


def read_todoist_csv(text: str, today: date) -> list[TaskDraft]:
    """The tasks of a Todoist CSV export; ``RowsRejected`` naming every bad row otherwise."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    problems: list[RowProblem] = []
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise RowsRejected([RowProblem(1, "header", f"is not CSV ({exc})")]) from None
    columns = {name.strip().upper(): index for index, name in enumerate(header or [])}
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise RowsRejected([RowProblem(1, "header", "needs the columns " + ", ".join(missing) + " (Todoist's CSV)")])
    drafts: list[TaskDraft] = []
    section: tuple[str, ...] = ()
    data_rows = 0
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            problems.append(RowProblem(line, "row", f"is not valid CSV ({exc})"))
            break
        if cells is None:
            break
        line = reader.line_num  # a quoted cell may span lines: the row's last line
        if not any(cell.strip() for cell in cells):
            continue  # Todoist puts blank lines between sections
        data_rows += 1
        if data_rows > ROWS_MAX:
            problems.append(RowProblem(line, "row", f"an import holds at most {ROWS_MAX} rows"))
            break

        def cell(name: str, cells: list[str] = cells) -> str:
            index = columns.get(name)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        kind = cell("TYPE")
        if kind == "meta":
            continue
        if kind == "section":
            name = " ".join(cell("CONTENT").split())
            section = (name,) if 0 < len(name) <= LABEL_MAX and "|" not in name else ()
            continue
        if kind == "note":
            if not drafts:
                problems.append(RowProblem(line, "TYPE", "a note must follow the task it belongs to"))
            elif drafts[-1].row > 0 and cell("CONTENT"):  # after a bad task row: that row is reported
                drafts[-1].notes.append(cell("CONTENT"))
            continue
        if kind != "task":
            problems.append(RowProblem(line, "TYPE", "must be task, section or note"))
            drafts.append(TaskDraft(row=-1, title=""))  # a note after it belongs to a bad row
            continue
        draft = _task_row(line, cell, section, today, problems)
        drafts.append(draft if draft is not None else TaskDraft(row=-1, title=""))
    tasks = [draft for draft in drafts if draft.row > 0]
    for draft in tasks:
        if draft.notes:
            _attach_notes(draft, problems)
    if problems:
        raise RowsRejected(sorted(problems, key=lambda p: p.row))
    return tasks


def _task_row(
    line: int, cell: Callable[[str], str], section: tuple[str, ...], today: date, problems: list[RowProblem]
) -> TaskDraft | None:
    found = len(problems)
    content = cell("CONTENT")
    labels_typed = _LABEL.findall(content)
    title_text = _LABEL.sub("", content)
    title = description = None
    labels: tuple[str, ...] = ()
    try:
        title = clean_title(title_text)
    except InvalidValue as exc:
        problems.append(RowProblem(line, "CONTENT", exc.message))
    try:
        labels = clean_labels([*labels_typed, *section])
    except InvalidValue as exc:
        problems.append(RowProblem(line, "CONTENT", exc.message))
    priority_text = cell("PRIORITY")
    priority = PRIORITIES.get(priority_text)
    if priority is None:
        problems.append(RowProblem(line, "PRIORITY", "must be 1, 2, 3 or 4 (1 is the highest)"))
    due, recurrence, date_note = None, None, None
    try:
        due, recurrence, date_note = read_date(cell("DATE"), cell("DATE_LANG"), today)
    except InvalidValue as exc:
        problems.append(RowProblem(line, "DATE", exc.message))
    text = cell("DESCRIPTION")
    if date_note:
        text = f"{text}\n\nTodoist date: {date_note}" if text else f"Todoist date: {date_note}"
    try:
        description = clean_description(text)
    except InvalidValue as exc:
        problems.append(RowProblem(line, "DESCRIPTION", exc.message))
    if len(problems) > found or title is None or priority is None:
        return None
    return TaskDraft(line, title, description, priority, due, recurrence, labels)


def _attach_notes(draft: TaskDraft, problems: list[RowProblem]) -> None:
    notes = "\n\n".join(f"Note: {note}" for note in draft.notes)
    text = f"{draft.description}\n\n{notes}" if draft.description else notes
    if len(text) > DESCRIPTION_MAX:
        problems.append(RowProblem(draft.row, "DESCRIPTION",
                                   f"with its notes must be at most {DESCRIPTION_MAX} characters"))
        return
    draft.description = clean_description(text)


def read_date(text: str, language: str, today: date) -> tuple[date | None, Recurrence | None, str | None]:
    """(due date, recurrence, text to keep) from Todoist's DATE cell."""
    spoken = " ".join(text.split())
    if not spoken:
        return None, None, None
    lowered = spoken.lower()
    if lowered.startswith(("every", "ev ", "daily", "weekly", "monthly", "yearly", "annually")):
        rule = simple_recurrence(lowered)
        if rule is None:
            return None, None, spoken
        return None, Recurrence.parse(rule), None
    iso = _ISO_DATE.fullmatch(spoken)
    if iso:
        try:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3))), None, None
        except ValueError:
            raise InvalidValue("DATE", f"{spoken!r} is not a date") from None
    if lowered in {"today", "tod"}:
        return today, None, None
    if lowered in {"tomorrow", "tom"}:
        return today + timedelta(days=1), None, None
    english = language.strip().lower() in {"", "en"}
    if english and _MONTH_WORD.search(spoken):
        found = _month_date(spoken, today)
        if found is not None:
            return found, None, None
    return None, None, spoken


def _month_date(text: str, today: date) -> date | None:
    """``Mar 4`` -> the next 4 March from today; ``4 March 2027`` -> that day."""
    try:
        one = date_parser.parse(text, default=datetime(2000, 1, 1)).date()
        other = date_parser.parse(text, default=datetime(2004, 1, 1)).date()
    except (ValueError, OverflowError):
        return None
    if one == other:  # the text names its year
        return one
    try:
        found = date_parser.parse(text, default=datetime(today.year, 1, 1)).date()
        if found < today:
            found = date_parser.parse(text, default=datetime(today.year + 1, 1, 1)).date()
    except (ValueError, OverflowError):
        return None
    return found


def simple_recurrence(text: str) -> str | None:
    """The RRULE of a simple Todoist ``every ...`` date; None when it is not simple."""
    spoken = _AT_TIME.sub("", text.strip().lower().replace("every!", "every"))
    if spoken in _ADVERBS:
        return _ADVERBS[spoken]
    words = spoken.replace(",", " ").split()
    if not words or words[0] not in {"every", "ev"}:
        return None
    words = words[1:]
    interval = 1
    if words and words[0] == "other":
        interval, words = 2, words[1:]
    elif words and words[0].isdigit():
        interval, words = int(words[0]), words[1:]
    if not words or not 1 <= interval <= 1000:
        return None
    every = f";INTERVAL={interval}" if interval > 1 else ""
    if len(words) == 1 and words[0].rstrip("s") in _UNITS:
        return f"FREQ={_UNITS[words[0].rstrip('s')]}{every}"
    if words in (["weekday"], ["workday"], ["weekdays"], ["workdays"]):
        return f"FREQ=WEEKLY{every};BYDAY=MO,TU,WE,TH,FR"
    if words in (["weekend"], ["weekends"]):
        return f"FREQ=WEEKLY{every};BYDAY=SA,SU"
    days = [_DAYS.get(word.rstrip(".")) for word in words if word != "and"]
    if days and all(days):
        return f"FREQ=WEEKLY{every};BYDAY=" + ",".join(dict.fromkeys(d for d in days if d))
    ordinal = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?", words[0])
    if ordinal and interval == 1 and words[1:] in ([], ["of", "the", "month"], ["day"]):
        day = int(ordinal.group(1))
        return f"FREQ=MONTHLY;BYMONTHDAY={day}" if 1 <= day <= 31 else None
    return None
