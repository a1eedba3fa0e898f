"""Undo: the last change a conversation made, reversed from its stored tool calls.

Every changing tool records what an undo needs in its result: the task number (add,
delete, restore) and, for a change of fields, ``previous``, the values it replaced. So
an undo needs nothing but the conversation's own history, whichever model made the
change, and it can only ever touch the tasks those calls named, for the user the tools
are bound to.

Undos stack: the newest change not yet undone is the one reversed, so "undo" twice goes
two changes back.

An undo never overwrites a later change: when a task it would touch was changed again after
the change being undone (its fields no longer hold the values that change set, as recorded
in the call's ``after``; or an added task no longer has the title it was added with), the
undo refuses whole and changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from msgspec import UNSET

from application.use_cases.tasks import Revert, TaskChanges
from domain.conversation import ToolCall

UNDO_TOOL = "undo_last_change"
# Tools whose change an undo takes back by trashing the task again.
_ADDS = frozenset({"add_task", "restore_task"})


def is_change(call: ToolCall) -> bool:
    """Whether the call changed the list (and so can be undone)."""
    if "error" in call.result or call.tool == UNDO_TOOL:
        return False
    status = call.result.get("status")
    return status in {"created", "completed", "rescheduled", "deleted", "restored", "updated"}


def change_to_undo(turns: Sequence[Sequence[ToolCall]]) -> list[ToolCall]:
    """The changing calls of the newest turn whose change is not undone yet (oldest turn first in)."""
    skip = 0
    for calls in reversed(turns):
        if any(call.tool == UNDO_TOOL and call.result.get("status") == "undone" for call in calls):
            skip += 1
            continue
        changes = [call for call in calls if is_change(call)]
        if not changes:
            continue
        if skip:
            skip -= 1
            continue
        return changes
    return []


def changed_since(calls: Sequence[ToolCall], current: Mapping[int, Mapping[str, Any]]) -> str | None:
    """Why the undo of ``calls`` would overwrite a later change (``current``: the tasks as they are
    now, by id, public fields), or None when it would not."""
    for call in calls:
        bulk = call.tool in ("complete_all_tasks", "delete_completed_tasks")
        items = call.result.get("tasks") if bulk else [call.result]
        for item in items or []:
            task_id = item.get("task_id")
            now = current.get(task_id) if isinstance(task_id, int) else None
            if now is None:
                continue
            after = item.get("after")
            if call.tool in _ADDS:
                after = {"title": item["title"]} if item.get("title") else None
            if isinstance(after, dict) and any(now.get(key) != value for key, value in after.items()):
                title = now.get("title") or item.get("title") or ""
                return (f"Task {task_id} ({title}) was changed again after that, so I haven't undone anything; "
                        "change it back by hand if you want.")
    return None


def revert_steps(calls: Sequence[ToolCall]) -> list[Revert]:
    """The steps that put back what ``calls`` did, newest first."""
    steps: list[Revert] = []
    for call in reversed(calls):
        result = call.result
        if call.tool in ("complete_all_tasks", "delete_completed_tasks"):
            for item in reversed(result.get("tasks") or []):
                steps.extend(_revert_one(call.tool, result.get("status"), item.get("task_id"), item))
        else:
            steps.extend(_revert_one(call.tool, result.get("status"), result.get("task_id"), result))
    return steps


def _revert_one(tool: str, status: object, task_id: object, result: dict[str, Any]) -> list[Revert]:
    if not isinstance(task_id, int):
        return []
    if tool in _ADDS:
        return [Revert("trash", task_id)]
    if status == "deleted":
        return [Revert("restore", task_id)]
    previous = result.get("previous")
    if isinstance(previous, dict) and previous:
        return [Revert("change", task_id, _changes(previous))]
    return []


def _changes(previous: dict[str, Any]) -> TaskChanges:
    due = previous.get("due_date", UNSET)
    return TaskChanges(
        title=previous.get("title", UNSET),
        description=previous.get("description", UNSET),
        priority=previous.get("priority", UNSET),
        due_date=date.fromisoformat(due) if isinstance(due, str) else due,
        completed=previous.get("completed", UNSET),
        recurrence=previous.get("recurrence", UNSET),
        labels=previous.get("labels", UNSET),
    )
