"""Slot values from the words the tagger marked: dates, priorities, list filters."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from adapters.llm.offline import dates
from adapters.llm.offline.words import NUMBER, parse_number


@dataclass(frozen=True, slots=True)
class ClearDate:
    """The person asked to remove the due date."""


@dataclass(frozen=True, slots=True)
class Shift:
    """Move the due date by this many days from where it is (or from today)."""

    days: int


_CLEAR = re.compile(r"\b(?:no|remove|clear|without|delete|drop|doesn't|does\s+not|take\s+off)\b")
_SHIFT = re.compile(r"^(?:(?:back|out|forward|later)\s+)?(?:by\s+)?" + NUMBER + r"\s+(day|week)s?(?:\s+(?:later|back|out))?$")
_LOW = re.compile(r"\b(?:low|lower|down|whenever|someday|rush|hurry|eventually|less|not|deprioriti[sz]e|downgrade|chance|minor)\b|n't\b")
_MEDIUM = re.compile(r"\b(?:medium|normal|regular|average)\b")


def read_date(words: str | None, today: date) -> date | ClearDate | Shift | None:
    if not words:
        return None
    text = " ".join(words.split())
    if _CLEAR.search(text) and re.search(r"\b(?:due|date|deadline)\b", text):
        return ClearDate()
    shift = _SHIFT.match(re.sub(r"^(?:push|move|bump|postpone|delay)\s+", "", text))
    if shift and not text.startswith("in "):
        amount = parse_number(shift[1]) or 1
        return Shift(amount * (7 if shift[2] == "week" else 1))
    found = dates.find_date(text, today)
    if found is None:
        return None
    # "tuesday, no wait, wednesday" / "not monday, tuesday": the later date corrects the earlier.
    rest = text[found.end :]
    later = dates.find_date(rest, today) if rest.strip() else None
    return later.value if later else found.value


def read_priority(words: str | None) -> str | None:
    if not words or not re.search(r"[a-z]", words):
        return None
    if _MEDIUM.search(words):
        return "medium"  # the most specific word: "not that urgent any more, make it medium"
    if _LOW.search(words):
        return "low"
    return "high"


@dataclass(frozen=True, slots=True)
class ListQuery:
    arguments: dict[str, Any] = field(default_factory=dict)
    label: str = "pending"
    when: str = ""


def list_filters(text: str, today: date) -> ListQuery:
    """What a list question asks for: status, overdue, a date window, a priority."""
    text = " ".join(text.lower().replace("’", "'").split())
    args: dict[str, Any] = {"status": "pending"}
    label = "pending"
    if re.search(r"\b(?:all|everything|every\s+task|full\s+list|whole\s+list|entire\s+list)\b", text):
        args["status"], label = "all", ""
    done = re.search(r"\b(?:done|complete(?:d)?|finish(?:ed)?|ticked\s+off|achieved|accomplished|did\s+i\s+(?:do|get\s+done))\b", text)
    if done and not re.search(r"\b(?:not|yet\s+to\s+be|still\s+to\s+be|left\s+to\s+be|to\s+be|need\s+to\s+be|still|get|got|to\s+do|need\s+to)\b", text):
        args["status"], label = "completed", "completed"
    if re.search(r"\b(?:including|incl|as\s+well\s+as|plus)\b|\b(?:open|pending)\s+and\s+(?:done|completed)\b", text):
        args["status"], label = "all", ""
    when = ""
    if re.search(r"\b(?:overdue|late|past\s+due|missed|behind)\b", text):
        return ListQuery({"status": "pending", "overdue": True}, "overdue", "")
    window = re.search(r"\b(?:next|coming)\s+" + NUMBER + r"\s+days?\b", text)
    if window:
        days = parse_number(window[1]) or 1
        args["due_after"] = (today - timedelta(days=1)).isoformat()
        args["due_before"] = (today + timedelta(days=days + 1)).isoformat()
        when = f" due in the next {days} day{'' if days == 1 else 's'}"
    elif re.search(r"\b(?:by|before)\b", text) and dates.find_date(text, today):
        found = dates.find_date(text, today)
        assert found is not None
        args["due_before"] = (found.value + timedelta(days=1)).isoformat()
        when = f" due by {dates.describe(found.value, today)}"
    elif re.search(r"\bthis\s+week\b|\bweek\b", text):
        start, end = dates.week_bounds(today)
        if args["status"] == "completed":
            pass  # completed this week: no due-date window
        else:
            args["due_after"] = (start - timedelta(days=1)).isoformat()
            args["due_before"] = (end + timedelta(days=1)).isoformat()
            when = " due this week"
    else:
        due = dates.find_date(text, today)
        if due is not None and args["status"] != "completed":
            args["due_on"] = due.value.isoformat()
            when = f" due {dates.describe(due.value, today)}"
    level = re.search(r"\b(?:urgent|important|critical|asap|high|top|low|medium)\b", text)
    if level and re.search(r"\b(?:priority|urgent|important|critical|asap|prio|stuff|tasks?|things?)\b", text):
        word = level.group(0)
        args["priority"] = "low" if word == "low" else "medium" if word == "medium" else "high"
        label = f"{args['priority']}-priority {label}".strip()
    return ListQuery(args, label, when)
