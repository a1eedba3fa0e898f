"""MCP resources over the caller's tasks, and argument completion for task ids and titles.

``tasks://open`` is the user's open (pending) tasks; ``tasks://task/{task_id}`` one task.
Both show a task as the tools do (``task_view``: labels and recurrence included); a task in
the trash is not there (it reads as "not found" until ``restore_task`` brings it back).
The URIs carry no user: every read resolves them for the authenticated caller, so the
same URI names each user's own tasks and a foreign task number reads as "not found".
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

import msgspec
from mcp.shared.exceptions import MCPError
from mcp.types import (
    Completion,
    ListResourcesResult,
    ListResourceTemplatesResult,
    ReadResourceResult,
    Resource,
    ResourceTemplate,
    TextResourceContents,
)

from application.queries import LIMIT_MAX, TaskQuery
from application.tools import task_view
from application.use_cases.tasks import TaskUseCases
from domain.errors import NotFound
from domain.task import Task
from domain.values import TaskStatus

OPEN_TASKS_URI = "tasks://open"
TASK_URI_TEMPLATE = "tasks://task/{task_id}"
JSON = "application/json"
RESOURCE_NOT_FOUND = -32002  # the MCP spec's code for an unknown resource
PAGE = 100  # resources per resources/list page
COMPLETION_MAX = 100  # the spec caps completion values at 100

_TASK_URI = re.compile(r"tasks://task/([1-9][0-9]{0,9})")


def task_uri(task_id: int) -> str:
    return f"tasks://task/{task_id}"


def _json(value: Any) -> str:
    return json.dumps(msgspec.to_builtins(value), ensure_ascii=False)


def _task_resource(task: Task) -> Resource:
    return Resource(
        uri=task_uri(task.id),
        name=f"task-{task.id}",
        title=f"Task {task.id}: {task.title}",
        description="One task: title, notes, priority, due date, whether it is done, its lists (labels) "
        "and how it repeats (an RRULE, or null).",
        mime_type=JSON,
    )


OPEN_TASKS = Resource(
    uri=OPEN_TASKS_URI,
    name="open-tasks",
    title="Open tasks",
    description="Every task not done yet, in task-number order, with its lists (labels) and repeat rule.",
    mime_type=JSON,
)
TASK_TEMPLATE = ResourceTemplate(
    uri_template=TASK_URI_TEMPLATE,
    name="task",
    title="A task by number",
    description="One of your tasks by its number (task 3 is tasks://task/3).",
    mime_type=JSON,
)


async def all_tasks(tasks: TaskUseCases, user_id: str, query: TaskQuery) -> list[Task]:
    """Every task of ``user_id`` matching ``query``, page by page."""
    out: list[Task] = []
    while True:
        page = await tasks.find(user_id, replace(query, limit=LIMIT_MAX, offset=len(out)))
        out.extend(page.items)
        if not page.items or len(out) >= page.total:
            return out


async def list_resources(tasks: TaskUseCases, user_id: str, cursor: str | None) -> ListResourcesResult:
    """The open-tasks resource, then each open task, a page at a time (cursor = offset)."""
    offset = int(cursor) if cursor and cursor.isdigit() else 0
    page = await tasks.find(user_id, TaskQuery(status=TaskStatus.PENDING, sort="id", limit=PAGE, offset=offset))
    resources = [_task_resource(task) for task in page.items]
    if offset == 0:
        resources.insert(0, OPEN_TASKS)
    following = offset + len(page.items)
    return ListResourcesResult(
        resources=resources, next_cursor=str(following) if following < page.total else None
    )


def list_templates() -> ListResourceTemplatesResult:
    return ListResourceTemplatesResult(resource_templates=[TASK_TEMPLATE])


def _not_found(uri: str) -> MCPError:
    return MCPError(RESOURCE_NOT_FOUND, f"Resource {uri} not found", {"uri": uri})


async def read_resource(tasks: TaskUseCases, user_id: str, uri: str) -> ReadResourceResult:
    if uri == OPEN_TASKS_URI:
        open_tasks = await all_tasks(tasks, user_id, TaskQuery(status=TaskStatus.PENDING, sort="id"))
        text = _json({"tasks": [task_view(t) for t in open_tasks], "total": len(open_tasks)})
        return ReadResourceResult(contents=[TextResourceContents(uri=uri, mime_type=JSON, text=text)])
    match = _TASK_URI.fullmatch(uri)
    if match is None:
        raise _not_found(uri)
    try:
        task = await tasks.get(user_id, int(match.group(1)))
    except NotFound:
        raise _not_found(uri) from None
    return ReadResourceResult(contents=[TextResourceContents(uri=uri, mime_type=JSON, text=_json(task_view(task)))])


def _words(text: str) -> list[str]:
    return text.casefold().split()


async def complete_task_id(tasks: TaskUseCases, user_id: str, value: str) -> Completion:
    """Task numbers whose digits start with ``value``, or whose title has words starting with it.

    Pending tasks first (what people usually point at), then done ones, each by number.
    """
    needle = value.strip().casefold()
    found = await all_tasks(tasks, user_id, TaskQuery(status=TaskStatus.ALL, sort="id"))
    found.sort(key=lambda t: (t.completed, t.id))
    values = [
        str(t.id)
        for t in found
        if not needle
        or str(t.id).startswith(needle)
        or any(word.startswith(needle) for word in _words(t.title))
        or needle in t.title.casefold()
    ]
    return _completion(values)


async def complete_task_title(tasks: TaskUseCases, user_id: str, value: str) -> Completion:
    """Titles of the user's open tasks containing ``value`` (case-insensitive)."""
    needle = value.strip().casefold()
    found = await all_tasks(tasks, user_id, TaskQuery(status=TaskStatus.PENDING, sort="id"))
    titles = list(dict.fromkeys(t.title for t in found if needle in t.title.casefold()))
    return _completion(titles)


def _completion(values: list[str]) -> Completion:
    return Completion(
        values=values[:COMPLETION_MAX], total=len(values), has_more=len(values) > COMPLETION_MAX
    )
