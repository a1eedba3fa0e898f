"""Date words -> dates, resolved against the user's local 'today'. Stdlib only, precompiled."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from adapters.llm.day_words import describe_day
from adapters.llm.offline import text as _text  # (text's features use date_spans: imported as a module, at call time)
from adapters.llm.offline.words import NUMBER, parse_number

WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5,
    "sat": 5, "sunday": 6, "sun": 6,
}
MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
_WD = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_MON = "|".join(sorted(MONTHS, key=len, reverse=True))
_LEAD = r"(?:(?:due|by|on|for|before|until|till|til|at|from)\s+)?(?:the\s+)?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_PART = r"(?:\s+(?:morning|afternoon|evening|night))?"
# A count of units: "in 2 weeks", "in 3wks" (the unit's short forms are spelled out before matching)
_UNIT = r"\s*(day|week|wk|month|mth|mnth|year|yr)s?\b"
_UNITS = {"wk": "week", "mth": "month", "mnth": "month", "yr": "year"}

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(_LEAD + r"(\d{4})-(\d{2})-(\d{2})\b")),
    ("slash", re.compile(_LEAD + r"(\d{1,2})\s?/\s?(\d{1,2})(?:\s?/\s?(\d{4}|\d{2}))?\b")),
    ("day_month", re.compile(_LEAD + _DAY + r"(?:\s+of)?\s+(" + _MON + r")\.?\b(?:,?\s+(\d{4}))?")),
    ("month_day", re.compile(_LEAD + r"(" + _MON + r")\.?\s+(?:the\s+)?" + _DAY + r"\b(?:,?\s+(\d{4}))?")),
    ("holiday", re.compile(_LEAD + r"(?:(christmas|xmas)\s+(eve|day)|(new\s+year'?s?)\s+(eve|day)|(nye)|(halloween)"
                           r"|(valentine'?s?)\s+day)\b")),
    ("holiday", re.compile(r"(?:by|before|until|till|til|on|due)\s+(christmas|xmas)()\b")),
    ("day_after", re.compile(_LEAD + r"(?:the\s+)?day\s+after\s+tomorrow\b|overmorrow\b")),
    ("tomorrow", re.compile(_LEAD + r"(?:first\s+thing\s+)?tomorrow" + _PART + r"\b")),
    ("today", re.compile(_LEAD + r"(?:today|tonight|this\s+(?:morning|afternoon|evening)|later\s+today|later\s+tonight"
                         r"|end\s+of\s+(?:the\s+)?day|eod|close\s+of\s+business|cob)\b")),
    ("yesterday", re.compile(_LEAD + r"yesterday\b")),
    ("in_n", re.compile(r"(?:(?:due\s+)?in|within)\s+" + NUMBER + _UNIT + r"(?:'?s?\s+time)?")),
    ("n_from_now", re.compile(NUMBER + _UNIT + r"\s+from\s+(?:now|today)\b")),
    ("in_a", re.compile(r"in\s+a\s+(fortnight)\b")),
    ("week_after_next", re.compile(_LEAD + r"(?:the\s+)?week\s+after\s+next\b")),
    ("end_of_next_week", re.compile(_LEAD + r"(?:the\s+)?end\s+of\s+next\s+week\b")),
    ("next_week", re.compile(_LEAD + r"(?:(?:this\s+time\s+)?next\s+week|a\s+week\s+today)\b")),
    ("end_of_week", re.compile(_LEAD + r"(?:(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?(?:work\s*)?week|eow|week'?s\s+end)\b")),
    ("end_of_next_month", re.compile(_LEAD + r"(?:the\s+)?end\s+of\s+next\s+month\b")),
    ("end_of_month", re.compile(_LEAD + r"(?:(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?month|eom|month'?s?\s+end)\b")),
    ("next_month", re.compile(_LEAD + r"next\s+month\b")),
    ("weekend", re.compile(_LEAD + r"(?:this\s+|the\s+|next\s+|this\s+coming\s+|coming\s+)?weekend\b")),
    ("last_week", re.compile(_LEAD + r"last\s+week\b")),
    ("last_weekday", re.compile(_LEAD + r"last\s+(" + _WD + r")\b")),
    ("day_only", re.compile(_LEAD + r"(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\b(?!\s+(?:of\s+)?(?:" + _MON + r")\b)")),
    ("weekday", re.compile(_LEAD + r"(?:(?:this|next|coming|this\s+coming)\s+)?(" + _WD + r")\b" + _PART)),
]
# A date phrase starts at a word boundary: "buy lemon" is not "buy le" + Monday, and
# "bargain 3 days" holds no "in 3 days".
_PATTERNS = [(kind, re.compile(r"\b" + pattern.pattern)) for kind, pattern in _PATTERNS]


@dataclass(frozen=True, slots=True)
class DateMatch:
    value: date
    start: int
    end: int


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _next_of(today: date, month: int, day: int, year: int | None) -> date | None:
    if year:
        return _safe(year, month, day)
    candidate = _safe(today.year, month, day)
    if candidate is None or candidate < today:
        candidate = _safe(today.year + 1, month, day)
    return candidate


def _holiday(m: re.Match[str], today: date) -> date | None:
    """The next Christmas Eve / Christmas / New Year's Eve / New Year's Day / Halloween / Valentine's Day."""
    groups = [g for g in m.groups() if g is not None]
    head = groups[0].replace(" ", "") if groups else ""
    tail = groups[1] if len(groups) > 1 else ""
    if head in {"christmas", "xmas"}:
        month, day = 12, 24 if tail == "eve" else 25
    elif head.startswith("newyear"):
        month, day = (12, 31) if tail == "eve" else (1, 1)
    elif head == "nye":
        month, day = 12, 31
    elif head == "halloween":
        month, day = 10, 31
    else:
        month, day = 2, 14
    candidate = date(today.year, month, day)
    return candidate if candidate >= today else date(today.year + 1, month, day)


