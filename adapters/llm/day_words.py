"""A due date in the words a reply uses: "today", "tomorrow", "Fri 4 Dec" (a year only if not this one)."""

from __future__ import annotations

from datetime import date, timedelta


def describe_day(value: date | None, today: date) -> str:
    if value is None:
        return "no due date"
    if value == today:
        return "today"
    if value == today + timedelta(days=1):
        return "tomorrow"
    if value == today - timedelta(days=1):
        return "yesterday"
    label = f"{value.strftime('%a')} {value.day} {value.strftime('%b')}"
    return label if value.year == today.year else f"{label} {value.year}"
