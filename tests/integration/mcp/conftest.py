"""A real served app for MCP over HTTP: uvicorn on a free 127.0.0.1 port, in process."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx2
import jwt
import pytest
import uvicorn
from litestar import Litestar
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from adapters.mcp import JwtTokenVerifier, McpHttp, build_mcp_server, user_of_access_token
from adapters.mcp.litestar import mcp_route_handlers
from adapters.memory.store import MemoryStore
from adapters.system import SystemClock
from application.errors import Unauthorized
from application.tools import ToolCatalogue
from application.use_cases.tasks import TaskUseCases
from tests.support.net import free_port

SECRET = "mcp-test-secret-with-enough-bytes-for-hs256"


class Hs256Verifier:
    def verify(self, token: str) -> str:
        try:
            claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"require": ["exp", "sub"]})
        except jwt.PyJWTError as exc:
            raise Unauthorized(str(exc)) from exc
        return str(claims["sub"])

    async def verify_async(self, token: str) -> str:
        return self.verify(token)


def mint(user_id: str, *, ttl: float = 3600, secret: str = SECRET) -> str:
    return jwt.encode({"sub": user_id, "exp": int(time.time() + ttl)}, secret, algorithm="HS256")


@dataclass
class Served:
    base_url: str
    store: MemoryStore
    tasks: TaskUseCases

    @property
    def mcp_url(self) -> str:
        return self.base_url + "/mcp"

    def token(self, user_id: str) -> str:
        return mint(user_id)


@contextlib.asynccontextmanager
async def serve(app: Any) -> AsyncIterator[str]:
    port = free_port()
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


def mcp_app(store: MemoryStore) -> tuple[Litestar, TaskUseCases]:
    clock = SystemClock()
    tasks = TaskUseCases(store.unit_of_work, clock)
    http = McpHttp(
        build_mcp_server(ToolCatalogue(tasks, clock), user_of_access_token),
        JwtTokenVerifier(Hs256Verifier()),
    )

    @contextlib.asynccontextmanager
    async def run_mcp(_: Litestar) -> AsyncIterator[None]:
        async with http.lifespan():
            yield

    return Litestar(route_handlers=mcp_route_handlers(http), lifespan=[run_mcp]), tasks


@pytest.fixture
async def served() -> AsyncIterator[Served]:
    store = MemoryStore()
    app, tasks = mcp_app(store)
    async with serve(app) as base_url:
        yield Served(base_url, store, tasks)


@contextlib.asynccontextmanager
async def mcp_client(url: str, token: str | None, *, mode: str = "auto") -> AsyncIterator[Client]:
    """The official client over streamable HTTP, with the bearer token on every request."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx2.AsyncClient(headers=headers, timeout=10) as http, Client(
        streamable_http_client(url, http_client=http), mode=mode
    ) as client:
        yield client


ClientFactory = Callable[..., contextlib.AbstractAsyncContextManager[Client]]
