"""The tool catalogue: the task tools with msgspec-defined arguments and results.

One JSON schema per tool serves both the MCP server and the agent. A catalogue is
only ever *bound* to the authenticated user on the server side: ``user_id`` is not
an argument, and unknown arguments (such as a smuggled ``user_id``) are rejected.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from application.errors import DatabaseUnavailable
from application.ports import Clock
from application.queries import LIMIT_MAX, OFFSET_MAX, TaskQuery
from application.task_shape import Label, Labels, PriorityName, Rule, TaskShape, task_fields
from application.undo import UNDO_TOOL, change_to_undo, changed_since, revert_steps
from application.use_cases.tasks import BulkAction, BulkProgress, NewTask, TaskChanges, TaskUseCases
from domain.conversation import ToolCall
from domain.errors import DomainError, NotFound
from domain.task import Task
from domain.text import check_storable
from domain.values import Priority, TaskStatus

StatusName = Literal["all", "pending", "completed"]
SortName = Literal["id", "-id", "due_date", "-due_date", "priority", "-priority", "created_at", "-created_at"]
TaskId = Annotated[int, Meta(ge=1, le=2**31 - 1, description="The task number, as shown to the user (task 3).")]
Title = Annotated[str, Meta(min_length=1, max_length=255, description="Short imperative title.")]
Description = Annotated[str, Meta(max_length=4000, description="Optional longer notes.")]


class _Args(Struct, forbid_unknown_fields=True, kw_only=True, omit_defaults=True):
    """Every string argument is checked for text the database cannot store (NUL, lone surrogates)."""

    def __post_init__(self) -> None:
        check_storable({name: getattr(self, name) for name in self.__struct_fields__})


class AddTaskArgs(_Args):
    title: Title
    description: Description | None = None
    priority: PriorityName | None = None
    due_date: Annotated[date | None, Meta(description="Due date, YYYY-MM-DD.")] = None
    recurrence: Rule | None = None
    labels: Labels = []


class ListTasksArgs(_Args):
    status: StatusName = "all"
    priority: PriorityName | None = None
    due_before: Annotated[date | None, Meta(description="Only tasks due strictly before this date.")] = None
    due_after: Annotated[date | None, Meta(description="Only tasks due strictly after this date.")] = None
    due_on: Annotated[date | None, Meta(description="Only tasks due on this date.")] = None
    overdue: Annotated[bool, Meta(description="Only pending tasks whose due date has passed.")] = False
    has_due_date: Annotated[
        bool | None, Meta(description="true: only tasks with a due date; false: only those without.")
    ] = None
    q: Annotated[str, Meta(max_length=255, description="Words the title must contain.")] | None = None
    label: Annotated[Label, Meta(description="Only tasks on this list (label).")] | None = None
    sort: SortName = "id"
    limit: Annotated[int, Meta(ge=1, le=LIMIT_MAX)] = 50
    offset: Annotated[int, Meta(ge=0, le=OFFSET_MAX)] = 0


class TaskIdArgs(_Args):
    task_id: TaskId


class UpdateTaskArgs(_Args):
    task_id: TaskId
    title: Title | UnsetType = UNSET
    description: Description | UnsetType | None = UNSET
    priority: PriorityName | UnsetType = UNSET
    due_date: Annotated[date | UnsetType | None, Meta(description="New due date; null removes it.")] = UNSET
    completed: bool | UnsetType = UNSET
    recurrence: Annotated[Rule | UnsetType | None, Meta(description="New RRULE; null stops repeating.")] = UNSET
    labels: Annotated[Labels | UnsetType, Meta(description="Replaces all the task's labels.")] = UNSET
    add_labels: Annotated[Labels, Meta(description="Labels to put the task on.")] = []
    remove_labels: Annotated[Labels, Meta(description="Labels to take the task off (the task stays).")] = []


class PageArgs(_Args):
    limit: Annotated[int, Meta(ge=1, le=LIMIT_MAX)] = 50
    offset: Annotated[int, Meta(ge=0, le=OFFSET_MAX)] = 0


class NoArgs(_Args):
    pass


class BulkArgs(_Args):
    confirm: Annotated[
        bool,
        Meta(description="false (the default) only says what would change; true makes the change."),
    ] = False


class TaskView(TaskShape, kw_only=True):
    pass


class TaskOutcome(Struct, kw_only=True, omit_defaults=True):
    task_id: int
    # "rescheduled": a repeating task was completed and moved on to due_date.
    status: Literal["created", "completed", "rescheduled", "deleted", "restored", "updated"]
    title: str
    due_date: date | None = None
    repeats: bool = False
    message: str | None = None
    # The values this change replaced, field by field (what "undo" puts back), and the values it
    # set (so an undo can see that the task was changed again since, and refuse).
    previous: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


class LabelView(Struct, kw_only=True):
    name: str
    count: int


class LabelList(Struct, kw_only=True):
    labels: list[LabelView]


class TaskList(Struct, kw_only=True):
    tasks: list[TaskView]
    total: int


class BulkTask(Struct, kw_only=True, omit_defaults=True):
    task_id: int
    title: str
    previous: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


class UndoneTask(Struct, kw_only=True):
    task_id: int
    title: str | None
    action: Literal["trashed", "restored", "changed back"]
    error: str | None = None


class UndoOutcome(Struct, kw_only=True):
    status: Literal["undone", "nothing"]
    undone: list[UndoneTask]
    message: str


class BulkOutcome(Struct, kw_only=True):
    status: Literal["preview", "completed", "deleted"]
    count: int
    tasks: list[BulkTask]
    message: str


def task_view(task: Task) -> TaskView:
    return TaskView(**task_fields(task))


def previous_values(before: Task, after: Task) -> dict[str, Any] | None:
    """The public fields a change replaced, with their old values (JSON-ready)."""
    old, new = task_fields(before), task_fields(after)
    changed = {name: value for name, value in old.items() if new[name] != value}
    return msgspec.to_builtins(changed) if changed else None


def new_values(before: Task, after: Task) -> dict[str, Any] | None:
    """The public fields a change set, with their new values (JSON-ready)."""
    old, new = task_fields(before), task_fields(after)
    changed = {name: value for name, value in new.items() if old[name] != value}
    return msgspec.to_builtins(changed) if changed else None


def outcome(
    task: Task,
    status: Literal["created", "completed", "deleted", "restored", "updated"],
    before: Task | None = None,
) -> TaskOutcome:
    """What a change did, in the words a reply needs (where a repeating task moved)."""
    previous = previous_values(before, task) if before is not None else None
    after = new_values(before, task) if before is not None else None
    if status == "completed" and not task.completed and task.repeats:
        return TaskOutcome(
            task_id=task.id, status="rescheduled", title=task.title, due_date=task.due_date, repeats=True,
            message=f"Done; it repeats, next due {task.due_date.isoformat() if task.due_date else 'soon'}.",
            previous=previous, after=after,
        )
    if previous is not None:
        return TaskOutcome(task_id=task.id, status=status, title=task.title, previous=previous, after=after)
    if status == "deleted":
        return TaskOutcome(task_id=task.id, status=status, title=task.title, repeats=task.repeats)
    if task.repeats:  # where it stands now (a new repeating task may have been given its first day)
        return TaskOutcome(task_id=task.id, status=status, title=task.title, due_date=task.due_date, repeats=True)
    return TaskOutcome(task_id=task.id, status=status, title=task.title)


@dataclass(frozen=True, slots=True)
class ToolContext:
    """Who the tools act for, fixed by the server before the model runs."""

    user_id: str
    today: date
    # Hears each item of a bulk change (MCP progress notifications); None: nobody asked.
    progress: BulkProgress | None = None
    # The tool calls of the conversation's earlier turns, oldest first (what "undo" reverses);
    # empty outside a conversation (MCP).
    earlier_turns: tuple[tuple[ToolCall, ...], ...] = ()


Handler = Callable[[TaskUseCases, ToolContext, Any], Awaitable[Struct]]


@dataclass(frozen=True, slots=True)
class ToolSpec:
    name: str
    description: str
    arguments: type[Struct]
    result: type[Struct]
    read_only: bool
    destructive: bool
    idempotent: bool
    handler: Handler
    conversational: bool = False  # needs a conversation's history: not offered over MCP

    @property
    def input_schema(self) -> dict[str, Any]:
        return _schema(self.arguments)

    @property
    def output_schema(self) -> dict[str, Any]:
        return _schema(self.result)


@cache  # built once per type: generating it cost ~3 ms on every chat turn
def _schema(struct: type[Struct]) -> dict[str, Any]:
    """An inline object schema (no top-level $ref), as MCP and function calling expect.

    Shared between callers: treat it as read-only.
    """
    (ref,), components = msgspec.json.schema_components([struct], ref_template="#/$defs/{name}")
    name = ref["$ref"].rsplit("/", 1)[1]
    schema: dict[str, Any] = dict(components.pop(name))
    schema.pop("title", None)
    if components:
        schema["$defs"] = components
    return schema


async def _add(tasks: TaskUseCases, ctx: ToolContext, args: AddTaskArgs) -> TaskOutcome:
    new = NewTask(args.title, args.description, args.priority, args.due_date, args.recurrence, args.labels)
    return outcome(await tasks.add(ctx.user_id, new, today=ctx.today), "created")


async def _list(tasks: TaskUseCases, ctx: ToolContext, args: ListTasksArgs) -> TaskList:
    status = TaskStatus(args.status)
    due_before = args.due_before
    if args.overdue:
        status = TaskStatus.PENDING
        due_before = min(due_before or ctx.today, ctx.today)
    page = await tasks.find(
        ctx.user_id,
        TaskQuery(
            status=status,
            priority=Priority(args.priority) if args.priority else None,
            due_before=due_before,
            due_after=args.due_after,
            due_on=args.due_on,
            has_due_date=args.has_due_date,
            q=args.q,
            label=args.label,
            sort=args.sort,
            limit=args.limit,
            offset=args.offset,
        ),
    )
    return TaskList(tasks=[task_view(t) for t in page.items], total=page.total)


async def _complete(tasks: TaskUseCases, ctx: ToolContext, args: TaskIdArgs) -> TaskOutcome:
    before, task = await tasks.change(ctx.user_id, args.task_id, TaskChanges(completed=True), today=ctx.today)
    return outcome(task, "completed", before)


async def _delete(tasks: TaskUseCases, ctx: ToolContext, args: TaskIdArgs) -> TaskOutcome:
    return outcome(await tasks.delete(ctx.user_id, args.task_id), "deleted")


async def _restore(tasks: TaskUseCases, ctx: ToolContext, args: TaskIdArgs) -> TaskOutcome:
    return outcome(await tasks.restore(ctx.user_id, args.task_id), "restored")


async def _list_trash(tasks: TaskUseCases, ctx: ToolContext, args: PageArgs) -> TaskList:
    page = await tasks.trash(ctx.user_id, args.limit, args.offset)
    return TaskList(tasks=[task_view(t) for t in page.items], total=page.total)


async def _list_labels(tasks: TaskUseCases, ctx: ToolContext, args: NoArgs) -> LabelList:
    return LabelList(labels=[LabelView(name=lc.name, count=lc.count) for lc in await tasks.labels(ctx.user_id)])


async def _update(tasks: TaskUseCases, ctx: ToolContext, args: UpdateTaskArgs) -> TaskOutcome:
    changes = TaskChanges(
        title=args.title,
        description=args.description,
        priority=args.priority,
        due_date=args.due_date,
        completed=args.completed,
        recurrence=args.recurrence,
        labels=args.labels,
        add_labels=args.add_labels,
        remove_labels=args.remove_labels,
    )
    before, task = await tasks.change(ctx.user_id, args.task_id, changes, today=ctx.today)
    moved = args.completed is True and task.repeats and not task.completed
    return outcome(task, "completed" if moved else "updated", before)


async def _undo(tasks: TaskUseCases, ctx: ToolContext, args: NoArgs) -> UndoOutcome:
    calls = change_to_undo(ctx.earlier_turns)
    steps = revert_steps(calls)
    if not steps:
        return UndoOutcome(status="nothing", undone=[], message="There is no change in this conversation to undo.")
    current: dict[int, dict[str, Any]] = {}
    for task_id in {step.task_id for step in steps}:
        with contextlib.suppress(NotFound):  # in the trash or gone: the revert reports it
            current[task_id] = msgspec.to_builtins(task_fields(await tasks.get(ctx.user_id, task_id)))
    stale = changed_since(calls, current)
    if stale:
        return UndoOutcome(status="nothing", undone=[], message=stale)
    actions: dict[str, Literal["trashed", "restored", "changed back"]] = {
        "trash": "trashed", "restore": "restored", "change": "changed back",
    }
    items = await tasks.revert(ctx.user_id, steps)
    undone = [
        UndoneTask(task_id=i.task_id, title=i.title, action=actions[s.action], error=i.error)
        for s, i in zip(steps, items, strict=True)
    ]
    done = sum(1 for i in items if i.ok)
    message = f"Undid the last change ({done} task{'s' if done != 1 else ''})." if done else "Nothing could be undone."
    return UndoOutcome(status="undone" if done else "nothing", undone=undone, message=message)


# What each bulk tool acts on, the action, and how its outcome reads.
_BULK: dict[str, tuple[TaskStatus, BulkAction, Literal["completed", "deleted"]]] = {
    "complete_all_tasks": (TaskStatus.PENDING, "complete", "completed"),
    "delete_completed_tasks": (TaskStatus.COMPLETED, "delete", "deleted"),
}
PREVIEW_LIMIT = 100  # tasks named in a preview; the count is always exact


def bulk_tool(name: str) -> Handler:
    status, action, done = _BULK[name]

    async def run(tasks: TaskUseCases, ctx: ToolContext, args: BulkArgs) -> BulkOutcome:
        query = TaskQuery(status=status, sort="id")
        if not args.confirm:
            page = await tasks.find(ctx.user_id, replace(query, limit=PREVIEW_LIMIT))
            listed = [BulkTask(task_id=t.id, title=t.title) for t in page.items]
            verb = "complete" if action == "complete" else "delete"
            message = (
                f"Nothing to {verb}."
                if page.total == 0
                else f"This would {verb} {page.total} task{'s' if page.total != 1 else ''}; "
                "nothing has changed yet. Call again with confirm: true to go ahead."
            )
            return BulkOutcome(status="preview", count=page.total, tasks=listed, message=message)
        items = await tasks.bulk(ctx.user_id, action, query=query, progress=ctx.progress, today=ctx.today)
        changed = [
            BulkTask(
                task_id=i.task_id,
                title=i.title or "",
                previous=previous_values(i.before, i.after) if action == "complete" and i.before and i.after else None,
                after=new_values(i.before, i.after) if action == "complete" and i.before and i.after else None,
            )
            for i in items
            if i.ok
        ]
        noun = "task" if len(changed) == 1 else "tasks"
        message = f"{done.capitalize()} {len(changed)} {noun}."
        return BulkOutcome(status=done, count=len(changed), tasks=changed, message=message)

    return run


TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec(
        "add_task",
        "Create one task the user asked for, titled in their words; call it once per task (never "
        "for a greeting or a question). Dates go in due_date (YYYY-MM-DD), "
        "not in the title; priority is high, medium or low; a repeating task gets an RRULE in "
        "recurrence; lists go in labels. Example: 'buy milk, urgent' -> "
        '{"title": "buy milk", "priority": "high"}; \'water the plants every monday\' -> '
        '{"title": "water the plants", "recurrence": "FREQ=WEEKLY;BYDAY=MO"}.',
        AddTaskArgs,
        TaskOutcome,
        read_only=False,
        destructive=False,
        idempotent=False,
        handler=_add,
    ),
    ToolSpec(
        "list_tasks",
        "List the user's tasks with their ids, optionally filtered by status, priority, due dates, "
        "overdue, title words or label (list). Call it first when a task is named by words or position. "
        "Example: 'what is left?' -> {\"status\": \"pending\"}.",
        ListTasksArgs,
        TaskList,
        read_only=True,
        destructive=False,
        idempotent=True,
        handler=_list,
    ),
    ToolSpec(
        "complete_task",
        "Mark one task as done, by its id from a tool result. A repeating task moves to its next "
        "due date instead (status rescheduled). Example: 'done with task 3' -> "
        '{"task_id": 3}.',
        TaskIdArgs,
        TaskOutcome,
        read_only=False,
        destructive=False,
        idempotent=False,  # a repeating task moves on again at each call
        handler=_complete,
    ),
    ToolSpec(
        "delete_task",
        "Move one task to the trash (restore_task brings it back for 30 days), by its id from a "
        "tool result. Example: 'remove task 2' -> "
        '{"task_id": 2}.',
        TaskIdArgs,
        TaskOutcome,
        read_only=False,
        destructive=True,
        idempotent=True,
        handler=_delete,
    ),
    ToolSpec(
        "update_task",
        "Change a task, by its id from a tool result: title, description, priority, due_date "
        "(null removes it), completed (false reopens it), recurrence (null stops repeating), labels, "
        "add_labels or remove_labels. Only the fields given change. "
        'Example: \'make task 4 high priority\' -> {"task_id": 4, "priority": "high"}.',
        UpdateTaskArgs,
        TaskOutcome,
        read_only=False,
        destructive=False,
        idempotent=False,  # completed: true moves a repeating task on again at each call
        handler=_update,
    ),
    ToolSpec(
        "restore_task",
        "Bring a deleted task back from the trash, with its number, by its id. Example: "
        "'oops, bring back task 2' -> {\"task_id\": 2}.",
        TaskIdArgs,
        TaskOutcome,
        read_only=False,
        destructive=False,
        idempotent=True,
        handler=_restore,
    ),
    ToolSpec(
        "list_trash",
        "List the tasks in the trash (deleted in the last 30 days), the most recent first.",
        PageArgs,
        TaskList,
        read_only=True,
        destructive=False,
        idempotent=True,
        handler=_list_trash,
    ),
    ToolSpec(
        "list_labels",
        "List the user's labels (lists such as shopping or work) with how many tasks each has.",
        NoArgs,
        LabelList,
        read_only=True,
        destructive=False,
        idempotent=True,
        handler=_list_labels,
    ),
    ToolSpec(
        UNDO_TOOL,
        "Undo the last change made in this conversation (an add, completion, deletion, edit or bulk "
        "change), whatever tool made it. Example: 'undo' / 'oops, bring it back' -> {}.",
        NoArgs,
        UndoOutcome,
        read_only=False,
        destructive=False,
        idempotent=False,
        handler=_undo,
        conversational=True,
    ),
    ToolSpec(
        "complete_all_tasks",
        "Mark every pending task of the user as done. Without confirm: true it only says which "
        "tasks it would complete; ask the user before confirming.",
        BulkArgs,
        BulkOutcome,
        read_only=False,
        destructive=True,
        idempotent=True,
        handler=bulk_tool("complete_all_tasks"),
    ),
    ToolSpec(
        "delete_completed_tasks",
        "Move every completed task of the user to the trash. Without confirm: true it only says which "
        "tasks it would delete; ask the user before confirming.",
        BulkArgs,
        BulkOutcome,
        read_only=False,
        destructive=True,
        idempotent=True,
        handler=bulk_tool("delete_completed_tasks"),
    ),
)
BULK_TOOLS = frozenset(_BULK)
# What a client without a conversation (MCP) is offered.
SESSIONLESS_TOOLS = tuple(spec for spec in TOOLS if not spec.conversational)


class ToolCatalogue:
    """The tools, ready to be bound to one authenticated user."""

    def __init__(self, tasks: TaskUseCases, clock: Clock, specs: tuple[ToolSpec, ...] = TOOLS) -> None:
        self._tasks = tasks
        self._clock = clock
        self.specs: Mapping[str, ToolSpec] = {spec.name: spec for spec in specs}

    def without_conversation(self) -> ToolCatalogue:
        """The tools a client with no conversation here (MCP) can use: no ``conversational`` ones."""
        return ToolCatalogue(self._tasks, self._clock, tuple(s for s in self.specs.values() if not s.conversational))

    @property
    def tasks(self) -> TaskUseCases:
        """The use cases behind the tools (MCP resources and prompts read through them too)."""
        return self._tasks

    @property
    def clock(self) -> Clock:
        return self._clock

    def bind(
        self,
        user_id: str,
        timezone: str = "UTC",
        *,
        progress: BulkProgress | None = None,
        earlier_turns: tuple[tuple[ToolCall, ...], ...] = (),
    ) -> BoundTools:
        today = self._clock.now().astimezone(ZoneInfo(timezone)).date()
        context = ToolContext(user_id=user_id, today=today, progress=progress, earlier_turns=earlier_turns)
        return BoundTools(self, context)

    async def _run(self, ctx: ToolContext, name: str, raw: Mapping[str, Any] | str | bytes) -> ToolCall:
        spec = self.specs.get(name)
        if spec is None:
            return ToolCall(name, _as_dict(raw), {"error": f"Unknown tool {name!r}"})
        try:
            if isinstance(raw, (str, bytes)):
                args = msgspec.json.decode(raw or b"{}", type=spec.arguments)
            else:
                args = msgspec.convert(raw, spec.arguments, strict=False)
        except msgspec.ValidationError as exc:
            return ToolCall(name, _as_dict(raw), {"error": f"Invalid arguments: {exc}"})
        except msgspec.DecodeError:
            return ToolCall(name, {}, {"error": "Arguments are not valid JSON"})
        arguments = msgspec.to_builtins(args)
        try:
            result = await spec.handler(self._tasks, ctx, args)
        except DomainError as exc:
            return ToolCall(name, arguments, {"error": str(exc)})
        except DatabaseUnavailable:
            return ToolCall(name, arguments, {"error": "The task store is unavailable; try again shortly"})
        return ToolCall(name, arguments, msgspec.to_builtins(result))


def _as_dict(raw: Mapping[str, Any] | str | bytes) -> dict[str, Any]:
    if isinstance(raw, Mapping):
        return dict(raw)
    try:
        value = msgspec.json.decode(raw or b"{}")
    except msgspec.DecodeError:
        return {"raw": raw if isinstance(raw, str) else raw.decode(errors="replace")}
    return value if isinstance(value, dict) else {"raw": value}


@dataclass(frozen=True, slots=True)
class BoundTools:
    """The catalogue bound to one user: the only handle a model ever gets."""

    catalogue: ToolCatalogue
    context: ToolContext

    @property
    def user_id(self) -> str:
        return self.context.user_id

    @property
    def today(self) -> date:
        return self.context.today

    @property
    def specs(self) -> Mapping[str, ToolSpec]:
        return self.catalogue.specs

    async def call(self, name: str, arguments: Mapping[str, Any] | str | bytes) -> ToolCall:
        """Run one tool in its own unit of work; errors come back in ``result["error"]``."""
        return await self.catalogue._run(self.context, name, arguments)


def is_error(call: ToolCall) -> bool:
    return "error" in call.result
