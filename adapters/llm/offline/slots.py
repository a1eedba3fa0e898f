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


_CLEAR = re.compile(r"\b(?:no|remove|clear|without|delete|drop|doesn't|does\s+not|take\s+off|take\s+(?:the\s+)?(?:due\s+)?"
                    r"(?:date|deadline)\s+off|get\s+rid)\b")
_SHIFT = re.compile(r"^(?:(?:back|out|forward|later)\s+)?(?:by\s+)?" + NUMBER + r"\s+(day|week)s?(?:\s+(?:later|back|out))?$")
_DAY_BESIDE = re.compile(r"^(?:make\s+it\s+)?(?:the\s+)?day\s+(after|before)$")
_LOW = re.compile(r"\b(?:low|lower|down|whenever|someday|rush|hurry|eventually|less|not|deprioriti[sz]e|downgrade|chance|minor)\b|n't\b")
_MEDIUM = re.compile(r"\b(?:medium|normal|regular|average)\b")


def read_date(words: str | None, today: date) -> date | ClearDate | Shift | None:
    if not words:
        return None
    text = " ".join(words.split())
    if _CLEAR.search(text) and re.search(r"\b(?:due|date|deadline)\b", text):
        return ClearDate()
    beside = _DAY_BESIDE.match(text)
    if beside:
        return Shift(1 if beside[1] == "after" else -1)  # "no wait, the day after": a day from the date it has
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
    if later and re.search(r"\b(?:not|rather\s+than|instead\s+of)\s+(?:on\s+|the\s+)?$", rest[: later.start]):
        return found.value  # "thursday not wednesday": the date turned down is not the one meant
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
    if re.search(r"\b(?:all|everything|every\s+task|full\s+list|whole\s+list|entire\s+list)\b", text) and not re.search(
            r"\b(?:still|left|remaining|pending|open|outstanding|unfinished|(?:need|have|got)\s+to\s+(?:do|get\s+done)"
            r"|not\s+(?:yet\s+)?(?:done|finished))\b", text):
        args["status"], label = "all", ""  # "everything I still need to do" is what is open
    done = re.search(r"\b(?:done|complete(?:d)?|finish(?:ed)?|(?:tick|check|cross|strike|knock)(?:ed|t)?\s+off|crossed\s+out|wrap(?:ped)?\s+up|achieved|accomplished|did\s+i\s+(?:already\s+|actually\s+|even\s+)?(?:do|get\s+done|finish|complete|manage))\b", text)
    undone = re.sub(r"\bdid\s+i\s+get\s+done\b", "", text)  # "what did i get done so far": done, not "get"-to-do
    if done and not re.search(r"\b(?:not|haven'?t|have\s+not|didn'?t|did\s+not|hasn'?t|yet\s+to\s+be|still\s+to\s+be|left\s+to\s+be|to\s+be|need\s+to\s+be|still|get|got|to\s+do|need\s+to)\b", undone):
        args["status"], label = "completed", "completed"
    if re.search(r"\b(?:including|incl|as\s+well\s+as|plus)\b|\b(?:open|pending)\s+and\s+(?:done|completed)\b"
                 r"|\b(?:done|completed|finished)(?:\s+(?:ones|tasks|stuff|items))?\s+(?:too|as\s+well|also|included)\b"
                 r"|\bincluding\s+(?:the\s+)?(?:done|completed|finished)\b", text):
        # "show me everything, done ones too": the done ones beside the rest, not instead of them
        args["status"], label = "all", ""
    when = ""
    if re.search(r"\b(?:no|without|don't\s+have|dont\s+have|do\s+not\s+have|doesn't\s+have|haven't\s+got|lack)\s+"
                 r"(?:a\s+|any\s+)?(?:due\s+)?(?:dates?|deadlines?)\b|\b(?:undated|unscheduled)\b", text):
        # "which tasks don't have a due date?"
        return ListQuery({**args, "has_due_date": False}, label, " without a due date")
    if re.search(r"\b(?:overdue|late|past\s+due|missed|behind)\b|\bdid\s+i\s+miss\b", text):
        return ListQuery({"status": "pending", "overdue": True}, "overdue", "")
    window = re.search(r"\b(?:next|coming)\s+" + NUMBER + r"\s+days?\b", text)
    soon = re.search(r"\b(?:due\s+soon|coming\s+up|upcoming|on\s+the\s+horizon)\b", text)
    if window or soon:
        days = (parse_number(window[1]) or 1) if window else 7
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


