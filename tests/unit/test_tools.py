from __future__ import annotations

import json

import pytest

from adapters.memory.store import MemoryStore
from application.tools import TOOLS, ToolCatalogue, is_error
from application.use_cases.tasks import NewTask, TaskUseCases
from tests.doubles import FakeClock


def test_the_tools_with_inline_object_schemas() -> None:
    names = [spec.name for spec in TOOLS]
    assert names == [
        "add_task", "list_tasks", "complete_task", "delete_task", "update_task",
        "restore_task", "list_trash", "list_labels", "undo_last_change", "complete_all_tasks",
        "delete_completed_tasks",
    ]
    for spec in TOOLS:
        schema = spec.input_schema
        assert schema["type"] == "object" and "$ref" not in schema
        assert "user_id" not in schema["properties"]
        assert schema.get("additionalProperties") is False
        assert spec.output_schema["type"] == "object"
        json.dumps(schema)


def test_schema_details_the_model_relies_on() -> None:
    specs = {s.name: s for s in TOOLS}
    add = specs["add_task"].input_schema
    assert add["required"] == ["title"]
    assert add["properties"]["title"]["maxLength"] == 255
    assert add["properties"]["due_date"]["anyOf"][0]["format"] == "date"
    update = specs["update_task"].input_schema
    assert update["required"] == ["task_id"]
    assert specs["list_tasks"].output_schema["properties"]["tasks"]["items"]["$ref"].startswith("#/$defs/")
    assert specs["delete_task"].destructive and specs["list_tasks"].read_only


async def test_tools_act_only_for_the_bound_user(catalogue: ToolCatalogue, tasks: TaskUseCases) -> None:
    await tasks.add("bob", NewTask("bob's secret"))
    alice = catalogue.bind("alice")
    added = await alice.call("add_task", {"title": "mine", "priority": "high", "due_date": "2026-03-04"})
    assert added.result == {"task_id": 1, "status": "created", "title": "mine"}
    assert added.arguments == {"title": "mine", "priority": "high", "due_date": "2026-03-04"}
    listed = await alice.call("list_tasks", {})
    assert listed.result["total"] == 1 and listed.result["tasks"][0]["title"] == "mine"
    # Bob's task 1 is invisible: completing "task 1" completes Alice's own.
    done = await alice.call("complete_task", {"task_id": 1})
    assert done.result["title"] == "mine"
    assert not (await tasks.get("bob", 1)).completed


async def test_smuggled_user_id_is_rejected(catalogue: ToolCatalogue, store: MemoryStore) -> None:
    call = await catalogue.bind("alice").call("add_task", {"title": "x", "user_id": "bob"})
    assert is_error(call) and "user_id" in call.result["error"]
    assert store.state.tasks == {}


@pytest.mark.parametrize(
    ("name", "args", "message"),
    [
        ("complete_task", {"task_id": 7}, "Task 7 not found"),
        ("delete_task", {"task_id": 7}, "Task 7 not found"),
        ("update_task", {"task_id": 1}, "nothing to update"),
        ("add_task", {"title": ""}, "Invalid arguments"),
        ("add_task", '{"title": ', "not valid JSON"),
        ("add_task", {"title": "x", "priority": "urgent"}, "Invalid arguments"),
        ("list_tasks", {"limit": 500}, "Invalid arguments"),
        ("drop_tables", {}, "Unknown tool"),
    ],
)
async def test_bad_calls_come_back_as_tool_errors(
    catalogue: ToolCatalogue, tasks: TaskUseCases, name: str, args: object, message: str
) -> None:
    await tasks.add("alice", NewTask("x"))
    call = await catalogue.bind("alice").call(name, args)  # type: ignore[arg-type]
    assert is_error(call) and message in call.result["error"]


async def test_json_string_arguments_as_models_send_them(catalogue: ToolCatalogue) -> None:
    tools = catalogue.bind("alice")
    await tools.call("add_task", '{"title": "tea"}')
    call = await tools.call("update_task", '{"task_id": 1, "due_date": null, "completed": true}')
    assert call.result == {"task_id": 1, "status": "updated", "title": "tea", "previous": {"completed": False},
                           "after": {"completed": True}}


async def test_list_filters_overdue_in_users_time_zone(
    catalogue: ToolCatalogue, tasks: TaskUseCases, clock: FakeClock
) -> None:
    from datetime import UTC, date, datetime

    # 2026-03-02 12:00 UTC is already 2026-03-03 01:00 in Auckland.
    clock.current = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    await tasks.add("u", NewTask("past", due_date=date(2026, 3, 1)))
    await tasks.add("u", NewTask("today utc", due_date=date(2026, 3, 2)))
    await tasks.add("u", NewTask("done past", due_date=date(2026, 3, 1)))
    await tasks.complete("u", 3)
    utc = await catalogue.bind("u").call("list_tasks", {"overdue": True})
    nz = await catalogue.bind("u", "Pacific/Auckland").call("list_tasks", {"overdue": True})
    assert [t["id"] for t in utc.result["tasks"]] == [1]
    assert [t["id"] for t in nz.result["tasks"]] == [1, 2]
    by_words = await catalogue.bind("u").call("list_tasks", {"q": "today", "status": "pending"})
    assert by_words.result["total"] == 1


async def test_list_filters_by_having_a_due_date(catalogue: ToolCatalogue, tasks: TaskUseCases) -> None:
    from datetime import date

    await tasks.add("u", NewTask("dated", due_date=date(2026, 3, 9)))
    await tasks.add("u", NewTask("undated"))
    without = await catalogue.bind("u").call("list_tasks", {"has_due_date": False})
    with_one = await catalogue.bind("u").call("list_tasks", {"has_due_date": True})
    assert [t["title"] for t in without.result["tasks"]] == ["undated"]
    assert [t["title"] for t in with_one.result["tasks"]] == ["dated"]
