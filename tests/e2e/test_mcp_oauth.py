"""MCP sign-in against a real ``todo-chat serve`` on SQLite and PostgreSQL: the official client registers,
signs in through the consent page, calls tools and refreshes; the OAuth state lives in the
database (migration 0002_oauth), so a restarted server still honours the refresh token."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from tests.integration.mcp.oauth_flow import Browser, MemoryTokenStorage, oauth_provider, register_account
from tests.support.net import free_port
from tests.support.postgres import create_database, drop_database
from tests.support.server import ServerProcess

pytestmark = pytest.mark.e2e


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'tasks.db'}"
        return
    url = await create_database()
    try:
        yield url
    finally:
        await drop_database(url)


async def test_sign_in_tools_and_refresh_survive_a_restart(tmp_path: Path, database_url: str) -> None:
    env = {
        "BETTER_AUTH_SECRET": secrets.token_urlsafe(48),
        "DATABASE_URL": database_url,
        "OAUTH_ACCESS_TOKEN_LIFETIME": "2s",
    }
    storage = MemoryTokenStorage()
    browser = Browser(email="hu@example.com")
    port = free_port()
    # One client provider for both processes: it remembers when its access token expires.
    auth = oauth_provider(f"http://127.0.0.1:{port}/mcp", browser, storage)
    with ServerProcess(cwd=tmp_path, env=env, port=port) as server:
        async with httpx.AsyncClient(timeout=30) as http:
            metadata = (await http.get(server.url + "/.well-known/oauth-authorization-server")).json()
            assert metadata["issuer"] == server.url  # serve's own address, as PUBLIC_URL is unset
            await register_account(http, server.url, "hu@example.com")
        async with (
            httpx2.AsyncClient(auth=auth, timeout=30) as mcp_http,
            Client(streamable_http_client(server.url + "/mcp", http_client=mcp_http)) as client,
        ):
            added = await client.call_tool("add_task", {"title": "Signed in over OAuth"})
            assert added.structured_content is not None and added.structured_content["task_id"] == 1
    first = storage.tokens
    assert first is not None and first.refresh_token

    # A new process on the same database: the client, the grant and the refresh token are there.
    await asyncio.sleep(2.2)  # the access token has expired meanwhile
    with ServerProcess(cwd=tmp_path, env=env, port=port) as server:
        async with (
            httpx2.AsyncClient(auth=auth, timeout=30) as mcp_http,
            Client(streamable_http_client(server.url + "/mcp", http_client=mcp_http)) as client,
        ):
            listed = await client.call_tool("list_tasks", {})
            assert listed.structured_content is not None
            assert [t["title"] for t in listed.structured_content["tasks"]] == ["Signed in over OAuth"]
    assert len(browser.pages) == 1, "refreshed, not signed in again"
    assert storage.tokens is not None and storage.tokens.refresh_token != first.refresh_token
