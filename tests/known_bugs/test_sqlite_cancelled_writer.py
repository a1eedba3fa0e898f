"""Regressions found in review (each one reproduced before it was written down)."""

from __future__ import annotations

import asyncio
import contextlib
import random
from functools import partial
from pathlib import Path

from adapters.sql.engine import EngineSettings, create_engine
from adapters.sql.migrate import upgrade_to_head
from adapters.sql.uow import SqlUnitOfWork, session_factory
from application.use_cases.tasks import NewTask, TaskUseCases
from tests.doubles import FakeClock


async def test_a_cancelled_sqlite_writer_does_not_leave_the_file_write_locked(tmp_path: Path) -> None:
    """A writer cancelled while its first statement (BEGIN IMMEDIATE) runs in aiosqlite's thread
    (a client gone mid-stream, shutdown, an MCP call abandoned) must not keep the write lock.

    Seen in review: the cancelled connection is closed while a cursor still references its
    statement, so SQLite keeps the transaction (and the RESERVED lock) until the garbage
    collector frees that cursor; meanwhile every writer waits busy_timeout and gets
    DATABASE_UNAVAILABLE.
    """
    url = f"sqlite+aiosqlite:///{tmp_path / 'cancel.db'}"
    await upgrade_to_head(url)
    engine = create_engine(url, EngineSettings(pool_size=3, sqlite_busy_timeout_ms=500))
    tasks = TaskUseCases(partial(SqlUnitOfWork, session_factory(engine)), FakeClock())
    chance = random.Random(1)
    failures: list[str] = []
    try:
        for number in range(300):
            writer = asyncio.create_task(tasks.add("u", NewTask(f"t{number}")))
            await asyncio.sleep(chance.random() * 0.004)
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await writer
            try:
                await tasks.add("u", NewTask(f"after {number}"))
            except Exception as error:
                failures.append(f"writer after cancelled #{number}: {type(error).__name__}: {error}")
                break
    finally:
        await engine.dispose()
    assert failures == []