@dataclass(frozen=True, slots=True)
class Repeat:
    """A repeating rule read from words: an RRULE and, when said, the day it starts."""

    rule: str
    start: date | None = None


@dataclass(frozen=True, slots=True)
class StopRepeating:
    """The person asked for the task to stop repeating."""


_RRULE_DAYS = {"monday": "MO", "tuesday": "TU", "wednesday": "WE", "thursday": "TH", "friday": "FR", "saturday": "SA",
               "sunday": "SU", "mon": "MO", "tue": "TU", "tues": "TU", "wed": "WE", "thu": "TH", "thur": "TH",
               "thurs": "TH", "fri": "FR", "sat": "SA", "sun": "SU"}
_DAY_WORD = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?s?"
_STOP_REPEAT = re.compile(r"\b(?:stop|no\s+longer|(?:should|does|do|would|wo|is|must|need|ca)n'?t|do\s+not|not|never|no\s+more|cancel|remove|end|turn\s+off)\b.*\b(?:repeat|recur)"
                          r"|\b(?:one[-\s]?off|just\s+once|only\s+once)\b")
_EVERY = r"\b(?:every|each|on\s+every|once\s+a|once\s+every)\s+"
_UNTIL_WORDS = re.compile(r"\b(?:until|till|til|through|ending|ends?)\s+(.+)$")
_COUNT_WORDS = re.compile(r"\b(?:for\s+)?" + NUMBER + r"\s+times\b")
_START = re.compile(r"\b(?:starting|from|beginning|begins?|starts?)\s+(?:on\s+|from\s+)?(.+?)(?=\s+(?:until|till|for)\b|$)")


def read_recurrence(words: str | None, today: date) -> Repeat | StopRepeating | None:
    """Repeat words -> an RFC 5545 rule ("every monday" -> FREQ=WEEKLY;BYDAY=MO)."""
    if not words:
        return None
    text = " ".join(words.lower().replace("’", "'").split())
    if _STOP_REPEAT.search(text):
        return StopRepeating()
    start = None
    found_start = _START.search(text)
    if found_start:
        start_date = dates.find_date(found_start[1], today)
        start = start_date.value if start_date else None
        text = text[: found_start.start()].strip()
    tail = ""
    until = _UNTIL_WORDS.search(text)
    if until:
        end = dates.find_date(until[1], today)
        if end:
            tail = f";UNTIL={end.value.strftime('%Y%m%d')}"
        text = text[: until.start()].strip()
    count = _COUNT_WORDS.search(text)
    if count and not tail:
        tail = f";COUNT={parse_number(count[1]) or 1}"
        text = text[: count.start()].strip()
    rule = _rule(text)
    return Repeat(rule + tail, start) if rule else None


def _interval(text: str) -> str:
    if re.search(r"\b(?:other|alternate|fortnight(?:ly)?|bi-?weekly)\b", text):
        return ";INTERVAL=2"
    n = re.search(_EVERY + NUMBER + r"(?:st|nd|rd|th)?\s+(?:day|week|month|year)s?\b", text)
    if n:
        value = parse_number(n[1]) or 1
        return f";INTERVAL={value}" if value > 1 else ""
    return ""


