"""Where a message names one of the person's tasks by its words, and the copy of the message the
reader sees with that name written "task N".

People name tasks by their titles far more than by number ("book venue can wait til next week",
"dishes r low prio", "take dentist off my list", "scrap the Henderson task"). A title is open
text, so a reader trained on sentences in general cannot know that "dishes" is a thing on this
list rather than a word of a new task. The list itself can: a stretch of the message that is a
title on it is a name (entity linking against the person's own list). The reader then sees
"task 2 r low prio", a shape it reads well, and the rest of the policy resolves "task 2" as
any number.

A name is linked only when the link is safe to make:

* the stretch is a whole title (its content words, in order, nothing else between), or a part
  of one that says it is a name ("the Henderson task", "the plants one"), or two or more of a
  title's words that no other task has;
* it names exactly one task;
* the word before it is no verb of a new task ("add", "remind", "need to"), no "to" of a rename
  target, and no open word that would make the stretch the object of a new verb ("call the
  dentist" when "dentist" is on the list is a new call);
* something besides the name is left to read.

Pure functions of text and of the task list; the policy decides what to do with the copy.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from adapters.llm.offline.lexicon import DATE_WORDS, INTERJECTIONS, PRIORITY_WORDS, SLANG
from adapters.llm.offline.words import singular

# A word, keeping joined names whole: "JIRA-77", "AT&T", "hotel's".
_WORD = re.compile(r"[^\W_]+(?:[-&'’][^\W_]+)*")
# Words a title may hold that name nothing on their own.
_LIGHT = frozenset({"the", "a", "an", "my", "our", "your", "his", "her", "their", "to", "for", "with", "of", "on", "at",
                    "in", "and", "up", "out", "off", "down", "about", "from", "re", "by", "into", "over"})
# What may stand just before a name: determiners are skipped, then one of these (or nothing).
_DETERMINERS = frozenset({"the", "my", "that", "this", "our", "a"})
_NAME_TAILS = frozenset({"task", "one", "thing", "item", "reminder", "todo", "job"})
# Verbs that start a new task: a title after them is a task to add, maybe a duplicate, never a name.
_NEW_TASK_VERBS = frozenset({"add", "create", "new", "remind", "reminder", "put", "jot", "log", "note", "also", "need",
                             "needs", "gotta", "must", "should", "wanna", "want", "remember", "schedule", "plan", "to"})
_CHANGE_VERBS = frozenset({"take", "drop", "delete", "del", "remove", "scrap", "ditch", "bin", "trash", "erase", "cancel",
                           "kill", "nuke", "cross", "tick", "check", "mark", "finish", "finished", "complete", "completed",
                           "close", "move", "push", "shift", "make", "set", "change", "bump", "reschedule", "postpone",
                           "delay", "reopen", "uncheck", "untick", "unmark", "uncomplete", "clear", "rename", "retitle",
                           "edit", "update", "did", "done", "with", "is", "was", "and", "then", "or", "but", "so", "plus",
                           "restore", "prioritize", "prioritise", "deprioritize", "deprioritise", "show", "about",
                           "for", "on", "of", "w", "w/", "except", "besides", "not", "re", "raise", "lower", "when",
                           "where", "what's", "whats", "what", "are", "it's", "has", "have", "had", "see"})
_SOFT = frozenset({"please", "pls", "plz", "ok", "okay", "oh", "so", "um", "hey", "just", "now", "thanks", "thx"})
_SLOT_ONLY = DATE_WORDS | PRIORITY_WORDS | frozenset({"at", "on", "by", "in", "for", "due", "pm", "am", "this", "next", "till", "til", "until"})
# "a note to" / "description for": the name after is the task the note goes on, not a rename target.
_NOTE_WORDS = frozenset({"note", "notes", "description", "comment", "details", "detail"})
_RENAME_CUE = re.compile(r"\b(?:rename|retitle|call\s+it|change\s+(?:the\s+)?(?:name|title)|->|→)", re.IGNORECASE)


# Left as typed: quotes (a new title), a colon (the topic form "write report: due friday" is read
# elsewhere), and questions ("when is the dentist due?" is answered by title).
_LEFT_AS_TYPED = re.compile(r"[\"“”:?]|^\W*(?:when|what|what's|whats|which|where|who|how|is|are|did|do|does|have|has|was"
                            r"|were|can|could|should|any|anything)\b", re.IGNORECASE)


_DAYS = frozenset({"today", "tonight", "tomorrow", "tmrw", "monday", "tuesday", "wednesday", "thursday", "friday",
                   "saturday", "sunday", "mon", "tue", "tues", "wed", "thu", "thurs", "fri", "sat", "sun"})
# What may follow one word of a title for it to be said of that task: "hotel's high priority", "flights done".
_SAID_OF = frozenset({"is", "r", "are", "was", "isn't", "isnt", "done", "finished", "sorted", "complete", "completed"})


@dataclass(frozen=True, slots=True)
class Link:
    start: int  # character offsets of the name in the message (determiner and "task"/"one" included)
    end: int
    task_id: int
    day_follows: bool = False  # "plumber tomorrow": the day said of the task is when it is due


def _form(word: str) -> str:
    word = word.lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    return singular(SLANG.get(word, word))


def _content(forms: Sequence[str]) -> list[str]:
    return [f for f in forms if f not in _LIGHT]


def find_links(message: str, tasks: Sequence[dict[str, Any]]) -> list[Link]:
    """Each stretch of the message that safely names one task, at most one stretch per task."""
    if not tasks or len(message) > 300 or _LEFT_AS_TYPED.search(message):
        return []
    words = list(_WORD.finditer(message))
    forms = [_form(m.group()) for m in words]
    titles = {int(t["id"]): [_form(w) for w in _WORD.findall(str(t["title"]))] for t in tasks}
    content = {task_id: _content(title) for task_id, title in titles.items()}
    rename_at = m.start() if (m := _RENAME_CUE.search(message)) else None
    links: list[Link] = []
    taken: set[int] = set()
    i = 0
    while i < len(words):
        found = _longest_name(forms, i, content, titles)
        if found is None:
            i += 1
            continue
        end, task_id, whole = found
        start = i
        while start > 0 and forms[start - 1] in _DETERMINERS:
            start -= 1
        tail = end < len(words) and forms[end] in _NAME_TAILS
        stop = end + 1 if tail else end
        before = forms[start - 1] if start > 0 else None
        if before == "to" and start > 1 and forms[start - 2] in _NOTE_WORDS:
            before = "about"  # "add a note to the dentist task: ..."
        # "hotel done, plumber tomorrow": a clause of a name and a day
        opens = start == 0 or message[:words[start].start()].rstrip().endswith((",", ";", ".", ":"))
        closes = end + 1 == len(forms) or (end + 1 < len(forms) and message[words[end].end():words[end + 1].start()]
                                           .strip() in {",", ";", "."})
        day_follows = end == i + 1 and opens and closes and end < len(forms) and forms[end] in _DAYS
        if opens and start > 0:
            before = None  # after a comma or a full stop a name opens its own clause
        said_of = end == i + 1 and (words[i].group().lower().endswith(("'s", "’s"))
                                   or (end < len(forms) and forms[end] in _SAID_OF) or day_follows)
        named = (whole or tail or said_of or len(_content(forms[i:end])) >= 2
                 or (end == i + 1 and _distinctive(words[i].group(), i)))
        if (named and task_id not in taken and _may_precede(before)
                and not (rename_at is not None and words[start].start() > rename_at and before == "to")):
            last = words[stop - 1]
            cut = last.end() - 2 if last.group().lower().endswith(("'s", "’s")) else last.end()  # "hotel's": "task 2's"
            links.append(Link(words[start].start(), cut, task_id, day_follows))
            taken.add(task_id)
            i = stop
        else:
            i += 1
    if not links:
        return []
    rest = [f for f in _rest_forms(message, links) if f not in _DETERMINERS and f not in INTERJECTIONS and f not in _SOFT]
    if not rest:
        return []  # nothing but the name: "dishes" alone is for the reader as typed
    if links[0].start == 0 and all(f in _SLOT_ONLY or f.isdigit() for f in rest):
        return []  # "dentist tomorrow": a new task as likely as a move of the old one
    return links


def _longest_name(forms: list[str], i: int, content: dict[int, list[str]],
                  titles: dict[int, list[str]]) -> tuple[int, int, bool] | None:
    """From word i: (end, task, whole title?) for the longest stretch of one task's words that names it alone."""
    if forms[i] in _LIGHT or forms[i] in _NAME_TAILS:
        return None
    best: tuple[int, int, bool] | None = None
    for end in range(i + 1, min(len(forms), i + 12) + 1):
        stretch = forms[i:end]
        if stretch[-1] in _LIGHT:
            continue
        said = _content(stretch)
        owners = [task_id for task_id, title in titles.items() if _in_order(stretch, title)]
        if not owners:
            break
        whole = [task_id for task_id in owners if said == content[task_id]]
        if len(whole) == 1:
            best = (end, whole[0], True)
        elif len(owners) == 1 and not whole:
            best = (end, owners[0], False)
        elif len(whole) > 1:
            best = None  # two tasks of the same name: which one is for the person to say
    return best


