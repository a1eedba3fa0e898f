"""MCP at /mcp of a real ``todo-chat serve``, with tokens from ``todo-chat token``; the same
tasks through MCP, REST and chat (offline model)."""

from __future__ import annotations

import secrets
from pathlib import Path

import httpx
import pytest
from mcp import Client, StdioServerParameters

from application.tools import SESSIONLESS_TOOLS
from tests.integration.mcp.conftest import mcp_client
from tests.support.fake_openai import Reply, serve_fake_openai
from tests.support.server import ServerProcess, clean_env, run_cli, todo_chat_command

pytestmark = pytest.mark.e2e


def cli_token(workdir: Path, env: dict[str, str], user: str) -> str:
    minted = run_cli("token", user, cwd=workdir, env=env, timeout=30)
    assert minted.returncode == 0, minted.stderr
    return minted.stdout.strip().splitlines()[-1]


async def test_mcp_rest_and_chat_share_one_users_tasks(tmp_path: Path) -> None:
    env = {
        "BETTER_AUTH_SECRET": secrets.token_urlsafe(48),
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'tasks.db'}",
    }
    with ServerProcess(cwd=tmp_path, env=env) as server:
        alice = cli_token(tmp_path, env, "alice")
        bob = cli_token(tmp_path, env, "bob")
        rest = {"Authorization": f"Bearer {alice}"}

        async with mcp_client(server.url + "/mcp", alice, mode="legacy") as client:
            tools = {tool.name for tool in (await client.list_tools()).tools}
            assert tools == {spec.name for spec in SESSIONLESS_TOOLS}
            added = await client.call_tool("add_task", {"title": "Pay the rent", "priority": "high"})
            assert added.structured_content == {"task_id": 1, "status": "created", "title": "Pay the rent"}

        async with httpx.AsyncClient(base_url=server.url, headers=rest, timeout=30) as http:
            # MCP -> REST
            listed = (await http.get("/api/alice/tasks")).json()
            assert [(t["id"], t["title"], t["priority"]) for t in listed["data"]] == [
                (1, "Pay the rent", "high")
            ]
            # MCP -> chat
            reply = await http.post("/api/alice/chat", json={"message": "list my tasks"})
            assert reply.status_code == 200, reply.text
            assert "pay the rent" in reply.json()["response"].lower()
            # REST -> MCP
            created = await http.post("/api/alice/tasks", json={"title": "Call the plumber"})
            assert created.status_code == 201
            # chat -> MCP
            chatted = await http.post("/api/alice/chat", json={"message": "add water the plants"})
            assert chatted.status_code == 200, chatted.text

        async with mcp_client(server.url + "/mcp", alice) as client:
            mine = await client.call_tool("list_tasks", {"sort": "id"})
            assert mine.structured_content is not None
            assert [t["title"].lower() for t in mine.structured_content["tasks"]] == [
                "pay the rent",
                "call the plumber",
                "water the plants",
            ]
        async with mcp_client(server.url + "/mcp", bob) as client:
            assert (await client.call_tool("list_tasks", {})).structured_content == {"tasks": [], "total": 0}
            assert (await client.call_tool("delete_task", {"task_id": 1})).is_error

        async with httpx.AsyncClient(timeout=10) as http:
            ping = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
            anonymous = await http.post(server.url + "/mcp", json=ping)
            assert anonymous.status_code == 401
            assert "resource_metadata=" in anonymous.headers["www-authenticate"]

        # stdio on the same database sees the same tasks.
        command, *args = todo_chat_command()
        params = StdioServerParameters(
            command=command, args=[*args, "mcp", "--user", "alice"], env=clean_env(env), cwd=tmp_path
        )
        async with Client(params) as local:
            total = await local.call_tool("list_tasks", {})
            assert total.structured_content is not None
            assert total.structured_content["total"] == 3

    assert alice not in server.logs


def test_serve_with_llm_tools_mcp_points_the_agent_at_its_own_mcp(tmp_path: Path) -> None:
    """LLM_TOOLS=mcp under `todo-chat serve`: no LLM_MCP_URL needed, the agent's tool calls
    go through this server's /mcp as the chatting user."""
    with serve_fake_openai() as fake:
        fake.script += [
            Reply(tool_calls=[("add_task", '{"title": "call mom"}')]),
            Reply(text="Added call mom."),
        ]
        env = {
            "BETTER_AUTH_SECRET": secrets.token_urlsafe(48),
            "LLM_PROVIDER": "openai",
            "OPENAI_BASE_URL": fake.base_url,
            "LLM_MODEL": "fake",
            "LLM_TOOLS": "mcp",
        }
        with ServerProcess(cwd=tmp_path, env=env) as server, server.client() as http:
            headers = {"Authorization": f"Bearer {cli_token(tmp_path, env, 'alice')}"}
            reply = http.post("/api/alice/chat", json={"message": "add call mom"}, headers=headers)
            assert reply.status_code == 200, reply.text
            assert reply.json()["tool_calls"][0]["result"] == {
                "task_id": 1,
                "status": "created",
                "title": "call mom",
            }
            listed = http.get("/api/alice/tasks", headers=headers).json()
            assert [t["title"] for t in listed["data"]] == ["call mom"]
        mcp_lines = [r for r in server.log_records() if r.get("message") == "request" and r.get("path") == "/mcp"]
        assert mcp_lines
        assert all(r["status"] in (200, 202) for r in mcp_lines)