def _resolve(kind: str, m: re.Match[str], today: date) -> date | None:
    if kind == "iso":
        return _safe(int(m[1]), int(m[2]), int(m[3]))
    if kind == "slash":
        # "12/30" is month/day, "30/12" day/month; "5/6" could be either, so it is no date (a title word)
        first, second = int(m[1]), int(m[2])
        year = (int(m[3]) + (2000 if len(m[3]) == 2 else 0)) if m[3] else None
        if first > 12 >= second:
            return _next_of(today, second, first, year)
        if second > 12 >= first or first == second:
            return _next_of(today, first, second, year)
        return None
    if kind == "day_month":
        return _next_of(today, MONTHS[m[2]], int(m[1]), int(m[3]) if m[3] else None)
    if kind == "month_day":
        return _next_of(today, MONTHS[m[1]], int(m[2]), int(m[3]) if m[3] else None)
    if kind == "holiday":
        return _holiday(m, today)
    if kind == "day_after":
        return today + timedelta(days=2)
    if kind == "tomorrow":
        return today + timedelta(days=1)
    if kind == "today":
        return today
    if kind == "yesterday":
        return today - timedelta(days=1)
    if kind in {"in_n", "n_from_now"}:
        n = parse_number(m[1]) or 0
        unit = _UNITS.get(m[2], m[2])
        if unit == "year":
            return _safe(today.year + n, today.month, min(today.day, 28) if today.month == 2 else today.day)
        if unit == "month":
            month = today.month - 1 + n
            return _safe(today.year + month // 12, month % 12 + 1, min(today.day, 28)) or today
        return today + timedelta(days=n * (7 if unit == "week" else 1))
    if kind == "weekend":
        return today + timedelta(days=(5 - today.weekday()) % 7)
    if kind == "last_week":
        return today - timedelta(days=7)
    if kind == "last_weekday":
        return today - timedelta(days=(today.weekday() - WEEKDAYS[m[1]]) % 7 or 7)
    if kind == "day_only":
        day = int(m[1])
        candidate = _safe(today.year, today.month, day)
        if candidate is None or candidate < today:
            following = today.month % 12 + 1
            candidate = _safe(today.year + (today.month == 12), following, day)
        return candidate
    if kind == "in_a":
        return today + timedelta(days=14)
    if kind == "next_week":
        return today + timedelta(days=7)
    if kind == "end_of_week":
        return today + timedelta(days=(4 - today.weekday()) % 7)
    if kind == "week_after_next":
        return today + timedelta(days=14)
    if kind == "end_of_next_week":
        friday = today + timedelta(days=(4 - today.weekday()) % 7)
        return friday + timedelta(days=7) if today.weekday() <= 4 else friday
    if kind == "end_of_next_month":
        after = today.month + 1  # the month after next, 0-based from January
        following = _safe(today.year + after // 12, after % 12 + 1, 1)
        return (following or today) - timedelta(days=1)
    if kind == "end_of_month":
        following = _safe(today.year + today.month // 12, today.month % 12 + 1, 1)
        return (following or today) - timedelta(days=1)
    if kind == "next_month":
        return _safe(today.year + today.month // 12, today.month % 12 + 1, 1)
    # "friday", "on friday", "next friday", "this friday": the next one strictly after today.
    ahead = (WEEKDAYS[m[1]] - today.weekday()) % 7 or 7
    return today + timedelta(days=ahead)


# Words the patterns above spell out in full: shorthand and one-slip typos of them ("2moro", "tonite",
# "wks", "nxt", "tomorow", "fridya") are read as the word meant, as the tagger reads them.
_CANONICAL = frozenset(["today", "tonight", "tomorrow", "yesterday", "day", "days", "week", "weeks", "weekend", "month",
                        "months", "year", "years", "next", "before", "morning", "afternoon", "evening", "night",
                        *(w for w in WEEKDAYS if len(w) > 3)])
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def _date_word(word: str) -> str:
    lower = word.lower()
    if lower in WEEKDAYS or lower in MONTHS:
        return lower
    norm = _text.normalise_word(lower)
    if norm in _CANONICAL and norm.rstrip("s") != lower.rstrip("s"):  # "mondays" is a repeat, not a typo of monday
        return norm
    count = re.fullmatch(r"(\d{1,3})([a-z]{2,})", lower)
    if count and count[2] not in {"st", "nd", "rd", "th"}:
        unit = _date_word(count[2])  # "3wks" -> "3 weeks"
        if unit in _CANONICAL:
            return f"{count[1]} {unit}"
    return lower


def canonical(text: str) -> tuple[str, list[int]]:
    """``text`` with its date words spelled out, and for each offset of the new text (and its end)
    the offset in ``text`` it came from."""
    parts: list[str] = []
    back: list[int] = []
    pos = 0
    for m in _WORD.finditer(text):
        word = _date_word(m.group())
        if word == m.group():
            continue
        parts.append(text[pos : m.start()])
        back.extend(range(pos, m.start()))
        parts.append(word)
        back.extend([m.start()] * len(word))
        pos = m.end()
    parts.append(text[pos:])
    back.extend(range(pos, len(text) + 1))
    return "".join(parts), back


def find_date(text: str, today: date) -> DateMatch | None:
    """The first date phrase in ``text`` (lower-case), with its span in ``text``."""
    norm, back = canonical(text)
    best: DateMatch | None = None
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(norm):
            if kind == "weekday" and m[1] in {"sat", "sun", "wed", "mar", "may"} and not _looks_like_day(norm, m):
                continue
            try:
                value = _resolve(kind, m, today)
            except OverflowError:  # "in 999999999 days": beyond year 9999, so not a date
                value = None
            if value is not None and (best is None or back[m.start()] < best.start):
                best = DateMatch(value, back[m.start()], back[m.end()])
            break
    return best


def _looks_like_day(text: str, m: re.Match[str]) -> bool:
    # "sat" / "sun" are also words ("sat down", "sun cream"); accept them only after a date lead,
    # or when they are all the words the tagger read as a date ("return the library books | sat").
    return bool(re.search(r"(?:on|by|due|next|this|coming|for|till|until|before)\s+$", text[: m.start(1)])) or text.strip() == m[1] \
        or bool(re.match(r"\s+(?:morning|afternoon|evening|night|am\b|pm\b|\d{1,2}(?::\d\d)?\s*(?:am|pm)\b)", text[m.end(1):]))


def week_bounds(today: date) -> tuple[date, date]:
    """Today up to and including the coming Sunday."""
    return today, today + timedelta(days=6 - today.weekday())


def describe(value: date | None, today: date) -> str:
    return describe_day(value, today)


_ANY = re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern in _PATTERNS))
_LONE = frozenset(["sat", "sun", "wed", "mar", "may"])  # also words: a date only with a lead ("on sat")


_HINT = re.compile(r"\d|\b(?:" + _WD + "|" + _MON + r"|today|tonight|tomorrow|yesterday|week|weekend|month|year|day|days"
                   r"|fortnight|eod|eow|eom|cob|overmorrow|weeks|months|years|close)\b")


def date_spans(words: list[str]) -> list[tuple[int, int]]:
    """Where the date patterns match in a sentence's normalised words (as the tagger sees them), as
    word index ranges, resolved or not: a feature for the tagger, so that it reads a date phrase whole,
    as the resolver will."""
    text = " ".join(words)
    if not _HINT.search(text):
        return []
    starts: list[int] = []
    pos = 0
    for w in words:
        starts.append(pos)
        pos += len(w) + 1
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        m = _ANY.match(text, starts[i])
        if m is None or m.group().strip() in _LONE:
            i += 1
            continue
        end = next((j for j in range(i + 1, len(words)) if starts[j] >= m.end()), len(words))
        spans.append((i, end))
        i = end
    return spans
