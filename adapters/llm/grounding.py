"""An add's optional fields must come from the user's words.

A small model fills every field of a schema: "Add book flights" became
``add_task {"title": "book flights", "due_date": "2026-12-02", "recurrence": "FREQ=WEEKLY;BYDAY=TH"}``
and "Add a task to buy milk" one due today with high priority (qwen2.5-coder-1.5b,
docs/language.md, "Real models"). A due date, a priority or a repeat rule the user never
mentioned is a wrong change, so a field with no word of its kind in the user's message is left
out, and the model is told so in the tool's result. The vocabulary is generous on purpose: a
field wrongly kept is the model's old behaviour, a field wrongly dropped loses what was asked.
Labels are kept when the window names them as a list ("my shopping list", "label it work", "#errands").
"""

from __future__ import annotations

import re
from typing import Any


def _vocabulary(words: str) -> frozenset[str]:
    return frozenset(words.split())


_DATE_WORDS = _vocabulary("""
today tonight tonite tomorrow tomorow tmrw tmr tmrow 2moro 2morrow yesterday tdy eod eow eom asap
morning afternoon evening night noon midnight weekend weekday week weeks wk wks month months year years
day days next coming upcoming due deadline
monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun
january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec
first second third fourth fifth last fortnight christmas xmas easter birthday
""")
_PRIORITY_WORDS = _vocabulary("""
urgent urgently asap important importance priority prio critical crucial vital high higher highest top
low lower lowest medium normal minor trivial rush pressing whenever someday later eventually soon p1 p2 p3
""")
_REPEAT_WORDS = _vocabulary("""
every each daily weekly monthly yearly annually annual hourly nightly weekdays weekends fortnightly
biweekly repeat repeats repeating recurring recur recurs regularly always routine
""")
_WORD = re.compile(r"[a-z0-9]+")


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _dated(words: set[str], text: str) -> bool:
    return bool(words & _DATE_WORDS) or any(character.isdigit() for character in text)


_LIST_NOUNS = r"(?:list|label|tag|category|categorie|project|folder|board)s?"


def _label_said(label: str, said: str) -> bool:
    """Said as a list, not just as a word: "my shopping list", "label it work", "#errands".
    A word of the title is not a list the user asked for ("file the tax return, it's urgent"
    came back labelled "tax" and "urgent")."""
    name = r"\s+".join(re.escape(part) + "s?" for part in _WORD.findall(label.lower()))
    if not name:
        return False
    patterns = (rf"#{name}\b", rf"\b{name}\s+{_LIST_NOUNS}\b",
                rf"\b{_LIST_NOUNS}\s*(?:it\s+|them\s+|as\s+|with\s+|called\s+|named\s+|:\s*)?[\"']?{name}\b")
    return any(re.search(pattern, said) for pattern in patterns)


def ungrounded_add_fields(arguments: dict[str, Any], asked: str, said: str) -> dict[str, Any]:
    """The add's arguments without optional fields no word of ``asked`` (the user's message)
    stands for; labels must be named as a list in ``said`` (the conversation's window) or ``asked``."""
    words = _words(asked)
    kept = dict(arguments)
    if kept.get("due_date") is not None and not _dated(words, asked):
        del kept["due_date"]
    if kept.get("priority") is not None and not words & _PRIORITY_WORDS and "!" not in asked:
        del kept["priority"]
    if kept.get("recurrence") is not None and not words & _REPEAT_WORDS:
        del kept["recurrence"]
    labels = kept.get("labels")
    if isinstance(labels, list) and labels:
        window = f"{said}\n{asked}".lower()
        kept["labels"] = [label for label in labels if not isinstance(label, str) or _label_said(label, window)]
        if not kept["labels"]:
            del kept["labels"]
    return kept


def dropped_note(before: dict[str, Any], after: dict[str, Any]) -> str | None:
    """What the tool's result says about the fields left out, for the model to read."""
    gone = sorted(name for name in before if name not in after)
    labels_before, labels_after = before.get("labels") or [], after.get("labels") or []
    if isinstance(labels_before, list) and "labels" in after and len(labels_after) < len(labels_before):
        gone.append("some labels")
    if not gone:
        return None
    return f"Left out {', '.join(gone)}: the user did not mention them. Do not add them unless the user asks."
