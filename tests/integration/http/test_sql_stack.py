"""The app on the real SQL stack (SQLite file, migrated), and with the database down."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from dependency_injector import providers
from litestar.testing import AsyncTestClient

from adapters.security.passwords import Argon2Hasher
from adapters.sql.migrate import upgrade_to_head
from entrypoints.container import build_container
from entrypoints.http.app import create_app
from tests.doubles import ScriptedModel, Step
from tests.integration.http.conftest import Api, error_of, make_settings
from tests.support.net import free_port


async def real_api(
    settings_dir: Path, database_url: str, migrate: bool = True
) -> tuple[Api, AsyncTestClient]:  # type: ignore[type-arg]
    settings = make_settings(settings_dir, database_url=database_url)
    if migrate:
        await upgrade_to_head(database_url)
    container = build_container(settings)
    model = ScriptedModel([])
    container.language_model.override(providers.Object(model))
    container.password_hasher.override(providers.Singleton(Argon2Hasher, time_cost=1, memory_cost=256))
    app = create_app(container)
    client = AsyncTestClient(app, raise_server_exceptions=False)
    return Api(client, container, None, model, app), client


@pytest.fixture
async def sqlite_api(tmp_path: Path) -> AsyncIterator[Api]:
    api, client = await real_api(tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'stack.db'}")
    async with client:
        yield api


@pytest.fixture
async def down_api(tmp_path: Path) -> AsyncIterator[Api]:
    """PostgreSQL at a port nobody listens on."""
    url = f"postgresql+asyncpg://todo:pw@127.0.0.1:{free_port()}/todo"
    api, client = await real_api(tmp_path, url, migrate=False)
    async with client:
        yield api


async def test_accounts_tasks_and_chat_on_sqlite(sqlite_api: Api) -> None:
    api = sqlite_api
    account = {"email": "a@b.co", "password": "long enough"}
    registered = await api.post("/api/auth/register", user=None, json=account)
    assert registered.status_code == 201, registered.text
    user, token = registered.json()["user_id"], registered.json()["token"]
    again = await api.post("/api/auth/register", user=None, json={**account, "email": "A@B.co"})
    assert again.status_code == 409
    login = await api.post("/api/auth/login", user=None, json=account)
    assert login.json()["user_id"] == user

    tea = {"title": "Tea", "due_date": "2026-03-03"}
    assert (await api.post(f"/api/{user}/tasks", token=token, json=tea)).status_code == 201
    patched = await api.request("PATCH", f"/api/{user}/tasks/1", token=token, json={"priority": "high"})
    assert patched.json()["priority"] == "high"

    calls = [("add_task", {"title": "Coffee"}), ("complete_task", {"task_id": 1})]
    api.steps(Step(calls=calls, reply="Done."))
    turn = await api.post(f"/api/{user}/chat", token=token, json={"message": "add coffee, tea is done"})
    assert turn.status_code == 200, turn.text
    conversation = turn.json()["conversation_id"]
    listing = (await api.get(f"/api/{user}/tasks", token=token)).json()
    rows = [(t["id"], t["title"], t["completed"]) for t in listing["data"]]
    assert rows == [(1, "Tea", True), (2, "Coffee", False)]
    detail = (await api.get(f"/api/{user}/conversations/{conversation}", token=token)).json()
    assert [m["role"] for m in detail["messages"]["data"]] == ["user", "assistant"]
    assert len(detail["messages"]["data"][1]["tool_calls"]) == 2

    other = await api.get(f"/api/{user}/tasks/1", user="intruder", token=None)
    assert other.status_code == 403
    assert (await api.get("/api/intruder/tasks/1", user="intruder")).status_code == 404
    assert (await api.delete(f"/api/{user}/conversations/{conversation}", token=token)).status_code == 204
    assert (await api.get("/health/ready", user=None)).status_code == 200


async def test_database_down_is_503_everywhere_and_not_ready(down_api: Api) -> None:
    api = down_api
    ready = await api.get("/health/ready", user=None)
    assert ready.status_code == 503
    assert error_of(ready)["code"] == "DATABASE_UNAVAILABLE"
    assert (await api.get("/health", user=None)).status_code == 200
    for method, path, body in [
        ("GET", "/api/alice/tasks", None),
        ("POST", "/api/alice/tasks", {"title": "x"}),
        ("POST", "/api/alice/chat", {"message": "hi"}),
        ("GET", "/api/alice/conversations", None),
        ("POST", "/api/auth/register", {"email": "a@b.co", "password": "long enough"}),
        ("POST", "/api/auth/login", {"email": "a@b.co", "password": "long enough"}),
    ]:
        response = await api.request(method, path, json=body)
        assert response.status_code == 503, (path, response.text)
        assert error_of(response)["code"] == "DATABASE_UNAVAILABLE"
