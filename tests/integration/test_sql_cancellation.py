"""A cancelled unit of work (client gone mid-stream, abandoned MCP call, timeout) leaves
nothing behind: no SQLite write lock, no transaction, no thrown-away connection."""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.engine import EngineSettings, create_engine
from adapters.sql.migrate import upgrade_to_head
from adapters.sql.uow import SqlUnitOfWork, session_factory
from application.queries import TaskQuery
from application.use_cases.tasks import NewTask, TaskUseCases
from tests.doubles import FakeClock
from tests.support.postgres import create_database, drop_database

POOL = 3


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cancel.db'}" if request.param == "sqlite" else await create_database()
    try:
        await upgrade_to_head(url)
        # A short busy timeout: a lock left behind shows up as a failure within 0.5 s.
        engine = create_engine(url, EngineSettings(pool_size=POOL, sqlite_busy_timeout_ms=500, pool_timeout=5))
        yield engine
        await engine.dispose()
    finally:
        if request.param == "postgres":
            await drop_database(url)


def _count_new_connections(engine: AsyncEngine) -> list[int]:
    opened = [0]

    @event.listens_for(engine.sync_engine, "connect")
    def _opened(*_: Any) -> None:
        opened[0] += 1

    return opened


async def test_writers_cancelled_at_random_points_leave_no_lock_and_no_dead_connection(engine: AsyncEngine) -> None:
    """Seen in review and by the outside attack suite (issue 15, item 1): a writer cancelled
    while BEGIN IMMEDIATE ran in aiosqlite's thread kept the SQLite file write-locked until
    the garbage collector freed its connection; every other writer waited busy_timeout and
    got DATABASE_UNAVAILABLE. On PostgreSQL the same cancellation threw the connection away."""
    opened = _count_new_connections(engine)
    sessions = session_factory(engine)
    tasks = TaskUseCases(partial(SqlUnitOfWork, sessions), FakeClock())
    chance = random.Random(1)
    added = 0
    for number in range(200):
        writer = asyncio.create_task(tasks.add("u", NewTask(f"t{number}")))
        await asyncio.sleep(chance.random() * 0.004)  # cancelled before, during or after its statements
        writer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await writer
            added += 1  # finished before the cancellation arrived
        await tasks.add("u", NewTask(f"after {number}"))  # raised DatabaseUnavailable before the fix
        added += 1
    await sessions.settle()
    page = await tasks.find("u", TaskQuery(limit=1))
    # Each cancelled writer either committed whole or left nothing: every number is one task.
    assert page.total >= added
    assert page.total <= 400
    assert opened[0] <= POOL  # no connection was invalidated and reopened


async def test_a_unit_of_work_cancelled_twice_still_returns_its_connection(engine: AsyncEngine) -> None:
    """Cancelled mid-statement and again while closing (a shutdown that cancels twice): the
    connection still goes back, rolled back, and its slot and writer's turn are free."""
    sessions = session_factory(engine)
    tasks = TaskUseCases(partial(SqlUnitOfWork, sessions), FakeClock())
    await tasks.add("u", NewTask("before"))
    entered = asyncio.Event()

    async def writer() -> None:
        async with SqlUnitOfWork(sessions) as uow:
            await uow.tasks.next_id("u")  # the transaction (and the SQLite write lock) is ours now
            entered.set()
            await asyncio.sleep(10)

    for _ in range(POOL + 2):  # more than the pool: a slot kept would starve the last ones
        entered.clear()
        running = asyncio.create_task(writer())
        await entered.wait()
        running.cancel()
        await asyncio.sleep(0)
        running.cancel()  # again, while its exit closes the connection
        with contextlib.suppress(asyncio.CancelledError):
            await running
    await sessions.settle()
    async with asyncio.timeout(3):
        added = await tasks.add("u", NewTask("after"))
    assert added.id == 2  # the cancelled writers' numbers were rolled back
