"""Quantifier scope: when "all" / "every" / "both" makes a change reach several tasks, and which.

A bulk change needs the quantifier to be what the action is done to: "mark all as done",
"delete everything", "clear all completed", "tick off both". "All done with number 2" and
"all good, delete the milk" use "all" as an adverb ("all done", "all good", "after all"): no
bulk change. A quantifier's own words are a filter ("all my completed tasks", "everything
due today", "both fence tasks", "all the shopping list items"); they select exactly that set,
and words left over that no filter reads make the executor ask. Pure and cheap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from adapters.llm.offline.mood import ACTION_VERBS, words
from adapters.llm.offline.words import parse_number

QUANTIFIERS = frozenset({"all", "every", "everything", "each", "both", "everythin", "evrything", "everyting"})
# "all done", "all good", "all set": "all" as an adverb before a state, unless an action verb governs it
# ("mark all done").
_STATES = frozenset({"done", "finished", "good", "set", "sorted", "right", "ok", "okay", "clear", "fine", "complete",
                     "completed", "ready", "gone", "over", "caught", "yours", "mine", "the", "same", "along", "day",
                     "week", "night", "morning", "year", "in", "of"})
_IDIOM_BEFORE = frozenset({"after", "at", "that's", "thats", "is", "above", "once", "for", "not", "first"})
_POINTERS = frozenset({"them", "those", "these", "it", "that", "this"})
# Words that carry no selection of their own.
_EMPTY = frozenset({
    "the", "my", "our", "of", "tasks", "task", "items", "item", "things", "thing", "stuff", "ones", "one", "entries",
    "todos", "to", "do", "to-dos", "todo", "list", "on", "in", "from", "off", "as", "that", "which", "are", "is", "i",
    "have", "i've", "already", "just", "please", "now", "and", "a", "with", "for", "out", "away", "up", "we", "you",
    "can", "go", "ahead", "right", "at", "once", "whole", "entire", "remaining", "there", "here", "those",
    "these", "them", "lot", "it", "s",
})
_RESULT = frozenset({"done", "complete", "completed", "finished", "off", "checked", "ticked", "as"})
_DONE = frozenset({"completed", "done", "finished", "ticked", "checked", "complete", "crossed"})
_OPEN = frozenset({"pending", "open", "unfinished", "incomplete", "outstanding", "undone", "left", "active"})
_NUMBERS = {"both": 2, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "2": 2, "3": 3, "4": 4, "5": 5, "6": 6}
_DATE_WORDS = re.compile(
    r"\b(?:due|overdue|late|past|today|tonight|tomorrow|tmrw|yesterday|this|next|last|week|weekend|month|monday|tuesday"
    r"|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|before|by|until|till)\b")
_PRIORITY_WORDS = re.compile(r"\b(?:urgent|important|critical|asap|high|top|low|medium|priority|prio)\b")
_LIST = re.compile(r"\b(?:(?:my|the|our)\s+)?([a-z][\w-]*)\s+list\b")
_NOT_A_LABEL = frozenset({"todo", "to-do", "do", "task", "tasks", "my", "the", "whole", "full", "entire", "done"})


@dataclass(frozen=True, slots=True)
class Scope:
    """What a quantifier reaches: its words (the filter), how many it says, whether it points back."""

    quantifier: str
    phrase: str  # the words of the quantified phrase, after the quantifier ("my completed tasks")
    count: int | None = None  # "both" / "the three ...": how many the person says there are
    pointer: bool = False  # "all of them", "both of those": the tasks shown last, not a filter
    status: str | None = None  # "completed" / "pending" when the words say so
    label: str | None = None
    title_words: tuple[str, ...] = ()  # open words no filter reads ("fence" in "both fence tasks")
    filter_text: str = ""  # the words for the date and priority filters
    leftovers: tuple[str, ...] = field(default=())


def find(text: str) -> Scope | None:
    """The quantifier that is the object (or the subject noun phrase) of the change, if any."""
    ws = words(text)
    for i, w in enumerate(ws):
        if w not in QUANTIFIERS:
            continue
        before = ws[i - 1] if i else ""
        after = ws[i + 1] if i + 1 < len(ws) else ""
        governed = any(v in ACTION_VERBS or v in {"finish", "done"} for v in ws[max(0, i - 3) : i])
        if before in _IDIOM_BEFORE and not governed:
            continue  # "after all", "at all", "that's all"
        if w == "all" and after in _STATES and not governed and after not in {"the", "of"}:
            continue  # "all done with number 2", "all good": an adverb, not what is changed
        if w in {"every", "each"} and (after in _TIMES or after.isdigit() or parse_number(after) is not None):
            continue  # "every monday", "every 2 weeks": a repeat, not a quantifier
        return _scope(w, ws[i + 1 :], before)
    # No quantifier, but a plural set noun the action governs: "clear the finished ones", "remove completed tasks".
    for i, w in enumerate(ws):
        if w in _SET_NOUNS and i:
            verb = max((k for k in range(i) if ws[k] in ACTION_VERBS), default=-1)
            if verb >= 0 and i - verb <= 5:
                return _scope("the", ws[verb + 1 : i + 1], "")
    return None


_TIMES = frozenset({"day", "days", "week", "weeks", "month", "months", "year", "years", "other", "morning", "evening",
                    "night", "weekday", "weekend", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                    "sunday", "mon", "tue", "wed", "thu", "fri", "sat", "sun", "hour", "time", "fortnight"})
_DAY_OF = {"todays": "today", "today's": "today", "tomorrows": "tomorrow", "tomorrow's": "tomorrow", "tonights": "tonight"}
_SET_NOUNS = frozenset({"ones", "tasks", "items", "things", "todos", "to-dos", "entries"})


def _scope(quantifier: str, rest: list[str], before: str) -> Scope:
    # the quantified phrase runs to the next action verb ("... and add ...")
    end = next((k for k, w in enumerate(rest) if w in ACTION_VERBS and k), len(rest))
    phrase = [_DAY_OF.get(w, w) for w in rest[:end]]
    for cut in range(len(phrase) - 1, 0, -1):
        if phrase[cut] in {"is", "are", "was", "were"} and phrase[cut - 1] not in {"that", "which", "thats"} and all(w in _RESULT or w in {"all", "now", "already"}
                                                                for w in phrase[cut + 1:]):
            phrase = phrase[:cut]  # "all of todays stuff is done": "done" is what happened to it, not which ones
            break
    count = _NUMBERS.get(quantifier) or _NUMBERS.get(before)
    if phrase and phrase[0] in _NUMBERS:
        count = _NUMBERS[phrase[0]]
        phrase = phrase[1:]
    text = " ".join(phrase)
    pointer = bool(phrase) and all(w in _EMPTY or w in _POINTERS or w in _RESULT for w in phrase) and any(
        w in _POINTERS for w in phrase)
    status = "completed" if any(w in _DONE for w in phrase) else "pending" if any(w in _OPEN for w in phrase) else None
    label_match = _LIST.search(text)
    label = label_match[1] if label_match and label_match[1] not in _NOT_A_LABEL else None
    used = set(_DATE_WORDS.findall(text)) | set(_PRIORITY_WORDS.findall(text)) | ({label} if label else set())
    left = [w for w in phrase if w not in _EMPTY and w not in used and w not in _DONE and w not in _OPEN
            and w not in _RESULT and not w.isdigit() and parse_number(w) is None]
    return Scope(quantifier, text, count, pointer, status, label, tuple(left), text, tuple(left))


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def select(scope: Scope, tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The tasks whose titles hold every open word of the phrase ("fence" -> "fix fence", "paint fence")."""
    if not scope.title_words:
        return list(tasks)
    stems = [_stem(w) for w in scope.title_words]
    return [t for t in tasks if all(any(_stem(x).startswith(s) for x in words(t["title"])) for s in stems)]


def needs_filters(scope: Scope) -> bool:
    """Whether the phrase has date or priority words for the list filters."""
    return bool(_DATE_WORDS.search(scope.filter_text) or _PRIORITY_WORDS.search(scope.filter_text))
