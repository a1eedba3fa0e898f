"""One contract for the OAuth store on memory, SQLite and Postgres: round trips, revocation,
and single use under concurrency (of many redemptions of one code or refresh token, one wins)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.memory.oauth import MemoryOAuthStore
from adapters.sql.engine import EngineSettings, create_engine
from adapters.sql.migrate import upgrade_to_head
from adapters.sql.oauth import SqlOAuthStore
from adapters.sql.uow import session_factory
from application.oauth import ClientRecord, CodeRecord, Grant, OAuthStore, RefreshRecord
from tests.support.postgres import create_database, drop_database

NOW = datetime(2026, 12, 1, 9, 30, 15, 123456, tzinfo=UTC)
CLIENT = "https://client.example/oauth/metadata.json"


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[OAuthStore]:
    if request.param == "memory":
        yield MemoryOAuthStore()
        return
    url = f"sqlite+aiosqlite:///{tmp_path / 'oauth.db'}" if request.param == "sqlite" else await create_database()
    try:
        await upgrade_to_head(url)
        engine = create_engine(url, EngineSettings(pool_size=5, max_overflow=30))
        yield SqlOAuthStore(session_factory(engine))
        await engine.dispose()
    finally:
        if request.param == "postgres":
            await drop_database(url)


def grant(grant_id: str = "g1") -> Grant:
    return Grant(grant_id, "alice", CLIENT, ("tasks:read", "tasks:write"), "https://todo.example/mcp", NOW)


def code(code_hash: str = "c" * 64, grant_id: str = "g1") -> CodeRecord:
    return CodeRecord(
        code_hash=code_hash,
        grant_id=grant_id,
        client_id=CLIENT,
        user_id="alice",
        redirect_uri="http://127.0.0.1:33418/callback?x=1",
        redirect_uri_explicit=True,
        code_challenge="E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        scopes=("tasks:read", "tasks:write"),
        resource="https://todo.example/mcp",
        expires_at=NOW + timedelta(minutes=5),
    )


def refresh(token_hash: str, grant_id: str = "g1") -> RefreshRecord:
    return RefreshRecord(
        token_hash=token_hash,
        grant_id=grant_id,
        client_id=CLIENT,
        user_id="alice",
        scopes=("tasks:read",),
        resource="https://todo.example/mcp",
        expires_at=NOW + timedelta(days=30),
    )


async def test_clients_round_trip(store: OAuthStore) -> None:
    record = ClientRecord("c-1", '{"client_id": "c-1", "redirect_uris": ["https://x.example/cb"]}', NOW)
    await store.add_client(record)
    assert await store.client("c-1") == record
    assert await store.client("c-2") is None


async def test_grants_and_codes_round_trip_and_revoke(store: OAuthStore) -> None:
    await store.add_grant(grant(), code())
    assert await store.grant("g1") == grant()
    assert await store.code("c" * 64) == code()
    assert await store.grant("nope") is None and await store.code("d" * 64) is None
    await store.revoke_grant("g1", NOW + timedelta(seconds=1))
    revoked = await store.grant("g1")
    assert revoked is not None and not revoked.active
    assert revoked.revoked_at == NOW + timedelta(seconds=1)
    await store.revoke_grant("g1", NOW + timedelta(hours=1))  # the first revocation stands
    assert (await store.grant("g1")) == revoked


async def test_a_code_is_consumed_once_even_under_concurrency(store: OAuthStore) -> None:
    await store.add_grant(grant(), code())
    outcomes = await asyncio.gather(*(store.consume_code("c" * 64, NOW) for _ in range(20)))
    assert sorted(outcomes) == [False] * 19 + [True]
    consumed = await store.code("c" * 64)
    assert consumed is not None and consumed.consumed_at == NOW
    assert await store.consume_code("unknown", NOW) is False


async def test_a_refresh_token_rotates_once_even_under_concurrency(store: OAuthStore) -> None:
    await store.add_grant(grant(), code())
    await store.add_refresh(refresh("r0"))
    assert await store.refresh("r0") == refresh("r0")
    outcomes = await asyncio.gather(
        *(store.rotate_refresh("r0", NOW, refresh(f"r1-{n}")) for n in range(20)), return_exceptions=True
    )
    assert sorted(outcome is True for outcome in outcomes) == [False] * 19 + [True]
    assert all(outcome in (True, False) for outcome in outcomes), outcomes
    winner = next(n for n, outcome in enumerate(outcomes) if outcome is True)
    assert await store.refresh(f"r1-{winner}") == refresh(f"r1-{winner}")
    losers = [n for n in range(20) if n != winner]
    assert all([await store.refresh(f"r1-{n}") is None for n in losers])
    assert await store.refresh("r0") == replace(refresh("r0"), rotated_at=NOW)


async def test_purge_forgets_only_what_can_no_longer_be_used(store: OAuthStore) -> None:
    await store.add_grant(grant("old"), code("a" * 64, "old"))
    await store.add_grant(grant("live"), replace(code("b" * 64, "live"), expires_at=NOW + timedelta(days=3)))
    await store.add_refresh(replace(refresh("expired", "old"), expires_at=NOW - timedelta(days=1)))
    await store.add_refresh(refresh("current", "live"))
    await store.revoke_grant("old", NOW - timedelta(days=2))
    removed = await store.purge(NOW + timedelta(days=1))
    assert removed == 3  # the expired code, the expired refresh token, the grant revoked before
    assert await store.code("a" * 64) is None and await store.refresh("expired") is None
    assert await store.grant("old") is None
    assert await store.grant("live") == grant("live")
    assert await store.code("b" * 64) is not None
    assert await store.refresh("current") == refresh("current", "live")
