"""Repeating tasks: an RFC 5545 recurrence rule over due dates.

A task repeats by days, so a rule here is a date rule: FREQ is DAILY, WEEKLY, MONTHLY or
YEARLY, and UNTIL is a date. Occurrences come from python-dateutil's rrule (a pure
calculation library; see ADR 0009), always anchored at the task's current due date, so
nothing but the rule text and the due date has to be stored. COUNT counts the occurrences
left, the current one included: each completion that moves the task on lowers it by one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateutil.rrule import rrule, rruleset, rrulestr

from domain.errors import InvalidValue

RULE_MAX = 255
_FREQUENCIES = frozenset({"DAILY", "WEEKLY", "MONTHLY", "YEARLY"})
# The parts a date rule may have (RFC 5545 3.3.10 without the time-of-day ones).
_PARTS = frozenset(
    {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH",
     "BYSETPOS", "WKST"}
)
_ORDER = ("FREQ", "INTERVAL", "BYMONTH", "BYWEEKNO", "BYYEARDAY", "BYMONTHDAY", "BYDAY", "BYSETPOS", "WKST",
          "COUNT", "UNTIL")
_UNTIL = re.compile(r"(\d{8})(?:T\d{6}Z?)?")
_FIELD = "recurrence"


@dataclass(frozen=True, slots=True)
class Recurrence:
    """A validated, normalised rule such as ``FREQ=WEEKLY;BYDAY=MO`` (no ``RRULE:`` prefix)."""

    rule: str

    @classmethod
    def parse(cls, text: str) -> Recurrence:
        cleaned = "".join(text.split()).upper()
        if cleaned.startswith("RRULE:"):
            cleaned = cleaned[len("RRULE:"):]
        if not cleaned:
            raise InvalidValue(_FIELD, "must not be empty (use null to stop repeating)")
        if len(cleaned) > RULE_MAX:
            raise InvalidValue(_FIELD, f"must be at most {RULE_MAX} characters")
        parts: dict[str, str] = {}
        for part in cleaned.strip(";").split(";"):
            name, sep, value = part.partition("=")
            if not sep or not value:
                raise InvalidValue(_FIELD, f"{part!r} is not NAME=VALUE")
            if name not in _PARTS:
                raise InvalidValue(_FIELD, f"{name} is not supported (tasks repeat by days)")
            if name in parts:
                raise InvalidValue(_FIELD, f"{name} is given twice")
            parts[name] = value
        if parts.get("FREQ") not in _FREQUENCIES:
            raise InvalidValue(_FIELD, "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY")
        if "COUNT" in parts and "UNTIL" in parts:
            raise InvalidValue(_FIELD, "COUNT and UNTIL cannot both be given")
        if "UNTIL" in parts:
            until = _UNTIL.fullmatch(parts["UNTIL"])
            if until is None:
                raise InvalidValue(_FIELD, "UNTIL must be a date, YYYYMMDD")
            parts["UNTIL"] = until.group(1)  # a date rule ends on a day
        for name in ("INTERVAL", "COUNT"):
            if name in parts and not (parts[name].isdigit() and 1 <= int(parts[name]) <= 10_000):
                raise InvalidValue(_FIELD, f"{name} must be a whole number from 1 to 10000")
        rule = ";".join(f"{name}={parts[name]}" for name in _ORDER if name in parts)
        # dateutil's own checks (BYDAY=XX, ...), and a rule that can never occur (BYMONTH=13,
        # BYMONTHDAY=31 with BYMONTH=2) is junk too, whatever its COUNT or UNTIL.
        endless = cls(";".join(p for p in rule.split(";") if not p.startswith(("COUNT=", "UNTIL="))))
        if endless.first_on_or_after(date(2000, 1, 1)) is None:
            raise InvalidValue(_FIELD, "the rule never occurs")
        return cls(rule)

    @property
    def count(self) -> int | None:
        """Occurrences left, the current one included, when the rule has a COUNT."""
        value = self._part("COUNT")
        return int(value) if value is not None else None

    def _part(self, name: str) -> str | None:
        for part in self.rule.split(";"):
            key, _, value = part.partition("=")
            if key == name:
                return value
        return None

    def _rrule(self, start: date) -> rrule | rruleset:
        try:
            return rrulestr(self.rule, dtstart=datetime.combine(start, time()))
        except (ValueError, TypeError, KeyError, IndexError) as exc:
            raise InvalidValue(_FIELD, f"not a valid RRULE ({exc})") from None

    def _anchor_near(self, due: date, today: date) -> date:
        """``due`` moved forward by whole periods to within a period or two of ``today``.

        dateutil walks every occurrence from the anchor: a daily task ten years overdue
        would cost thousands of steps. Whole days-long periods (DAILY, WEEKLY) keep the
        rule's phase when shifted; months and years are few enough to walk.
        """
        frequency = self._part("FREQ")
        if frequency not in ("DAILY", "WEEKLY") or (today - due).days < 400 or self.count is not None:
            return due
        period = int(self._part("INTERVAL") or 1) * (7 if frequency == "WEEKLY" else 1)
        periods = (today - due).days // period - 1
        return due + timedelta(days=periods * period)

    def first_on_or_after(self, day: date) -> date | None:
        """The first occurrence on or after ``day``, counting from ``day`` (a new task's due date)."""
        found = self._rrule(day).after(datetime.combine(day, time()), inc=True)
        return found.date() if found is not None else None

    def next_due(self, due: date, today: date) -> tuple[date, Recurrence] | None:
        """Where a task due on ``due`` moves when completed on ``today``, and the rule it then carries.

        The next occurrence after the old due date; if that is not after ``today`` (the task was
        long overdue), the next one after today. ``None`` when the rule has ended: the completion
        is the last one.
        """
        count = self.count
        if count is not None and count <= 1:
            return None
        rule = self._rrule(self._anchor_near(due, today))
        found = rule.after(datetime.combine(due, time()))
        if found is not None and found.date() <= today:
            found = rule.after(datetime.combine(today, time()))
        if found is None:
            return None
        rest = self if count is None else Recurrence(self.rule.replace(f"COUNT={count}", f"COUNT={count - 1}"))
        return found.date(), rest
