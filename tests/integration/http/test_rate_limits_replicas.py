"""Rate limits hold across replicas on PostgreSQL: two apps (two containers, two pools) over
one database count in the same rows, so the (limit+1)-th attempt spread over both is a 429.
Before, each process counted alone and two replicas let a client through twice the limit.

And the limiter fails safe: with the database unreachable a limited door answers 503, it
does not let the attempt through uncounted.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import pytest
from dependency_injector import providers
from litestar.testing import AsyncTestClient

from adapters.security.passwords import Argon2Hasher
from adapters.sql.migrate import upgrade_to_head
from adapters.sql.rate_limits import SqlRateLimiter
from entrypoints.config import RateLimit
from entrypoints.container import build_container
from entrypoints.http.app import create_app
from tests.doubles import ScriptedModel, Step
from tests.integration.http.conftest import Api, error_of, make_settings
from tests.support.net import free_port

ACCOUNT = {"email": "shared@example.com", "password": "correct horse battery"}


async def replicas(stack: AsyncExitStack, tmp_path: Path, database_url: str, count: int, **limits: Any) -> list[Api]:
    apis = []
    for _ in range(count):
        container = build_container(make_settings(tmp_path, database_url=database_url, **limits))
        model = ScriptedModel([])
        container.language_model.override(providers.Object(model))
        container.password_hasher.override(providers.Singleton(Argon2Hasher, time_cost=1, memory_cost=256))
        app = create_app(container)
        client = await stack.enter_async_context(AsyncTestClient(app, raise_server_exceptions=False))
        apis.append(Api(client, container, None, model, app))
    return apis


@pytest.fixture
async def database(postgres_url: str) -> str:
    await upgrade_to_head(postgres_url)
    return postgres_url


@pytest.mark.postgres
async def test_the_login_limit_is_shared_by_two_replicas(database: str, tmp_path: Path) -> None:
    async with AsyncExitStack() as stack:
        one, two = await replicas(
            stack, tmp_path, database, 2, login_rate_limit=RateLimit(4, 60), auth_client_rate_limit=RateLimit(100, 60)
        )
        assert isinstance(one.container.login_limiter(), SqlRateLimiter)
        assert (await one.post("/api/auth/register", user=None, json=ACCOUNT)).status_code == 201  # attempt 1
        wrong = {**ACCOUNT, "password": "wrong password"}
        for api in (two, one, two):  # attempts 2-4, spread over both
            assert (await api.post("/api/auth/login", user=None, json=wrong)).status_code == 401
        for api in (one, two):  # the 5th and 6th: the right password, refused on either replica
            refused = await api.post("/api/auth/login", user=None, json=ACCOUNT)
            assert refused.status_code == 429, refused.text
            assert error_of(refused)["code"] == "RATE_LIMITED"
            assert 1 <= int(refused.headers["Retry-After"]) <= 60


@pytest.mark.postgres
async def test_the_per_client_limit_is_shared_across_emails_and_replicas(database: str, tmp_path: Path) -> None:
    async with AsyncExitStack() as stack:
        apis = await replicas(
            stack, tmp_path, database, 2, login_rate_limit=RateLimit(100, 60), auth_client_rate_limit=RateLimit(3, 60)
        )
        answers = []
        for n in range(4):  # each email once; the one client four times over both replicas
            login = {"email": f"guess{n}@example.com", "password": "not the password"}
            answers.append((await apis[n % 2].post("/api/auth/login", user=None, json=login)).status_code)
        assert answers == [401, 401, 401, 429]


@pytest.mark.postgres
async def test_the_chat_limit_is_shared_by_two_replicas(database: str, tmp_path: Path) -> None:
    async with AsyncExitStack() as stack:
        one, two = await replicas(stack, tmp_path, database, 2, chat_rate_limit=RateLimit(2, 60))
        for api in (one, two):
            api.steps(Step(reply="Hello."))
            turn = await api.post("/api/alice/chat", json={"message": "hi"})
            assert turn.status_code == 200, turn.text
        third = await one.post("/api/alice/chat", json={"message": "hi again"})
        assert third.status_code == 429 and error_of(third)["code"] == "RATE_LIMITED"
        other_user = await two.post("/api/bob/chat", user="bob", json={"message": "hi"})
        assert other_user.status_code != 429


async def test_an_unreachable_database_refuses_limited_doors_with_503(tmp_path: Path) -> None:
    """Fail safe: the limiter cannot count, so nobody is let through (and no password hashed)."""
    url = f"postgresql+asyncpg://todo:pw@127.0.0.1:{free_port()}/todo"
    async with AsyncExitStack() as stack:
        (api,) = await replicas(stack, tmp_path, url, 1, db_pool_timeout=1)
        login = await api.post("/api/auth/login", user=None, json=ACCOUNT)
        assert login.status_code == 503 and error_of(login)["code"] == "DATABASE_UNAVAILABLE"
        chat = await api.post("/api/alice/chat", json={"message": "hi"})
        assert chat.status_code == 503 and error_of(chat)["code"] == "DATABASE_UNAVAILABLE"
        client = {"redirect_uris": ["http://127.0.0.1:5000/callback"], "client_name": "x"}
        registration = await api.post("/register", user=None, json=client)
        assert registration.status_code == 503, registration.text
        assert registration.json()["error"] == "temporarily_unavailable"
