"""The real app (create_app on the real container, memory store) served by uvicorn on a free
127.0.0.1 port in this process, and the official MCP client pointed at its /mcp."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx2
import jwt
import pytest
import uvicorn
from dependency_injector import providers
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from adapters.memory.oauth import MemoryOAuthStore
from adapters.memory.store import MemoryStore
from application.use_cases.tasks import TaskUseCases
from entrypoints.config import Settings
from entrypoints.container import Container, build_container
from entrypoints.http.app import create_app
from tests.support.net import free_port

SECRET = "mcp-test-secret-with-enough-bytes-for-hs256"


def mint(user_id: str, *, ttl: float = 3600, secret: str = SECRET) -> str:
    return jwt.encode({"sub": user_id, "exp": int(time.time() + ttl)}, secret, algorithm="HS256")


@dataclass
class Served:
    base_url: str
    store: MemoryStore
    container: Container

    @property
    def mcp_url(self) -> str:
        return self.base_url + "/mcp"

    @property
    def tasks(self) -> TaskUseCases:
        return self.container.task_use_cases()

    def token(self, user_id: str) -> str:
        token, _expires = self.container.token_issuer().issue(user_id)
        return token


@contextlib.asynccontextmanager
async def serve(app: Any, port: int | None = None) -> AsyncIterator[str]:
    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


def memory_container(port: int | None = None, **settings: Any) -> tuple[Container, MemoryStore]:
    """The real container and settings, on the memory stores and the offline model; its public
    URL is ``http://127.0.0.1:<port>`` (what ``todo-chat serve`` sets when PUBLIC_URL is unset)."""
    store = MemoryStore()
    public_url = f"http://127.0.0.1:{port}" if port else None
    container = build_container(
        Settings(secret=SECRET, login_rate_limit=None, chat_rate_limit=None, public_url=public_url, **settings)
    )
    container.unit_of_work.override(providers.Callable(store.unit_of_work))
    container.oauth_store.override(providers.Singleton(MemoryOAuthStore))
    return container, store


@pytest.fixture
async def served() -> AsyncIterator[Served]:
    """The whole app (REST, chat, MCP) served by uvicorn, as ``todo-chat serve`` builds it."""
    port = free_port()
    container, store = memory_container(port)
    async with serve(create_app(container), port) as base_url:
        yield Served(base_url, store, container)


@contextlib.asynccontextmanager
async def mcp_client(url: str, token: str | None, *, mode: str = "auto", **options: Any) -> AsyncIterator[Client]:
    """The official client over streamable HTTP, with the bearer token on every request.

    ``options`` go to ``Client`` (``elicitation_callback``, ``logging_callback``, ...)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx2.AsyncClient(headers=headers, timeout=10) as http, Client(
        streamable_http_client(url, http_client=http), mode=mode, **options
    ) as client:
        yield client

