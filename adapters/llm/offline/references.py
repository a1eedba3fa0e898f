"""Which task does the person mean? By number, position in the last list, pronoun or words."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import DamerauLevenshtein, Levenshtein

from adapters.llm.offline.lexicon import SAME_THING
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
    return _pick(good, margin=6, pending_first=pending_first)


def _pick(good: list[tuple[float, dict[str, Any]]], *, margin: float, pending_first: bool) -> Resolution:
    """The best of the scored candidates (best first); those within ``margin`` of it make it ambiguous,
    unless only one of them is open and open tasks come first."""
    if not good:
        return Resolution()
    close = [t for s, t in good if s >= good[0][0] - margin]
    if len(close) > 1 and pending_first:
        pending = [t for t in close if not t["completed"]]
        if len(pending) == 1:
            return Resolution(ids=(pending[0]["id"],))
    if len(close) > 1:
        return Resolution(ambiguous=tuple(close[:4]))
    return Resolution(ids=(good[0][1]["id"],))


# Words that describe a task without naming it: "the tax thing", "that bike stuff", "the errand about the key".
_DESCRIBING = frozenset({"thing", "things", "stuff", "one", "ones", "task", "tasks", "item", "items", "errand", "errands",
                         "reminder", "reminders", "job", "jobs", "bit", "business", "entry", "todo", "to-do", "whole",
                         "re", "regarding", "those", "these", "any", "more", "anymore", "again", "now", "list", "all"})
_SAME_THING = {word: group for group in SAME_THING for word in group}


def _forms(word: str) -> frozenset[str]:
    """The forms a word may be matched by: as typed, singular, base verb, stem ("taxes" -> "tax")."""
    forms = {word, singular(word), base_verb(word), stem(word)}
    if len(word) > 4 and word.endswith("es") and word[-3] in "sxzh":
        forms.add(word[:-2])
    return frozenset(forms)


def word_likeness(said: str, title_word: str) -> float:
    """How surely a typed word is a word of the title: the same word, a synonym, a slip of the keys, a short form."""
    said_forms, title_forms = _forms(said), _forms(title_word)
    if said_forms & title_forms:
        return 1.0
    if any(_SAME_THING.get(a) is not None and b in _SAME_THING[a] for a in said_forms for b in title_forms):
        return 0.9
    shorter, longer = sorted((said, title_word), key=len)
    if len(shorter) >= 4:
        slips = DamerauLevenshtein.distance(said, title_word)
        # a key left out, doubled or swapped ("dentst", "reprot") is a slip; a key changed is a slip only in a
        # long word: "grandpa" is not "grandma", nor "Jake" "Jack"
        changed = len(said) == len(title_word) and Levenshtein.distance(said, title_word) == slips
        if (slips == 1 and (not changed or len(shorter) >= 8)) or (slips == 2 and len(shorter) >= 8):
            return 0.85
        if longer.startswith(shorter) and len(shorter) >= 0.6 * len(longer):
            return 0.8
    return 0.0


def description_words(text: str) -> list[str]:
    words = re.findall(r"[a-z0-9][a-z0-9-]*", text.lower().replace("'s", ""))
    return [w for w in words if w not in _STOP and w not in _DESCRIBING and len(w) > 1]


# A phrase shaped as a description: a determiner or a possessive first ("the tax thing", "mum's party
# thing"), or a describing head ("bike stuff"). "stressed about this essay" is no such phrase: a reader's
# slip, which must find nothing.
_DESCRIPTION_SHAPE = re.compile(r"^(?:the|that|this|those|these|my|our|his|her|their|your|[\w-]+['’]s)\b"
                                r"|\b(?:thing|things|stuff|one|ones|task|tasks|item|errand|reminder|job|bit)\W*$", re.IGNORECASE)


def is_description(text: str) -> bool:
    return _DESCRIPTION_SHAPE.search(text.strip()) is not None


def match_description(words_text: str, snapshot: Snapshot, *, pending_first: bool = True,
                      whole: bool = False) -> Resolution:
    """A task found by a description of it ("the tax thing", "the reminder about the lawyer", "the dentst one"):
    each described word is matched to the title's words (synonyms, typing slips, short forms); the task whose
    title covers at least half the description (``whole``: all of it), well ahead of every other, is the one
    meant."""
    said = description_words(words_text)
    if not said:
        return Resolution()
    scored: list[tuple[float, dict[str, Any]]] = []
    for task in snapshot.tasks:
        title = [w for w in re.findall(r"[a-z0-9][a-z0-9-]*", str(task["title"]).lower().replace("'s", "")) if w not in _STOP]
        if not title:
            continue
        likeness = [max(word_likeness(w, t) for t in title) for w in said]
        if max(likeness) >= 0.85:
            scored.append((sum(likeness) / len(said), task))
    scored.sort(key=lambda item: item[0], reverse=True)
    good = [(s, t) for s, t in scored if s >= (0.85 if whole else 0.5)]  # whole: every word described
    return _pick(good, margin=0.29, pending_first=pending_first)


def most_named(text: str, tasks: Sequence[dict[str, Any]]) -> int | None:
    """The task a stretch of talk names most ("just got back from the park with rex": "take Rex to the park",
    two words against one for "buy a new lead for Rex"), when it names it by at least one word more than
    any other task."""
    said = set(description_words(text))
    scores: list[tuple[float, int]] = []
    for task in tasks:
        title = set(description_words(str(task["title"])))
        hits = sum(1 for t in title if any(word_likeness(w, t) >= 0.85 for w in said))
        if hits:
            scores.append((hits, int(task["id"])))
    scores.sort(reverse=True)
    if not scores or (len(scores) > 1 and scores[1][0] > scores[0][0] - 1):
        return None
    return scores[0][1]
