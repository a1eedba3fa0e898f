"""Task use cases announce each committed change once, through every entry point; failures
and rolled-back work announce nothing."""

from __future__ import annotations

import pytest

from adapters.events import InProcessTaskChanges
from adapters.memory.store import MemoryStore
from application.changes import TaskChange
from application.queries import TaskQuery
from application.tools import ToolCatalogue
from application.use_cases.tasks import NewTask, TaskChanges, TaskUseCases
from domain.errors import InvalidValue, NotFound
from domain.values import TaskStatus
from tests.doubles import FakeClock


@pytest.fixture
def heard() -> list[TaskChange]:
    return []


@pytest.fixture
def feed(heard: list[TaskChange]) -> InProcessTaskChanges:
    changes = InProcessTaskChanges()
    changes.subscribe(heard.append)
    return changes


@pytest.fixture
def tasks(feed: InProcessTaskChanges) -> TaskUseCases:
    return TaskUseCases(MemoryStore().unit_of_work, FakeClock(), changes=feed)


async def test_each_committed_change_is_announced_with_its_user_and_tasks(
    tasks: TaskUseCases, heard: list[TaskChange]
) -> None:
    await tasks.add("alice", NewTask("one"))
    await tasks.add("alice", NewTask("two"))
    await tasks.update("alice", 1, TaskChanges(title="uno"))
    await tasks.toggle("alice", 2)
    await tasks.delete("alice", 1)
    await tasks.bulk("alice", "reopen", ids=[2, 9])
    assert heard == [
        TaskChange("alice", "created", (1,)),
        TaskChange("alice", "created", (2,)),
        TaskChange("alice", "updated", (1,)),
        TaskChange("alice", "updated", (2,)),
        TaskChange("alice", "deleted", (1,)),
        TaskChange("alice", "updated", (2,)),  # 9 does not exist: not announced
    ]


async def test_failures_announce_nothing(tasks: TaskUseCases, heard: list[TaskChange]) -> None:
    with pytest.raises(InvalidValue):
        await tasks.add("alice", NewTask("   "))
    with pytest.raises(NotFound):
        await tasks.update("alice", 1, TaskChanges(title="x"))
    await tasks.add("bob", NewTask("bob's"))
    heard.clear()
    with pytest.raises(NotFound):
        await tasks.delete("alice", 1)  # bob's task 1 is not alice's
    assert await tasks.bulk("alice", "delete", query=TaskQuery(status=TaskStatus.ALL)) == []
    assert heard == []


async def test_a_raising_listener_does_not_fail_the_change_or_starve_others(
    feed: InProcessTaskChanges, tasks: TaskUseCases, heard: list[TaskChange]
) -> None:
    def broken(change: TaskChange) -> None:
        raise RuntimeError("listener bug")

    stop = feed.subscribe(broken)
    late: list[TaskChange] = []
    feed.subscribe(late.append)
    task = await tasks.add("alice", NewTask("still saved"))
    assert task.id == 1 and len(heard) == 1 and len(late) == 1
    stop()
    stop()  # idempotent
    assert feed.listener_count == 2


async def test_bulk_tools_preview_without_confirm_and_report_progress(
    feed: InProcessTaskChanges, tasks: TaskUseCases, heard: list[TaskChange]
) -> None:
    for title in ("a", "b", "c"):
        await tasks.add("alice", NewTask(title))
    await tasks.add("bob", NewTask("bob's"))
    heard.clear()
    steps: list[tuple[int, int]] = []

    async def progress(done: int, total: int) -> None:
        steps.append((done, total))

    tools = ToolCatalogue(tasks, FakeClock()).bind("alice", progress=progress)
    preview = await tools.call("complete_all_tasks", {})
    assert preview.result["status"] == "preview" and preview.result["count"] == 3
    assert heard == [] and steps == []
    done = await tools.call("complete_all_tasks", {"confirm": True})
    assert done.result["message"] == "Completed 3 tasks."
    assert steps == [(1, 3), (2, 3), (3, 3)]
    assert heard == [TaskChange("alice", "updated", (1, 2, 3))]
    deleted = await tools.call("delete_completed_tasks", {"confirm": True})
    assert deleted.result["count"] == 3
    assert (await tasks.find("bob", TaskQuery())).total == 1
    nothing = await tools.call("delete_completed_tasks", {})
    assert nothing.result == {"status": "preview", "count": 0, "tasks": [], "message": "Nothing to delete."}
    refused = await tools.call("complete_all_tasks", {"confirm": True, "user_id": "bob"})
    assert "user_id" in refused.result["error"]
