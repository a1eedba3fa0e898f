"""Tasks named by what they are like rather than by their title.

    "the overdue one", "the high priority one"    a state that picks out one task
    "the low priority stuff", "the party stuff"   every task that has the state or shares the word
    "both bills", "all the gym ones"              every task the words fit, and "both" means two
    "the duplicate buy milk"                      the later of two tasks with the same title
    "dentist and gym"                             several tasks named at once, each by its own words

Each reader returns None when the phrase is not of its shape, so the ordinary title match goes on;
otherwise a Resolution: ids when sure, ambiguous candidates to ask about, or nothing found.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from adapters.llm.offline.mood import ACTION_VERBS
from adapters.llm.offline.references import (
    Resolution,
    Snapshot,
    description_words,
    match_description,
    match_title,
    normalise,
    word_likeness,
)

# A state a task is named by. Order matters: "low priority" before "priority".
_STATE_WORDS: tuple[tuple[str, str], ...] = (
    (r"high[- ]priority|top[- ]priority|urgent|important|high[- ]prio|priority", "high"),
    (r"low[- ]priority|low[- ]prio|unimportant|not\s+urgent|not\s+important|minor", "low"),
    (r"medium[- ]priority|normal[- ]priority", "medium"),
    (r"overdue|late|past[- ]due|missed", "overdue"),
    (r"due\s+today|today'?s|for\s+today", "today"),
    (r"due\s+tomorrow|tomorrow'?s|for\s+tomorrow", "tomorrow"),
    (r"done|completed|finished|ticked(?:\s+off)?|checked(?:\s+off)?", "done"),
    (r"undated|without\s+a\s+(?:due\s+)?date|with\s+no\s+(?:due\s+)?date", "undated"),
)
_STATE = re.compile("|".join(rf"(?P<s{n}>\b(?:{words})\b)" for n, (words, _) in enumerate(_STATE_WORDS)), re.IGNORECASE)
# Words that make a phrase name a group: every task it fits, not one.
_GROUP_HEAD = re.compile(r"\b(?:stuff|ones|tasks|things|items|errands|reminders|jobs|all|every|each|everything)\b",
                         re.IGNORECASE)
_BOTH = re.compile(r"\bboth\b", re.IGNORECASE)
_DUPLICATE = re.compile(r"\b(?:duplicate|duplicated|extra|double|second\s+copy|copy|repeated|dupe)\b", re.IGNORECASE)
# A head that says the phrase describes a task ("the X one"), so a state word in it is a state, not a title word.
_ONE_HEAD = re.compile(r"\b(?:one|task|thing|item|entry|reminder)\b", re.IGNORECASE)
_JOIN = re.compile(r"\s*(?:,\s*(?:and\s+)?|\band\b|&|\bn\b|\bplus\b|\+)\s*", re.IGNORECASE)
_GROUP_WORDS = frozenset({"stuff", "ones", "tasks", "things", "items", "errands", "reminders", "jobs", "all", "every", "each",
                          "everything", "both", "of", "them", "those", "these", "duplicate", "duplicated", "extra",
                          "double", "copy", "repeated", "dupe", "second"})


def state_filter(state: str, today: date) -> Callable[[dict[str, Any]], bool]:
    """The tasks a named state selects (open ones, except for "done")."""
    if state == "done":
        return lambda t: bool(t["completed"])
    if state in {"high", "low", "medium"}:
        return lambda t: not t["completed"] and t.get("priority") == state
    if state in {"today", "tomorrow"}:
        day = (today if state == "today" else today + timedelta(days=1)).isoformat()
        return lambda t: not t["completed"] and t.get("due_date") == day
    if state == "undated":
        return lambda t: not t["completed"] and not t.get("due_date")
    return lambda t: not t["completed"] and bool(t.get("due_date")) and str(t["due_date"]) < today.isoformat()


def states_of(text: str) -> tuple[list[str], str]:
    """The states a phrase names, and the phrase without them."""
    states: list[str] = []

    def take(m: re.Match[str]) -> str:
        for n, (_, state) in enumerate(_STATE_WORDS):
            if m.group(f"s{n}"):
                states.append(state)
        return " "

    return states, _STATE.sub(take, text)


def _core_words(text: str) -> list[str]:
    return [w for w in description_words(text) if w not in _GROUP_WORDS]


def _fits(words: list[str], task: dict[str, Any]) -> bool:
    title = description_words(str(task["title"]))
    return bool(title) and all(max(word_likeness(w, t) for t in title) >= 0.85 for w in words)


def described_tasks(phrase: str, snapshot: Snapshot, today: date) -> Resolution | None:
    """The tasks a phrase names by state, by a shared word as a group, or as a duplicate; None when
    the phrase is not of that shape."""
    text = " ".join(phrase.lower().replace("’", "'").split())
    group = bool(_GROUP_HEAD.search(text))
    both = bool(_BOTH.search(text))
    duplicate = bool(_DUPLICATE.search(text))
    states, rest = states_of(text)
    core = _core_words(rest)
    # a state word is a state only when the phrase describes ("the urgent one", "the urgent stuff") or has
    # nothing else: "urgent care paperwork" is a title
    if states and core and not (group or both or _ONE_HEAD.search(text)):
        states = []
    if not (states or group or both or duplicate):
        return None
    if not states and not core:
        return None  # "all of them", "both", "everything": the pronouns' business, not a description
    pool = [t for t in snapshot.tasks if all(state_filter(s, today)(t) for s in states)] if states else \
        [t for t in snapshot.tasks if not t["completed"]]
    if core:
        fitting = [t for t in pool if _fits(core, t)]
        if not fitting and not (group or both):
            found = match_description(" ".join(core), Snapshot(pool))
            if found.found or found.ambiguous:
                return found
        if not fitting and states:
            return None  # "the late fee one": the state word may be the title's own
        pool = fitting
    if duplicate:
        titles: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for task in pool:
            titles.setdefault(tuple(normalise(str(task["title"]))), []).append(task)
        copies = [same for same in titles.values() if len(same) > 1]
        if len(copies) == 1:
            return Resolution(ids=(max(int(t["id"]) for t in copies[0]),))  # the later copy goes
        return Resolution(ambiguous=tuple(pool[:4])) if pool else Resolution()
    if both and len(pool) != 2:
        return Resolution(ambiguous=tuple(pool[:4])) if pool else Resolution()
    if group or both:
        return Resolution(ids=tuple(int(t["id"]) for t in pool))
    if len(pool) == 1:
        return Resolution(ids=(int(pool[0]["id"]),))
    return Resolution(ambiguous=tuple(pool[:4])) if pool else Resolution()


def joined_tasks(phrase: str, snapshot: Snapshot) -> Resolution | None:
    """"dentist and gym", "the milk, the eggs & the bread": several tasks, each named by its own words.
    None unless every part names exactly one task, different ones, and no title holds the whole phrase."""
    parts = [p for p in _JOIN.split(phrase.lower()) if p and p.strip()]
    if len(parts) < 2 or any(set(p.split()) & ACTION_VERBS for p in parts[1:]):
        return None  # "took out the trash and delete the plants one": a second request, not a second name
    whole = " ".join(normalise(phrase))
    if any(whole and whole in " ".join(normalise(str(t["title"]))) for t in snapshot.tasks):
        return None  # "salt and pepper" is a title
    ids: list[int] = []
    for part in parts:
        found = match_title(part, snapshot)
        if not found.found and not found.ambiguous:
            found = match_description(part, snapshot)
        if len(found.ids) != 1 or found.ids[0] in ids:
            return None
        ids.append(found.ids[0])
    return Resolution(ids=tuple(ids))
