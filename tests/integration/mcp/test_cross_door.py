"""One task store, three doors: what MCP does is what REST and chat see, and back."""

from __future__ import annotations

import httpx

from tests.integration.mcp.conftest import Served, mcp_client


def bearer(served: Served, user_id: str) -> dict[str, str]:
    return {"Authorization": "Bearer " + served.token(user_id)}


async def test_a_task_added_through_mcp_is_visible_through_rest(served: Served) -> None:
    async with mcp_client(served.mcp_url, served.token("alice")) as client:
        added = await client.call_tool(
            "add_task", {"title": "Renew passport", "priority": "high", "due_date": "2026-07-01"}
        )
        assert added.structured_content is not None
        task_id = added.structured_content["task_id"]
        await client.call_tool("complete_task", {"task_id": task_id})

    async with httpx.AsyncClient(base_url=served.base_url, headers=bearer(served, "alice")) as http:
        listed = await http.get("/api/alice/tasks")
        assert listed.status_code == 200
        assert listed.headers["x-total-count"] == "1"
        (task,) = listed.json()["data"]
        assert (task["id"], task["title"], task["priority"], task["due_date"], task["completed"]) == (
            task_id,
            "Renew passport",
            "high",
            "2026-07-01",
            True,
        )
        # Bob's REST view does not include it.
        bobs = await http.get("/api/bob/tasks", headers=bearer(served, "bob"))
        assert bobs.json()["data"] == []


async def test_a_task_added_through_rest_is_visible_and_changeable_through_mcp(served: Served) -> None:
    async with httpx.AsyncClient(base_url=served.base_url, headers=bearer(served, "alice")) as http:
        created = await http.post("/api/alice/tasks", json={"title": "Book dentist", "priority": "low"})
        assert created.status_code == 201
        task_id = created.json()["id"]

        async with mcp_client(served.mcp_url, served.token("alice")) as client:
            listed = await client.call_tool("list_tasks", {"q": "dentist"})
            assert listed.structured_content is not None
            assert [(t["id"], t["title"], t["priority"]) for t in listed.structured_content["tasks"]] == [
                (task_id, "Book dentist", "low")
            ]
            renamed = await client.call_tool("update_task", {"task_id": task_id, "title": "Book the dentist"})
            assert not renamed.is_error

        fetched = await http.get(f"/api/alice/tasks/{task_id}")
        assert fetched.json()["title"] == "Book the dentist"

        async with mcp_client(served.mcp_url, served.token("mallory")) as mallory:
            assert (await mallory.call_tool("list_tasks", {})).structured_content == {"tasks": [], "total": 0}
            stolen = await mallory.call_tool("delete_task", {"task_id": task_id})
            assert stolen.is_error
        assert (await http.get(f"/api/alice/tasks/{task_id}")).status_code == 200


async def test_chat_sees_what_mcp_added_and_mcp_sees_what_chat_added(served: Served) -> None:
    async with (
        httpx.AsyncClient(base_url=served.base_url, headers=bearer(served, "alice")) as http,
        mcp_client(served.mcp_url, served.token("alice")) as client,
    ):
        await client.call_tool("add_task", {"title": "Feed the cat"})

        reply = await http.post("/api/alice/chat", json={"message": "list my tasks"})
        assert reply.status_code == 200, reply.text
        assert "feed the cat" in reply.json()["response"].lower()

        done = await http.post("/api/alice/chat", json={"message": "add buy bread"})
        assert done.status_code == 200, done.text
        listed = await client.call_tool("list_tasks", {"sort": "id"})
        assert listed.structured_content is not None
        assert [t["title"].lower() for t in listed.structured_content["tasks"]] == [
            "feed the cat",
            "buy bread",
        ]
