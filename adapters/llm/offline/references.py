"""Which task does the person mean? By number, position in the last list, pronoun or words."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from adapters.llm.offline.words import NUMBER, base_verb, parse_number, singular
from domain.conversation import Message
from domain.values import Role

# Lookups the model makes for itself use this limit; listings it shows the person do not.
LOOKUP_LIMIT = 100

# "tasks 1, 2 and 3", "#2 & #4", "task one and task three": a phrase made only of numbers.
_ANY_NUMBER = NUMBER.replace("(", "(?:", 1)  # the same alternatives, not captured
_ID_ITEM = r"(?:(?:tasks?|numbers?|no\.|items?|#)\s*#?\s*)?" + _ANY_NUMBER + r"\b"
_ID_LIST = re.compile(r"^" + _ID_ITEM + r"(?:\s*(?:,\s*(?:and\s+)?|\band\b|&|\bplus\b)\s*" + _ID_ITEM + r")+$")
_NUMBER = re.compile(r"\b" + NUMBER + r"\b")
_STOP = frozenset(
    ["the", "a", "an", "my", "one", "task", "tasks", "item", "thing", "to", "do", "todo", "about", "for", "with", "of", "on", "that", "this", "it", "please", "just", "i", "i've", "ive", "have", "has", "and", "as", "is", "are", "was", "be",
     # modal words that follow a task's name in a statement ("the landlord one shld be due ...")
     "should", "shld", "shud", "would", "could", "will", "must", "can", "isnt", "isn't", "arent", "aren't"]
)


@dataclass
class Snapshot:
    """The person's tasks as looked up during this turn (id -> task view)."""

    tasks: list[dict[str, Any]] = field(default_factory=list)

    def by_id(self, task_id: int) -> dict[str, Any] | None:
        return next((t for t in self.tasks if t["id"] == task_id), None)


@dataclass(frozen=True, slots=True)
class Resolution:
    ids: tuple[int, ...] = ()
    missing: int | None = None
    ambiguous: tuple[dict[str, Any], ...] = ()

    @property
    def found(self) -> bool:
        return bool(self.ids)


def explicit_ids(text: str) -> tuple[int, ...]:
    """The task numbers of a phrase that lists two or more of them and nothing else."""
    if not _ID_LIST.match(text):
        return ()
    numbers = (parse_number(m[1]) for m in _NUMBER.finditer(text))
    return tuple(dict.fromkeys(n for n in numbers if n is not None))


def last_listing(history: Sequence[Message]) -> list[int]:
    """Task ids, in order, of the most recent list the assistant showed."""
    for message in reversed(history):
        if message.role is not Role.ASSISTANT:
            continue
        for call in reversed(message.tool_calls):
            if call.tool == "list_tasks" and call.arguments.get("limit") != LOOKUP_LIMIT and "tasks" in call.result:
                return [t["id"] for t in call.result["tasks"]]
    return []


def last_touched(history: Sequence[Message]) -> list[int]:
    """Ids changed or created by the most recent assistant turn that touched tasks."""
    for message in reversed(history):
        if message.role is not Role.ASSISTANT:
            continue
        ids = [
            int(call.result["task_id"])
            for call in message.tool_calls
            if call.tool != "list_tasks" and "task_id" in call.result
        ]
        if ids:
            return ids
        shown = [t["id"] for call in message.tool_calls if call.tool == "list_tasks"
                 and call.arguments.get("limit") != LOOKUP_LIMIT for t in call.result.get("tasks", [])]
        if len(shown) == 1:
            return shown
        # one task shown by its title ("show me task 2"): the look-up by title may also find longer titles
        exact = [t["id"] for call in message.tool_calls if call.tool == "list_tasks" and call.arguments.get("q")
                 and call.arguments.get("limit") != LOOKUP_LIMIT for t in call.result.get("tasks", [])
                 if str(t.get("title", "")).lower() == str(call.arguments["q"]).lower()]
        if len(exact) == 1:
            return exact
    return []


def stem(word: str) -> str:
    """A noun made from a verb, read as the verb: "renewal" -> "renew", "planning" -> "plan", "payment" -> "pay"
    (both the words typed and the titles go through it, so "the party planning" finds "plan the party")."""
    if len(word) > 5 and word.endswith("ing"):
        stem = word[:-3]
        return stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "lsz" else stem
    if len(word) > 6 and word.endswith("ment"):
        return word[:-4]
    if len(word) > 5 and word.endswith("ewal"):
        return word[:-2]
    return word


def normalise(text: str) -> list[str]:
    words = re.findall(r"[a-z0-9]+", text.lower().replace("'s", ""))
    return [stem(singular(base_verb(w))) for w in words if w not in _STOP]


def match_title(words_text: str, snapshot: Snapshot, *, pending_first: bool = True) -> Resolution:
    """Fuzzy match against titles; two close candidates are ambiguous, not guessed."""
    query = normalise(words_text)
    if not query:
        return Resolution()
    joined = " ".join(query)
    scored: list[tuple[float, dict[str, Any]]] = []
    for task in snapshot.tasks:
        title = normalise(task["title"])
        if not title:
            continue
        title_text = " ".join(title)
        overlap = len(set(query) & set(title)) / len(set(query))
        score = max(
            fuzz.token_set_ratio(joined, title_text),
            fuzz.partial_ratio(joined, title_text) if len(joined) >= 4 else 0,
        ) * (0.6 + 0.4 * overlap)
        scored.append((score, task))
    scored.sort(key=lambda item: item[0], reverse=True)
    good = [(s, t) for s, t in scored if s >= 62]
    if not good:
        return Resolution()
    top_score = good[0][0]
    close = [t for s, t in good if s >= top_score - 6]
    if len(close) > 1 and pending_first:
        pending = [t for t in close if not t["completed"]]
        if len(pending) == 1:
            return Resolution(ids=(pending[0]["id"],))
    if len(close) > 1:
        return Resolution(ambiguous=tuple(close[:4]))
    return Resolution(ids=(good[0][1]["id"],))
