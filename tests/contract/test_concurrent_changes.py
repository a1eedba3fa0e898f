"""Concurrent changes to one task on every store (issue 15, item 2): none is lost.

On PostgreSQL, before the write units of work locked the task they change, 20 concurrent
toggles ended in the wrong state, a title-only change wrote back the priority it had read,
and several of 10 concurrent deletes of one task answered as if they had deleted it.
The same use cases serve REST, chat and MCP; the tool checks go through the catalogue.
"""

from __future__ import annotations

import asyncio
from typing import Any

from application.ports import UnitOfWorkFactory
from application.queries import TaskQuery
from application.tools import ToolCatalogue, is_error
from application.use_cases.tasks import NewTask, TaskChanges, TaskUseCases
from domain.errors import NotFound
from domain.values import Priority, TaskStatus
from tests.doubles import FakeClock


async def _outcomes(*calls: Any) -> list[Any]:
    return list(await asyncio.gather(*calls, return_exceptions=True))


async def test_twenty_concurrent_toggles_are_twenty_flips(uow: UnitOfWorkFactory) -> None:
    tasks = TaskUseCases(uow, FakeClock())
    await tasks.add("a", NewTask("flip me"))
    answers = await _outcomes(*(tasks.toggle("a", 1) for _ in range(20)))
    assert not [a for a in answers if isinstance(a, BaseException)]
    # Each toggle saw the one before it: half of them completed the task, half reopened it.
    assert sorted(a.completed for a in answers) == [False] * 10 + [True] * 10
    assert (await tasks.get("a", 1)).completed is False


async def test_a_change_to_one_field_survives_concurrent_changes_to_another(uow: UnitOfWorkFactory) -> None:
    tasks = TaskUseCases(uow, FakeClock())
    await tasks.add("a", NewTask("original", priority=Priority.LOW))
    titles = [tasks.update("a", 1, TaskChanges(title=f"title {n}")) for n in range(20)]
    priority = tasks.update("a", 1, TaskChanges(priority=Priority.HIGH))
    answers = await _outcomes(*titles[:10], priority, *titles[10:])
    assert not [a for a in answers if isinstance(a, BaseException)]
    final = await tasks.get("a", 1)
    assert final.priority is Priority.HIGH  # no title-only change wrote the old priority back
    assert final.title in {f"title {n}" for n in range(20)}


async def test_of_ten_concurrent_deletes_exactly_one_deletes(uow: UnitOfWorkFactory) -> None:
    tasks = TaskUseCases(uow, FakeClock())
    await tasks.add("a", NewTask("only once"))
    answers = await _outcomes(*(tasks.delete("a", 1) for _ in range(10)))
    assert [a.title for a in answers if not isinstance(a, BaseException)] == ["only once"]
    assert [type(a) for a in answers if isinstance(a, BaseException)] == [NotFound] * 9
    assert (await tasks.find("a", TaskQuery())).total == 0


async def test_a_bulk_change_keeps_concurrent_renames(uow: UnitOfWorkFactory) -> None:
    tasks = TaskUseCases(uow, FakeClock())
    for n in range(5):
        await tasks.add("a", NewTask(f"task {n}"))
    renames = [tasks.update("a", n, TaskChanges(title=f"renamed {n}")) for n in range(1, 6)]
    answers = await _outcomes(*renames[:2], tasks.bulk("a", "complete", query=TaskQuery()), *renames[2:])
    assert not [a for a in answers if isinstance(a, BaseException)]
    page = await tasks.find("a", TaskQuery())
    assert [(t.title, t.completed) for t in page.items] == [(f"renamed {n}", True) for n in range(1, 6)]


async def test_a_bulk_delete_of_completed_tasks_spares_one_reopened_meanwhile(uow: UnitOfWorkFactory) -> None:
    tasks = TaskUseCases(uow, FakeClock())
    for n in range(1, 4):
        await tasks.add("a", NewTask(f"task {n}"))
        await tasks.complete("a", n)
    answers = await _outcomes(
        tasks.reopen("a", 2), tasks.bulk("a", "delete", query=TaskQuery(status=TaskStatus.COMPLETED))
    )
    assert not [a for a in answers if isinstance(a, BaseException)]
    left = (await tasks.find("a", TaskQuery())).items
    # Either order is right, but a reopened task is never deleted as completed.
    assert [(t.id, t.completed) for t in left] in ([], [(2, False)])


async def test_the_tools_change_one_task_concurrently_without_losing_anything(uow: UnitOfWorkFactory) -> None:
    tasks = TaskUseCases(uow, FakeClock())
    tools = ToolCatalogue(tasks, FakeClock()).bind("a")
    await tasks.add("a", NewTask("via tools", priority=Priority.LOW))
    updates = [tools.call("update_task", {"task_id": 1, "title": f"t{n}"}) for n in range(20)]
    calls = await asyncio.gather(
        *updates[:10], tools.call("update_task", {"task_id": 1, "priority": "high"}), *updates[10:]
    )
    assert [c.result for c in calls if is_error(c)] == []
    assert (await tasks.get("a", 1)).priority is Priority.HIGH
    deletes = await asyncio.gather(*(tools.call("delete_task", {"task_id": 1}) for _ in range(10)))
    assert sum(not is_error(c) for c in deletes) == 1
    assert {c.result["error"] for c in deletes if is_error(c)} == {"Task 1 not found"}
