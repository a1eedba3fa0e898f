"""``/api/{user_id}/tasks``: the REST API over the task use cases."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from litestar import Controller, Response, delete, get, patch, post, put
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.handlers.base import BaseRouteHandler
from litestar.params import FromPath, FromQuery, JSONBody, PathParameter, QueryParameter

from application.queries import LIMIT_DEFAULT, LIMIT_MAX, OFFSET_MAX, TASK_SORTS, TaskQuery
from application.use_cases.tasks import NewTask, TaskChanges, TaskUseCases
from domain.errors import InvalidValue
from domain.values import Priority, TaskStatus
from entrypoints.http.docs import PROTECTED, TOTAL_COUNT, errors
from entrypoints.http.schemas import (
    LabelOut,
    LabelsOut,
    PriorityName,
    TaskCreate,
    TaskOut,
    TaskPage,
    TaskPatch,
    TaskReplace,
    TrashPage,
    task_out,
    task_page,
    trash_page,
)

Tasks = NamedDependency[TaskUseCases]
UserId = FromPath[str]
# Routes declare ``{task_id:str}``: Litestar's ``:int`` is Python's int(), which reads "١", "１",
# "+1", "00001" and "1 " as task 1. ``task_number_guard`` lets ASCII digits through, then this
# type converts and bounds them.
TaskId = Annotated[int, PathParameter(ge=1, le=2**31 - 1, description="The task number (per user, from 1).")]
SortName = Literal[TASK_SORTS]  # type: ignore[valid-type]
# The user's "today" for repeating tasks (where a new one starts, where a completed one moves).
TimeZone = Annotated[
    str | None,
    QueryParameter(
        min_length=1, max_length=64, description="IANA time zone for the user's today, e.g. Europe/Paris (default UTC)."
    ),
]
Limit = Annotated[int, QueryParameter(ge=1, le=LIMIT_MAX)]
Offset = Annotated[int, QueryParameter(ge=0, le=OFFSET_MAX)]


TASK_NUMBER = re.compile(r"[1-9][0-9]{0,18}")


async def task_number_guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """A task number in a path is ASCII digits without a sign or leading zero (400 otherwise)."""
    raw = connection.path_params.get("task_id")
    if raw is not None and not TASK_NUMBER.fullmatch(raw):
        raise InvalidValue("task_id", "must be a task number written in ASCII digits (1, 2, 3...)")


class TaskController(Controller):
    path = "/tasks"
    tags = ("tasks",)
    guards = (task_number_guard,)

    @get("/", responses=errors(*PROTECTED), response_headers=TOTAL_COUNT, summary="List tasks")
    async def list_tasks(
        self,
        user_id: UserId,
        tasks: Tasks,
        status: FromQuery[Literal["all", "pending", "completed"]] = "all",
        priority: FromQuery[PriorityName | None] = None,
        due_before: Annotated[
            date | None, QueryParameter(description="Only tasks due strictly before this date (YYYY-MM-DD).")
        ] = None,
        q: Annotated[
            str | None, QueryParameter(max_length=255, description="Words the title must contain.")
        ] = None,
        label: Annotated[
            str | None, QueryParameter(min_length=1, max_length=32, description="Only tasks with this label.")
        ] = None,
        sort: Annotated[
            SortName, QueryParameter(description="Sort key; a leading '-' sorts descending.")
        ] = "id",
        limit: Limit = LIMIT_DEFAULT,
        offset: Offset = 0,
    ) -> Response[TaskPage]:
        """The user's tasks, filtered and paged; ``X-Total-Count`` is the number matching."""
        page = await tasks.find(
            user_id,
            TaskQuery(
                status=TaskStatus(status),
                priority=Priority(priority) if priority else None,
                due_before=due_before,
                q=q or None,
                label=label,
                sort=sort,
                limit=limit,
                offset=offset,
            ),
        )
        return Response(task_page(page), headers={"X-Total-Count": str(page.total)})

    @post("/", responses=errors(*PROTECTED), summary="Create a task")
    async def create_task(
        self, user_id: UserId, tasks: Tasks, data: JSONBody[TaskCreate], timezone: TimeZone = None
    ) -> TaskOut:
        """A repeating task given no due date becomes due on its rule's first day from today."""
        new = NewTask(data.title, data.description, data.priority, data.due_date, data.recurrence, data.labels)
        return task_out(await tasks.add(user_id, new, today=tasks.today_in(timezone)))

    @get("/{task_id:str}", responses=errors(*PROTECTED, 404), summary="Get a task")
    async def get_task(self, user_id: UserId, task_id: TaskId, tasks: Tasks) -> TaskOut:
        return task_out(await tasks.get(user_id, task_id))

    @put("/{task_id:str}", responses=errors(*PROTECTED, 404), summary="Replace a task")
    async def replace_task(
        self, user_id: UserId, task_id: TaskId, tasks: Tasks, data: JSONBody[TaskReplace], timezone: TimeZone = None
    ) -> TaskOut:
        """Sets every editable field; an omitted field goes back to its default."""
        return task_out(await tasks.update(user_id, task_id, changes_of(data), today=tasks.today_in(timezone)))

    @patch("/{task_id:str}", responses=errors(*PROTECTED, 404), summary="Change some fields of a task")
    async def update_task(
        self, user_id: UserId, task_id: TaskId, tasks: Tasks, data: JSONBody[TaskPatch], timezone: TimeZone = None
    ) -> TaskOut:
        """Only the fields given change; ``null`` clears description, due_date or recurrence."""
        return task_out(await tasks.update(user_id, task_id, changes_of(data), today=tasks.today_in(timezone)))

    @patch("/{task_id:str}/complete", responses=errors(*PROTECTED, 404), summary="Toggle completion")
    async def toggle_task(self, user_id: UserId, task_id: TaskId, tasks: Tasks, timezone: TimeZone = None) -> TaskOut:
        """A repeating task moves to its next due date and stays pending (``last_completed_at``
        records the completion); once its rule has ended it completes."""
        return task_out(await tasks.toggle(user_id, task_id, today=tasks.today_in(timezone)))

    @delete("/{task_id:str}", responses=errors(*PROTECTED, 404), summary="Delete a task (to the trash)")
    async def delete_task(self, user_id: UserId, task_id: TaskId, tasks: Tasks) -> None:
        """The task goes to the trash: ``POST /trash/{id}/restore`` brings it back within 30 days."""
        await tasks.delete(user_id, task_id)


