"""MCP over streamable HTTP against a served app: auth, isolation, every tool, both eras."""

from __future__ import annotations

import httpx
import pytest
from dependency_injector import providers
from mcp.shared.exceptions import MCPError
from mcp.types import TextContent

from adapters.memory.store import MemoryStore
from application.queries import TaskQuery
from application.tools import SESSIONLESS_TOOLS
from application.use_cases.tasks import NewTask
from entrypoints.config import Settings
from entrypoints.container import build_container
from entrypoints.http.app import create_app
from tests.integration.mcp.conftest import SECRET, Served, mcp_client, mint, serve

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "raw", "version": "0"},
    },
}
ACCEPT = {"Accept": "application/json, text/event-stream"}


def text_of(result: object) -> str:
    (block,) = result.content  # type: ignore[attr-defined]
    assert isinstance(block, TextContent)
    return block.text


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_every_tool_over_http_with_a_token(served: Served, mode: str) -> None:
    async with mcp_client(served.mcp_url, served.token("alice"), mode=mode) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        assert sorted(tools) == sorted(spec.name for spec in SESSIONLESS_TOOLS)
        assert tools["list_tasks"].annotations.read_only_hint is True  # type: ignore[union-attr]
        assert tools["delete_task"].annotations.destructive_hint is True  # type: ignore[union-attr]
        assert tools["add_task"].output_schema is not None
        assert tools["add_task"].input_schema["additionalProperties"] is False

        added = await client.call_tool("add_task", {"title": "Call mom", "priority": "high"})
        assert added.structured_content == {"task_id": 1, "status": "created", "title": "Call mom"}
        updated = await client.call_tool("update_task", {"task_id": 1, "due_date": "2026-04-01"})
        assert updated.structured_content == {
            "task_id": 1, "status": "updated", "title": "Call mom", "previous": {"due_date": None},
            "after": {"due_date": "2026-04-01"},
        }
        completed = await client.call_tool("complete_task", {"task_id": 1})
        assert completed.structured_content == {
            "task_id": 1, "status": "completed", "title": "Call mom", "previous": {"completed": False},
            "after": {"completed": True},
        }
        listed = await client.call_tool("list_tasks", {"status": "completed"})
        assert listed.structured_content is not None
        assert listed.structured_content["total"] == 1
        assert listed.structured_content["tasks"][0]["due_date"] == "2026-04-01"
        deleted = await client.call_tool("delete_task", {"task_id": 1})
        assert deleted.structured_content == {"task_id": 1, "status": "deleted", "title": "Call mom"}

        missing = await client.call_tool("complete_task", {"task_id": 7})
        assert missing.is_error
        assert text_of(missing) == "Task 7 not found"
    assert (await served.tasks.find("alice", TaskQuery())).total == 0


async def test_two_tokens_two_users_never_see_or_change_each_other(served: Served) -> None:
    async with (
        mcp_client(served.mcp_url, served.token("alice")) as alice,
        mcp_client(served.mcp_url, served.token("bob")) as bob,
    ):
        await alice.call_tool("add_task", {"title": "alice one"})
        await alice.call_tool("add_task", {"title": "alice two"})
        await bob.call_tool("add_task", {"title": "bob one"})

        bobs = await bob.call_tool("list_tasks", {})
        assert bobs.structured_content is not None
        assert [t["title"] for t in bobs.structured_content["tasks"]] == ["bob one"]
        assert bobs.structured_content["total"] == 1

        # Bob's task 2 does not exist, even though Alice has a task 2.
        for name, arguments in [
            ("complete_task", {"task_id": 2}),
            ("update_task", {"task_id": 2, "title": "hijacked"}),
            ("delete_task", {"task_id": 2}),
        ]:
            result = await bob.call_tool(name, arguments)
            assert result.is_error, name
            assert text_of(result) == "Task 2 not found"

        # A user_id argument cannot point the tools at somebody else.
        smuggled = await bob.call_tool("list_tasks", {"user_id": "alice"})
        assert smuggled.is_error
        assert "user_id" in text_of(smuggled)
        planted = await bob.call_tool("add_task", {"title": "planted", "user_id": "alice"})
        assert planted.is_error

    alice_tasks = await served.tasks.find("alice", TaskQuery())
    assert [(t.title, t.completed) for t in alice_tasks.items] == [("alice one", False), ("alice two", False)]
    assert [t.title for t in (await served.tasks.find("bob", TaskQuery())).items] == ["bob one"]


