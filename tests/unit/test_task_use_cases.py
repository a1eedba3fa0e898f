from __future__ import annotations

from datetime import date

import pytest

from adapters.memory.store import MemoryStore
from application.queries import TaskQuery
from application.use_cases.tasks import NewTask, TaskChanges, TaskUseCases
from domain.errors import InvalidValue, NotFound
from domain.values import Priority, TaskStatus
from tests.doubles import FakeClock


async def test_add_numbers_tasks_per_user_from_one(tasks: TaskUseCases) -> None:
    a1 = await tasks.add("alice", NewTask("one"))
    b1 = await tasks.add("bob", NewTask("uno"))
    a2 = await tasks.add("alice", NewTask("two", priority="high", due_date=date(2026, 3, 5)))
    assert (a1.id, b1.id, a2.id) == (1, 1, 2)
    stored = await tasks.get("alice", 2)
    assert stored.title == "two" and stored.priority is Priority.HIGH and stored.due_date == date(2026, 3, 5)


async def test_invalid_add_leaves_no_trace_and_burns_no_number(tasks: TaskUseCases, store: MemoryStore) -> None:
    with pytest.raises(InvalidValue):
        await tasks.add("alice", NewTask("   "))
    assert store.state.tasks == {} and store.state.task_counters == {}
    assert (await tasks.add("alice", NewTask("real"))).id == 1


async def test_get_of_other_users_task_is_not_found(tasks: TaskUseCases) -> None:
    await tasks.add("alice", NewTask("secret"))
    with pytest.raises(NotFound):
        await tasks.get("bob", 1)


async def test_update_is_partial_and_can_clear_due_date(tasks: TaskUseCases, clock: FakeClock) -> None:
    await tasks.add("u", NewTask("old", description="keep", due_date=date(2026, 3, 3)))
    clock.advance(minutes=5)
    task = await tasks.update("u", 1, TaskChanges(title="new", due_date=None))
    assert (task.title, task.description, task.due_date) == ("new", "keep", None)
    assert task.updated_at > task.created_at
    stored = await tasks.get("u", 1)
    assert stored.title == "new" and stored.due_date is None


async def test_update_with_nothing_is_a_validation_error(tasks: TaskUseCases) -> None:
    await tasks.add("u", NewTask("x"))
    with pytest.raises(InvalidValue, match="changes"):
        await tasks.update("u", 1, TaskChanges())


async def test_failed_update_rolls_back_every_field(tasks: TaskUseCases) -> None:
    await tasks.add("u", NewTask("x"))
    with pytest.raises(InvalidValue):
        await tasks.update("u", 1, TaskChanges(title="renamed", priority="bogus"))
    assert (await tasks.get("u", 1)).title == "x"


async def test_complete_reopen_toggle_delete(tasks: TaskUseCases) -> None:
    await tasks.add("u", NewTask("x"))
    assert (await tasks.complete("u", 1)).completed
    assert not (await tasks.reopen("u", 1)).completed
    assert (await tasks.toggle("u", 1)).completed
    assert not (await tasks.toggle("u", 1)).completed
    deleted = await tasks.delete("u", 1)
    assert deleted.title == "x"
    with pytest.raises(NotFound):
        await tasks.delete("u", 1)
    # Numbers are never reused after a delete.
    assert (await tasks.add("u", NewTask("y"))).id == 2


async def _seed(tasks: TaskUseCases) -> None:
    await tasks.add("u", NewTask("buy milk", priority="low", due_date=date(2026, 3, 1)))
    await tasks.add("u", NewTask("call mom", priority="high", due_date=date(2026, 3, 3)))
    await tasks.add("u", NewTask("buy bread"))
    await tasks.complete("u", 3)
    await tasks.add("other", NewTask("buy milk"))


@pytest.mark.parametrize(
    ("query", "ids", "total"),
    [
        (TaskQuery(), [1, 2, 3], 3),
        (TaskQuery(status=TaskStatus.PENDING), [1, 2], 2),
        (TaskQuery(status=TaskStatus.COMPLETED), [3], 1),
        (TaskQuery(priority=Priority.HIGH), [2], 1),
        (TaskQuery(due_before=date(2026, 3, 2)), [1], 1),
        (TaskQuery(due_after=date(2026, 3, 1)), [2], 1),
        (TaskQuery(due_on=date(2026, 3, 3)), [2], 1),
        (TaskQuery(has_due_date=False), [3], 1),
        (TaskQuery(q="BUY"), [1, 3], 2),
        (TaskQuery(q="buy milk"), [1], 1),
        (TaskQuery(sort="-id"), [3, 2, 1], 3),
        (TaskQuery(sort="priority"), [2, 3, 1], 3),
        (TaskQuery(sort="due_date"), [1, 2, 3], 3),
        (TaskQuery(sort="title"), [3, 1, 2], 3),
        (TaskQuery(limit=1, offset=1), [2], 3),
        (TaskQuery(ids=(2, 3, 99)), [2, 3], 2),
    ],
)
async def test_find_filters_sorts_pages_and_counts_only_own(
    tasks: TaskUseCases, query: TaskQuery, ids: list[int], total: int
) -> None:
    await _seed(tasks)
    page = await tasks.find("u", query)
    assert [t.id for t in page.items] == ids
    assert page.total == total


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"limit": 0}, "limit"), ({"limit": 101}, "limit"), ({"offset": -1}, "offset"), ({"sort": "evil"}, "sort"),
     ({"q": "x" * 256}, "q")],
)
def test_bad_queries_name_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidValue) as err:
        TaskQuery(**kwargs)  # type: ignore[arg-type]
    assert err.value.field == field


async def test_bulk_by_ids_reports_each_item(tasks: TaskUseCases) -> None:
    await _seed(tasks)
    results = await tasks.bulk("u", "complete", ids=[1, 99, 1, 2])
    assert [(r.task_id, r.ok) for r in results] == [(1, True), (99, False), (2, True)]
    assert results[1].error == "Task 99 not found"
    page = await tasks.find("u", TaskQuery(status=TaskStatus.PENDING))
    assert page.total == 0
    assert (await tasks.find("other", TaskQuery(status=TaskStatus.PENDING))).total == 1


async def test_bulk_by_filter_deletes_matching_only(tasks: TaskUseCases) -> None:
    await _seed(tasks)
    results = await tasks.bulk("u", "delete", query=TaskQuery(status=TaskStatus.COMPLETED))
    assert [(r.task_id, r.title) for r in results] == [(3, "buy bread")]
    assert [t.id for t in (await tasks.find("u", TaskQuery())).items] == [1, 2]


async def test_bulk_reopen_many_pages(tasks: TaskUseCases) -> None:
    for i in range(130):
        await tasks.add("u", NewTask(f"t{i}"))
    await tasks.bulk("u", "complete", query=TaskQuery())
    results = await tasks.bulk("u", "reopen", query=TaskQuery(status=TaskStatus.COMPLETED))
    assert len(results) == 130 and all(r.ok for r in results)


async def test_bulk_needs_exactly_one_selector(tasks: TaskUseCases) -> None:
    with pytest.raises(InvalidValue):
        await tasks.bulk("u", "delete")
    with pytest.raises(InvalidValue):
        await tasks.bulk("u", "delete", ids=[1], query=TaskQuery())
