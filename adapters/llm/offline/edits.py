"""The frames people use to retitle a task, read as a whole rather than word by word.

"rename task 1 to call insurance about the claim, due monday", "change task 2 title to read
chapters 6 and 7", "task 1: change title to Read Project Hail Mary", "edit task 2: 'water the
garden' -> 'water the front garden'", "buy milk -> buy almond milk, and it's due tmrw",
"change groceries to weekly groceries at Aldi".

A tagger trained on adds reads the new title as a title to add; the frame says it is a new name
for a task that exists. The new name is kept as typed, up to a tail that only sets a date or a
priority. A frame whose only cue is "change X to Y" (no rename verb, no title word, no arrow) is
a rename only when X names a task on the list and Y is more than a date or a priority: that is
for the caller to check (``Edit.needs_match``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_LEAD = r"^\W*(?:(?:ok|okay|so|and|also|oh|hey|please|pls|can\s+you|could\s+you|can\s+u|could\s+u|would\s+you|just)\W+)*"
_FIELD = r"(?:title|name|wording|text|label)"
_QUOTED = r"[\"“‘'](?P<qnew>[^\"“”‘’']+)[\"”’']"
# "task 1: rename to X", "task 1 - change title to X", "edit task 2: 'A' -> 'B'"
_FRAMES = [
    # rename/retitle REF to NEW
    (re.compile(_LEAD + r"(?:rename|retitle|re-?name)\s+(?P<ref>.+?)\s+(?:to|into|as)\s*:?\s+(?P<new>.+)$", re.IGNORECASE), False),
    # change/edit/update/fix the title of REF to NEW; change REF's title to NEW; change REF title to NEW
    (re.compile(_LEAD + r"(?:change|edit|update|fix|correct|amend|set)\s+(?:the\s+)?" + _FIELD
                + r"\s+(?:of|on|for|in)\s+(?P<ref>.+?)\s+(?:to|into|as)\s*:?\s+(?P<new>.+)$", re.IGNORECASE), False),
    (re.compile(_LEAD + r"(?:change|edit|update|fix|correct|amend|set)\s+(?P<ref>.+?)(?:['’]s)?\s+" + _FIELD
                + r"\s+(?:to|into|as)\s*:?\s+(?P<new>.+)$", re.IGNORECASE), False),
    # REF: rename (it) to NEW / REF: change (the) title to NEW
    (re.compile(_LEAD + r"(?P<ref>.+?)\s*(?::|\s-\s)\s*(?:please\s+|pls\s+)?(?:rename|retitle|(?:change|edit|update|set)\s+(?:the\s+|its\s+)?"
                + _FIELD + r")(?:\s+(?:it|this|that))?\s+(?:to|into|as)\s*:?\s+(?P<new>.+)$", re.IGNORECASE), False),
    # task N rename to NEW (the number first, no colon)
    (re.compile(_LEAD + r"(?P<ref>(?:task|item|number|no\.?|#)\s*#?\d{1,6})\s*,?\s+(?:please\s+|pls\s+)?(?:rename|retitle"
                r"|(?:change|edit|update|set)\s+(?:the\s+|its\s+)?" + _FIELD + r")(?:\s+(?:it|this|that))?\s+(?:to|into|as)\s*:?\s+"
                r"(?P<new>.+)$", re.IGNORECASE), False),
    # edit/change REF: 'A' -> 'B' (the old wording restated, then the new)
    (re.compile(_LEAD + r"(?:change|edit|update|fix|correct|amend|rename)\s+(?P<ref>.+?)\s*:\s*.+?\s*(?:->|→|=>)\s*(?P<new>.+)$",
                re.IGNORECASE), False),
    # A -> B
    (re.compile(_LEAD + r"(?P<ref>[^>]+?)\s*(?:->|→|=>)\s*(?P<new>.+)$", re.IGNORECASE), True),
    # change REF to NEW
    (re.compile(_LEAD + r"(?:change|update|edit)\s+(?P<ref>.+?)\s+(?:to|into)\s+(?P<new>.+)$", re.IGNORECASE), True),
]
# A tail that only sets a date or a priority: ", due monday", " and make it due friday", ", and it's due tmrw".
_JOIN = re.compile(r"\s*[,;]\s*(?:and\s+)?|\s+and\s+", re.IGNORECASE)
_TAIL_START = re.compile(r"(?:(?:make|set)\s+(?:it|that)\s+|it['’]?s\s+|its\s+|it\s+is\s+)?"
                         r"(?:due|by|on|for|high|low|medium|normal|urgent|important|top|priority|prio|tomorrow|tmrw|today"
                         r"|tonight|next|this|in\s+\d|monday|tuesday|wednesday|thursday|friday|saturday|sunday|asap)\b",
                         re.IGNORECASE)
# "it should be pick up prescription not prescripton": the wording turned down goes
_NOT_OLD = re.compile(r"\s*,?\s+(?:not|instead\s+of|rather\s+than)\s+[\"“‘']?[\w' -]+[\"”’']?\s*$", re.IGNORECASE)


_SELF_CORRECTION = re.compile(r"\b(?:sorry|i\s+mean|i\s+meant|no\s+wait|wait\s+no|oops|actually)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Edit:
    reference: str
    new_title: str
    tail: str  # the date or priority said with the rename ("" for none)
    needs_match: bool  # the frame is a rename only if the reference names a task
    turned_down: str = ""  # the wording said to be wrong ("buy not by": "by"), "" when none is said


def read_edit(text: str, is_slot: Callable[[str], bool]) -> Edit | None:
    """The rename a clause asks for, or None. ``is_slot(words)``: the words are only a date or a priority."""
    clause = text.strip().rstrip(".!")
    if _SELF_CORRECTION.search(clause):
        return None  # "change task 1 to 'call dave' - sorry, I mean 'call david'": a correction is read elsewhere
    for frame, needs_match in _FRAMES:
        m = frame.match(clause)
        if m is None:
            continue
        ref = m["ref"].strip(" ,:-\"'“”‘’")
        new, tail = _split_tail(m["new"].strip(), is_slot)
        quoted = re.fullmatch(_QUOTED, new)
        turned = _NOT_OLD.search(new) if not quoted and not needs_match else None
        new = quoted["qnew"] if quoted else _NOT_OLD.sub("", new) if not needs_match else new
        new = new.strip(" ,:;\"'“”‘’")
        if not ref or not new or is_slot(new) or (needs_match and re.match(r"(?:it|that|this)\b", ref, re.IGNORECASE)):
            continue
        down = _strip_quotes(re.sub(r"^\W*(?:not|instead\s+of|rather\s+than)\s+", "", turned[0].strip(" ,"), flags=re.IGNORECASE)) if turned else ""
        return Edit(_strip_quotes(ref), new, tail, needs_match, down)
    return None


def _split_tail(new: str, is_slot: Callable[[str], bool]) -> tuple[str, str]:
    for m in _JOIN.finditer(new):
        tail = new[m.end():].strip()
        if m.start() > 0 and _TAIL_START.match(tail) and is_slot(tail):
            return new[: m.start()], tail
    return new, ""


def _strip_quotes(text: str) -> str:
    return text.strip(" \"'“”‘’")


# "envelopes, not stamps", "buy instead of by", "Jack not Jake": the right wording, then the one turned down.
_RIGHT_NOT_WRONG = re.compile(r"^[\"“‘']?(?P<right>[\w' -]+?)[\"”’']?\s*,?\s+(?:not|instead\s+of|rather\s+than)\s+"
                              r"[\"“‘']?(?P<wrong>[\w' -]+?)[\"”’']?\W*$", re.IGNORECASE)


def swapped(title: str, right: str, wrong: str) -> str | None:
    """The title with the wording turned down replaced by the right one; None when the title does not hold it."""
    wrong, right = wrong.strip(), right.strip()
    if not wrong or not right or wrong.lower() == right.lower():
        return None
    found = re.search(r"(?<![\w'])" + re.escape(wrong) + r"(?![\w'])", title, re.IGNORECASE)
    if found is None:
        return None
    rest = f"{title[:found.start()]} {title[found.end():]}".lower().split()
    if rest and set(rest) <= set(right.lower().split()):
        return right  # "it should be pick up prescription not prescripton": the whole title said again
    return f"{title[:found.start()]}{right}{title[found.end():]}"


def swap_said(title: str, said: str) -> str | None:
    """"envelopes, not stamps" said of "buy stamps": "buy envelopes"; None when it is no such swap."""
    m = _RIGHT_NOT_WRONG.match(said.strip())
    return swapped(title, m["right"], m["wrong"]) if m else None