def _in_order(stretch: list[str], title: list[str]) -> bool:
    """The stretch is a run of the title's words, light words of the stretch allowed to be missing."""
    for start in range(len(title)):
        if title[start] != stretch[0]:
            continue
        j = start
        ok = True
        for form in stretch:
            if j < len(title) and title[j] == form:
                j += 1
            elif form in _LIGHT:
                continue
            else:
                while j < len(title) and title[j] in _LIGHT:
                    j += 1
                if j < len(title) and title[j] == form:
                    j += 1
                else:
                    ok = False
                    break
        if ok:
            return True
    return False


def _distinctive(raw: str, position: int) -> bool:
    """A word that is a name by its look: a code ("JIRA-77", "AT&T"), or capitalised inside the sentence."""
    return bool(re.search(r"\d", raw) and re.search(r"[^\W\d_]", raw)) or bool(re.search(r"[-&]", raw)) or (
        position > 0 and raw[:1].isupper() and not raw.isupper() and raw.lower() != "i")


def _may_precede(before: str | None) -> bool:
    if before is None or before in _CHANGE_VERBS:
        return True
    # a number or an open word before the stretch makes it part of a new phrase ("buy two plants ...")
    return before not in _NEW_TASK_VERBS and (before in INTERJECTIONS or before in _SOFT)


def _rest_forms(message: str, links: Sequence[Link]) -> list[str]:
    kept, at = [], 0
    for link in sorted(links, key=lambda k: k.start):
        kept.append(message[at:link.start])
        at = link.end
    kept.append(message[at:])
    return [_form(w) for w in _WORD.findall(" ".join(kept))]


def linked_copy(message: str, links: Sequence[Link]) -> str:
    """The message with each linked name written "task N" (the rest as typed)."""
    out, at = [], 0
    for link in sorted(links, key=lambda k: k.start):
        out.append(message[at:link.start])
        out.append(f"task {link.task_id}{' due' if link.day_follows else ''}")
        at = link.end
        if link.day_follows and (comma := re.match(r"\s+\S+?(,)", message[at:])) is not None:
            # "plumber friday, hotel done": the day ends its clause (a comma would let "done" reach it)
            out.append(message[at:at + comma.start(1)] + ";")
            at += comma.end(1)
    out.append(message[at:])
    return "".join(out)
