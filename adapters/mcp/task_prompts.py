"""MCP prompts built from the caller's tasks: "plan my day" and "weekly review".

Each prompt is one user message holding the facts (which tasks are overdue, due, done)
and what to do with them, so any client's model can answer without calling a tool first.
A task's line carries its lists and repeat rule; a repeating task ticked off this week counts
as done in the review (it stays pending, on its next due date).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from mcp.shared.exceptions import MCPError
from mcp.types import INVALID_PARAMS, GetPromptResult, Prompt, PromptArgument, PromptMessage, TextContent

from adapters.mcp.task_resources import all_tasks
from application.queries import TaskQuery
from application.use_cases.tasks import TaskUseCases
from domain.task import Task
from domain.values import Priority, TaskStatus

PLAN_MY_DAY = "plan_my_day"
WEEKLY_REVIEW = "weekly_review"
FOCUS = "focus"

PROMPTS = [
    Prompt(
        name=PLAN_MY_DAY,
        title="Plan my day",
        description="A plan for today from your open tasks: overdue and due today first, then high priority.",
        arguments=[
            PromptArgument(
                name=FOCUS,
                description="The title of a task to put first (completes from your open tasks).",
                required=False,
            )
        ],
    ),
    Prompt(
        name=WEEKLY_REVIEW,
        title="Weekly review",
        description="A review of the last 7 days (what got done) and the next 7 (what is due, what is late).",
        arguments=[],
    ),
]
PROMPT_NAMES = frozenset(p.name for p in PROMPTS)


def _line(task: Task) -> str:
    parts = [f"- Task {task.id}: {task.title}"]
    if task.priority is not Priority.MEDIUM:
        parts.append(f"({task.priority.value} priority)")
    if task.due_date is not None:
        parts.append(f"due {task.due_date.isoformat()}")
    if task.recurrence is not None:
        parts.append(f"repeats (RRULE {task.recurrence.rule})")
    if task.last_completed_at is not None and not task.completed:
        parts.append(f"last done {task.last_completed_at.date().isoformat()}")
    if task.labels:
        parts.append(f"[lists: {', '.join(task.labels)}]")
    return " ".join(parts)


def _section(heading: str, tasks: Iterable[Task], empty: str = "none") -> str:
    lines = [_line(t) for t in tasks]
    return f"{heading}:\n" + ("\n".join(lines) if lines else f"({empty})")


def _message(text: str, description: str) -> GetPromptResult:
    return GetPromptResult(
        description=description,
        messages=[PromptMessage(role="user", content=TextContent(type="text", text=text))],
    )


async def get_prompt(
    tasks: TaskUseCases, user_id: str, name: str, arguments: dict[str, str] | None, now: datetime
) -> GetPromptResult:
    today = now.date()
    if name == PLAN_MY_DAY:
        return await _plan_my_day(tasks, user_id, today, (arguments or {}).get(FOCUS))
    if name == WEEKLY_REVIEW:
        return await _weekly_review(tasks, user_id, today, now)
    raise MCPError(INVALID_PARAMS, f"Unknown prompt {name!r}")


async def _plan_my_day(tasks: TaskUseCases, user_id: str, today: date, focus: str | None) -> GetPromptResult:
    pending = await all_tasks(tasks, user_id, TaskQuery(status=TaskStatus.PENDING, sort="id"))
    overdue = [t for t in pending if t.due_date is not None and t.due_date < today]
    due_today = [t for t in pending if t.due_date == today]
    rest = [t for t in pending if t not in overdue and t not in due_today]
    high = [t for t in rest if t.priority is Priority.HIGH]
    other = [t for t in rest if t.priority is not Priority.HIGH]
    parts = [f"Help me plan my day. Today is {today.isoformat()} ({today:%A}).", ""]
    if focus:
        chosen = [t for t in pending if t.title.casefold() == focus.strip().casefold()]
        parts += [_section("I want to start with", chosen, empty=f"no open task titled {focus!r}"), ""]
    parts += [
        _section("Overdue", overdue),
        "",
        _section("Due today", due_today),
        "",
        _section("High priority", high),
        "",
        _section("Everything else open", other),
        "",
        "Suggest an order for today with a short reason for each, keep it realistic (what does not "
        "fit today can move: say to which day), and refer to tasks by their number.",
    ]
    return _message("\n".join(parts), f"Plan for {today.isoformat()} from {len(pending)} open tasks")


async def _weekly_review(tasks: TaskUseCases, user_id: str, today: date, now: datetime) -> GetPromptResult:
    everything = await all_tasks(tasks, user_id, TaskQuery(status=TaskStatus.ALL, sort="id"))
    week_ago = now - timedelta(days=7)
    next_week = today + timedelta(days=7)
    # A repeating task stays pending when ticked off: its last completion says it was done.
    done = [
        t
        for t in everything
        if (t.completed and t.updated_at >= week_ago)
        or (t.last_completed_at is not None and t.last_completed_at >= week_ago)
    ]
    pending = [t for t in everything if not t.completed]
    late = [t for t in pending if t.due_date is not None and t.due_date < today]
    coming = [t for t in pending if t.due_date is not None and today <= t.due_date <= next_week]
    undated = [t for t in pending if t.due_date is None]
    text = "\n".join(
        [
            f"Help me with my weekly review. Today is {today.isoformat()}.",
            "",
            _section("Done in the last 7 days", done),
            "",
            _section("Late (due before today, not done)", late),
            "",
            _section(f"Due by {next_week.isoformat()}", coming),
            "",
            _section("Open with no due date", undated),
            "",
            "Summarise what got done, point out what keeps slipping, and propose what to drop, "
            "reschedule or break down for next week. Refer to tasks by their number.",
        ]
    )
    return _message(text, f"Weekly review: {len(done)} done, {len(late)} late, {len(coming)} due this week")
