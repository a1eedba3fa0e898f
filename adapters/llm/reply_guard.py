"""What the reply may say: the tool calls that really ran are the truth.

A small model reports changes it never made ("I've added ..." with no tool call), answers
with an empty string, or echoes the raw tool result (``<tool_response>{...}``). This module
judges a reply against the turn's tool calls and writes a plain sentence from those calls
when the reply cannot be shown.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from adapters.llm.day_words import describe_day
from domain.conversation import Message, ToolCall

Change = Literal["created", "completed", "deleted", "updated", "undone"]

# Past-tense reports of a change, not mentions of a status ("Buy milk (completed)" in a list).
_CLAIMS: dict[Change, re.Pattern[str]] = {
    "created": re.compile(
        r"\b((?:i|you|we)(?:'ve| have)? (?:just )?(?:added|created)|(?:has|have) been (?:added|created)"
        r"|successfully (?:added|created)|added (?:it|the task|task|a task|a new task|\"|')|^added\b"
        r"|(?:added|created) (?:to|on|in) your)",
        re.IGNORECASE | re.MULTILINE,
    ),
    "completed": re.compile(
        r"\b(marked\b.{0,60}\b(?:as )?(?:done|complete|completed|finished)"
        r"|(?:i|you|we)(?:'ve| have)? (?:just )?completed|(?:has|have) been (?:completed|marked)"
        r"|is now (?:done|complete|completed|marked)|checked off|^completed\b)",
        re.IGNORECASE | re.MULTILINE,
    ),
    "deleted": re.compile(
        r"\b((?:i|you|we)(?:'ve| have)? (?:just )?(?:deleted|removed)|(?:has|have) been (?:deleted|removed)"
        r"|successfully (?:deleted|removed)|^(?:deleted|removed)\b|(?:deleted|removed) (?:it|the task|task))",
        re.IGNORECASE | re.MULTILINE,
    ),
    "updated": re.compile(
        r"\b((?:i|you|we)(?:'ve| have)? (?:just )?(?:updated|changed|renamed|reopened|set)|(?:has|have) been "
        r"(?:updated|changed|renamed|reopened|set)|successfully (?:updated|changed)|^(?:updated|renamed)\b)",
        re.IGNORECASE | re.MULTILINE,
    ),
    # "I undid the last change." with no tool call (qwen2.5-coder-1.5b for "Undo that").
    "undone": re.compile(
        r"\b((?:i|we)(?:'ve| have)? (?:just )?(?:undid|undone|reverted|restored|brought back)"
        r"|(?:has|have) been (?:undone|reverted|restored)|^(?:undid|undone|reverted|restored)\b)",
        re.IGNORECASE | re.MULTILINE,
    ),
}
_ECHO_MARKERS = ("<tool_response>", "</tool_response>", "<tool_call>", "</tool_call>", "<tools>", "</tools>")
# A tool call written as markup instead of made: "<add_task title=... />".
# ... or as code: 'add_task {"title": ...}', "complete_task(3)".
_MARKUP_CALL = re.compile(r"<\s*(?:add|list|complete|delete|update)_\w+[\s/>]|\b[a-z]+_tasks?\s*[({]", re.IGNORECASE)
# Older histories showed tool calls as this prose, and small models copy it into replies.
_PROSE_SUMMARY = re.compile(r"\s*\[tools used:.*?(\]\s*$|$)", re.DOTALL | re.IGNORECASE)


def without_tool_summary(text: str) -> str:
    """A reply without a copied ``[tools used: ...]`` summary."""
    return _PROSE_SUMMARY.sub("", text).strip()


# Outcomes a reply reports in the words of another: a repeating task "completed" moved on
# (rescheduled); a restored task is back, as if added again; an undo may word any of them.
_SAME_CLAIM: dict[object, Change] = {"rescheduled": "completed", "restored": "created"}


def changes_made(calls: Sequence[ToolCall]) -> set[Change]:
    """The kinds of change the turn's successful tool calls made."""
    made: set[Change] = set()
    for call in calls:
        if call.result.get("status") == "undone":  # an undo may word itself as any change it reversed
            made.update(_CLAIMS)
            continue
        status = _SAME_CLAIM.get(call.result.get("status"), call.result.get("status"))
        if "error" in call.result or status not in _CLAIMS:
            continue
        made.add(status)
        if call.result.get("status") == "restored":
            made.add("undone")
        if call.tool == "update_task" and call.arguments.get("completed") is True:
            made.add("completed")
    return made


