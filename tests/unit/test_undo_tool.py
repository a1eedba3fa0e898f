"""undo_last_change: the conversation's last change reversed from its stored tool calls (issue 17)."""

from __future__ import annotations

from datetime import date
from typing import Any

from application.queries import TaskQuery
from application.tools import SESSIONLESS_TOOLS, ToolCatalogue
from application.use_cases.tasks import NewTask, TaskChanges, TaskUseCases
from domain.conversation import ToolCall
from domain.values import Priority


class Conversation:
    """Turns of tool calls as the chat stores them; each call sees the turns before it."""

    def __init__(self, catalogue: ToolCatalogue, user: str = "alice") -> None:
        self.catalogue, self.user = catalogue, user
        self.turns: list[tuple[ToolCall, ...]] = []

    async def turn(self, *calls: tuple[str, dict[str, Any]]) -> list[ToolCall]:
        tools = self.catalogue.bind(self.user, earlier_turns=tuple(self.turns))
        made = [await tools.call(name, args) for name, args in calls]
        self.turns.append(tuple(made))
        return made

    async def undo(self) -> dict[str, Any]:
        [call] = await self.turn(("undo_last_change", {}))
        return call.result


async def test_undo_reverses_add_complete_edit_and_delete_in_turn(
    catalogue: ToolCatalogue, tasks: TaskUseCases
) -> None:
    chat = Conversation(catalogue)
    await chat.turn(("add_task", {"title": "milk", "labels": ["shopping"]}))
    await chat.turn(("update_task", {"task_id": 1, "title": "oat milk", "priority": "high", "add_labels": ["x"]}))
    await chat.turn(("complete_task", {"task_id": 1}))
    await chat.turn(("delete_task", {"task_id": 1}))

    undone = await chat.undo()
    assert undone["status"] == "undone" and undone["undone"][0]["action"] == "restored"
    task = await tasks.get("alice", 1)
    assert task.completed and task.title == "oat milk"  # back, with its number
    await chat.undo()
    assert not (await tasks.get("alice", 1)).completed
    await chat.undo()
    task = await tasks.get("alice", 1)
    assert (task.title, task.priority.value, task.labels) == ("milk", "medium", ("shopping",))
    await chat.undo()
    assert (await tasks.find("alice", TaskQuery())).total == 0
    assert (await chat.undo())["status"] == "nothing"


async def test_undo_of_a_repeating_completion_puts_the_due_date_back(
    catalogue: ToolCatalogue, tasks: TaskUseCases
) -> None:
    chat = Conversation(catalogue)
    await chat.turn(("add_task", {"title": "rent", "due_date": "2026-04-01", "recurrence": "FREQ=MONTHLY;COUNT=3"}))
    [done] = await chat.turn(("complete_task", {"task_id": 1}))
    assert done.result["status"] == "rescheduled" and done.result["due_date"] == "2026-05-01"
    await chat.undo()
    task = await tasks.get("alice", 1)
    assert (task.due_date, task.recurrence.rule if task.recurrence else None) == (
        date(2026, 4, 1), "FREQ=MONTHLY;COUNT=3",
    )


async def test_a_bulk_change_is_undone_as_a_whole(catalogue: ToolCatalogue, tasks: TaskUseCases) -> None:
    for title in ("a", "b", "c"):
        await tasks.add("alice", NewTask(title))
    chat = Conversation(catalogue)
    await chat.turn(("complete_all_tasks", {"confirm": True}))
    undone = await chat.undo()
    assert [u["task_id"] for u in undone["undone"]] == [3, 2, 1]
    assert [t.completed for t in (await tasks.find("alice", TaskQuery())).items] == [False, False, False]


async def test_undo_touches_only_the_bound_users_tasks(catalogue: ToolCatalogue, tasks: TaskUseCases) -> None:
    await tasks.add("bob", NewTask("bob's"))
    # Alice's history names task 1 (a forged or stale record): the undo acts as Alice only.
    forged = (ToolCall("add_task", {"title": "x"}, {"task_id": 1, "status": "created", "title": "x"}),)
    result = (await catalogue.bind("alice", earlier_turns=(forged,)).call("undo_last_change", {})).result
    assert result["status"] == "nothing" and result["undone"][0]["error"]
    assert (await tasks.get("bob", 1)).deleted_at is None


def test_mcp_is_not_offered_the_conversation_bound_tool() -> None:
    assert "undo_last_change" not in {spec.name for spec in SESSIONLESS_TOOLS}


async def test_undo_refuses_when_the_task_was_changed_again_since(
    catalogue: ToolCatalogue, tasks: TaskUseCases
) -> None:
    chat = Conversation(catalogue)
    await chat.turn(("add_task", {"title": "milk"}))
    await chat.turn(("update_task", {"task_id": 1, "priority": "high"}))
    # changed elsewhere (the web page, another conversation) after the chat's change
    await tasks.update("alice", 1, TaskChanges(priority=Priority.LOW))
    result = await chat.undo()
    assert result["status"] == "nothing" and "changed again" in result["message"]
    assert (await tasks.get("alice", 1)).priority is Priority.LOW  # nothing changed


async def test_undo_of_an_add_refuses_when_the_task_was_renamed_since(
    catalogue: ToolCatalogue, tasks: TaskUseCases
) -> None:
    chat = Conversation(catalogue)
    await chat.turn(("add_task", {"title": "milk"}))
    await tasks.update("alice", 1, TaskChanges(title="oat milk"))
    assert (await chat.undo())["status"] == "nothing"
    assert (await tasks.get("alice", 1)).deleted_at is None


async def test_undo_still_works_when_nothing_changed_since(catalogue: ToolCatalogue, tasks: TaskUseCases) -> None:
    chat = Conversation(catalogue)
    await chat.turn(("add_task", {"title": "milk", "due_date": "2026-04-01"}))
    await chat.turn(("update_task", {"task_id": 1, "due_date": "2026-04-03", "priority": "high"}))
    assert (await chat.undo())["status"] == "undone"
    task = await tasks.get("alice", 1)
    assert (task.due_date, task.priority) == (date(2026, 4, 1), Priority.MEDIUM)