def _rule(text: str) -> str | None:
    interval = _interval(text)
    if re.search(r"\b(?:week\s*days|every\s+weekday|weekdays|monday\s+to\s+friday|mon-fri|working\s+days|work\s*days)\b", text):
        return "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
    if re.search(r"\b(?:weekends|every\s+weekend|saturdays?\s+and\s+sundays?)\b", text):
        return "FREQ=WEEKLY" + interval + ";BYDAY=SA,SU"
    days = [_RRULE_DAYS[m[1]] for m in re.finditer(r"\b(" + "|".join(sorted(_RRULE_DAYS, key=len, reverse=True))
                                                     + r")(?:day)?s?\b", text)
            if re.search(_EVERY + r"|" + _DAY_WORD + r"s\b|\b(?:weekly|repeat|recur)", text)]
    month_day = re.search(r"\b(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\b(?:\s+(?:day\s+)?of)?\s*(?:every|each|the|a)?\s*month", text) \
        or re.search(r"\b(?:monthly|every\s+month|each\s+month)\s+on\s+the\s+(\d{1,2})(?:st|nd|rd|th)?\b", text)
    if month_day and 1 <= int(month_day[1]) <= 31:
        return "FREQ=MONTHLY" + interval + f";BYMONTHDAY={int(month_day[1])}"
    if days:
        return "FREQ=WEEKLY" + interval + ";BYDAY=" + ",".join(dict.fromkeys(days))
    if re.search(r"\b(?:daily|every\s*day|each\s+day|every\s+(?:morning|evening|night|afternoon)|nightly|"
                 r"every\s+(?:other|" + NUMBER.strip("()") + r")\s+days?)\b", text):
        return "FREQ=DAILY" + interval
    if re.search(r"\b(?:weekly|every\s+(?:other\s+|\d+\s+|two\s+|three\s+)?weeks?|each\s+week|fortnightly|bi-?weekly)\b", text):
        return "FREQ=WEEKLY" + interval
    if re.search(r"\b(?:monthly|every\s+(?:other\s+|\d+\s+|two\s+|three\s+)?months?|each\s+month)\b", text):
        return "FREQ=MONTHLY" + interval
    if re.search(r"\b(?:yearly|annually|every\s+(?:other\s+)?years?|each\s+year)\b", text):
        return "FREQ=YEARLY" + interval
    return None


def label_name(words: str | None) -> str | None:
    """A list's name as a label: "my Shopping list" -> "Shopping" (kept as typed)."""
    if not words:
        return None
    name = re.sub(r"^(?:(?:on|to|from|off|onto|in|into)\s+)?(?:(?:my|the|our|a)\s+)?", "", words.strip(" .,!?:;\"'"),
                  flags=re.IGNORECASE)
    name = re.sub(r"\s+(?:list|label|tag|folder|project)s?$", "", name, flags=re.IGNORECASE).strip(" -#")
    return name[:32] or None


_DAY_NAMES = {"MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday", "FR": "Friday", "SA": "Saturday",
              "SU": "Sunday"}


def describe_rule(rule: str) -> str:
    """An RRULE in words for a reply: "FREQ=WEEKLY;BYDAY=MO" -> "every Monday"."""
    parts = dict(p.partition("=")[::2] for p in rule.split(";"))
    every = int(parts.get("INTERVAL", "1"))
    unit = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}.get(parts.get("FREQ", ""), "time")
    if "BYDAY" in parts:
        days = parts["BYDAY"].split(",")
        if days == ["MO", "TU", "WE", "TH", "FR"]:
            text = "every weekday"
        else:
            names = [_DAY_NAMES.get(d[-2:], d) for d in days]
            text = "every " + (" and ".join(names) if len(names) <= 2 else ", ".join(names[:-1]) + " and " + names[-1])
        if every == 2:
            text = text.replace("every ", "every other ", 1)
    elif "BYMONTHDAY" in parts:
        day = int(parts["BYMONTHDAY"])
        suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
        text = f"on the {day}{suffix} of every {'other ' if every == 2 else ''}month"
    elif every == 1:
        text = f"every {unit}"
    elif every == 2:
        text = f"every other {unit}"
    else:
        text = f"every {every} {unit}s"
    if "UNTIL" in parts:
        until = parts["UNTIL"]
        text += f" until {until[:4]}-{until[4:6]}-{until[6:8]}"
    if "COUNT" in parts:
        text += f", {parts['COUNT']} times"
    return text