# "I have not added it", "nothing was deleted": a denial, not a claim.
_DENIAL_BEFORE = re.compile(r"\b(?:not|nothing|no|never|n't)\b[\w ]{0,20}$", re.IGNORECASE)


def claimed_changes(reply: str) -> set[Change]:
    return {
        kind for kind, pattern in _CLAIMS.items()
        if any(not _DENIAL_BEFORE.search(reply[max(0, m.start() - 30):m.start()]) for m in pattern.finditer(reply))
    }


def unfounded_claims(reply: str, calls: Sequence[ToolCall]) -> set[Change]:
    """Changes the reply reports that no tool call of this turn made."""
    return claimed_changes(reply) - changes_made(calls)


def is_unusable(reply: str) -> bool:
    """Empty, raw JSON, or an echo of tool-call markup: nothing to show a person."""
    text = reply.strip()
    if not text or any(marker in text.lower() for marker in _ECHO_MARKERS) or _MARKUP_CALL.search(text):
        return True
    if text[0] in "{[":
        try:
            json.loads(text)
        except ValueError:
            return False
        return True
    return False


@dataclass(frozen=True, slots=True)
class Verdict:
    text: str  # the reply, without a copied tool summary
    unfounded: frozenset[Change] = frozenset()
    unusable: bool = False

    @property
    def ok(self) -> bool:
        return not self.unfounded and not self.unusable


# "I called the `list_tasks` tool to get the current list", with no call made (a false report of
# a read, seen from a real model): the guard only checks changes otherwise.
_SAYS_CALLED = re.compile(
    r"\b(?:i(?:'ve| have)? (?:just )?(?:called|used|ran|invoked)|(?:calling|using) the)\b[^.\n]{0,20}?"
    r"`?\b([a-z]+(?:_[a-z]+)+)\b`?",
    re.IGNORECASE,
)


def reports_unrun_call(reply: str, calls: Sequence[ToolCall]) -> bool:
    """The reply says a tool ran that did not run in this turn."""
    ran = {call.tool for call in calls}
    return any(m.group(1).lower() not in ran for m in _SAYS_CALLED.finditer(reply))


def judge(reply: str, calls: Sequence[ToolCall]) -> Verdict:
    text = without_tool_summary(reply)
    if is_unusable(text) or reports_unrun_call(text, calls):
        return Verdict(text, unusable=True)
    return Verdict(text, unfounded=frozenset(unfounded_claims(text, calls)))


_VERBS: dict[Change, str] = {
    "created": "add", "completed": "complete", "deleted": "delete", "updated": "update", "undone": "undo",
}


UNUSABLE_CORRECTION = (
    "Your reply was not a plain answer for the user and no tool ran. If the user asked for a change, "
    "call the tool now through tool calling (not as text). Otherwise answer in one plain sentence."
)


def correction(unfounded: frozenset[Change]) -> str:
    """The note that asks the model once more, after a reply that reported changes no tool made."""
    verbs = " or ".join(sorted(_VERBS[kind] for kind in unfounded))
    return (
        f"Your reply said you did {verbs} a task, but no tool was called for that, so nothing changed. "
        "If the user asked for it, call the tool now (list_tasks first if you need the task's number). "
        "Otherwise reply without claiming any change."
    )


def _day(value: object, today: date | None) -> str:
    try:
        day = date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return describe_day(day, today) if today is not None else day.isoformat()


def _details(fields: Mapping[str, object], today: date | None) -> str:
    """What an add or an edit set, in words: " (due tomorrow, high priority, on your shopping list)"."""
    parts: list[str] = []
    if "due_date" in fields:
        parts.append("no due date" if fields["due_date"] is None else f"due {_day(fields['due_date'], today)}")
    if fields.get("priority"):
        parts.append(f"{fields['priority']} priority")
    if "completed" in fields:
        parts.append("done" if fields["completed"] else "not done")
    if "recurrence" in fields:
        parts.append("no longer repeats" if fields["recurrence"] is None else "repeats")
    if fields.get("description"):
        parts.append("note saved")
    for key, words in (("labels", "on your {} list"), ("add_labels", "now on your {} list"),
                       ("remove_labels", "off your {} list")):
        names = fields.get(key)
        if isinstance(names, list) and names:
            parts.append(words.format(", ".join(map(str, names))))
    return f" ({', '.join(parts)})" if parts else ""