async def test_a_task_added_outside_mcp_is_listed_for_its_owner_only(served: Served) -> None:
    await served.tasks.add("carol", NewTask("from elsewhere"))
    async with mcp_client(served.mcp_url, served.token("carol")) as carol:
        listed = await carol.call_tool("list_tasks", {})
    assert listed.structured_content is not None
    assert [t["title"] for t in listed.structured_content["tasks"]] == ["from elsewhere"]
    async with mcp_client(served.mcp_url, served.token("dave")) as dave:
        assert (await dave.call_tool("list_tasks", {})).structured_content == {"tasks": [], "total": 0}


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer",
        "Bearer not-a-jwt",
        "Basic YWxpY2U6c2VjcmV0",
        "Bearer " + mint("alice", ttl=-60),
        "Bearer " + mint("alice", secret="somebody-elses-secret-of-enough-length"),
    ],
    ids=["missing", "scheme-only", "garbage", "basic", "expired", "forged"],
)
async def test_no_valid_token_is_a_401_with_the_resource_metadata(
    served: Served, authorization: str | None
) -> None:
    headers = dict(ACCEPT)
    if authorization is not None:
        headers["Authorization"] = authorization
    async with httpx.AsyncClient() as http:
        response = await http.post(served.mcp_url, json=INITIALIZE, headers=headers)
        assert response.status_code == 401
        challenge = response.headers["www-authenticate"]
        assert challenge.startswith("Bearer ")
        assert 'error="invalid_token"' in challenge
        metadata_url = served.base_url + "/.well-known/oauth-protected-resource/mcp"
        assert f'resource_metadata="{metadata_url}"' in challenge

        metadata = await http.get(metadata_url)
        assert metadata.status_code == 200
        assert metadata.json()["resource"] == served.mcp_url
        assert metadata.json()["authorization_servers"] == [served.base_url]
        assert metadata.json()["bearer_methods_supported"] == ["header"]
    assert served.store.commits == 0


async def test_the_official_client_without_a_token_cannot_connect(served: Served) -> None:
    # The SDK reports the 401 as an MCPError raised out of its transport's task group.
    with pytest.raises(ExceptionGroup) as caught:
        async with mcp_client(served.mcp_url, None) as client:
            await client.list_tools()
    assert caught.group_contains(MCPError)
    assert served.store.commits == 0


async def test_a_token_and_a_foreign_host_header_is_refused(served: Served) -> None:
    """DNS-rebinding protection: the Host must be one of the allowed hosts."""
    headers = {**ACCEPT, "Authorization": "Bearer " + served.token("alice"), "Host": "evil.example:80"}
    async with httpx.AsyncClient() as http:
        response = await http.post(served.mcp_url, json=INITIALIZE, headers=headers)
        assert response.status_code == 421
        ok = await http.post(served.mcp_url, json=INITIALIZE, headers={**headers, "Host": "localhost:1"})
        assert ok.status_code == 200
        assert ok.json()["result"]["serverInfo"]["name"] == "todo-chat"


async def test_stateless_json_responses(served: Served) -> None:
    headers = {**ACCEPT, "Authorization": "Bearer " + served.token("alice")}
    async with httpx.AsyncClient() as http:
        response = await http.post(served.mcp_url, json=INITIALIZE, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert "mcp-session-id" not in response.headers


async def test_only_post_is_served_and_foreign_origins_are_refused(served: Served) -> None:
    headers = {**ACCEPT, "Authorization": "Bearer " + served.token("alice")}
    async with httpx.AsyncClient(timeout=5) as http:
        stream = await http.get(served.mcp_url, headers=headers)
        assert stream.status_code == 405
        assert stream.headers["allow"] == "POST"
        assert (await http.delete(served.mcp_url, headers=headers)).status_code == 405
        foreign = await http.post(
            served.mcp_url, json=INITIALIZE, headers={**headers, "Origin": "http://evil.example"}
        )
        assert foreign.status_code == 403
        inspector = await http.post(
            served.mcp_url, json=INITIALIZE, headers={**headers, "Origin": "http://localhost:6274"}
        )
        assert inspector.status_code == 200


async def test_allowed_hosts_come_from_the_settings() -> None:
    store = MemoryStore()
    container = build_container(
        Settings(secret=SECRET, mcp_allowed_hosts=("tasks.example.com",), public_url="https://tasks.example.com")
    )
    container.unit_of_work.override(providers.Callable(store.unit_of_work))
    async with serve(create_app(container)) as base_url, httpx.AsyncClient() as http:
        token, _ = container.token_issuer().issue("alice")
        headers = {**ACCEPT, "Authorization": f"Bearer {token}"}
        local = await http.post(base_url + "/mcp", json=INITIALIZE, headers=headers)
        assert local.status_code == 421
        public = await http.post(
            base_url + "/mcp", json=INITIALIZE, headers={**headers, "Host": "tasks.example.com"}
        )
        assert public.status_code == 200
        # The metadata names PUBLIC_URL, whatever Host the request carried.
        for host in ("tasks.example.com", "evil.example"):
            metadata = await http.get(
                base_url + "/.well-known/oauth-protected-resource/mcp", headers={"Host": host}
            )
            assert metadata.json()["resource"] == "https://tasks.example.com/mcp"