class TrashController(Controller):
    path = "/trash"
    tags = ("tasks",)
    guards = (task_number_guard,)

    @get("/", responses=errors(*PROTECTED), response_headers=TOTAL_COUNT, summary="List the trash")
    async def list_trash(
        self, user_id: UserId, tasks: Tasks, limit: Limit = LIMIT_DEFAULT, offset: Offset = 0
    ) -> Response[TrashPage]:
        """Tasks deleted in the last 30 days, the most recently deleted first."""
        page = await tasks.trash(user_id, limit, offset)
        return Response(trash_page(page), headers={"X-Total-Count": str(page.total)})

    @post("/{task_id:str}/restore", status_code=200, responses=errors(*PROTECTED, 404), summary="Restore a task")
    async def restore_task(self, user_id: UserId, task_id: TaskId, tasks: Tasks) -> TaskOut:
        return task_out(await tasks.restore(user_id, task_id))

    @delete("/{task_id:str}", responses=errors(*PROTECTED, 404), summary="Delete a trashed task for good")
    async def purge_task(self, user_id: UserId, task_id: TaskId, tasks: Tasks) -> None:
        await tasks.purge(user_id, task_id)


class LabelController(Controller):
    path = "/labels"
    tags = ("tasks",)

    @get("/", responses=errors(*PROTECTED), summary="List labels")
    async def list_labels(self, user_id: UserId, tasks: Tasks) -> LabelsOut:
        """Each label on the user's tasks (outside the trash) with how many tasks carry it."""
        return LabelsOut(data=[LabelOut(name=lc.name, count=lc.count) for lc in await tasks.labels(user_id)])


def changes_of(data: TaskReplace | TaskPatch) -> TaskChanges:
    """PUT and PATCH differ only in what an omitted field means (their shapes' defaults)."""
    return TaskChanges(
        title=data.title,
        description=data.description,
        priority=data.priority,
        due_date=data.due_date,
        completed=data.completed,
        recurrence=data.recurrence,
        labels=data.labels,
    )