def _describe(call: ToolCall, today: date | None = None) -> str:
    result = call.result
    if "error" in result:
        return f"{call.tool.replace('_', ' ')} failed: {result['error']}."
    if call.tool == "list_tasks":
        return _describe_list(result)
    if "count" in result and isinstance(result.get("message"), str):
        return str(result["message"])  # a bulk tool says what it did (or would do) itself
    if isinstance(result.get("undone"), list):
        undone = [u for u in result["undone"] if isinstance(u, dict) and not u.get("error")]
        if not undone:
            return str(result.get("message") or "Nothing could be undone.")
        named = "; ".join(f"task {u.get('task_id')} ({u.get('title')}) {u.get('action')}" for u in undone)
        return f"Undid the last change: {named}."
    status, task_id, title = result.get("status"), result.get("task_id"), result.get("title")
    asked = {k: v for k, v in call.arguments.items() if k not in ("task_id", "title") and v not in (None, [], "")}
    if status == "created":
        if result.get("due_date"):  # a repeating task may have been given its first day
            asked["due_date"] = result["due_date"]
        return f"Added task {task_id}: {title}{_details(asked, today)}."
    if status == "completed":
        return f"Marked task {task_id} ({title}) as done."
    if status == "rescheduled":
        return f"Marked task {task_id} ({title}) as done; it repeats, next due {_day(result.get('due_date'), today)}."
    if status == "deleted":
        return f"Deleted task {task_id}: {title}."
    if status == "restored":
        return f"Restored task {task_id}: {title}."
    if status == "updated":
        changed = {k: v for k, v in call.arguments.items() if k != "task_id"}
        return f"Updated task {task_id}: {title}{_details(changed, today)}."
    return f"{call.tool.replace('_', ' ')} ran."


def _describe_list(result: dict[str, object]) -> str:
    tasks = result.get("tasks")
    if not isinstance(tasks, list) or not tasks:
        return "No tasks match."
    shown = [f"{t.get('id')}. {t.get('title')}{' (done)' if t.get('completed') else ''}" for t in tasks[:10]]
    more = len(tasks) - len(shown)
    total = result.get("total", len(tasks))
    return f"Your tasks ({total}): " + "; ".join(shown) + (f"; and {more} more." if more else ".")


def reply_from_calls(
    calls: Sequence[ToolCall], *, claimed: frozenset[Change] = frozenset(), today: date | None = None
) -> str:
    """A sentence that says only what the tool calls did (and that nothing else changed)."""
    parts = [_describe(call, today) for call in calls]
    if claimed - changes_made(calls):
        parts.append("Nothing else was changed." if parts else "Nothing was changed. Could you say again what to do?")
    if not parts:
        return "Sorry, I did not get that. Could you say it another way?"
    return " ".join(parts)


# -- a change the user did not ask for ----------------------------------------------------------
# A small model answered "Hi there!" by adding a task "greet" (docs/language.md, "Real models").
# A task the user asks for is titled in words of the conversation (their message, an earlier
# task, a suggestion they said yes to); an invented one is not. Checked before the add runs,
# and told to the model as the tool's error, so it can answer in words or add again in the
# user's words.
_WORD = re.compile(r"[^\W_]+")


def _related(a: str, b: str) -> bool:
    """The same word, or one inflected from the other ("plant", "plants", "planting")."""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return len(short) >= 3 and (long.startswith(short) or (len(short) >= 5 and long[:5] == short[:5]))


def title_is_grounded(title: str, said: str) -> bool:
    """Whether a word of the title (of three letters or more, if it has any) is in ``said``."""
    words = _WORD.findall(title.lower())
    content = [w for w in words if len(w) >= 3 and not w.isdigit()] or words
    if not content:
        return True
    heard = set(_WORD.findall(said.lower()))
    return any(_related(word, other) for word in content for other in heard)


def conversation_text(history: Sequence[Message]) -> str:
    """Everything the window says: messages, and the arguments and results of earlier tool calls."""
    parts: list[str] = []
    for message in history:
        parts.append(message.content)
        parts.extend(json.dumps([c.arguments, c.result], default=str) for c in message.tool_calls)
    return "\n".join(parts)


def unasked_add(tool: str, arguments: dict[str, Any] | None, said: str) -> dict[str, str] | None:
    """The error an add_task call gets when no word of its title was said in the conversation.
    ``arguments``: the call's decoded arguments (None when malformed: the catalogue answers those)."""
    if tool != "add_task" or arguments is None:
        return None
    title = arguments.get("title")
    if not isinstance(title, str) or title_is_grounded(title, said):
        return None
    return {"error": (
        f"Not added: the user did not ask for a task called {title!r} (none of its words were said). "
        "Add a task only when the user asks for one, titled in their words; otherwise just answer them."
    )}
