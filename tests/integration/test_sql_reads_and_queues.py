"""Reads that agree with themselves, and the queues in front of the pool (issue 15,
"from the last review"): a page and its total come from one statement; the readiness
probe queues like everyone; a writer that times out waiting for SQLite's one writer is
told so."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.engine import EngineSettings, create_engine
from adapters.sql.health import database_ready
from adapters.sql.migrate import upgrade_to_head
from adapters.sql.uow import SqlUnitOfWork, session_factory
from application.errors import DatabaseUnavailable
from application.queries import TaskQuery
from application.use_cases.tasks import NewTask, TaskUseCases
from domain.conversation import Conversation, Message
from domain.values import Role
from tests.doubles import FakeClock
from tests.support.postgres import create_database, drop_database

pytestmark = pytest.mark.timeout(60)
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    found = f"sqlite+aiosqlite:///{tmp_path / 'reads.db'}" if request.param == "sqlite" else await create_database()
    try:
        await upgrade_to_head(found)
        yield found
    finally:
        if request.param == "postgres":
            await drop_database(found)


def _statements(engine: AsyncEngine) -> list[str]:
    seen: list[str] = []

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append(statement)

    return seen


async def test_a_page_and_its_total_are_one_statement_even_past_the_end(url: str) -> None:
    """On PostgreSQL reads run outside a transaction: an empty page used to be followed by
    a second statement counting the rows, which could see rows the page did not."""
    engine = create_engine(url, EngineSettings(pool_size=2))
    sessions = session_factory(engine)
    tasks = TaskUseCases(partial(SqlUnitOfWork, sessions), FakeClock())
    for n in range(3):
        await tasks.add("a", NewTask(f"task {n}"))
    conversation = Conversation(id=uuid.uuid4(), user_id="a", title="c", created_at=NOW, updated_at=NOW)
    async with SqlUnitOfWork(sessions) as uow:
        await uow.conversations.add(conversation)
        await uow.conversations.add_message(
            Message(
                id=uuid.uuid4(),
                conversation_id=conversation.id,
                user_id="a",
                role=Role.USER,
                content="hi",
                created_at=NOW,
            )
        )
        await uow.commit()
    seen = _statements(engine)
    try:
        pages = []
        for offset in (0, 2, 3, 10):
            before = len(seen)
            async with SqlUnitOfWork(sessions, read_only=True) as uow:
                page = await uow.tasks.find("a", TaskQuery(limit=2, offset=offset))
                conversations = await uow.conversations.find("a", 5, offset)
                messages = await uow.conversations.messages("a", conversation.id, 5, offset)
            assert len(seen) - before == 3  # one statement per page, whatever the offset
            pages.append(
                (
                    [t.id for t in page.items],
                    page.total,
                    len(conversations.items),
                    conversations.total,
                    len(messages.items),
                    messages.total,
                )
            )
        async with SqlUnitOfWork(sessions, read_only=True) as uow:
            nobody = await uow.tasks.find("b", TaskQuery())
        assert (nobody.items, nobody.total) == ([], 0)
    finally:
        await engine.dispose()
    assert pages == [([1, 2], 3, 1, 1, 1, 1), ([3], 3, 0, 1, 0, 1), ([], 3, 0, 1, 0, 1), ([], 3, 0, 1, 0, 1)]


async def test_the_readiness_probe_queues_for_a_connection_in_arrival_order(url: str) -> None:
    """The probe used to take a pool connection outside the FIFO queue: with the pool busy
    it waited inside SQLAlchemy's pool and took the next connection from a unit of work
    that had queued before it."""
    engine = create_engine(url, EngineSettings(pool_size=1, pool_timeout=5))
    sessions = session_factory(engine)
    order: list[str] = []

    async def queued_unit() -> None:
        async with SqlUnitOfWork(sessions, read_only=True) as uow:
            order.append("unit of work")
            await uow.tasks.find("a", TaskQuery())

    async def probe() -> None:
        assert await database_ready(sessions, timeout=5)
        order.append("probe")

    try:
        async with SqlUnitOfWork(sessions, read_only=True) as holder:
            await holder.tasks.find("a", TaskQuery())
            first = asyncio.create_task(queued_unit())
            await asyncio.sleep(0.05)
            second = asyncio.create_task(probe())
            await asyncio.sleep(0.05)
        await asyncio.gather(first, second)
    finally:
        await engine.dispose()
    assert order == ["unit of work", "probe"]


async def test_a_sqlite_writer_timing_out_in_the_writers_queue_is_told_about_the_writer(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'writers.db'}"
    await upgrade_to_head(url)
    engine = create_engine(url, EngineSettings(pool_size=3, pool_timeout=0.3))
    sessions = session_factory(engine)
    try:
        async with SqlUnitOfWork(sessions) as holder:
            await holder.tasks.next_id("a")
            with pytest.raises(DatabaseUnavailable) as waited:
                async with SqlUnitOfWork(sessions):
                    pass
    finally:
        await engine.dispose()
    assert "writer" in str(waited.value) and "connection" not in str(waited.value)
