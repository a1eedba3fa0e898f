"""LLM_TOOLS=mcp: the Agents SDK model reaches the tools through the app's own /mcp, with a
token minted for the turn's user, driven by the fake OpenAI-compatible server."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import httpx
import pytest
from dependency_injector import providers

from adapters.memory.store import MemoryStore
from application.queries import TaskQuery
from application.tools import SESSIONLESS_TOOLS
from application.use_cases.tasks import NewTask
from entrypoints.config import Settings
from entrypoints.container import Container, build_container
from entrypoints.http.app import create_app
from tests.integration.mcp.conftest import SECRET, serve
from tests.support.fake_openai import FakeOpenAI, Reply, serve_fake_openai
from tests.support.net import free_port


@dataclass
class AgentApp:
    base_url: str
    container: Container
    fake: FakeOpenAI

    def headers(self, user_id: str) -> dict[str, str]:
        token, _ = self.container.token_issuer().issue(user_id)
        return {"Authorization": f"Bearer {token}"}

    async def titles(self, user_id: str) -> list[str]:
        page = await self.container.task_use_cases().find(user_id, TaskQuery())
        return [task.title for task in page.items]


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with serve_fake_openai() as server:
        yield server


@pytest.fixture
async def app(fake: FakeOpenAI) -> AsyncIterator[AgentApp]:
    port = free_port()
    settings = Settings(
        secret=SECRET,
        llm_provider="openai",
        openai_base_url=fake.base_url,
        llm_model="fake",
        llm_api="chat",
        llm_tools="mcp",
        llm_mcp_url=f"http://127.0.0.1:{port}/mcp",
        chat_rate_limit=None,
    )
    container = build_container(settings)
    store = MemoryStore()
    container.unit_of_work.override(providers.Callable(store.unit_of_work))
    async with serve(create_app(container), port) as base_url:
        yield AgentApp(base_url, container, fake)


def mcp_requests(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "todo_chat.http" and getattr(r, "path", "") == "/mcp"]


async def test_the_agent_adds_a_task_through_mcp_as_the_chatting_user(
    app: AgentApp, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="todo_chat.http")
    await app.container.task_use_cases().add("bob", NewTask("bob's own"))
    app.fake.script += [
        Reply(tool_calls=[("add_task", '{"title": "call mom", "priority": "high"}')]),
        Reply(text="Added task 1: call mom."),
    ]
    async with httpx.AsyncClient(base_url=app.base_url, timeout=30) as http:
        reply = await http.post(
            "/api/alice/chat", json={"message": "remind me to call mom, urgent"}, headers=app.headers("alice")
        )
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["response"] == "Added task 1: call mom (high priority)."  # written from the result
    assert body["tool_calls"] == [
        {
            "tool": "add_task",
            "arguments": {"title": "call mom", "priority": "high"},
            "result": {"task_id": 1, "status": "created", "title": "call mom"},
        }
    ]
    assert await app.titles("alice") == ["call mom"]
    assert await app.titles("bob") == ["bob's own"]

    # The model saw the MCP server's tools (no user_id anywhere), and the change ended the turn.
    first = app.fake.requests[0]
    tools = {t["function"]["name"]: t["function"] for t in first["tools"]}
    assert set(tools) == {spec.name for spec in SESSIONLESS_TOOLS} | {"reply_to_user"}
    assert all("user_id" not in f["parameters"].get("properties", {}) for f in tools.values())
    assert len(app.fake.requests) == 1

    # And it went over HTTP to /mcp, authenticated (never a 401).
    statuses = [getattr(record, "status", None) for record in mcp_requests(caplog)]
    assert 200 in statuses
    assert set(statuses) <= {200, 202}


async def test_a_model_cannot_reach_another_users_tasks_through_mcp(app: AgentApp) -> None:
    await app.container.task_use_cases().add("bob", NewTask("bob's secret"))
    app.fake.script += [
        Reply(
            tool_calls=[
                ("add_task", '{"title": "planted", "user_id": "bob"}'),
                ("delete_task", '{"task_id": 1}'),
                ("list_tasks", "{}"),
            ]
        ),
        Reply(text="Done."),
    ]
    async with httpx.AsyncClient(base_url=app.base_url, timeout=30) as http:
        reply = await http.post("/api/alice/chat", json={"message": "mess with bob"}, headers=app.headers("alice"))
    assert reply.status_code == 200, reply.text
    calls = {c["tool"]: c["result"] for c in reply.json()["tool_calls"]}
    assert "user_id" in calls["add_task"]["error"]
    assert calls["delete_task"] == {"error": "Task 1 not found"}
    assert calls["list_tasks"] == {"tasks": [], "total": 0}
    assert await app.titles("bob") == ["bob's secret"]
    assert await app.titles("alice") == []


async def test_streamed_chat_reports_the_mcp_tool_calls(app: AgentApp) -> None:
    app.fake.script += [
        Reply(tool_calls=[("add_task", '{"title": "water plants"}')]),
        Reply(text="Added water plants."),
    ]
    async with httpx.AsyncClient(base_url=app.base_url, timeout=30) as http:
        streamed = await http.post(
            "/api/alice/chat/stream", json={"message": "add water plants"}, headers=app.headers("alice")
        )
    assert streamed.status_code == 200
    assert "water plants" in streamed.text
    assert '"add_task"' in streamed.text
    assert "event: done" in streamed.text
    assert await app.titles("alice") == ["water plants"]
