"""Resources, prompts, completion, elicitation and change streams over streamable HTTP on the
real app, each user with their own token: nothing of one user reaches another."""

from __future__ import annotations

import json
from typing import Any

import anyio
import httpx
import pytest
from mcp.shared.exceptions import MCPError
from mcp.types import (
    ElicitRequestParams,
    ElicitResult,
    PromptReference,
    ResourceTemplateReference,
    TextResourceContents,
)

from application.queries import TaskQuery
from application.use_cases.tasks import NewTask
from tests.integration.mcp.conftest import Served, mcp_client

ALICE_TITLES = ["alice private ledger", "alice private passport", "alice private diary"]


async def seed(served: Served) -> None:
    for title in ALICE_TITLES:
        await served.tasks.add("alice", NewTask(title))
    await served.tasks.complete("alice", 3)
    await served.tasks.add("bob", NewTask("bob groceries"))


def assert_nothing_of_alices(text: str) -> None:
    assert "alice private" not in text, text[:500]


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_bob_sees_only_his_own_tasks_in_resources_prompts_and_completion(served: Served, mode: str) -> None:
    await seed(served)
    async with mcp_client(served.mcp_url, served.token("bob"), mode=mode) as bob:
        listed = await bob.list_resources()
        assert [str(r.uri) for r in listed.resources] == ["tasks://open", "tasks://task/1"]
        assert_nothing_of_alices(listed.model_dump_json())
        opened = await bob.read_resource("tasks://open")
        assert_nothing_of_alices(opened.model_dump_json())
        assert "bob groceries" in opened.model_dump_json()
        for task_id in (2, 3):  # alice has them, bob does not
            with pytest.raises(MCPError) as missing:
                await bob.read_resource(f"tasks://task/{task_id}")
            assert missing.value.error.code == -32002
            assert_nothing_of_alices(str(missing.value))

        for name in ("plan_my_day", "weekly_review"):
            prompt = await bob.get_prompt(name)
            assert_nothing_of_alices(prompt.model_dump_json())
        ids = await bob.complete(
            ResourceTemplateReference(uri="tasks://task/{task_id}"), {"name": "task_id", "value": ""}
        )
        assert ids.completion.values == ["1"]
        titles = await bob.complete(PromptReference(name="plan_my_day"), {"name": "focus", "value": "private"})
        assert titles.completion.values == []

        preview = await bob.call_tool("delete_completed_tasks", {})
        assert preview.structured_content == {
            "status": "preview",
            "count": 0,
            "tasks": [],
            "message": "Nothing to delete.",
        }
        done = await bob.call_tool("complete_all_tasks", {"confirm": True})
        assert done.structured_content["tasks"] == [  # type: ignore[index]
            {"task_id": 1, "title": "bob groceries", "previous": {"completed": False}, "after": {"completed": True}},
        ]
    alices = await served.tasks.find("alice", TaskQuery())
    assert [(t.title, t.completed) for t in alices.items] == [
        ("alice private ledger", False),
        ("alice private passport", False),
        ("alice private diary", True),
    ]


async def test_a_request_without_a_token_gets_no_resource(served: Served) -> None:
    await seed(served)
    body = {"jsonrpc": "2.0", "id": 1, "method": "resources/read", "params": {"uri": "tasks://open"}}
    async with httpx.AsyncClient() as http:
        reply = await http.post(served.mcp_url, json=body, headers={"Accept": "application/json, text/event-stream"})
    assert reply.status_code == 401
    assert_nothing_of_alices(reply.text)


async def test_elicitation_over_stateless_http_confirms_with_the_user(served: Served) -> None:
    """2026-07-28: the question travels in the tool result and the answer in the retried call."""
    await seed(served)
    asked: list[str] = []

    async def say_yes(context: Any, params: ElicitRequestParams) -> ElicitResult:
        asked.append(params.message)
        return ElicitResult(action="accept", content={"confirm": True})

    async with mcp_client(served.mcp_url, served.token("alice"), elicitation_callback=say_yes) as alice:
        result = await alice.call_tool("delete_completed_tasks", {})
    assert asked == ["This would delete 1 task. Go ahead?"]
    assert result.structured_content["status"] == "deleted"  # type: ignore[index]
    assert result.structured_content["tasks"] == [{"task_id": 3, "title": "alice private diary"}]  # type: ignore[index]
    assert (await served.tasks.find("alice", TaskQuery())).total == 2


async def test_handshake_era_http_has_no_back_channel_so_it_previews(served: Served) -> None:
    await seed(served)

    async def say_yes(context: Any, params: ElicitRequestParams) -> ElicitResult:
        raise AssertionError("a stateless 2025 connection cannot be asked")

    async with mcp_client(served.mcp_url, served.token("alice"), mode="legacy", elicitation_callback=say_yes) as alice:
        result = await alice.call_tool("delete_completed_tasks", {})
    assert result.structured_content["status"] == "preview"  # type: ignore[index]
    assert result.structured_content["count"] == 1  # type: ignore[index]
    assert (await served.tasks.find("alice", TaskQuery())).total == 3


async def test_a_rest_change_reaches_the_owners_listen_stream_and_nobody_elses(served: Served) -> None:
    await seed(served)
    events: dict[str, list[Any]] = {"alice": [], "bob": []}

    async def listen(user: str, ready: anyio.Event) -> None:
        async with (
            mcp_client(served.mcp_url, served.token(user)) as client,
            client.listen(
                resources_list_changed=True, resource_subscriptions=["tasks://open", "tasks://task/1"]
            ) as stream,
        ):
            ready.set()
            async for event in stream:
                events[user].append(event)

    async with anyio.create_task_group() as group:
        ready = {"alice": anyio.Event(), "bob": anyio.Event()}
        for user, event in ready.items():
            group.start_soon(listen, user, event)
        with anyio.fail_after(10):
            for event in ready.values():
                await event.wait()
        async with httpx.AsyncClient(base_url=served.base_url) as http:
            reply = await http.patch(
                "/api/alice/tasks/1",
                json={"title": "alice private ledger 2026"},
                headers={"Authorization": f"Bearer {served.token('alice')}"},
            )
            assert reply.status_code == 200, reply.text
        with anyio.fail_after(10):
            while len(events["alice"]) < 3:
                await anyio.sleep(0.02)
        await anyio.sleep(0.1)
        group.cancel_scope.cancel()
    uris = sorted(getattr(e, "uri", type(e).__name__) for e in events["alice"])
    assert uris == ["ResourcesListChanged", "tasks://open", "tasks://task/1"]
    assert events["bob"] == []


async def test_the_open_tasks_resource_is_json_text(served: Served) -> None:
    await seed(served)
    async with mcp_client(served.mcp_url, served.token("alice")) as alice:
        (content,) = (await alice.read_resource("tasks://open")).contents
    assert isinstance(content, TextResourceContents) and content.mime_type == "application/json"
    body = json.loads(content.text)
    assert [t["title"] for t in body["tasks"]] == ALICE_TITLES[:2]
