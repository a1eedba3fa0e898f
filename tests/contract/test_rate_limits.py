"""The rate-limit port on its adapters: in memory, and in the database (SQLite, PostgreSQL).

The same behaviour is asked of each (``count`` hits per ``period``; a refused hit is not
counted; keys apart; no limit allows all; reset). On PostgreSQL, limiters over two engines
stand for two replicas: they share one count.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.rate_limits import MemoryRateLimiter
from adapters.sql.engine import EngineSettings, create_engine
from adapters.sql.migrate import upgrade_to_head
from adapters.sql.rate_limits import SqlRateLimiter
from adapters.sql.tables import rate_limits
from adapters.sql.uow import Sessions, session_factory
from application.errors import DatabaseUnavailable, RateLimited
from application.rate_limits import RateLimiter
from entrypoints.config import RateLimit
from tests.support.net import free_port
from tests.support.postgres import create_database, drop_database

START = 1_800_000_000.0  # a multiple of 60: the fixed windows start here


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


class Backend:
    """Makes limiters on one store; ``replica()`` is another process on the same store."""

    def __init__(self, kind: str, url: str | None = None) -> None:
        self.kind = kind
        self.url = url
        self.clock = Clock()
        self.engines: list[AsyncEngine] = []
        self._replicas: list[Sessions] = []

    def limiter(self, limit: RateLimit | None, name: str = "test", replica: int = 0) -> RateLimiter:
        if self.kind == "memory":
            return MemoryRateLimiter(limit, now=self.clock)
        while len(self.engines) <= replica:
            assert self.url is not None
            self.engines.append(create_engine(self.url, EngineSettings(pool_size=5, max_overflow=60)))
            self._replicas.append(session_factory(self.engines[-1]))
        return SqlRateLimiter(self._replicas[replica], name, limit, now=self.clock)

    async def rows(self) -> int:
        async with self.engines[0].connect() as connection:
            return int((await connection.execute(select(func.count()).select_from(rate_limits))).scalar_one())

    async def close(self) -> None:
        for engine in self.engines:
            await engine.dispose()


BACKENDS = ["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    if request.param == "memory":
        yield Backend("memory")
        return
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'limits.db'}"
        await upgrade_to_head(url)
        sql = Backend("sqlite", url)
        yield sql
        await sql.close()
        return
    url = await create_database()
    try:
        await upgrade_to_head(url)
        sql = Backend("postgres", url)
        yield sql
        await sql.close()
    finally:
        await drop_database(url)


async def refused(limiter: RateLimiter, key: str | tuple[str, ...]) -> int:
    with pytest.raises(RateLimited) as caught:
        await limiter.hit(key)
    return caught.value.retry_after


async def test_count_hits_per_period_then_refused_until_the_period_passes(backend: Backend) -> None:
    limiter = backend.limiter(RateLimit(3, 60))
    backend.clock.now = START + 10
    for _ in range(3):
        await limiter.hit("203.0.113.9")
    retry_after = await refused(limiter, "203.0.113.9")
    assert 1 <= retry_after <= 60
    backend.clock.now += 5
    assert 1 <= await refused(limiter, "203.0.113.9") <= retry_after  # refused hits count for nothing
    backend.clock.now = START + 10 + 120  # two periods on: nothing of the burst is left
    for _ in range(3):
        await limiter.hit("203.0.113.9")
    await refused(limiter, "203.0.113.9")


async def test_the_limit_holds_across_a_window_boundary(backend: Backend) -> None:
    """A burst just before a fixed window ends does not buy a fresh limit just after it
    (what fixed windows allowed: twice the limit in two seconds); the hits fade out as the
    period passes."""
    limiter = backend.limiter(RateLimit(10, 60))
    backend.clock.now = START + 59
    for _ in range(10):
        await limiter.hit("burst")
    backend.clock.now = START + 61
    await refused(limiter, "burst")
    backend.clock.now = START + 59 + 61  # the burst is over a period old: room again
    await limiter.hit("burst")


async def test_keys_are_counted_apart(backend: Backend) -> None:
    limiter = backend.limiter(RateLimit(1, 60))
    await limiter.hit("alice@example.com")
    await limiter.hit(("alice@example.com", "203.0.113.9"))
    await limiter.hit(("alice@example.com", "198.51.100.7"))
    await limiter.hit("bob")
    await refused(limiter, "alice@example.com")
    await refused(limiter, ("alice@example.com", "203.0.113.9"))


async def test_limiters_with_other_names_or_limits_count_apart(backend: Backend) -> None:
    login = backend.limiter(RateLimit(1, 60), name="login")
    chat = backend.limiter(RateLimit(2, 30), name="chat")
    await login.hit("alice")
    await chat.hit("alice")
    await chat.hit("alice")
    await refused(login, "alice")
    await refused(chat, "alice")


async def test_no_limit_allows_every_hit(backend: Backend) -> None:
    limiter = backend.limiter(None)
    for _ in range(50):
        await limiter.hit("anyone")
    assert limiter.limit is None


async def test_reset_forgets_the_key_only(backend: Backend) -> None:
    limiter = backend.limiter(RateLimit(1, 60))
    await limiter.hit("alice")
    await limiter.hit("bob")
    await limiter.reset("alice")
    await limiter.hit("alice")
    await refused(limiter, "bob")


async def test_concurrent_hits_get_exactly_the_limit(backend: Backend) -> None:
    limiter = backend.limiter(RateLimit(10, 60))
    outcomes = await asyncio.gather(*(limiter.hit("burst") for _ in range(40)), return_exceptions=True)
    assert sum(outcome is None for outcome in outcomes) == 10
    assert all(isinstance(outcome, RateLimited) for outcome in outcomes if outcome is not None)


@pytest.mark.postgres
async def test_two_replicas_share_one_count(postgres_url: str) -> None:
    """Two engines (pools), as two processes would have: 40 concurrent hits spread over both,
    10 get through; in memory each replica would have let 10 through."""
    await upgrade_to_head(postgres_url)
    backend = Backend("postgres", postgres_url)
    try:
        replicas = [backend.limiter(RateLimit(10, 60), name="login", replica=i) for i in (0, 1)]
        hits = [replicas[i % 2].hit(("alice@example.com", "203.0.113.9")) for i in range(40)]
        outcomes = await asyncio.gather(*hits, return_exceptions=True)
        assert sum(outcome is None for outcome in outcomes) == 10
        assert all(isinstance(outcome, RateLimited) for outcome in outcomes if outcome is not None)
        assert await backend.rows() == 1
    finally:
        await backend.close()


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def test_the_database_estimate_carries_the_previous_window_by_its_share(kind: str, tmp_path: Path) -> None:
    """Half-way into a window, half of the previous window's hits still count."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'estimate.db'}" if kind == "sqlite" else await create_database()
    try:
        await upgrade_to_head(url)
        backend = Backend(kind, url)
        limiter = backend.limiter(RateLimit(10, 60))
        backend.clock.now = START + 59
        for _ in range(10):
            await limiter.hit("client")
        backend.clock.now = START + 90  # 10 x 0.5 carried: room for 5 more
        for _ in range(5):
            await limiter.hit("client")
        assert await refused(limiter, "client") == 30
        await backend.close()
    finally:
        if kind == "postgres":
            await drop_database(url)


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def test_expired_windows_are_deleted_as_hits_go_by(kind: str, tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'sweep.db'}" if kind == "sqlite" else await create_database()
    try:
        await upgrade_to_head(url)
        backend = Backend(kind, url)
        limiter = backend.limiter(RateLimit(5, 60))
        for client in range(30):
            await limiter.hit(f"client-{client}")  # the first hit sweeps an empty table
        assert await backend.rows() == 30
        backend.clock.now = START + 59  # same window, and within sweep_every of the last sweep
        await limiter.hit("late")
        assert await backend.rows() == 31
        backend.clock.now = START + 125  # the first window has expired; the sweep is due
        await limiter.hit("next")
        assert await backend.rows() == 1
        await backend.close()
    finally:
        if kind == "postgres":
            await drop_database(url)


async def test_an_unreachable_database_refuses_the_hit() -> None:
    """Fail safe: no count, no pass. The caller answers 503 DATABASE_UNAVAILABLE."""
    url = f"postgresql+asyncpg://todo:pw@127.0.0.1:{free_port()}/todo"
    engine = create_engine(url, EngineSettings(pool_timeout=1))
    try:
        limiter = SqlRateLimiter(session_factory(engine), "login", RateLimit(5, 60))
        with pytest.raises(DatabaseUnavailable):
            await limiter.hit("alice")
    finally:
        await engine.dispose()


@pytest.mark.postgres
async def test_the_counters_skip_the_write_ahead_log_on_postgres(postgres_url: str) -> None:
    """UNLOGGED: no WAL flush per hit (a count is not worth one); emptied after a crash."""
    await upgrade_to_head(postgres_url)
    engine = create_engine(postgres_url)
    try:
        async with engine.connect() as connection:
            query = text("SELECT relpersistence::text FROM pg_class WHERE relname = 'rate_limits'")
            assert (await connection.execute(query)).scalar_one() == "u"
    finally:
        await engine.dispose()
