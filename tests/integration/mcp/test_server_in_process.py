"""The MCP server through the official client, in process (no network): tools and results."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from mcp import Client
from mcp.server import Server
from mcp.types import TextContent
from msgspec import Struct

from adapters.mcp import build_mcp_server
from adapters.memory.store import MemoryStore
from application.errors import Unauthorized
from application.queries import TaskQuery
from application.tools import SESSIONLESS_TOOLS, TOOLS, ToolCatalogue
from application.use_cases.tasks import NewTask, TaskUseCases
from tests.doubles import FakeClock

pytestmark = pytest.mark.parametrize("mode", ["auto", "legacy"])


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def tasks(store: MemoryStore) -> TaskUseCases:
    return TaskUseCases(store.unit_of_work, FakeClock())


@pytest.fixture
def server(tasks: TaskUseCases) -> Server[Any]:
    return build_mcp_server(ToolCatalogue(tasks, FakeClock()), lambda: "alice")


# The client holds an anyio task group, which must be entered and left in the test's own
# task, so each test connects itself (an async fixture would tear down in another task).


def text(result: Any) -> str:
    (block,) = result.content
    assert isinstance(block, TextContent)
    return block.text


async def test_lists_the_catalogue_tools_with_schemas_and_annotations(server: Server[Any], mode: str) -> None:
    async with Client(server, mode=mode) as client:
        listed = {tool.name: tool for tool in (await client.list_tools()).tools}
        assert list(listed) == [spec.name for spec in SESSIONLESS_TOOLS]
        for spec in SESSIONLESS_TOOLS:
            tool = listed[spec.name]
            assert tool.description == spec.description
            assert tool.input_schema == spec.input_schema
            assert tool.output_schema == spec.output_schema
            assert "user_id" not in tool.input_schema["properties"]
            assert tool.annotations is not None
            assert tool.annotations.read_only_hint is spec.read_only
            assert tool.annotations.destructive_hint is spec.destructive
            assert tool.annotations.idempotent_hint is spec.idempotent
            assert tool.annotations.open_world_hint is False
        assert listed["list_tasks"].annotations.read_only_hint is True  # type: ignore[union-attr]
        assert listed["delete_task"].annotations.destructive_hint is True  # type: ignore[union-attr]


async def test_every_tool_returns_structured_content(server: Server[Any], mode: str) -> None:
    async with Client(server, mode=mode) as client:
        added = await client.call_tool(
            "add_task", {"title": "Buy milk", "priority": "high", "due_date": "2026-03-05"}
        )
        assert not added.is_error
        assert added.structured_content == {"task_id": 1, "status": "created", "title": "Buy milk"}
        assert '"task_id": 1' in text(added)

        listed = await client.call_tool("list_tasks", {"status": "pending"})
        assert listed.structured_content == {
            "tasks": [
                {
                    "id": 1,
                    "title": "Buy milk",
                    "description": None,
                    "completed": False,
                    "priority": "high",
                    "due_date": "2026-03-05",
                    "recurrence": None,
                    "labels": [],
                }
            ],
            "total": 1,
        }

        updated = await client.call_tool(
            "update_task", {"task_id": 1, "title": "Buy oat milk", "due_date": None}
        )
        assert updated.structured_content == {
            "task_id": 1, "status": "updated", "title": "Buy oat milk",
            "previous": {"title": "Buy milk", "due_date": "2026-03-05"},  # what an undo would put back
            "after": {"title": "Buy oat milk", "due_date": None},  # what an undo checks is still there
        }

        completed = await client.call_tool("complete_task", {"task_id": 1})
        assert completed.structured_content == {
            "task_id": 1, "status": "completed", "title": "Buy oat milk", "previous": {"completed": False},
            "after": {"completed": True},
        }
        done = await client.call_tool("list_tasks", {"status": "completed"})
        assert done.structured_content is not None
        assert [(t["id"], t["completed"], t["due_date"]) for t in done.structured_content["tasks"]] == [
            (1, True, None)
        ]

        deleted = await client.call_tool("delete_task", {"task_id": 1})
        assert deleted.structured_content == {"task_id": 1, "status": "deleted", "title": "Buy oat milk"}
        assert (await client.call_tool("list_tasks", {})).structured_content == {"tasks": [], "total": 0}


async def test_list_filters_and_paging(server: Server[Any], mode: str) -> None:
    async with Client(server, mode=mode) as client:
        for title, priority in [("tea", "low"), ("coffee", "high"), ("cocoa", "high")]:
            await client.call_tool("add_task", {"title": title, "priority": priority})
        high = await client.call_tool("list_tasks", {"priority": "high", "sort": "-id"})
        assert high.structured_content is not None
        assert [t["title"] for t in high.structured_content["tasks"]] == ["cocoa", "coffee"]
        page = await client.call_tool("list_tasks", {"limit": 1, "offset": 1})
        assert page.structured_content is not None
        assert [t["title"] for t in page.structured_content["tasks"]] == ["coffee"]
        assert page.structured_content["total"] == 3


@pytest.mark.parametrize(
    ("name", "arguments", "message"),
    [
        ("complete_task", {"task_id": 7}, "Task 7 not found"),
        ("delete_task", {"task_id": 7}, "Task 7 not found"),
        ("update_task", {"task_id": 7, "title": "x"}, "Task 7 not found"),
        ("add_task", {"title": "   "}, "title"),
        ("add_task", {"title": "x", "priority": "urgent"}, "Invalid arguments"),
        ("complete_task", {"task_id": "seven"}, "Invalid arguments"),
        ("list_tasks", {"limit": 1000}, "Invalid arguments"),
        ("no_such_tool", {}, "Unknown tool"),
    ],
)
async def test_failures_are_tool_errors_with_a_readable_message(
    server: Server[Any], mode: str, name: str, arguments: dict[str, Any], message: str
) -> None:
    async with Client(server, mode=mode) as client:
        result = await client.call_tool(name, arguments)
        assert result.is_error
        assert message in text(result)
        assert result.structured_content is None


async def test_a_smuggled_user_id_is_rejected_and_changes_nothing(
    server: Server[Any], mode: str, tasks: TaskUseCases
) -> None:
    async with Client(server, mode=mode) as client:
        await tasks.add("bob", NewTask("bob's secret"))
        smuggled = await client.call_tool("add_task", {"title": "sneaky", "user_id": "bob"})
        assert smuggled.is_error
        assert "user_id" in text(smuggled)
        listed = await client.call_tool("list_tasks", {"user_id": "bob"})
        assert listed.is_error
        bob = await tasks.find("bob", TaskQuery())
        assert [t.title for t in bob.items] == ["bob's secret"]
        alice = await client.call_tool("list_tasks", {})
        assert alice.structured_content == {"tasks": [], "total": 0}


async def test_no_authenticated_user_is_a_tool_error_and_nothing_runs(
    tasks: TaskUseCases, store: MemoryStore, mode: str
) -> None:
    def nobody() -> str:
        raise Unauthorized("no token")

    server = build_mcp_server(ToolCatalogue(tasks, FakeClock()), nobody)
    async with Client(server, mode=mode) as client:
        result = await client.call_tool("add_task", {"title": "x"})
    assert result.is_error
    assert text(result) == "Authentication required"
    assert store.commits == 0


async def test_an_unexpected_failure_is_a_tool_error_without_its_details(tasks: TaskUseCases, mode: str) -> None:
    async def broken(*_: object) -> Struct:
        raise RuntimeError("connection string with a password")

    spec = replace(TOOLS[1], handler=broken)
    server = build_mcp_server(ToolCatalogue(tasks, FakeClock(), specs=(spec,)), lambda: "alice")
    async with Client(server, mode=mode) as client:
        result = await client.call_tool("list_tasks", {})
    assert result.is_error
    assert "failed unexpectedly" in text(result)
    assert "password" not in text(result)
