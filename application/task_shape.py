"""The task's public shape, one definition for every door.

The REST API (entrypoints/http/schemas.py) and the tools (application/tools.py, for MCP
and the agent) both describe a task with ``TaskShape`` and fill it with ``task_fields``:
a field added here reaches every door, and no door can spell it differently.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from msgspec import Meta, Struct

from domain.task import Task
from domain.values import LABEL_MAX, LABELS_MAX

PriorityName = Literal["high", "medium", "low"]
Label = Annotated[str, Meta(min_length=1, max_length=LABEL_MAX, description="A list name, e.g. shopping.")]
Labels = Annotated[list[Label], Meta(max_length=LABELS_MAX)]
Rule = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=255,
        description="How the task repeats: an RFC 5545 RRULE such as FREQ=WEEKLY;BYDAY=MO, "
        "FREQ=MONTHLY;BYMONTHDAY=1 or FREQ=DAILY;INTERVAL=2.",
    ),
]


class TaskShape(Struct, kw_only=True):
    id: int
    title: str
    description: str | None
    completed: bool
    priority: PriorityName
    due_date: date | None
    recurrence: str | None
    labels: list[str]


def task_fields(task: Task) -> dict[str, Any]:
    """``TaskShape``'s fields of ``task``, for any Struct that extends it."""
    return {
        "id": task.id,
        "title": task.title,
        "description": task.description,
        "completed": task.completed,
        "priority": task.priority.value,
        "due_date": task.due_date,
        "recurrence": task.recurrence.rule if task.recurrence else None,
        "labels": list(task.labels),
    }
