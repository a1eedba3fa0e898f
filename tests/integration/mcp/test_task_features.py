"""Issue 17 over MCP (streamable HTTP, the served app): repeating tasks, lists (labels) and
the trash through the tools, the task resources and the prompts, for two users who never
see, restore or count each other's tasks."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcp.types import TextContent

from tests.integration.mcp.conftest import Served, mcp_client

pytestmark = pytest.mark.parametrize("mode", ["auto", "legacy"])


def text_of(contents: Any) -> str:
    (block,) = contents
    return str(block.text)


async def call(client: Client, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, result.content
    assert result.structured_content is not None
    return dict(result.structured_content)


async def refused(client: Client, tool: str, arguments: dict[str, Any]) -> str:
    result = await client.call_tool(tool, arguments)
    assert result.is_error, result.structured_content
    (block,) = result.content
    assert isinstance(block, TextContent)
    return block.text


def prompt_text(result: Any) -> str:
    (message,) = result.messages
    return str(message.content.text)


async def test_the_new_tools_are_served_with_their_schemas_and_hints(served: Served, mode: str) -> None:
    async with mcp_client(served.mcp_url, served.token("alice"), mode=mode) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        for name in ("restore_task", "list_trash", "list_labels"):
            assert name in tools
        add = tools["add_task"].input_schema["properties"]
        assert add["recurrence"]["anyOf"][0] == {
            "type": "string",
            "minLength": 1,
            "maxLength": 255,
            "description": add["recurrence"]["anyOf"][0]["description"],
        }
        assert "FREQ=WEEKLY;BYDAY=MO" in add["recurrence"]["anyOf"][0]["description"]
        assert add["labels"]["type"] == "array"
        assert add["labels"]["maxItems"] == 10
        assert add["labels"]["items"]["maxLength"] == 32
        update = tools["update_task"].input_schema["properties"]
        assert {"recurrence", "labels", "add_labels", "remove_labels"} <= set(update)
        assert "label" in tools["list_tasks"].input_schema["properties"]
        assert tools["restore_task"].input_schema["required"] == ["task_id"]
        assert tools["list_labels"].input_schema.get("properties", {}) == {}
        assert set(tools["list_trash"].input_schema["properties"]) == {"limit", "offset"}
        for name in tools:
            assert "user_id" not in tools[name].input_schema.get("properties", {})
            assert tools[name].input_schema["additionalProperties"] is False

        hints = {
            name: (a.read_only_hint, a.destructive_hint, a.idempotent_hint)
            for name, tool in tools.items()
            if (a := tool.annotations) is not None
        }
        assert hints["list_trash"] == (True, False, True)
        assert hints["list_labels"] == (True, False, True)
        assert hints["restore_task"] == (False, False, True)  # bringing back is not destructive
        assert hints["delete_task"] == (False, True, True)
        # Completing a repeating task twice moves it on twice (shown below): not idempotent.
        assert hints["complete_task"][2] is False
        assert hints["update_task"][2] is False

        labels_out = tools["list_labels"].output_schema
        assert labels_out is not None and "labels" in labels_out["properties"]
        view = tools["list_tasks"].output_schema["$defs"]["TaskView"]["properties"]  # type: ignore[index]
        assert {"recurrence", "labels"} <= set(view)


async def test_repeat_lists_and_trash_through_tools_resources_and_prompts_for_two_users(
    served: Served, mode: str
) -> None:
    async with (
        mcp_client(served.mcp_url, served.token("alice"), mode=mode) as alice,
        mcp_client(served.mcp_url, served.token("bob"), mode=mode) as bob,
    ):
        plants = await call(
            alice,
            "add_task",
            {"title": "water the plants", "recurrence": "FREQ=WEEKLY;BYDAY=MO", "labels": ["Home"]},
        )
        assert (plants["task_id"], plants["status"], plants["repeats"]) == (1, "created", True)
        first = date.fromisoformat(plants["due_date"])
        assert first.weekday() == 0  # its first Monday
        milk = await call(alice, "add_task", {"title": "milk", "labels": ["shopping", "home"]})
        assert milk == {"task_id": 2, "status": "created", "title": "milk"}
        assert "recurrence" in await refused(alice, "add_task", {"title": "x", "recurrence": "EVERY=SOMETIMES"})

        # Completing moves it on a week each time, and it stays pending.
        done = await call(alice, "complete_task", {"task_id": 1})
        assert (done["status"], done["due_date"], done["repeats"]) == (
            "rescheduled",
            (first + timedelta(days=7)).isoformat(),
            True,
        )
        again = await call(alice, "complete_task", {"task_id": 1})
        assert again["due_date"] == (first + timedelta(days=14)).isoformat()
        listed = await call(alice, "list_tasks", {"status": "pending", "label": "HOME"})
        assert [(t["id"], t["labels"], t["recurrence"]) for t in listed["tasks"]] == [
            (1, ["Home"], "FREQ=WEEKLY;BYDAY=MO"),
            (2, ["shopping", "home"], None),
        ]
        labels = await call(alice, "list_labels", {})
        assert sorted((lc["name"].casefold(), lc["count"]) for lc in labels["labels"]) == [("home", 2), ("shopping", 1)]

        # The resources and prompts show lists and the rule; a ticked-off repeating task counts as done.
        one = json.loads(text_of((await alice.read_resource("tasks://task/1")).contents))
        assert (one["recurrence"], one["labels"], one["completed"]) == ("FREQ=WEEKLY;BYDAY=MO", ["Home"], False)
        open_tasks = json.loads(text_of((await alice.read_resource("tasks://open")).contents))
        assert [t["labels"] for t in open_tasks["tasks"]] == [["Home"], ["shopping", "home"]]
        plan = prompt_text(await alice.get_prompt("plan_my_day"))
        assert "Task 1: water the plants" in plan
        assert "repeats (RRULE FREQ=WEEKLY;BYDAY=MO)" in plan
        assert "[lists: shopping, home]" in plan
        review = prompt_text(await alice.get_prompt("weekly_review"))
        done_section = review.split("Done in the last 7 days:")[1].split("\n\n")[0]
        assert "Task 1: water the plants" in done_section

        # Delete goes to the trash: gone from the list, the counts and the resources; back on restore.
        deleted = await call(alice, "delete_task", {"task_id": 2})
        assert (deleted["task_id"], deleted["status"]) == (2, "deleted")
        assert [t["id"] for t in (await call(alice, "list_tasks", {}))["tasks"]] == [1]
        with pytest.raises(MCPError):
            await alice.read_resource("tasks://task/2")
        assert [(lc["name"], lc["count"]) for lc in (await call(alice, "list_labels", {}))["labels"]] == [("Home", 1)]
        trash = await call(alice, "list_trash", {})
        assert (trash["total"], [t["title"] for t in trash["tasks"]]) == (1, ["milk"])

        # Bob sees none of it and can restore none of it, by any number.
        assert await call(bob, "list_trash", {}) == {"tasks": [], "total": 0}
        assert await call(bob, "list_labels", {}) == {"labels": []}
        assert (await call(bob, "list_tasks", {"label": "home"}))["total"] == 0
        for task_id in (1, 2, 3):
            assert "not found" in (await refused(bob, "restore_task", {"task_id": task_id})).lower()
        with pytest.raises(MCPError):
            await bob.read_resource("tasks://task/1")
        assert "milk" not in prompt_text(await bob.get_prompt("plan_my_day"))
        mine = await call(bob, "add_task", {"title": "bob's plants", "labels": ["home"], "recurrence": "FREQ=DAILY"})
        assert mine["task_id"] == 1  # his own numbering
        assert await call(bob, "list_labels", {}) == {"labels": [{"name": "home", "count": 1}]}
        assert "not found" in (await refused(bob, "delete_task", {"task_id": 2})).lower()
        assert await call(bob, "list_trash", {}) == {"tasks": [], "total": 0}

        # Alice's trash is untouched by all that; restore brings task 2 back with its number.
        restored = await call(alice, "restore_task", {"task_id": 2})
        assert restored == {"task_id": 2, "status": "restored", "title": "milk"}
        listed = await call(alice, "list_tasks", {})
        assert [(t["id"], t["title"], t["labels"]) for t in listed["tasks"]] == [
            (1, "water the plants", ["Home"]),
            (2, "milk", ["shopping", "home"]),
        ]
        assert "not found" in (await refused(alice, "restore_task", {"task_id": 2})).lower()
        assert await call(alice, "list_trash", {}) == {"tasks": [], "total": 0}
        labels = await call(alice, "list_labels", {})
        assert sorted((lc["name"].casefold(), lc["count"]) for lc in labels["labels"]) == [("home", 2), ("shopping", 1)]
        assert [t["title"] for t in (await call(bob, "list_tasks", {}))["tasks"]] == ["bob's plants"]
