"""The HTTP app in process: a container on a memory store (or SQLite), a scripted model.

Providers are overridden before the app is built; nothing is monkeypatched.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import jwt
import pytest
from dependency_injector import providers
from litestar import Litestar
from litestar.testing import AsyncTestClient

from adapters.memory.store import MemoryStore
from adapters.security.passwords import Argon2Hasher
from entrypoints.config import RateLimit, Settings
from entrypoints.container import Container, build_container
from entrypoints.http.app import create_app
from tests.doubles import ScriptedModel, Step

SECRET = "http-test-secret-0123456789-abcdefghijklmnop"
ALICE = "alice"
BOB = "bob"


def make_settings(tmp_path: Path, **changes: Any) -> Settings:
    base = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'http.db'}",
        secret=SECRET,
        login_rate_limit=RateLimit(1000, 60),
        auth_client_rate_limit=RateLimit(1000, 60),
        chat_rate_limit=RateLimit(1000, 60),
        cors_origins=("http://localhost:3000",),
    )
    return replace(base, **changes)


def mint(
    user_id: str | None,
    *,
    ttl: float = 3600,
    secret: str = SECRET,
    algorithm: str = "HS256",
    **claims: Any,
) -> str:
    payload: dict[str, Any] = {"exp": int(time.time() + ttl), **claims}
    if user_id is not None:
        payload["sub"] = user_id
    return jwt.encode(payload, secret, algorithm=algorithm)


def auth(user_id: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint(user_id)}"}


def always(ready: bool) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return ready

    return check


@dataclass
class Api:
    """A client on the app, plus the container and store behind it."""

    client: AsyncTestClient[Litestar]
    container: Container
    store: MemoryStore | None
    model: ScriptedModel
    app: Litestar
    extra: dict[str, Any] = field(default_factory=dict)

    def steps(self, *steps: Step) -> None:
        self.model.steps.extend(steps)

    async def request(
        self, method: str, path: str, user: str | None = ALICE, token: str | None = None, **kwargs: Any
    ) -> Any:
        """``user`` gets a fresh valid token; ``token`` sends that one instead; ``user=None`` sends none."""
        headers = dict(kwargs.pop("headers", {}) or {})
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        elif user is not None:
            headers.setdefault("Authorization", f"Bearer {mint(user)}")
        return await self.client.request(method, path, headers=headers, **kwargs)

    async def get(self, path: str, user: str | None = ALICE, **kwargs: Any) -> Any:
        return await self.request("GET", path, user, **kwargs)

    async def post(self, path: str, user: str | None = ALICE, **kwargs: Any) -> Any:
        return await self.request("POST", path, user, **kwargs)

    async def delete(self, path: str, user: str | None = ALICE, **kwargs: Any) -> Any:
        return await self.request("DELETE", path, user, **kwargs)

    async def add_task(self, user: str = ALICE, **body: Any) -> dict[str, Any]:
        response = await self.post(f"/api/{user}/tasks", user, json={"title": "A task", **body})
        assert response.status_code == 201, response.text
        return dict(response.json())


def configure(container: Container, store: MemoryStore | None, model: ScriptedModel) -> None:
    if store is not None:
        container.unit_of_work.override(providers.Callable(store.unit_of_work))
        container.database_ready.override(providers.Callable(always(True)))
    container.language_model.override(providers.Object(model))
    # Real argon2id, with costs small enough for a test suite.
    container.password_hasher.override(providers.Singleton(Argon2Hasher, time_cost=1, memory_cost=256))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def container(settings: Settings) -> Container:
    return build_container(settings)


@pytest.fixture
async def api(container: Container) -> AsyncIterator[Api]:
    store = MemoryStore()
    model = ScriptedModel([], store=store)
    configure(container, store, model)
    app = create_app(container)
    async with AsyncTestClient(app, raise_server_exceptions=False) as client:
        yield Api(client, container, store, model, app)


def error_of(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    return dict(body["error"])
